// Engine: turns a prompt, generation parameters and an adapter's style into
// PCM audio. The built-in engine composes music algorithmically and renders
// it with FluidSynth (engine/fluidsynth_engine.h); another engine (a MusicGen
// inference process, say) can implement this interface later.
//
// Thread-safety: an Engine instance is NOT thread-safe. Each worker thread
// owns one (the SoundFont is loaded once per engine, not per sample).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "domain/types.h"
#include "util/status.h"

namespace studio {

struct RenderRequest {
  std::string prompt_text;
  PromptAttributes attributes;
  GenerationParams params;         // params.duration is the length to render
  // Samples of one job differ by index: the per-sample randomness comes from
  // a hash of (seed, sample_index), so sample k of a job never equals
  // sample 0 of the job with seed + k.
  int sample_index = 0;
  std::string adapter_config_json = "{}";  // see engine/adapter_style.h
};

// What a render produces: interleaved 16-bit PCM, loudness-normalised
// (engine/loudness.h), and the Standard MIDI File of the score that was
// rendered (engine/midi_file.h), so that both can be stored side by side.
struct PcmAudio {
  int sample_rate = 44100;
  int channels = 2;
  std::vector<int16_t> samples;  // frames * channels values
  std::string midi;              // SMF bytes of the rendered score; "" when the engine has none
  // The style features it was rendered with, a JSON object
  // (engine/style_features.h); "" when the engine records none.
  std::string style_json;
  int64_t frames() const { return static_cast<int64_t>(samples.size()) / channels; }
  double seconds() const { return static_cast<double>(frames()) / sample_rate; }
};

// Called between render blocks with the fraction done (0..1). Returning
// false stops rendering: Render then returns Status::Cancelled.
using RenderProgressFn = std::function<bool(double fraction_done)>;

class Engine {
 public:
  Engine() = default;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  virtual ~Engine() = default;

  // Renders request into *out (audio and, for a score-based engine, its
  // MIDI file). Same request gives byte-identical output, MIDI included.
  // Returns Cancelled when progress returned false, InvalidArgument for a
  // bad adapter config, IOError/Internal for synthesizer failures.
  virtual Status Render(const RenderRequest& request, const RenderProgressFn& progress,
                        PcmAudio* out) = 0;
};

}  // namespace studio
