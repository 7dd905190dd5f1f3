// Api: the /api routes of SPEC section 4 as thin handlers — parse the
// request, call the Lifecycle (writes) or the Store (reads), format JSON.
// No rule lives here. Every route is one entry of the route table
// (api_routes.cc, http/routes.h): dispatch, query-parameter parsing, the 405
// Allow header and GET /api/openapi.json all read it. Status codes map to HTTP as: NotFound 404,
// InvalidArgument 422, RuleViolation 400, Conflict 409, Forbidden 403,
// Unavailable 503, anything else 500 (a bug, logged); the Store's kinds of
// error get their words from UserFacing (lifecycle/messages.h).
//
// Thread-safety: Handle() may be called concurrently from many threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/job_list_cache.h"
#include "http/routes.h"
#include "http/server.h"
#include "lifecycle/lifecycle.h"

namespace studio {

struct ApiOptions {
  std::string version;
  std::string database_kind = "sqlite";
  // The built docs page (web/dist/docs.html) GET /api/docs sends; when it
  // cannot be opened, a plain page linking /api/openapi.json is sent.
  std::string docs_html_path;
  int64_t purge_interval_seconds = 3600;  // reported by GET /admin/storage
  // GET /api/jobs answers kept in memory (http/job_list_cache.h), distinct
  // queries at most; 0 keeps none (every answer is built from the store).
  size_t job_list_cache_entries = 256;
};

class Api {
 public:
  // Writes go through `lifecycle`; plain reads go to `store` (the store the
  // lifecycle was built on). REQUIRES: both outlive the Api.
  Api(Lifecycle* lifecycle, Store* store, ApiOptions options);
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // `request.path` is relative to the API prefix ("/jobs/…"). An unknown
  // path answers 404 {"detail": "Not Found"}; a known path with another
  // method 405 {"detail": "Method Not Allowed"} with an Allow header.
  HttpResponse Handle(const HttpRequest& request) const;

  // The route table (for the CORS preflight: routes().AllowedMethods(path)).
  const RouteTable& routes() const { return routes_; }
  // The OpenAPI 3.1 document GET /api/openapi.json sends.
  const std::string& openapi_json() const { return openapi_json_; }

 private:
  using Params = RouteArgs;
  // Validates the matched route's ids and query into *args, then calls its handler.
  HttpResponse Dispatch(const HttpRequest& req, const Route& route, const PathIds& raw, Params* args) const;
  // The table's entries (api_routes.cc).
  static std::vector<Route> RouteList();

  HttpResponse OpenApiDocument(const HttpRequest&, const Params&) const;
  HttpResponse Docs(const HttpRequest&, const Params&) const;
  HttpResponse Health(const HttpRequest&, const Params&) const;
  HttpResponse GetVocabulary(const HttpRequest&, const Params&) const;
  HttpResponse CreatePrompt(const HttpRequest&, const Params&) const;
  HttpResponse ListPrompts(const HttpRequest&, const Params&) const;
  HttpResponse GetPrompt(const HttpRequest&, const Params&) const;
  HttpResponse SubmitJob(const HttpRequest&, const Params&) const;
  HttpResponse GetJobStatus(const HttpRequest&, const Params&) const;
  HttpResponse CancelJob(const HttpRequest&, const Params&) const;
  HttpResponse GetJobFeedback(const HttpRequest&, const Params&) const;
  HttpResponse ListJobs(const HttpRequest&, const Params&) const;
  HttpResponse GetJobStats(const HttpRequest&, const Params&) const;
  HttpResponse GetJob(const HttpRequest&, const Params&) const;
  HttpResponse DeleteJob(const HttpRequest&, const Params&) const;
  HttpResponse PreviewJobDelete(const HttpRequest&, const Params&) const;
  HttpResponse GetAudio(const HttpRequest&, const Params&) const;
  HttpResponse StreamAudio(const HttpRequest&, const Params&) const;
  HttpResponse DownloadAudioMidi(const HttpRequest&, const Params&) const;
  HttpResponse CompareAudio(const HttpRequest&, const Params&) const;
  HttpResponse ListAdapters(const HttpRequest&, const Params&) const;
  HttpResponse GetAdapterStats(const HttpRequest&, const Params&) const;
  HttpResponse CreateAdapter(const HttpRequest&, const Params&) const;
  HttpResponse GetAdapter(const HttpRequest&, const Params&) const;
  HttpResponse UpdateAdapter(const HttpRequest&, const Params&) const;
  HttpResponse DeleteAdapter(const HttpRequest&, const Params&) const;
  HttpResponse PreviewAdapterDelete(const HttpRequest&, const Params&) const;
  HttpResponse CreateFeedback(const HttpRequest&, const Params&) const;
  HttpResponse ListFeedback(const HttpRequest&, const Params&) const;
  HttpResponse GetFeedbackSummary(const HttpRequest&, const Params&) const;
  HttpResponse GetFeedback(const HttpRequest&, const Params&) const;
  HttpResponse DeleteFeedback(const HttpRequest&, const Params&) const;
  // SPEC section 7 (api_trash.cc).
  HttpResponse ListTrash(const HttpRequest&, const Params&) const;
  HttpResponse RestoreJob(const HttpRequest&, const Params&) const;
  HttpResponse RestoreAdapter(const HttpRequest&, const Params&) const;
  HttpResponse BulkDeleteJobs(const HttpRequest&, const Params&) const;
  HttpResponse BulkRestoreJobs(const HttpRequest&, const Params&) const;
  HttpResponse BulkDeleteFeedback(const HttpRequest&, const Params&) const;
  HttpResponse Purge(const HttpRequest&, const Params&) const;
  HttpResponse GetStorage(const HttpRequest&, const Params&) const;
  HttpResponse ListAudit(const HttpRequest&, const Params&) const;
  // SPEC section 8, training (api_training.cc).
  HttpResponse ListExperiments(const HttpRequest&, const Params&) const;
  HttpResponse CreateExperiment(const HttpRequest&, const Params&) const;
  HttpResponse GetExperiment(const HttpRequest&, const Params&) const;
  HttpResponse UpdateExperiment(const HttpRequest&, const Params&) const;
  HttpResponse DeleteExperiment(const HttpRequest&, const Params&) const;
  HttpResponse RestoreExperiment(const HttpRequest&, const Params&) const;
  HttpResponse GetExperimentMetrics(const HttpRequest&, const Params&) const;
  HttpResponse ListRuns(const HttpRequest&, const Params&) const;
  HttpResponse StartRun(const HttpRequest&, const Params&) const;
  HttpResponse DeleteRun(const HttpRequest&, const Params&) const;
  HttpResponse GetRun(const HttpRequest&, const Params&) const;
  HttpResponse GetRunLogs(const HttpRequest&, const Params&) const;
  HttpResponse StreamRunLogs(const HttpRequest&, const Params&) const;
  HttpResponse CreateAdapterVersion(const HttpRequest&, const Params&) const;
  HttpResponse ActivateAdapterVersion(const HttpRequest&, const Params&) const;
  HttpResponse GetAdapterTimeline(const HttpRequest&, const Params&) const;
  // An adapter's JSON with its versions (GET /adapters/{id}, activate).
  HttpResponse AdapterWithVersions(const Adapter& a, bool with_deleted_at) const;
  // SPEC section 8: datasets (api_datasets.cc).
  HttpResponse PreviewDataset(const HttpRequest&, const Params&) const;
  HttpResponse CreateDataset(const HttpRequest&, const Params&) const;
  HttpResponse ListDatasets(const HttpRequest&, const Params&) const;
  HttpResponse GetDataset(const HttpRequest&, const Params&) const;
  HttpResponse DeleteDataset(const HttpRequest&, const Params&) const;
  HttpResponse PreviewDatasetDelete(const HttpRequest&, const Params&) const;
  HttpResponse RestoreDataset(const HttpRequest&, const Params&) const;
  HttpResponse GetDatasetStats(const HttpRequest&, const Params&) const;
  HttpResponse ExportDataset(const HttpRequest&, const Params&) const;
  HttpResponse DownloadDataset(const HttpRequest&, const Params&) const;
  HttpResponse PreviewFeedbackDelete(const HttpRequest&, const Params&) const;
  // SPEC section 8 "Overview": trigger-kept counters only.
  HttpResponse GetMetricsOverview(const HttpRequest&, const Params&) const;
  HttpResponse GetFeedbackMetrics(const HttpRequest&, const Params&) const;

  // Who is asking, for the audit trail.
  Actor ActorOf(const HttpRequest& req, const Params& args) const;
  // Forbidden unless the admin routes may be used (Lifecycle::CheckAdmin).
  Status RequireAdmin(const HttpRequest& req) const;

  Lifecycle* const lifecycle_;
  Store* const store_;
  const ApiOptions options_;
  const RouteTable routes_;
  const std::string openapi_json_;
  // GET /api/jobs answers, served again while the store's job list version
  // is unchanged (http/job_list_cache.h).
  const std::unique_ptr<JobListCache> job_lists_;
};

}  // namespace studio
