// Composer internals: the drums — grooves, count-in, fills, crashes, named
// drum pieces, taiko.
#include "engine/composer/drums.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <tuple>

namespace studio::composer_internal {
namespace {

constexpr int kKick = 36, kSideStick = 37, kSnare = 38, kClap = 39, kClosedHat = 42,
              kPedalHat = 44, kOpenHat = 46, kCrash = 49, kRide = 51;
constexpr std::array<int, 4> kFillToms = {50, 48, 45, 41};

struct DrumSetup {
  std::vector<const InstrumentEntry*> kits;  // empty: pieces only
  bool kick = true, snare = true, hats = true;
  bool kick_loud = false, snare_loud = false, hats_loud = false;
  bool cymbals = false, toms = false;
  bool crash_on_phrases = false;
  double intensity = 1.0;  // below 1 for a kit nobody asked for
};

void WriteDrums(const Context& ctx, Score& score, const DrumSetup& setup, DrumPattern pattern) {
  Rng rng = ctx.Stream("drums");
  const int phrases = (ctx.bars + ctx.phrase_bars - 1) / ctx.phrase_bars;
  const bool rotate_by_bar = setup.kits.size() > 1 && phrases < static_cast<int>(setup.kits.size());
  const double d = ctx.density;
  const double fill_chance = setup.toms ? 1.0 : std::clamp(0.2 + 0.25 * ctx.temperature, 0.0, 0.8);
  for (int bar = 0; bar < ctx.bars; ++bar) {
    const int phrase = bar / ctx.phrase_bars;
    const int program =
        setup.kits.empty()
            ? 0
            : setup.kits[(rotate_by_bar ? bar : phrase) % setup.kits.size()]->sound.program;
    const double b0 = bar * 4.0;
    const bool phrase_start = bar % ctx.phrase_bars == 0;
    const bool phrase_end = bar % ctx.phrase_bars == ctx.phrase_bars - 1;
    // Fills lead into the next phrase; the last bar just keeps time to the end.
    const bool fill = phrase_end && bar > 0 && bar + 1 < ctx.bars && rng.Chance(fill_chance);
    auto hit = [&](double step16, int note, int velocity) {
      double v = velocity * setup.intensity;
      score.Add(kDrumChannel, program, note, ctx.Humanize(rng, static_cast<int>(v)),
                b0 + step16 / 4.0, 0.25);
    };
    const int kick_boost = setup.kick_loud ? 12 : 0;
    const int snare_boost = setup.snare_loud ? 12 : 0;
    const int hat_boost = setup.hats_loud ? 12 : 0;
    auto kick = [&](double s, int v) { if (setup.kick) hit(s, kKick, v + kick_boost); };
    auto snare = [&](double s, int v, int note = kSnare) {
      if (setup.snare && !(fill && s >= 12)) hit(s, note, v + snare_boost);
    };
    auto hat = [&](double s, int v, int note = kClosedHat) {
      if (setup.hats && !(fill && s >= 12)) hit(s, note, v + hat_boost);
    };
    // Hat subdivision follows density; a requested hi-hat plays sixteenths.
    const int hat_step = setup.hats_loud || d > 1.4 ? 1 : (d < 0.6 ? 4 : 2);

    if (bar < ctx.intro_bars) {
      // Count-in: the pulse alone, before the groove's subdivisions come in,
      // at the level a listener (and a beat tracker) will keep feeling it
      // through the piece: every beat in the middle range, every other beat
      // for very fast tempos, eighths for very slow ones.
      if (ctx.tempo_bpm >= 160) {
        kick(0, 112);
        kick(8, 108);
      } else {
        for (int s = 0; s < 16; s += 4) {
          kick(s, s % 8 == 0 ? 112 : 100);
          if (s % 8 == 4) snare(s, 100);
          hat(s, 70);
          if (ctx.tempo_bpm <= 75) hat(s + 2, 62);
        }
      }
      if (setup.cymbals) hit(0, kCrash, 104);
      continue;
    }
    switch (pattern) {
      case DrumPattern::kBackbeat:
        kick(0, 108);
        kick(8, 100);
        if (rng.Chance(0.2 + 0.15 * ctx.temperature)) kick(10, 84);
        snare(4, 104);
        snare(12, 104);
        for (int s = 0; s < 16; s += hat_step) hat(s, s % 4 == 0 ? 78 : 60);
        break;
      case DrumPattern::kFourOnFloor:
        for (int s = 0; s < 16; s += 4) kick(s, 112);
        snare(4, 92, kClap);
        snare(12, 92, kClap);
        for (int s = 2; s < 16; s += 4) hat(s, 78, kOpenHat);
        if (hat_step <= 2) {
          for (int s = 1; s < 16; s += 2) hat(s, 48);
        }
        break;
      case DrumPattern::kBoomBap:
        kick(0, 110);
        kick(10, 96);
        if (rng.Chance(0.3)) kick(7, 80);
        snare(4, 104);
        snare(12, 104);
        if (rng.Chance(0.25 * ctx.temperature)) snare(15, 50);
        for (int s = 0; s < 16; s += hat_step) hat(s, s % 4 == 0 ? 74 : 56);
        break;
      case DrumPattern::kBreakbeat:
        kick(0, 112);
        kick(10, 104);
        snare(4, 110);
        snare(12, 110);
        if (rng.Chance(0.3 * ctx.temperature)) snare(7, 52);
        if (rng.Chance(0.3 * ctx.temperature)) snare(9, 48);
        for (int s = 0; s < 16; s += std::max(hat_step, 2)) hat(s, s % 4 == 0 ? 76 : 58);
        break;
      case DrumPattern::kTrap:
        kick(0, 112);
        kick(7, 96);
        kick(10, 100);
        snare(4, 100, kClap);
        snare(12, 100, kClap);
        for (int s = 0; s < 16; s += std::min(hat_step, 2)) hat(s, s % 4 == 0 ? 76 : 58);
        if (bar % 2 == 1 && rng.Chance(0.4 * ctx.temperature)) {
          for (double s = 14; s < 16; s += 0.5) hat(s, 62);  // hat roll
        }
        break;
      case DrumPattern::kShuffle:
        kick(0, 96);
        kick(8, 88);
        snare(4, 92);
        snare(12, 92);
        for (int s = 0; s < 16; s += 4) hit(s, kRide, 84);
        for (int s = 2; s < 16; s += 8) hit(s + 4, kRide, 62);  // the swung skip note
        hat(4, 66, kPedalHat);
        hat(12, 66, kPedalHat);
        break;
      case DrumPattern::kSteppers:
        for (int s = 0; s < 16; s += 4) kick(s, 100);
        snare(4, 96, kSideStick);
        snare(12, 96, kSideStick);
        for (int s = 0; s < 16; s += std::max(hat_step, 2)) hat(s, s % 4 == 0 ? 70 : 58);
        break;
    }
    if (setup.cymbals) {
      for (int s = 0; s < 16; s += 4) hit(s, kRide, 80);
    }
    if ((setup.cymbals || setup.crash_on_phrases) && phrase_start) hit(0, kCrash, 104);
    if (fill) {
      for (int i = 0; i < 4; ++i) {
        int note = setup.toms ? kFillToms[i] : kSnare;
        hit(12 + i, note, 84 + 6 * i);
      }
    } else if (setup.toms && bar % 2 == 1) {
      hit(14, kFillToms[2], 92);
    }
  }
}

}  // namespace

void WriteTaiko(const Context& ctx, Score& score, const Part& part, bool requested) {
  Rng rng = ctx.Stream("taiko");
  const int boost = requested ? 8 : 0;
  for (int bar = 0; bar < ctx.bars; ++bar) {
    const double b0 = bar * 4.0;
    // Every beat, heavy on 1 and 3; the off-beat "ka" strokes only when the
    // piece is dense, so that they never outweigh the beat.
    const std::array<std::tuple<double, int, int>, 6> hits = {
        {{0, 43, 112}, {1, 48, 96}, {1.5, 48, 64}, {2, 43, 106}, {3, 48, 96}, {3.5, 48, 62}}};
    for (auto [beat, note, velocity] : hits) {
      if (ctx.density < 1.2 && std::fmod(beat, 1.0) != 0) continue;
      score.Add(part.channel, part.program, note, ctx.Humanize(rng, velocity + boost), b0 + beat,
                0.9);
    }
  }
}

void WriteDrumPart(const Context& ctx, Score& score, const Arrangement& arr, DrumPattern pattern,
                   std::vector<Part>* parts) {
  const bool no_kit = arr.kits.empty();
  DrumSetup setup;
  setup.kits = arr.kits;
  if (no_kit) {
    // A drumless style with only some pieces named plays just those pieces.
    setup.kick = setup.snare = setup.hats = false;
  }
  for (const InstrumentEntry* piece : arr.pieces) {
    switch (piece->sound.drum_note) {
      case kKick: setup.kick = setup.kick_loud = true; break;
      case kSnare: setup.snare = setup.snare_loud = true; break;
      case kClosedHat: setup.hats = setup.hats_loud = true; break;
      case kCrash: setup.cymbals = true; break;
      default: setup.toms = true; break;
    }
  }
  setup.intensity = arr.kit_requested || !arr.pieces.empty() ? 1.0 : 0.9;
  setup.crash_on_phrases = arr.kit_requested;
  Part drums;
  drums.instrument = std::string(no_kit ? arr.pieces[0]->name : arr.kits[0]->name);
  drums.role = PartRole::kDrums;
  drums.channel = kDrumChannel;
  drums.bank = kDrumKitBank;
  drums.program = no_kit ? 0 : arr.kits[0]->sound.program;
  drums.volume = 112;
  drums.pan = 64;
  drums.requested = arr.kit_requested || !arr.pieces.empty();
  drums.release_offset = 0;  // kit pieces are one-shots with their own decay
  parts->push_back(drums);
  WriteDrums(ctx, score, setup, pattern);
}

}  // namespace studio::composer_internal
