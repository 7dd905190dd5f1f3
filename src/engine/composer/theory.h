// Composer internals: music theory — scales and modes, scale-degree chord
// progressions, chords and their voicings.
//
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <vector>

#include "domain/vocabulary.h"
#include "engine/composer/tables.h"

namespace studio::composer_internal {

// The seven scale steps (semitones above the tonic) of `mode`; a pentatonic
// piece's harmony uses its parent major scale, or minor when minor_flavour.
std::array<int, 7> ScaleSteps(Mode mode, bool minor_flavour);
// The steps the melody keeps to (five for pentatonic).
std::vector<int> MelodyScale(Mode mode, bool minor_flavour);
bool IsMinorLike(Mode mode, bool minor_flavour);
// Scale-degree progressions (0 = tonic), most idiomatic first.
std::vector<std::vector<int>> ProgressionsFor(Mode mode, bool minor_flavour,
                                              const StyleProfile& style);

struct Chord {
  int root_pc = 0;
  std::vector<int> pcs;  // pitch classes, root first
};

// The chord on scale degree `degree` (0 = tonic) of `scale` over
// `key_root`: a triad, or a seventh chord when `seventh`.
Chord TriadOn(int key_root, const std::array<int, 7>& scale, int degree, bool seventh);

// The note of pitch class `pc` nearest to `target`.
int NearestWithPc(int pc, int target);
// The lowest note of pitch class `pc` at or above `low`.
int LowestAtOrAbove(int pc, int low);
// Close voicing of `pcs` around `center`, each tone within a fifth of it.
std::vector<int> Voicing(const std::vector<int>& pcs, int center);

}  // namespace studio::composer_internal
