// Composer internals: the melody — bar rhythms thinned or filled by the
// density (composer/density.h), phrases drawn note by note with
// temperature/top_k/top_p, and the form's phrase letters (A verse, B chorus
// a step higher, C break, thinner), ending on a held tonic.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>
#include <utility>

#include "engine/composer/parts.h"
#include "engine/composer/theory.h"

namespace studio::composer_internal {
namespace {

struct MelodyNote {
  double beat;    // from the phrase start
  double length;
  int note;
  int velocity;
};

// Motifs of one bar in sixteenths: the steps a tune leans on. The density
// decides how many of them, and of the steps between, actually play.
const std::vector<std::vector<int>>& Motifs() {
  static const std::vector<std::vector<int>> kMotifs = {
      {0, 4, 8, 14}, {0, 6, 8, 12}, {0, 6, 8},     {0, 2, 4, 8, 12},
      {2, 4, 8, 10}, {0, 3, 6, 8},  {0, 8, 12},    {4, 8, 10, 12}};
  return kMotifs;
}

// A bar's rhythm: a motif plus one uniform draw per sixteenth. The draws are
// made at every density, so the steps kept at one density are kept at every
// higher one.
struct BarRhythm {
  int motif = 0;
  std::array<double, 16> u{};
};

BarRhythm DrawRhythm(Rng& rng) {
  BarRhythm r;
  r.motif = rng.NextBelow(static_cast<int>(Motifs().size()));
  for (double& u : r.u) u = rng.NextDouble();
  return r;
}

// {start, length} in sixteenths of the steps that play.
std::vector<std::pair<int, int>> Realise(const Context& ctx, const BarRhythm& r,
                                         double density_scale) {
  const std::vector<int>& motif = Motifs()[r.motif];
  std::vector<int> starts;
  for (int s = 0; s < 16; ++s) {
    const bool in_motif = std::find(motif.begin(), motif.end(), s) != motif.end();
    // Motif steps come first as the density rises, and go last as it falls.
    if (ctx.Plays(r.u[s], MetricLevel(s), density_scale, in_motif)) starts.push_back(s);
  }
  std::vector<std::pair<int, int>> out;
  for (size_t i = 0; i < starts.size(); ++i) {
    const int next = i + 1 < starts.size() ? starts[i + 1] : 16;
    out.emplace_back(starts[i], std::min(next - starts[i], 8));
  }
  return out;
}

std::vector<MelodyNote> ComposePhrase(const Context& ctx, int phrase_bars, int center, int low,
                                      int high, double density_scale, Rng& rng,
                                      Rng& rhythm_rng, int base_velocity) {
  // A two-bar motif repeats; higher temperature varies it more often. The
  // rhythm has its own stream: the pitch draws (as many as there are
  // notes) must not move the rhythm draws of later bars.
  const BarRhythm motif_a = DrawRhythm(rhythm_rng);
  const BarRhythm motif_b = DrawRhythm(rhythm_rng);
  const double vary = std::clamp(0.08 + 0.22 * ctx.temperature, 0.0, 0.7);

  std::vector<int> candidates;
  for (int n = std::max(low, center - 9); n <= std::min(high, center + 10); ++n) {
    candidates.push_back(n);
  }
  if (candidates.empty()) candidates.push_back(std::clamp(center, 0, 127));

  const bool minor = IsMinorLike(ctx.mode, ctx.minor_flavour);
  std::vector<MelodyNote> out;
  int prev = center;
  int prev_interval = 0;
  for (int bar = 0; bar < phrase_bars; ++bar) {
    const bool last_bar = bar == phrase_bars - 1;
    BarRhythm drawn = bar % 2 == 0 ? motif_a : motif_b;
    if (rhythm_rng.Chance(vary)) drawn = DrawRhythm(rhythm_rng);
    std::vector<std::pair<int, int>> rhythm = Realise(ctx, drawn, density_scale);
    // A phrase breathes out: its last bar ends on a long note.
    if (last_bar && phrase_bars > 1 && !rhythm.empty()) {
      while (rhythm.size() > 1 && rhythm.back().first >= 8) rhythm.pop_back();
      rhythm.back().second = 16 - rhythm.back().first;
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
        const int degree = ((c - ctx.key_root) % 12 + 12) % 12;
        const bool chord_tone =
            std::find(chord.pcs.begin(), chord.pcs.end(), pc) != chord.pcs.end();
        // A chord tone is in the scale by definition: the leading tone of
        // a minor key's dominant is one.
        const bool in_scale = chord_tone || ctx.IsMelodyTone(c);
        const int interval = c - prev;
        double score = -0.35 * std::abs(interval);
        if (std::abs(interval) > 7) score -= 1.0;
        if (chord_tone) score += strong ? 2.0 : 0.8;
        if (!in_scale) score -= strong ? 6.0 : 3.0;  // chromatic: passing notes only
        // Tonic, third and dominant on the strong beats establish the key
        // and its mode (a minor key's third is what tells it from its
        // parallel major).
        if (strong && degree == 0) score += 0.8;
        if (degree == (minor ? 3 : 4)) score += strong ? 1.0 : 0.4;
        if (strong && degree == 7) score += 0.3;
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
                 int center_shift, double density_scale, int base_velocity,
                 std::string_view tag) {
  auto [low, high] = RangeOf(e);
  const bool sustained = e.affinity == Affinity::kPad;
  // The middle of the instrument's own range, so that registers stay apart
  // (a piccolo sounds above a flute); kept a few notes inside the edges.
  int center = SafeClamp((low + high) / 2, low + 5, high - 5) + center_shift;
  std::map<char, std::vector<MelodyNote>> bank;
  Rng timing = ctx.Stream(std::string(tag) + ":timing");
  const int phrases = (ctx.bars + ctx.phrase_bars - 1) / ctx.phrase_bars;
  const int ending_from = ctx.bars - ctx.ending_bars;
  for (int p = 0; p < phrases; ++p) {
    const char letter = ctx.LetterOfPhrase(p);
    auto it = bank.find(letter);
    if (it == bank.end()) {
      Rng rng = ctx.Stream(std::string(tag) + ":" + letter);
      Rng rhythm_rng = ctx.Stream(std::string(tag) + ":rhythm:" + letter);
      // The chorus sits higher; the break plays half as many notes.
      const int c = letter == 'B' ? center + 4 : (letter == 'C' ? center - 2 : center);
      const double scale =
          density_scale * (sustained ? 0.5 : 1.0) * (letter == 'C' ? 0.5 : 1.0);
      it = bank.emplace(letter, ComposePhrase(ctx, ctx.phrase_bars, c, low, high, scale, rng,
                                              rhythm_rng, base_velocity))
               .first;
    }
    Rng vary = ctx.Stream(std::string(tag) + ":vary", p);
    // A returning phrase comes back with small changes.
    const double mutate = p < 2 ? 0.0 : 0.06 * ctx.temperature;
    const double phrase_start = p * ctx.phrase_bars * 4.0;
    for (const MelodyNote& m : it->second) {
      const double beat = phrase_start + m.beat;
      if (beat < ctx.intro_bars * 4.0 || beat >= ending_from * 4.0) continue;
      int note = m.note;
      if (vary.Chance(mutate)) {
        int step = vary.Chance(0.5) ? 1 : -1;
        do note += step;
        while (!ctx.IsMelodyTone(note));
        if (note < low || note > high) note = m.note;
      }
      const double legato = sustained ? 1.0 : 0.92;
      const double length = std::min(m.length * legato, ending_from * 4.0 - beat);
      score.Add(part.channel, part.program, note, ctx.Humanize(timing, m.velocity), beat, length,
                ctx.Jitter(timing));
    }
  }
  // The ending: the tonic, held to the end.
  if (ctx.ending_bars > 0) {
    const int tonic = NearestWithPc(ctx.key_root, center);
    score.Add(part.channel, part.program, SafeClamp(tonic, low, high), base_velocity, ending_from * 4.0,
              ctx.ending_bars * 4.0);
  }
}

}  // namespace studio::composer_internal
