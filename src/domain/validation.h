// Parsing and validation of request bodies into domain values (SPEC
// section 2's ranges, from domain/limits.h; instruments from
// domain/vocabulary.h). Every function either fills its output completely
// and returns Ok, or returns InvalidArgument with a message a user can act
// on ("temperature must be a number between 0.1 and 2.0") and leaves
// nothing half-applied. Unknown fields are ignored.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/limits.h"
#include "domain/types.h"
#include "util/status.h"

namespace studio {

struct GenerateRequest {
  std::string prompt_id;
  int num_samples = limits::kDefaultNumSamples;
  std::optional<std::string> adapter_id;
  std::optional<int64_t> seed;  // chosen at random when absent
  double temperature = limits::kDefaultTemperature;
  int top_k = limits::kDefaultTopK;
  double top_p = limits::kDefaultTopP;
  std::optional<int> duration;  // the prompt's duration, else 10 s, when absent
};

struct AdapterCreate {
  std::string name;
  std::optional<std::string> description;
  std::optional<std::string> base_model;
  std::string config_json = "{}";
  bool is_active = true;
};

// Fields present in a PATCH body; absent ones stay as they are.
struct AdapterPatch {
  std::optional<std::string> name;
  std::optional<std::optional<std::string>> description;  // null clears it
  std::optional<std::string> config_json;
  std::optional<bool> is_active;
  std::optional<AdapterStatus> status;
};

// POST /datasets.
struct DatasetCreate {
  std::string name;
  std::optional<std::string> description;
  DatasetType type = DatasetType::kSupervised;
  DatasetFilter filter;
};

using limits::kDefaultDurationSeconds;

Status ParsePromptCreate(const nlohmann::json& body, std::string* text, PromptAttributes* attrs);
Status ParseGenerateRequest(const nlohmann::json& body, GenerateRequest* out);
Status ParseAdapterCreate(const nlohmann::json& body, AdapterCreate* out);
Status ParseAdapterPatch(const nlohmann::json& body, AdapterPatch* out);
// Fills every field of *out but id and created_at.
Status ParseFeedbackCreate(const nlohmann::json& body, Feedback* out);
// {"audio_ids": [uuid, ...]} with 1..20 ids.
Status ParseAudioCompare(const nlohmann::json& body, std::vector<std::string>* ids);

// A dataset's filter_query (absent or null: no filter). Unlike the other
// bodies, unknown keys are refused: a misspelt filter would silently
// select more than meant. Ratings 1..5 with min <= max, tags as feedback
// tags, adapter_id a UUID, dates ISO-8601 with start <= end.
Status ParseDatasetFilter(const nlohmann::json& filter_query, DatasetFilter* out);
// The filter as JSON text, only the fields that are set: what a dataset
// stores and shows as its filter_query.
std::string DatasetFilterJson(const DatasetFilter& filter);
// {"type", "filter_query"?}: POST /datasets/preview.
Status ParseDatasetPreview(const nlohmann::json& body, DatasetType* type, DatasetFilter* filter);
// {"name", "description"?, "type", "filter_query"?}.
Status ParseDatasetCreate(const nlohmann::json& body, DatasetCreate* out);
// {"format"}: POST /datasets/{id}/export.
Status ParseDatasetExport(const nlohmann::json& body, ExportFormat* out);

// POST /adapters/{id}/restore: an optional {"name": ...} (the adapter name's rules).
Status ParseAdapterRestore(const nlohmann::json& body, std::optional<std::string>* name);

// ---- the feedback loop (SPEC section 8) ----

struct ExperimentCreate {
  std::string name;  // the adapter name's rules
  std::optional<std::string> description;
  std::string dataset_id;
  std::string config_json = "{}";  // checked by the trainer's option parser, not here
};
// PUT /experiments/{id}: the fields present change.
struct ExperimentPatch {
  std::optional<std::string> name;
  std::optional<std::optional<std::string>> description;  // null clears it
  std::optional<std::string> config_json;
};
struct RunCreate {
  std::optional<std::string> name;
  std::string config_json = "{}";  // overrides the experiment's, key by key
};
// POST /adapters/{id}/versions.
struct VersionCreate {
  std::optional<std::string> version;  // 1..50 characters; default: the next number
  std::optional<std::string> description;
  std::optional<std::string> config_json;  // default: the adapter's current config
};
Status ParseExperimentCreate(const nlohmann::json& body, ExperimentCreate* out);
Status ParseExperimentPatch(const nlohmann::json& body, ExperimentPatch* out);
Status ParseRunCreate(const nlohmann::json& body, RunCreate* out);
Status ParseVersionCreate(const nlohmann::json& body, VersionCreate* out);

// Optional fields of a request body's object `o`, for bodies assembled
// elsewhere (http/api_trash.cc): each leaves *out unset when the field is
// absent or null, and words its error after `key`.
Status OptionalIntField(const nlohmann::json& o, const char* key, IntRange range,
                        std::optional<int64_t>* out);
Status OptionalBoolField(const nlohmann::json& o, const char* key, std::optional<bool>* out);
Status OptionalUuidField(const nlohmann::json& o, const char* key, std::optional<std::string>* out);
// An ISO-8601 date-time string.
Status OptionalTimeField(const nlohmann::json& o, const char* key, std::optional<Micros>* out);
// An array of `count.min`..`count.max` UUID strings.
Status OptionalUuidList(const nlohmann::json& o, const char* key, IntRange count,
                        std::optional<std::vector<std::string>>* out);
// An array of at most `max_items` strings of `length` characters.
Status OptionalStringList(const nlohmann::json& o, const char* key, int64_t max_items, IntRange length,
                          std::optional<std::vector<std::string>>* out);

// A UUID field or path segment; `what` names it in the message.
Status ParseUuidValue(const std::string& text, const char* what, std::string* out);

}  // namespace studio
