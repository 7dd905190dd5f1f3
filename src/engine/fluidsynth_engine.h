// The built-in engine: composes with engine/composer.h and renders the notes
// offline through FluidSynth and a General MIDI SoundFont — no audio driver,
// no real-time sequencer; note events are applied at their sample frames
// (FluidSynth quantises them to its 64-frame blocks) between calls to
// fluid_synth_write_float. Output is 44100 Hz, 16-bit, stereo, exactly
// params.duration seconds, ending in a short fade-out, normalised to
// -14 LUFS integrated with a true peak at or below -1 dBTP
// (engine/loudness.h); texture instruments without a GM sound (vinyl-noise,
// tape-saturation, ambient-noise) are seeded DSP on the PCM. PcmAudio::midi
// is the Standard MIDI File of the performance rendered (engine/midi_file.h).
// The same request renders byte-identical audio and MIDI on the same
// machine and library versions.
//
// Thread-safety: an engine is NOT thread-safe (engine/engine.h); each
// worker thread owns one. Engines on different threads are independent.
// FluidSynth's logging is global: the first engine created routes it to
// spdlog at debug level for the rest of the process.
#pragma once

#include <memory>
#include <string>

#include "engine/engine.h"
#include "util/status.h"

namespace studio {

// Loads `soundfont_path` once. On failure returns nullptr and sets *status
// to IOError (unreadable or not a SoundFont) or Internal (FluidSynth could
// not be set up); on success sets *status to OK.
std::unique_ptr<Engine> NewFluidSynthEngine(const std::string& soundfont_path, Status* status);

// The best General MIDI SoundFont installed: FluidR3_GM.sf2, else
// TimGM6mb.sf2, else default-GM.sf2 in /usr/share/sounds/sf2; "" if none.
std::string FindDefaultSoundFont();

}  // namespace studio
