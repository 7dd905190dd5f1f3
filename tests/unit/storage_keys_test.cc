// Storage keys (store/storage_keys.h): every name the studio builds parses
// back to what built it, and nothing else parses.
#include "store/storage_keys.h"

#include <gtest/gtest.h>

namespace studio {
namespace {

constexpr char kJob[] = "0b1c2d3e-0000-4000-8000-000000000001";
constexpr char kSample[] = "0b1c2d3e-0000-4000-8000-000000000002";

TEST(StorageKeysTest, BuildsTheDocumentedNames) {
  EXPECT_EQ(AudioKey(kJob, kSample), std::string("audio/") + kJob + "/" + kSample + ".wav");
  EXPECT_EQ(JobAudioPrefix(kJob), std::string("audio/") + kJob);
  EXPECT_EQ(AdapterStyleKey(kJob, 1), std::string("adapters/") + kJob + "/v1.json");
  EXPECT_EQ(AdapterStyleKey(kJob, 12), std::string("adapters/") + kJob + "/v12.json");
  EXPECT_EQ(StagedName("audio/j/s.wav"), "audio/j/s.wav.tmp");
}

TEST(StorageKeysTest, MidiKeyIsTheWavKeyWithMid) {
  EXPECT_EQ(MidiKeyForAudioKey(AudioKey(kJob, kSample)),
            std::string("audio/") + kJob + "/" + kSample + ".mid");
  EXPECT_EQ(MidiKeyForAudioKey("audio/j/s.wav"), "audio/j/s.mid");
  EXPECT_EQ(MidiKeyForAudioKey("audio/j/s.wav.wav"), "audio/j/s.wav.mid");  // only the last
  EXPECT_EQ(MidiKeyForAudioKey("audio/j/s"), "audio/j/s.mid");
  EXPECT_EQ(MidiKeyForAudioKey(""), ".mid");
  // A MIDI key is not an audio key: it never parses as a sample.
  ParsedStorageKey k;
  EXPECT_FALSE(ParseStorageKey(MidiKeyForAudioKey(AudioKey(kJob, kSample)), &k));
}

TEST(StorageKeysTest, BuiltKeysParseBack) {
  ParsedStorageKey k;
  ASSERT_TRUE(ParseStorageKey(AudioKey(kJob, kSample), &k));
  EXPECT_EQ(k.kind, StorageKeyKind::kAudio);
  EXPECT_EQ(k.owner_id, kJob);
  EXPECT_EQ(k.object_id, kSample);
  ASSERT_TRUE(ParseStorageKey(AdapterStyleKey(kJob, 7), &k));
  EXPECT_EQ(k.kind, StorageKeyKind::kAdapterStyle);
  EXPECT_EQ(k.owner_id, kJob);
  EXPECT_EQ(k.version, 7);
}

TEST(StorageKeysTest, RejectsEverythingElse) {
  const char* bad[] = {
      "",
      "audio",
      "audio/j",
      "audio/j/",
      "audio//s.wav",
      "audio/j/s",
      "audio/j/s.wav.tmp",     // staged, not published
      "audio/j/.wav",
      "audio/j/s.mp3",
      "audio/j/k/s.wav",
      "audio/../s.wav",
      "audio/j/../../etc.wav",
      "/audio/j/s.wav",
      "Audio/j/s.wav",
      "adapters/a/v0.json",
      "adapters/a/v01.json",
      "adapters/a/v.json",
      "adapters/a/1.json",
      "adapters/a/v1.json.tmp",
      "adapters/a/v1x.json",
      "adapters/a/v-1.json",
      "adapters/a/v+1.json",
      "adapters/a/v99999999999.json",
      "adapters/a/v1",
      "adapters/a b/v1.json",
      "other/j/s.wav",
  };
  for (const char* key : bad) {
    ParsedStorageKey k;
    EXPECT_FALSE(ParseStorageKey(key, &k)) << key;
  }
}

TEST(StorageKeysTest, StagedNames) {
  EXPECT_TRUE(IsStagedName(StagedName(AudioKey(kJob, kSample))));
  EXPECT_TRUE(IsStagedName("x.wav.tmp"));
  EXPECT_FALSE(IsStagedName(AudioKey(kJob, kSample)));
  EXPECT_FALSE(IsStagedName("tmp"));
  EXPECT_FALSE(IsStagedName("x.tmpl"));
}

}  // namespace
}  // namespace studio
