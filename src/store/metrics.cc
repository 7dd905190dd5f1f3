#include "store/metrics.h"

#include <string_view>

namespace studio::store_internal {

void SetMetricsCounter(const std::string& name, int64_t value, MetricsCounters* out) {
  std::string_view n = name;
  if (n.rfind("jobs_", 0) == 0) {  // job_counters, one row per status
    out->jobs_total += value;
    if (n == "jobs_completed") out->jobs_completed = value;
    if (n == "jobs_queued" || n == "jobs_processing") out->jobs_active += value;
    return;
  }
  if (n.size() == 8 && n.rfind("rating_", 0) == 0 && n[7] >= '1' && n[7] <= '5') {
    out->rating_distribution[n[7] - '1'] = value;
    return;
  }
  struct Field {
    std::string_view name;
    int64_t MetricsCounters::*field;
  };
  static constexpr Field kFields[] = {
      {"live_samples", &MetricsCounters::live_samples},
      {"feedback_total", &MetricsCounters::feedback_total},
      {"ratings_count", &MetricsCounters::ratings_count},
      {"ratings_sum", &MetricsCounters::ratings_sum},
      {"preferences", &MetricsCounters::preferences},
      {"tagged", &MetricsCounters::tagged},
      {"samples_with_feedback", &MetricsCounters::samples_with_feedback},
      {"rated_samples", &MetricsCounters::rated_samples},
      {"high_rated_samples", &MetricsCounters::high_rated_samples},
      {"adapters_live", &MetricsCounters::adapters_live},
      {"adapters_active", &MetricsCounters::adapters_active},
      {"datasets_live", &MetricsCounters::datasets_live},
      {"datasets_exported", &MetricsCounters::datasets_exported},
      {"runs_total", &MetricsCounters::runs_total},
      {"runs_running", &MetricsCounters::runs_running},
  };
  for (const Field& f : kFields) {
    if (f.name == n) {
      out->*f.field = value;
      return;
    }
  }
}

}  // namespace studio::store_internal
