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
// src/engine/composer/ (commit 1009a3c). Re-record them when the music is
// changed on purpose (see the top of this file).
struct Recorded {
  const char* name;
  uint64_t score;
  uint64_t pcm;  // 0 unless the case renders
};
const Recorded kRecorded[] = {
    {"lofi", 0x303dab7a871b1347ULL, 0x0000000000000000ULL},
    {"dnb", 0x5c74d0fc3035ff50ULL, 0x0000000000000000ULL},
    {"trap", 0xf136a5e1b3d4c659ULL, 0x0000000000000000ULL},
    {"hiphop", 0x66f87970f6e638f6ULL, 0x0000000000000000ULL},
    {"house", 0x47fbc5f3df7c4286ULL, 0x0000000000000000ULL},
    {"techno", 0x2ef813152d06dbabULL, 0x0000000000000000ULL},
    {"trance", 0x900d178f3254f87aULL, 0x0000000000000000ULL},
    {"dubstep", 0xd0e70fc0c87ec21bULL, 0x0000000000000000ULL},
    {"synthwave", 0x02e364292f44bc27ULL, 0x0000000000000000ULL},
    {"chiptune", 0x4f2ba6bf72776d0bULL, 0x0000000000000000ULL},
    {"edm", 0x839fea121e25a593ULL, 0x0000000000000000ULL},
    {"ambient", 0x96b3353780c7de3aULL, 0x0000000000000000ULL},
    {"cinematic", 0x3d92530ba38d765fULL, 0x0000000000000000ULL},
    {"classical", 0x540c22617bb91ffeULL, 0x0000000000000000ULL},
    {"japanese", 0x9d66911ae6d2a92eULL, 0x0000000000000000ULL},
    {"chinese", 0x7bb570612225e12fULL, 0x0000000000000000ULL},
    {"indian", 0xeae6d48fdb5c5dffULL, 0x0000000000000000ULL},
    {"jazz", 0x0d1c24f45cc25fbdULL, 0x0000000000000000ULL},
    {"latin", 0x049a5a598e22eba5ULL, 0x0000000000000000ULL},
    {"blues", 0x5673acc9fc6efba9ULL, 0x0000000000000000ULL},
    {"funk", 0xf96eaa789599fb90ULL, 0x0000000000000000ULL},
    {"disco", 0x8a00e8b2f5227507ULL, 0x0000000000000000ULL},
    {"metal", 0xb405730d1f7efd2cULL, 0x0000000000000000ULL},
    {"punk", 0x99b3dc8ff1e34169ULL, 0x0000000000000000ULL},
    {"rock", 0xbca50985f4864725ULL, 0x0000000000000000ULL},
    {"reggae", 0x2902c35375b6f255ULL, 0x0000000000000000ULL},
    {"rnb", 0xcc9bff0b6c6160e8ULL, 0x0000000000000000ULL},
    {"folk", 0x28bddfc9441e1f37ULL, 0x0000000000000000ULL},
    {"ballad", 0xc5c4de0aa1ebcf1cULL, 0x0000000000000000ULL},
    {"pop", 0x479ef055bb49d1edULL, 0x0000000000000000ULL},
    {"mood sad", 0x95289834e9a944afULL, 0x0000000000000000ULL},
    {"mood happy", 0x21ea281729d0fb8dULL, 0x0000000000000000ULL},
    {"mood dark", 0x5c8351ce19483730ULL, 0x0000000000000000ULL},
    {"mood calm", 0x6c2a1232ad641022ULL, 0x041f46743babad12ULL},
    {"text only", 0x5bcbf1550217643fULL, 0x0000000000000000ULL},
    {"key of", 0x1cd6b6d7f16d3c6eULL, 0x0000000000000000ULL},
    {"solo piano", 0x090c2691b689909cULL, 0x72d072a12c429669ULL},
    {"kit and effects", 0x850294babf13dc59ULL, 0x1dac396ed2eac974ULL},
    {"drum pieces", 0x58eceed7e6c4936bULL, 0x0000000000000000ULL},
    {"many colours", 0xb86cb56a200be0b0ULL, 0x0000000000000000ULL},
    {"taiko and kits", 0x188026ce467b88ecULL, 0x0000000000000000ULL},
    {"tempo 40", 0x3b8c9d85975c0362ULL, 0x0000000000000000ULL},
    {"tempo 90", 0xb1924ff2ba8a64c4ULL, 0x72d9a7fc3edeee2fULL},
    {"tempo 200", 0x6252f10a9a125007ULL, 0x0000000000000000ULL},
    {"duration 1", 0xc19f8a234c885830ULL, 0xea8b78903d8b5e89ULL},
    {"duration 30", 0xe40bc12233cb39dcULL, 0x0000000000000000ULL},
    {"seed 0", 0xad7eea9823965a01ULL, 0x0000000000000000ULL},
    {"seed 12345", 0xca76329c63e72460ULL, 0x0000000000000000ULL},
    {"temperature 0.3", 0x48b6556c6604bc52ULL, 0x0000000000000000ULL},
    {"temperature 1.8", 0x32e763954233e068ULL, 0x0000000000000000ULL},
    {"top_k 1", 0x54de7f5e598cace1ULL, 0x0000000000000000ULL},
    {"top_p 0.6", 0xd2e09bfdb5d504c8ULL, 0x0000000000000000ULL},
    {"sample_index 2", 0x50d7aa44a75a4c3cULL, 0x0000000000000000ULL},
    {"adapter numbers", 0xb94d98bfe77c96deULL, 0xec3c6a53c1177d9cULL},
    {"adapter energy", 0xfcb263eb34e4e70fULL, 0x0000000000000000ULL},
    {"adapter mode", 0xf717935b0ded450fULL, 0x0000000000000000ULL},
    {"adapter overrides", 0xd475a74dc969099dULL, 0x0000000000000000ULL},
    {"adapter taiko", 0xab94de80e30ffa57ULL, 0x0000000000000000ULL},
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
