// Composer internals: the bass — root eighths, root-fifth, off-beats,
// boom-bap, walking, sustained, pulsing and syncopated lines.
#include <algorithm>

#include "engine/composer/parts.h"
#include "engine/composer/theory.h"

namespace studio::composer_internal {

void WriteBass(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
               BassStyle style, int base_velocity) {
  Rng rng = ctx.Stream("bass");
  Rng pick = ctx.Stream("bass:density");  // composer/density.h
  const int low = std::max(e.low, 33);
  const double passing = 0.08 * ctx.temperature;
  for (int bar = 0; bar < ctx.bars; ++bar) {
    const double u_odd = pick.NextDouble();
    const Chord& chord = ctx.ChordAt(bar);
    const int root = LowestAtOrAbove(chord.root_pc, low);
    const int fifth = root + 7;
    const int octave = root + 12;
    const int next_root = LowestAtOrAbove(ctx.ChordAfter(bar).root_pc, low);
    const int approach = next_root + (next_root > root ? -1 : (next_root < root ? 1 : 2));
    const double b0 = bar * 4.0;
    auto n = [&](double beat, double length, int note, int velocity_offset = 0) {
      score.Add(part.channel, part.program, note,
                ctx.Humanize(rng, base_velocity + velocity_offset), b0 + beat, length);
    };
    auto maybe = [&](int note) {
      return rng.Chance(passing) ? (rng.Chance(0.5) ? fifth : octave) : note;
    };
    // In the intro the bass marks the beats with the drums (see WriteDrums);
    // the break and the ending hold the root.
    const Section section = ctx.SectionAt(bar);
    BassStyle bar_style = style;
    if (section == Section::kIntro && style != BassStyle::kSustained) bar_style = BassStyle::kPulsing;
    if (section == Section::kBreak || section == Section::kEnding) bar_style = BassStyle::kSustained;
    switch (bar_style) {
      case BassStyle::kRootEighths: {
        // The off-beat eighths thin out with the density, all together.
        const bool odd = ctx.Plays(u_odd, 1);
        for (int i = 0; i < 8; ++i) {
          if (i % 2 == 1 && !odd) continue;
          int note = i == 7 && rng.Chance(0.5) ? approach : maybe(root);
          n(i * 0.5, odd ? 0.45 : 0.95, note, i % 2 == 0 ? 6 : 0);
        }
        break;
      }
      case BassStyle::kRootFifth:
        n(0, 1.45, root, 8);
        n(1.5, 0.45, root);
        n(2, 1.45, fifth, 4);
        n(3.5, 0.45, rng.Chance(0.5) ? approach : octave);
        break;
      case BassStyle::kOffbeat:
        for (int i = 0; i < 4; ++i)
          n(i + 0.5, 0.4, i == 3 && rng.Chance(0.4) ? octave : maybe(root), 4);
        break;
      case BassStyle::kBoomBap:
        n(0, 1.5, root, 8);
        n(1.75, 0.5, root);
        n(2.5, 1.0, rng.Chance(0.5) || octave > e.high ? fifth : octave);
        n(3.5, 0.45, approach, -6);
        break;
      case BassStyle::kWalking: {
        const int third = NearestWithPc(chord.pcs.size() > 1 ? chord.pcs[1] : root, root + 4);
        const int fifth_tone =
            NearestWithPc(chord.pcs.size() > 2 ? chord.pcs[2] : root + 7, root + 7);
        n(0, 0.95, root, 8);
        n(1, 0.95, rng.Chance(0.5) ? third : fifth_tone);
        n(2, 0.95, rng.Chance(0.5) ? fifth_tone : octave);
        n(3, 0.95, approach);
        break;
      }
      case BassStyle::kSustained:
        n(0, section == Section::kEnding ? 4.0 * ctx.ending_bars : 3.9, root, 4);
        break;
      case BassStyle::kPulsing:
        for (int beat = 0; beat < 4; ++beat) {
          n(beat, 0.9, beat == 2 && rng.Chance(0.3) ? fifth : root, beat == 0 ? 8 : 0);
        }
        break;
      case BassStyle::kSyncopated:
        n(0, 0.7, root, 10);
        n(0.75, 0.25, octave, -10);
        n(1.5, 0.45, root);
        n(2, 0.45, octave, 2);
        n(2.75, 0.25, fifth, -6);
        n(3.5, 0.45, approach);
        break;
    }
  }
}

}  // namespace studio::composer_internal
