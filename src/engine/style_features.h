// StyleFeatures: what the engine actually rendered a sample with, recorded
// on the sample (GET /audio/{id} -> "style") so that training can learn
// which styles listeners prefer (docs/FEEDBACK_LOOP.md). The numbers are
// the composer's values after the prompt, the style and the adapter were
// combined, not what was asked for.
//
// Thread-safety: a pure function; safe from any thread.
#pragma once

#include <string>

#include "engine/adapter_style.h"
#include "engine/composer.h"

namespace studio {

// The JSON object of style features of `piece`, composed with `style`:
// {"genre", "tempo_bpm", "key", "mode", "swing", "note_density", "energy",
//  "register", "reverb", "chorus", "transpose"}. "register" is the mean
// MIDI pitch of the melody (of every pitched note when there is no melody).
std::string StyleFeaturesJson(const Composition& piece, const AdapterStyle& style);

}  // namespace studio
