// Composer internals: the chords — comping patterns (sustain, quarters,
// stabs, laid-back, arpeggio, strum, power chords) over the progression.
#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "engine/composer/parts.h"
#include "engine/composer/theory.h"

namespace studio::composer_internal {

// Four-note figures over a chord voicing. Four, not three: a three-note
// cycle of eighths repeats every 1.5 beats and pulls the felt (and the
// detected) beat away from the tempo.
std::vector<int> ArpeggioFigure(const std::vector<int>& voicing, int shape) {
  const int lo = voicing.front();
  const int mid = voicing.size() > 1 ? voicing[1] : lo + 7;
  const int hi = voicing.size() > 2 ? voicing[2] : lo + 12;
  const int top = voicing.size() > 3 ? voicing[3] : lo + 12;
  switch (shape % 4) {
    case 0: return {lo, hi, mid, hi};   // Alberti
    case 1: return {lo, mid, hi, top};  // rising
    case 2: return {lo, mid, hi, mid};  // up and back
    default: return {lo, lo + 12, hi, mid + 12};
  }
}

CompStyle CompFor(const StyleProfile& style, const InstrumentEntry& e) {
  if (e.name == "electric-guitar-distorted") return CompStyle::kPowerChords;
  if (e.affinity == Affinity::kPluck) return CompStyle::kArpeggio;
  if (e.affinity == Affinity::kPad) return CompStyle::kSustain;
  if (e.name == "acoustic-guitar" && style.comp != CompStyle::kArpeggio) return CompStyle::kStrum;
  if (style.comp == CompStyle::kPowerChords) return CompStyle::kQuarters;
  return style.comp;
}

void WriteChords(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
                 CompStyle comp, int base_velocity, int first_bar) {
  Rng rng = ctx.Stream("chords");
  auto [low, high] = RangeOf(e);
  const int center = SafeClamp(e.name.find("guitar") != std::string_view::npos ? 57 : 62,
                               low + 6, high - 6);
  const double d = ctx.density;
  const CompStyle groove = comp;
  for (int bar = first_bar; bar < ctx.bars; ++bar) {
    // The intro holds the chord and leaves the rhythm to the beat.
    const bool intro = bar < ctx.intro_bars;
    comp = intro && groove != CompStyle::kPowerChords ? CompStyle::kSustain : groove;
    const Chord& chord = ctx.ChordAt(bar);
    const double b0 = bar * 4.0;
    std::vector<int> voicing = Voicing(chord.pcs, center);
    auto hit = [&](double beat, double length, int velocity, double stagger_s, bool up = false) {
      double jitter = ctx.Jitter(rng);
      for (size_t i = 0; i < voicing.size(); ++i) {
        size_t idx = up ? voicing.size() - 1 - i : i;
        score.Add(part.channel, part.program, voicing[idx], ctx.Humanize(rng, velocity),
                  b0 + beat, length, jitter + stagger_s * i);
      }
    };
    switch (comp) {
      case CompStyle::kSustain:
        // Held until the chord changes: a re-struck pad only piles up voices
        // (and CPU) in its long release.
        if (bar == first_bar || bar % ctx.bars_per_chord == 0) {
          const int limit =
              groove == CompStyle::kSustain ? ctx.bars : std::max(ctx.intro_bars, bar + 1);
          hit(0, ctx.BarsOfSameChord(bar, limit) * 4.0 - 0.05, base_velocity - 6, 0);
        }
        break;
      case CompStyle::kQuarters: {
        const double step = d < 0.7 ? 2.0 : (d > 1.4 ? 0.5 : 1.0);
        for (double b = 0; b < 4; b += step)
          hit(b, step * 0.85, base_velocity + (b == 0 ? 8 : 0), 0);
        break;
      }
      case CompStyle::kOffbeatStabs: {
        for (double b = 0.5; b < 4; b += 1.0) hit(b, 0.3, base_velocity, 0);
        if (d > 1.1) {
          hit(0.75, 0.2, base_velocity - 12, 0);
          hit(2.75, 0.2, base_velocity - 12, 0);
        }
        break;
      }
      case CompStyle::kLaidBack:
        if (d < 0.7) {
          hit(0, 3.9, base_velocity, 0.015);
        } else {
          hit(0, 1.9, base_velocity, 0.015);
          hit(rng.Chance(0.5) ? 2.5 : 2.0, 1.4, base_velocity - 8, 0.015);
        }
        break;
      case CompStyle::kArpeggio: {
        const std::vector<int> figure = ArpeggioFigure(voicing, rng.NextBelow(4));
        const double step = d < 0.7 ? 1.0 : (d > 1.4 ? 0.25 : 0.5);
        int i = 0;
        for (double b = 0; b < 4 - 1e-9; b += step, ++i) {
          const bool on_beat = std::fmod(b, 1.0) == 0;
          score.Add(part.channel, part.program, figure[i % figure.size()],
                    ctx.Humanize(rng, base_velocity + (on_beat ? 10 : -10)), b0 + b, step * 1.6,
                    ctx.Jitter(rng));
        }
        break;
      }
      case CompStyle::kStrum: {
        // Down, down-up, up-down-up: the campfire pattern.
        const std::array<std::pair<double, bool>, 6> strokes = {
            {{0, false}, {1, false}, {1.5, true}, {2.5, true}, {3, false}, {3.5, true}}};
        for (auto [beat, up] : strokes) {
          if (d < 0.7 && std::fmod(beat, 1.0) != 0) continue;
          hit(beat, 0.9, base_velocity - (up ? 10 : 0), 0.012, up);
        }
        break;
      }
      case CompStyle::kPowerChords: {
        int root = LowestAtOrAbove(chord.root_pc, std::max(low, 40));
        std::vector<int> power = {root, root + 7, root + 12};
        const double step = d < 0.7 || intro ? 1.0 : 0.5;  // the intro chugs on the beat
        for (double b = 0; b < 4; b += step) {
          for (int n : power) {
            score.Add(part.channel, part.program, n,
                      ctx.Humanize(rng, base_velocity + (std::fmod(b, 1.0) == 0 ? 10 : 0)),
                      b0 + b, step * 0.8);
          }
        }
        break;
      }
    }
  }
}

}  // namespace studio::composer_internal
