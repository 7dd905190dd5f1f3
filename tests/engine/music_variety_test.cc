// SPEC section 9, variety and form, measured from outside: seeds give
// different grooves (onset envelopes of six seeds pairwise below 0.8
// correlation at one tempo), sample k of a job is not another job's sample
// 0, and a 30 s piece has form — sections that differ and an ending.
#include <string>
#include <vector>

#include "engine/music_measure.h"

namespace studio::music_test {
namespace {

class MusicVarietyTest : public MusicTest {};

TEST_F(MusicVarietyTest, SixSeedsGrooveDifferently) {
  std::vector<std::string> paths;
  for (int seed = 1; seed <= 6; ++seed) {
    // One prompt, one tempo: only the seed changes.
    paths.push_back(RenderToFile(Request("pop", 110, 20, seed), "seed" + std::to_string(seed)));
    ASSERT_FALSE(paths.back().empty());
  }
  const auto m = Measure("envcorr", paths);
  ASSERT_TRUE(m.contains("matrix"));
  for (size_t i = 0; i < paths.size(); ++i) {
    for (size_t j = i + 1; j < paths.size(); ++j) {
      const double r = m["matrix"][i][j].get<double>();
      EXPECT_LT(r, 0.8) << "seeds " << i + 1 << " and " << j + 1;
    }
  }
  std::printf("six seeds: highest onset-envelope correlation %.3f\n",
              m.value("max_offdiag", 1.0));
}

TEST_F(MusicVarietyTest, SampleKIsNotTheSampleZeroOfSeedPlusK) {
  for (int k = 1; k <= 3; ++k) {
    RenderRequest a = Request("lofi", 80, 4, 40);
    a.sample_index = k;
    RenderRequest b = Request("lofi", 80, 4, 40 + k);
    PcmAudio pa, pb;
    ASSERT_TRUE(engine_->Render(a, nullptr, &pa).ok());
    ASSERT_TRUE(engine_->Render(b, nullptr, &pb).ok());
    EXPECT_FALSE(pa.samples == pb.samples) << "sample " << k << " of seed 40 == sample 0 of seed "
                                           << 40 + k;
    EXPECT_NE(pa.midi, pb.midi);
  }
}

TEST_F(MusicVarietyTest, ThirtySecondsHaveSectionsAndAnEnding) {
  for (int seed : {3, 4}) {
    const std::string path = RenderToFile(Request("rock", 120, 30, seed), "form" + std::to_string(seed));
    ASSERT_FALSE(path.empty());
    const auto m = Measure("form", {path});
    ASSERT_TRUE(m.contains("parts"));
    // Sections differ: some two quarters of the piece differ by more than
    // 1 dB on average over the spectrum, or by a quarter in onset rate.
    double widest_db = 0, widest_rate = 0;
    for (size_t i = 0; i < 4; ++i) {
      for (size_t j = i + 1; j < 4; ++j) {
        const auto& a = m["parts"][i];
        const auto& b = m["parts"][j];
        double d = 0;
        for (size_t k = 0; k < a["log_spectrum"].size(); ++k) {
          d += std::fabs(a["log_spectrum"][k].get<double>() - b["log_spectrum"][k].get<double>());
        }
        widest_db = std::max(widest_db, d / a["log_spectrum"].size());
        const double ra = a["onset_rate"].get<double>(), rb = b["onset_rate"].get<double>();
        widest_rate = std::max(widest_rate, std::fabs(ra - rb) / std::max(ra, rb));
      }
    }
    EXPECT_TRUE(widest_db > 1.0 || widest_rate > 0.25)
        << "seed " << seed << ": quarters differ by " << widest_db << " dB, " << widest_rate
        << " in onset rate";
    // An ending: the last two seconds hold a chord instead of playing on.
    const double body = m.value("onsets_per_2s_body", 0.0);
    EXPECT_LT(m.value("onsets_last2s", 99), 0.4 * body) << "seed " << seed;
    std::printf("form seed %d: quarters differ by %.2f dB / %.0f %% onset rate; last 2 s: %d "
                "onsets (body %.1f per 2 s)\n",
                seed, widest_db, 100 * widest_rate, m.value("onsets_last2s", 0), body);
  }
}

}  // namespace
}  // namespace studio::music_test
