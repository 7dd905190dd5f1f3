// Loudness normalisation of rendered audio (EBU R128 / ITU-R BS.1770,
// measured with libebur128): every sample leaves the engine at the same
// integrated loudness with its true peak below a ceiling, so that a quiet
// ambient piece and a loud rock piece play back at the same level, and a
// listener (or a training signal) compares music, not volume.
//
// How: one gain brings the integrated loudness to the target; where that
// pushes the true peak over the ceiling a look-ahead peak limiter (gain
// reduction ramped in before each peak, released over 80 ms) takes the
// peaks down, and the loudness the limiter took away is given back. A few
// rounds of measure-and-correct converge within a tenth of a LU. Pure
// float arithmetic in a fixed order: the same input gives the same output.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <vector>

#include "util/status.h"

namespace studio {

struct LoudnessTarget {
  double integrated_lufs = -14.0;
  double true_peak_dbtp = -1.0;
};

struct LoudnessReading {
  double integrated_lufs = 0;  // -HUGE_VAL for silence
  double true_peak_dbtp = 0;   // the loudest channel; -HUGE_VAL for silence
};

// Measures interleaved float audio. Internal when libebur128 fails.
Status MeasureLoudness(const std::vector<float>& pcm, int channels, int sample_rate,
                       LoudnessReading* out);

// Scales and limits `pcm` (interleaved, `channels` per frame) to `target`;
// *reached (optional) is the final measurement. Silence (or audio shorter
// than one 400 ms gating block) is left as it is. Internal when
// libebur128 fails.
Status NormalizeLoudness(std::vector<float>* pcm, int channels, int sample_rate,
                         const LoudnessTarget& target, LoudnessReading* reached = nullptr);

}  // namespace studio
