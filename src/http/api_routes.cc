// The /api route table (SPEC section 4): one entry per route, read by
// dispatch, the 405 Allow header, CORS and GET /api/openapi.json.
#include <climits>

#include "http/api.h"
#include "domain/limits.h"
#include "http/api_schemas.h"

namespace studio {

using json = nlohmann::json;
using T = QueryParam::Type;

namespace {

// Every route may meet a busy or absent database.
const std::vector<int> kReadErrors = {503};
// Routes with a {id} segment: a malformed id is a 422, an unknown one a 404.
std::vector<int> IdErrors(std::initializer_list<int> more = {}) {
  std::vector<int> e = {404, 422};
  e.insert(e.end(), more);
  e.push_back(503);
  return e;
}
// Routes with a JSON body: too large (413), not JSON (415), malformed or
// invalid (422), storage full (507).
std::vector<int> BodyErrors(std::initializer_list<int> more = {}) {
  std::vector<int> e(more);
  e.push_back(413);
  e.push_back(415);  // not application/json
  e.push_back(422);
  e.push_back(503);
  e.push_back(507);  // the studio's storage is full
  return e;
}

RouteResponse Ok(int status, const std::string& schema, const std::string& description) {
  return RouteResponse{status, description, Ref(schema)};
}

QueryParam Integer(const char* name, int64_t lo, int64_t hi, std::optional<int64_t> def,
                   const char* description = "") {
  QueryParam q{.name = name, .type = T::kInteger, .min = lo, .max = hi};
  q.default_int = def;
  q.description = description;
  return q;
}
QueryParam Boolean(const char* name, const char* description) {
  return QueryParam{.name = name, .type = T::kBoolean, .description = description};
}
QueryParam IncludeDeleted() {
  return QueryParam{.name = "include_deleted", .type = T::kVisibility,
                    .description = "also deleted rows (with deleted_at); needs the admin token when one is set"};
}
QueryParam Uuid(const char* name, const char* description) {
  return QueryParam{.name = name, .type = T::kUuid, .description = description};
}
QueryParam DateTime(const char* name, const char* description) {
  return QueryParam{.name = name, .type = T::kDateTime, .description = description};
}

}  // namespace

std::vector<Route> Api::RouteList() {
  const QueryParam job_status{
      .name = "status", .type = T::kEnum,
      .values = {"queued", "processing", "completed", "failed", "cancelled"}};
  const QueryParam adapter_status{.name = "status", .type = T::kEnum, .values = {"active", "archived"},
                                  .error = "status must be \"active\" or \"archived\""};
  const QueryParam tags{.name = "tags", .type = T::kCsv,
                        .description = "comma-separated; feedback carrying every one of them"};
  constexpr int64_t kOffsetMax = INT64_MAX / 2;
  const QueryParam trash_type{.name = "type", .type = T::kEnum,
                              .values = {"jobs", "adapters", "datasets", "experiments", "ab_tests"},
                              .description = "which trash (default jobs)"};
  const QueryParam audit_entity{.name = "entity", .type = T::kEnum,
                                .values = {"job", "adapter", "adapter_version", "feedback", "dataset", "ab_test",
                                            "experiment", "training_run"}};
  const QueryParam audit_action{.name = "action", .type = T::kEnum,
                                .values = {"create", "update", "activate", "delete", "cancel", "restore", "purge",
                                            "bulk_delete", "bulk_restore"}};
  std::vector<std::string> formats;
  for (ExportFormat f : AllExportFormats()) formats.push_back(ExportFormatName(f));
  const QueryParam export_format{.name = "format", .type = T::kEnum, .values = formats,
                                 .description = "jsonl, json, csv, huggingface or tar (required)"};
  // Admin-only routes also answer 403 without the token (when one is set).
  const std::vector<int> admin_read_errors = {403, 422, 503};

  json no_content = nullptr;
  return {
      {.method = "GET", .path = "/health", .operation_id = "getHealth", .summary = "Liveness, version and database kind",
       .tag = "health",
       .responses = {Ok(200, "Health", "Up"),
                     {503, "The database is not reachable", Ref("HealthUnavailable")}},
       .handler = &Api::Health},
      {.method = "GET", .path = "/vocabulary", .operation_id = "getVocabulary",
       .summary = "Instruments, moods, styles, modes, adapter config keys and value ranges",
       .tag = "health",
       .responses = {Ok(200, "Vocabulary", "The tables validation and the engine read")},
       .handler = &Api::GetVocabulary},
      {.method = "GET", .path = "/openapi.json", .operation_id = "getOpenApi",
       .summary = "This OpenAPI 3.1 document", .tag = "meta",
       .responses = {{200, "The document", {{"type", "object"}}}},
       .handler = &Api::OpenApiDocument},
      {.method = "GET", .path = "/docs", .operation_id = "getDocs",
       .summary = "Interactive API reference (HTML page reading /api/openapi.json)", .tag = "meta",
       .responses = {{200, "An HTML page", {{"type", "string"}}, "text/html"}},
       .handler = &Api::Docs},

      // ---- prompts ----
      {.method = "POST", .path = "/prompts", .operation_id = "createPrompt", .summary = "Create a prompt",
       .tag = "prompts", .request_body = Ref("PromptCreate"),
       .responses = {Ok(201, "Prompt", "Created")}, .errors = BodyErrors(),
       .handler = &Api::CreatePrompt},
      {.method = "GET", .path = "/prompts", .operation_id = "listPrompts", .summary = "List prompts, newest first",
       .tag = "prompts",
       .query = {Integer("page", 1, 1'000'000, 1), Integer("limit", 1, 100, 20)},
       .responses = {Ok(200, "PromptList", "A page of prompts")}, .errors = {422, 503},
       .handler = &Api::ListPrompts},
      {.method = "GET", .path = "/prompts/{id}", .operation_id = "getPrompt", .summary = "One prompt",
       .tag = "prompts", .responses = {Ok(200, "Prompt", "The prompt")}, .errors = IdErrors(),
       .handler = &Api::GetPrompt},

      // ---- generation ----
      {.method = "POST", .path = "/generate", .operation_id = "submitJob", .summary = "Submit a generation job",
       .tag = "generation", .request_body = Ref("GenerateRequest"),
       .responses = {Ok(201, "Job", "Queued")}, .errors = BodyErrors({400, 404}),
       .handler = &Api::SubmitJob},
      {.method = "GET", .path = "/generate/{id}", .operation_id = "getJobStatus", .summary = "A job's status",
       .tag = "generation", .responses = {Ok(200, "JobStatus", "The status")}, .errors = IdErrors(),
       .handler = &Api::GetJobStatus},
      {.method = "DELETE", .path = "/generate/{id}", .operation_id = "cancelJob",
       .summary = "Cancel a queued or processing job", .tag = "generation",
       .responses = {{204, "Cancelled", no_content, ""}}, .errors = IdErrors({400}),
       .handler = &Api::CancelJob},
      {.method = "GET", .path = "/generate/{id}/feedback", .operation_id = "getJobFeedback",
       .summary = "Feedback grouped by sample (labels A-D)", .tag = "generation",
       .responses = {Ok(200, "JobFeedback", "Feedback by sample")}, .errors = IdErrors(),
       .handler = &Api::GetJobFeedback},

      // ---- jobs ----
      {.method = "GET", .path = "/jobs", .operation_id = "listJobs", .summary = "List jobs, newest first",
       .tag = "jobs",
       .query = {IncludeDeleted(), job_status, Uuid("adapter_id", "jobs that used this adapter"),
                 DateTime("start_date", "created at or after"), DateTime("end_date", "created at or before"),
                 Integer("limit", 1, 100, 20), Integer("offset", 0, kOffsetMax, 0)},
       .responses = {Ok(200, "JobList", "A page of jobs")}, .errors = {403, 422, 503},
       .handler = &Api::ListJobs},
      {.method = "GET", .path = "/jobs/stats", .operation_id = "getJobStats", .summary = "Job counts and timings",
       .tag = "jobs", .responses = {Ok(200, "JobStats", "Statistics")}, .errors = kReadErrors,
       .handler = &Api::GetJobStats},
      {.method = "GET", .path = "/jobs/{id}", .operation_id = "getJob", .summary = "One job", .tag = "jobs",
       .query = {IncludeDeleted()},
       .responses = {Ok(200, "Job", "The job")}, .errors = IdErrors({403}),
       .handler = &Api::GetJob},
      {.method = "DELETE", .path = "/jobs/{id}", .operation_id = "deleteJob",
       .summary = "Soft-delete a job (cancels it, hard-deletes its feedback)", .tag = "jobs",
       .responses = {Ok(200, "JobDeleted", "Deleted")}, .errors = IdErrors(),
       .handler = &Api::DeleteJob},
      {.method = "POST", .path = "/jobs/{id}/restore", .operation_id = "restoreJob",
       .summary = "Bring a trashed job back (never re-queued; its feedback stays deleted)", .tag = "trash",
       .request_body = {{"type", "object"}}, .body_optional = true,
       .responses = {Ok(200, "Job", "The restored job")}, .errors = IdErrors({413, 415, 507}),
       .handler = &Api::RestoreJob},
      {.method = "POST", .path = "/jobs/bulk-delete", .operation_id = "bulkDeleteJobs",
       .summary = "Delete many jobs in one transaction (the rules of a single delete for each)", .tag = "jobs",
       .request_body = Ref("BulkJobDeleteRequest"),
       .responses = {Ok(200, "BulkJobDeleteResult", "Deleted (or, with dry_run, what would be)")},
       .errors = BodyErrors(), .handler = &Api::BulkDeleteJobs},
      {.method = "POST", .path = "/jobs/bulk-restore", .operation_id = "bulkRestoreJobs",
       .summary = "Restore many trashed jobs in one transaction", .tag = "trash",
       .request_body = Ref("BulkRestoreRequest"),
       .responses = {Ok(200, "BulkRestoreResult", "Restored")}, .errors = BodyErrors(),
       .handler = &Api::BulkRestoreJobs},
      {.method = "GET", .path = "/jobs/{id}/delete-preview", .operation_id = "previewJobDelete",
       .summary = "What deleting the job would do", .tag = "jobs",
       .responses = {Ok(200, "JobDeletePreview", "The consequences")}, .errors = IdErrors(),
       .handler = &Api::PreviewJobDelete},

      // ---- audio ----
      {.method = "GET", .path = "/audio/{id}", .operation_id = "getAudio", .summary = "A sample's metadata",
       .tag = "audio", .responses = {Ok(200, "AudioSample", "The sample")}, .errors = IdErrors(),
       .handler = &Api::GetAudio},
      {.method = "GET", .path = "/audio/{id}/stream", .operation_id = "streamAudio",
       .summary = "The sample's WAV file (Range requests honoured)", .tag = "audio",
       .responses = {{200, "The whole file", {{"type", "string"}, {"contentMediaType", "audio/wav"}}, "audio/wav"},
                     {206, "The requested range", {{"type", "string"}, {"contentMediaType", "audio/wav"}},
                      "audio/wav"}},
       .errors = IdErrors({416, 501}),
       .handler = &Api::StreamAudio},
      {.method = "GET", .path = "/audio/{id}/midi", .operation_id = "downloadAudioMidi",
       .summary = "The Standard MIDI File of the score the sample was rendered from", .tag = "audio",
       .responses = {{200, "The MIDI file", {{"type", "string"}, {"contentMediaType", "audio/midi"}},
                      "audio/midi"}},
       .errors = IdErrors(),
       .handler = &Api::DownloadAudioMidi},
      {.method = "POST", .path = "/audio/compare", .operation_id = "compareAudio",
       .summary = "Metadata of several samples", .tag = "audio", .request_body = Ref("AudioCompareRequest"),
       .responses = {Ok(200, "AudioCompare", "The samples, in the order asked")}, .errors = BodyErrors({404}),
       .handler = &Api::CompareAudio},

      // ---- adapters ----
      {.method = "GET", .path = "/adapters", .operation_id = "listAdapters", .summary = "List adapters",
       .tag = "adapters",
       .query = {IncludeDeleted(), Boolean("active_only", "only adapters with is_active"), adapter_status,
                 Integer("skip", 0, kOffsetMax, 0), Integer("limit", 1, 1000, 100)},
       .responses = {Ok(200, "AdapterList", "A page of adapters")}, .errors = {403, 422, 503},
       .handler = &Api::ListAdapters},
      {.method = "POST", .path = "/adapters", .operation_id = "createAdapter", .summary = "Create an adapter",
       .tag = "adapters", .request_body = Ref("AdapterCreate"),
       .responses = {Ok(201, "Adapter", "Created")}, .errors = BodyErrors({409}),
       .handler = &Api::CreateAdapter},
      {.method = "GET", .path = "/adapters/stats", .operation_id = "getAdapterStats", .summary = "Adapter counts",
       .tag = "adapters", .responses = {Ok(200, "AdapterStats", "Counts")}, .errors = kReadErrors,
       .handler = &Api::GetAdapterStats},
      {.method = "GET", .path = "/adapters/{id}", .operation_id = "getAdapter", .summary = "One adapter",
       .tag = "adapters", .query = {IncludeDeleted()},
       .responses = {Ok(200, "Adapter", "The adapter")}, .errors = IdErrors({403}),
       .handler = &Api::GetAdapter},
      {.method = "PATCH", .path = "/adapters/{id}", .operation_id = "updateAdapter",
       .summary = "Change an adapter's fields", .tag = "adapters", .request_body = Ref("AdapterPatch"),
       .responses = {Ok(200, "Adapter", "The changed adapter")}, .errors = BodyErrors({404, 409}),
       .handler = &Api::UpdateAdapter},
      {.method = "DELETE", .path = "/adapters/{id}", .operation_id = "deleteAdapter",
       .summary = "Soft-delete an adapter", .tag = "adapters",
       .responses = {Ok(200, "AdapterDeleted", "Deleted")}, .errors = IdErrors(),
       .handler = &Api::DeleteAdapter},
      {.method = "POST", .path = "/adapters/{id}/restore", .operation_id = "restoreAdapter",
       .summary = "Bring a trashed adapter back, inactive (optionally under a new name)", .tag = "trash",
       .request_body = Ref("AdapterRestoreRequest"), .body_optional = true,
       .responses = {Ok(200, "Adapter", "The restored adapter")}, .errors = IdErrors({409, 413, 415, 507}),
       .handler = &Api::RestoreAdapter},
      {.method = "POST", .path = "/adapters/{id}/versions", .operation_id = "createAdapterVersion",
       .summary = "A new version of the adapter, made current", .tag = "adapters",
       .request_body = Ref("VersionCreate"), .body_optional = true,
       .responses = {Ok(201, "AdapterVersion", "Created")}, .errors = BodyErrors({404, 409}),
       .handler = &Api::CreateAdapterVersion},
      {.method = "PATCH", .path = "/adapters/{id}/versions/{version_id}/activate",
       .operation_id = "activateAdapterVersion", .summary = "Make a version current", .tag = "adapters",
       .responses = {Ok(200, "Adapter", "The adapter, with that version current")}, .errors = IdErrors(),
       .handler = &Api::ActivateAdapterVersion},
      {.method = "GET", .path = "/adapters/{id}/timeline", .operation_id = "getAdapterTimeline",
       .summary = "Creation, versions, activations and training runs, oldest first", .tag = "adapters",
       .responses = {Ok(200, "AdapterTimeline", "The timeline")}, .errors = IdErrors(),
       .handler = &Api::GetAdapterTimeline},
      {.method = "GET", .path = "/adapters/{id}/delete-preview", .operation_id = "previewAdapterDelete",
       .summary = "Live jobs that used the adapter", .tag = "adapters",
       .responses = {Ok(200, "AdapterDeletePreview", "The consequences")}, .errors = IdErrors(),
       .handler = &Api::PreviewAdapterDelete},

      // ---- feedback ----
      {.method = "POST", .path = "/feedback", .operation_id = "createFeedback",
       .summary = "Rate a sample, prefer it over another, or tag it", .tag = "feedback",
       .request_body = Ref("FeedbackCreate"),
       .responses = {Ok(201, "Feedback", "Created")}, .errors = BodyErrors({400, 404}),
       .handler = &Api::CreateFeedback},
      {.method = "GET", .path = "/feedback", .operation_id = "listFeedback", .summary = "List feedback",
       .tag = "feedback",
       .query = {Uuid("audio_id", "feedback on this sample"),
                 Uuid("job_id", "feedback on this job's samples (404 when the job is unknown or deleted)"),
                 Integer("min_rating", limits::kRating.min, limits::kRating.max, std::nullopt),
                 Integer("max_rating", limits::kRating.min, limits::kRating.max, std::nullopt),
                 Integer("page", 1, 1'000'000, 1), Integer("limit", 1, 100, 50), tags},
       .responses = {Ok(200, "FeedbackList", "A page of feedback")}, .errors = {404, 422, 503},
       .handler = &Api::ListFeedback},
      {.method = "GET", .path = "/feedback/summary", .operation_id = "getFeedbackSummary",
       .summary = "Totals and rating distribution", .tag = "feedback",
       .responses = {Ok(200, "FeedbackSummary", "The summary")}, .errors = kReadErrors,
       .handler = &Api::GetFeedbackSummary},
      {.method = "POST", .path = "/feedback/bulk-delete", .operation_id = "bulkDeleteFeedback",
       .summary = "Hard-delete many feedback records in one transaction", .tag = "feedback",
       .request_body = Ref("BulkFeedbackDeleteRequest"),
       .responses = {Ok(200, "BulkFeedbackDeleteResult", "Deleted (or, with dry_run, what would be)")},
       .errors = BodyErrors(), .handler = &Api::BulkDeleteFeedback},
      {.method = "GET", .path = "/feedback/{id}", .operation_id = "getFeedback", .summary = "One feedback entry",
       .tag = "feedback", .responses = {Ok(200, "Feedback", "The feedback")}, .errors = IdErrors(),
       .handler = &Api::GetFeedback},
      {.method = "GET", .path = "/feedback/{id}/delete-preview", .operation_id = "previewFeedbackDelete",
       .summary = "The datasets deleting the feedback record would change", .tag = "feedback",
       .responses = {Ok(200, "FeedbackDeletePreview", "The consequences")}, .errors = IdErrors(),
       .handler = &Api::PreviewFeedbackDelete},
      {.method = "DELETE", .path = "/feedback/{id}", .operation_id = "deleteFeedback",
       .summary = "Hard-delete a feedback entry", .tag = "feedback",
       .responses = {Ok(200, "FeedbackDeleted", "Deleted")}, .errors = IdErrors(),
       .handler = &Api::DeleteFeedback},

      // ---- experiments and training runs (SPEC section 8) ----
      {.method = "GET", .path = "/experiments", .operation_id = "listExperiments",
       .summary = "Live experiments, newest first", .tag = "training",
       .query = {Integer("limit", 1, 100, 20), Integer("offset", 0, kOffsetMax, 0)},
       .responses = {Ok(200, "ExperimentList", "A page of experiments")}, .errors = {422, 503},
       .handler = &Api::ListExperiments},
      {.method = "POST", .path = "/experiments", .operation_id = "createExperiment",
       .summary = "An experiment: a dataset and a training config", .tag = "training",
       .request_body = Ref("ExperimentCreate"),
       .responses = {Ok(201, "Experiment", "Created")}, .errors = BodyErrors({400, 404}),
       .handler = &Api::CreateExperiment},
      {.method = "GET", .path = "/experiments/{id}", .operation_id = "getExperiment",
       .summary = "One experiment", .tag = "training",
       .responses = {Ok(200, "Experiment", "The experiment")}, .errors = IdErrors(),
       .handler = &Api::GetExperiment},
      {.method = "PUT", .path = "/experiments/{id}", .operation_id = "updateExperiment",
       .summary = "Rename, describe or reconfigure an experiment", .tag = "training",
       .request_body = Ref("ExperimentUpdate"),
       .responses = {Ok(200, "Experiment", "Updated")}, .errors = BodyErrors({404}),
       .handler = &Api::UpdateExperiment},
      {.method = "DELETE", .path = "/experiments/{id}", .operation_id = "deleteExperiment",
       .summary = "Soft-delete an experiment (its runs are cancelled; trained adapters stay)", .tag = "training",
       .responses = {Ok(200, "ExperimentDeleted", "Deleted")}, .errors = IdErrors(),
       .handler = &Api::DeleteExperiment},
      {.method = "POST", .path = "/experiments/{id}/restore", .operation_id = "restoreExperiment",
       .summary = "Bring an experiment back from the trash", .tag = "training",
       .responses = {Ok(200, "Experiment", "Restored")}, .errors = IdErrors(),
       .handler = &Api::RestoreExperiment},
      {.method = "GET", .path = "/experiments/{id}/metrics", .operation_id = "getExperimentMetrics",
       .summary = "Loss curves and held-out accuracy of every run", .tag = "training",
       .responses = {Ok(200, "ExperimentMetrics", "The runs' metrics")}, .errors = IdErrors(),
       .handler = &Api::GetExperimentMetrics},
      {.method = "GET", .path = "/experiments/{id}/runs", .operation_id = "listRuns",
       .summary = "The experiment's runs, oldest first", .tag = "training",
       .responses = {Ok(200, "RunList", "The runs")}, .errors = IdErrors(),
       .handler = &Api::ListRuns},
      {.method = "POST", .path = "/experiments/{id}/runs", .operation_id = "startRun",
       .summary = "Queue a training run (its config overrides the experiment's)", .tag = "training",
       .request_body = Ref("RunCreate"), .body_optional = true,
       .responses = {Ok(201, "Run", "Queued")}, .errors = BodyErrors({400, 404}),
       .handler = &Api::StartRun},
      {.method = "DELETE", .path = "/experiments/{id}/runs/{run_id}", .operation_id = "deleteRun",
       .summary = "Delete a run and its logs (a running run stops and creates nothing)", .tag = "training",
       .responses = {Ok(200, "RunDeleted", "Deleted")}, .errors = IdErrors(),
       .handler = &Api::DeleteRun},
      {.method = "GET", .path = "/runs/{id}", .operation_id = "getRun", .summary = "One training run",
       .tag = "training", .responses = {Ok(200, "Run", "The run")}, .errors = IdErrors(),
       .handler = &Api::GetRun},
      {.method = "GET", .path = "/runs/{id}/logs", .operation_id = "getRunLogs",
       .summary = "The run's log lines so far", .tag = "training",
       .responses = {Ok(200, "RunLogs", "The log")}, .errors = IdErrors(),
       .handler = &Api::GetRunLogs},
      {.method = "GET", .path = "/runs/{id}/logs/stream", .operation_id = "streamRunLogs",
       .summary = "Server-sent events: a `log` event per line, then `done` when the run has ended",
       .tag = "training",
       .responses = {{200, "An event stream", {{"type", "string"}}, "text/event-stream"}}, .errors = IdErrors(),
       .handler = &Api::StreamRunLogs},
      // ---- datasets (SPEC section 8, docs/FEEDBACK_LOOP.md) ----
      {.method = "POST", .path = "/datasets/preview", .operation_id = "previewDataset",
       .summary = "How many feedback records a dataset would take now", .tag = "datasets",
       .request_body = Ref("DatasetPreviewRequest"),
       .responses = {Ok(200, "DatasetPreview", "The count")}, .errors = BodyErrors(),
       .handler = &Api::PreviewDataset},
      {.method = "POST", .path = "/datasets", .operation_id = "createDataset",
       .summary = "Create a dataset of the feedback matching a filter now (frozen: later feedback never joins)",
       .tag = "datasets", .request_body = Ref("DatasetCreate"),
       .responses = {Ok(201, "Dataset", "Created")}, .errors = BodyErrors({400}),
       .handler = &Api::CreateDataset},
      {.method = "GET", .path = "/datasets", .operation_id = "listDatasets",
       .summary = "List live datasets, newest first", .tag = "datasets",
       .query = {Integer("page", 1, 1'000'000, 1), Integer("limit", 1, 100, 20)},
       .responses = {Ok(200, "DatasetList", "A page of datasets")}, .errors = {422, 503},
       .handler = &Api::ListDatasets},
      {.method = "GET", .path = "/datasets/{id}", .operation_id = "getDataset", .summary = "One dataset",
       .tag = "datasets", .query = {IncludeDeleted()},
       .responses = {Ok(200, "Dataset", "The dataset")}, .errors = IdErrors({403}),
       .handler = &Api::GetDataset},
      {.method = "DELETE", .path = "/datasets/{id}", .operation_id = "deleteDataset",
       .summary = "Soft-delete a dataset (its members stay, for a restore)", .tag = "datasets",
       .responses = {Ok(200, "DatasetDeleted", "Deleted")}, .errors = IdErrors(),
       .handler = &Api::DeleteDataset},
      {.method = "GET", .path = "/datasets/{id}/delete-preview", .operation_id = "previewDatasetDelete",
       .summary = "What deleting the dataset would do", .tag = "datasets",
       .responses = {Ok(200, "DatasetDeletePreview", "The consequences")}, .errors = IdErrors(),
       .handler = &Api::PreviewDatasetDelete},
      {.method = "POST", .path = "/datasets/{id}/restore", .operation_id = "restoreDataset",
       .summary = "Bring a trashed dataset back", .tag = "trash",
       .request_body = {{"type", "object"}}, .body_optional = true,
       .responses = {Ok(200, "Dataset", "The restored dataset")}, .errors = IdErrors({413, 415, 507}),
       .handler = &Api::RestoreDataset},
      {.method = "GET", .path = "/datasets/{id}/stats", .operation_id = "getDatasetStats",
       .summary = "Ratings, prompts, adapters, tags and agreement over the current members", .tag = "datasets",
       .responses = {Ok(200, "DatasetStats", "The statistics")}, .errors = IdErrors(),
       .handler = &Api::GetDatasetStats},
      {.method = "POST", .path = "/datasets/{id}/export", .operation_id = "exportDataset",
       .summary = "Export a dataset: records the export and gives its download URL", .tag = "datasets",
       .request_body = Ref("DatasetExportRequest"),
       .responses = {Ok(200, "DatasetExport", "The download")}, .errors = BodyErrors({404}),
       .handler = &Api::ExportDataset},
      {.method = "GET", .path = "/datasets/{id}/download", .operation_id = "downloadDataset",
       .summary = "The export file, built from the current members (tar and huggingface: WAVs and a JSON Lines manifest)",
       .tag = "datasets", .query = {export_format},
       .responses = {{200, "The file (Content-Disposition: attachment)", {{"type", "string"}},
                      "application/x-ndjson",
                      {{"application/json", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                       {"text/csv", {{"type", "string"}}},
                       {"application/x-tar", {{"type", "string"}, {"contentMediaType", "application/x-tar"}}}}}},
       .errors = IdErrors({507}), .handler = &Api::DownloadDataset},

      // ---- trash, purge, storage, audit (SPEC section 7; admin) ----
      {.method = "GET", .path = "/trash", .operation_id = "listTrash",
       .summary = "Trashed items of one type, newest-deleted first (admin)", .tag = "trash",
       .query = {trash_type, Integer("limit", 1, 100, 20), Integer("offset", 0, kOffsetMax, 0)},
       .responses = {Ok(200, "TrashList", "A page of the trash")}, .errors = admin_read_errors,
       .handler = &Api::ListTrash},
      {.method = "POST", .path = "/admin/purge", .operation_id = "purge",
       .summary = "Delete trashed items for good, with their files (admin)", .tag = "trash",
       .request_body = Ref("PurgeRequest"),
       .responses = {Ok(200, "PurgeResult", "Purged (or, with dry_run, what would be)")},
       .errors = BodyErrors({403, 404}), .handler = &Api::Purge},
      {.method = "GET", .path = "/admin/storage", .operation_id = "getStorage",
       .summary = "Bytes on disk by owner: live, trashed, orphaned (admin)", .tag = "trash",
       .responses = {Ok(200, "StorageReport", "The audio and adapter files")}, .errors = {403, 503},
       .handler = &Api::GetStorage},
      {.method = "GET", .path = "/audit", .operation_id = "listAudit",
       .summary = "Audit events of deletes, cancels, restores, purges and bulk calls, newest first (admin)",
       .tag = "trash",
       .query = {audit_entity, audit_action, DateTime("start_date", "at or after"),
                 DateTime("end_date", "at or before"), Integer("limit", 1, 200, 50),
                 Integer("offset", 0, kOffsetMax, 0)},
       .responses = {Ok(200, "AuditList", "A page of events")}, .errors = admin_read_errors,
       .handler = &Api::ListAudit},

      // ---- metrics (SPEC section 8 "Overview"; trigger-kept counters, docs/FEEDBACK_LOOP_METRICS.md) ----
      {.method = "GET", .path = "/metrics/overview", .operation_id = "getMetricsOverview",
       .summary = "The feedback loop's pipeline counts and quick stats (live rows)", .tag = "metrics",
       .responses = {Ok(200, "MetricsOverview", "The counts")}, .errors = kReadErrors,
       .handler = &Api::GetMetricsOverview},
      {.method = "GET", .path = "/metrics/feedback", .operation_id = "getFeedbackMetrics",
       .summary = "Rating distribution, feedback per adapter, preference and tag counts", .tag = "metrics",
       .responses = {Ok(200, "FeedbackMetrics", "The counts")}, .errors = kReadErrors,
       .handler = &Api::GetFeedbackMetrics},
  };
}

}  // namespace studio
