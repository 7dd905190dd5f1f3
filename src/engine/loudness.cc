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
// How far under the aim the limiter first holds sample peaks: inter-sample
// peaks of music at 44.1 kHz rarely exceed the samples by more.
constexpr double kInterSampleMarginDb = 0.5;
constexpr int kRounds = 4;
// Samples this far under the limiter's ceiling are metered for true peak.
constexpr double kNearPeakDb = 6.0;

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

// Integrated loudness of `pcm`, and with `true_peak` its true peak.
Status Measure(const std::vector<float>& pcm, int channels, int sample_rate, bool true_peak,
               LoudnessReading* out) {
  ebur128_state* st = ebur128_init(static_cast<unsigned>(channels),
                                   static_cast<unsigned long>(sample_rate),
                                   EBUR128_MODE_I | (true_peak ? EBUR128_MODE_TRUE_PEAK : 0));
  if (st == nullptr) return Status::Internal("libebur128: cannot create a loudness meter");
  const size_t frames = pcm.size() / channels;
  int err = frames == 0 ? EBUR128_SUCCESS : ebur128_add_frames_float(st, pcm.data(), frames);
  double lufs = -HUGE_VAL;
  if (err == EBUR128_SUCCESS) err = ebur128_loudness_global(st, &lufs);
  double peak = 0;
  for (int c = 0; c < channels && err == EBUR128_SUCCESS && true_peak; ++c) {
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

// The true peak of `pcm` where it can matter: libebur128's true-peak meter
// (its BS.1770 4x interpolator) run only over the stretches around samples
// within `near_db` of `level` — an inter-sample peak rises at most a few dB
// above the samples around it, so the quiet rest cannot reach the ceiling.
// Stretches are cut out with silence between them longer than the
// interpolator, so they do not interact; their cut edges can only make the
// reading higher (safer), never lower. Metering the whole piece this way
// costs a few percent of metering all of it.
Status TruePeakNear(const std::vector<float>& pcm, int channels, int sample_rate, double level,
                    double near_db, double* peak_dbtp) {
  const size_t frames = pcm.size() / channels;
  const float threshold = static_cast<float>(level * DbToGain(-near_db));
  constexpr size_t kReach = 48, kGap = 64;
  std::vector<float> cut;
  size_t covered_to = 0;  // frames before this are already in `cut`
  for (size_t f = 0; f < frames; ++f) {
    float m = 0;
    for (int c = 0; c < channels; ++c) m = std::max(m, std::fabs(pcm[f * channels + c]));
    if (m < threshold) continue;
    const size_t from = std::max(covered_to, f >= kReach ? f - kReach : 0);
    const size_t to = std::min(frames, f + kReach + 1);
    if (from > covered_to || covered_to == 0) cut.insert(cut.end(), kGap * channels, 0.0f);
    cut.insert(cut.end(), pcm.begin() + from * channels, pcm.begin() + to * channels);
    covered_to = to;
    f = to - 1;
  }
  if (cut.empty()) {
    *peak_dbtp = 20.0 * std::log10(std::max(threshold, 1e-9f));
    return Status::Ok();
  }
  cut.insert(cut.end(), kGap * channels, 0.0f);
  ebur128_state* st = ebur128_init(static_cast<unsigned>(channels),
                                   static_cast<unsigned long>(sample_rate), EBUR128_MODE_TRUE_PEAK);
  if (st == nullptr) return Status::Internal("libebur128: cannot create a peak meter");
  int err = ebur128_add_frames_float(st, cut.data(), cut.size() / channels);
  double peak = 0;
  for (int c = 0; c < channels && err == EBUR128_SUCCESS; ++c) {
    double p = 0;
    err = ebur128_true_peak(st, static_cast<unsigned>(c), &p);
    peak = std::max(peak, p);
  }
  ebur128_destroy(&st);
  if (err != EBUR128_SUCCESS) return Status::Internal("libebur128: peak measurement failed");
  *peak_dbtp = peak > 0 ? 20.0 * std::log10(peak) : -HUGE_VAL;
  return Status::Ok();
}

}  // namespace

Status MeasureLoudness(const std::vector<float>& pcm, int channels, int sample_rate,
                       LoudnessReading* out) {
  return Measure(pcm, channels, sample_rate, /*true_peak=*/true, out);
}

Status NormalizeLoudness(std::vector<float>* pcm, int channels, int sample_rate,
                         const LoudnessTarget& target, LoudnessReading* reached) {
  // The true-peak meter oversamples four times and would be most of the
  // cost of normalising (a third of a render): the first reading is
  // loudness only, a gain moves loudness and true peak by the same number
  // of dB, and the limiter's result is metered near its peaks only.
  LoudnessReading now;
  STUDIO_RETURN_IF_ERROR(Measure(*pcm, channels, sample_rate, /*true_peak=*/false, &now));
  if (!std::isfinite(now.integrated_lufs)) {
    if (reached != nullptr) *reached = now;
    return Status::Ok();
  }
  const double aim_peak = target.true_peak_dbtp - kPeakMarginDb;
  ApplyGain(pcm, DbToGain(target.integrated_lufs - now.integrated_lufs));
  // The ceiling the limiter holds sample peaks to, a little under the aim
  // (inter-sample peaks); lowered each round by what the true peak still
  // exceeded the aim by.
  double ceiling_db = aim_peak - kInterSampleMarginDb;
  for (int round = 0; round < kRounds; ++round) {
    LimitPeaks(pcm, channels, sample_rate, DbToGain(ceiling_db));
    STUDIO_RETURN_IF_ERROR(Measure(*pcm, channels, sample_rate, /*true_peak=*/false, &now));
    STUDIO_RETURN_IF_ERROR(TruePeakNear(*pcm, channels, sample_rate, DbToGain(ceiling_db),
                                        kNearPeakDb, &now.true_peak_dbtp));
    if (now.true_peak_dbtp > aim_peak) {
      ceiling_db -= now.true_peak_dbtp - aim_peak;
      continue;
    }
    // Give back what the limiter took, as far as the peaks allow.
    const double makeup_db = std::min(target.integrated_lufs - now.integrated_lufs,
                                      aim_peak - now.true_peak_dbtp);
    ApplyGain(pcm, DbToGain(makeup_db));
    now.integrated_lufs += makeup_db;
    now.true_peak_dbtp += makeup_db;
    if (target.integrated_lufs - now.integrated_lufs < 0.1) break;
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
