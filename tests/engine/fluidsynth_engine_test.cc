// The FluidSynth renderer with the small TimGM6mb SoundFont: exact length,
// real sound, byte-identical repeats, prompt cancellation, adapter effects.
#include "engine/fluidsynth_engine.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>

#include "engine/composer.h"

namespace studio {
namespace {

class FluidSynthEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Status s;
    engine_ = NewFluidSynthEngine(STUDIO_TEST_SOUNDFONT, &s).release();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }

  static RenderRequest Request(int seconds = 4) {
    RenderRequest r;
    r.prompt_text = "mellow lofi beat with rhodes";
    r.attributes.style = "lofi";
    r.attributes.tempo = 84;
    r.attributes.mood = "calm";
    r.attributes.primary_instruments = {"electric-piano", "bass-guitar", "lofi-drum-kit"};
    r.params.seed = 7;
    r.params.duration = seconds;
    return r;
  }

  static PcmAudio Render(const RenderRequest& r) {
    PcmAudio out;
    Status s = engine_->Render(r, nullptr, &out);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  static Engine* engine_;
};

Engine* FluidSynthEngineTest::engine_ = nullptr;

double Rms(const PcmAudio& a) {
  double sum = 0;
  for (int16_t s : a.samples) sum += double(s) * s;
  return std::sqrt(sum / std::max<size_t>(1, a.samples.size())) / 32768.0;
}

TEST_F(FluidSynthEngineTest, RendersExactlyTheDuration) {
  for (int seconds : {1, 3}) {
    PcmAudio a = Render(Request(seconds));
    EXPECT_EQ(a.sample_rate, 44100);
    EXPECT_EQ(a.channels, 2);
    EXPECT_EQ(a.frames(), int64_t{seconds} * 44100);
    EXPECT_EQ(a.samples.size(), size_t(seconds) * 44100 * 2);
  }
}

TEST_F(FluidSynthEngineTest, IsNotSilent) {
  PcmAudio a = Render(Request(4));
  EXPECT_GT(Rms(a), 0.03);  // about -30 dBFS; silence or a click would be far below
  // Sound throughout, not only at the start: every second has energy.
  for (int second = 0; second < 3; ++second) {
    double sum = 0;
    for (int64_t i = second * 88200; i < (second + 1) * 88200; ++i) {
      sum += double(a.samples[i]) * a.samples[i];
    }
    EXPECT_GT(std::sqrt(sum / 88200) / 32768.0, 0.01) << "second " << second;
  }
}

TEST_F(FluidSynthEngineTest, FadesOutAtTheEnd) {
  PcmAudio a = Render(Request(4));
  int peak_tail = 0;
  for (size_t i = a.samples.size() - 200; i < a.samples.size(); ++i) {
    peak_tail = std::max(peak_tail, std::abs(int(a.samples[i])));
  }
  EXPECT_LT(peak_tail, 300);
}

TEST_F(FluidSynthEngineTest, SameRequestGivesIdenticalSamples) {
  RenderRequest r = Request(4);
  r.adapter_config_json = R"({"reverb": 0.6, "chorus": 0.5})";  // the effects must not drift
  PcmAudio first = Render(r);
  PcmAudio other = Render(Request(3));  // something else in between
  PcmAudio second = Render(r);
  ASSERT_EQ(first.samples.size(), second.samples.size());
  EXPECT_TRUE(first.samples == second.samples);
}

TEST_F(FluidSynthEngineTest, TwoEnginesAgree) {
  Status s;
  std::unique_ptr<Engine> fresh = NewFluidSynthEngine(STUDIO_TEST_SOUNDFONT, &s);
  ASSERT_TRUE(s.ok());
  RenderRequest r = Request(3);
  r.attributes.secondary_instruments = {"vinyl-noise", "tape-saturation"};
  PcmAudio a = Render(r);
  PcmAudio b;
  ASSERT_TRUE(fresh->Render(r, nullptr, &b).ok());
  EXPECT_TRUE(a.samples == b.samples);
}

TEST_F(FluidSynthEngineTest, SampleIndexChangesTheAudio) {
  RenderRequest a = Request(3);
  RenderRequest b = a;
  b.sample_index = 1;
  EXPECT_FALSE(Render(a).samples == Render(b).samples);
}

TEST_F(FluidSynthEngineTest, ReportsProgressAndCancelsPromptly) {
  RenderRequest r = Request(30);
  std::vector<double> reports;
  PcmAudio out;
  Status s = engine_->Render(
      r, [&](double f) { reports.push_back(f); return true; }, &out);
  ASSERT_TRUE(s.ok());
  // At least every quarter second of audio, increasing, ending at 1.
  EXPECT_GE(reports.size(), 30u * 4);
  EXPECT_TRUE(std::is_sorted(reports.begin(), reports.end()));
  EXPECT_DOUBLE_EQ(reports.back(), 1.0);

  int calls = 0;
  auto start = std::chrono::steady_clock::now();
  s = engine_->Render(r, [&](double f) { return ++calls < 3; }, &out);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(s.IsCancelled()) << s.ToString();
  EXPECT_EQ(calls, 3);  // stopped at the first refusal
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));

  // The engine is usable after a cancelled render, and unaffected by it.
  EXPECT_TRUE(Render(Request(2)).samples == Render(Request(2)).samples);
}

TEST_F(FluidSynthEngineTest, BadAdapterConfigIsInvalidArgument) {
  RenderRequest r = Request(2);
  r.adapter_config_json = R"({"tempo_scale": 9})";
  PcmAudio out;
  Status s = engine_->Render(r, nullptr, &out);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("tempo_scale"), std::string::npos);
}

TEST_F(FluidSynthEngineTest, AdapterChangesTheAudio) {
  RenderRequest plain = Request(4);
  RenderRequest styled = plain;
  styled.adapter_config_json =
      R"({"transpose": 5, "tempo_scale": 1.3, "instrument_overrides": {"lead": "flute"}})";
  PcmAudio a = Render(plain);
  PcmAudio b = Render(styled);
  ASSERT_EQ(a.samples.size(), b.samples.size());
  // Not merely different bits: a clearly different signal.
  double diff = 0, ref = 0;
  for (size_t i = 0; i < a.samples.size(); ++i) {
    double d = double(a.samples[i]) - b.samples[i];
    diff += d * d;
    ref += double(a.samples[i]) * a.samples[i];
  }
  EXPECT_GT(diff / ref, 0.5);
}

TEST_F(FluidSynthEngineTest, TextureEffectsAreAudible) {
  RenderRequest plain = Request(3);
  RenderRequest vinyl = plain;
  vinyl.attributes.secondary_instruments = {"vinyl-noise"};
  PcmAudio a = Render(plain);
  PcmAudio b = Render(vinyl);
  double diff = 0;
  for (size_t i = 0; i < a.samples.size(); ++i) {
    double d = double(a.samples[i]) - b.samples[i];
    diff += d * d;
  }
  EXPECT_GT(std::sqrt(diff / a.samples.size()) / 32768.0, 0.002);  // crackle above -54 dBFS
}

TEST_F(FluidSynthEngineTest, DrumlessStyleStillRenders) {
  RenderRequest r = Request(3);
  r.attributes.style = "ambient";
  r.attributes.primary_instruments = {};
  PcmAudio a = Render(r);
  EXPECT_GT(Rms(a), 0.02);
}

TEST(FluidSynthEngineLoadTest, MissingSoundFontIsIOError) {
  Status s;
  std::unique_ptr<Engine> e = NewFluidSynthEngine("/nonexistent/none.sf2", &s);
  EXPECT_EQ(e, nullptr);
  EXPECT_EQ(s.code(), Status::Code::kIOError);
}

TEST(FluidSynthEngineLoadTest, NonSoundFontIsIOError) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "studio_not_a_soundfont.sf2").string();
  { std::FILE* f = std::fopen(path.c_str(), "w"); std::fputs("RIFF? no.", f); std::fclose(f); }
  Status s;
  std::unique_ptr<Engine> e = NewFluidSynthEngine(path, &s);
  std::filesystem::remove(path);
  EXPECT_EQ(e, nullptr);
  EXPECT_EQ(s.code(), Status::Code::kIOError);
}

TEST(FluidSynthEngineLoadTest, FindsAnInstalledSoundFont) {
  std::string path = FindDefaultSoundFont();
  ASSERT_FALSE(path.empty());
  EXPECT_TRUE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace studio
