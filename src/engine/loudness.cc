#include "engine/loudness.h"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <deque>

namespace studio {
namespace {

// The 16-bit rounding after normalisation and the limiter's own ripple may
// add a few hundredths of a dB; aim this far below the ceiling.
constexpr double kPeakMarginDb = 0.3;
constexpr int kRounds = 4;

double DbToGain(double db) { return std::pow(10.0, db / 20.0); }

void ApplyGain(std::vector<float>* pcm, double gain) {
  const float g = static_cast<float>(gain);
  for (float& s : *pcm) s *= g;
}

// Look-ahead limiter: no sample's magnitude exceeds `ceiling` afterwards.
// The gain needed at each peak is reached by a linear ramp over the
// look-ahead window before it (a moving average of a running minimum), so
// peaks are turned down without clicks.
void LimitPeaks(std::vector<float>* pcm, int channels, int sample_rate, double ceiling) {
  const size_t frames = pcm->size() / channels;
  if (frames == 0) return;
  const size_t look = std::max<size_t>(1, static_cast<size_t>(0.002 * sample_rate));
  const double release = 1.0 - std::exp(-1.0 / (0.080 * sample_rate));
  std::vector<double> need(frames);
  for (size_t f = 0; f < frames; ++f) {
    float peak = 0;
    for (int c = 0; c < channels; ++c) peak = std::max(peak, std::fabs((*pcm)[f * channels + c]));
    need[f] = peak > ceiling ? ceiling / peak : 1.0;
  }
  // Running minimum of need over [f, f + look] (a monotone deque).
  std::vector<double> ahead(frames);
  std::deque<size_t> window;
  for (size_t i = 0; i < frames + look; ++i) {
    if (i < frames) {
      while (!window.empty() && need[window.back()] >= need[i]) window.pop_back();
      window.push_back(i);
    }
    if (i >= look) {
      const size_t f = i - look;
      while (window.front() < f) window.pop_front();
      ahead[f] = need[window.front()];
    }
  }
  // Instant attack (the look-ahead already anticipates), smooth release.
  std::vector<double> held(frames);
  double g = 1.0;
  for (size_t f = 0; f < frames; ++f) {
    g = std::min(ahead[f], g + (1.0 - g) * release);
    held[f] = g;
  }
  // Moving average over the look-ahead window behind each frame: every
  // frame of [p - look, p] holds at most need[p], so the average does too.
  double sum = 0;
  for (size_t f = 0; f < frames; ++f) {
    sum += held[f];
    if (f >= look + 1) sum -= held[f - look - 1];
    const size_t n = std::min(f + 1, look + 1);
    const float gain = static_cast<float>(sum / n);
    for (int c = 0; c < channels; ++c) (*pcm)[f * channels + c] *= gain;
  }
}

}  // namespace

Status MeasureLoudness(const std::vector<float>& pcm, int channels, int sample_rate,
                       LoudnessReading* out) {
  ebur128_state* st = ebur128_init(static_cast<unsigned>(channels),
                                   static_cast<unsigned long>(sample_rate),
                                   EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
  if (st == nullptr) return Status::Internal("libebur128: cannot create a loudness meter");
  const size_t frames = pcm.size() / channels;
  int err = frames == 0 ? EBUR128_SUCCESS : ebur128_add_frames_float(st, pcm.data(), frames);
  double lufs = -HUGE_VAL;
  if (err == EBUR128_SUCCESS) err = ebur128_loudness_global(st, &lufs);
  double peak = 0;
  for (int c = 0; c < channels && err == EBUR128_SUCCESS; ++c) {
    double p = 0;
    err = ebur128_true_peak(st, static_cast<unsigned>(c), &p);
    peak = std::max(peak, p);
  }
  ebur128_destroy(&st);
  if (err != EBUR128_SUCCESS) return Status::Internal("libebur128: measurement failed");
  out->integrated_lufs = lufs;
  out->true_peak_dbtp = peak > 0 ? 20.0 * std::log10(peak) : -HUGE_VAL;
  return Status::Ok();
}

Status NormalizeLoudness(std::vector<float>* pcm, int channels, int sample_rate,
                         const LoudnessTarget& target, LoudnessReading* reached) {
  LoudnessReading now;
  STUDIO_RETURN_IF_ERROR(MeasureLoudness(*pcm, channels, sample_rate, &now));
  if (!std::isfinite(now.integrated_lufs)) {
    if (reached != nullptr) *reached = now;
    return Status::Ok();
  }
  const double aim_peak = target.true_peak_dbtp - kPeakMarginDb;
  // The ceiling the limiter holds sample peaks to; lowered each round by
  // what the true (inter-sample) peak still exceeded it by.
  double ceiling_db = aim_peak;
  for (int round = 0; round < kRounds; ++round) {
    // A gain moves loudness and true peak by the same number of dB, so
    // only the limiter's work needs measuring again (the true-peak meter
    // oversamples four times: it is the expensive part of a render).
    const double gain_db = target.integrated_lufs - now.integrated_lufs;
    ApplyGain(pcm, DbToGain(gain_db));
    now.integrated_lufs += gain_db;
    now.true_peak_dbtp += gain_db;
    if (now.true_peak_dbtp <= aim_peak) break;
    LimitPeaks(pcm, channels, sample_rate, DbToGain(ceiling_db));
    STUDIO_RETURN_IF_ERROR(MeasureLoudness(*pcm, channels, sample_rate, &now));
    if (now.true_peak_dbtp > aim_peak) ceiling_db -= now.true_peak_dbtp - aim_peak;
    if (std::fabs(now.integrated_lufs - target.integrated_lufs) < 0.1 &&
        now.true_peak_dbtp <= aim_peak) {
      break;
    }
  }
  // Whatever the rounds left, the peak ceiling wins over the loudness.
  if (now.true_peak_dbtp > aim_peak) {
    const double gain_db = aim_peak - now.true_peak_dbtp;
    ApplyGain(pcm, DbToGain(gain_db));
    now.integrated_lufs += gain_db;
    now.true_peak_dbtp += gain_db;
  }
  if (reached != nullptr) *reached = now;
  return Status::Ok();
}

}  // namespace studio
