#include "engine/fluidsynth_engine.h"

#include <fluidsynth.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <vector>

#include "engine/adapter_style.h"
#include "engine/style_features.h"
#include "engine/composer.h"
#include "engine/loudness.h"
#include "engine/midi_file.h"
#include "engine/performance.h"

namespace studio {

namespace {

constexpr int kSampleRate = 44100;
constexpr int kChannels = 2;
// 0.1 s of audio between progress reports and cancellation checks.
constexpr int64_t kBlockFrames = 4410;

void LogToSpdlog(int level, const char* message, void*) {
  spdlog::debug("fluidsynth[{}]: {}", level, message ? message : "");
}

void RouteFluidSynthLogging() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int level : {FLUID_PANIC, FLUID_ERR, FLUID_WARN, FLUID_INFO, FLUID_DBG}) {
      fluid_set_log_function(level, LogToSpdlog, nullptr);
    }
  });
}

// ---- PCM effects for the texture instruments ----

void ApplyTapeSaturation(std::vector<float>& pcm) {
  // Soft clipping of a signal that peaks near full scale: compresses the
  // peaks and adds odd harmonics; the one-pole low-pass takes the edge off
  // the highs as tape does.
  constexpr float kDrive = 2.5f;
  const float norm = std::tanh(kDrive);
  const float alpha = 0.55f;  // about 9 kHz at 44.1 kHz
  float state[kChannels] = {0, 0};
  for (size_t i = 0; i < pcm.size(); ++i) {
    float& s = state[i % kChannels];
    float y = std::tanh(kDrive * pcm[i]) / norm;
    s += alpha * (y - s);
    pcm[i] = s;
  }
}

void AddVinylNoise(std::vector<float>& pcm, Rng& rng) {
  const size_t frames = pcm.size() / kChannels;
  float hiss_state = 0;
  float click = 0;
  for (size_t f = 0; f < frames; ++f) {
    // About eight crackles a second, each a fast-decaying spike.
    if (rng.NextDouble() < 8.0 / kSampleRate) {
      click = static_cast<float>((rng.Chance(0.5) ? 1 : -1) * (0.03 + 0.12 * rng.NextDouble()));
    }
    float white = static_cast<float>(rng.NextDouble() * 2 - 1);
    hiss_state += 0.3f * (white - hiss_state);
    float noise = click + 0.006f * hiss_state;
    click *= 0.82f;
    pcm[f * 2] += noise;
    pcm[f * 2 + 1] += noise * 0.9f;
  }
}

void AddAmbientNoise(std::vector<float>& pcm, Rng& rng) {
  // Brown-ish noise with a slow swell: wind or distant room tone, low and
  // decorrelated between the ears.
  const size_t frames = pcm.size() / kChannels;
  float brown[kChannels] = {0, 0};
  const double swell_hz = 0.08 + 0.05 * rng.NextDouble();
  for (size_t f = 0; f < frames; ++f) {
    double swell = 0.6 + 0.4 * std::sin(2 * M_PI * swell_hz * f / kSampleRate);
    for (int c = 0; c < kChannels; ++c) {
      float white = static_cast<float>(rng.NextDouble() * 2 - 1);
      brown[c] = 0.995f * brown[c] + 0.02f * white;
      pcm[f * 2 + c] += static_cast<float>(0.12 * swell) * brown[c];
    }
  }
}

float Peak(const std::vector<float>& pcm) {
  float peak = 0;
  for (float s : pcm) peak = std::max(peak, std::fabs(s));
  return peak;
}

void Scale(std::vector<float>& pcm, float gain) {
  for (float& s : pcm) s *= gain;
}

class FluidSynthEngine final : public Engine {
 public:
  FluidSynthEngine() = default;
  ~FluidSynthEngine() override {
    if (loader_ != nullptr) delete_fluid_synth(loader_);  // deletes the SoundFont too
    if (settings_ != nullptr) delete_fluid_settings(settings_);
  }

  Status Init(const std::string& soundfont_path) {
    RouteFluidSynthLogging();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(soundfont_path, ec)) {
      return Status::IOError("SoundFont not found: " + soundfont_path);
    }
    settings_ = new_fluid_settings();
    if (settings_ == nullptr) return Status::Internal("cannot create FluidSynth settings");
    fluid_settings_setnum(settings_, "synth.sample-rate", kSampleRate);
    // One core: rendering stays on the calling thread, and the worker pool
    // decides parallelism by running one engine per thread.
    fluid_settings_setint(settings_, "synth.cpu-cores", 1);
    fluid_settings_setint(settings_, "synth.threadsafe-api", 0);
    fluid_settings_setint(settings_, "synth.reverb.active", 1);
    fluid_settings_setint(settings_, "synth.chorus.active", 1);
    // Bounds the worst case (many instruments with long tails); FluidSynth
    // steals the quietest released voices first.
    fluid_settings_setint(settings_, "synth.polyphony", 64);
    fluid_settings_setnum(settings_, "synth.gain", 0.3);
    // The loader synthesizer only owns the SoundFont; it never renders.
    loader_ = new_fluid_synth(settings_);
    if (loader_ == nullptr) return Status::Internal("cannot create FluidSynth synthesizer");
    const int id = fluid_synth_sfload(loader_, soundfont_path.c_str(), 0);
    if (id == FLUID_FAILED) return Status::IOError("cannot load SoundFont " + soundfont_path);
    sfont_ = fluid_synth_get_sfont_by_id(loader_, id);
    if (sfont_ == nullptr) return Status::IOError("cannot load SoundFont " + soundfont_path);
    return Status::Ok();
  }

  Status Render(const RenderRequest& request, const RenderProgressFn& progress,
                PcmAudio* out) override {
    AdapterStyle style;
    STUDIO_RETURN_IF_ERROR(ParseAdapterStyle(request.adapter_config_json, &style));
    const Composition piece = Compose(request, style, kSampleRate);
    const int64_t total = piece.total_frames;

    // A fresh synthesizer for every render, sharing the loaded SoundFont.
    // Resetting one synthesizer is not enough for byte-identical output:
    // FluidSynth's voices keep state from the notes they played before
    // (measured: the same note renders differently after a different one),
    // and its block position carries over between renders. Creating a
    // synthesizer costs well under a millisecond; loading is the expensive
    // part, and that happens once.
    Synth synth(settings_, sfont_);
    if (!synth.ok()) return Status::Internal("cannot create FluidSynth synthesizer");
    synth_ = synth.get();
    sfont_id_ = synth.sfont_id();
    Configure(piece);

    const std::vector<MidiEvent> events = ToMidiEvents(piece.notes);
    std::vector<float> pcm(static_cast<size_t>(total) * kChannels);
    size_t next = 0;
    int64_t pos = 0;
    while (pos < total) {
      const int64_t block_end = std::min(total, pos + kBlockFrames);
      while (pos < block_end) {
        while (next < events.size() && events[next].frame <= pos) Apply(events[next++]);
        int64_t until = block_end;
        if (next < events.size()) until = std::min(until, events[next].frame);
        const int len = static_cast<int>(until - pos);
        float* base = pcm.data() + pos * kChannels;
        if (fluid_synth_write_float(synth_, len, base, 0, 2, base, 1, 2) != FLUID_OK) {
          return Status::Internal("FluidSynth failed to render");
        }
        pos = until;
      }
      if (progress && !progress(static_cast<double>(pos) / total)) {
        return Status::Cancelled("rendering cancelled");
      }
    }

    STUDIO_RETURN_IF_ERROR(Finish(piece, pcm));
    out->midi = WriteMidiFile(piece);
    out->style_json = StyleFeaturesJson(piece, style);
    out->sample_rate = kSampleRate;
    out->channels = kChannels;
    out->samples.resize(pcm.size());
    for (size_t i = 0; i < pcm.size(); ++i) {
      float s = std::clamp(pcm[i], -1.0f, 1.0f);
      out->samples[i] = static_cast<int16_t>(std::lround(s * 32767.0f));
    }
    return Status::Ok();
  }

 private:
  // A rendering synthesizer with the engine's SoundFont on its stack. The
  // SoundFont stays owned by the loader: it is taken off the stack before
  // the synthesizer is deleted.
  class Synth {
   public:
    Synth(fluid_settings_t* settings, fluid_sfont_t* sfont) : sfont_(sfont) {
      synth_ = new_fluid_synth(settings);
      if (synth_ != nullptr) id_ = fluid_synth_add_sfont(synth_, sfont_);
    }
    ~Synth() {
      if (synth_ == nullptr) return;
      if (id_ != FLUID_FAILED) fluid_synth_remove_sfont(synth_, sfont_);
      delete_fluid_synth(synth_);
    }
    Synth(const Synth&) = delete;
    Synth& operator=(const Synth&) = delete;
    bool ok() const { return synth_ != nullptr && id_ != FLUID_FAILED; }
    fluid_synth_t* get() const { return synth_; }
    int sfont_id() const { return id_; }

   private:
    fluid_sfont_t* sfont_;
    fluid_synth_t* synth_ = nullptr;
    int id_ = FLUID_FAILED;
  };

  // Effects and channels as the composition asks.
  void Configure(const Composition& piece) {
    fluid_synth_reverb_on(synth_, -1, piece.reverb > 0 ? 1 : 0);
    fluid_synth_set_reverb_group_roomsize(synth_, -1, 0.3 + 0.6 * piece.reverb);
    fluid_synth_set_reverb_group_damp(synth_, -1, 0.4);
    fluid_synth_set_reverb_group_width(synth_, -1, 0.9);
    fluid_synth_set_reverb_group_level(synth_, -1, 0.4 + 0.6 * piece.reverb);
    fluid_synth_chorus_on(synth_, -1, piece.chorus > 0 ? 1 : 0);
    fluid_synth_set_chorus_group_nr(synth_, -1, 3);
    fluid_synth_set_chorus_group_level(synth_, -1, 1.0 + 2.0 * piece.chorus);
    fluid_synth_set_chorus_group_speed(synth_, -1, 0.4);
    fluid_synth_set_chorus_group_depth(synth_, -1, 6.0);

    for (int c = 0; c < 16; ++c) current_program_[c] = -1;
    for (const ChannelSetup& setup : ChannelSetups(piece)) {
      SelectProgram(setup.channel, setup.program);
      fluid_synth_set_gen(synth_, setup.channel, GEN_VOLENVRELEASE,
                          static_cast<float>(setup.release_offset));
      fluid_synth_set_gen(synth_, setup.channel, GEN_FILTERFC,
                          static_cast<float>(setup.filter_offset));
      fluid_synth_cc(synth_, setup.channel, 7, setup.volume);
      fluid_synth_cc(synth_, setup.channel, 10, setup.pan);
      fluid_synth_cc(synth_, setup.channel, 91, setup.reverb_send);
      fluid_synth_cc(synth_, setup.channel, 93, setup.chorus_send);
    }
  }

  // Selects `program` on `channel`, falling back to the SoundFont's nearest
  // substitute when it lacks that preset (small SoundFonts miss some kits).
  void SelectProgram(int channel, int program) {
    const int bank = channel == kDrumChannel ? kDrumKitBank : 0;
    int chosen = program;
    if (fluid_sfont_get_preset(sfont_, bank, chosen) == nullptr) {
      chosen = channel == kDrumChannel ? 0 : (program & ~7);  // first of its GM family
      if (fluid_sfont_get_preset(sfont_, bank, chosen) == nullptr) chosen = 0;
    }
    fluid_synth_program_select(synth_, channel, sfont_id_, bank, chosen);
    current_program_[channel] = program;
  }

  void Apply(const MidiEvent& e) {
    if (!e.on) {
      fluid_synth_noteoff(synth_, e.channel, e.note);
      return;
    }
    if (current_program_[e.channel] != e.program) SelectProgram(e.channel, e.program);
    fluid_synth_noteon(synth_, e.channel, e.note, e.velocity);
  }

  // Texture effects, fade-out, loudness.
  Status Finish(const Composition& piece, std::vector<float>& pcm) {
    auto has = [&](PcmEffect e) {
      return std::find(piece.effects.begin(), piece.effects.end(), e) != piece.effects.end();
    };
    // The music peaks at 0.85 whatever FluidSynth's level was; noise is
    // added after that, at fixed levels, so it is equally audible in a loud
    // and a quiet piece.
    float peak = Peak(pcm);
    if (peak > 0) Scale(pcm, 0.85f / peak);
    if (has(PcmEffect::kTapeSaturation)) {
      ApplyTapeSaturation(pcm);
      peak = Peak(pcm);
      if (peak > 0) Scale(pcm, 0.85f / peak);
    }
    if (has(PcmEffect::kVinylNoise)) {
      Rng rng(piece.seed ^ 0x76696e796cULL);
      AddVinylNoise(pcm, rng);
    }
    if (has(PcmEffect::kAmbientNoise)) {
      Rng rng(piece.seed ^ 0x616d6269656eULL);
      AddAmbientNoise(pcm, rng);
    }
    const int64_t frames = static_cast<int64_t>(pcm.size()) / kChannels;
    const int64_t fade = std::min<int64_t>(kSampleRate, frames / 5);
    for (int64_t i = 0; i < fade; ++i) {
      const int64_t f = frames - fade + i;
      const float g = 0.5f * (1.0f + std::cos(static_cast<float>(M_PI) * (i + 1) / fade));
      pcm[f * 2] *= g;
      pcm[f * 2 + 1] *= g;
    }
    // Last, so that every sample leaves at -14 LUFS whatever its band,
    // effects and fade (SPEC section 9).
    return NormalizeLoudness(&pcm, kChannels, kSampleRate, LoudnessTarget{});
  }

  fluid_settings_t* settings_ = nullptr;
  fluid_synth_t* loader_ = nullptr;  // owns sfont_
  fluid_sfont_t* sfont_ = nullptr;
  // The synthesizer of the render in progress (owned by Render's Synth).
  fluid_synth_t* synth_ = nullptr;
  int sfont_id_ = -1;
  int current_program_[16] = {};
};

}  // namespace

std::unique_ptr<Engine> NewFluidSynthEngine(const std::string& soundfont_path, Status* status) {
  auto engine = std::make_unique<FluidSynthEngine>();
  *status = engine->Init(soundfont_path);
  if (!status->ok()) return nullptr;
  return engine;
}

std::string FindDefaultSoundFont() {
  for (const char* path : {"/usr/share/sounds/sf2/FluidR3_GM.sf2",
                           "/usr/share/sounds/sf2/TimGM6mb.sf2",
                           "/usr/share/sounds/sf2/default-GM.sf2"}) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) return path;
  }
  return "";
}

}  // namespace studio
