// Composer internals: note density as a continuous control. Every optional
// note (an off-beat eighth of the hats, a sixteenth of the melody, a comping
// stab) has a metrical level — 0 on the beat, 1 on an off-beat eighth, 2 on
// a sixteenth — and its own uniform draw u, made whatever the density. It
// plays when u < PlayChance(level, density). The chance rises continuously
// and strictly with the density wherever it is between 0 and 1, and the
// levels overlap, so the count of notes grows strictly over the whole
// range of note_density (0.25..2 times a style's 0.5..1.2); and a note
// played at one density plays at every higher one, so a small change of
// the control is a small change of the music — what lets training move it.
//
// Slow tempos thin the subdivisions further: at 40 bpm an eighth-note hat
// as strong as the beat would be heard as the beat (double time).
//
// Thread-safety: pure functions.
#pragma once

#include <algorithm>

namespace studio::composer_internal {

// 0 on the beat, 1 on an off-beat eighth, 2 on a sixteenth.
inline int MetricLevel(int step16) { return step16 % 4 == 0 ? 0 : (step16 % 2 == 0 ? 1 : 2); }

// The chance that an optional note of `level` plays at `density` and
// `tempo_bpm`.
inline double PlayChance(int level, double density, double tempo_bpm) {
  const double subdivision = std::clamp((tempo_bpm - 30.0) / 50.0, 0.2, 1.0);
  switch (level) {
    case 0: return std::clamp(0.3 + 1.4 * density, 0.0, 1.0);
    case 1: return subdivision * std::clamp(1.2 * (density - 0.3), 0.0, 1.0);
    default: return subdivision * std::clamp((density - 0.8) / 1.7, 0.0, 1.0);
  }
}

}  // namespace studio::composer_internal
