// The /api routes of SPEC section 8's training half: experiments, training
// runs with their logs (and the server-sent-event stream of them), adapter
// versions and the adapter timeline. Thin like api.cc: parse, call, format.
#include <chrono>
#include <nlohmann/json.hpp>

#include "domain/json_values.h"
#include "domain/validation.h"
#include "http/api.h"
#include "http/api_responses.h"
#include "http/json_io.h"
#include "lifecycle/lifecycle.h"

namespace studio {

using json = nlohmann::json;
using namespace api_internal;

namespace {

json LogLineJson(const RunLogLine& l) {
  return {{"seq", l.seq}, {"timestamp", FormatIsoMicros(l.at)}, {"message", l.message}};
}

constexpr int kLogPage = 500;

}  // namespace

// ---- experiments ----

HttpResponse Api::ListExperiments(const HttpRequest&, const Params& args) const {
  const int limit = static_cast<int>(args.Int("limit"));
  const int64_t offset = args.Int("offset");
  std::vector<Experiment> list;
  int64_t total = 0;
  RETURN_ERROR_RESPONSE(store_->ListExperiments(offset, limit, &list, &total));
  json items = json::array();
  for (const auto& e : list) items.push_back(ExperimentJson(e, false));
  return JsonResponse(200, {{"items", items}, {"total", total}, {"limit", limit}, {"offset", offset}});
}

HttpResponse Api::CreateExperiment(const HttpRequest& req, const Params& args) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body));
  ExperimentCreate request;
  RETURN_ERROR_RESPONSE(ParseExperimentCreate(body, &request));
  Experiment e;
  RETURN_ERROR_RESPONSE(lifecycle_->CreateExperiment(request, &e, ActorOf(req, args)));
  return JsonResponse(201, ExperimentJson(e, false));
}

HttpResponse Api::GetExperiment(const HttpRequest&, const Params& args) const {
  Experiment e;
  RETURN_ERROR_RESPONSE(store_->GetExperiment(args.ids[0], Visibility::kLive, &e));
  return JsonResponse(200, ExperimentJson(e, false));
}

HttpResponse Api::UpdateExperiment(const HttpRequest& req, const Params& args) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body));
  ExperimentPatch patch;
  RETURN_ERROR_RESPONSE(ParseExperimentPatch(body, &patch));
  Experiment e;
  RETURN_ERROR_RESPONSE(lifecycle_->UpdateExperiment(args.ids[0], patch, &e, ActorOf(req, args)));
  return JsonResponse(200, ExperimentJson(e, false));
}

HttpResponse Api::DeleteExperiment(const HttpRequest& req, const Params& args) const {
  RETURN_ERROR_RESPONSE(lifecycle_->DeleteExperiment(args.ids[0], ActorOf(req, args)));
  return JsonResponse(200, {{"status", "deleted"}, {"experiment_id", args.ids[0]}});
}

HttpResponse Api::RestoreExperiment(const HttpRequest& req, const Params& args) const {
  Experiment e;
  RETURN_ERROR_RESPONSE(lifecycle_->RestoreExperiment(args.ids[0], &e, ActorOf(req, args)));
  return JsonResponse(200, ExperimentJson(e, false));
}

HttpResponse Api::GetExperimentMetrics(const HttpRequest&, const Params& args) const {
  Experiment e;
  RETURN_ERROR_RESPONSE(store_->GetExperiment(args.ids[0], Visibility::kLive, &e));
  std::vector<TrainingRun> runs;
  RETURN_ERROR_RESPONSE(store_->ListRunsForExperiment(e.id, &runs));
  json items = json::array();
  for (const auto& r : runs) {
    const json m = StoredObjectOrEmpty(r.metrics_json);
    items.push_back({{"run_id", r.id},
                     {"name", r.name},
                     {"status", RunStatusName(r.status)},
                     {"final_loss", OrNull(r.final_loss)},
                     {"heldout_accuracy", m.value("heldout_accuracy", json(nullptr))},
                     {"chance_accuracy", m.value("chance_accuracy", json(nullptr))},
                     {"loss", m.value("loss", json::array())}});
  }
  return JsonResponse(200, {{"experiment_id", e.id}, {"runs", items}});
}

// ---- runs ----

HttpResponse Api::ListRuns(const HttpRequest&, const Params& args) const {
  Experiment e;
  RETURN_ERROR_RESPONSE(store_->GetExperiment(args.ids[0], Visibility::kLive, &e));
  std::vector<TrainingRun> runs;
  RETURN_ERROR_RESPONSE(store_->ListRunsForExperiment(e.id, &runs));
  json items = json::array();
  for (const auto& r : runs) items.push_back(RunJson(r));
  return JsonResponse(200, {{"items", items}, {"total", static_cast<int64_t>(runs.size())}});
}

HttpResponse Api::StartRun(const HttpRequest& req, const Params& args) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body, /*allow_empty=*/true));
  if (body.is_null()) body = json::object();
  RunCreate request;
  RETURN_ERROR_RESPONSE(ParseRunCreate(body, &request));
  TrainingRun r;
  RETURN_ERROR_RESPONSE(lifecycle_->StartRun(args.ids[0], request, &r, ActorOf(req, args)));
  return JsonResponse(201, RunJson(r));
}

HttpResponse Api::DeleteRun(const HttpRequest& req, const Params& args) const {
  RETURN_ERROR_RESPONSE(lifecycle_->DeleteRun(args.ids[0], args.ids[1], ActorOf(req, args)));
  return JsonResponse(200, {{"status", "deleted"}, {"run_id", args.ids[1]}});
}

HttpResponse Api::GetRun(const HttpRequest&, const Params& args) const {
  TrainingRun r;
  RETURN_ERROR_RESPONSE(store_->GetRun(args.ids[0], &r));
  return JsonResponse(200, RunJson(r));
}

HttpResponse Api::GetRunLogs(const HttpRequest&, const Params& args) const {
  TrainingRun r;
  RETURN_ERROR_RESPONSE(store_->GetRun(args.ids[0], &r));
  json logs = json::array();
  int64_t after = 0;
  while (true) {
    std::vector<RunLogLine> page;
    RETURN_ERROR_RESPONSE(store_->ListRunLogs(r.id, after, kLogPage, &page));
    for (const auto& l : page) logs.push_back(LogLineJson(l));
    if (static_cast<int>(page.size()) < kLogPage) break;
    after = page.back().seq;
  }
  return JsonResponse(200, {{"run_id", r.id}, {"status", RunStatusName(r.status)}, {"logs", logs}});
}

// One `log` event per line as it is written, then one `done` event once the
// run has ended and every line was sent. A comment every 15 s keeps proxies
// from closing a quiet stream; after an hour the stream ends (the client's
// EventSource reconnects, and Last-Event-ID resumes it).
HttpResponse Api::StreamRunLogs(const HttpRequest& req, const Params& args) const {
  TrainingRun first;
  RETURN_ERROR_RESPONSE(store_->GetRun(args.ids[0], &first));
  struct State {
    std::string run_id;
    int64_t after = 0;
    std::chrono::steady_clock::time_point started, last_sent;
  };
  auto state = std::make_shared<State>();
  state->run_id = first.id;
  state->started = state->last_sent = std::chrono::steady_clock::now();
  const std::string last_event = req.Header("last-event-id");
  if (!last_event.empty()) state->after = std::strtoll(last_event.c_str(), nullptr, 10);
  Store* store = store_;
  HttpResponse res;
  res.content_type = "text/event-stream";
  res.stream = std::make_shared<HttpResponse::Stream>();
  res.stream->next = [store, state](std::string* chunk) {
    using namespace std::chrono;
    // The status first: a line written before the run ended is then read below.
    TrainingRun run;
    Status s = store->GetRun(state->run_id, &run);
    const bool gone = s.IsNotFound();
    if (!s.ok() && !gone) return true;  // the database is away: try again at the next poll
    std::vector<RunLogLine> lines;
    if (!gone && !store->ListRunLogs(state->run_id, state->after, kLogPage, &lines).ok()) return true;
    for (const auto& l : lines) {
      *chunk += "id: " + std::to_string(l.seq) + "\nevent: log\ndata: " + LogLineJson(l).dump() + "\n\n";
      state->after = l.seq;
    }
    const auto now = steady_clock::now();
    if (!lines.empty()) state->last_sent = now;
    if (static_cast<int>(lines.size()) == kLogPage) return true;  // more to read at once
    if (gone || !IsActive(run.status)) {
      *chunk += "event: done\ndata: " +
                json{{"status", gone ? "deleted" : RunStatusName(run.status)}}.dump() + "\n\n";
      return false;
    }
    if (now - state->started > hours(1)) return false;
    if (now - state->last_sent > seconds(15)) {
      *chunk += ": keep-alive\n\n";
      state->last_sent = now;
    }
    return true;
  };
  return res;
}

// ---- adapter versions and timeline ----

HttpResponse Api::CreateAdapterVersion(const HttpRequest& req, const Params& args) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body, /*allow_empty=*/true));
  if (body.is_null()) body = json::object();
  VersionCreate request;
  RETURN_ERROR_RESPONSE(ParseVersionCreate(body, &request));
  AdapterVersion v;
  RETURN_ERROR_RESPONSE(lifecycle_->CreateAdapterVersion(args.ids[0], request, &v, ActorOf(req, args)));
  return JsonResponse(201, VersionJson(v, v.version));
}

HttpResponse Api::ActivateAdapterVersion(const HttpRequest& req, const Params& args) const {
  Adapter a;
  RETURN_ERROR_RESPONSE(lifecycle_->ActivateAdapterVersion(args.ids[0], args.ids[1], &a, ActorOf(req, args)));
  return AdapterWithVersions(a, false);
}

HttpResponse Api::GetAdapterTimeline(const HttpRequest&, const Params& args) const {
  AdapterTimeline t;
  RETURN_ERROR_RESPONSE(lifecycle_->GetAdapterTimeline(args.ids[0], &t));
  json events = json::array();
  for (const auto& e : t.events) {
    events.push_back({{"type", e.type}, {"timestamp", FormatIsoMicros(e.at)}, {"title", e.title},
                      {"metadata", StoredObjectOrEmpty(e.metadata_json)}});
  }
  return JsonResponse(200, {{"events", events}, {"total_versions", t.total_versions},
                            {"total_training_runs", t.total_training_runs}});
}

HttpResponse Api::AdapterWithVersions(const Adapter& a, bool with_deleted_at) const {
  std::vector<AdapterVersion> versions;
  RETURN_ERROR_RESPONSE(store_->ListAdapterVersions(a.id, &versions));
  json j = json::parse(AdapterJson(a, with_deleted_at));
  j["versions"] = json::array();
  for (const auto& v : versions) j["versions"].push_back(VersionJson(v, a.current_version));
  return JsonResponse(200, j);
}

}  // namespace studio
