// The composer's rules, checked on the note events (no synthesizer needed):
// tempo, mode, instruments, duration, determinism, and what the adapter and
// the sampling parameters change.
#include "engine/composer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "domain/vocabulary.h"

namespace studio {
namespace {

RenderRequest Request(const std::string& style, std::optional<int> tempo, int duration = 10) {
  RenderRequest r;
  r.prompt_text = "a " + style + " piece";
  r.attributes.style = style;
  r.attributes.tempo = tempo;
  r.params.duration = duration;
  r.params.seed = 42;
  return r;
}

Composition ComposeWith(const RenderRequest& r, const std::string& config = "{}") {
  AdapterStyle style;
  Status s = ParseAdapterStyle(config, &style);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return Compose(r, style);
}

std::set<int> ProgramsOnMelodicChannels(const Composition& c) {
  std::set<int> programs;
  for (const NoteEvent& n : c.notes) {
    if (n.channel != kDrumChannel) programs.insert(n.program);
  }
  return programs;
}

int CountOnDrumChannel(const Composition& c, int note = -1) {
  return static_cast<int>(std::count_if(c.notes.begin(), c.notes.end(), [&](const NoteEvent& n) {
    return n.channel == kDrumChannel && (note < 0 || n.note == note);
  }));
}

TEST(ComposerTest, UsesTheRequestedTempoExactly) {
  for (int tempo : {40, 90, 123, 150, 200}) {
    // 30 s: long enough for an intro even at 40 bpm.
    Composition c = ComposeWith(Request("lofi", tempo, 30));
    EXPECT_DOUBLE_EQ(c.tempo_bpm, tempo);
    // The first bar (the intro's count-in) has a drum hit on every beat at
    // that tempo, at every tempo (no half-time feel, SPEC section 9).
    const double beat = 60.0 * 44100 / tempo;
    for (int b = 0; b < 4; ++b) {
      const bool hit = std::any_of(c.notes.begin(), c.notes.end(), [&](const NoteEvent& n) {
        return n.channel == kDrumChannel && std::fabs(n.start_frame - b * beat) < 64;
      });
      EXPECT_TRUE(hit) << tempo << " bpm, beat " << b;
    }
  }
}

TEST(ComposerTest, StyleImpliesTempoWhenNoneIsGiven) {
  struct Case { const char* style; double lo, hi; };
  for (const Case& c : std::vector<Case>{{"lofi hip hop", 70, 88},
                                         {"deep house", 116, 132},
                                         {"drum and bass", 160, 180},
                                         {"ambient", 62, 78},
                                         {"rock", 110, 130}}) {
    Composition comp = ComposeWith(Request(c.style, std::nullopt));
    EXPECT_GE(comp.tempo_bpm, c.lo) << c.style;
    EXPECT_LE(comp.tempo_bpm, c.hi) << c.style;
  }
}

TEST(ComposerTest, TempoInTheTextIsUsedWhenTheAttributeIsMissing) {
  RenderRequest r = Request("rock", std::nullopt);
  r.prompt_text = "driving rock at 133 bpm";
  EXPECT_DOUBLE_EQ(ComposeWith(r).tempo_bpm, 133);
}

TEST(ComposerTest, AdapterTempoScaleMultipliesAndClamps) {
  EXPECT_DOUBLE_EQ(ComposeWith(Request("pop", 100), R"({"tempo_scale": 1.5})").tempo_bpm, 150);
  EXPECT_DOUBLE_EQ(ComposeWith(Request("pop", 150), R"({"tempo_scale": 2.0})").tempo_bpm, 200);
  EXPECT_DOUBLE_EQ(ComposeWith(Request("pop", 60), R"({"tempo_scale": 0.5})").tempo_bpm, 40);
}

TEST(ComposerTest, MoodChoosesTheMode) {
  struct Case { const char* mood; Mode mode; };
  for (const Case& c : std::vector<Case>{{"sad", Mode::kMinor},
                                         {"dark and brooding", Mode::kMinor},
                                         {"melancholic", Mode::kMinor},
                                         {"happy", Mode::kMajor},
                                         {"bright, uplifting", Mode::kMajor}}) {
    // Several seeds and styles: the mood must win over the seed's choice.
    for (const char* style : {"pop", "lofi", "rock"}) {
      for (int seed : {1, 2, 3}) {
        RenderRequest r = Request(style, 100);
        r.attributes.mood = c.mood;
        r.params.seed = seed;
        EXPECT_EQ(ComposeWith(r).mode, c.mode) << c.mood << " " << style << " " << seed;
      }
    }
  }
}

TEST(ComposerTest, MoodWordsInTheTextCountToo) {
  RenderRequest r = Request("pop", 100);
  r.prompt_text = "a sad, lonely song for a rainy night";
  EXPECT_EQ(ComposeWith(r).mode, Mode::kMinor);
  r.prompt_text = "a happy sunny morning tune";
  EXPECT_EQ(ComposeWith(r).mode, Mode::kMajor);
}

TEST(ComposerTest, MinorModeUsesAMinorScale) {
  RenderRequest r = Request("pop", 100);
  r.attributes.mood = "sad";
  Composition c = ComposeWith(r);
  // The minor third above the tonic appears; the major third never does in
  // the melody's scale (chromatic passing notes aside, the bass and chords
  // are diatonic).
  int minor_third = 0, major_third = 0;
  for (const NoteEvent& n : c.notes) {
    if (n.channel == kDrumChannel) continue;
    int rel = ((n.note - c.key_root) % 12 + 12) % 12;
    minor_third += rel == 3;
    major_third += rel == 4;
  }
  EXPECT_GT(minor_third, 0);
  EXPECT_GT(minor_third, 5 * major_third);
}

TEST(ComposerTest, AdapterModeOverridesTheMood) {
  RenderRequest r = Request("pop", 100);
  r.attributes.mood = "sad";
  EXPECT_EQ(ComposeWith(r, R"({"mode": "lydian"})").mode, Mode::kLydian);
}

TEST(ComposerTest, KeyInTheTextIsUsed) {
  RenderRequest r = Request("pop", 100);
  r.prompt_text = "a ballad in F# minor";
  Composition c = ComposeWith(r);
  EXPECT_EQ(c.key_root, 6);
  EXPECT_EQ(c.mode, Mode::kMinor);
}

TEST(ComposerTest, EveryInstrumentHasASound) {
  for (const InstrumentInfo& info : AllInstruments()) {
    std::optional<InstrumentSound> sound = SoundForInstrument(info.name);
    ASSERT_TRUE(sound.has_value()) << info.name;
    EXPECT_GE(sound->program, 0) << info.name;
    EXPECT_LE(sound->program, 127) << info.name;
    if (info.family == InstrumentFamily::kDrums) {
      EXPECT_TRUE(sound->kind == InstrumentSound::Kind::kDrumKit ||
                  sound->kind == InstrumentSound::Kind::kDrumPiece)
          << info.name;
    }
  }
  EXPECT_FALSE(SoundForInstrument("kazoo").has_value());
  EXPECT_FALSE(SoundForInstrument("timpani").has_value());  // a style sound, not on the list
  EXPECT_EQ(SoundForInstrument("choir")->program, 52);
  EXPECT_EQ(SoundForInstrument("breath-fx")->program, 121);
  EXPECT_EQ(SoundForInstrument("taiko-drums")->program, 116);
  EXPECT_EQ(SoundForInstrument("vinyl-noise")->kind, InstrumentSound::Kind::kPcmEffect);
}

// Every requested instrument must be heard: a melodic one as its program in
// the note events, a drum one on the drum channel, an effect in the effects.
void ExpectAllAudible(const Composition& c, const std::vector<std::string>& names) {
  const std::set<int> programs = ProgramsOnMelodicChannels(c);
  for (const std::string& name : names) {
    const InstrumentSound sound = *SoundForInstrument(name);
    switch (sound.kind) {
      case InstrumentSound::Kind::kMelodic:
        EXPECT_TRUE(programs.count(sound.program)) << name << " (program " << sound.program << ")";
        break;
      case InstrumentSound::Kind::kDrumKit: {
        bool kit_heard = std::any_of(c.notes.begin(), c.notes.end(), [&](const NoteEvent& n) {
          return n.channel == kDrumChannel && n.program == sound.program;
        });
        EXPECT_TRUE(kit_heard) << name;
        break;
      }
      case InstrumentSound::Kind::kDrumPiece:
        EXPECT_GT(CountOnDrumChannel(c, sound.drum_note), 0) << name;
        break;
      case InstrumentSound::Kind::kPcmEffect:
        EXPECT_NE(std::find(c.effects.begin(), c.effects.end(), sound.effect), c.effects.end())
            << name;
        break;
    }
  }
}

TEST(ComposerTest, RequestedInstrumentsAreInTheEvents) {
  struct Case { std::vector<std::string> primary, secondary; const char* style; };
  const std::vector<Case> cases = {
      {{"electric-piano", "bass-guitar", "lofi-drum-kit"}, {"vinyl-noise"}, "lofi"},
      {{"violin", "cello", "harp"}, {"choir", "french-horn"}, "classical"},
      {{"saxophone", "double-bass", "acoustic-drum-kit"}, {"trumpet", "cymbals"}, "jazz"},
      {{"analog-synth-lead", "mono-synth-bass", "909-drums"},
       {"analog-synth-pad", "arpeggiator-synth", "hi-hat"}, "techno"},
      {{"sitar", "taiko-drums"}, {"erhu", "kalimba", "shamisen", "breath-fx"}, "ambient"},
      {{"acoustic-guitar"}, {"toms", "snare-drum", "kick-drum", "tape-saturation"}, "folk"},
      {{"808-drums", "synth-bass"}, {"electronic-drum-kit", "ambient-noise"}, "trap"},
  };
  for (const Case& c : cases) {
    RenderRequest r = Request(c.style, 110, 12);
    r.attributes.primary_instruments = c.primary;
    r.attributes.secondary_instruments = c.secondary;
    Composition comp = ComposeWith(r);
    SCOPED_TRACE(c.style);
    ExpectAllAudible(comp, c.primary);
    ExpectAllAudible(comp, c.secondary);
  }
}

TEST(ComposerTest, ManyInstrumentsAreAllHeard) {
  // More colour instruments than channels: they take turns and share
  // channels, and each of them still plays.
  std::vector<std::string> melodic;
  for (const InstrumentInfo& info : AllInstruments()) {
    if (SoundForInstrument(info.name)->kind == InstrumentSound::Kind::kMelodic) {
      melodic.emplace_back(info.name);
    }
  }
  RenderRequest r = Request("pop", 120, 30);
  r.attributes.primary_instruments = {melodic.begin(), melodic.begin() + 4};
  r.attributes.secondary_instruments = {melodic.begin() + 4, melodic.end()};
  Composition c = ComposeWith(r);
  ExpectAllAudible(c, melodic);
  for (const Part& p : c.parts) {
    EXPECT_GE(p.channel, 0);
    EXPECT_LT(p.channel, 16);
  }
}

TEST(ComposerTest, PrimaryInstrumentsCarryTheMainRoles) {
  RenderRequest r = Request("pop", 110);
  r.attributes.primary_instruments = {"flute", "acoustic-guitar", "synth-bass"};
  Composition c = ComposeWith(r);
  auto role_of = [&](const std::string& name) {
    for (const Part& p : c.parts) {
      if (p.instrument == name) return p.role;
    }
    ADD_FAILURE() << name << " has no part";
    return PartRole::kColor;
  };
  EXPECT_EQ(role_of("flute"), PartRole::kLead);
  EXPECT_EQ(role_of("acoustic-guitar"), PartRole::kChords);
  EXPECT_EQ(role_of("synth-bass"), PartRole::kBass);
}

TEST(ComposerTest, StyleChoosesInstrumentsWhenNoneAreGiven) {
  Composition c = ComposeWith(Request("lofi", 80));
  const std::set<int> programs = ProgramsOnMelodicChannels(c);
  EXPECT_TRUE(programs.count(SoundForInstrument("electric-piano")->program));
  EXPECT_TRUE(programs.count(SoundForInstrument("bass-guitar")->program));
  EXPECT_GT(CountOnDrumChannel(c), 0);
}

TEST(ComposerTest, InstrumentWordsInTheTextAreUsed) {
  RenderRequest r = Request("pop", 100);
  r.prompt_text = "a gentle cello and harp duet";
  const std::set<int> programs = ProgramsOnMelodicChannels(ComposeWith(r));
  EXPECT_TRUE(programs.count(SoundForInstrument("cello")->program));
  EXPECT_TRUE(programs.count(SoundForInstrument("harp")->program));
}

TEST(ComposerTest, DrumsMarkTheBeatWithoutADrumRequest) {
  // No drum instrument named: the style's kit still plays a kick on the
  // downbeat of every bar, and marks beats 2 and 4 (snare, side stick,
  // clap, a tom or the hats) of every bar but the ending's — on the beat,
  // or laid back (or pushed) by the seed's feel, at most 36 ms
  // (composer/drums.cc).
  for (const char* style : {"pop", "rock", "lofi", "house", "jazz", "drum and bass"}) {
    const int tempo = 120;
    Composition c = ComposeWith(Request(style, tempo, 12));
    const double beat = 60.0 * 44100 / tempo;
    const double feel = 0.040 * 44100 / beat;  // in beats
    std::set<int> kick_beats, backbeat_beats;
    for (const NoteEvent& n : c.notes) {
      if (n.channel != kDrumChannel) continue;
      const double b = n.start_frame / beat;
      if (std::fabs(b - std::round(b)) > feel) continue;  // on a beat only
      const int whole = static_cast<int>(std::lround(b));
      if (n.note == 35 || n.note == 36) kick_beats.insert(whole);
      backbeat_beats.insert(whole);
    }
    const int bars = 12 * tempo / 60 / 4;
    for (int bar = 0; bar < bars; ++bar) {
      EXPECT_TRUE(kick_beats.count(bar * 4) || backbeat_beats.count(bar * 4)) << style << " bar " << bar;
      if (bar == bars - 1) continue;  // the ending rings out
      EXPECT_TRUE(backbeat_beats.count(bar * 4 + 1)) << style << " bar " << bar;
      EXPECT_TRUE(backbeat_beats.count(bar * 4 + 3)) << style << " bar " << bar;
    }
  }
}

TEST(ComposerTest, DrumlessStylesPulseOnEveryBeat) {
  for (const char* style : {"ambient", "classical", "cinematic"}) {
    Composition c = ComposeWith(Request(style, 90, 12));
    EXPECT_EQ(CountOnDrumChannel(c), 0) << style;
    const Part* pulse = nullptr;
    for (const Part& p : c.parts) {
      if (p.role == PartRole::kPulse) pulse = &p;
    }
    ASSERT_NE(pulse, nullptr) << style;
    std::set<int64_t> onsets;
    for (const NoteEvent& n : c.notes) {
      if (n.channel == pulse->channel) onsets.insert(n.start_frame);
    }
    const double beat = 60.0 * 44100 / 90;
    const int beats = static_cast<int>(12.0 * 90 / 60);
    // One onset per beat, except in the ending bar (which rings out from
    // its first beat); between the beats only sixteenths (the density adds
    // them), where the piece's swing puts them: the off-beat eighth at
    // 0.5 + swing / 2, the sixteenths proportionally.
    const double offbeat = 0.5 + c.swing * 0.5;
    const double grid[] = {offbeat / 2, offbeat, offbeat + (1 - offbeat) / 2};
    int on_beat = 0;
    for (int64_t f : onsets) {
      double phase = std::fmod(f / beat, 1.0);
      const bool on = phase < 0.01 || phase > 0.99;
      on_beat += on ? 1 : 0;
      const bool on_grid = std::any_of(std::begin(grid), std::end(grid),
                                       [&](double g) { return std::fabs(phase - g) < 0.01; });
      EXPECT_TRUE(on || on_grid) << style << " onset off the grid at " << f;
    }
    EXPECT_GE(on_beat, beats - 4) << style;
  }
}

TEST(ComposerTest, DurationIsExact) {
  for (int seconds : {1, 2, 7, 30}) {
    Composition c = ComposeWith(Request("rock", 133, seconds));
    EXPECT_EQ(c.total_frames, int64_t{seconds} * 44100);
    ASSERT_FALSE(c.notes.empty()) << seconds;
    for (const NoteEvent& n : c.notes) {
      EXPECT_GE(n.start_frame, 0);
      EXPECT_LT(n.start_frame, n.end_frame);
      EXPECT_LE(n.end_frame, c.total_frames);
      EXPECT_GE(n.note, 0);
      EXPECT_LE(n.note, 127);
      EXPECT_GE(n.velocity, 1);
      EXPECT_LE(n.velocity, 127);
    }
    // The music lasts to the end, not just the first bars.
    EXPECT_GT(c.notes.back().start_frame, c.total_frames * 3 / 4) << seconds;
  }
}

TEST(ComposerTest, EventsAreOrderedByStart) {
  Composition c = ComposeWith(Request("jazz", 120, 20));
  EXPECT_TRUE(std::is_sorted(c.notes.begin(), c.notes.end(),
                             [](const NoteEvent& a, const NoteEvent& b) {
                               return a.start_frame < b.start_frame;
                             }));
}

bool SameNotes(const Composition& a, const Composition& b) {
  if (a.notes.size() != b.notes.size()) return false;
  for (size_t i = 0; i < a.notes.size(); ++i) {
    const NoteEvent& x = a.notes[i];
    const NoteEvent& y = b.notes[i];
    if (x.channel != y.channel || x.program != y.program || x.note != y.note ||
        x.velocity != y.velocity || x.start_frame != y.start_frame || x.end_frame != y.end_frame) {
      return false;
    }
  }
  return true;
}

TEST(ComposerTest, SameRequestComposesTheSamePiece) {
  RenderRequest r = Request("lofi", 85, 15);
  r.params.temperature = 1.7;
  EXPECT_TRUE(SameNotes(ComposeWith(r), ComposeWith(r)));
}

TEST(ComposerTest, SamplesOfOneJobDiffer) {
  RenderRequest a = Request("lofi", 85, 15);
  RenderRequest b = a;
  b.sample_index = 1;
  EXPECT_FALSE(SameNotes(ComposeWith(a), ComposeWith(b)));
  // A hash of (seed, index), not seed + index: sample 1 of seed 42 is not
  // sample 0 of seed 43 (SPEC section 9).
  RenderRequest c = a;
  c.params.seed = 43;
  EXPECT_FALSE(SameNotes(ComposeWith(b), ComposeWith(c)));
}

TEST(ComposerTest, AdapterChangesTheEvents) {
  RenderRequest r = Request("pop", 100, 12);
  r.attributes.mood = "happy";
  Composition plain = ComposeWith(r);
  Composition styled = ComposeWith(
      r, R"({"transpose": 3, "tempo_scale": 1.2, "instrument_overrides": {"lead": "trumpet"}})");
  EXPECT_DOUBLE_EQ(styled.tempo_bpm, 120);
  EXPECT_TRUE(ProgramsOnMelodicChannels(styled).count(56));      // trumpet
  EXPECT_FALSE(ProgramsOnMelodicChannels(plain).count(56));

  // Transpose alone shifts every pitched note and leaves the drums alone.
  Composition up = ComposeWith(r, R"({"transpose": 3})");
  ASSERT_EQ(up.notes.size(), plain.notes.size());
  for (size_t i = 0; i < plain.notes.size(); ++i) {
    const int shift = plain.notes[i].channel == kDrumChannel ? 0 : 3;
    EXPECT_EQ(up.notes[i].note, plain.notes[i].note + shift);
  }
}

TEST(ComposerTest, AdapterSwingDelaysOffbeatEighths) {
  RenderRequest r = Request("rock", 100, 8);
  Composition straight = ComposeWith(r, R"({"swing": 0})");
  Composition swung = ComposeWith(r, R"({"swing": 0.5})");
  const double beat = 60.0 * 44100 / 100;
  auto offbeat_phases = [&](const Composition& c) {
    std::vector<double> phases;
    for (const NoteEvent& n : c.notes) {
      if (n.channel != kDrumChannel || n.note != 42) continue;
      double phase = std::fmod(n.start_frame / beat, 1.0);
      if (phase > 0.1 && phase < 0.95) phases.push_back(phase);
    }
    return phases;
  };
  // Straight: the sixteenth grid. Swing 0.5 moves the off-beat eighth to
  // 0.75 of the beat and the sixteenths proportionally (0.375, 0.875). The
  // seed's feel may move the hats by up to 10 ms (0.017 beat here).
  auto near_one_of = [](double p, std::initializer_list<double> grid) {
    return std::any_of(grid.begin(), grid.end(), [&](double g) { return std::fabs(p - g) < 0.02; });
  };
  for (double p : offbeat_phases(straight)) EXPECT_TRUE(near_one_of(p, {0.25, 0.5, 0.75})) << p;
  auto swung_phases = offbeat_phases(swung);
  ASSERT_FALSE(swung_phases.empty());
  for (double p : swung_phases) EXPECT_TRUE(near_one_of(p, {0.375, 0.75, 0.875})) << p;
  EXPECT_TRUE(std::any_of(swung_phases.begin(), swung_phases.end(),
                          [](double p) { return std::fabs(p - 0.75) < 0.01; }));
}

TEST(ComposerTest, VelocityScaleAndDensityChangeTheEvents) {
  RenderRequest r = Request("pop", 110, 12);
  Composition plain = ComposeWith(r);
  Composition soft = ComposeWith(r, R"({"velocity_scale": 0.5})");
  auto mean_velocity = [](const Composition& c) {
    double sum = 0;
    for (const NoteEvent& n : c.notes) sum += n.velocity;
    return sum / c.notes.size();
  };
  EXPECT_LT(mean_velocity(soft), 0.6 * mean_velocity(plain));
  Composition dense = ComposeWith(r, R"({"note_density": 2.0})");
  Composition sparse = ComposeWith(r, R"({"note_density": 0.25})");
  EXPECT_GT(dense.notes.size(), plain.notes.size());
  EXPECT_LT(sparse.notes.size(), plain.notes.size());
}

// Average absolute interval of the lead line, in semitones.
double LeadLeapiness(const Composition& c) {
  int lead_channel = -1;
  for (const Part& p : c.parts) {
    if (p.role == PartRole::kLead) lead_channel = p.channel;
  }
  std::vector<int> notes;
  for (const NoteEvent& n : c.notes) {
    if (n.channel == lead_channel) notes.push_back(n.note);
  }
  double sum = 0;
  for (size_t i = 1; i < notes.size(); ++i) sum += std::abs(notes[i] - notes[i - 1]);
  return notes.size() > 1 ? sum / (notes.size() - 1) : 0;
}

TEST(ComposerTest, TemperatureWidensTheMelody) {
  double cold = 0, hot = 0;
  for (int seed = 0; seed < 12; ++seed) {
    RenderRequest r = Request("pop", 110, 20);
    r.params.seed = seed;
    r.params.temperature = 0.2;
    cold += LeadLeapiness(ComposeWith(r));
    r.params.temperature = 2.0;
    hot += LeadLeapiness(ComposeWith(r));
  }
  EXPECT_GT(hot, cold * 1.3) << "cold " << cold / 12 << " hot " << hot / 12;
}

TEST(ComposerTest, TopKOneIsGreedy) {
  // With a single candidate per choice the pitch line no longer depends on
  // the temperature.
  RenderRequest r = Request("pop", 110, 12);
  r.params.top_k = 1;
  r.params.temperature = 0.3;
  Composition cold = ComposeWith(r);
  r.params.temperature = 2.0;
  Composition hot = ComposeWith(r);
  auto lead_pitches = [](const Composition& c) {
    std::vector<int> pitches;
    for (const NoteEvent& n : c.notes) {
      if (n.channel == c.parts[0].channel) pitches.push_back(n.note);
    }
    return pitches;
  };
  ASSERT_EQ(cold.parts[0].role, PartRole::kLead);
  auto a = lead_pitches(cold);
  auto b = lead_pitches(hot);
  // Rhythm variation still follows the temperature; compare the common prefix
  // of the first phrase, where the rhythm is shared.
  size_t same = 0;
  while (same < std::min(a.size(), b.size()) && a[same] == b[same]) ++same;
  EXPECT_GE(same, 3u);
}

TEST(SampleCandidateTest, TopKAndTopPRestrictTheChoice) {
  const std::vector<double> logits = {0.0, 3.0, 1.0, 2.0};
  Rng rng(7);
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(SampleCandidate(logits, 1.0, 1, 0.0, rng), 1);
    int two = SampleCandidate(logits, 5.0, 2, 0.0, rng);
    EXPECT_TRUE(two == 1 || two == 3);
    // Index 1 alone holds ~64% of the mass at temperature 1.
    EXPECT_EQ(SampleCandidate(logits, 1.0, 100, 0.5, rng), 1);
  }
  std::set<int> seen;
  for (int i = 0; i < 400; ++i) seen.insert(SampleCandidate(logits, 2.0, 100, 0.0, rng));
  EXPECT_EQ(seen.size(), 4u);
}

TEST(RngTest, IsThePublishedSplitMix64) {
  // First outputs of splitmix64 seeded with 0 (Vigna's reference code).
  Rng rng(0);
  EXPECT_EQ(rng.NextU64(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(rng.NextU64(), 0x6e789e6aa1b965f4ULL);
}

// Every style of the vocabulary has a musical profile, and naming it picks it.
TEST(ComposerTest, EveryVocabularyStyleIsRecognisedByItsName) {
  for (const StyleInfo& info : AllStyles()) {
    Composition c = ComposeWith(Request(std::string(info.name), std::nullopt, 2));
    EXPECT_EQ(c.style, info.name);
    for (std::string_view keyword : info.keywords) {
      RenderRequest r = Request("", std::nullopt, 2);
      r.attributes.style = std::string(keyword);
      r.prompt_text = "something";
      // An earlier style's keyword may be part of this one's ("chill" in
      // "chill hop"); the first matching style in AllStyles() order wins.
      EXPECT_FALSE(ComposeWith(r).style.empty()) << keyword;
    }
  }
  RenderRequest r = Request("", std::nullopt, 2);
  r.attributes.style = "no such style";
  r.prompt_text = "something";
  EXPECT_EQ(ComposeWith(r).style, kFallbackStyle);
}

// The mood words lean the mode the way the vocabulary says.
TEST(ComposerTest, VocabularyMoodWordsLeanTheMode) {
  for (const MoodWord& m : AllMoodWords()) {
    if (m.mode == MoodWord::ModeLean::kNone) continue;
    RenderRequest r = Request("pop", 100, 2);
    r.prompt_text = "a piece";
    r.attributes.mood = std::string(m.word);
    const Mode mode = ComposeWith(r).mode;
    EXPECT_EQ(mode, m.mode == MoodWord::ModeLean::kMinor ? Mode::kMinor : Mode::kMajor) << m.word;
  }
}

}  // namespace
}  // namespace studio
