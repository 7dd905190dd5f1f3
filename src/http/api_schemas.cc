#include "http/api_schemas.h"

#include <initializer_list>
#include <utility>

#include "domain/limits.h"
#include "domain/types.h"
#include "domain/vocabulary.h"

namespace studio {

using json = nlohmann::json;

namespace {

// Builders. Response objects list every field as required and forbid
// others, so a missing or renamed field fails validation.
json Str() { return {{"type", "string"}}; }
json Int() { return {{"type", "integer"}}; }
json Num() { return {{"type", "number"}}; }
json Bool() { return {{"type", "boolean"}}; }
json Uuid() { return {{"type", "string"}, {"format", "uuid"}}; }
json Time() { return {{"type", "string"}, {"format", "date-time"}}; }
json IntIn(int64_t lo, int64_t hi) { return {{"type", "integer"}, {"minimum", lo}, {"maximum", hi}}; }
json NumIn(double lo, double hi) { return {{"type", "number"}, {"minimum", lo}, {"maximum", hi}}; }
json StrLen(int64_t lo, int64_t hi) { return {{"type", "string"}, {"minLength", lo}, {"maxLength", hi}}; }
// The ranges of domain/limits.h, so the document says what validation checks.
json IntIn(IntRange r) { return IntIn(r.min, r.max); }
json NumIn(NumberRange r) { return NumIn(r.min, r.max); }
json StrLen(IntRange r) { return StrLen(r.min, r.max); }
json Enum(std::initializer_list<const char*> values) {
  json v = json::array();
  for (const char* s : values) v.push_back(s);
  return {{"type", "string"}, {"enum", v}};
}
json ArrayOf(json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
// `schema` or null.
json Nullable(json schema) {
  if (schema.contains("$ref")) return {{"oneOf", {std::move(schema), {{"type", "null"}}}}};
  schema["type"] = {schema["type"], "null"};
  if (schema.contains("enum")) schema["enum"].push_back(nullptr);  // else null fails the enum
  return schema;
}
using Fields = std::vector<std::pair<std::string, json>>;
// A response object: every field required, no others.
json Object(const Fields& fields, std::initializer_list<const char*> optional = {}) {
  json props = json::object(), required = json::array();
  for (const auto& [name, schema] : fields) {
    props[name] = schema;
    bool opt = false;
    for (const char* o : optional) opt |= name == o;
    if (!opt) required.push_back(name);
  }
  return {{"type", "object"}, {"properties", props}, {"required", required},
          {"additionalProperties", false}};
}
// A request body: the listed fields required, others ignored by the server.
json Body(const Fields& fields, std::initializer_list<const char*> required_names = {}) {
  json props = json::object(), required = json::array();
  for (const auto& [name, schema] : fields) props[name] = schema;
  for (const char* r : required_names) required.push_back(r);
  json out = {{"type", "object"}, {"properties", props}};
  if (!required.empty()) out["required"] = required;
  return out;
}

json InstrumentName() {
  json names = json::array();
  for (const InstrumentInfo& i : AllInstruments()) names.push_back(std::string(i.name));
  return {{"type", "string"}, {"enum", names}};
}

json ExportFormatEnum() {
  json v = json::array();
  for (ExportFormat f : AllExportFormats()) v.push_back(ExportFormatName(f));
  return {{"type", "string"}, {"enum", v}};
}

// What the engine rendered a sample with (docs/FEEDBACK_LOOP.md), or null
// for samples rendered before style features were recorded.
json StyleSchema() {
  return {{"type", {"object", "null"}},
          {"additionalProperties", true},
          {"description", "the style features the engine rendered the sample with; null for older samples"}};
}

json JobStatusEnum() { return Enum({"queued", "processing", "completed", "failed", "cancelled"}); }

json VocabularySchema() {
  json sound = {{"type", "object"},
                {"properties", {{"kind", Str()}, {"program", Int()}, {"note", Int()}, {"effect", Str()}}},
                {"required", {"kind"}},
                {"additionalProperties", false}};
  json config_key = Object({{"key", Str()}, {"type", Str()}, {"min", Nullable(Num())},
                            {"max", Nullable(Num())}, {"default", Nullable(Num())},
                            {"description", Str()}, {"choices", ArrayOf(Str())},
                            {"roles", ArrayOf(Str())}},
                           {"choices", "roles"});
  json limit = Object({{"kind", Enum({"integer", "number", "length", "count"})}, {"min", Num()},
                       {"max", Num()}, {"default", Nullable(Num())}, {"applies_to", Str()}});
  return Object({{"instrument_families", ArrayOf(Object({{"id", Str()}, {"label", Str()}}))},
                 {"instruments", ArrayOf(Object({{"name", InstrumentName()}, {"family", Str()},
                                                 {"maps_to", sound}}))},
                 {"modes", ArrayOf(Str())},
                 {"moods", ArrayOf(Object({{"word", Str()},
                                           {"mode", Nullable(Enum({"minor", "major"}))},
                                           {"tempo", Nullable(Enum({"slower", "faster"}))}}))},
                 {"styles", ArrayOf(Object({{"name", Str()}, {"keywords", ArrayOf(Str())}}))},
                 {"adapter_config", ArrayOf(config_key)},
                 {"limits", {{"type", "object"}, {"additionalProperties", limit}}}});
}

// Feedback records per rating: {"1": n, ..., "5": n}.
json RatingDistribution() {
  return Object({{"1", Int()}, {"2", Int()}, {"3", Int()}, {"4", Int()}, {"5", Int()}});
}

}  // namespace

json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

json ApiSchemas() {
  json s = json::object();
  s["Error"] = Object({{"detail", Str()}});
  s["Health"] = Object({{"status", Enum({"ok"})}, {"version", Str()}, {"database", Enum({"sqlite", "postgresql"})}});
  s["Vocabulary"] = VocabularySchema();
  s["HealthUnavailable"] = Object({{"status", Enum({"unavailable"})}, {"detail", Str()}});
  s["PromptAttributes"] = Object({{"style", Nullable(Str())},
                                  {"tempo", Nullable(IntIn(limits::kTempo))},
                                  {"primary_instruments", ArrayOf(InstrumentName())},
                                  {"secondary_instruments", ArrayOf(InstrumentName())},
                                  {"mood", Nullable(Str())},
                                  {"duration", Nullable(IntIn(limits::kDuration))}});
  s["Prompt"] = Object({{"id", Uuid()}, {"text", Str()}, {"attributes", Ref("PromptAttributes")},
                        {"created_at", Time()}});
  s["PromptList"] = Object({{"items", ArrayOf(Ref("Prompt"))}, {"total", Int()}, {"page", Int()}, {"limit", Int()}});
  s["GenerationParams"] = Object({{"seed", Int()},
                                  {"temperature", Num()},
                                  {"top_k", Int()},
                                  {"top_p", Num()},
                                  {"duration", Int()}});
  s["Job"] = Object({{"id", Uuid()},
                     {"prompt_id", Uuid()},
                     {"prompt_preview", Str()},
                     {"adapter_id", Nullable(Uuid())},
                     {"adapter_name", Nullable(Str())},
                     {"adapter_deleted", Bool()},
                     {"status", JobStatusEnum()},
                     {"progress", NumIn(0, 1)},
                     {"num_samples", IntIn(limits::kNumSamples)},
                     {"audio_ids", ArrayOf(Uuid())},
                     {"error", Nullable(Str())},
                     {"generation_params", Ref("GenerationParams")},
                     {"duration_seconds", Int()},
                     {"created_at", Time()},
                     {"completed_at", Nullable(Time())},
                     {"deleted_at", Nullable(Time())}},
                    {"deleted_at"});
  s["Job"]["properties"]["deleted_at"]["description"] = "only with include_deleted=true";
  s["JobStatus"] = Object({{"id", Uuid()},
                           {"status", JobStatusEnum()},
                           {"progress", NumIn(0, 1)},
                           {"audio_ids", ArrayOf(Uuid())},
                           {"error", Nullable(Str())},
                           {"created_at", Time()}});
  s["JobList"] = Object({{"items", ArrayOf(Ref("Job"))}, {"total", Int()}, {"limit", Int()}, {"offset", Int()}});
  s["JobStats"] = Object({{"status_counts", Object({{"queued", Int()},
                                                     {"processing", Int()},
                                                     {"completed", Int()},
                                                     {"failed", Int()},
                                                     {"cancelled", Int()}})},
                          {"active_jobs", Int()},
                          {"avg_processing_time_seconds", Nullable(Num())},
                          {"jobs_today", Int()},
                          {"total_jobs", Int()}});
  s["JobDeleted"] = Object({{"status", Enum({"deleted"})}, {"job_id", Uuid()}, {"feedback_deleted", Int()}});
  s["DatasetsAffected"] = ArrayOf(Object({{"id", Uuid()}, {"name", Str()}, {"members_removed", Int()}}));
  s["JobDeletePreview"] = Object({{"job_id", Uuid()}, {"status", JobStatusEnum()},
                                  {"feedback_count", Int()}, {"will_cancel", Bool()},
                                  {"datasets_affected", Ref("DatasetsAffected")}});
  s["AudioSample"] = Object({{"id", Uuid()},
                             {"job_id", Uuid()},
                             {"prompt_id", Uuid()},
                             {"adapter_id", Nullable(Uuid())},
                             {"label", Str()},
                             {"storage_path", Str()},
                             {"duration_seconds", Num()},
                             {"sample_rate", Int()},
                             {"generation_params", Ref("GenerationParams")},
                             {"style", StyleSchema()},
                             {"created_at", Time()}});
  s["AudioCompare"] = Object({{"samples", ArrayOf(Ref("AudioSample"))}});
  s["Feedback"] = Object({{"id", Uuid()},
                          {"audio_id", Uuid()},
                          {"rating", Nullable(IntIn(limits::kRating))},
                          {"rating_criterion", Str()},
                          {"preferred_over", Nullable(Uuid())},
                          {"tags", ArrayOf(Str())},
                          {"notes", Nullable(Str())},
                          {"created_at", Time()}});
  s["FeedbackList"] = Object({{"items", ArrayOf(Ref("Feedback"))}, {"total", Int()}});
  s["FeedbackDeleted"] = Object({{"status", Enum({"deleted"})}, {"feedback_id", Uuid()}});
  s["FeedbackSummary"] = Object({{"total_feedback", Int()},
                                 {"total_ratings", Int()},
                                 {"total_preferences", Int()},
                                 {"rating_distribution", RatingDistribution()},
                                 {"high_rated_samples", Int()}});
  s["JobFeedback"] = Object({{"job_id", Uuid()},
                             {"prompt_id", Uuid()},
                             {"total_samples", Int()},
                             {"total_feedback", Int()},
                             {"average_rating", Nullable(Num())},
                             {"samples", ArrayOf(Object({{"audio_id", Uuid()},
                                                         {"label", Str()},
                                                         {"feedback", ArrayOf(Ref("Feedback"))},
                                                         {"average_rating", Nullable(Num())},
                                                         {"feedback_count", Int()}}))}});
  s["Adapter"] = Object({{"id", Uuid()},
                         {"name", Str()},
                         {"description", Nullable(Str())},
                         {"base_model", Str()},
                         {"storage_path", Nullable(Str())},
                         {"config", {{"type", "object"}, {"description", "style parameters (src/engine/adapter_style.h)"}}},
                         {"is_active", Bool()},
                         {"status", Enum({"active", "archived"})},
                         {"current_version", Nullable(Str())},
                         {"created_at", Time()},
                         {"updated_at", Time()},
                         {"deleted_at", Nullable(Time())}},
                        {"deleted_at"});
  s["Adapter"]["properties"]["deleted_at"]["description"] = "only with include_deleted=true";
  // ---- SPEC section 8: adapter versions, experiments, runs ----
  s["AdapterVersion"] = Object({{"id", Uuid()},
                                {"adapter_id", Uuid()},
                                {"version", Str()},
                                {"description", Nullable(Str())},
                                {"config", {{"type", "object"}}},
                                {"source", Enum({"manual", "training"})},
                                {"run_id", Nullable(Uuid())},
                                {"is_current", Bool()},
                                {"created_at", Time()}});
  s["Adapter"]["properties"]["versions"] = ArrayOf(Ref("AdapterVersion"));
  s["Adapter"]["properties"]["versions"]["description"] = "oldest first; in GET /adapters/{id} and activate";
  s["AdapterTimeline"] = Object({{"events", ArrayOf(Object({{"type", Enum({"created", "version", "activated",
                                                                          "training_run", "deleted", "restored"})},
                                                             {"timestamp", Time()},
                                                             {"title", Str()},
                                                             {"metadata", {{"type", "object"}}}}))},
                                 {"total_versions", Int()},
                                 {"total_training_runs", Int()}});
  s["Experiment"] = Object({{"id", Uuid()},
                            {"name", Str()},
                            {"description", Nullable(Str())},
                            {"dataset_id", Uuid()},
                            {"dataset_name", Nullable(Str())},
                            {"dataset_deleted", Bool()},
                            {"status", Enum({"draft", "running", "completed", "failed", "cancelled"})},
                            {"config", {{"type", "object"}}},
                            {"best_run_id", Nullable(Uuid())},
                            {"best_loss", Nullable(Num())},
                            {"run_count", Int()},
                            {"created_at", Time()},
                            {"updated_at", Time()},
                            {"deleted_at", Nullable(Time())}},
                           {"deleted_at"});
  s["ExperimentList"] = Object({{"items", ArrayOf(Ref("Experiment"))}, {"total", Int()}, {"limit", Int()},
                                {"offset", Int()}});
  s["ExperimentDeleted"] = Object({{"status", Enum({"deleted"})}, {"experiment_id", Uuid()}});
  s["Run"] = Object({{"id", Uuid()},
                     {"experiment_id", Uuid()},
                     {"adapter_id", Nullable(Uuid())},
                     {"adapter_name", Nullable(Str())},
                     {"name", Str()},
                     {"status", Enum({"queued", "running", "completed", "failed", "cancelled"})},
                     {"progress", NumIn(0, 1)},
                     {"config", {{"type", "object"}}},
                     {"metrics", {{"type", "object"}}},
                     {"final_loss", Nullable(Num())},
                     {"error", Nullable(Str())},
                     {"explanation", Nullable(Str())},
                     {"lineage", Nullable(Object({{"dataset_id", Uuid()},
                                                  {"dataset_name", Nullable(Str())},
                                                  {"dataset_deleted", Bool()},
                                                  {"member_count", Int()},
                                                  {"data_hash", Str()}}))},
                     {"started_at", Nullable(Time())},
                     {"completed_at", Nullable(Time())},
                     {"created_at", Time()}});
  s["RunList"] = Object({{"items", ArrayOf(Ref("Run"))}, {"total", Int()}});
  s["RunDeleted"] = Object({{"status", Enum({"deleted"})}, {"run_id", Uuid()}});
  s["RunLogs"] = Object({{"run_id", Uuid()},
                         {"status", Enum({"queued", "running", "completed", "failed", "cancelled"})},
                         {"logs", ArrayOf(Object({{"seq", Int()}, {"timestamp", Time()}, {"message", Str()}}))}});
  s["ExperimentMetrics"] = Object({{"experiment_id", Uuid()},
                                   {"runs", ArrayOf(Object({{"run_id", Uuid()},
                                                            {"name", Str()},
                                                            {"status", Str()},
                                                            {"final_loss", Nullable(Num())},
                                                            {"heldout_accuracy", Nullable(Num())},
                                                            {"chance_accuracy", Nullable(Num())},
                                                            {"loss", ArrayOf({{"type", "object"}})}}))}});
  s["AdapterList"] = Object({{"items", ArrayOf(Ref("Adapter"))}, {"total", Int()}});
  s["AdapterStats"] = Object({{"total", Int()}, {"active", Int()}, {"archived", Int()}, {"total_versions", Int()}});
  s["AdapterDeleted"] = Object({{"status", Enum({"deleted"})}, {"adapter_id", Uuid()}});
  s["AdapterDeletePreview"] = Object({{"adapter_id", Uuid()}, {"jobs_count", Int()}});
  s["FeedbackDeletePreview"] = Object({{"feedback_id", Uuid()}, {"datasets_affected", Ref("DatasetsAffected")}});
  // ---- datasets (SPEC section 8) ----
  const json dataset_type = Enum({"supervised", "preference"});
  const json tag_list = {{"type", "array"}, {"items", StrLen(limits::kTag)}, {"maxItems", limits::kMaxTags}};
  const Fields filter_fields = {{"min_rating", IntIn(limits::kRating)}, {"max_rating", IntIn(limits::kRating)},
                                {"required_tags", tag_list}, {"excluded_tags", tag_list},
                                {"adapter_id", Uuid()}, {"start_date", Time()}, {"end_date", Time()}};
  json filter_query = Object(filter_fields, {"min_rating", "max_rating", "required_tags", "excluded_tags",
                                             "adapter_id", "start_date", "end_date"});
  filter_query["description"] = "unknown keys are refused (422)";
  s["DatasetFilter"] = filter_query;
  s["Dataset"] = Object({{"id", Uuid()},
                         {"name", Str()},
                         {"description", Nullable(Str())},
                         {"type", dataset_type},
                         {"filter_query", Ref("DatasetFilter")},
                         {"sample_count", Int()},
                         {"export_path", Nullable(Str())},
                         {"created_at", Time()},
                         {"deleted_at", Nullable(Time())}},
                        {"deleted_at"});
  s["Dataset"]["properties"]["deleted_at"]["description"] = "only with include_deleted=true";
  s["Dataset"]["properties"]["export_path"]["description"] = "the download URL of the last export; null until exported";
  s["DatasetList"] = Object({{"items", ArrayOf(Ref("Dataset"))}, {"total", Int()}, {"page", Int()}, {"limit", Int()}});
  s["DatasetPreview"] = Object({{"count", Int()}});
  s["DatasetDeleted"] = Object({{"status", Enum({"deleted"})}, {"dataset_id", Uuid()}});
  s["DatasetDeletePreview"] = Object({{"dataset_id", Uuid()}, {"sample_count", Int()}, {"experiments", Int()},
                                      {"runs", Int()}});
  s["DatasetExport"] = Object({{"dataset_id", Uuid()}, {"export_path", Str()}, {"sample_count", Int()},
                               {"format", ExportFormatEnum()}});
  s["DatasetStats"] = Object({{"dataset_id", Uuid()},
                              {"sample_count", Int()},
                              {"rating_distribution",
                               Object({{"1", Int()}, {"2", Int()}, {"3", Int()}, {"4", Int()}, {"5", Int()}})},
                              {"unique_prompts", Int()},
                              {"unique_adapters", Int()},
                              {"tag_frequency", {{"type", "object"}, {"additionalProperties", Int()}}},
                              {"inter_rater_agreement", Nullable(NumIn(0, 1))},
                              {"preference_consistency", Nullable(NumIn(0, 1))}});

  // Request bodies (validation.h). Optional fields may also be null.
  s["PromptCreate"] = Body({{"text", StrLen(limits::kPromptText)},
                            {"attributes", Body({{"style", Nullable(StrLen(limits::kStyleText))},
                                                 {"tempo", Nullable(IntIn(limits::kTempo))},
                                                 {"primary_instruments", Nullable(ArrayOf(InstrumentName()))},
                                                 {"secondary_instruments", Nullable(ArrayOf(InstrumentName()))},
                                                 {"mood", Nullable(StrLen(limits::kMoodText))},
                                                 {"duration", Nullable(IntIn(limits::kDuration))}})}},
                           {"text"});
  s["GenerateRequest"] = Body({{"prompt_id", Uuid()},
                               {"num_samples", IntIn(limits::kNumSamples)},
                               {"adapter_id", Nullable(Uuid())},
                               {"seed", Nullable(IntIn(limits::kSeed))},
                               {"temperature", NumIn(limits::kTemperature)},
                               {"top_k", IntIn(limits::kTopK)},
                               {"top_p", NumIn(limits::kTopP)},
                               {"duration", Nullable(IntIn(limits::kDuration))}},
                              {"prompt_id"});
  s["AdapterCreate"] = Body({{"name", StrLen(limits::kAdapterName)},
                             {"description", Nullable(StrLen(limits::kAdapterDescription))},
                             {"base_model", StrLen(limits::kBaseModel)},
                             {"config", {{"type", "object"}}},
                             {"is_active", Bool()}},
                            {"name"});
  s["AdapterPatch"] = Body({{"name", StrLen(limits::kAdapterName)},
                            {"description", Nullable(StrLen(limits::kAdapterDescription))},
                            {"config", {{"type", "object"}}},
                            {"is_active", Bool()},
                            {"status", Enum({"active", "archived"})}});
  s["FeedbackCreate"] = Body({{"audio_id", Uuid()},
                              {"rating", Nullable(IntIn(limits::kRating))},
                              {"rating_criterion", StrLen(limits::kRatingCriterion)},
                              {"preferred_over", Nullable(Uuid())},
                              {"tags", ArrayOf(StrLen(limits::kTag))},
                              {"notes", Nullable(StrLen(limits::kNotes))}},
                             {"audio_id"});
  s["FeedbackCreate"]["description"] = "at least one of rating, preferred_over, tags";
  s["ExperimentCreate"] = Body({{"name", StrLen(limits::kAdapterName)},
                                {"description", Nullable(StrLen(limits::kAdapterDescription))},
                                {"dataset_id", Uuid()},
                                {"config", {{"type", "object"}, {"description", "training options (docs/TRAINING.md)"}}}},
                               {"name", "dataset_id"});
  s["ExperimentUpdate"] = Body({{"name", StrLen(limits::kAdapterName)},
                                {"description", Nullable(StrLen(limits::kAdapterDescription))},
                                {"config", {{"type", "object"}}}});
  s["RunCreate"] = Body({{"name", Nullable(StrLen(limits::kAdapterName))}, {"config", {{"type", "object"}}}});
  s["VersionCreate"] = Body({{"version", Nullable(StrLen(limits::kVersionName))},
                             {"description", Nullable(StrLen(limits::kAdapterDescription))},
                             {"config", {{"type", "object"}}}});
  // ---- SPEC section 7 ----
  // A trash entry: the row (deleted_at always set) and what the trash adds.
  auto trashed = [&](const char* base, Fields extra) {
    json t = s[base];
    t["properties"]["deleted_at"] = Time();
    t["required"].push_back("deleted_at");
    t["properties"]["purge_after"] = Nullable(Time());
    t["properties"]["purge_after"]["description"] = "when the retention purges it; null when retention is off";
    t["required"].push_back("purge_after");
    for (auto& [name, schema] : extra) {
      t["properties"][name] = schema;
      t["required"].push_back(name);
    }
    return t;
  };
  s["TrashedJob"] = trashed("Job", {{"sample_count", Int()}, {"feedback_deleted", Int()}});
  s["TrashedAdapter"] = trashed("Adapter", {{"held_by_jobs", Int()}});
  s["TrashedDataset"] = trashed("Dataset", {});
  s["TrashedExperiment"] = trashed("Experiment", {});
  s["TrashList"] = Object({{"items", ArrayOf({{"oneOf", {Ref("TrashedJob"), Ref("TrashedAdapter"),
                                                          Ref("TrashedDataset"), Ref("TrashedExperiment")}}})},
                           {"total", Int()}, {"limit", Int()}, {"offset", Int()},
                           {"type", Enum({"jobs", "adapters", "datasets", "experiments", "ab_tests"})}});
  s["PurgeResult"] = Object({{"jobs", Int()}, {"samples", Int()}, {"adapters", Int()}, {"datasets", Int()},
                             {"experiments", Int()}, {"ab_tests", Int()}, {"files", Int()}, {"bytes_reclaimed", Int()},
                             {"dry_run", Bool()}});
  s["StorageReport"] = Object({{"live_bytes", Int()}, {"trashed_bytes", Int()}, {"orphaned_bytes", Int()},
                               {"files", Int()}, {"retention_days", Int()}, {"purge_interval_seconds", Int()}});
  s["BulkJobDeleteResult"] = Object({{"jobs_deleted", Int()}, {"feedback_deleted", Int()},
                                     {"cancelled", Int()}, {"dry_run", Bool()},
                                     {"datasets_affected", Ref("DatasetsAffected")}},
                                    {"datasets_affected"});
  s["BulkJobDeleteResult"]["properties"]["datasets_affected"]["description"] = "dry runs only";
  s["BulkFeedbackDeleteResult"] = Object({{"feedback_deleted", Int()}, {"dry_run", Bool()},
                                          {"datasets_affected", Ref("DatasetsAffected")}},
                                         {"datasets_affected"});
  s["BulkFeedbackDeleteResult"]["properties"]["datasets_affected"]["description"] = "dry runs only";
  s["BulkRestoreResult"] = Object({{"jobs_restored", Int()}});
  s["AuditEvent"] = Object({{"id", Uuid()}, {"at", Time()},
                            {"action", Enum({"create", "update", "activate", "delete", "cancel", "restore", "purge",
                                             "bulk_delete", "bulk_restore"})},
                            {"entity", Enum({"job", "adapter", "adapter_version", "feedback", "dataset", "ab_test",
                                             "experiment", "training_run"})},
                            {"entity_id", Nullable(Uuid())},
                            {"counts", {{"type", "object"}, {"additionalProperties", Int()}}},
                            {"actor", Enum({"admin", "local"})}, {"request_id", Str()}});
  s["AuditList"] = Object({{"items", ArrayOf(Ref("AuditEvent"))}, {"total", Int()}, {"limit", Int()},
                           {"offset", Int()}});
  const json id_list = {{"type", "array"}, {"items", Uuid()}, {"minItems", limits::kBulkIds.min},
                        {"maxItems", limits::kBulkIds.max}};
  s["BulkJobDeleteRequest"] = Body({{"ids", id_list},
                                    {"filter", Body({{"status", JobStatusEnum()}, {"adapter_id", Uuid()},
                                                     {"prompt_id", Uuid()}, {"start_date", Time()},
                                                     {"end_date", Time()}})},
                                    {"dry_run", Bool()}});
  s["BulkJobDeleteRequest"]["description"] = "exactly one of ids or filter";
  s["BulkFeedbackDeleteRequest"] = Body({{"ids", id_list},
                                         {"filter", Body({{"job_id", Uuid()}, {"audio_id", Uuid()},
                                                          {"min_rating", IntIn(limits::kRating)},
                                                          {"max_rating", IntIn(limits::kRating)},
                                                          {"tags", ArrayOf(StrLen(limits::kTag))},
                                                          {"start_date", Time()}, {"end_date", Time()}})},
                                         {"dry_run", Bool()}});
  s["BulkFeedbackDeleteRequest"]["description"] = "exactly one of ids or filter";
  s["BulkRestoreRequest"] = Body({{"ids", id_list}}, {"ids"});
  s["AdapterRestoreRequest"] = Body({{"name", StrLen(limits::kAdapterName)}});
  s["PurgeRequest"] = Body({{"type", Enum({"jobs", "adapters", "datasets", "experiments", "ab_tests"})},
                            {"ids", id_list},
                            {"older_than_days", IntIn(limits::kOlderThanDays)},
                            {"dry_run", Bool()}});
  s["DatasetPreviewRequest"] = Body({{"type", dataset_type}, {"filter_query", Ref("DatasetFilter")}}, {"type"});
  s["DatasetCreate"] = Body({{"name", StrLen(limits::kDatasetName)},
                             {"description", Nullable(StrLen(limits::kDatasetDescription))},
                             {"type", dataset_type},
                             {"filter_query", Ref("DatasetFilter")}},
                            {"name", "type"});
  s["DatasetExportRequest"] = Body({{"format", ExportFormatEnum()}}, {"format"});
  s["AudioCompareRequest"] = Body({{"audio_ids", {{"type", "array"}, {"items", Uuid()}, {"minItems", 1}, {"maxItems", 20}}}},
                                  {"audio_ids"});
  // SPEC section 8 "Overview".
  s["MetricsOverview"] = Object(
      {{"pipeline",
        Object({{"generation", Object({{"total", Int()}, {"completed", Int()}, {"active", Int()}})},
                {"feedback", Object({{"total", Int()}, {"rated_samples", Int()}, {"pending", Int()}})},
                {"dataset", Object({{"total", Int()}, {"exported", Int()}})},
                {"training", Object({{"total", Int()}, {"running", Int()}})}})},
       {"quick_stats", Object({{"total_generations", Int()},
                               {"total_samples", Int()},
                               {"avg_rating", Nullable(NumIn(limits::kRating.min, limits::kRating.max))},
                               {"active_adapters", Int()},
                               {"total_adapters", Int()},
                               {"pending_feedback", Int()}})}});
  s["FeedbackMetrics"] = Object(
      {{"rating_distribution", RatingDistribution()},
       {"by_adapter", ArrayOf(Object({{"adapter_id", Nullable(Uuid())},
                                      {"adapter_name", Str()},
                                      {"count", Int()},
                                      {"avg_rating", Nullable(NumIn(limits::kRating.min, limits::kRating.max))}}))},
       {"preference_comparisons", Int()},
       {"tagged_feedback", Int()}});
  return s;
}

}  // namespace studio
