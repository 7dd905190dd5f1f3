// Composer internals: the drums — the kit's grooves (backbeat, four on the
// floor, boom-bap, breakbeat, trap, shuffle, steppers), count-in, fills and
// crashes on the drum channel, the named drum pieces played prominently, and
// taiko percussion.
//
// Thread-safety: pure functions of their arguments (plus the Score written).
#pragma once

#include <vector>

#include "engine/composer.h"
#include "engine/composer/arrangement.h"
#include "engine/composer/plan.h"
#include "engine/composer/score.h"
#include "engine/composer/tables.h"

namespace studio::composer_internal {

// Taiko strokes on every beat (louder when the prompt asked for taiko).
void WriteTaiko(const Context& ctx, Score& score, const Part& part, bool requested);

// The drum part of the arrangement on kDrumChannel: its kits (or, with none,
// only the named pieces) playing `pattern`. Appends the Part to *parts.
// REQUIRES: !arr.kits.empty() || !arr.pieces.empty().
void WriteDrumPart(const Context& ctx, Score& score, const Arrangement& arr, DrumPattern pattern,
                   std::vector<Part>* parts);

}  // namespace studio::composer_internal
