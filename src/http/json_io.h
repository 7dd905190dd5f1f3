// JSON shapes of the API's responses, with the reference system's field
// names (SPEC section 4). One function per entity, so every route shows an
// entity the same way.
#pragma once

#include <nlohmann/json.hpp>

#include "domain/types.h"
#include "http/json_writer.h"
#include "store/store.h"

namespace studio {

// A job as list items and details show it; `with_deleted_at` adds
// deleted_at (include_deleted reads). Written straight to text: job lists
// are the hottest responses.
void WriteJob(JsonWriter& w, const Job& job, bool with_deleted_at);
// The same fields without the braces, for objects that add their own.
void WriteJobFields(JsonWriter& w, const Job& job, bool with_deleted_at);
std::string JobJson(const Job& job, bool with_deleted_at);
nlohmann::json JobStatusJson(const Job& job);  // GET /generate/{id}
nlohmann::json PromptJson(const Prompt& prompt);
// An adapter; its stored config (validated JSON) is spliced, not re-parsed.
void WriteAdapter(JsonWriter& w, const Adapter& adapter, bool with_deleted_at);
void WriteAdapterFields(JsonWriter& w, const Adapter& adapter, bool with_deleted_at);
std::string AdapterJson(const Adapter& adapter, bool with_deleted_at);
nlohmann::json AudioJson(const AudioSample& sample);
nlohmann::json FeedbackJson(const Feedback& feedback);
nlohmann::json GenerationParamsJson(const GenerationParams& params);
nlohmann::json JobStatsJson(const JobStats& stats);
nlohmann::json AdapterStatsJson(const AdapterStats& stats);
nlohmann::json FeedbackSummaryJson(const FeedbackSummary& summary);
// Where a dataset exported in `format` downloads: "/api/datasets/<id>/download?format=<format>".
std::string DatasetDownloadUrl(const std::string& dataset_id, const std::string& format);
// A dataset; export_path is its download URL once exported (else null);
// `with_deleted_at` adds deleted_at (include_deleted reads, the trash).
nlohmann::json DatasetJson(const Dataset& dataset, bool with_deleted_at);
// [{id, name, members_removed}]: what a delete takes from datasets.
nlohmann::json DatasetsAffectedJson(const std::vector<DatasetImpact>& impacts);
// SPEC section 8's training objects (docs/FEEDBACK_LOOP.md). An
// experiment's status is derived from its newest run; `with_deleted_at`
// adds deleted_at (the trash).
nlohmann::json ExperimentJson(const Experiment& experiment, bool with_deleted_at);
nlohmann::json RunJson(const TrainingRun& run);
// is_current: the version is the adapter's `current` one.
nlohmann::json VersionJson(const AdapterVersion& version, const std::optional<std::string>& current);

// GET /metrics/overview and GET /metrics/feedback (SPEC section 8).
nlohmann::json MetricsOverviewJson(const MetricsCounters& counters);
nlohmann::json FeedbackMetricsJson(const MetricsCounters& counters,
                                   const std::vector<AdapterFeedbackCount>& by_adapter);
// GET /vocabulary: the tables of domain/vocabulary.h and domain/limits.h
// (instrument_families, instruments with their family and mapping, modes,
// moods, styles, adapter_config keys, limits).
nlohmann::json VocabularyJson();

}  // namespace studio
