// Composer internals: the colour parts — pad, arpeggio, counter-line, low
// line, breath — and the plucked pulse of drumless styles.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/composer/parts.h"
#include "engine/composer/theory.h"

namespace studio::composer_internal {

void WritePad(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
              int base_velocity, int bar_from, int bar_to, std::string_view tag) {
  Rng rng = ctx.Stream(tag);
  const int center = SafeClamp(64, e.low + 6, e.high - 6);
  if (bar_to < 0) bar_to = ctx.bars;
  for (int bar = bar_from; bar < bar_to;) {
    const int bars = ctx.BarsOfSameChord(bar, bar_to);
    // A triad: GM pads layer several samples per note, and a fourth note
    // costs more CPU than it adds colour under a sustained wash.
    std::vector<int> triad = ctx.ChordAt(bar).pcs;
    triad.resize(std::min<size_t>(triad.size(), 3));
    for (int note : Voicing(triad, center)) {
      score.Add(part.channel, part.program, note, ctx.Humanize(rng, base_velocity), bar * 4.0,
                bars * 4.0);
    }
    bar += bars;
  }
}

void WriteArpeggio(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
                   int base_velocity, int bar_from, int bar_to, std::string_view tag) {
  Rng rng = ctx.Stream(tag);
  const int center = SafeClamp(72, e.low + 6, e.high - 6);
  Rng pick = ctx.Stream(std::string(tag) + ":density");  // composer/density.h
  const int shape = rng.NextBelow(4);
  for (int bar = bar_from; bar < bar_to; ++bar) {
    const std::vector<int> figure = ArpeggioFigure(Voicing(ctx.ChordAt(bar).pcs, center), shape);
    std::vector<int> steps;
    for (int s = 0; s < 16; ++s) {
      const double u = pick.NextDouble();
      if (s == 0 || ctx.Plays(u, MetricLevel(s))) steps.push_back(s);
    }
    for (size_t i = 0; i < steps.size(); ++i) {
      int note = figure[i % figure.size()];
      if (note > e.high) note -= 12;
      const int next = i + 1 < steps.size() ? steps[i + 1] : 16;
      score.Add(part.channel, part.program, note,
                ctx.Humanize(rng, base_velocity + (steps[i] % 4 == 0 ? 8 : 0)),
                bar * 4.0 + steps[i] / 4.0, std::min(2.0, (next - steps[i]) / 4.0 * 1.5),
                ctx.Jitter(rng));
    }
  }
}

void WriteCounterLine(const Context& ctx, Score& score, const Part& part,
                      const InstrumentEntry& e, int base_velocity, int bar_from, int bar_to,
                      std::string_view tag) {
  Rng rng = ctx.Stream(tag);
  const int center = SafeClamp((e.low + e.high) / 2, e.low + 4, e.high - 4);
  int prev = center;
  for (int bar = bar_from; bar < bar_to; ++bar) {
    const Chord& chord = ctx.ChordAt(bar);
    for (double b : {0.0, 2.0}) {
      // Long notes on chord tones other than the root: they colour the
      // harmony without competing with the lead's rhythm.
      std::vector<int> candidates;
      std::vector<double> logits;
      for (int n = std::max(e.low, center - 7); n <= std::min(e.high, center + 7); ++n) {
        int pc = ((n % 12) + 12) % 12;
        bool tone = std::find(chord.pcs.begin(), chord.pcs.end(), pc) != chord.pcs.end();
        if (!tone && !ctx.IsMelodyTone(n)) continue;
        candidates.push_back(n);
        logits.push_back((tone ? 1.5 : 0) + (pc == chord.root_pc ? -0.5 : 0) -
                         0.4 * std::abs(n - prev));
      }
      if (candidates.empty()) continue;
      int note = candidates[SampleCandidate(logits, ctx.temperature, ctx.top_k, ctx.top_p, rng)];
      prev = note;
      score.Add(part.channel, part.program, note, ctx.Humanize(rng, base_velocity), bar * 4.0 + b,
                1.9, ctx.Jitter(rng));
    }
  }
}

void WriteLowLine(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
                  int base_velocity, int bar_from, int bar_to, std::string_view tag) {
  Rng rng = ctx.Stream(tag);
  for (int bar = bar_from; bar < bar_to; ++bar) {
    const Chord& chord = ctx.ChordAt(bar);
    int root = LowestAtOrAbove(chord.root_pc, std::max(e.low, 36) + 5);
    score.Add(part.channel, part.program, root, ctx.Humanize(rng, base_velocity), bar * 4.0, 1.9);
    score.Add(part.channel, part.program, root + 7, ctx.Humanize(rng, base_velocity - 6),
              bar * 4.0 + 2, 1.9);
  }
}

void WriteBreath(const Context& ctx, Score& score, const Part& part, int base_velocity,
                 int bar_from, int bar_to, std::string_view tag) {
  Rng rng = ctx.Stream(tag);
  for (int bar = bar_from; bar < bar_to; ++bar) {
    if (bar % 2 != 0 && bar_to - bar_from > 1) continue;
    int note = 60 + ctx.ChordAt(bar).root_pc;
    score.Add(part.channel, part.program, note, ctx.Humanize(rng, base_velocity), bar * 4.0 + 0.5,
              1.5);
  }
}

// A plucked note on every beat: drumless styles still let a listener (and
// `aubio tempo`) feel the pulse.
void WritePulse(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e) {
  Rng rng = ctx.Stream("pulse");
  Rng pick = ctx.Stream("pulse:density");  // composer/density.h
  const int low = std::max(e.low, 40);
  const int beats = static_cast<int>(std::ceil(score.total_beats()));
  for (int beat = 0; beat < beats; ++beat) {
    const Chord& chord = ctx.ChordAt(beat / 4);
    int root = LowestAtOrAbove(chord.root_pc, low);
    int note = beat % 2 == 0 ? root : root + 7;
    if (note > e.high) note -= 12;
    int velocity = beat % 4 == 0 ? 114 : 102;
    const double u = pick.NextDouble();
    // The ending rings out on its first beat.
    if (ctx.SectionAt(beat / 4) == Section::kEnding && beat % 4 != 0) continue;
    score.Add(part.channel, part.program, note, ctx.Humanize(rng, velocity), beat, 0.6);
    // Soft off-beat eighths come with the density, never as strong as the beat.
    if (ctx.Plays(u, 1)) {
      score.Add(part.channel, part.program, note + 12 > e.high ? note : note + 12,
                ctx.Humanize(rng, velocity - 22), beat + 0.5, 0.4);
    }
  }
}

}  // namespace studio::composer_internal
