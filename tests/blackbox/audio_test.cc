// Black-box: what a generation produces — the job object's shape and
// defaults, the sample's metadata, and the audio stream: a real WAV of the
// requested length that is not silent, served with HTTP Range support.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "store/storage_keys.h"
#include "support/test_server.h"
#include "util/uuid.h"

namespace studio::testing {
namespace {

struct WavInfo {
  int format = 0;  // 1 = PCM, 0xFFFE = extensible
  int channels = 0;
  int sample_rate = 0;
  int bits = 0;
  size_t data_offset = 0;
  size_t data_size = 0;
};

uint32_t Le32(const std::string& s, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(s[at])) |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 3])) << 24;
}
uint16_t Le16(const std::string& s, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(s[at]) |
                               static_cast<unsigned char>(s[at + 1]) << 8);
}

// Parses the RIFF/WAVE chunks. Failure says what is wrong.
::testing::AssertionResult ParseWav(const std::string& bytes, WavInfo* info) {
  if (bytes.size() < 12 || bytes.compare(0, 4, "RIFF") != 0 || bytes.compare(8, 4, "WAVE") != 0) {
    return ::testing::AssertionFailure() << "no RIFF/WAVE header";
  }
  if (Le32(bytes, 4) + 8 != bytes.size()) {
    return ::testing::AssertionFailure()
           << "RIFF size " << Le32(bytes, 4) << " + 8 != file size " << bytes.size();
  }
  bool have_fmt = false;
  size_t at = 12;
  while (at + 8 <= bytes.size()) {
    std::string id = bytes.substr(at, 4);
    size_t size = Le32(bytes, at + 4);
    if (at + 8 + size > bytes.size()) {
      return ::testing::AssertionFailure() << "chunk " << id << " runs past the end";
    }
    if (id == "fmt " && size >= 16) {
      info->format = Le16(bytes, at + 8);
      info->channels = Le16(bytes, at + 10);
      info->sample_rate = static_cast<int>(Le32(bytes, at + 12));
      info->bits = Le16(bytes, at + 22);
      have_fmt = true;
    } else if (id == "data") {
      info->data_offset = at + 8;
      info->data_size = size;
      if (!have_fmt) return ::testing::AssertionFailure() << "data before fmt";
      return ::testing::AssertionSuccess();
    }
    at += 8 + size + (size & 1);
  }
  return ::testing::AssertionFailure() << "no data chunk";
}

class AudioTest : public SharedServerTest<AudioTest> {
 protected:
  // Cancels a job the test does not need rendered (unless it already ended).
  void StopEarly(const std::string& job_id) {
    HttpResult r = api().Delete("/api/generate/" + job_id);
    if (r.status == 400) {
      EXPECT_EQ(Get("/api/generate/" + job_id).value("status", ""), "completed") << r.Describe();
    } else {
      EXPECT_EQ(r.status, 204) << r.Describe();
    }
  }
};

TEST_F(AudioTest, SubmittedJobHasTheContractShapeAndDefaults) {
  const std::string prompt_id = server().CreatePrompt("bright synth pop");
  ASSERT_FALSE(prompt_id.empty());
  Json job = server().Generate({{"prompt_id", prompt_id}});
  ASSERT_TRUE(job.is_object());
  for (const char* key : {"id", "prompt_id", "prompt_preview", "adapter_id", "adapter_name",
                          "adapter_deleted", "status", "progress", "num_samples", "audio_ids",
                          "error", "generation_params", "duration_seconds", "created_at",
                          "completed_at"}) {
    EXPECT_TRUE(job.contains(key)) << key << " missing: " << job.dump();
  }
  EXPECT_TRUE(IsUuid(job.value("id", "")));
  EXPECT_EQ(job.value("prompt_id", ""), prompt_id);
  EXPECT_EQ(job.value("num_samples", 0), 1);
  EXPECT_TRUE(job["adapter_id"].is_null());
  EXPECT_EQ(job.value("adapter_deleted", true), false);
  EXPECT_TRUE(job.value("status", "") == "queued" || job.value("status", "") == "processing");
  const Json& p = job["generation_params"];
  EXPECT_EQ(p.value("temperature", 0.0), 1.0) << p.dump();
  EXPECT_EQ(p.value("top_k", 0), 250);
  EXPECT_EQ(p.value("top_p", -1.0), 0.0);
  EXPECT_EQ(p.value("duration", 0), 10) << "default duration without a prompt duration";
  EXPECT_TRUE(p.contains("seed") && p["seed"].is_number_integer()) << p.dump();
  // created_at: ISO-8601 UTC with microseconds.
  const std::string created = job.value("created_at", "");
  EXPECT_EQ(created.size(), 27u) << created;
  EXPECT_EQ(created.back(), 'Z') << created;
  EXPECT_EQ(created[19], '.') << created;

  // The status view.
  Json status = Get("/api/generate/" + job["id"].get<std::string>());
  for (const char* key : {"id", "status", "progress", "audio_ids", "error", "created_at"}) {
    EXPECT_TRUE(status.contains(key)) << key << " missing: " << status.dump();
  }
  StopEarly(job["id"]);

  // The prompt's duration is the default when the request gives none.
  const std::string short_prompt = server().CreatePrompt("tiny jingle", {{"duration", 2}});
  Json short_job = server().Generate({{"prompt_id", short_prompt}, {"seed", 7}});
  ASSERT_TRUE(short_job.is_object());
  EXPECT_EQ(short_job["generation_params"].value("duration", 0), 2);
  EXPECT_EQ(short_job["generation_params"].value("seed", 0), 7);
  StopEarly(short_job["id"]);
}

TEST_F(AudioTest, SampleStreamIsAValidNonSilentWavOfTheRequestedLength) {
  const std::string prompt_id = server().CreatePrompt(
      "upbeat funk groove", {{"tempo", 120},
                             {"primary_instruments", {"electric-piano", "bass-guitar"}},
                             {"secondary_instruments", {"acoustic-drum-kit"}}});
  ASSERT_FALSE(prompt_id.empty());
  Json job = server().Generate(
      {{"prompt_id", prompt_id}, {"num_samples", 2}, {"duration", 2}, {"seed", 11}});
  ASSERT_TRUE(job.is_object());
  const std::string job_id = job["id"];
  Json done = server().WaitForJob(job_id, {"completed", "failed", "cancelled"});
  ASSERT_EQ(done.value("status", ""), "completed") << done.dump();
  EXPECT_EQ(done.value("progress", 0.0), 1.0);
  ASSERT_EQ(done["audio_ids"].size(), 2u);
  Json detail = Get("/api/jobs/" + job_id);
  EXPECT_TRUE(detail["completed_at"].is_string()) << detail.dump();
  EXPECT_TRUE(detail["error"].is_null());

  for (const auto& audio_json : done["audio_ids"]) {
    const std::string audio_id = audio_json;
    SCOPED_TRACE(audio_id);
    Json meta = Get("/api/audio/" + audio_id);
    EXPECT_EQ(meta.value("id", ""), audio_id);
    EXPECT_EQ(meta.value("job_id", ""), job_id);
    EXPECT_EQ(meta.value("prompt_id", ""), prompt_id);
    EXPECT_TRUE(meta.contains("adapter_id") && meta["adapter_id"].is_null());
    EXPECT_EQ(meta.value("sample_rate", 0), 44100);
    EXPECT_NEAR(meta.value("duration_seconds", 0.0), 2.0, 0.02);
    EXPECT_TRUE(meta.contains("storage_path") && meta.contains("created_at"));
    EXPECT_EQ(meta["generation_params"].value("duration", 0), 2) << meta.dump();
    EXPECT_EQ(meta["generation_params"].value("seed", 0), 11) << meta.dump();

    HttpResult stream = api().Get("/api/audio/" + audio_id + "/stream");
    ASSERT_EQ(stream.status, 200) << stream.Describe();
    EXPECT_NE(stream.Header("content-type").find("audio/wav"), std::string::npos)
        << stream.Header("content-type");
    EXPECT_EQ(stream.Header("accept-ranges"), "bytes");
    EXPECT_EQ(stream.Header("content-length"), std::to_string(stream.body.size()));
    WavInfo wav;
    ASSERT_TRUE(ParseWav(stream.body, &wav));
    EXPECT_TRUE(wav.format == 1 || wav.format == 0xFFFE) << wav.format;
    EXPECT_EQ(wav.channels, 2);
    EXPECT_EQ(wav.sample_rate, 44100);
    EXPECT_EQ(wav.bits, 16);
    const double seconds = static_cast<double>(wav.data_size) / (44100.0 * 2 * 2);
    EXPECT_NEAR(seconds, 2.0, 0.02) << "requested 2 s";

    // Not silent: loud enough somewhere, and not a constant.
    double sum_sq = 0;
    int peak = 0;
    const size_t n = wav.data_size / 2;
    for (size_t i = 0; i < n; ++i) {
      int16_t v;
      std::memcpy(&v, stream.body.data() + wav.data_offset + 2 * i, 2);
      sum_sq += static_cast<double>(v) * v;
      peak = std::max(peak, std::abs(static_cast<int>(v)));
    }
    const double rms = std::sqrt(sum_sq / std::max<size_t>(n, 1));
    EXPECT_GT(peak, 1000) << "peak " << peak;
    EXPECT_GT(rms, 100) << "rms " << rms;

    // The file on disk is where the contract says (store/storage_keys.h,
    // pinned by tests/unit/storage_keys_test.cc), and is what was served.
    const std::string path = server().data_dir() + "/" + AudioKey(job_id, audio_id);
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in.good()) << path;
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_TRUE(ss.str() == stream.body) << "served bytes differ from " << path;
  }
  EXPECT_TRUE(
      api().Get("/api/audio/" + done["audio_ids"][0].get<std::string>() + "/stream").body !=
      api().Get("/api/audio/" + done["audio_ids"][1].get<std::string>() + "/stream").body)
      << "the two samples of a job are identical";
  EXPECT_TRUE(server().TmpFiles().empty());
  EXPECT_TRUE(server().AudioStorageConsistent(job_id));
}

// The seed makes a render reproducible: the same prompt, parameters and seed
// give the same music whatever the worker rendered before.
TEST_F(AudioTest, SameRequestGivesTheSameAudio) {
  const std::string prompt_id =
      server().CreatePrompt("gentle waltz", {{"tempo", 90}, {"primary_instruments", {"harp"}}});
  ASSERT_FALSE(prompt_id.empty());
  auto render = [&](int seed) {
    Json job = server().Generate(
        {{"prompt_id", prompt_id}, {"num_samples", 1}, {"duration", 2}, {"seed", seed}});
    if (!job.is_object()) return std::string();
    Json done = server().WaitForJob(job["id"], {"completed", "failed"});
    if (done.value("status", "") != "completed") return std::string();
    return api().Get("/api/audio/" + done["audio_ids"][0].get<std::string>() + "/stream").body;
  };
  const std::string first = render(99);
  const std::string other_seed = render(100);
  const std::string again = render(99);
  ASSERT_FALSE(first.empty() || other_seed.empty() || again.empty());
  WavInfo a, b;
  ASSERT_TRUE(ParseWav(first, &a));
  ASSERT_TRUE(ParseWav(again, &b));
  ASSERT_EQ(a.data_size, b.data_size);
  int max_diff = 0;
  size_t first_diff_frame = SIZE_MAX;
  for (size_t i = 0; i + 1 < a.data_size; i += 2) {
    int16_t x, y;
    std::memcpy(&x, first.data() + a.data_offset + i, 2);
    std::memcpy(&y, again.data() + b.data_offset + i, 2);
    int d = std::abs(static_cast<int>(x) - static_cast<int>(y));
    if (d > 4 && first_diff_frame == SIZE_MAX) first_diff_frame = i / 4;
    max_diff = std::max(max_diff, d);
  }
  // A least significant bit or two of dither is tolerated.
  EXPECT_LE(max_diff, 4) << "same prompt, parameters and seed gave different audio (first "
                            "difference at frame "
                         << first_diff_frame << ")";
  EXPECT_TRUE(first != other_seed) << "a different seed gave the same audio";
}

uint32_t Be32(const std::string& s, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(s[at])) << 24 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

TEST_F(AudioTest, SampleMidiIsDownloadableAndTheWavSaysWhereItCameFrom) {
  const std::string prompt_id = server().CreatePrompt(
      "a short midi check", {{"tempo", 120}, {"primary_instruments", {"acoustic-piano"}}});
  ASSERT_FALSE(prompt_id.empty());
  Json job = server().Generate(
      {{"prompt_id", prompt_id}, {"num_samples", 2}, {"duration", 2}, {"seed", 31}});
  ASSERT_TRUE(job.is_object());
  Json done = server().WaitForJob(job["id"], {"completed", "failed", "cancelled"});
  ASSERT_EQ(done.value("status", ""), "completed") << done.dump();
  const std::string audio_id = done["audio_ids"][0];

  HttpResult midi = api().Get("/api/audio/" + audio_id + "/midi");
  ASSERT_EQ(midi.status, 200) << midi.Describe();
  EXPECT_NE(midi.Header("content-type").find("audio/midi"), std::string::npos);
  EXPECT_NE(midi.Header("content-disposition").find("attachment"), std::string::npos);
  EXPECT_NE(midi.Header("content-disposition").find(audio_id + ".mid"), std::string::npos)
      << midi.Header("content-disposition");
  // A Standard MIDI File: header chunk, format 1, and a tempo of 120 bpm
  // (500000 microseconds per quarter) in its first track.
  ASSERT_GE(midi.body.size(), 14u);
  EXPECT_EQ(midi.body.substr(0, 4), "MThd");
  EXPECT_EQ(Be32(midi.body, 4), 6u);
  EXPECT_EQ(midi.body[9], 1);
  const size_t tempo = midi.body.find(std::string("\xFF\x51\x03", 3));
  ASSERT_NE(tempo, std::string::npos);
  EXPECT_EQ(Be32(midi.body, tempo + 2) & 0xFFFFFF, 500000u);
  // The piano's program change (GM 1, program 0) on its channel.
  EXPECT_NE(midi.body.find(std::string("\xC0\x00", 2)), std::string::npos);

  // The WAV's INFO chunk carries the prompt and the seed.
  const std::string wav = api().Get("/api/audio/" + audio_id + "/stream").body;
  EXPECT_NE(wav.find("INAM"), std::string::npos);
  EXPECT_NE(wav.find("a short midi check"), std::string::npos);
  EXPECT_NE(wav.find("seed=31"), std::string::npos);

  // Unknown samples, and samples without a MIDI file (rendered before
  // samples had one), are 404 with a detail.
  HttpResult unknown = api().Get("/api/audio/" + NewUuid() + "/midi");
  EXPECT_EQ(unknown.status, 404) << unknown.Describe();
  EXPECT_NE(unknown.body.find("detail"), std::string::npos);
  const std::string midi_path =
      server().data_dir() + "/" + MidiKeyForAudioKey(AudioKey(done["id"], audio_id));
  ASSERT_TRUE(std::filesystem::remove(midi_path)) << midi_path;
  HttpResult gone = api().Get("/api/audio/" + audio_id + "/midi");
  EXPECT_EQ(gone.status, 404) << gone.Describe();
  EXPECT_NE(gone.body.find("detail"), std::string::npos);
  // A deleted job's samples have no MIDI either.
  const std::string other = done["audio_ids"][1];
  EXPECT_EQ(api().Get("/api/audio/" + other + "/midi").status, 200);
  ASSERT_EQ(api().Delete("/api/jobs/" + done["id"].get<std::string>()).status, 200);
  EXPECT_EQ(api().Get("/api/audio/" + other + "/midi").status, 404);
}

TEST_F(AudioTest, StreamHonoursRangeRequests) {
  Json job = server().RunCompletedJob(1, 1);
  ASSERT_TRUE(job.is_object());
  const std::string target = "/api/audio/" + job["audio_ids"][0].get<std::string>() + "/stream";
  HttpResult full = api().Get(target);
  ASSERT_EQ(full.status, 200);
  const size_t total = full.body.size();
  ASSERT_GT(total, 1000u);
  const std::string total_text = std::to_string(total);

  struct RangeCase {
    std::string range;
    size_t first, last;  // inclusive
  };
  const RangeCase cases[] = {
      {"bytes=0-99", 0, 99},
      {"bytes=44-1043", 44, 1043},
      {"bytes=1000-", 1000, total - 1},
      {"bytes=-100", total - 100, total - 1},
      {"bytes=0-" + std::to_string(total + 5000), 0, total - 1},  // end clamped
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.range);
    HttpResult r = api().Get(target, {{"Range", c.range}});
    ASSERT_EQ(r.status, 206) << r.Describe();
    EXPECT_EQ(r.Header("content-range"), "bytes " + std::to_string(c.first) + "-" +
                                             std::to_string(c.last) + "/" + total_text);
    EXPECT_EQ(r.Header("content-length"), std::to_string(c.last - c.first + 1));
    EXPECT_TRUE(r.body == full.body.substr(c.first, c.last - c.first + 1))
        << "wrong bytes for " << c.range;
  }
  HttpResult beyond = api().Get(target, {{"Range", "bytes=" + total_text + "-"}});
  EXPECT_EQ(beyond.status, 416) << beyond.Describe();
  EXPECT_EQ(beyond.Header("content-range"), "bytes */" + total_text);
}

TEST_F(AudioTest, CompareReturnsTheSamplesInTheOrderAsked) {
  Json job = server().RunCompletedJob(2, 1);
  ASSERT_TRUE(job.is_object());
  const std::string a = job["audio_ids"][0], b = job["audio_ids"][1];
  HttpResult r = api().Post("/api/audio/compare", {{"audio_ids", {b, a}}});
  ASSERT_EQ(r.status, 200) << r.Describe();
  Json samples = r.json()["samples"];
  ASSERT_EQ(samples.size(), 2u) << r.body;
  EXPECT_EQ(samples[0].value("id", ""), b);
  EXPECT_EQ(samples[1].value("id", ""), a);
  EXPECT_EQ(samples[0].value("job_id", ""), job["id"].get<std::string>());
}

TEST_F(AudioTest, JobFeedbackViewGroupsBySampleWithLabels) {
  Json job = server().RunCompletedJob(2, 1);
  ASSERT_TRUE(job.is_object());
  const std::string a = job["audio_ids"][0], b = job["audio_ids"][1];
  ASSERT_TRUE(server().AddFeedback({{"audio_id", a}, {"rating", 4}}).is_object());
  ASSERT_TRUE(server().AddFeedback({{"audio_id", a}, {"rating", 2}}).is_object());
  ASSERT_TRUE(server().AddFeedback({{"audio_id", b}, {"preferred_over", a}}).is_object());
  Json view = Get("/api/generate/" + job["id"].get<std::string>() + "/feedback");
  EXPECT_EQ(view.value("job_id", ""), job["id"].get<std::string>());
  EXPECT_EQ(view.value("prompt_id", ""), job["prompt_id"].get<std::string>());
  EXPECT_EQ(view.value("total_samples", 0), 2);
  EXPECT_EQ(view.value("total_feedback", 0), 3);
  EXPECT_DOUBLE_EQ(view.value("average_rating", 0.0), 3.0);
  ASSERT_EQ(view["samples"].size(), 2u) << view.dump();
  EXPECT_EQ(view["samples"][0].value("audio_id", ""), a);
  EXPECT_EQ(view["samples"][0].value("label", ""), "A");
  EXPECT_EQ(view["samples"][0].value("feedback_count", 0), 2);
  EXPECT_DOUBLE_EQ(view["samples"][0].value("average_rating", 0.0), 3.0);
  EXPECT_EQ(view["samples"][1].value("label", ""), "B");
  EXPECT_EQ(view["samples"][1].value("feedback_count", 0), 1);
}

}  // namespace
}  // namespace studio::testing
