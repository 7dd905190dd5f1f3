// Composer internals: note density as a continuous control. Every optional
// note (an off-beat eighth of the hats, a sixteenth of the melody, a comping
// stab) has a metrical level — 0 on the beat, 1 on an off-beat eighth, 2 on
// a sixteenth —, says whether it belongs to the part's figure (the seed's
// motif, hat figure or comping figure) and has its own uniform draw u, made
// whatever the density. Its rank is u times a weight (low for figure notes
// and strong positions); it plays when its rank is below a threshold that
// grows continuously and strictly with the density. So the count of notes
// grows strictly over the whole range of note_density, and a note played at
// one density plays at every higher one: a small change of the control is a
// small change of the music — what lets training move it. At the styles'
// own densities a part plays mostly its figure, so seeds with different
// figures groove differently.
//
// Slow tempos thin the subdivisions further: at 40 bpm an eighth-note hat
// as strong as the beat would be heard as the beat (double time).
//
// Thread-safety: pure functions.
#pragma once

#include <algorithm>
#include <cmath>

namespace studio::composer_internal {

// 0 on the beat, 1 on an off-beat eighth, 2 on a sixteenth.
inline int MetricLevel(int step16) { return step16 % 4 == 0 ? 0 : (step16 % 2 == 0 ? 1 : 2); }

// Whether an optional note plays at `density` and `tempo_bpm`.
inline bool NotePlays(double u, int level, bool in_figure, double density, double tempo_bpm) {
  static constexpr double kFigureWeight[3] = {0.3, 0.4, 0.5};
  static constexpr double kOtherWeight[3] = {1.0, 1.6, 2.4};
  const int l = std::clamp(level, 0, 2);
  const double rank = u * (in_figure ? kFigureWeight[l] : kOtherWeight[l]);
  const double subdivision = l == 0 ? 1.0 : std::clamp((tempo_bpm - 30.0) / 50.0, 0.2, 1.0);
  const double threshold = 0.35 * std::pow(std::max(density, 0.0), 0.8) * subdivision;
  return rank < threshold;
}

}  // namespace studio::composer_internal
