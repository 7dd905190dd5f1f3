#include "http/api.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <map>
#include <nlohmann/json.hpp>

#include "domain/validation.h"
#include "http/json_io.h"
#include "lifecycle/messages.h"
#include "util/uuid.h"

namespace studio {

using json = nlohmann::json;

namespace {

HttpResponse JsonResponse(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

HttpResponse RawJsonResponse(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse Detail(int status, const std::string& detail) {
  return JsonResponse(status, {{"detail", detail}});
}

HttpResponse ErrorResponse(const Status& status) {
  const Status s = UserFacing(status);  // the Store's kinds of error, in words
  switch (s.code()) {
    case Status::Code::kNotFound: return Detail(404, s.message());
    case Status::Code::kInvalidArgument: return Detail(422, s.message());
    case Status::Code::kRuleViolation: return Detail(400, s.message());
    case Status::Code::kConflict: return Detail(409, s.message());
    case Status::Code::kForbidden: return Detail(403, s.message());
    case Status::Code::kUnavailable:
      // The store's message may name the database's host or socket path:
      // the log gets it, the client a fixed wording.
      spdlog::warn("answering 503: {}", s.message());
      return Detail(503, s.message().rfind("database busy", 0) == 0
                             ? "Service temporarily unavailable: the database is busy; try again"
                             : "Service temporarily unavailable: the database cannot be reached; "
                               "try again");
    case Status::Code::kStorageFull:
      spdlog::warn("storage full: {}", s.message());
      return Detail(507, "The studio's storage is full");
    default:
      spdlog::error("internal error: {}", s.ToString());
      return Detail(500, "Internal server error");
  }
}

Status ParseBody(const HttpRequest& req, json* out) {
  // nlohmann's parser stops at a NUL byte as if the input ended there; raw
  // NUL is never valid JSON, so "{...}\0garbage" must not parse as "{...}".
  if (req.body.find('\0') != std::string::npos) return Status::InvalidArgument("Malformed JSON body");
  *out = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded()) return Status::InvalidArgument("Malformed JSON body");
  return Status::Ok();
}

// Query parameters. Absent ones keep the default; malformed ones are 422.
Status QueryInt(const HttpRequest& req, const char* name, int64_t lo, int64_t hi, int64_t* out) {
  auto it = req.query.find(name);
  if (it == req.query.end() || it->second.empty()) return Status::Ok();
  const std::string& v = it->second;
  int64_t n;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < lo || n > hi) {
    return Status::InvalidArgument(std::string(name) + " must be an integer between " +
                                   std::to_string(lo) + " and " + std::to_string(hi));
  }
  *out = n;
  return Status::Ok();
}

Status QueryBool(const HttpRequest& req, const char* name, bool* out) {
  auto it = req.query.find(name);
  if (it == req.query.end() || it->second.empty()) return Status::Ok();
  std::string v = it->second;
  for (char& c : v) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (v == "true" || v == "1") *out = true;
  else if (v == "false" || v == "0") *out = false;
  else return Status::InvalidArgument(std::string(name) + " must be true or false");
  return Status::Ok();
}

Status QueryUuid(const HttpRequest& req, const char* name, std::optional<std::string>* out) {
  auto it = req.query.find(name);
  if (it == req.query.end() || it->second.empty()) return Status::Ok();
  std::string id;
  STUDIO_RETURN_IF_ERROR(ParseUuidValue(it->second, name, &id));
  *out = id;
  return Status::Ok();
}

Status QueryTime(const HttpRequest& req, const char* name, std::optional<Micros>* out) {
  auto it = req.query.find(name);
  if (it == req.query.end() || it->second.empty()) return Status::Ok();
  *out = ParseIsoTime(it->second);
  if (!*out) return Status::InvalidArgument(std::string(name) + " must be an ISO-8601 date or time");
  return Status::Ok();
}

Status Visible(const Lifecycle* lc, const HttpRequest& req, Visibility* v) {
  bool include_deleted = false;
  STUDIO_RETURN_IF_ERROR(QueryBool(req, "include_deleted", &include_deleted));
  return lc->ResolveVisibility(include_deleted, req.Header("authorization"), v);
}

#define RETURN_ERROR_RESPONSE(expr)              \
  do {                                           \
    ::studio::Status _s = (expr);                \
    if (!_s.ok()) return ErrorResponse(_s);      \
  } while (0)

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

}  // namespace

Api::Api(Lifecycle* lifecycle, Store* store, ApiOptions options)
    : lifecycle_(lifecycle),
      store_(store),
      options_(std::move(options)),
      routes_({
          {"GET", {"health"}, &Api::Health},
          {"GET", {"vocabulary"}, &Api::GetVocabulary},
          {"POST", {"prompts"}, &Api::CreatePrompt},
          {"GET", {"prompts"}, &Api::ListPrompts},
          {"GET", {"prompts", "{id}"}, &Api::GetPrompt},
          {"POST", {"generate"}, &Api::SubmitJob},
          {"GET", {"generate", "{id}"}, &Api::GetJobStatus},
          {"DELETE", {"generate", "{id}"}, &Api::CancelJob},
          {"GET", {"generate", "{id}", "feedback"}, &Api::GetJobFeedback},
          {"GET", {"jobs"}, &Api::ListJobs},
          {"GET", {"jobs", "stats"}, &Api::GetJobStats},
          {"GET", {"jobs", "{id}"}, &Api::GetJob},
          {"DELETE", {"jobs", "{id}"}, &Api::DeleteJob},
          {"GET", {"jobs", "{id}", "delete-preview"}, &Api::PreviewJobDelete},
          {"GET", {"audio", "{id}"}, &Api::GetAudio},
          {"GET", {"audio", "{id}", "stream"}, &Api::StreamAudio},
          {"POST", {"audio", "compare"}, &Api::CompareAudio},
          {"GET", {"adapters"}, &Api::ListAdapters},
          {"POST", {"adapters"}, &Api::CreateAdapter},
          {"GET", {"adapters", "stats"}, &Api::GetAdapterStats},
          {"GET", {"adapters", "{id}"}, &Api::GetAdapter},
          {"PATCH", {"adapters", "{id}"}, &Api::UpdateAdapter},
          {"DELETE", {"adapters", "{id}"}, &Api::DeleteAdapter},
          {"GET", {"adapters", "{id}", "delete-preview"}, &Api::PreviewAdapterDelete},
          {"POST", {"feedback"}, &Api::CreateFeedback},
          {"GET", {"feedback"}, &Api::ListFeedback},
          {"GET", {"feedback", "summary"}, &Api::GetFeedbackSummary},
          {"GET", {"feedback", "{id}"}, &Api::GetFeedback},
          {"DELETE", {"feedback", "{id}"}, &Api::DeleteFeedback},
      }) {}

HttpResponse Api::Handle(const HttpRequest& req) const {
  const std::vector<std::string> segments = Split(req.path, '/');
  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  bool path_known = false;
  // Literal segments win over {id} ("/jobs/stats" is not a job id).
  for (int pass = 0; pass < 2; ++pass) {
    for (const Route& route : routes_) {
      if (route.segments.size() != segments.size()) continue;
      bool match = true, has_param = false;
      for (size_t i = 0; i < segments.size() && match; ++i) {
        if (route.segments[i] == "{id}") has_param = true;
        else match = route.segments[i] == segments[i];
      }
      if (!match || has_param != (pass == 1)) continue;
      path_known = true;
      if (method != route.method) continue;
      Params params;
      for (size_t i = 0; i < segments.size(); ++i) {
        if (route.segments[i] != "{id}") continue;
        std::string id;
        RETURN_ERROR_RESPONSE(ParseUuidValue(segments[i], "id", &id));
        params.push_back(id);
      }
      return (this->*route.handler)(req, params);
    }
    if (path_known) return Detail(405, "Method Not Allowed");
  }
  return Detail(404, "Not Found");
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

HttpResponse Api::ListPrompts(const HttpRequest& req, const Params&) const {
  int64_t page = 1, limit = 20;
  RETURN_ERROR_RESPONSE(QueryInt(req, "page", 1, 1'000'000, &page));
  RETURN_ERROR_RESPONSE(QueryInt(req, "limit", 1, 100, &limit));
  std::vector<Prompt> prompts;
  int64_t total = 0;
  RETURN_ERROR_RESPONSE(store_->ListPrompts((page - 1) * limit, static_cast<int>(limit), &prompts, &total));
  json items = json::array();
  for (const auto& p : prompts) items.push_back(PromptJson(p));
  return JsonResponse(200, {{"items", items}, {"total", total}, {"page", page}, {"limit", limit}});
}

HttpResponse Api::GetPrompt(const HttpRequest&, const Params& ids) const {
  Prompt p;
  RETURN_ERROR_RESPONSE(store_->GetPrompt(ids[0], &p));
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

HttpResponse Api::GetJobStatus(const HttpRequest&, const Params& ids) const {
  Job job;
  RETURN_ERROR_RESPONSE(store_->GetJob(ids[0], Visibility::kLive, &job));
  return JsonResponse(200, JobStatusJson(job));
}

HttpResponse Api::CancelJob(const HttpRequest&, const Params& ids) const {
  RETURN_ERROR_RESPONSE(lifecycle_->CancelJob(ids[0]));
  HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

HttpResponse Api::GetJobFeedback(const HttpRequest&, const Params& ids) const {
  Job job;
  RETURN_ERROR_RESPONSE(store_->GetJob(ids[0], Visibility::kLive, &job));
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

HttpResponse Api::ListJobs(const HttpRequest& req, const Params&) const {
  JobQuery q;
  RETURN_ERROR_RESPONSE(Visible(lifecycle_, req, &q.visibility));
  auto status = req.query.find("status");
  if (status != req.query.end() && !status->second.empty()) {
    q.status = ParseJobStatus(status->second);
    if (!q.status) {
      return Detail(422, "status must be one of queued, processing, completed, failed, cancelled");
    }
  }
  RETURN_ERROR_RESPONSE(QueryUuid(req, "adapter_id", &q.adapter_id));
  RETURN_ERROR_RESPONSE(QueryTime(req, "start_date", &q.start_date));
  RETURN_ERROR_RESPONSE(QueryTime(req, "end_date", &q.end_date));
  int64_t limit = q.limit;
  RETURN_ERROR_RESPONSE(QueryInt(req, "limit", 1, 100, &limit));
  RETURN_ERROR_RESPONSE(QueryInt(req, "offset", 0, INT64_MAX / 2, &q.offset));
  q.limit = static_cast<int>(limit);
  std::vector<Job> jobs;
  int64_t total = 0;
  RETURN_ERROR_RESPONSE(store_->ListJobs(q, &jobs, &total));
  const bool with_deleted = q.visibility == Visibility::kIncludeDeleted;
  std::string body;
  body.reserve(128 + jobs.size() * 640);
  JsonWriter w(&body);
  w.BeginObject().Key("items").BeginArray();
  for (const auto& j : jobs) WriteJob(w, j, with_deleted);
  w.EndArray();
  w.Key("total").Int(total).Key("limit").Int(q.limit).Key("offset").Int(q.offset);
  w.EndObject();
  return RawJsonResponse(200, std::move(body));
}

HttpResponse Api::GetJobStats(const HttpRequest&, const Params&) const {
  JobStats stats;
  RETURN_ERROR_RESPONSE(lifecycle_->GetJobStats(&stats));
  return JsonResponse(200, JobStatsJson(stats));
}

HttpResponse Api::GetJob(const HttpRequest& req, const Params& ids) const {
  Visibility v;
  RETURN_ERROR_RESPONSE(Visible(lifecycle_, req, &v));
  Job job;
  RETURN_ERROR_RESPONSE(store_->GetJob(ids[0], v, &job));
  return RawJsonResponse(200, JobJson(job, v == Visibility::kIncludeDeleted));
}

HttpResponse Api::DeleteJob(const HttpRequest&, const Params& ids) const {
  int64_t feedback_deleted = 0;
  RETURN_ERROR_RESPONSE(lifecycle_->DeleteJob(ids[0], &feedback_deleted));
  return JsonResponse(200, {{"status", "deleted"}, {"job_id", ids[0]},
                            {"feedback_deleted", feedback_deleted}});
}

HttpResponse Api::PreviewJobDelete(const HttpRequest&, const Params& ids) const {
  JobDeletePreview p;
  RETURN_ERROR_RESPONSE(lifecycle_->PreviewJobDelete(ids[0], &p));
  return JsonResponse(200, {{"job_id", p.job_id}, {"status", JobStatusName(p.status)},
                            {"feedback_count", p.feedback_count}, {"will_cancel", p.will_cancel}});
}

// ---- audio ----

HttpResponse Api::GetAudio(const HttpRequest&, const Params& ids) const {
  AudioSample s;
  RETURN_ERROR_RESPONSE(store_->GetAudioSample(ids[0], Visibility::kLive, &s));
  return JsonResponse(200, AudioJson(s));
}

HttpResponse Api::StreamAudio(const HttpRequest&, const Params& ids) const {
  AudioSample s;
  RETURN_ERROR_RESPONSE(store_->GetAudioSample(ids[0], Visibility::kLive, &s));
  std::optional<std::string> local = lifecycle_->AudioLocalPath(s);
  if (!local) return Detail(501, "Streaming from non-local storage is not implemented");
  HttpResponse r;
  r.content_type = "audio/wav";
  r.file_path = *local;
  r.headers.emplace_back("Content-Disposition",
                         "inline; filename=\"sample-" + s.id.substr(0, 8) + ".wav\"");
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

HttpResponse Api::ListAdapters(const HttpRequest& req, const Params&) const {
  AdapterQuery q;
  RETURN_ERROR_RESPONSE(Visible(lifecycle_, req, &q.visibility));
  RETURN_ERROR_RESPONSE(QueryBool(req, "active_only", &q.active_only));
  auto status = req.query.find("status");
  if (status != req.query.end() && !status->second.empty()) {
    q.status = ParseAdapterStatus(status->second);
    if (!q.status) return Detail(422, "status must be \"active\" or \"archived\"");
  }
  int64_t limit = q.limit;
  RETURN_ERROR_RESPONSE(QueryInt(req, "skip", 0, INT64_MAX / 2, &q.skip));
  RETURN_ERROR_RESPONSE(QueryInt(req, "limit", 1, 1000, &limit));
  q.limit = static_cast<int>(limit);
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
  return JsonResponse(200, AdapterStatsJson(stats));
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

HttpResponse Api::GetAdapter(const HttpRequest& req, const Params& ids) const {
  Visibility v;
  RETURN_ERROR_RESPONSE(Visible(lifecycle_, req, &v));
  Adapter a;
  RETURN_ERROR_RESPONSE(store_->GetAdapter(ids[0], v, &a));
  return RawJsonResponse(200, AdapterJson(a, v == Visibility::kIncludeDeleted));
}

HttpResponse Api::UpdateAdapter(const HttpRequest& req, const Params& ids) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body));
  AdapterPatch patch;
  RETURN_ERROR_RESPONSE(ParseAdapterPatch(body, &patch));
  Adapter a;
  RETURN_ERROR_RESPONSE(lifecycle_->UpdateAdapter(ids[0], patch, &a));
  return RawJsonResponse(200, AdapterJson(a, false));
}

HttpResponse Api::DeleteAdapter(const HttpRequest&, const Params& ids) const {
  RETURN_ERROR_RESPONSE(lifecycle_->DeleteAdapter(ids[0]));
  return JsonResponse(200, {{"status", "deleted"}, {"adapter_id", ids[0]}});
}

HttpResponse Api::PreviewAdapterDelete(const HttpRequest&, const Params& ids) const {
  int64_t jobs = 0;
  RETURN_ERROR_RESPONSE(lifecycle_->PreviewAdapterDelete(ids[0], &jobs));
  return JsonResponse(200, {{"adapter_id", ids[0]}, {"jobs_count", jobs}});
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

HttpResponse Api::ListFeedback(const HttpRequest& req, const Params&) const {
  FeedbackQuery q;
  RETURN_ERROR_RESPONSE(QueryUuid(req, "audio_id", &q.audio_id));
  RETURN_ERROR_RESPONSE(QueryUuid(req, "job_id", &q.job_id));
  int64_t min_rating = 0, max_rating = 0, page = 1, limit = q.limit;
  RETURN_ERROR_RESPONSE(QueryInt(req, "min_rating", 1, 5, &min_rating));
  RETURN_ERROR_RESPONSE(QueryInt(req, "max_rating", 1, 5, &max_rating));
  RETURN_ERROR_RESPONSE(QueryInt(req, "page", 1, 1'000'000, &page));
  RETURN_ERROR_RESPONSE(QueryInt(req, "limit", 1, 100, &limit));
  if (min_rating) q.min_rating = static_cast<int>(min_rating);
  if (max_rating) q.max_rating = static_cast<int>(max_rating);
  auto tags = req.query.find("tags");
  if (tags != req.query.end()) q.tags = Split(tags->second, ',');
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

HttpResponse Api::GetFeedback(const HttpRequest&, const Params& ids) const {
  Feedback f;
  RETURN_ERROR_RESPONSE(store_->GetFeedback(ids[0], &f));
  return JsonResponse(200, FeedbackJson(f));
}

HttpResponse Api::DeleteFeedback(const HttpRequest&, const Params& ids) const {
  RETURN_ERROR_RESPONSE(lifecycle_->DeleteFeedback(ids[0]));
  return JsonResponse(200, {{"status", "deleted"}, {"feedback_id", ids[0]}});
}

}  // namespace studio
