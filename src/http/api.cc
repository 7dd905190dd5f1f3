#include "http/api.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>

#include "domain/validation.h"
#include "http/api_responses.h"
#include "http/api_schemas.h"
#include "http/json_io.h"
#include "lifecycle/messages.h"
#include "util/uuid.h"

namespace studio {

using json = nlohmann::json;

namespace {

using namespace api_internal;

// The client's X-Request-Id when it is a short token (so the audit log and
// the logs can name the request), else a new id.
std::string RequestIdOf(const HttpRequest& req) {
  const std::string given(req.Header("x-request-id"));
  bool ok = !given.empty() && given.size() <= 64;
  for (char c : given) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
  return ok ? given : NewUuid();
}

// Non-empty parts of `text` between separators.
std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(separator, start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// What identifies a job list answer: every field of the query.
std::string JobListKey(const JobQuery& q) {
  std::string key;
  key.reserve(160);
  auto field = [&](const std::optional<std::string>& v) {
    key += v ? *v : std::string("-");
    key += '|';
  };
  auto time = [&](const std::optional<Micros>& t) {
    key += t ? std::to_string(*t) : std::string("-");
    key += '|';
  };
  field(q.status ? std::optional<std::string>(JobStatusName(*q.status)) : std::nullopt);
  field(q.adapter_id);
  field(q.prompt_id);
  time(q.start_date);
  time(q.end_date);
  key += std::to_string(q.limit) + '|' + std::to_string(q.offset) + '|' +
         (q.visibility == Visibility::kLive ? "live" : "all");
  return key;
}

}  // namespace

Api::Api(Lifecycle* lifecycle, Store* store, ApiOptions options)
    : lifecycle_(lifecycle),
      store_(store),
      options_(std::move(options)),
      routes_(RouteList()),
      openapi_json_(routes_.OpenApi(options_.version, ApiSchemas()).dump(2)),
      job_lists_(std::make_unique<JobListCache>(options_.job_list_cache_entries)) {}

HttpResponse Api::Handle(const HttpRequest& req) const {
  const Route* route = nullptr;
  PathIds raw;
  std::string_view allow;
  switch (routes_.Match(req.method, req.path, &route, &raw, &allow)) {
    case RouteTable::MatchResult::kNotFound: return Detail(404, "Not Found");
    case RouteTable::MatchResult::kMethodNotAllowed: {
      HttpResponse r = Detail(405, "Method Not Allowed");
      r.headers.emplace_back("Allow", std::string(allow));
      return r;
    }
    case RouteTable::MatchResult::kFound: break;
  }
  Params args;
  args.request_id = RequestIdOf(req);
  HttpResponse response = Dispatch(req, *route, raw, &args);
  response.headers.emplace_back("X-Request-Id", args.request_id);
  return response;
}

HttpResponse Api::Dispatch(const HttpRequest& req, const Route& matched, const PathIds& raw,
                           Params* out) const {
  const Route* route = &matched;
  Params& args = *out;
  args.ids.reserve(raw.size);
  for (size_t i = 0; i < raw.size; ++i) {
    std::string id;
    RETURN_ERROR_RESPONSE(ParseUuidValue(std::string(raw.ids[i]), "id", &id));
    args.ids.push_back(std::move(id));
  }
  RETURN_ERROR_RESPONSE(routes_.ParseQuery(*route, req,
                                           [&](bool include_deleted, int64_t* out) {
                                             Visibility v;
                                             STUDIO_RETURN_IF_ERROR(lifecycle_->ResolveVisibility(
                                                 include_deleted,
                                                 BearerToken(req.Header("authorization")), &v));
                                             *out = static_cast<int64_t>(v);
                                             return Status::Ok();
                                           },
                                           &args));
  return (this->*(route->handler))(req, args);
}

// ---- meta ----

HttpResponse Api::OpenApiDocument(const HttpRequest&, const Params&) const {
  return RawJsonResponse(200, openapi_json_);
}

HttpResponse Api::Docs(const HttpRequest&, const Params&) const {
  HttpResponse r;
  r.content_type = "text/html; charset=utf-8";
  r.headers.emplace_back("Cache-Control", "no-cache");
  if (!options_.docs_html_path.empty() && ::access(options_.docs_html_path.c_str(), R_OK) == 0) {
    r.file_path = options_.docs_html_path;
    return r;
  }
  r.body =
      "<!doctype html><html><head><meta charset=\"utf-8\"><title>Song Studio API</title></head>"
      "<body><h1>Song Studio API</h1><p>The interactive reference is part of the built web UI "
      "(<code>scripts/web.sh build</code>). The OpenAPI document is at "
      "<a href=\"/api/openapi.json\">/api/openapi.json</a>.</p></body></html>";
  return r;
}

// ---- health and prompts ----

HttpResponse Api::Health(const HttpRequest&, const Params&) const {
  Status s = store_->Ping();
  if (!s.ok()) {
    spdlog::warn("health: {}", s.message());
    return JsonResponse(503, {{"status", "unavailable"}, {"detail", "the database cannot be reached"}});
  }
  return JsonResponse(200, {{"status", "ok"}, {"version", options_.version},
                            {"database", options_.database_kind}});
}

HttpResponse Api::GetVocabulary(const HttpRequest&, const Params&) const {
  static const std::string kBody = VocabularyJson().dump();  // the tables never change
  return RawJsonResponse(200, kBody);
}

HttpResponse Api::CreatePrompt(const HttpRequest& req, const Params&) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body));
  std::string text;
  PromptAttributes attrs;
  RETURN_ERROR_RESPONSE(ParsePromptCreate(body, &text, &attrs));
  Prompt p;
  RETURN_ERROR_RESPONSE(lifecycle_->CreatePrompt(text, attrs, &p));
  return JsonResponse(201, PromptJson(p));
}

HttpResponse Api::ListPrompts(const HttpRequest&, const Params& args) const {
  const int64_t page = args.Int("page"), limit = args.Int("limit");
  std::vector<Prompt> prompts;
  int64_t total = 0;
  RETURN_ERROR_RESPONSE(store_->ListPrompts((page - 1) * limit, static_cast<int>(limit), &prompts, &total));
  json items = json::array();
  for (const auto& p : prompts) items.push_back(PromptJson(p));
  return JsonResponse(200, {{"items", items}, {"total", total}, {"page", page}, {"limit", limit}});
}

HttpResponse Api::GetPrompt(const HttpRequest&, const Params& args) const {
  Prompt p;
  RETURN_ERROR_RESPONSE(store_->GetPrompt(args.ids[0], &p));
  return JsonResponse(200, PromptJson(p));
}

// ---- generation ----

HttpResponse Api::SubmitJob(const HttpRequest& req, const Params&) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body));
  GenerateRequest request;
  RETURN_ERROR_RESPONSE(ParseGenerateRequest(body, &request));
  Job job;
  RETURN_ERROR_RESPONSE(lifecycle_->SubmitJob(request, &job));
  return RawJsonResponse(201, JobJson(job, false));
}

HttpResponse Api::GetJobStatus(const HttpRequest&, const Params& args) const {
  Job job;
  RETURN_ERROR_RESPONSE(store_->GetJob(args.ids[0], Visibility::kLive, &job));
  return JsonResponse(200, JobStatusJson(job));
}

HttpResponse Api::CancelJob(const HttpRequest& req, const Params& args) const {
  RETURN_ERROR_RESPONSE(lifecycle_->CancelJob(args.ids[0], ActorOf(req, args)));
  HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

HttpResponse Api::GetJobFeedback(const HttpRequest&, const Params& args) const {
  Job job;
  RETURN_ERROR_RESPONSE(store_->GetJob(args.ids[0], Visibility::kLive, &job));
  std::vector<AudioSample> samples;
  std::vector<Feedback> feedback;
  RETURN_ERROR_RESPONSE(store_->ListAudioSamplesForJob(job.id, &samples));
  RETURN_ERROR_RESPONSE(store_->ListFeedbackForJob(job.id, &feedback));
  std::map<std::string, std::vector<const Feedback*>> by_audio;
  for (const auto& f : feedback) by_audio[f.audio_id].push_back(&f);
  auto average = [](const std::vector<const Feedback*>& list) {
    int sum = 0, n = 0;
    for (const Feedback* f : list)
      if (f->rating) sum += *f->rating, ++n;
    return n ? json(static_cast<double>(sum) / n) : json(nullptr);
  };
  json out_samples = json::array();
  std::vector<const Feedback*> all;
  for (const auto& s : samples) {
    const auto& list = by_audio[s.id];
    all.insert(all.end(), list.begin(), list.end());
    json items = json::array();
    for (const Feedback* f : list) items.push_back(FeedbackJson(*f));
    out_samples.push_back({{"audio_id", s.id},
                           {"label", SampleLabel(s)},
                           {"feedback", items},
                           {"average_rating", average(list)},
                           {"feedback_count", list.size()}});
  }
  return JsonResponse(200, {{"job_id", job.id},
                            {"prompt_id", job.prompt_id},
                            {"total_samples", samples.size()},
                            {"total_feedback", feedback.size()},
                            {"average_rating", average(all)},
                            {"samples", out_samples}});
}

// ---- jobs ----

HttpResponse Api::ListJobs(const HttpRequest&, const Params& args) const {
  JobQuery q;
  q.visibility = VisibilityOf(args);
  if (const QueryValue& v = args.Query("status"); v.present) q.status = ParseJobStatus(v.text);
  if (const QueryValue& v = args.Query("adapter_id"); v.present) q.adapter_id = v.text;
  if (const QueryValue& v = args.Query("start_date"); v.present) q.start_date = v.time;
  if (const QueryValue& v = args.Query("end_date"); v.present) q.end_date = v.time;
  q.limit = static_cast<int>(args.Int("limit"));
  q.offset = args.Int("offset");
  // The version first, then the page: a kept answer is never older than
  // its version (http/job_list_cache.h).
  int64_t version = 0;
  RETURN_ERROR_RESPONSE(store_->GetJobListVersion(&version));
  const std::string key = JobListKey(q);
  std::string body;
  if (job_lists_->Find(key, version, &body)) return RawJsonResponse(200, std::move(body));
  std::vector<Job> jobs;
  int64_t total = 0;
  RETURN_ERROR_RESPONSE(store_->ListJobs(q, &jobs, &total));
  const bool with_deleted = q.visibility == Visibility::kIncludeDeleted;
  body.reserve(128 + jobs.size() * 640);
  JsonWriter w(&body);
  w.BeginObject().Key("items").BeginArray();
  for (const auto& j : jobs) WriteJob(w, j, with_deleted);
  w.EndArray();
  w.Key("total").Int(total).Key("limit").Int(q.limit).Key("offset").Int(q.offset);
  w.EndObject();
  job_lists_->Put(key, version, body);
  return RawJsonResponse(200, std::move(body));
}

HttpResponse Api::GetJobStats(const HttpRequest&, const Params&) const {
  JobStats stats;
  RETURN_ERROR_RESPONSE(lifecycle_->GetJobStats(&stats));
  return JsonResponse(200, JobStatsJson(stats));
}

HttpResponse Api::GetJob(const HttpRequest&, const Params& args) const {
  const Visibility v = VisibilityOf(args);
  Job job;
  RETURN_ERROR_RESPONSE(store_->GetJob(args.ids[0], v, &job));
  return RawJsonResponse(200, JobJson(job, v == Visibility::kIncludeDeleted));
}

HttpResponse Api::DeleteJob(const HttpRequest& req, const Params& args) const {
  int64_t feedback_deleted = 0;
  RETURN_ERROR_RESPONSE(lifecycle_->DeleteJob(args.ids[0], &feedback_deleted, ActorOf(req, args)));
  return JsonResponse(200, {{"status", "deleted"}, {"job_id", args.ids[0]},
                            {"feedback_deleted", feedback_deleted}});
}

HttpResponse Api::PreviewJobDelete(const HttpRequest&, const Params& args) const {
  JobDeletePreview p;
  RETURN_ERROR_RESPONSE(lifecycle_->PreviewJobDelete(args.ids[0], &p));
  return JsonResponse(200, {{"job_id", p.job_id}, {"status", JobStatusName(p.status)},
                            {"feedback_count", p.feedback_count}, {"will_cancel", p.will_cancel},
                            {"datasets_affected", DatasetsAffectedJson(p.datasets_affected)}});
}

// ---- audio ----

HttpResponse Api::GetAudio(const HttpRequest&, const Params& args) const {
  AudioSample s;
  RETURN_ERROR_RESPONSE(store_->GetAudioSample(args.ids[0], Visibility::kLive, &s));
  return JsonResponse(200, AudioJson(s));
}

HttpResponse Api::StreamAudio(const HttpRequest&, const Params& args) const {
  AudioSample s;
  RETURN_ERROR_RESPONSE(store_->GetAudioSample(args.ids[0], Visibility::kLive, &s));
  std::optional<std::string> local = lifecycle_->AudioLocalPath(s);
  if (!local) return Detail(501, "Streaming from non-local storage is not implemented");
  HttpResponse r;
  r.content_type = "audio/wav";
  r.file_path = *local;
  r.headers.emplace_back("Content-Disposition",
                         "inline; filename=\"sample-" + s.id.substr(0, 8) + ".wav\"");
  return r;
}

HttpResponse Api::DownloadAudioMidi(const HttpRequest&, const Params& args) const {
  AudioSample s;
  RETURN_ERROR_RESPONSE(store_->GetAudioSample(args.ids[0], Visibility::kLive, &s));
  HttpResponse r;
  RETURN_ERROR_RESPONSE(lifecycle_->ReadSampleMidi(s, &r.body));
  r.content_type = "audio/midi";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + s.id + ".mid\"");
  return r;
}

HttpResponse Api::CompareAudio(const HttpRequest& req, const Params&) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body));
  std::vector<std::string> ids;
  RETURN_ERROR_RESPONSE(ParseAudioCompare(body, &ids));
  json samples = json::array();
  for (const auto& id : ids) {  // at most 20 point lookups by primary key
    AudioSample s;
    RETURN_ERROR_RESPONSE(store_->GetAudioSample(id, Visibility::kLive, &s));
    samples.push_back(AudioJson(s));
  }
  return JsonResponse(200, {{"samples", samples}});
}

// ---- adapters ----

HttpResponse Api::ListAdapters(const HttpRequest&, const Params& args) const {
  AdapterQuery q;
  q.visibility = VisibilityOf(args);
  if (const QueryValue& v = args.Query("active_only"); v.present) q.active_only = v.integer != 0;
  if (const QueryValue& v = args.Query("status"); v.present) q.status = ParseAdapterStatus(v.text);
  q.skip = args.Int("skip");
  q.limit = static_cast<int>(args.Int("limit"));
  std::vector<Adapter> adapters;
  int64_t total = 0;
  RETURN_ERROR_RESPONSE(store_->ListAdapters(q, &adapters, &total));
  const bool with_deleted = q.visibility == Visibility::kIncludeDeleted;
  std::string body;
  JsonWriter w(&body);
  w.BeginObject().Key("items").BeginArray();
  for (const auto& a : adapters) WriteAdapter(w, a, with_deleted);
  w.EndArray().Key("total").Int(total).EndObject();
  return RawJsonResponse(200, std::move(body));
}

HttpResponse Api::GetAdapterStats(const HttpRequest&, const Params&) const {
  AdapterStats stats;
  RETURN_ERROR_RESPONSE(store_->GetAdapterStats(&stats));
  int64_t versions = 0;
  RETURN_ERROR_RESPONSE(store_->CountAdapterVersions(&versions));
  json j = AdapterStatsJson(stats);
  j["total_versions"] = versions;
  return JsonResponse(200, j);
}

HttpResponse Api::CreateAdapter(const HttpRequest& req, const Params&) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body));
  AdapterCreate request;
  RETURN_ERROR_RESPONSE(ParseAdapterCreate(body, &request));
  Adapter a;
  RETURN_ERROR_RESPONSE(lifecycle_->CreateAdapter(request, &a));
  return RawJsonResponse(201, AdapterJson(a, false));
}

HttpResponse Api::GetAdapter(const HttpRequest&, const Params& args) const {
  const Visibility v = VisibilityOf(args);
  Adapter a;
  RETURN_ERROR_RESPONSE(store_->GetAdapter(args.ids[0], v, &a));
  return AdapterWithVersions(a, v == Visibility::kIncludeDeleted);
}

HttpResponse Api::UpdateAdapter(const HttpRequest& req, const Params& args) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body));
  AdapterPatch patch;
  RETURN_ERROR_RESPONSE(ParseAdapterPatch(body, &patch));
  Adapter a;
  RETURN_ERROR_RESPONSE(lifecycle_->UpdateAdapter(args.ids[0], patch, &a));
  return RawJsonResponse(200, AdapterJson(a, false));
}

HttpResponse Api::DeleteAdapter(const HttpRequest& req, const Params& args) const {
  RETURN_ERROR_RESPONSE(lifecycle_->DeleteAdapter(args.ids[0], ActorOf(req, args)));
  return JsonResponse(200, {{"status", "deleted"}, {"adapter_id", args.ids[0]}});
}

HttpResponse Api::PreviewAdapterDelete(const HttpRequest&, const Params& args) const {
  int64_t jobs = 0;
  RETURN_ERROR_RESPONSE(lifecycle_->PreviewAdapterDelete(args.ids[0], &jobs));
  return JsonResponse(200, {{"adapter_id", args.ids[0]}, {"jobs_count", jobs}});
}

// ---- feedback ----

HttpResponse Api::CreateFeedback(const HttpRequest& req, const Params&) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body));
  Feedback f;
  RETURN_ERROR_RESPONSE(ParseFeedbackCreate(body, &f));
  Feedback created;
  RETURN_ERROR_RESPONSE(lifecycle_->AddFeedback(std::move(f), &created));
  return JsonResponse(201, FeedbackJson(created));
}

HttpResponse Api::ListFeedback(const HttpRequest&, const Params& args) const {
  FeedbackQuery q;
  if (const QueryValue& v = args.Query("audio_id"); v.present) q.audio_id = v.text;
  if (const QueryValue& v = args.Query("job_id"); v.present) q.job_id = v.text;
  if (args.Has("min_rating")) q.min_rating = static_cast<int>(args.Int("min_rating"));
  if (args.Has("max_rating")) q.max_rating = static_cast<int>(args.Int("max_rating"));
  const int64_t page = args.Int("page"), limit = args.Int("limit");
  if (const QueryValue& v = args.Query("tags"); v.present) q.tags = Split(v.text, ',');
  if (q.job_id) {
    // Filtering by a job that is unknown or deleted is a not-found, not an empty list.
    Job job;
    RETURN_ERROR_RESPONSE(store_->GetJob(*q.job_id, Visibility::kLive, &job));
  }
  q.limit = static_cast<int>(limit);
  q.offset = (page - 1) * limit;
  std::vector<Feedback> list;
  int64_t total = 0;
  RETURN_ERROR_RESPONSE(store_->ListFeedback(q, &list, &total));
  json items = json::array();
  for (const auto& f : list) items.push_back(FeedbackJson(f));
  return JsonResponse(200, {{"items", items}, {"total", total}});
}

HttpResponse Api::GetFeedbackSummary(const HttpRequest&, const Params&) const {
  FeedbackSummary summary;
  RETURN_ERROR_RESPONSE(store_->GetFeedbackSummary(&summary));
  return JsonResponse(200, FeedbackSummaryJson(summary));
}

HttpResponse Api::GetFeedback(const HttpRequest&, const Params& args) const {
  Feedback f;
  RETURN_ERROR_RESPONSE(store_->GetFeedback(args.ids[0], &f));
  return JsonResponse(200, FeedbackJson(f));
}

HttpResponse Api::DeleteFeedback(const HttpRequest& req, const Params& args) const {
  RETURN_ERROR_RESPONSE(lifecycle_->DeleteFeedback(args.ids[0], ActorOf(req, args)));
  return JsonResponse(200, {{"status", "deleted"}, {"feedback_id", args.ids[0]}});
}

// ---- metrics ----

HttpResponse Api::GetMetricsOverview(const HttpRequest&, const Params&) const {
  MetricsCounters counters;
  RETURN_ERROR_RESPONSE(lifecycle_->GetMetricsCounters(&counters));
  return JsonResponse(200, MetricsOverviewJson(counters));
}

HttpResponse Api::GetFeedbackMetrics(const HttpRequest&, const Params&) const {
  MetricsCounters counters;
  std::vector<AdapterFeedbackCount> by_adapter;
  RETURN_ERROR_RESPONSE(lifecycle_->GetMetricsCounters(&counters));
  RETURN_ERROR_RESPONSE(lifecycle_->ListFeedbackByAdapter(&by_adapter));
  return JsonResponse(200, FeedbackMetricsJson(counters, by_adapter));
}

}  // namespace studio
