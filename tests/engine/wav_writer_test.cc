// WAV files appear whole or not at all.
#include "engine/wav_writer.h"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <filesystem>
#include <vector>

#include "util/uuid.h"

namespace studio {
namespace {

namespace fs = std::filesystem;

class WavWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("studio_wav_test_" + NewUuid());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    return names;
  }

  fs::path dir_;
};

PcmAudio Tone(double seconds) {
  PcmAudio a;
  const int64_t frames = static_cast<int64_t>(seconds * a.sample_rate);
  for (int64_t i = 0; i < frames; ++i) {
    int16_t v = static_cast<int16_t>(10000 * std::sin(2 * M_PI * 440 * i / a.sample_rate));
    a.samples.push_back(v);
    a.samples.push_back(static_cast<int16_t>(-v));
  }
  return a;
}

TEST_F(WavWriterTest, WritesAReadable16BitStereoWav) {
  PcmAudio tone = Tone(1.5);
  const std::string path = (dir_ / "a.wav").string();
  Status s = WriteWavFile(Env::Default(), path, tone);
  ASSERT_TRUE(s.ok()) << s.ToString();

  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  ASSERT_NE(f, nullptr) << sf_strerror(nullptr);
  EXPECT_EQ(info.samplerate, 44100);
  EXPECT_EQ(info.channels, 2);
  EXPECT_EQ(info.frames, tone.frames());
  EXPECT_EQ(info.format & SF_FORMAT_TYPEMASK, SF_FORMAT_WAV);
  EXPECT_EQ(info.format & SF_FORMAT_SUBMASK, SF_FORMAT_PCM_16);
  std::vector<int16_t> back(tone.samples.size());
  EXPECT_EQ(sf_readf_short(f, back.data(), info.frames), info.frames);
  sf_close(f);
  EXPECT_TRUE(back == tone.samples);

  // Only the final file: no temporary left behind.
  EXPECT_EQ(Entries(), std::vector<std::string>{"a.wav"});
}

TEST_F(WavWriterTest, ReplacesAnExistingFileWhole) {
  const std::string path = (dir_ / "a.wav").string();
  ASSERT_TRUE(WriteWavFile(Env::Default(), path, Tone(2.0)).ok());
  ASSERT_TRUE(WriteWavFile(Env::Default(), path, Tone(0.5)).ok());
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(info.frames, 22050);
  sf_close(f);
}

class FailingRenameEnv : public EnvWrapper {
 public:
  FailingRenameEnv() : EnvWrapper(Env::Default()) {}
  Status RenameFile(const std::string&, const std::string&) override {
    ++renames;
    return Status::IOError("injected rename failure");
  }
  int renames = 0;
};

TEST_F(WavWriterTest, FailedRenameLeavesNeitherFinalNorTemporaryFile) {
  FailingRenameEnv env;
  const std::string path = (dir_ / "a.wav").string();
  Status s = WriteWavFile(&env, path, Tone(1.0));
  EXPECT_EQ(s.code(), Status::Code::kIOError);
  EXPECT_EQ(env.renames, 1);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  EXPECT_TRUE(Entries().empty());
}

TEST_F(WavWriterTest, UncreatableFileIsIOError) {
  const std::string path = (dir_ / "missing-dir" / "a.wav").string();
  Status s = WriteWavFile(Env::Default(), path, Tone(0.1));
  EXPECT_EQ(s.code(), Status::Code::kIOError);
  EXPECT_TRUE(Entries().empty());
}

TEST_F(WavWriterTest, PartialFrameIsRejected) {
  PcmAudio bad = Tone(0.1);
  bad.samples.push_back(1);  // half a stereo frame
  const std::string path = (dir_ / "a.wav").string();
  EXPECT_EQ(WriteWavFile(Env::Default(), path, bad).code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(Entries().empty());
}

}  // namespace
}  // namespace studio
