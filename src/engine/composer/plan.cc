// Composer internals: the plan of the piece — seed, tempo, mode and key,
// chord progression, form.
#include "engine/composer/plan.h"

#include "domain/limits.h"

namespace studio::composer_internal {

uint64_t MixedSeed(const RenderRequest& request, const std::string& text) {
  const uint64_t base = Mix(Mix(static_cast<uint64_t>(request.params.seed), 0x5eedULL),
                            Mix(static_cast<uint64_t>(request.sample_index), Fnv1a("sample")));
  return Mix(base, Fnv1a(text));
}

double ChooseTempo(const RenderRequest& request, const AdapterStyle& adapter,
                   const PromptReading& prompt, Rng& choices) {
  const std::string& text = prompt.text;
  const std::string& mood_text = prompt.mood_text;
  const StyleProfile& style = *prompt.style;
  double tempo;
  if (request.attributes.tempo) {
    tempo = *request.attributes.tempo;
  } else if (auto bpm = ParseBpm(text)) {
    tempo = *bpm;
  } else {
    const std::string words = mood_text + text;
    const int energy = CountWords(words, FastWords()) - CountWords(words, SlowWords());
    tempo = style.tempo * (1.0 + 0.06 * std::clamp(energy, -2, 2));
    tempo += choices.NextBelow(5) - 2;  // samples of one style are not all at one tempo
  }
  const double min_tempo = limits::kTempo.min, max_tempo = limits::kTempo.max;
  return std::clamp(
      std::round(std::clamp(tempo, min_tempo, max_tempo) * adapter.tempo_scale * 100) / 100,
      min_tempo, max_tempo);
}

Tonality ChooseModeAndKey(const RenderRequest& request, const AdapterStyle& adapter,
                          const PromptReading& prompt, Rng& choices) {
  const std::string& text = prompt.text;
  const std::string& mood_text = prompt.mood_text;
  const StyleProfile& style = *prompt.style;
  const int minor_votes = 2 * CountWords(mood_text, MinorWords()) + CountWords(text, MinorWords());
  const int major_votes = 2 * CountWords(mood_text, MajorWords()) + CountWords(text, MajorWords());
  const std::optional<KeyHint> key_hint = ParseKey(request.prompt_text);
  Mode mode;
  if (adapter.mode) {
    mode = *ParseModeName(*adapter.mode);
  } else if (key_hint && key_hint->mode) {
    mode = *key_hint->mode;
  } else if (minor_votes > major_votes) {
    mode = Mode::kMinor;
  } else if (major_votes > minor_votes) {
    mode = Mode::kMajor;
  } else if (style.mode) {
    mode = *style.mode;
  } else {
    mode = choices.Chance(0.5) ? Mode::kMajor : Mode::kMinor;
  }
  const bool minor_flavour = minor_votes > major_votes ||
                             (minor_votes == major_votes && style.mode &&
                              IsMinorLike(*style.mode, false));
  Tonality tonality;
  tonality.mode = mode;
  tonality.minor_flavour = minor_flavour;
  tonality.key_root = key_hint ? key_hint->root : choices.NextBelow(12);
  return tonality;
}

Context PlanHarmony(const RenderRequest& request, const AdapterStyle& adapter,
                    const StyleProfile& style, const Tonality& tonality, uint64_t seed,
                    Rng& choices) {
  const Mode mode = tonality.mode;
  const bool minor_flavour = tonality.minor_flavour;
  Context ctx;
  ctx.style = &style;
  ctx.mode = mode;
  ctx.minor_flavour = minor_flavour;
  ctx.key_root = tonality.key_root;
  ctx.temperature =
      std::clamp(request.params.temperature, limits::kTemperature.min, limits::kTemperature.max);
  ctx.top_k = std::max(1, request.params.top_k);
  ctx.top_p = std::clamp(request.params.top_p, limits::kTopP.min, limits::kTopP.max);
  // No clamp: any clamp would make note_density flat over part of its range.
  ctx.density = style.density * adapter.note_density;
  ctx.seed = seed;
  for (int s : MelodyScale(mode, minor_flavour)) ctx.melody_steps.push_back(s);
  {
    const auto progressions = ProgressionsFor(mode, minor_flavour, style);
    std::vector<double> prior;
    for (size_t i = 0; i < progressions.size(); ++i) prior.push_back(-0.5 * i);
    const auto& degrees =
        progressions[SampleCandidate(prior, ctx.temperature, ctx.top_k, ctx.top_p, choices)];
    const auto scale = ScaleSteps(mode, minor_flavour);
    const bool sevenths = style.sevenths;
    for (int d : degrees) ctx.progression.push_back(TriadOn(ctx.key_root, scale, d, sevenths));
    // Cadence chords. In a minor key the dominant takes the harmonic
    // minor's leading tone (a major V): that half step up to the tonic is
    // what makes a listener (and a key finder) hear minor, not its
    // relative major.
    // (Pentatonic pieces keep their five notes.)
    ctx.tonic = TriadOn(ctx.key_root, scale, 0, sevenths);
    ctx.dominant = TriadOn(ctx.key_root, scale, 4, false);
    if (IsMinorLike(mode, minor_flavour) && mode != Mode::kPentatonic) {
      ctx.dominant.pcs[1] = (ctx.key_root + 11) % 12;
      for (Chord& c : ctx.progression) {
        if (c.root_pc == ctx.dominant.root_pc) c = ctx.dominant;
      }
    }
  }
  return ctx;
}

void PlanForm(const Score& score, double tempo_bpm, Context* ctx) {
  ctx->bars_per_chord = tempo_bpm >= 140 ? 2 : 1;
  ctx->phrase_bars = static_cast<int>(ctx->progression.size()) * ctx->bars_per_chord;
  ctx->bars = std::max(1, static_cast<int>(std::ceil(score.total_beats() / 4.0 - 1e-9)));
  ctx->tempo_bpm = tempo_bpm;
  Rng form = ctx->Stream("form");
  // About two seconds of intro (at least a bar) when the piece is long
  // enough to spare it; the seed may double it.
  {
    const double bar_seconds = 240.0 / tempo_bpm;
    int wanted = std::max(1, static_cast<int>(std::lround(2.0 / bar_seconds)));
    if (form.Chance(0.25)) wanted *= 2;
    ctx->intro_kind = form.NextBelow(4);
    ctx->intro_bars = ctx->bars >= 4 ? std::min(wanted, ctx->bars / 4) : 0;
  }
  // The last bar ends the piece when there is room for a body before it
  // (and the bar is long enough to hear the chord land).
  ctx->ending_bars = ctx->bars >= 5 ? 1 : 0;
  // Phrase letters: A verse, B chorus, C break. Drawn as a whole form,
  // temperature deciding how adventurous it is.
  static const char* const kForms[] = {"ABAB", "AABA", "ABAC", "AABB", "ABCB", "ABBA", "ACAB"};
  std::vector<double> prior;
  for (size_t i = 0; i < std::size(kForms); ++i) prior.push_back(-0.35 * i);
  ctx->phrase_letters = kForms[SampleCandidate(prior, ctx->temperature, ctx->top_k, 0, form)];
}

}  // namespace studio::composer_internal
