// Black-box: the feedback loop of SPEC section 8 through the real server.
// Simulated listeners hear only the audio: each one downloads a sample's
// WAV, measures it from outside (tests/engine/measure_audio.py: numpy and
// aubio, never the style record) and rates it through POST /api/feedback.
// Their feedback becomes a dataset, the dataset an experiment, the
// experiment a training run on the server's worker; the learned adapter must
// move the right control the right way and please the same listener more
// than the base engine does on fresh prompts. A listener whose taste no
// control can reach must get an honest "nothing learned" instead.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <numeric>
#include <thread>

#include "support/test_server.h"
#include "util/uuid.h"

namespace studio::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kSeconds = 8;

// Measures a WAV from outside the studio (see tests/engine/measure_audio.py).
Json MeasureWav(const std::string& command, const std::string& wav_bytes) {
  const fs::path path = fs::temp_directory_path() / ("studio_listener_" + NewUuid() + ".wav");
  {
    std::ofstream out(path, std::ios::binary);
    out << wav_bytes;
  }
  const std::string cmd = "/usr/bin/python3 " STUDIO_SOURCE_DIR "/tests/engine/measure_audio.py " + command +
                          " " + path.string() + " 2>/dev/null";
  std::string text;
  {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    std::array<char, 4096> buf;
    while (pipe && fgets(buf.data(), buf.size(), pipe.get())) text += buf.data();
  }
  fs::remove(path);
  return Json::parse(text, nullptr, false);
}

class FeedbackLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>(TestServerOptions{.workers = 2});
    ASSERT_TRUE(server_->Start());
  }

  const HttpClient& client() { return server_->client(); }

  // Submits one one-sample job per (tempo, seed), waits for all, returns the sample ids.
  std::vector<std::string> Render(const std::vector<int>& tempos, int first_seed,
                                  const std::optional<std::string>& adapter_id = std::nullopt) {
    std::vector<std::string> jobs;
    for (size_t i = 0; i < tempos.size(); ++i) {
      const std::string prompt = server_->CreatePrompt(
          "a lofi groove", {{"style", "lofi"}, {"tempo", tempos[i]}, {"duration", kSeconds}});
      Json body = {{"prompt_id", prompt}, {"num_samples", 1}, {"seed", first_seed + static_cast<int>(i)}};
      if (adapter_id) body["adapter_id"] = *adapter_id;
      Json job = server_->Generate(body);
      if (job.is_null()) return {};
      jobs.push_back(job["id"]);
    }
    std::vector<std::string> samples;
    for (const auto& id : jobs) {
      Json done = server_->WaitForJob(id, {"completed", "failed"}, std::chrono::seconds(120));
      EXPECT_EQ(done.value("status", ""), "completed") << done.dump();
      if (done.value("status", "") == "completed") samples.push_back(done["audio_ids"][0]);
    }
    return samples;
  }

  const std::string& Wav(const std::string& audio_id) {
    auto it = wavs_.find(audio_id);
    if (it != wavs_.end()) return it->second;
    HttpResult r = client().Request("GET", "/api/audio/" + audio_id + "/stream");
    EXPECT_EQ(r.status, 200) << r.Describe();
    return wavs_[audio_id] = r.body;
  }

  // Likes slow music: 5 at 80 bpm or below, 1 at 160 or above, by the tempo
  // aubio's beat tracker hears (on a few seconds of music it is steadier
  // than the onset-envelope estimate, which can hear half time).
  int SlowLover(const std::string& audio_id) {
    const double bpm = MeasureWav("tempo", Wav(audio_id)).value("aubio_bpm", -1.0);
    EXPECT_GT(bpm, 0) << "the listener could not hear a tempo";
    return static_cast<int>(std::clamp(std::lround(1 + 4 * (160 - bpm) / 80), 1L, 5L));
  }

  // Likes what no control reaches: whether the file's bytes hash to even.
  static int ArbitraryTaste(const std::string& wav) {
    return std::hash<std::string>{}(wav) % 2 == 0 ? 4 : 2;
  }

  void Rate(const std::string& audio_id, int rating) {
    Json f = server_->AddFeedback({{"audio_id", audio_id}, {"rating", rating}});
    ASSERT_FALSE(f.is_null());
  }

  // The listener hears samples two by two: it rates the one it likes more
  // and prefers it over the other. A tie is decided by the audio alone (a
  // hash of both files), so that it says nothing about the style.
  template <typename Taste>
  void CompareInPairs(const std::vector<std::string>& samples, Taste taste) {
    for (size_t i = 0; i + 1 < samples.size(); i += 2) {
      const int a = taste(samples[i]), b = taste(samples[i + 1]);
      const bool first = a != b ? a > b : ArbitraryTaste(Wav(samples[i]) + Wav(samples[i + 1])) > 3;
      Json f = server_->AddFeedback({{"audio_id", samples[first ? i : i + 1]},
                                     {"rating", first ? a : b},
                                     {"preferred_over", samples[first ? i + 1 : i]}});
      ASSERT_FALSE(f.is_null());
    }
  }

  // Dataset -> experiment -> run; waits for the run to end and returns it.
  Json Train(const std::string& name) {
    HttpResult d = client().Request("POST", "/api/datasets", Json{{"name", name}, {"type", "supervised"}});
    EXPECT_EQ(d.status, 201) << d.Describe();
    // Half the records held out: enough independent pairs for the significance test.
    HttpResult e = client().Request("POST", "/api/experiments",
                                    Json{{"name", name}, {"dataset_id", d.json()["id"]},
                                         {"config", {{"heldout_fraction", 0.5}}}});
    EXPECT_EQ(e.status, 201) << e.Describe();
    const std::string experiment = e.json().value("id", "");
    HttpResult r = client().Request("POST", "/api/experiments/" + experiment + "/runs",
                                    Json{{"name", "first"}});
    EXPECT_EQ(r.status, 201) << r.Describe();
    const std::string run = r.json().value("id", "");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    Json last;
    while (std::chrono::steady_clock::now() < deadline) {
      last = client().Request("GET", "/api/runs/" + run).json();
      const std::string status = last.value("status", "");
      if (status == "completed" || status == "failed" || status == "cancelled") return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "run did not finish: " << last.dump();
    return last;
  }

  // 60 tempos from 80 to 160 bpm, in an order that pairs slow with fast.
  // Below 80 aubio's beat tracker often hears double time on 8 s samples,
  // which would make the listener's taste mostly noise.
  static std::vector<int> SpreadTempos() {
    std::vector<int> tempos;
    for (int i = 0; i < 60; ++i) tempos.push_back(80 + (i * 37) % 81);
    return tempos;
  }

  static double Mean(const std::vector<int>& v) {
    return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  }

  std::unique_ptr<TestServer> server_;
  std::map<std::string, std::string> wavs_;  // audio id -> its WAV, as downloaded
};

TEST_F(FeedbackLoopTest, AListenerWhoLikesSlowMusicTeachesASlowerAdapterThatPleasesThemMore) {
  const std::vector<std::string> samples = Render(SpreadTempos(), /*first_seed=*/100);
  ASSERT_EQ(samples.size(), SpreadTempos().size());
  CompareInPairs(samples, [&](const std::string& id) { return SlowLover(id); });

  Json run = Train("slow lover");
  ASSERT_EQ(run.value("status", ""), "completed") << run.dump();
  EXPECT_TRUE(run["metrics"].value("direction_found", false)) << run.dump();
  EXPECT_GT(run["metrics"].value("heldout_accuracy", 0.0), run["metrics"].value("chance_accuracy", 1.0));
  ASSERT_TRUE(run["adapter_id"].is_string()) << run.dump();
  ASSERT_TRUE(run["lineage"].is_object()) << run.dump();
  EXPECT_EQ(run["lineage"].value("member_count", 0), static_cast<int>(samples.size() / 2));
  EXPECT_FALSE(run.value("explanation", "").empty());

  const std::string adapter = run["adapter_id"];
  HttpResult a = client().Request("GET", "/api/adapters/" + adapter);
  ASSERT_EQ(a.status, 200) << a.Describe();
  EXPECT_TRUE(a.json().value("is_active", false));
  const double scale = a.json()["config"].value("tempo_scale", 1.0);
  EXPECT_LT(scale, 0.95) << "the listener's taste is slower music: " << a.body;
  ASSERT_EQ(a.json()["versions"].size(), 1u);
  EXPECT_EQ(a.json()["versions"][0].value("source", ""), "training");

  // Fresh prompts, the same seeds for both: the learned adapter must please more.
  // Fresh tempos whose learned renders (at most one standard deviation of
  // the data slower, about 0.8x) stay above 80 bpm too.
  const std::vector<int> fresh = {104, 112, 120, 128, 136, 144};
  const std::vector<std::string> base = Render(fresh, 900);
  const std::vector<std::string> learned = Render(fresh, 900, adapter);
  ASSERT_EQ(base.size(), fresh.size());
  ASSERT_EQ(learned.size(), fresh.size());
  std::vector<int> base_scores, learned_scores;
  for (const auto& id : base) base_scores.push_back(SlowLover(id));
  for (const auto& id : learned) learned_scores.push_back(SlowLover(id));
  EXPECT_GT(Mean(learned_scores), Mean(base_scores) + 0.5)
      << "base " << Mean(base_scores) << ", learned " << Mean(learned_scores);

  // The run's log, read whole and as the event stream (which ends with done).
  HttpResult logs = client().Request("GET", "/api/runs/" + run["id"].get<std::string>() + "/logs");
  ASSERT_EQ(logs.status, 200) << logs.Describe();
  EXPECT_GE(logs.json()["logs"].size(), 3u);
  HttpResult stream = client().Request("GET", "/api/runs/" + run["id"].get<std::string>() + "/logs/stream");
  ASSERT_EQ(stream.status, 200) << stream.Describe();
  EXPECT_EQ(stream.Header("content-type"), "text/event-stream");
  EXPECT_NE(stream.body.find("event: log\n"), std::string::npos) << stream.body;
  const size_t done = stream.body.find("event: done\ndata: {\"status\":\"completed\"}");
  EXPECT_NE(done, std::string::npos) << stream.body;
  EXPECT_GT(done, stream.body.rfind("event: log\n")) << "done comes after every line";

  // The adapter's timeline names the run.
  HttpResult timeline = client().Request("GET", "/api/adapters/" + adapter + "/timeline");
  ASSERT_EQ(timeline.status, 200) << timeline.Describe();
  EXPECT_EQ(timeline.json().value("total_training_runs", 0), 1);
}

TEST_F(FeedbackLoopTest, AListenerWhoseTasteNoControlReachesGetsNoInventedDirection) {
  const std::vector<std::string> samples = Render(SpreadTempos(), /*first_seed=*/300);
  ASSERT_EQ(samples.size(), SpreadTempos().size());
  CompareInPairs(samples, [&](const std::string& id) { return ArbitraryTaste(Wav(id)); });
  HttpResult adapters_before = client().Request("GET", "/api/adapters");

  Json run = Train("arbitrary");
  ASSERT_EQ(run.value("status", ""), "completed") << run.dump();
  EXPECT_FALSE(run["metrics"].value("direction_found", true)) << run.dump();
  EXPECT_TRUE(run["adapter_id"].is_null()) << "no adapter from a taste the controls cannot express";
  EXPECT_NE(run.value("explanation", "").find("chance"), std::string::npos) << run.dump();
  HttpResult adapters_after = client().Request("GET", "/api/adapters");
  EXPECT_EQ(adapters_after.json()["total"], adapters_before.json()["total"]);
}

TEST_F(FeedbackLoopTest, TooLittleFeedbackIsRefusedWithHowMuchIsNeeded) {
  const std::vector<std::string> samples = Render({80, 120, 150}, 500);
  ASSERT_EQ(samples.size(), 3u);
  for (const auto& id : samples) Rate(id, 3);
  Json run = Train("too small");
  EXPECT_EQ(run.value("status", ""), "failed") << run.dump();
  EXPECT_NE(run.value("error", "").find("at least"), std::string::npos) << run.dump();
  EXPECT_TRUE(run["adapter_id"].is_null());
}

TEST_F(FeedbackLoopTest, ExperimentAndRunRoutesAnswerTheirErrors) {
  const std::string unknown = "0b1c2d3e-0000-4000-8000-00000000abcd";
  EXPECT_EQ(client().Request("POST", "/api/experiments", Json{{"name", "x"}, {"dataset_id", unknown}}).status, 404);
  EXPECT_EQ(client().Request("POST", "/api/experiments", Json{{"name", "x"}}).status, 422);
  EXPECT_EQ(client().Request("POST", "/api/experiments", Json{{"name", "x"}, {"dataset_id", unknown},
                                                              {"config", {{"steps", -1}}}}).status, 422);
  EXPECT_EQ(client().Request("GET", "/api/experiments/" + unknown).status, 404);
  EXPECT_EQ(client().Request("GET", "/api/experiments/not-a-uuid").status, 422);
  EXPECT_EQ(client().Request("GET", "/api/runs/" + unknown).status, 404);
  EXPECT_EQ(client().Request("GET", "/api/runs/" + unknown + "/logs/stream").status, 404);
  EXPECT_EQ(client().Request("POST", "/api/experiments/" + unknown + "/runs", Json::object()).status, 404);
  EXPECT_EQ(client().Request("DELETE", "/api/experiments/" + unknown + "/runs/" + unknown).status, 404);
  Json list = client().Request("GET", "/api/experiments").json();
  EXPECT_EQ(list["total"], 0);
  EXPECT_EQ(list["limit"], 20);

  // A run on a deleted dataset: 400, and the experiment says "Deleted Dataset".
  const std::vector<std::string> samples = Render({90}, 1);
  ASSERT_EQ(samples.size(), 1u);
  Rate(samples[0], 4);
  HttpResult d = client().Request("POST", "/api/datasets", Json{{"name", "one"}, {"type", "supervised"}});
  ASSERT_EQ(d.status, 201) << d.Describe();
  const std::string dataset = d.json()["id"];
  HttpResult e = client().Request("POST", "/api/experiments", Json{{"name", "e"}, {"dataset_id", dataset}});
  ASSERT_EQ(e.status, 201) << e.Describe();
  const std::string experiment = e.json()["id"];
  EXPECT_EQ(e.json()["status"], "draft");
  ASSERT_EQ(client().Request("DELETE", "/api/datasets/" + dataset).status, 200);
  HttpResult refused = client().Request("POST", "/api/experiments/" + experiment + "/runs", Json::object());
  EXPECT_EQ(refused.status, 400) << refused.Describe();
  EXPECT_EQ(refused.json().value("detail", ""), "Cannot train on a deleted dataset");
  Json now = client().Request("GET", "/api/experiments/" + experiment).json();
  EXPECT_EQ(now["dataset_name"], "Deleted Dataset");
  EXPECT_TRUE(now["dataset_deleted"].get<bool>());

  // PUT renames; DELETE soft-deletes; restore brings it back.
  HttpResult put = client().Request("PUT", "/api/experiments/" + experiment, Json{{"name", "renamed"}});
  ASSERT_EQ(put.status, 200) << put.Describe();
  EXPECT_EQ(put.json()["name"], "renamed");
  ASSERT_EQ(client().Request("DELETE", "/api/experiments/" + experiment).status, 200);
  EXPECT_EQ(client().Request("GET", "/api/experiments/" + experiment).status, 404);
  EXPECT_EQ(client().Request("DELETE", "/api/experiments/" + experiment).status, 404);
  EXPECT_EQ(client().Request("POST", "/api/experiments/" + experiment + "/restore").status, 200);
  EXPECT_EQ(client().Request("GET", "/api/experiments/" + experiment).status, 200);

  // In the trash, then purged for good (named, so whatever its age).
  ASSERT_EQ(client().Request("DELETE", "/api/experiments/" + experiment).status, 200);
  Json trash = client().Request("GET", "/api/trash?type=experiments").json();
  ASSERT_EQ(trash["total"], 1) << trash.dump();
  EXPECT_EQ(trash["items"][0]["id"], experiment);
  EXPECT_TRUE(trash["items"][0]["deleted_at"].is_string());
  HttpResult purge = client().Request("POST", "/api/admin/purge",
                                      Json{{"type", "experiments"}, {"ids", {experiment}}});
  ASSERT_EQ(purge.status, 200) << purge.Describe();
  EXPECT_EQ(purge.json()["experiments"], 1);
  EXPECT_EQ(client().Request("GET", "/api/trash?type=experiments").json()["total"], 0);
  EXPECT_EQ(client().Request("POST", "/api/experiments/" + experiment + "/restore").status, 404);
}

TEST_F(FeedbackLoopTest, AdapterVersionsThroughTheApi) {
  Json a = server_->CreateAdapter(TestServer::UniqueName("versions"), {{"swing", 0.1}});
  ASSERT_FALSE(a.is_null());
  EXPECT_EQ(a["current_version"], "1");
  const std::string id = a["id"];
  HttpResult v2 = client().Request("POST", "/api/adapters/" + id + "/versions",
                                   Json{{"description", "more swing"}, {"config", {{"swing", 0.3}}}});
  ASSERT_EQ(v2.status, 201) << v2.Describe();
  EXPECT_EQ(v2.json()["version"], "2");
  EXPECT_TRUE(v2.json()["is_current"].get<bool>());
  EXPECT_EQ(client().Request("POST", "/api/adapters/" + id + "/versions", Json{{"version", "2"}}).status, 409);
  EXPECT_EQ(client().Request("POST", "/api/adapters/" + id + "/versions", Json{{"config", {{"swing", 9}}}}).status,
            422);
  Json detail = client().Request("GET", "/api/adapters/" + id).json();
  ASSERT_EQ(detail["versions"].size(), 2u);
  EXPECT_EQ(detail["current_version"], "2");
  const std::string v1 = detail["versions"][0]["id"];
  HttpResult back = client().Request("PATCH", "/api/adapters/" + id + "/versions/" + v1 + "/activate");
  ASSERT_EQ(back.status, 200) << back.Describe();
  EXPECT_EQ(back.json()["current_version"], "1");
  EXPECT_EQ(back.json()["config"]["swing"], 0.1);
  Json stats = client().Request("GET", "/api/adapters/stats").json();
  EXPECT_EQ(stats["total_versions"], 2);
  Json timeline = client().Request("GET", "/api/adapters/" + id + "/timeline").json();
  EXPECT_EQ(timeline["total_versions"], 2);
  ASSERT_GE(timeline["events"].size(), 4u);
  EXPECT_EQ(timeline["events"][0]["type"], "created");
  EXPECT_EQ(timeline["events"].back()["type"], "activated");
}

}  // namespace
}  // namespace studio::testing
