// Composer internals: the melody — rhythm templates, phrases drawn note by
// note with temperature/top_k/top_p, and the A A B A form of the tune.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>

#include "engine/composer/parts.h"

namespace studio::composer_internal {
namespace {

struct MelodyNote {
  double beat;    // from the phrase start
  double length;
  int note;
  int velocity;
};

// Rhythm templates of one bar in sixteenths: {start, length}.
using Rhythm = std::vector<std::pair<int, int>>;

const std::vector<Rhythm>& RhythmsFor(double density) {
  static const std::vector<Rhythm> kSparse = {
      {{0, 8}, {8, 8}}, {{0, 12}, {12, 4}}, {{0, 16}}, {{0, 6}, {6, 10}}, {{4, 4}, {8, 8}}};
  static const std::vector<Rhythm> kMedium = {
      {{0, 4}, {4, 4}, {8, 6}, {14, 2}}, {{0, 6}, {6, 2}, {8, 4}, {12, 4}},
      {{0, 4}, {6, 2}, {8, 8}},          {{0, 2}, {2, 2}, {4, 4}, {8, 4}, {12, 4}},
      {{2, 2}, {4, 4}, {8, 2}, {10, 6}}, {{0, 3}, {3, 3}, {6, 2}, {8, 8}}};
  static const std::vector<Rhythm> kDense = {
      {{0, 2}, {2, 2}, {4, 2}, {6, 2}, {8, 2}, {10, 2}, {12, 4}},
      {{0, 1}, {1, 1}, {2, 2}, {4, 2}, {6, 2}, {8, 4}, {12, 2}, {14, 2}},
      {{0, 2}, {2, 1}, {3, 1}, {4, 4}, {8, 2}, {10, 2}, {12, 2}, {14, 2}},
      {{0, 3}, {3, 3}, {6, 2}, {8, 2}, {10, 2}, {12, 2}, {14, 2}}};
  if (density < 0.7) return kSparse;
  if (density < 1.3) return kMedium;
  return kDense;
}

const std::vector<Rhythm>& EndingRhythms() {
  static const std::vector<Rhythm> kEnd = {{{0, 4}, {4, 12}}, {{0, 16}}, {{0, 2}, {2, 2}, {4, 12}}};
  return kEnd;
}

std::vector<MelodyNote> ComposePhrase(const Context& ctx, int phrase_bars, int center, int low,
                                      int high, double density, Rng& rng, int base_velocity,
                                      bool sustained_voice) {
  const auto& rhythms = RhythmsFor(sustained_voice ? density * 0.5 : density);
  // A two-bar motif repeats; higher temperature varies it more often.
  Rhythm motif_a = rhythms[rng.NextBelow(static_cast<int>(rhythms.size()))];
  Rhythm motif_b = rhythms[rng.NextBelow(static_cast<int>(rhythms.size()))];
  const double vary = std::clamp(0.08 + 0.22 * ctx.temperature, 0.0, 0.7);

  std::vector<int> candidates;
  for (int n = std::max(low, center - 9); n <= std::min(high, center + 10); ++n) {
    candidates.push_back(n);
  }
  if (candidates.empty()) candidates.push_back(std::clamp(center, 0, 127));

  std::vector<MelodyNote> out;
  int prev = center;
  int prev_interval = 0;
  for (int bar = 0; bar < phrase_bars; ++bar) {
    const bool last_bar = bar == phrase_bars - 1;
    Rhythm rhythm = bar % 2 == 0 ? motif_a : motif_b;
    if (last_bar && phrase_bars > 1 && rng.Chance(0.7)) {
      rhythm = EndingRhythms()[rng.NextBelow(static_cast<int>(EndingRhythms().size()))];
    } else if (rng.Chance(vary)) {
      rhythm = rhythms[rng.NextBelow(static_cast<int>(rhythms.size()))];
    }
    const Chord& chord = ctx.ChordAt(bar);
    for (size_t i = 0; i < rhythm.size(); ++i) {
      const auto [start, length] = rhythm[i];
      const bool strong = start % 8 == 0;
      const bool phrase_end = last_bar && i + 1 == rhythm.size();
      std::vector<double> logits;
      logits.reserve(candidates.size());
      for (int c : candidates) {
        const int pc = ((c % 12) + 12) % 12;
        const bool chord_tone =
            std::find(chord.pcs.begin(), chord.pcs.end(), pc) != chord.pcs.end();
        const bool in_scale = ctx.IsMelodyTone(c);
        const int interval = c - prev;
        double score = -0.35 * std::abs(interval);
        if (std::abs(interval) > 7) score -= 1.0;
        if (chord_tone) score += strong ? 2.0 : 0.8;
        if (!in_scale) score -= strong ? 6.0 : 3.0;  // chromatic: passing notes only
        if (interval == 0) score -= 0.6;
        if (std::abs(prev_interval) > 4 && interval != 0 &&
            (interval > 0) != (prev_interval > 0)) {
          score += 1.0;  // a leap is answered by a step back
        }
        score -= 0.06 * std::abs(c - center);
        if (phrase_end) score += pc == chord.root_pc ? 2.5 : (chord_tone ? 0.8 : -2.0);
        logits.push_back(score);
      }
      int note = candidates[SampleCandidate(logits, ctx.temperature, ctx.top_k, ctx.top_p, rng)];
      prev_interval = note - prev;
      prev = note;
      int velocity = base_velocity + (strong ? 8 : 0);
      out.push_back({bar * 4.0 + start / 4.0, length / 4.0, note, velocity});
    }
  }
  return out;
}

}  // namespace

void WriteMelody(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
                 int center_shift, double density, int base_velocity, std::string_view tag) {
  auto [low, high] = RangeOf(e);
  const bool sustained = e.affinity == Affinity::kPad;
  // Melodies sit between A3 and A5 when the instrument can reach there.
  int center = SafeClamp((low + high) / 2, std::max(low, 57), std::min(high, 81)) + center_shift;
  // Phrases follow A A B A: the piece has a recognisable tune, and the
  // returning A comes back with small changes when temperature is high.
  std::map<char, std::vector<MelodyNote>> bank;
  Rng timing = ctx.Stream(std::string(tag) + ":timing");
  const int phrases = (ctx.bars + ctx.phrase_bars - 1) / ctx.phrase_bars;
  for (int p = 0; p < phrases; ++p) {
    const char letter = "AABA"[p % 4];
    auto it = bank.find(letter);
    if (it == bank.end()) {
      Rng rng = ctx.Stream(std::string(tag) + ":" + letter);
      int c = letter == 'B' ? center + 3 : center;
      it = bank.emplace(letter, ComposePhrase(ctx, ctx.phrase_bars, c, low, high, density, rng,
                                              base_velocity, sustained))
               .first;
    }
    Rng vary = ctx.Stream(std::string(tag) + ":vary", p);
    const double mutate = p < 2 ? 0.0 : 0.06 * ctx.temperature;
    const double phrase_start = p * ctx.phrase_bars * 4.0;
    for (const MelodyNote& m : it->second) {
      if (phrase_start + m.beat < ctx.intro_bars * 4.0) continue;
      int note = m.note;
      if (vary.Chance(mutate)) {
        int step = vary.Chance(0.5) ? 1 : -1;
        do note += step;
        while (!ctx.IsMelodyTone(note));
        if (note < low || note > high) note = m.note;
      }
      const double legato = sustained ? 1.0 : 0.92;
      score.Add(part.channel, part.program, note, ctx.Humanize(timing, m.velocity),
                phrase_start + m.beat, m.length * legato, ctx.Jitter(timing));
    }
  }
}

}  // namespace studio::composer_internal
