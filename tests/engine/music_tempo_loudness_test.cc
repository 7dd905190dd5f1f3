// SPEC section 9, tempo and loudness, measured from outside
// (tests/engine/measure_audio.py): the heard tempo is the requested one for
// every 10 bpm from 40 to 200 in three styles, and every style (texture
// effects included) leaves the engine at -14 LUFS with a true peak at or
// below -1 dBTP, computed here independently of libebur128.
#include <cmath>
#include <map>
#include <string>

#include "domain/vocabulary.h"
#include "engine/music_measure.h"

namespace studio::music_test {
namespace {

class MusicTempoTest : public MusicTest {};

// Enough beats for a tracker at every tempo: 20 beats, 10 to 30 seconds.
int SecondsFor(int bpm) { return std::clamp(static_cast<int>(std::ceil(20 * 60.0 / bpm)), 10, 30); }

bool TempoOrOctave(double estimate, double bpm) {
  for (double f : {0.5, 1.0, 2.0}) {
    if (std::fabs(estimate - bpm * f) <= 0.02 * bpm * f) return true;
  }
  return false;
}

// What aubio reports for a plain metronome at `bpm` (cached per tempo).
double ClickTempo(int bpm, int seconds) {
  static std::map<int, double> cache;
  auto it = cache.find(bpm);
  if (it != cache.end()) return it->second;
  const std::string path = MusicTest::Path("click" + std::to_string(bpm) + ".wav");
  MusicTest::Measure("clicktrack", {std::to_string(bpm), std::to_string(seconds), path});
  const double found = MusicTest::Measure("tempo", {path}).value("aubio_bpm", -1.0);
  cache[bpm] = found;
  return found;
}

TEST(MusicTempoOctaveTest, AcceptsOnlyTheTempoAndItsOctaves) {
  EXPECT_TRUE(TempoOrOctave(90.5, 90));
  EXPECT_TRUE(TempoOrOctave(45.2, 90));
  EXPECT_TRUE(TempoOrOctave(181, 90));
  EXPECT_FALSE(TempoOrOctave(120, 90));
  EXPECT_FALSE(TempoOrOctave(93, 90));
}

TEST_F(MusicTempoTest, HeardTempoIsTheRequestedTempoFrom40To200) {
  int aubio_checked = 0, aubio_agreed = 0;
  std::string aubio_misses;
  for (const char* style : {"rock", "house", "ambient"}) {
    for (int bpm = 40; bpm <= 200; bpm += 10) {
      const std::string name = std::string(style) + std::to_string(bpm);
      const std::string path = RenderToFile(Request(style, bpm, SecondsFor(bpm)), name);
      ASSERT_FALSE(path.empty());
      const auto m = Measure("tempo", {path});
      const double heard = m.value("heard_bpm", -1.0);
      const double aubio = m.value("aubio_bpm", -1.0);
      EXPECT_NEAR(heard, bpm, 0.02 * bpm) << name << ": heard " << heard << " bpm";
      // aubio's beat tracker weights periods towards 120 bpm: at 200 bpm it
      // halves even a plain metronome, and its beat grid is a few percent
      // off there (docs/MUSIC.md). Where it finds a metronome's tempo or an
      // octave of it, it must find the music's too in 90 % of the cases.
      const double click = ClickTempo(bpm, SecondsFor(bpm));
      if (TempoOrOctave(click, bpm)) {
        ++aubio_checked;
        if (TempoOrOctave(aubio, bpm)) {
          ++aubio_agreed;
        } else {
          aubio_misses += " " + name + "=" + std::to_string(aubio);
        }
      }
      std::printf("tempo %-8s %3d bpm: heard %.2f, aubio %.2f (metronome %.2f)\n", style, bpm,
                  heard, aubio, click);
    }
  }
  EXPECT_GE(aubio_agreed, 0.9 * aubio_checked)
      << "aubio agreed on " << aubio_agreed << " of " << aubio_checked << "; missed:" << aubio_misses;
  std::printf("aubio agreed on %d of %d renders; missed:%s\n", aubio_agreed, aubio_checked,
              aubio_misses.c_str());
}

class MusicLoudnessTest : public MusicTest {};

TEST_F(MusicLoudnessTest, EveryStyleIsAtMinus14LufsWithTruePeakBelowMinus1) {
  int rendered = 0;
  for (const StyleInfo& style : AllStyles()) {
    RenderRequest r = Request(std::string(style.name), 0, 8, 11);
    const std::string name = "loud_" + std::string(style.name);
    const std::string path = RenderToFile(r, name);
    ASSERT_FALSE(path.empty());
    const auto m = Measure("loudness", {path});
    const double lufs = m.value("lufs", 0.0), peak = m.value("true_peak_dbtp", 0.0);
    EXPECT_NEAR(lufs, -14.0, 1.0) << name;
    EXPECT_LE(peak, -1.0) << name;
    std::printf("loudness %-10s %6.2f LUFS, true peak %6.2f dBTP\n", std::string(style.name).c_str(),
                lufs, peak);
    ++rendered;
  }
  EXPECT_GE(rendered, 30);
  // The texture effects, each on a quiet and on a loud style.
  for (const char* effect : {"vinyl-noise", "tape-saturation", "ambient-noise"}) {
    for (const char* style : {"ambient", "metal"}) {
      RenderRequest r = Request(style, 0, 8, 3);
      r.attributes.secondary_instruments = {effect};
      const std::string name = std::string("loud_") + style + "_" + effect;
      const std::string path = RenderToFile(r, name);
      ASSERT_FALSE(path.empty());
      const auto m = Measure("loudness", {path});
      EXPECT_NEAR(m.value("lufs", 0.0), -14.0, 1.0) << name;
      EXPECT_LE(m.value("true_peak_dbtp", 0.0), -1.0) << name;
    }
  }
}

TEST_F(MusicLoudnessTest, NormalisedOutputIsDeterministic) {
  RenderRequest r = Request("lofi", 85, 6, 5);
  PcmAudio a, b;
  ASSERT_TRUE(engine_->Render(r, nullptr, &a).ok());
  ASSERT_TRUE(engine_->Render(Request("metal", 0, 3, 1), nullptr, &b).ok());  // in between
  ASSERT_TRUE(engine_->Render(r, nullptr, &b).ok());
  EXPECT_TRUE(a.samples == b.samples);
  EXPECT_EQ(a.midi, b.midi);
  EXPECT_FALSE(a.midi.empty());
}

}  // namespace
}  // namespace studio::music_test
