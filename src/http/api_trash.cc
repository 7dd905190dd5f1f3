// The /api routes of SPEC section 7: trash, restore, purge, storage, bulk
// delete and restore, audit. Thin like api.cc: parse, call the Lifecycle,
// format. The admin-only ones (trash, purge, storage, audit) ask the
// Lifecycle first (CheckAdmin).
#include <nlohmann/json.hpp>

#include "domain/json_values.h"
#include "domain/validation.h"
#include "http/api.h"
#include "http/api_responses.h"
#include "http/json_io.h"
#include "http/json_writer.h"
#include "http/request_policy.h"

namespace studio {

using json = nlohmann::json;
using namespace api_internal;

namespace {

constexpr char kIdsOrFilter[] = "Give either ids or filter";

Status RequireIdsOrFilter(const json& body) {
  const bool ids = body.contains("ids") && !body["ids"].is_null();
  const bool filter = body.contains("filter") && !body["filter"].is_null();
  if (ids == filter) return Status::InvalidArgument(kIdsOrFilter);
  if (filter && !body["filter"].is_object()) return Status::InvalidArgument("filter must be an object");
  return Status::Ok();
}

Status ParseDryRun(const json& body, bool* dry_run) {
  std::optional<bool> v;
  STUDIO_RETURN_IF_ERROR(OptionalBoolField(body, "dry_run", &v));
  *dry_run = v.value_or(false);
  return Status::Ok();
}

// What every bulk-delete body has: an object with ids or a filter, dry_run.
Status ParseBulkCommon(const json& body, std::optional<IdList>* ids, bool* dry_run) {
  if (!body.is_object()) return Status::InvalidArgument("Request body must be a JSON object");
  STUDIO_RETURN_IF_ERROR(RequireIdsOrFilter(body));
  STUDIO_RETURN_IF_ERROR(ParseDryRun(body, dry_run));
  return OptionalUuidList(body, "ids", limits::kBulkIds, ids);
}

// POST /jobs/bulk-delete.
Status ParseBulkJobDelete(const json& body, BulkJobDelete* out) {
  STUDIO_RETURN_IF_ERROR(ParseBulkCommon(body, &out->ids, &out->dry_run));
  if (out->ids) return Status::Ok();
  const json& f = body["filter"];
  if (f.contains("status") && !f["status"].is_null()) {
    out->filter.status = f["status"].is_string() ? ParseJobStatus(f["status"].get<std::string>()) : std::nullopt;
    if (!out->filter.status) {
      return Status::InvalidArgument("filter.status must be one of queued, processing, completed, failed, cancelled");
    }
  }
  STUDIO_RETURN_IF_ERROR(OptionalUuidField(f, "adapter_id", &out->filter.adapter_id));
  STUDIO_RETURN_IF_ERROR(OptionalUuidField(f, "prompt_id", &out->filter.prompt_id));
  STUDIO_RETURN_IF_ERROR(OptionalTimeField(f, "start_date", &out->filter.start_date));
  return OptionalTimeField(f, "end_date", &out->filter.end_date);
}

// POST /feedback/bulk-delete.
Status ParseBulkFeedbackDelete(const json& body, BulkFeedbackDelete* out) {
  STUDIO_RETURN_IF_ERROR(ParseBulkCommon(body, &out->ids, &out->dry_run));
  if (out->ids) return Status::Ok();
  const json& f = body["filter"];
  FeedbackQuery& q = out->filter;
  STUDIO_RETURN_IF_ERROR(OptionalUuidField(f, "job_id", &q.job_id));
  STUDIO_RETURN_IF_ERROR(OptionalUuidField(f, "audio_id", &q.audio_id));
  std::optional<int64_t> rating;
  STUDIO_RETURN_IF_ERROR(OptionalIntField(f, "min_rating", limits::kRating, &rating));
  if (rating) q.min_rating = static_cast<int>(*rating);
  STUDIO_RETURN_IF_ERROR(OptionalIntField(f, "max_rating", limits::kRating, &rating));
  if (rating) q.max_rating = static_cast<int>(*rating);
  std::optional<std::vector<std::string>> tags;
  STUDIO_RETURN_IF_ERROR(OptionalStringList(f, "tags", limits::kMaxTags, limits::kTag, &tags));
  if (tags) q.tags = *tags;
  STUDIO_RETURN_IF_ERROR(OptionalTimeField(f, "start_date", &q.start_date));
  return OptionalTimeField(f, "end_date", &q.end_date);
}

// POST /admin/purge.
Status ParsePurge(const json& body, PurgeRequest* out) {
  if (!body.is_object()) return Status::InvalidArgument("Request body must be a JSON object");
  if (body.contains("type") && !body["type"].is_null()) {
    std::optional<TrashKind> kind;
    if (body["type"].is_string()) kind = ParseTrashKind(body["type"].get<std::string>());
    if (!kind) return Status::InvalidArgument("type must be one of jobs, adapters, datasets, experiments, ab_tests");
    out->kind = *kind;
  }
  std::optional<int64_t> days;
  STUDIO_RETURN_IF_ERROR(OptionalIntField(body, "older_than_days", limits::kOlderThanDays, &days));
  if (days) out->older_than_days = static_cast<int>(*days);
  STUDIO_RETURN_IF_ERROR(OptionalUuidList(body, "ids", limits::kBulkIds, &out->ids));
  return ParseDryRun(body, &out->dry_run);
}

json PurgeJson(const PurgeResult& r, bool dry_run) {
  return {{"jobs", r.jobs},         {"samples", r.samples}, {"adapters", r.adapters},
          {"datasets", r.datasets}, {"experiments", r.experiments}, {"ab_tests", r.ab_tests}, {"files", r.files},
          {"bytes_reclaimed", r.bytes_reclaimed}, {"dry_run", dry_run}};
}

void WriteOptionalTime(JsonWriter& w, const std::optional<Micros>& t) {
  if (t) w.String(FormatIsoMicros(*t));
  else w.Null();
}

}  // namespace

Actor Api::ActorOf(const HttpRequest& req, const Params& args) const {
  return lifecycle_->ActorFor(BearerToken(req.Header("authorization")), args.request_id);
}

Status Api::RequireAdmin(const HttpRequest& req) const {
  return lifecycle_->CheckAdmin(BearerToken(req.Header("authorization")));
}

HttpResponse Api::ListTrash(const HttpRequest& req, const Params& args) const {
  RETURN_ERROR_RESPONSE(RequireAdmin(req));
  const TrashKind kind = ParseTrashKind(args.Query("type").text).value_or(TrashKind::kJobs);
  const int limit = static_cast<int>(args.Int("limit"));
  const int64_t offset = args.Int("offset");
  std::string body;
  JsonWriter w(&body);
  int64_t total = 0;
  w.BeginObject().Key("items").BeginArray();
  if (kind == TrashKind::kJobs) {
    std::vector<TrashedJob> jobs;
    RETURN_ERROR_RESPONSE(store_->ListTrashedJobs(offset, limit, &jobs, &total));
    for (const auto& t : jobs) {
      w.BeginObject();
      WriteJobFields(w, t.job, /*with_deleted_at=*/true);
      w.Key("purge_after");
      WriteOptionalTime(w, lifecycle_->PurgeAfter(t.job.deleted_at.value_or(0)));
      w.Key("sample_count").Int(static_cast<int64_t>(t.job.audio_ids.size()));
      w.Key("feedback_deleted").Int(t.feedback_deleted);
      w.EndObject();
    }
  } else if (kind == TrashKind::kAdapters) {
    std::vector<TrashedAdapter> adapters;
    RETURN_ERROR_RESPONSE(store_->ListTrashedAdapters(offset, limit, &adapters, &total));
    for (const auto& t : adapters) {
      w.BeginObject();
      WriteAdapterFields(w, t.adapter, /*with_deleted_at=*/true);
      w.Key("purge_after");
      WriteOptionalTime(w, lifecycle_->PurgeAfter(t.adapter.deleted_at.value_or(0)));
      w.Key("held_by_jobs").Int(t.held_by_jobs);
      w.EndObject();
    }
  } else if (kind == TrashKind::kDatasets) {
    std::vector<Dataset> datasets;
    RETURN_ERROR_RESPONSE(store_->ListTrashedDatasets(offset, limit, &datasets, &total));
    for (const auto& d : datasets) {
      json item = DatasetJson(d, /*with_deleted_at=*/true);
      item["purge_after"] = nullptr;
      if (auto after = lifecycle_->PurgeAfter(d.deleted_at.value_or(0))) item["purge_after"] = FormatIsoMicros(*after);
      w.Raw(item.dump());
    }
  } else if (kind == TrashKind::kExperiments) {
    std::vector<Experiment> experiments;
    RETURN_ERROR_RESPONSE(store_->ListTrashedExperiments(offset, limit, &experiments, &total));
    for (const auto& e : experiments) {
      json item = ExperimentJson(e, /*with_deleted_at=*/true);
      item["purge_after"] = nullptr;
      if (auto after = lifecycle_->PurgeAfter(e.deleted_at.value_or(0))) item["purge_after"] = FormatIsoMicros(*after);
      w.Raw(item.dump());
    }
  }  // A/B tests (SPEC section 8) do not exist yet: always empty
  w.EndArray();
  w.Key("total").Int(total).Key("limit").Int(limit).Key("offset").Int(offset);
  w.Key("type").String(TrashKindName(kind));
  w.EndObject();
  return RawJsonResponse(200, std::move(body));
}

HttpResponse Api::RestoreJob(const HttpRequest& req, const Params& args) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body, /*allow_empty=*/true));
  if (!body.is_null() && !body.is_object()) return Detail(422, "Request body must be a JSON object");
  Job job;
  RETURN_ERROR_RESPONSE(lifecycle_->RestoreJob(args.ids[0], &job, ActorOf(req, args)));
  return RawJsonResponse(200, JobJson(job, false));
}

HttpResponse Api::RestoreAdapter(const HttpRequest& req, const Params& args) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body, /*allow_empty=*/true));
  std::optional<std::string> name;
  RETURN_ERROR_RESPONSE(ParseAdapterRestore(body, &name));
  Adapter a;
  RETURN_ERROR_RESPONSE(lifecycle_->RestoreAdapter(args.ids[0], name, &a, ActorOf(req, args)));
  return RawJsonResponse(200, AdapterJson(a, false));
}

HttpResponse Api::BulkDeleteJobs(const HttpRequest& req, const Params& args) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body));
  BulkJobDelete request;
  RETURN_ERROR_RESPONSE(ParseBulkJobDelete(body, &request));
  BulkJobDeleteResult r;
  RETURN_ERROR_RESPONSE(lifecycle_->BulkDeleteJobs(request, &r, ActorOf(req, args)));
  json out = {{"jobs_deleted", r.jobs_deleted}, {"feedback_deleted", r.feedback_deleted},
              {"cancelled", r.cancelled}, {"dry_run", request.dry_run}};
  if (request.dry_run) out["datasets_affected"] = DatasetsAffectedJson(r.datasets_affected);
  return JsonResponse(200, out);
}

HttpResponse Api::BulkRestoreJobs(const HttpRequest& req, const Params& args) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body));
  if (!body.is_object()) return Detail(422, "Request body must be a JSON object");
  std::optional<IdList> ids;
  RETURN_ERROR_RESPONSE(OptionalUuidList(body, "ids", limits::kBulkIds, &ids));
  if (!ids) return Detail(422, "ids is required");
  int64_t restored = 0;
  RETURN_ERROR_RESPONSE(lifecycle_->BulkRestoreJobs(*ids, &restored, ActorOf(req, args)));
  return JsonResponse(200, {{"jobs_restored", restored}});
}

HttpResponse Api::BulkDeleteFeedback(const HttpRequest& req, const Params& args) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body));
  BulkFeedbackDelete request;
  RETURN_ERROR_RESPONSE(ParseBulkFeedbackDelete(body, &request));
  int64_t deleted = 0;
  std::vector<DatasetImpact> datasets;
  RETURN_ERROR_RESPONSE(lifecycle_->BulkDeleteFeedback(request, &deleted, ActorOf(req, args), &datasets));
  json out = {{"feedback_deleted", deleted}, {"dry_run", request.dry_run}};
  if (request.dry_run) out["datasets_affected"] = DatasetsAffectedJson(datasets);
  return JsonResponse(200, out);
}

HttpResponse Api::Purge(const HttpRequest& req, const Params& args) const {
  RETURN_ERROR_RESPONSE(RequireAdmin(req));
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body));
  PurgeRequest request;
  RETURN_ERROR_RESPONSE(ParsePurge(body, &request));
  PurgeResult r;
  RETURN_ERROR_RESPONSE(lifecycle_->Purge(request, &r, ActorOf(req, args)));
  return JsonResponse(200, PurgeJson(r, request.dry_run));
}

HttpResponse Api::GetStorage(const HttpRequest& req, const Params&) const {
  RETURN_ERROR_RESPONSE(RequireAdmin(req));
  StorageReport r;
  RETURN_ERROR_RESPONSE(lifecycle_->GetStorage(&r));
  return JsonResponse(200, {{"live_bytes", r.live_bytes},
                            {"trashed_bytes", r.trashed_bytes},
                            {"orphaned_bytes", r.orphaned_bytes},
                            {"files", r.files},
                            {"retention_days", lifecycle_->options().retention_days},
                            {"purge_interval_seconds", options_.purge_interval_seconds}});
}

HttpResponse Api::ListAudit(const HttpRequest& req, const Params& args) const {
  RETURN_ERROR_RESPONSE(RequireAdmin(req));
  AuditQuery q;
  if (const QueryValue& v = args.Query("entity"); v.present) q.entity = v.text;
  if (const QueryValue& v = args.Query("action"); v.present) q.action = v.text;
  if (const QueryValue& v = args.Query("start_date"); v.present) q.start_date = v.time;
  if (const QueryValue& v = args.Query("end_date"); v.present) q.end_date = v.time;
  q.limit = static_cast<int>(args.Int("limit"));
  q.offset = args.Int("offset");
  std::vector<AuditEvent> events;
  int64_t total = 0;
  RETURN_ERROR_RESPONSE(store_->ListAuditEvents(q, &events, &total));
  json items = json::array();
  for (const auto& e : events) {
    items.push_back({{"id", e.id},
                     {"at", FormatIsoMicros(e.at)},
                     {"action", e.action},
                     {"entity", e.entity},
                     {"entity_id", e.entity_id ? json(*e.entity_id) : json(nullptr)},
                     {"counts", StoredObjectOrEmpty(e.counts_json)},
                     {"actor", e.actor},
                     {"request_id", e.request_id}});
  }
  return JsonResponse(200, {{"items", items}, {"total", total}, {"limit", q.limit}, {"offset", q.offset}});
}

}  // namespace studio
