// SPEC section 9, adapter controls (engine/adapter_style.h): each has a
// strictly monotone effect over five values of its range, measured from
// outside — tempo_scale by the heard tempo, note_density by the onset
// rate, transpose by the median pitch, swing by where the off-beats fall,
// energy by the spectral brightness (at equal loudness: every render is
// normalised), reverb by how much the tails fill the gaps.
#include <string>
#include <vector>

#include "engine/music_measure.h"

namespace studio::music_test {
namespace {

class MusicControlsTest : public MusicTest {
 public:
  // Renders `base` with {"<key>": value} for each value and reads `field`
  // of `command` on each.
  static std::vector<double> Sweep(RenderRequest base, const std::string& key,
                                   const std::vector<double>& values, const std::string& command,
                                   const std::string& field, std::vector<std::string> extra = {}) {
    std::vector<double> out;
    for (double v : values) {
      base.adapter_config_json = "{\"" + key + "\": " + std::to_string(v) + "}";
      const std::string path = RenderToFile(base, key + "_" + std::to_string(v));
      std::vector<std::string> args = {path};
      args.insert(args.end(), extra.begin(), extra.end());
      out.push_back(Measure(command, args).value(field, -1e9));
    }
    std::printf("%-13s", key.c_str());
    for (size_t i = 0; i < values.size(); ++i) std::printf("  %g -> %.4g", values[i], out[i]);
    std::printf("\n");
    return out;
  }
  static void ExpectDensityRaisesTheOnsetRate(const char* style) {
    const auto m = Sweep(Request(style, 100, 20, 2), "note_density", {0.25, 0.5, 1.0, 1.25, 1.5},
                         "onsets", "rate");
    ExpectStrictlyIncreasing(m, std::string("note_density in ") + style);
  }

  static void ExpectStrictlyIncreasing(const std::vector<double>& m, const std::string& what) {
    for (size_t i = 1; i < m.size(); ++i) {
      EXPECT_GT(m[i], m[i - 1]) << what << ": value " << i << " measured " << m[i]
                                << ", value " << i - 1 << " measured " << m[i - 1];
    }
  }
};

TEST_F(MusicControlsTest, TempoScale) {
  const auto m = Sweep(Request("rock", 100, 12, 2), "tempo_scale", {0.5, 0.8, 1.0, 1.3, 1.6},
                       "tempo", "heard_bpm");
  ExpectStrictlyIncreasing(m, "tempo_scale");
  const double expected[] = {50, 80, 100, 130, 160};
  for (size_t i = 0; i < m.size(); ++i) EXPECT_NEAR(m[i], expected[i], 0.02 * expected[i]);
}

TEST_F(MusicControlsTest, NoteDensityInPop) { ExpectDensityRaisesTheOnsetRate("pop"); }

// Drumless: the beat rests on the pulse (composer/colour.cc, WritePulse),
// whose notes between the beats follow the density.
TEST_F(MusicControlsTest, NoteDensityInAmbient) { ExpectDensityRaisesTheOnsetRate("ambient"); }

TEST_F(MusicControlsTest, Transpose) {
  RenderRequest r = Request("classical", 100, 8, 2);
  r.attributes.primary_instruments = {"violin"};
  const auto m = Sweep(r, "transpose", {-12, -6, 0, 6, 12}, "pitch", "median_midi");
  ExpectStrictlyIncreasing(m, "transpose");
}

TEST_F(MusicControlsTest, Swing) {
  RenderRequest r = Request("pop", 90, 12, 2);
  r.attributes.primary_instruments = {"acoustic-drum-kit"};
  const auto m = Sweep(r, "swing", {0.0, 0.12, 0.25, 0.37, 0.5}, "swing", "offbeat_phase", {"90"});
  ExpectStrictlyIncreasing(m, "swing");
}

TEST_F(MusicControlsTest, Energy) {
  const auto m = Sweep(Request("rock", 100, 8, 2), "energy", {0.5, 0.75, 1.0, 1.25, 1.5},
                       "brightness", "centroid_hz");
  ExpectStrictlyIncreasing(m, "energy");
}

TEST_F(MusicControlsTest, Reverb) {
  // A solo piano: its gaps between notes are where a reverb's tail is heard.
  RenderRequest r = Request("pop", 100, 12, 2);
  r.attributes.primary_instruments = {"acoustic-piano"};
  const auto m = Sweep(r, "reverb", {0.0, 0.25, 0.5, 0.75, 1.0}, "fill", "fill_db");
  ExpectStrictlyIncreasing(m, "reverb");
}

}  // namespace
}  // namespace studio::music_test
