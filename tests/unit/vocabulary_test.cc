// The vocabulary tables of domain/vocabulary.h and domain/limits.h are
// well-formed: names are unique, every family is used, ranges are ordered
// and their defaults lie inside them.
#include "domain/vocabulary.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "domain/limits.h"

namespace studio {
namespace {

template <typename Rows, typename Name>
void ExpectUniqueNames(const Rows& rows, Name name, const char* what) {
  std::set<std::string> seen;
  for (const auto& row : rows) {
    EXPECT_TRUE(seen.insert(std::string(name(row))).second) << what << ": " << name(row);
  }
}

TEST(VocabularyTest, InstrumentsAreUniqueAndEveryFamilyIsUsed) {
  ExpectUniqueNames(AllInstruments(), [](const InstrumentInfo& i) { return i.name; }, "instrument");
  EXPECT_EQ(AllInstruments().size(), 53u);
  std::set<InstrumentFamily> used;
  for (const InstrumentInfo& i : AllInstruments()) {
    used.insert(i.family);
    EXPECT_EQ(FindInstrument(i.name), &i);
    if (i.sound.kind == InstrumentSound::Kind::kMelodic) {
      EXPECT_GE(i.sound.program, 0);
      EXPECT_LE(i.sound.program, 127);
    }
    if (i.sound.kind == InstrumentSound::Kind::kDrumPiece) {
      EXPECT_GE(i.sound.drum_note, 35);
    }
    if (i.sound.kind == InstrumentSound::Kind::kPcmEffect) {
      EXPECT_EQ(i.name, PcmEffectName(i.sound.effect));
    }
  }
  EXPECT_EQ(used.size(), AllInstrumentFamilies().size());
  EXPECT_EQ(FindInstrument("kazoo"), nullptr);
}

TEST(VocabularyTest, ModesRoundTrip) {
  for (Mode m : AllModes()) EXPECT_EQ(ParseModeName(ModeName(m)), m);
  EXPECT_FALSE(ParseModeName("locrian"));
}

TEST(VocabularyTest, MoodWordsStylesAndKeysAreUnique) {
  ExpectUniqueNames(AllMoodWords(), [](const MoodWord& m) { return m.word; }, "mood");
  ExpectUniqueNames(AllStyles(), [](const StyleInfo& s) { return s.name; }, "style");
  ExpectUniqueNames(AdapterConfigKeys(), [](const AdapterConfigKey& k) { return k.name; }, "key");
  ExpectUniqueNames(AllLimits(), [](const LimitInfo& l) { return l.name; }, "limit");
  bool fallback_listed = false;
  for (const StyleInfo& s : AllStyles()) fallback_listed |= s.name == kFallbackStyle;
  EXPECT_TRUE(fallback_listed);
}

TEST(VocabularyTest, RangesAreOrderedWithDefaultsInside) {
  for (const AdapterConfigKey& k : AdapterConfigKeys()) {
    EXPECT_LE(k.min, k.max) << k.name;
    if (k.default_value) {
      EXPECT_GE(*k.default_value, k.min) << k.name;
      EXPECT_LE(*k.default_value, k.max) << k.name;
    }
  }
  for (const LimitInfo& l : AllLimits()) {
    EXPECT_LT(l.min, l.max) << l.name;
    if (l.default_value) {
      EXPECT_GE(*l.default_value, l.min) << l.name;
      EXPECT_LE(*l.default_value, l.max) << l.name;
    }
  }
  // SPEC section 2.
  EXPECT_EQ(limits::kTempo.min, 40);
  EXPECT_EQ(limits::kTempo.max, 200);
  EXPECT_EQ(limits::kDuration.max, 30);
  EXPECT_EQ(limits::kNumSamples.max, 4);
  EXPECT_EQ(limits::kTopK.max, 1000);
}

}  // namespace
}  // namespace studio
