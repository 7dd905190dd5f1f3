// The requested tempo is audible: an independent beat tracker (`aubio
// tempo`, from aubio-tools) finds it in the rendered WAV, with and without
// drums. A tracker may lock onto half or double the beat; both count.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/fluidsynth_engine.h"
#include "engine/wav_writer.h"
#include "util/uuid.h"

namespace studio {
namespace {

namespace fs = std::filesystem;

// Runs `aubio tempo -i path` and parses its last line, "<bpm> bpm" (this
// aubio 0.4.9 prints the mean of its beat intervals, with "(uncertain)"
// appended below ten beats, or "unknown bpm"). Returns -1 when it fails.
double AubioTempo(const std::string& path, std::string* raw) {
  const std::string cmd = "aubio tempo -i '" + path + "' 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return -1;
  std::array<char, 256> line{};
  while (std::fgets(line.data(), line.size(), pipe.get()) != nullptr) *raw += line.data();
  double bpm = -1;
  const size_t last = raw->find_last_of('\n', raw->size() - 2);
  const std::string last_line = raw->substr(last == std::string::npos ? 0 : last + 1);
  if (std::sscanf(last_line.c_str(), "%lf bpm", &bpm) != 1) return -1;
  return bpm;
}

bool WithinFivePercentOfTempoOrOctave(double estimate, double tempo) {
  for (double factor : {0.5, 1.0, 2.0}) {
    if (std::fabs(estimate - tempo * factor) <= 0.05 * tempo * factor) return true;
  }
  return false;
}

class TempoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Status s;
    engine_ = NewFluidSynthEngine(STUDIO_TEST_SOUNDFONT, &s).release();
    ASSERT_TRUE(s.ok()) << s.ToString();
    dir_ = new fs::path(fs::temp_directory_path() / ("studio_tempo_test_" + NewUuid()));
    fs::create_directories(*dir_);
  }
  static void TearDownTestSuite() {
    delete engine_;
    fs::remove_all(*dir_);
    delete dir_;
  }

  void ExpectTempoDetected(const std::string& style, int tempo,
                           std::vector<std::string> instruments, const std::string& name) {
    ASSERT_EQ(std::system("command -v aubio > /dev/null 2>&1"), 0)
        << "aubio-tools is needed for this test (apt-get install aubio-tools)";
    RenderRequest r;
    r.prompt_text = "a " + style + " track";
    r.attributes.style = style;
    r.attributes.tempo = tempo;
    r.attributes.primary_instruments = std::move(instruments);
    r.params.seed = 1234;
    r.params.duration = 12;
    PcmAudio pcm;
    Status s = engine_->Render(r, nullptr, &pcm);
    ASSERT_TRUE(s.ok()) << s.ToString();
    const std::string path = (*dir_ / (name + ".wav")).string();
    ASSERT_TRUE(WriteWavFile(Env::Default(), path, pcm).ok());
    std::string raw;
    const double estimate = AubioTempo(path, &raw);
    ASSERT_GT(estimate, 0) << "aubio output: " << raw;
    EXPECT_TRUE(WithinFivePercentOfTempoOrOctave(estimate, tempo))
        << style << " at " << tempo << " bpm: aubio found " << estimate << " bpm";
  }

  static Engine* engine_;
  static fs::path* dir_;
};

Engine* TempoTest::engine_ = nullptr;
fs::path* TempoTest::dir_ = nullptr;

TEST_F(TempoTest, LofiWithDrumsAt90) {
  ExpectTempoDetected("lofi hip hop", 90, {"electric-piano", "bass-guitar", "lofi-drum-kit"},
                      "lofi90");
}

TEST_F(TempoTest, RockWithoutNamedDrumsAt150) {
  // No drum instrument named: the style's kit still keeps time.
  ExpectTempoDetected("rock", 150, {"electric-guitar-distorted", "bass-guitar"}, "rock150");
}

TEST_F(TempoTest, AmbientWithoutDrumsAt90) {
  ExpectTempoDetected("ambient", 90, {}, "ambient90");
}

TEST_F(TempoTest, ClassicalWithoutDrumsAt150) {
  ExpectTempoDetected("classical", 150, {"acoustic-piano", "violin"}, "classical150");
}

TEST(TempoParseTest, AcceptsOnlyTheOctavesOfTheTempo) {
  EXPECT_TRUE(WithinFivePercentOfTempoOrOctave(90.1, 90));
  EXPECT_TRUE(WithinFivePercentOfTempoOrOctave(178, 90));
  EXPECT_TRUE(WithinFivePercentOfTempoOrOctave(76, 150));
  EXPECT_FALSE(WithinFivePercentOfTempoOrOctave(107.4, 90));
  EXPECT_FALSE(WithinFivePercentOfTempoOrOctave(120, 90));
}

}  // namespace
}  // namespace studio
