// ComposerRefactorKeepsTheScore: a fixed table of render requests whose
// composed score (every field of the Composition Compose() returns: parts,
// notes, effects, tempo, key, mode, seed, mix) and, for some, rendered PCM
// (TimGM6mb) must hash to the values recorded here. It guards refactors of
// the composer (src/engine/composer/): moving code must not move a single
// random draw.
//
// The recorded hashes are NOT a statement about what the music should be.
// When the music is changed on purpose, re-record them: run
//   build/engine_tests --gtest_filter='ComposerRefactorKeepsTheScore*'
// and paste the "got" values it prints into kCases (and say so in the
// commit). PCM hashes also depend on the FluidSynth and SoundFont versions.
#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/vocabulary.h"
#include "engine/adapter_style.h"
#include "engine/composer.h"
#include "engine/fluidsynth_engine.h"

namespace studio {
namespace {

class Fnv {
 public:
  void Bytes(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) {
      h_ ^= p[i];
      h_ *= 0x100000001b3ULL;
    }
  }
  void I64(int64_t v) { Bytes(&v, sizeof v); }
  void F64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    Bytes(&bits, sizeof bits);
  }
  void Str(const std::string& s) {
    I64(static_cast<int64_t>(s.size()));
    Bytes(s.data(), s.size());
  }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

uint64_t HashScore(const Composition& c) {
  Fnv h;
  h.I64(c.sample_rate);
  h.I64(c.total_frames);
  h.F64(c.tempo_bpm);
  h.I64(c.key_root);
  h.I64(static_cast<int>(c.mode));
  h.Str(c.style);
  h.I64(static_cast<int64_t>(c.seed));
  h.F64(c.reverb);
  h.F64(c.chorus);
  h.F64(c.swing);
  h.I64(c.filter_offset_cents);
  h.I64(static_cast<int64_t>(c.parts.size()));
  for (const Part& p : c.parts) {
    h.Str(p.instrument);
    h.I64(static_cast<int>(p.role));
    h.I64(p.channel);
    h.I64(p.bank);
    h.I64(p.program);
    h.I64(p.volume);
    h.I64(p.pan);
    h.I64(p.release_offset);
    h.I64(p.requested ? 1 : 0);
  }
  h.I64(static_cast<int64_t>(c.notes.size()));
  for (const NoteEvent& n : c.notes) {
    h.I64(n.channel);
    h.I64(n.program);
    h.I64(n.note);
    h.I64(n.velocity);
    h.I64(n.start_frame);
    h.I64(n.end_frame);
  }
  h.I64(static_cast<int64_t>(c.effects.size()));
  for (PcmEffect e : c.effects) h.I64(static_cast<int>(e));
  return h.value();
}

uint64_t HashPcm(const PcmAudio& a) {
  Fnv h;
  h.I64(a.sample_rate);
  h.I64(a.channels);
  h.Bytes(a.samples.data(), a.samples.size() * sizeof(int16_t));
  return h.value();
}

struct Case {
  const char* name = "";
  std::string text{};
  std::optional<std::string> style{};
  std::optional<int> tempo{};
  std::optional<std::string> mood{};
  std::vector<std::string> primary{};
  std::vector<std::string> secondary{};
  int64_t seed = 0;
  double temperature = 1.0;
  int top_k = 250;
  double top_p = 0;
  int duration = 10;
  int sample_index = 0;
  std::string adapter = "{}";
  bool render = false;  // also hash the PCM rendered with TimGM6mb
};

// The hashes recorded from the composer before it was split into
// src/engine/composer/ (commit 1009a3c), re-recorded since when the music
// changed on purpose (last: the seed's drum variations).
// Re-record them when the music is changed on purpose (see the top of this
// file).
struct Recorded {
  const char* name;
  uint64_t score;
  uint64_t pcm;  // 0 unless the case renders
};
const Recorded kRecorded[] = {
    {"lofi", 0xfd4e3d24de2fa961ULL, 0x0000000000000000ULL},
    {"dnb", 0xc38aeda97c788e75ULL, 0x0000000000000000ULL},
    {"trap", 0x6a587ae7c7b46becULL, 0x0000000000000000ULL},
    {"hiphop", 0x13b65b7d80d89ef1ULL, 0x0000000000000000ULL},
    {"house", 0x18f88d62247a44c4ULL, 0x0000000000000000ULL},
    {"techno", 0xfbe29b4c4f085748ULL, 0x0000000000000000ULL},
    {"trance", 0x4810c7221b851a5dULL, 0x0000000000000000ULL},
    {"dubstep", 0x2d7d35f95aa65735ULL, 0x0000000000000000ULL},
    {"synthwave", 0x580be5e38ccf064eULL, 0x0000000000000000ULL},
    {"chiptune", 0x2f2ff0ae1aa7587eULL, 0x0000000000000000ULL},
    {"edm", 0xc4618d8a0c1d2ab3ULL, 0x0000000000000000ULL},
    {"ambient", 0xe6c341acaae9e06eULL, 0x0000000000000000ULL},
    {"cinematic", 0x7b98498e06d21e93ULL, 0x0000000000000000ULL},
    {"classical", 0x299fdf5a1c47e8c7ULL, 0x0000000000000000ULL},
    {"japanese", 0xa1df8875faaa7affULL, 0x0000000000000000ULL},
    {"chinese", 0xe75532f461c0820dULL, 0x0000000000000000ULL},
    {"indian", 0x71fad607cc483a65ULL, 0x0000000000000000ULL},
    {"jazz", 0x4f31494cda1b5f3aULL, 0x0000000000000000ULL},
    {"latin", 0x5555bba003ea7818ULL, 0x0000000000000000ULL},
    {"blues", 0xf3c589334b1e39b9ULL, 0x0000000000000000ULL},
    {"funk", 0xd8b929ad0352c1eeULL, 0x0000000000000000ULL},
    {"disco", 0x1d742346188d77aaULL, 0x0000000000000000ULL},
    {"metal", 0xbc645897fdad1093ULL, 0x0000000000000000ULL},
    {"punk", 0xd5ff522ca7a285e2ULL, 0x0000000000000000ULL},
    {"rock", 0x35e8b59c17fa447fULL, 0x0000000000000000ULL},
    {"reggae", 0x647b35f5f590bcecULL, 0x0000000000000000ULL},
    {"rnb", 0x5c68c203beefe935ULL, 0x0000000000000000ULL},
    {"folk", 0xf89f4e1258373e41ULL, 0x0000000000000000ULL},
    {"ballad", 0xdfb5b872938d9f2aULL, 0x0000000000000000ULL},
    {"pop", 0xbe2bc73b60bf6aa6ULL, 0x0000000000000000ULL},
    {"mood sad", 0x026f18b919ecf536ULL, 0x0000000000000000ULL},
    {"mood happy", 0x46d481bbc4a3c2ccULL, 0x0000000000000000ULL},
    {"mood dark", 0xacd6e8a8728627d5ULL, 0x0000000000000000ULL},
    {"mood calm", 0x827a26c4d8fe4202ULL, 0xb07074f1a88fc843ULL},
    {"text only", 0xf8c4f92214b19b05ULL, 0x0000000000000000ULL},
    {"key of", 0x0a7aa17df6042369ULL, 0x0000000000000000ULL},
    {"solo piano", 0x61483ea43d66f7c5ULL, 0xe44136025177b56cULL},
    {"kit and effects", 0xf33b3fe104ead8c3ULL, 0x364362c1a3ab6710ULL},
    {"drum pieces", 0x52eaf87055808628ULL, 0x0000000000000000ULL},
    {"many colours", 0x2a02fd7186154872ULL, 0x0000000000000000ULL},
    {"taiko and kits", 0xe57ce511a861cdcaULL, 0x0000000000000000ULL},
    {"tempo 40", 0x3c972eb26e9f451bULL, 0x0000000000000000ULL},
    {"tempo 90", 0x003b6a6cb5856d68ULL, 0x52b886c7566d7280ULL},
    {"tempo 200", 0x6c0509134ae6a838ULL, 0x0000000000000000ULL},
    {"duration 1", 0x2eae0afec1a36a6aULL, 0xb7a92299f3bf841cULL},
    {"duration 30", 0xced26960e966376fULL, 0x0000000000000000ULL},
    {"seed 0", 0x60e594a805993f02ULL, 0x0000000000000000ULL},
    {"seed 12345", 0xf11abf7335ee285cULL, 0x0000000000000000ULL},
    {"temperature 0.3", 0xd5b934a3c03a134aULL, 0x0000000000000000ULL},
    {"temperature 1.8", 0x5ad265dc7da9a254ULL, 0x0000000000000000ULL},
    {"top_k 1", 0x2d9507481378ffe0ULL, 0x0000000000000000ULL},
    {"top_p 0.6", 0xf964ad327c177a83ULL, 0x0000000000000000ULL},
    {"sample_index 2", 0x151c001b67f1b1baULL, 0x0000000000000000ULL},
    {"adapter numbers", 0x537bb7db1d0f8a30ULL, 0xda3a37099445942dULL},
    {"adapter energy", 0x5f24d683e4ca22c7ULL, 0x0000000000000000ULL},
    {"adapter mode", 0xa2b9f538aed8bb07ULL, 0x0000000000000000ULL},
    {"adapter overrides", 0x14c08f1fdd46765bULL, 0x0000000000000000ULL},
    {"adapter taiko", 0x9c22709217b992dcULL, 0x0000000000000000ULL},
};

const Recorded* RecordedFor(const char* name) {
  for (const Recorded& r : kRecorded) {
    if (std::strcmp(r.name, name) == 0) return &r;
  }
  return nullptr;
}

RenderRequest RequestOf(const Case& c) {
  RenderRequest r;
  r.prompt_text = c.text;
  r.attributes.style = c.style;
  r.attributes.tempo = c.tempo;
  r.attributes.mood = c.mood;
  r.attributes.primary_instruments = c.primary;
  r.attributes.secondary_instruments = c.secondary;
  r.params.seed = c.seed;
  r.params.temperature = c.temperature;
  r.params.top_k = c.top_k;
  r.params.top_p = c.top_p;
  r.params.duration = c.duration;
  r.sample_index = c.sample_index;
  r.adapter_config_json = c.adapter;
  return r;
}

// One case per style of domain/vocabulary.h (style attribute only, seed 1,
// 10 s), then cases for moods, instruments, tempos, durations, seeds,
// temperatures, sampling, sample_index and every adapter key.
std::vector<Case> Cases() {
  std::vector<Case> cases;
  auto style_case = [&](const char* style) {
    Case c;
    c.name = style;
    c.text = std::string("a ") + style + " piece";
    c.style = style;
    c.seed = 1;
    cases.push_back(c);
  };
  style_case("lofi");
  style_case("dnb");
  style_case("trap");
  style_case("hiphop");
  style_case("house");
  style_case("techno");
  style_case("trance");
  style_case("dubstep");
  style_case("synthwave");
  style_case("chiptune");
  style_case("edm");
  style_case("ambient");
  style_case("cinematic");
  style_case("classical");
  style_case("japanese");
  style_case("chinese");
  style_case("indian");
  style_case("jazz");
  style_case("latin");
  style_case("blues");
  style_case("funk");
  style_case("disco");
  style_case("metal");
  style_case("punk");
  style_case("rock");
  style_case("reggae");
  style_case("rnb");
  style_case("folk");
  style_case("ballad");
  style_case("pop");

  auto add = [&](Case c) { cases.push_back(std::move(c)); };
  // Moods, and style/key/tempo read from the text alone.
  add({.name = "mood sad", .text = "a slow piano song", .mood = "sad", .seed = 7});
  add({.name = "mood happy", .text = "sunny folk tune", .mood = "happy uplifting", .seed = 7});
  add({.name = "mood dark", .text = "dark techno at night", .mood = "dark", .seed = 12345});
  add({.name = "mood calm", .text = "ambient rain", .mood = "calm", .seed = 0, .render = true});
  add({.name = "text only", .text = "drum and bass with rhodes and strings in F# minor 174 bpm",
       .seed = 7});
  add({.name = "key of", .text = "jazz ballad in the key of Eb with saxophone", .seed = 1});
  // Instrument lists: drums, pieces, texture effects, many colours.
  add({.name = "solo piano", .text = "solo piano", .primary = {"acoustic-piano"}, .seed = 1,
       .duration = 4, .render = true});
  add({.name = "kit and effects", .text = "lofi beat", .style = "lofi",
       .primary = {"electric-piano", "bass-guitar", "lofi-drum-kit"},
       .secondary = {"vinyl-noise", "tape-saturation", "ambient-noise"}, .seed = 7,
       .duration = 4, .render = true});
  add({.name = "drum pieces", .text = "percussion", .style = "ambient",
       .primary = {"kick-drum", "snare-drum", "hi-hat", "cymbals", "toms"}, .seed = 1});
  add({.name = "many colours", .text = "an orchestra", .style = "cinematic",
       .primary = {"violin", "cello", "flute", "french-horn", "harp"},
       .secondary = {"choir", "kalimba", "breath-fx", "arpeggiator-synth", "oboe", "bassoon",
                     "double-bass", "vocal-pad"},
       .seed = 1});
  add({.name = "taiko and kits", .text = "battle", .style = "japanese",
       .primary = {"taiko-drums", "shamisen", "808-drums", "909-drums"}, .seed = 1});
  // Tempos and durations.
  add({.name = "tempo 40", .text = "slow", .style = "ballad", .tempo = 40, .seed = 1,
       .duration = 30});
  add({.name = "tempo 90", .text = "mid", .style = "hiphop", .tempo = 90, .seed = 1,
       .duration = 10, .render = true});
  add({.name = "tempo 200", .text = "fast", .style = "punk", .tempo = 200, .seed = 1,
       .duration = 30});
  add({.name = "duration 1", .text = "tiny", .style = "house", .seed = 1, .duration = 1,
       .render = true});
  add({.name = "duration 30", .text = "long", .style = "trance", .seed = 1, .duration = 30});
  // Seeds, temperatures, sampling, sample index.
  add({.name = "seed 0", .text = "pop song", .seed = 0});
  add({.name = "seed 12345", .text = "pop song", .seed = 12345});
  add({.name = "temperature 0.3", .text = "jazz", .style = "jazz", .seed = 7,
       .temperature = 0.3});
  add({.name = "temperature 1.8", .text = "jazz", .style = "jazz", .seed = 7,
       .temperature = 1.8});
  add({.name = "top_k 1", .text = "folk", .style = "folk", .seed = 7, .top_k = 1});
  add({.name = "top_p 0.6", .text = "folk", .style = "folk", .seed = 7, .top_p = 0.6});
  add({.name = "sample_index 2", .text = "pop song", .seed = 7, .sample_index = 2});
  // Every adapter key.
  add({.name = "adapter numbers", .text = "funk jam", .style = "funk", .seed = 1, .duration = 4,
       .adapter = R"({"tempo_scale": 1.3, "transpose": -5, "swing": 0.33,
                      "note_density": 1.6, "velocity_scale": 1.2, "reverb": 0.7,
                      "chorus": 0.4})",
       .render = true});
  add({.name = "adapter energy", .text = "funk jam", .style = "funk", .seed = 1,
       .adapter = R"({"energy": 0.7, "note_density": 0.3, "tempo_scale": 0.5})"});
  add({.name = "adapter mode", .text = "happy pop", .mood = "happy", .seed = 1,
       .adapter = R"({"mode": "phrygian", "transpose": 12})"});
  add({.name = "adapter overrides", .text = "rock", .style = "rock",
       .primary = {"electric-guitar-clean", "bass-guitar"}, .seed = 1,
       .adapter = R"({"instrument_overrides": {"lead": "trumpet", "chords": "organ",
                      "bass": "synth-bass", "drums": "909-drums", "pad": "choir"}})"});
  add({.name = "adapter taiko", .text = "rock", .style = "rock", .seed = 1,
       .adapter = R"({"instrument_overrides": {"drums": "taiko-drums"}})"});
  return cases;
}

TEST(ComposerRefactorKeepsTheScore, ScoresAndAudioMatchTheRecordedHashes) {
  Status s;
  std::unique_ptr<Engine> engine = NewFluidSynthEngine(STUDIO_TEST_SOUNDFONT, &s);
  ASSERT_TRUE(s.ok()) << s.ToString();
  const std::vector<Case> cases = Cases();
  ASSERT_GE(cases.size(), 30u);
  for (const StyleInfo& info : AllStyles()) {
    bool covered = false;
    for (const Case& c : cases) covered = covered || c.style == std::string(info.name);
    EXPECT_TRUE(covered) << "no case for the style " << info.name;
  }
  std::string got;
  int mismatches = 0;
  for (const Case& c : cases) {
    const RenderRequest r = RequestOf(c);
    AdapterStyle style;
    ASSERT_TRUE(ParseAdapterStyle(r.adapter_config_json, &style).ok()) << c.name;
    const uint64_t score_hash = HashScore(Compose(r, style));
    // Composing twice gives the same score.
    EXPECT_EQ(HashScore(Compose(r, style)), score_hash) << c.name;
    uint64_t pcm_hash = 0;
    if (c.render) {
      PcmAudio pcm;
      ASSERT_TRUE(engine->Render(r, nullptr, &pcm).ok()) << c.name;
      pcm_hash = HashPcm(pcm);
    }
    char line[160];
    std::snprintf(line, sizeof line, "    {\"%s\", 0x%016" PRIx64 "ULL, 0x%016" PRIx64 "ULL},\n",
                  c.name, score_hash, pcm_hash);
    got += line;
    const Recorded* recorded = RecordedFor(c.name);
    if (recorded == nullptr || score_hash != recorded->score || pcm_hash != recorded->pcm) {
      ++mismatches;
      ADD_FAILURE() << c.name << ": score or PCM hash differs from the recorded one";
    }
  }
  EXPECT_EQ(mismatches, 0) << "got (kRecorded as this build composes it):\n" << got;
}

}  // namespace
}  // namespace studio
