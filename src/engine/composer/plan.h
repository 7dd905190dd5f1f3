// Composer internals: the plan of the piece — tempo, mode and key, the chord
// progression, the form (bars, phrases, intro) and the sampling parameters,
// held in a Context that every part writer reads. The choices are drawn, in
// this order, from one "choices" stream: tempo, mode, key, progression.
//
// Thread-safety: pure functions.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/vocabulary.h"
#include "engine/adapter_style.h"
#include "engine/composer.h"
#include "engine/composer/density.h"
#include "engine/composer/prompt.h"
#include "engine/composer/random.h"
#include "engine/composer/score.h"
#include "engine/composer/tables.h"
#include "engine/composer/theory.h"
#include "engine/engine.h"

namespace studio::composer_internal {

// The form of a piece: what each bar is part of. Sections differ in what
// the band plays (composer.h, "form").
enum class Section {
  kIntro,   // the groove counts in; the melody waits
  kVerse,   // phrase letter A
  kChorus,  // letter B: busier drums, denser comping, the tune a step higher
  kBreak,   // letter C: the kick drops out, comping holds, the tune thins
  kEnding,  // the last bar: a cadence onto the tonic, held
};

struct Context {
  const StyleProfile* style;
  Mode mode;
  bool minor_flavour;
  int key_root;
  std::vector<Chord> progression;  // one per chord slot
  Chord tonic, dominant;           // for cadences; the dominant is major in minor keys
  int bars_per_chord = 1;
  int bars = 0;
  int phrase_bars = 4;
  // The melody enters after this many bars. The opening bar belongs to the
  // groove: a listener (and a beat tracker) finds the beat before the tune
  // starts competing with it.
  int intro_bars = 0;
  int ending_bars = 0;           // the last bars, a held tonic
  int intro_kind = 0;            // how the intro counts in (0..3): drums, bass and chords follow it
  std::string phrase_letters;    // one letter per phrase: A, B or C
  double tempo_bpm = 120;
  double temperature = 1.0;
  int top_k = 250;
  double top_p = 0;
  double density = 1.0;  // style x adapter
  uint64_t seed = 0;
  std::vector<int> melody_steps;  // pitch classes relative to key

  // The chord of `bar`: the progression's, except that the form ends on a
  // cadence — the dominant in the bar before the ending, the tonic in it.
  const Chord& ChordAt(int bar) const {
    if (ending_bars > 0 && bar >= bars - ending_bars) return tonic;
    if (ending_bars > 0 && bar == bars - ending_bars - 1) return dominant;
    return progression[(bar / bars_per_chord) % progression.size()];
  }
  const Chord& ChordAfter(int bar) const { return ChordAt(bar + 1); }
  // Bars from `bar` (inclusive) until the chord changes, at most until `limit`.
  int BarsOfSameChord(int bar, int limit) const {
    int n = 1;
    while (bar + n < limit && (bar + n) % bars_per_chord != 0 &&
           &ChordAt(bar + n) == &ChordAt(bar)) {
      ++n;
    }
    return n;
  }
  char LetterOfPhrase(int phrase) const {
    return phrase_letters.empty() ? 'A' : phrase_letters[phrase % phrase_letters.size()];
  }
  // The first bar after `bar` that belongs to another section (or bars).
  int SectionEnd(int bar) const {
    int end = bar + 1;
    while (end < bars && SectionAt(end) == SectionAt(bar)) ++end;
    return end;
  }
  Section SectionAt(int bar) const {
    if (bar < intro_bars) return Section::kIntro;
    if (ending_bars > 0 && bar >= bars - ending_bars) return Section::kEnding;
    switch (LetterOfPhrase(bar / phrase_bars)) {
      case 'B': return Section::kChorus;
      case 'C': return Section::kBreak;
      default: return Section::kVerse;
    }
  }
  Rng Stream(std::string_view tag, uint64_t salt = 0) const {
    return Rng(Mix(seed, Fnv1a(tag) + salt));
  }
  // See composer/density.h.
  bool Plays(double u, int level, double density_scale = 1.0, bool in_figure = true) const {
    return NotePlays(u, level, in_figure, density * density_scale, tempo_bpm);
  }
  int Humanize(Rng& rng, int velocity) const {
    double spread = 2 + 4 * temperature;
    return velocity + static_cast<int>(std::lround((rng.NextDouble() * 2 - 1) * spread));
  }
  double Jitter(Rng& rng) const { return (rng.NextDouble() * 2 - 1) * 0.004 * temperature; }
  bool IsMelodyTone(int note) const {
    int rel = ((note - key_root) % 12 + 12) % 12;
    return std::find(melody_steps.begin(), melody_steps.end(), rel) != melody_steps.end();
  }
};

// The seed of the piece: a hash of (params.seed, sample_index) mixed with
// the normalized prompt text. A hash, not seed + index: sample 1 of seed 7
// must not be sample 0 of seed 8.
uint64_t MixedSeed(const RenderRequest& request, const std::string& text);

// attributes.tempo, else "N bpm" in the text, else the style's tempo nudged
// by energy words (one draw from `choices`); times the adapter's
// tempo_scale, clamped to limits::kTempo.
double ChooseTempo(const RenderRequest& request, const AdapterStyle& adapter,
                   const PromptReading& prompt, Rng& choices);

struct Tonality {
  Mode mode = Mode::kMajor;
  bool minor_flavour = false;  // the mood (or style) leans minor
  int key_root = 0;            // pitch class of the tonic, 0 = C
};
// The adapter's mode, else the text's key, else mood words, else the style's,
// else a draw; the text's key root, else a draw.
Tonality ChooseModeAndKey(const RenderRequest& request, const AdapterStyle& adapter,
                          const PromptReading& prompt, Rng& choices);

// A Context with the key, the sampling parameters, the density and the
// chord progression (one SampleCandidate draw from `choices`); the form is
// left to PlanForm.
Context PlanHarmony(const RenderRequest& request, const AdapterStyle& adapter,
                    const StyleProfile& style, const Tonality& tonality, uint64_t seed,
                    Rng& choices);

// Bars per chord, phrase length, bar count, intro and ending, and the
// phrase letters (a form drawn from the "form" stream with the temperature:
// low values repeat more, high ones bring a break) of a piece as long as
// `score` at tempo_bpm.
void PlanForm(const Score& score, double tempo_bpm, Context* ctx);

}  // namespace studio::composer_internal
