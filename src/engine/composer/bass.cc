// Composer internals: the bass — root eighths, root-fifth, off-beats,
// boom-bap, walking, sustained, pulsing and syncopated lines.
#include <algorithm>
#include <utility>
#include <vector>

#include "engine/composer/parts.h"
#include "engine/composer/theory.h"

namespace studio::composer_internal {

void WriteBass(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
               BassStyle style, int base_velocity) {
  Rng rng = ctx.Stream("bass");
  Rng pick = ctx.Stream("bass:density");  // composer/density.h
  const int low = std::max(e.low, 33);
  const double passing = 0.08 * ctx.temperature;
  // The seed's own bass figures, one for the verses and one for the chorus
  // (kStyle keeps the style's line): seeds groove differently.
  Rng figures = ctx.Stream("bass:figure");
  const int verse_figure = figures.NextBelow(4), chorus_figure = figures.NextBelow(4);
  for (int bar = 0; bar < ctx.bars; ++bar) {
    const double u_odd = pick.NextDouble();
    const bool minor_tonic = IsMinorLike(ctx.mode, ctx.minor_flavour) &&
                             ctx.mode != Mode::kPentatonic && &ctx.ChordAt(bar) != &ctx.dominant &&
                             ctx.ChordAt(bar).root_pc == ctx.key_root;
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
    if (section == Section::kIntro && style != BassStyle::kSustained) {
      // The intro's kind (ctx.intro_kind): pulsing with the kick, resting,
      // holding the root, or pulsing on one and three.
      if (ctx.intro_kind == 1) continue;
      bar_style = ctx.intro_kind == 2 ? BassStyle::kSustained : BassStyle::kPulsing;
      if (ctx.intro_kind == 3) {
        n(0, 1.9, root, 8);
        n(2, 1.9, root);
        continue;
      }
    }
    if (section == Section::kBreak || section == Section::kEnding) bar_style = BassStyle::kSustained;
    const int figure = section == Section::kChorus ? chorus_figure : verse_figure;
    const bool figured = figure > 0 && (section == Section::kVerse || section == Section::kChorus) &&
                         bar_style != BassStyle::kSustained && bar_style != BassStyle::kWalking;
    if (figured) {
      // {step, note: 0 root, 1 fifth (the minor third over a minor tonic),
      // 2 octave, 3 approach to the next chord}.
      static const std::vector<std::vector<std::pair<int, int>>> kFigures = {
          {},
          {{0, 0}, {3, 0}, {8, 1}, {11, 0}, {14, 3}},
          {{0, 0}, {6, 2}, {10, 1}, {14, 3}},
          {{0, 0}, {7, 0}, {8, 1}, {12, 2}, {15, 3}}};
      const auto& f = kFigures[figure];
      const int answer = minor_tonic && chord.pcs.size() > 1 ? NearestWithPc(chord.pcs[1], root + 3)
                                                             : fifth;
      for (size_t i = 0; i < f.size(); ++i) {
        const auto [step, which] = f[i];
        if (step % 4 != 0 && i + 1 < f.size() && !ctx.Plays(u_odd, MetricLevel(step))) continue;
        const int next = i + 1 < f.size() ? f[i + 1].first : 16;
        const int note = which == 0 ? maybe(root) : which == 1 ? answer : which == 2 ? octave : approach;
        n(step / 4.0, (next - step) / 4.0 * 0.9, note, step == 0 ? 8 : 0);
      }
      continue;
    }
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
        // Over a minor key's tonic the line answers with the minor third.
        n(2, 1.45, minor_tonic && chord.pcs.size() > 1 ? NearestWithPc(chord.pcs[1], root + 3) : fifth,
          4);
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
