// Composer internals: the seeded random streams. Rng and SampleCandidate
// are public (engine/composer.h); Mix and Fnv1a derive the seeds of the
// named streams (Context::Stream) from the request's seed, so that each
// part draws from its own stream and adding a draw to one part never moves
// another part's notes.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "util/hash.h"

namespace studio::composer_internal {

// A well-mixed 64-bit value of the pair (a, b).
uint64_t Mix(uint64_t a, uint64_t b);

// 64-bit FNV-1a of `text` (one home: util/hash.h).
using ::studio::Fnv1a;

}  // namespace studio::composer_internal
