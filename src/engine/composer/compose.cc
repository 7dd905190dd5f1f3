// The composer's public entry points (engine/composer.h): Compose() as a row
// of named steps — read the prompt, seed, choose tempo, mode and key, plan
// the harmony and the form, arrange the band, write the parts, the drums,
// then assemble the score — and the small public lookups. Each step lives
// in its own file of src/engine/composer/; the random choices are drawn in
// the order of the steps.
#include "engine/composer.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "domain/limits.h"
#include "domain/vocabulary.h"
#include "engine/composer/arrangement.h"
#include "engine/composer/band.h"
#include "engine/composer/drums.h"
#include "engine/composer/plan.h"
#include "engine/composer/prompt.h"
#include "engine/composer/random.h"
#include "engine/composer/score.h"
#include "engine/composer/tables.h"

namespace studio {

using namespace composer_internal;

namespace {

int ClampNote(int note) {
  while (note > 127) note -= 12;
  while (note < 0) note += 12;
  return note;
}

// Exactly the requested duration (clamped to limits::kDuration), in frames.
int64_t FramesToCompose(const RenderRequest& request, int sample_rate) {
  const int duration = std::clamp(request.params.duration, static_cast<int>(limits::kDuration.min),
                                  static_cast<int>(limits::kDuration.max));
  return static_cast<int64_t>(duration) * sample_rate;
}

// Texture effects and the mix: the adapter's reverb/chorus, else the style's.
void SetEffectsAndMix(const Arrangement& arr, const AdapterStyle& adapter,
                      const StyleProfile& style, Composition* out) {
  out->effects = arr.effects;
  out->reverb = adapter.reverb.value_or(style.reverb);
  out->chorus = adapter.chorus.value_or(style.chorus);
}

// The score's notes, transposed and in their final order.
std::vector<NoteEvent> AssembleNotes(Score& score, const AdapterStyle& adapter) {
  // Transpose pitched parts; drum keys name sounds, not pitches.
  std::vector<NoteEvent> notes = std::move(score.notes());
  for (NoteEvent& n : notes) {
    if (n.channel != kDrumChannel) n.note = ClampNote(n.note + adapter.transpose);
  }
  std::sort(notes.begin(), notes.end(), [](const NoteEvent& a, const NoteEvent& b) {
    if (a.start_frame != b.start_frame) return a.start_frame < b.start_frame;
    if (a.channel != b.channel) return a.channel < b.channel;
    if (a.note != b.note) return a.note < b.note;
    if (a.end_frame != b.end_frame) return a.end_frame < b.end_frame;
    if (a.velocity != b.velocity) return a.velocity < b.velocity;
    return a.program < b.program;
  });
  return notes;
}

}  // namespace

// ---------------------------------------------------------------------------
// Public

const char* PartRoleName(PartRole role) {
  switch (role) {
    case PartRole::kLead: return "lead";
    case PartRole::kChords: return "chords";
    case PartRole::kBass: return "bass";
    case PartRole::kPad: return "pad";
    case PartRole::kDrums: return "drums";
    case PartRole::kPercussion: return "percussion";
    case PartRole::kPulse: return "pulse";
    case PartRole::kColor: return "color";
  }
  return "color";
}

std::optional<InstrumentSound> SoundForInstrument(std::string_view name) {
  if (FindInstrument(name) == nullptr) return std::nullopt;
  const InstrumentEntry* e = FindEntry(name);
  if (e == nullptr) return std::nullopt;
  return e->sound;
}

Composition Compose(const RenderRequest& request, const AdapterStyle& adapter, int sample_rate) {
  Composition out;
  out.sample_rate = sample_rate;
  out.total_frames = FramesToCompose(request, sample_rate);

  const PromptReading prompt = ReadPrompt(request);
  const StyleProfile& style = *prompt.style;
  out.style = std::string(style.name);

  out.seed = MixedSeed(request, prompt.text);
  Rng choices(Mix(out.seed, Fnv1a("choices")));
  out.tempo_bpm = ChooseTempo(request, adapter, prompt, choices);
  const Tonality tonality = ChooseModeAndKey(request, adapter, prompt, choices);
  out.mode = tonality.mode;
  out.key_root = tonality.key_root;
  Context ctx = PlanHarmony(request, adapter, style, tonality, out.seed, choices);

  // The seed's feel: straight, or a touch of shuffle on top of the style's
  // own swing — seeds differ in where the off-beats fall, not only in what
  // plays. An adapter's swing replaces both.
  {
    Rng feel(Mix(out.seed, Fnv1a("feel")));
    out.swing = adapter.swing.value_or(std::min(0.5, style.swing + 0.2 * feel.NextDouble()));
  }
  // Energy 0.5 closes the filters by three octaves, 1.0 leaves them open;
  // above 1 the harder velocities brighten the presets that respond.
  out.filter_offset_cents =
      static_cast<int>(std::lround(-3600 * std::clamp(1.0 - adapter.velocity_scale, 0.0, 0.5) * 2));
  Score score(out.tempo_bpm, out.swing, sample_rate, out.total_frames, adapter.velocity_scale);
  PlanForm(score, out.tempo_bpm, &ctx);

  const Arrangement arr = Arrange(request, adapter, style, prompt.text);
  SetEffectsAndMix(arr, adapter, style, &out);
  WriteBand(ctx, score, arr, style, &out);
  // Drums last: their channel is fixed.
  if (!arr.kits.empty() || !arr.pieces.empty()) {
    WriteDrumPart(ctx, score, arr, style.drums, &out.parts);
  }

  out.notes = AssembleNotes(score, adapter);
  return out;
}

}  // namespace studio
