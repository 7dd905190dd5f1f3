// Composer internals: the chords — comping patterns (sustain, quarters,
// stabs, laid-back, arpeggio, strum, power chords) over the progression.
#include <algorithm>
#include <array>
#include <cmath>
#include <initializer_list>
#include <utility>
#include <vector>

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
  // One uniform draw per sixteenth of every bar, whatever the density
  // (composer/density.h): its own stream, so the humanising draws never
  // move it.
  Rng pick = ctx.Stream("chords:density");
  auto [low, high] = RangeOf(e);
  const int center = SafeClamp(e.name.find("guitar") != std::string_view::npos ? 57 : 62,
                               low + 6, high - 6);
  const CompStyle groove = comp;
  const int shape = rng.NextBelow(4);
  const int figure = ctx.Stream("chords:figure").NextBelow(5);
  const bool minor = IsMinorLike(ctx.mode, ctx.minor_flavour) && ctx.mode != Mode::kPentatonic;
  for (int bar = first_bar; bar < ctx.bars; ++bar) {
    std::array<double, 16> u;
    for (double& x : u) x = pick.NextDouble();
    const Section section = ctx.SectionAt(bar);
    // The intro and the break hold the chord and leave the rhythm to the
    // beat; the ending holds the tonic; the chorus comps busier.
    // (An intro of kind 1 already chops the chords on the beat, one of
    // kind 3 leaves them out.)
    if (section == Section::kIntro && ctx.intro_kind == 3) continue;
    const bool held = (section == Section::kIntro && ctx.intro_kind != 1) ||
                      section == Section::kBreak || section == Section::kEnding;
    comp = held && groove != CompStyle::kPowerChords ? CompStyle::kSustain : groove;
    const double busy = section == Section::kChorus ? 1.35 : 1.0;
    auto plays = [&](int step) { return step == 0 || ctx.Plays(u[step], MetricLevel(step), busy); };
    const Chord& chord = ctx.ChordAt(bar);
    const double b0 = bar * 4.0;
    std::vector<int> voicing = Voicing(chord.pcs, center);
    // In a minor key the chords (but the dominant) double their third an
    // octave up: the minor third and sixth are what a listener (and a key
    // finder) needs to hear over the overtones of the low roots, whose
    // fifth harmonic is a major third.
    const bool doubles_third = minor && chord.root_pc != ctx.dominant.root_pc && chord.pcs.size() > 1;
    if (doubles_third) voicing.push_back(NearestWithPc(chord.pcs[1], center + 12));
    auto hit = [&](double beat, double length, int velocity, double stagger_s, bool up = false) {
      double jitter = ctx.Jitter(rng);
      for (size_t i = 0; i < voicing.size(); ++i) {
        size_t idx = up ? voicing.size() - 1 - i : i;
        score.Add(part.channel, part.program, voicing[idx], ctx.Humanize(rng, velocity),
                  b0 + beat, length, jitter + stagger_s * i);
      }
    };
    // The steps of this bar that play, among `candidates`, each held until
    // the next one (times `legato`).
    auto pattern = [&](std::initializer_list<int> candidates, double legato, auto&& play) {
      std::vector<int> steps;
      for (int step : candidates) {
        if (plays(step)) steps.push_back(step);
      }
      for (size_t i = 0; i < steps.size(); ++i) {
        const int next = i + 1 < steps.size() ? steps[i + 1] : 16;
        play(steps[i], (next - steps[i]) / 4.0 * legato, i);
      }
    };
    switch (comp) {
      case CompStyle::kSustain:
        // Held until the chord or the section changes: a re-struck pad only
        // piles up voices (and CPU) in its long release.
        if (bar == first_bar || bar % ctx.bars_per_chord == 0 || ctx.SectionAt(bar - 1) != section ||
            &ctx.ChordAt(bar - 1) != &chord) {
          const int limit = groove == CompStyle::kSustain ? ctx.bars : ctx.SectionEnd(bar);
          hit(0, ctx.BarsOfSameChord(bar, limit) * 4.0 - 0.05, base_velocity - 6, 0);
        }
        break;
      case CompStyle::kQuarters: {
        const auto play = [&](int s, double len, size_t) {
          hit(s / 4.0, len, base_velocity + (s == 0 ? 8 : (s % 4 == 0 ? 0 : -8)), 0);
        };
        // The seed's comping figure: eighths, quarters, a 3-3-2 skip, a
        // push onto the and of two, or off-beat eighths.
        switch (figure) {
          case 0: pattern({0, 2, 4, 6, 8, 10, 12, 14, 3, 11}, 0.85, play); break;
          case 1: pattern({0, 4, 8, 12, 14}, 0.85, play); break;
          case 2: pattern({0, 3, 6, 8, 11, 14}, 0.85, play); break;
          case 3: pattern({0, 6, 8, 14, 10}, 0.85, play); break;
          default: pattern({0, 2, 6, 10, 14, 12}, 0.85, play); break;
        }
        break;
      }
      case CompStyle::kOffbeatStabs:
        // The off-beats are the style: they play as beats do.
        for (int s : {2, 6, 10, 14}) {
          if (ctx.Plays(u[s], 0, busy)) hit(s / 4.0, 0.3, base_velocity, 0);
        }
        for (int s : {3, 11}) {
          if (ctx.Plays(u[s], 2, busy)) hit(s / 4.0, 0.2, base_velocity - 12, 0);
        }
        break;
      case CompStyle::kLaidBack:
        pattern({0, 8, 10, 14}, 0.95, [&](int s, double len, size_t) {
          hit(s / 4.0, len, base_velocity - (s == 0 ? 0 : 8), 0.015);
        });
        break;
      case CompStyle::kArpeggio: {
        const std::vector<int> figure = ArpeggioFigure(voicing, shape);
        pattern({0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15}, 1.6,
                [&](int s, double len, size_t i) {
                  score.Add(part.channel, part.program, figure[i % figure.size()],
                            ctx.Humanize(rng, base_velocity + (s % 4 == 0 ? 10 : -10)),
                            b0 + s / 4.0, std::min(len, 2.0), ctx.Jitter(rng));
                });
        break;
      }
      case CompStyle::kStrum: {
        // Down, down-up, up-down-up: the campfire pattern.
        for (int s : {0, 4, 6, 10, 12, 14}) {
          const bool up = s % 4 != 0;
          if (plays(s)) hit(s / 4.0, 0.9, base_velocity - (up ? 10 : 0), 0.012, up);
        }
        break;
      }
      case CompStyle::kPowerChords: {
        int root = LowestAtOrAbove(chord.root_pc, std::max(low, 40));
        std::vector<int> power = {root, root + 7, root + 12};
        // Sad and dark rock still says minor: the third rides on top.
        if (doubles_third) power.push_back(NearestWithPc(chord.pcs[1], root + 15));
        // The intro chugs on the beat; the ending rings out.
        const bool beat_only = section == Section::kIntro;
        if (section == Section::kEnding) {
          for (int n : power) score.Add(part.channel, part.program, n, base_velocity + 10, b0, 4.0);
          break;
        }
        for (int s = 0; s < 16; s += 2) {
          if (beat_only ? s % 4 != 0 : !plays(s)) continue;
          for (int n : power) {
            score.Add(part.channel, part.program, n,
                      ctx.Humanize(rng, base_velocity + (s % 4 == 0 ? 10 : 0)), b0 + s / 4.0,
                      0.4);
          }
        }
        break;
      }
    }
  }
}

}  // namespace studio::composer_internal
