// Trainer internals (src/training/features.h, model.h): the style features,
// the split, the hash and the binomial test.
#include <gtest/gtest.h>

#include <cmath>

#include "training/features.h"
#include "training/model.h"
#include "util/hash.h"

namespace studio::training {
namespace {

TEST(TrainingFeaturesTest, ReadsTheRecordedStyle) {
  StyleFeatures f;
  ASSERT_TRUE(ParseStyleFeatures(R"({"genre":"lofi","tempo_bpm":82.0,"key":"A","mode":"minor","swing":0.12,
      "note_density":1.0,"energy":0.9,"register":67.5,"reverb":0.4,"chorus":0.2,"transpose":0})", &f));
  EXPECT_DOUBLE_EQ(f.values[int(Feature::kLog2Tempo)], std::log2(82.0));
  EXPECT_DOUBLE_EQ(f.values[int(Feature::kSwing)], 0.12);
  EXPECT_DOUBLE_EQ(f.values[int(Feature::kEnergy)], 0.9);
  EXPECT_DOUBLE_EQ(f.values[int(Feature::kRegister)], 67.5);
  EXPECT_TRUE(f.has_chorus);
  ASSERT_TRUE(ParseStyleFeatures(R"({"tempo_bpm":82,"swing":0,"note_density":1,"energy":1,"register":60,"reverb":0})", &f));
  EXPECT_FALSE(f.has_chorus);
  for (const char* bad : {"null", "", "[]", "{}", R"({"tempo_bpm":0,"swing":0,"note_density":1,"energy":1,"register":60,"reverb":0})"}) {
    EXPECT_FALSE(ParseStyleFeatures(bad, &f)) << bad;
  }
}

TEST(TrainingFeaturesTest, SplitDependsOnTheIdAloneAndHitsTheFraction) {
  int held = 0;
  for (int i = 0; i < 10000; ++i) held += IsHeldOut("feedback-" + std::to_string(i), 0.2);
  EXPECT_NEAR(held / 10000.0, 0.2, 0.015);
  EXPECT_EQ(IsHeldOut("abc", 0.3), IsHeldOut(std::string("ab") + "c", 0.3));
  EXPECT_EQ(Fnv1a(""), 0xcbf29ce484222325ULL);  // FNV-1a's offset basis: a fixed algorithm
  EXPECT_EQ(Fnv1a("a"), 0xaf63dc4c8601ec8cULL);
}

TEST(TrainingFeaturesTest, BinomialUpperTail) {
  EXPECT_DOUBLE_EQ(BinomialUpperTail(0, 10), 1.0);
  EXPECT_NEAR(BinomialUpperTail(10, 10), 1.0 / 1024, 1e-12);
  EXPECT_NEAR(BinomialUpperTail(9, 10), 11.0 / 1024, 1e-12);
  EXPECT_NEAR(BinomialUpperTail(5, 10), 638.0 / 1024, 1e-12);
  EXPECT_DOUBLE_EQ(BinomialUpperTail(11, 10), 0.0);
  EXPECT_NEAR(BinomialUpperTail(5000, 10000), 0.504, 0.001);
  EXPECT_LT(BinomialUpperTail(5200, 10000), 1e-4);
}

TEST(TrainingModelTest, StandardErrorsShrinkWithMoreDataAndAreInfiniteForInactiveFeatures) {
  // Ratings that follow feature 0 exactly, plus a ±1 alternating residual.
  const auto data_of = [](int n) {
    ModelData d;
    for (int i = 0; i < n; ++i) {
      FeatureVector z{};
      z[0] = (i % 7) - 3.0;
      z[1] = (i % 5) - 2.0;
      d.rated_z.push_back(z);
      d.rated_y.push_back(0.5 * z[0] + (i % 2 ? 1 : -1));
    }
    return d;
  };
  std::array<bool, kFeatureCount> active{};
  active[0] = active[1] = true;
  Model m;
  m.w[0] = 0.5;
  const FeatureVector small = StandardErrors(m, data_of(100), 0, active);
  const FeatureVector large = StandardErrors(m, data_of(400), 0, active);
  EXPECT_GT(small[0], 0);
  EXPECT_NEAR(large[0], small[0] / 2, small[0] * 0.1);  // 1/sqrt(n)
  EXPECT_TRUE(std::isinf(small[2]));
}

}  // namespace
}  // namespace studio::training
