// Composer internals: writing the band — one MIDI channel per part, in
// order: lead, chords, bass, pad, taiko, pulse, then the colour parts taking
// turns phrase by phrase (drums.h writes the drum part).
//
// Thread-safety: pure functions of their arguments (plus the Score and the
// Composition written).
#pragma once

#include "engine/composer.h"
#include "engine/composer/arrangement.h"
#include "engine/composer/plan.h"
#include "engine/composer/score.h"
#include "engine/composer/tables.h"

namespace studio::composer_internal {

// Adds the Parts of `arr` (all but the drums) to out->parts and writes
// their notes into `score`.
void WriteBand(const Context& ctx, Score& score, const Arrangement& arr, const StyleProfile& style,
               Composition* out);

}  // namespace studio::composer_internal
