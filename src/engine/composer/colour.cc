// Composer internals: the colour parts — pad, arpeggio, counter-line, low
// line, breath — and the plucked pulse of drumless styles.
#include <algorithm>
#include <array>
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
// `aubio tempo`) feel the pulse. The seed chooses the line the beats walk
// (root and fifth, root held, up to the octave, down from it) and the
// pulse's figure: the steps between the beats where its soft notes fall
// first as the density grows (off-beat eighths, the "a" before each beat,
// a dotted skip, "and-a" pairs, a tresillo). Every step between the beats
// has its own draw (composer/density.h), so the pulse gains notes
// continuously with the density, nested, and seeds pulse differently.
void WritePulse(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e) {
  Rng rng = ctx.Stream("pulse");
  Rng pick = ctx.Stream("pulse:density");  // composer/density.h
  Rng figures = ctx.Stream("pulse:figure");
  // Intervals over the root of beats 1-4.
  static constexpr int kLines[4][4] = {{0, 7, 0, 7}, {0, 0, 7, 0}, {0, 7, 12, 7}, {12, 7, 0, 7}};
  static constexpr uint16_t kFigures[5] = {
      0x4444,  // steps 2, 6, 10, 14: off-beat eighths
      0x8888,  // 3, 7, 11, 15: the "a" before each beat
      0x4848,  // 3, 6, 11, 14: dotted skip
      0xCCCC,  // 2, 3, 6, 7, ...: "and-a" pairs
      0x4448,  // 3, 6, 10, 14: tresillo into the off-beats
  };
  const int* line = kLines[figures.NextBelow(4)];
  const uint16_t figure = kFigures[figures.NextBelow(5)];
  // The pulse is the drumless styles' rhythm section: its soft notes come
  // in sooner than the melody's as the density grows.
  constexpr double kPulseDensity = 1.3;
  const int low = std::max(e.low, 40);
  const int bars = static_cast<int>(std::ceil(score.total_beats() / 4.0));
  for (int bar = 0; bar < bars; ++bar) {
    std::array<double, 16> u;
    for (double& x : u) x = pick.NextDouble();
    // The ending rings out on its first beat.
    const bool ending = ctx.SectionAt(bar) == Section::kEnding;
    const int root = LowestAtOrAbove(ctx.ChordAt(bar).root_pc, low);
    auto fit = [&](int note) { return note > e.high ? note - 12 : note; };
    for (int s = 0; s < 16; ++s) {
      const int level = MetricLevel(s);
      const int beat_note = fit(root + line[s / 4]);
      const int velocity = s == 0 ? 114 : 102;
      if (level == 0) {
        if (ending && s != 0) continue;
        score.Add(part.channel, part.program, beat_note, ctx.Humanize(rng, velocity),
                  bar * 4.0 + s / 4.0, 0.6);
        continue;
      }
      // Soft notes between the beats, never as strong as the beat.
      if (ending || !ctx.Plays(u[s], level, kPulseDensity, ((figure >> s) & 1u) != 0)) continue;
      const int note = level == 1 ? (beat_note + 12 > e.high ? beat_note : beat_note + 12)
                                  : fit(root + (line[s / 4] == 7 ? 12 : 7));
      score.Add(part.channel, part.program, note, ctx.Humanize(rng, velocity - 16 - 6 * level),
                bar * 4.0 + s / 4.0, level == 1 ? 0.4 : 0.25);
    }
  }
}

}  // namespace studio::composer_internal
