// Composer internals: Score, where the part writers put their notes — beat
// positions to sample frames (with swing and humanised offsets), velocity
// scaling, and the notes cut at the end of the piece.
//
// Thread-safety: a Score belongs to one Compose() call.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/composer.h"
#include "engine/composer/tables.h"

namespace studio::composer_internal {

class Score {
 public:
  Score(double tempo, double swing, int sample_rate, int64_t total_frames, double velocity_scale)
      : frames_per_beat_(60.0 * sample_rate / tempo),
        swing_delay_(swing * 0.5),
        sample_rate_(sample_rate),
        total_frames_(total_frames),
        velocity_scale_(velocity_scale) {}

  // Frame of a position in beats. Off-beat eighths move later by the swing;
  // everything between moves proportionally, so sixteenths swing too.
  int64_t FrameAt(double beat) const {
    double whole = std::floor(beat);
    double frac = beat - whole;
    double mid = 0.5 + swing_delay_;
    double warped = frac < 0.5 ? frac * (mid / 0.5) : mid + (frac - 0.5) * ((1.0 - mid) / 0.5);
    return std::llround((whole + warped) * frames_per_beat_);
  }

  double total_beats() const { return total_frames_ / frames_per_beat_; }
  int sample_rate() const { return sample_rate_; }

  // `offset_seconds` humanises timing; notes that would start in the last
  // 50 ms are dropped because the fade-out would swallow them anyway.
  void Add(int channel, int program, int note, int velocity, double start_beat,
           double length_beats, double offset_seconds = 0) {
    if (note < 0 || note > 127) return;
    int64_t offset = std::llround(offset_seconds * sample_rate_);
    int64_t start = std::max<int64_t>(0, FrameAt(start_beat) + offset);
    int64_t end = FrameAt(start_beat + length_beats) + offset;
    if (start >= total_frames_ - sample_rate_ / 20) return;
    end = std::min(end, total_frames_);
    if (end <= start) return;
    int v = static_cast<int>(std::lround(velocity * velocity_scale_));
    notes_.push_back(NoteEvent{channel, program, note, std::clamp(v, 1, 127), start, end});
  }

  std::vector<NoteEvent>& notes() { return notes_; }

 private:
  double frames_per_beat_;
  double swing_delay_;
  int sample_rate_;
  int64_t total_frames_;
  double velocity_scale_;
  std::vector<NoteEvent> notes_;
};

// The instrument's comfortable range, {low, high}.
inline std::pair<int, int> RangeOf(const InstrumentEntry& e) { return {e.low, e.high}; }

// std::clamp, except that an empty range (an instrument too narrow for the
// preferred register) gives its middle instead of undefined behaviour.
inline int SafeClamp(int v, int lo, int hi) {
  return lo > hi ? (lo + hi) / 2 : std::clamp(v, lo, hi);
}

}  // namespace studio::composer_internal
