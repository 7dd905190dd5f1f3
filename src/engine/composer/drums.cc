// Composer internals: the drums — grooves, count-in, fills, crashes, named
// drum pieces, taiko.
#include "engine/composer/drums.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <initializer_list>
#include <string_view>
#include <tuple>

namespace studio::composer_internal {
namespace {

constexpr int kKick = 36, kSnare = 38, kClosedHat = 42, kCrash = 49;

// What each kit plays for each role: GM percussion keys, chosen so that the
// kits differ in their notes as well as in their SoundFont program.
struct KitSounds {
  int kick, snare, clap, closed_hat, open_hat, crash, ride, side_stick;
  int accent;  // a kit's signature extra (808 cowbell, electronic tambourine); -1 none
  std::array<int, 4> toms;
};

// The kits' flavours: how a kit bends the style's groove.
enum class KitFlavour { kAcoustic, kElectronic, kLofi, k808, k909 };

KitFlavour FlavourOf(std::string_view kit) {
  if (kit == "909-drums") return KitFlavour::k909;
  if (kit == "808-drums") return KitFlavour::k808;
  if (kit == "electronic-drum-kit") return KitFlavour::kElectronic;
  if (kit == "lofi-drum-kit") return KitFlavour::kLofi;
  return KitFlavour::kAcoustic;
}

KitSounds SoundsOf(KitFlavour f) {
  switch (f) {
    case KitFlavour::kElectronic: return {36, 40, 39, 42, 46, 57, 59, 37, 54, {50, 48, 47, 45}};
    case KitFlavour::kLofi: return {36, 38, 39, 42, 46, 49, 51, 37, -1, {50, 48, 45, 41}};
    case KitFlavour::k808: return {35, 38, 39, 42, 46, 49, 51, 37, 56, {50, 47, 45, 43}};
    case KitFlavour::k909: return {36, 38, 39, 42, 46, 49, 51, 37, -1, {50, 48, 47, 45}};
    case KitFlavour::kAcoustic: break;
  }
  return {36, 38, 39, 42, 46, 49, 51, 37, -1, {50, 48, 45, 41}};
}

// Sixteenth-step masks (bit s = step s) of the grooves: several kick and
// snare figures per pattern, so that seeds (and sections) groove
// differently over the same style.
struct GrooveFigure {
  uint16_t kick;
  uint16_t snare;
  uint16_t ghost;  // soft snare notes
  // The tempos (bpm) at which the figure is idiomatic: the figures that move
  // the backbeat off two and four are kept to moderate tempos, where the
  // kick still makes every beat clear.
  double min_bpm = 0, max_bpm = 1000;
};

constexpr uint16_t Steps(std::initializer_list<int> steps) {
  uint16_t m = 0;
  for (int s : steps) m |= static_cast<uint16_t>(1u << s);
  return m;
}

const std::vector<GrooveFigure>& FiguresOf(DrumPattern p) {
  static const std::vector<GrooveFigure> kBackbeat = {
      {Steps({0, 8}), Steps({4, 12}), 0},
      {Steps({0, 2, 7, 10}), Steps({4, 12}), Steps({14})},
      {Steps({0, 5, 8, 13}), Steps({4, 12, 15}), 0},
      {Steps({0, 11, 14}), Steps({4, 12}), Steps({2, 7})},
      {Steps({0, 8, 10}), Steps({4, 12}), Steps({7})},
      {Steps({0, 6, 8}), Steps({4, 12}), Steps({15})},
      {Steps({0, 3, 8, 11}), Steps({4, 12}), Steps({6, 14})},
      {Steps({0, 10}), Steps({4, 12}), Steps({9})},
      // Motown: the snare on every beat over a skipping kick.
      {Steps({0, 8, 10}), Steps({0, 4, 8, 12}), Steps({7}), 80, 140},
      // The "pushed" backbeat: the second snare anticipated onto the and of
      // three and answered on four.
      {Steps({0, 8, 11}), Steps({4, 10, 12}), Steps({15}), 80, 150}};
  static const std::vector<GrooveFigure> kFour = {
      {Steps({0, 4, 8, 12}), Steps({4, 12}), 0},
      {Steps({0, 4, 8, 12, 14}), Steps({4, 12}), Steps({15})},
      {Steps({0, 4, 8, 11, 12}), Steps({4, 12}), Steps({7})}};
  static const std::vector<GrooveFigure> kBoomBap = {
      {Steps({0, 10}), Steps({4, 12}), 0},
      {Steps({0, 7, 10}), Steps({4, 12}), Steps({15})},
      {Steps({0, 3, 10}), Steps({4, 12}), Steps({9})},
      {Steps({0, 8, 11}), Steps({4, 12}), Steps({6})}};
  static const std::vector<GrooveFigure> kBreakbeat = {
      {Steps({0, 10}), Steps({4, 12}), Steps({7, 9})},
      {Steps({0, 2, 10}), Steps({4, 12}), Steps({15})},
      {Steps({0, 10, 11}), Steps({4, 12}), Steps({6})}};
  static const std::vector<GrooveFigure> kTrap = {
      {Steps({0, 7, 10}), Steps({4, 12}), 0},
      {Steps({0, 3, 10, 11}), Steps({4, 12}), 0},
      {Steps({0, 6, 8, 14}), Steps({4, 12}), Steps({15})}};
  static const std::vector<GrooveFigure> kShuffle = {
      {Steps({0, 8}), Steps({4, 12}), Steps({10})},
      {Steps({0, 6, 8}), Steps({4, 12}), Steps({14})}};
  static const std::vector<GrooveFigure> kSteppers = {
      {Steps({0, 4, 8, 12}), Steps({4, 12}), 0},
      {Steps({0, 4, 8, 12}), Steps({12}), Steps({6})}};
  switch (p) {
    case DrumPattern::kBackbeat: return kBackbeat;
    case DrumPattern::kFourOnFloor: return kFour;
    case DrumPattern::kBoomBap: return kBoomBap;
    case DrumPattern::kBreakbeat: return kBreakbeat;
    case DrumPattern::kTrap: return kTrap;
    case DrumPattern::kShuffle: return kShuffle;
    case DrumPattern::kSteppers: return kSteppers;
  }
  return kBackbeat;
}

bool Has(uint16_t mask, int step) { return (mask >> step) & 1u; }

// Hat figures: the steps the hats may play (each at its metrical level's
// chance, composer/density.h), so that seeds differ in feel — straight
// eighths, off-beats only, sixteenths, a skipping shaker figure, "and-a"
// pairs, quarters. The kick and the snare keep the beat whatever the hats do.
const std::vector<uint16_t>& HatFigures() {
  static const std::vector<uint16_t> kFigures = {
      Steps({0, 2, 4, 6, 8, 10, 12, 14}),
      Steps({2, 6, 10, 14}),
      Steps({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}),
      Steps({0, 3, 6, 8, 11, 14}),
      Steps({2, 3, 6, 7, 10, 11, 14, 15}),
      Steps({0, 4, 8, 12})};
  return kFigures;
}

// How the hats (or the ride) play in a section.
enum class HatMode { kClosed, kOpenOffbeats, kRide };

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
  Rng pick = ctx.Stream("drums:density");  // composer/density.h
  Rng groove = ctx.Stream("drums:groove");
  // The two-bar grooves, the chorus's lift and the feel: their own stream,
  // so that they leave the other groove draws where they were.
  Rng variation = ctx.Stream("drums:variation");
  const int phrases = (ctx.bars + ctx.phrase_bars - 1) / ctx.phrase_bars;
  const bool rotate_by_bar = setup.kits.size() > 1 && phrases < static_cast<int>(setup.kits.size());
  const double fill_chance = setup.toms ? 1.0 : std::clamp(0.3 + 0.3 * ctx.temperature, 0.0, 0.9);

  // The seed's grooves: one figure for the verses, another for the chorus,
  // and how the hats play in each.
  std::vector<GrooveFigure> figures;
  for (const GrooveFigure& f : FiguresOf(pattern)) {
    if (ctx.tempo_bpm >= f.min_bpm && ctx.tempo_bpm <= f.max_bpm) figures.push_back(f);
  }
  std::vector<double> prior;
  for (size_t i = 0; i < figures.size(); ++i) prior.push_back(-0.1 * i);
  const int verse_figure = SampleCandidate(prior, ctx.temperature, ctx.top_k, ctx.top_p, groove);
  int chorus_figure = SampleCandidate(prior, ctx.temperature, ctx.top_k, ctx.top_p, groove);
  if (figures.size() > 1 && chorus_figure == verse_figure) {
    chorus_figure = (verse_figure + 1) % static_cast<int>(figures.size());
  }
  // A groove of two bars: every second bar answers with another figure's
  // kick under the same backbeat.
  const int verse_answer =
      SampleCandidate(prior, ctx.temperature, ctx.top_k, ctx.top_p, variation);
  const int chorus_answer =
      SampleCandidate(prior, ctx.temperature, ctx.top_k, ctx.top_p, variation);
  // And each of the four bars (verse, chorus; first, second) adds a kick of
  // its own on an off-beat eighth, or none: seeds that drew the same figure
  // still kick differently.
  static constexpr int kPushes[] = {-1, 2, 6, 10, 14};
  std::array<int, 4> kick_push;
  for (int& p : kick_push) p = kPushes[variation.NextBelow(static_cast<int>(std::size(kPushes)))];
  const HatMode verse_hats = groove.Chance(0.5) ? HatMode::kClosed : HatMode::kOpenOffbeats;
  const HatMode chorus_hats = groove.Chance(0.5) ? HatMode::kRide : HatMode::kOpenOffbeats;
  const int hat_velocity = 60 + groove.NextBelow(24);
  const int hat_count = static_cast<int>(HatFigures().size());
  const uint16_t verse_hat_steps = HatFigures()[groove.NextBelow(hat_count)];
  const uint16_t chorus_hat_steps = HatFigures()[groove.NextBelow(hat_count)];
  // The verses' backbeat: the snare, the side stick or a clap (the chorus
  // always has the snare), and the seed's own balance of kick and snare.
  const int verse_backbeat = groove.NextBelow(3);
  const int kick_level = groove.NextBelow(16) - 8, snare_level = groove.NextBelow(16) - 10;
  // Whether the chorus layers a clap on its backbeat.
  const bool chorus_clap = variation.Chance(0.5);
  // How the chorus lifts: not at all, the kick on every beat, snare pickups
  // into every second bar, or an open hat on every off-beat (from 90 bpm:
  // slower, it would be heard as the beat).
  int chorus_lift = variation.NextBelow(4);
  if (chorus_lift == 3 && ctx.tempo_bpm < 90) chorus_lift = 0;
  // The seed's feel: the backbeat laid back behind the beat (or pushed
  // ahead of it) by a few milliseconds, the hats a little ahead or behind;
  // the kick stays on the beat, and the count-in is straight.
  // (From 8 ms ahead to 36 ms behind for the backbeat, 8 ms either way for
  // the hats, at moderate tempos; less when a sixteenth is short.)
  const double feel_scale = std::min(1.0, 120.0 / ctx.tempo_bpm);
  const double backbeat_feel = feel_scale * (-0.008 + 0.044 * variation.NextDouble());
  const double hat_feel = feel_scale * (-0.008 + 0.016 * variation.NextDouble());

  for (int bar = 0; bar < ctx.bars; ++bar) {
    std::array<double, 16> u;
    for (double& x : u) x = pick.NextDouble();
    const int phrase = bar / ctx.phrase_bars;
    const InstrumentEntry* kit =
        setup.kits.empty() ? nullptr
                           : setup.kits[(rotate_by_bar ? bar : phrase) % setup.kits.size()];
    const int program = kit == nullptr ? 0 : kit->sound.program;
    const KitFlavour flavour = kit == nullptr ? KitFlavour::kAcoustic : FlavourOf(kit->name);
    const KitSounds ks = SoundsOf(flavour);
    // The first bar of the intro counts in; a longer intro's further bars
    // are the verse's groove, the drums alone before the band comes in.
    const bool count_in = bar == 0 && ctx.SectionAt(bar) == Section::kIntro;
    const Section section =
        ctx.SectionAt(bar) == Section::kIntro && !count_in ? Section::kVerse : ctx.SectionAt(bar);
    const double b0 = bar * 4.0;
    const bool phrase_start = bar % ctx.phrase_bars == 0;
    const bool phrase_end = bar % ctx.phrase_bars == ctx.phrase_bars - 1;
    // Fills lead into the next phrase (or into the ending).
    const bool fill = phrase_end && section != Section::kIntro && bar + 1 < ctx.bars &&
                      rng.Chance(fill_chance);
    const int fill_shape = rng.NextBelow(4);
    // Steps of this bar with a kick: a backbeat on a kick stays with it (a
    // snare trailing a kick on two and four would split those beats from one
    // and three, and the bar would be heard as two slow beats).
    uint16_t kicked = 0;
    auto hit = [&](double step16, int note, int velocity) {
      double v = velocity * setup.intensity;
      const bool backbeat_sound = note == ks.snare || note == ks.clap || note == ks.side_stick;
      const bool hat_sound = note == ks.closed_hat || note == ks.open_hat || note == ks.ride;
      const bool on_kick = step16 == std::floor(step16) && Has(kicked, static_cast<int>(step16));
      const double feel = count_in || on_kick
                              ? 0.0
                              : (backbeat_sound ? backbeat_feel : (hat_sound ? hat_feel : 0.0));
      score.Add(kDrumChannel, program, note, ctx.Humanize(rng, static_cast<int>(v)),
                b0 + step16 / 4.0, 0.25, feel);
    };
    const int kick_boost = setup.kick_loud ? 12 : 0;
    const int snare_boost = setup.snare_loud ? 12 : 0;
    const int hat_boost = setup.hats_loud ? 12 : 0;
    const int fill_from = fill ? (fill_shape == 2 ? 8 : 12) : 16;
    auto kick = [&](int s, int v) { if (setup.kick && s < fill_from) hit(s, ks.kick, v + kick_boost); };
    auto snare = [&](int s, int v, int note) {
      if (setup.snare && s < fill_from) hit(s, note, v + snare_boost);
    };
    auto hat = [&](int s, int v, int note) {
      if (setup.hats && s < fill_from) hit(s, note, v + hat_boost);
    };

    if (count_in) {
      // Count-in: the pulse alone, every beat, before the groove's
      // subdivisions come in — in one of four ways, the seed's.
      for (int s = 0; s < 16; s += 4) {
        switch (ctx.intro_kind) {
          case 0:
            kick(s, s == 0 ? 112 : 100);
            if (s % 8 == 4) snare(s, 100, ks.snare);
            hat(s, 70, ks.closed_hat);
            break;
          case 1:
            hat(s, s == 0 ? 92 : 80, ks.closed_hat);
            if (s % 8 == 4) snare(s, 96, ks.side_stick);
            if (s == 0) kick(s, 104);
            break;
          case 2:
            if (s % 8 == 0) kick(s, 110);
            if (s % 8 == 4) snare(s, 104, ks.snare);
            hat(s + 2, 52, ks.closed_hat);
            break;
          default:
            hit(s, ks.toms[(s / 4) % 2 == 0 ? 1 : 2], s == 0 ? 104 : 94);
            if (s == 0) kick(s, 104);
            break;
        }
      }
      if (setup.cymbals) hit(0, ks.crash, 104);
      continue;
    }
    if (section == Section::kEnding) {
      // The last hit: kick and crash on the one, left to ring.
      kick(0, 116);
      if (setup.hats || setup.cymbals) hit(0, ks.crash, 108);
      continue;
    }
    const bool chorus = section == Section::kChorus;
    const bool brk = section == Section::kBreak;
    const GrooveFigure& fig = figures[chorus ? chorus_figure : verse_figure];
    const GrooveFigure& answer = figures[chorus ? chorus_answer : verse_answer];
    // The answer keeps the kick off the figure's snare hits.
    uint16_t kicks = bar % 2 == 1 ? (answer.kick & ~fig.snare) | Steps({0}) : fig.kick;
    const int push = kick_push[(chorus ? 2 : 0) + bar % 2];
    if (push >= 0 && !Has(fig.snare, push)) kicks |= static_cast<uint16_t>(1u << push);
    // The 909's four-on-the-floor is its signature, whatever the style.
    if (flavour == KitFlavour::k909 || (chorus && chorus_lift == 1)) kicks |= Steps({0, 4, 8, 12});
    if (!brk) kicked = kicks;
    uint16_t snares = fig.snare;
    if (chorus && chorus_lift == 2 && bar % 2 == 1) snares |= Steps({14, 15});
    const HatMode hats = chorus ? chorus_hats : verse_hats;
    // Fast pieces mark every beat alike: a backbeat much louder than the
    // kick beats would be heard as the beat, at half the tempo.
    const int backbeat = 104 - static_cast<int>(std::lround(
                                   24 * std::clamp((ctx.tempo_bpm - 130) / 70.0, 0.0, 1.0)));
    const double busy = chorus ? 1.3 : (brk ? 0.6 : 1.0);
    for (int s = 0; s < 16; ++s) {
      const int level = MetricLevel(s);
      // The break drops the kick and keeps the backbeat on the side stick.
      if (!brk && Has(kicks, s)) kick(s, (s % 8 == 0 ? 110 : 98) + kick_level);
      if (Has(snares, s)) {
        int note = pattern == DrumPattern::kTrap ? ks.clap : ks.snare;
        if (section == Section::kVerse && verse_backbeat == 1) note = ks.side_stick;
        if (section == Section::kVerse && verse_backbeat == 2) note = ks.clap;
        if (brk) note = ks.side_stick;
        snare(s, (Has(fig.snare, s) ? backbeat : 84) + snare_level, note);
        if ((flavour == KitFlavour::k909 || (chorus && chorus_clap)) && !brk) {
          hit(s, ks.clap, backbeat - 16);  // layered clap
        }
      }
      if (Has(fig.ghost, s) && ctx.Plays(u[s], 2, 1.0 + ctx.temperature * 0.5)) {
        snare(s, 46, flavour == KitFlavour::kLofi ? ks.side_stick : ks.snare);
      }
      // The hats: beats always, off-beats and sixteenths by the density.
      const double hat_scale = busy * (setup.hats_loud ? 1.6 : 1.0) *
                               (flavour == KitFlavour::kElectronic ? 1.25 : 1.0);
      // From 150 bpm the hats keep every beat whatever the figure: with a
      // breakbeat's sparse kick and snare the bar would be heard as the beat.
      const bool in_figure = Has(chorus ? chorus_hat_steps : verse_hat_steps, s) ||
                             (ctx.tempo_bpm >= 150 && level == 0);
      if (ctx.Plays(u[s], level, hat_scale, in_figure)) {
        const int v = level == 0 ? hat_velocity : hat_velocity - 14 - 6 * level;
        switch (hats) {
          case HatMode::kClosed: hat(s, v, ks.closed_hat); break;
          case HatMode::kOpenOffbeats:
            hat(s, s % 4 == 2 ? v + 6 : v, s % 4 == 2 ? ks.open_hat : ks.closed_hat);
            break;
          case HatMode::kRide:
            if (setup.hats && s < fill_from) hit(s, ks.ride, v + hat_boost);
            break;
        }
      }
      if (chorus && chorus_lift == 3 && s % 4 == 2) hat(s, hat_velocity - 4, ks.open_hat);
      if (ks.accent >= 0 && !brk && (s == 6 || s == 14) && ctx.Plays(u[s], 1, busy)) {
        hit(s, ks.accent, 64);
      }
    }
    if (pattern == DrumPattern::kTrap && bar % 2 == 1 && rng.Chance(0.4 * ctx.temperature)) {
      for (double s = 14; s < 16; s += 0.5) hat(static_cast<int>(s), 62, ks.closed_hat);  // roll
    }
    if (setup.cymbals) {
      for (int s = 0; s < 16; s += 4) hit(s, ks.ride, 80);
    }
    if ((setup.cymbals || setup.crash_on_phrases || chorus) && phrase_start && setup.hats) {
      hit(0, ks.crash, 104);
    }
    if (fill) {
      // Four fill shapes: snare run, toms down, eighth-note snare-and-toms
      // over the last two beats, and a kick-snare stutter.
      for (int s = fill_from; s < 16; ++s) {
        const int i = s - fill_from;
        switch (fill_shape) {
          case 0: hit(s, setup.toms ? ks.toms[i % 4] : ks.snare, 84 + 6 * i); break;
          case 1: hit(s, ks.toms[i % 4], 86 + 5 * i); break;
          case 2:
            if (s % 2 == 0) hit(s, i < 4 ? ks.snare : ks.toms[(i / 2) % 4], 80 + 3 * i);
            break;
          default: hit(s, s % 2 == 0 ? ks.kick : ks.snare, 88 + 4 * i); break;
        }
      }
    } else if (setup.toms && bar % 2 == 1) {
      hit(14, ks.toms[2], 92);
    }
  }
}

}  // namespace

void WriteTaiko(const Context& ctx, Score& score, const Part& part, bool requested) {
  Rng rng = ctx.Stream("taiko");
  Rng pick = ctx.Stream("taiko:density");  // composer/density.h
  const int boost = requested ? 8 : 0;
  for (int bar = 0; bar < ctx.bars; ++bar) {
    const double b0 = bar * 4.0;
    // Every beat, heavy on 1 and 3; the soft off-beat "ka" strokes come
    // with the density, and never outweigh the beat.
    const std::array<std::tuple<double, int, int>, 6> hits = {
        {{0, 43, 112}, {1, 48, 96}, {1.5, 48, 64}, {2, 43, 106}, {3, 48, 96}, {3.5, 48, 62}}};
    for (auto [beat, note, velocity] : hits) {
      const double u = pick.NextDouble();
      if (std::fmod(beat, 1.0) != 0 && !ctx.Plays(u, 1, 0.6)) continue;
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
