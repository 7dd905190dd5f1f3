// What the Store's metrics methods return (SPEC section 8 "Overview";
// definitions in docs/FEEDBACK_LOOP_METRICS.md): counters that triggers keep
// exact in the transaction of every change (store/migrations/*/0003), so
// reading them costs the same however many jobs, samples and feedback
// records there are. Plain values; no thread-safety concerns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace studio {

// Every counter behind /metrics/overview, /metrics/feedback and
// /feedback/summary, read at one point in time.
struct MetricsCounters {
  // Live jobs (job_counters).
  int64_t jobs_total = 0, jobs_completed = 0, jobs_active = 0;  // active: queued + processing
  int64_t live_samples = 0;  // samples of live jobs
  // Feedback records (all of them are on live samples).
  int64_t feedback_total = 0, ratings_count = 0, ratings_sum = 0;
  int64_t rating_distribution[5] = {0, 0, 0, 0, 0};  // index 0 is rating 1
  int64_t preferences = 0;  // with preferred_over
  int64_t tagged = 0;       // with a non-empty tags list
  // Samples with at least one feedback record / rating / an average rating >= 4.
  int64_t samples_with_feedback = 0, rated_samples = 0, high_rated_samples = 0;
  int64_t adapters_live = 0, adapters_active = 0;  // active: live and is_active
  // Maintained by migration 0004's triggers (0 until then).
  int64_t datasets_live = 0, datasets_exported = 0, runs_total = 0, runs_running = 0;

  // Live samples without any feedback.
  int64_t pending_feedback() const { return live_samples - samples_with_feedback; }
  std::optional<double> avg_rating() const {
    if (ratings_count == 0) return std::nullopt;
    return static_cast<double>(ratings_sum) / static_cast<double>(ratings_count);
  }
};

// Feedback on the samples of one adapter (or of the base engine).
struct AdapterFeedbackCount {
  std::optional<std::string> adapter_id;    // unset: the base engine (samples without adapter)
  std::optional<std::string> adapter_name;  // the adapter's name; unset for the base engine
  bool adapter_deleted = false;             // the adapter is soft-deleted
  int64_t feedback_count = 0, rating_count = 0, rating_sum = 0;

  std::optional<double> avg_rating() const {
    if (rating_count == 0) return std::nullopt;
    return static_cast<double>(rating_sum) / static_cast<double>(rating_count);
  }
};

namespace store_internal {
// Sets the field of *out that the counter row `name` holds (metrics_counters
// names, and "jobs_<status>" for job_counters); ignores unknown names, so a
// later migration may add counters before the code reads them.
void SetMetricsCounter(const std::string& name, int64_t value, MetricsCounters* out);
}  // namespace store_internal

}  // namespace studio
