// The feedback loop's rules (SPEC section 8): adapter versions and their
// timeline, experiments, and training runs — queued like generation jobs,
// trained by a worker, and finished in one transaction that creates the
// learned adapter only while the run is still the worker's. Declared in
// lifecycle.h.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "domain/json_values.h"
#include "lifecycle/lifecycle.h"
#include "store/storage_keys.h"
#include "util/uuid.h"

namespace studio {

using json = nlohmann::json;

namespace {

std::optional<std::string> StringKey(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// The keys of a run's config that name adapters rather than train.
constexpr char kBaseAdapterKey[] = "base_adapter_id";
constexpr char kAdapterNameKey[] = "adapter_name";
constexpr char kVersionOfKey[] = "version_of";

}  // namespace

// ---- adapter versions ----

Status Lifecycle::AddLockedAdapterVersion(Adapter* adapter, AdapterVersion* v, std::string* written,
                                          bool insert_adapter) {
  v->number = 1;
  if (!insert_adapter) STUDIO_RETURN_IF_ERROR(store_->NextAdapterVersionNumber(adapter->id, &v->number));
  if (v->version.empty()) v->version = std::to_string(v->number);
  v->id = NewUuid();
  v->adapter_id = adapter->id;
  v->created_at = env_->NowMicros();
  std::string key;
  STUDIO_RETURN_IF_ERROR(WriteAdapterStyle(adapter->id, v->number, v->config_json, &key));
  *written = key;
  v->storage_path = key;
  adapter->config_json = v->config_json;
  adapter->storage_path = key;
  adapter->current_version = v->version;
  adapter->updated_at = v->created_at;
  // One statement on the adapter row, never an insert and then an update:
  // each fires the adapter's counter triggers once, in their one order, so
  // two such transactions cannot take the counter rows in opposite orders.
  STUDIO_RETURN_IF_ERROR(insert_adapter ? store_->InsertAdapter(*adapter) : store_->UpdateAdapter(*adapter));
  return store_->InsertAdapterVersion(*v);
}

Status Lifecycle::CreateAdapterVersion(const std::string& adapter_id, const VersionCreate& request,
                                       AdapterVersion* out, const Actor& actor) {
  if (request.config_json && options_.validate_adapter_config) {
    STUDIO_RETURN_IF_ERROR(options_.validate_adapter_config(*request.config_json));
  }
  std::string written;
  Status s = store_->InTransaction([&]() -> Status {
    STUDIO_RETURN_IF_ERROR(store_->LockLiveAdapter(adapter_id));
    Adapter a;
    STUDIO_RETURN_IF_ERROR(store_->GetAdapter(adapter_id, Visibility::kLive, &a));
    AdapterVersion v;
    v.version = request.version.value_or("");
    v.description = request.description;
    v.config_json = request.config_json.value_or(a.config_json);
    v.source = VersionSource::kManual;
    STUDIO_RETURN_IF_ERROR(AddLockedAdapterVersion(&a, &v, &written));
    STUDIO_RETURN_IF_ERROR(Audit(actor, "create", "adapter_version", a.id, json{{"version_number", v.number}}.dump()));
    *out = std::move(v);
    return Status::Ok();
  });
  if (!s.ok() && !written.empty()) storage_->Remove(written);
  return s;
}

Status Lifecycle::ActivateAdapterVersion(const std::string& adapter_id, const std::string& version_id,
                                         Adapter* out, const Actor& actor) {
  return store_->InTransaction([&]() -> Status {
    STUDIO_RETURN_IF_ERROR(store_->LockLiveAdapter(adapter_id));
    Adapter a;
    STUDIO_RETURN_IF_ERROR(store_->GetAdapter(adapter_id, Visibility::kLive, &a));
    AdapterVersion v;
    STUDIO_RETURN_IF_ERROR(store_->GetAdapterVersion(adapter_id, version_id, &v));
    a.config_json = v.config_json;
    a.storage_path = v.storage_path;
    a.current_version = v.version;
    a.updated_at = env_->NowMicros();
    STUDIO_RETURN_IF_ERROR(store_->UpdateAdapter(a));
    STUDIO_RETURN_IF_ERROR(Audit(actor, "activate", "adapter_version", a.id, json{{"version_number", v.number}}.dump()));
    *out = std::move(a);
    return Status::Ok();
  });
}

Status Lifecycle::GetAdapterTimeline(const std::string& adapter_id, AdapterTimeline* out) {
  *out = AdapterTimeline{};
  Adapter a;
  STUDIO_RETURN_IF_ERROR(store_->GetAdapter(adapter_id, Visibility::kLive, &a));
  std::vector<AdapterVersion> versions;
  STUDIO_RETURN_IF_ERROR(store_->ListAdapterVersions(adapter_id, &versions));
  std::vector<TrainingRun> runs;
  STUDIO_RETURN_IF_ERROR(store_->ListRunsForAdapter(adapter_id, &runs));
  std::vector<AuditEvent> events;
  constexpr int kMaxAuditEvents = 500;
  STUDIO_RETURN_IF_ERROR(store_->ListAuditEventsFor(adapter_id, kMaxAuditEvents, &events));

  auto add = [&](const char* type, Micros at, std::string title, json metadata) {
    out->events.push_back({type, at, std::move(title), metadata.dump()});
  };
  add("created", a.created_at, "Adapter created", {{"name", a.name}, {"base_model", a.base_model}});
  std::unordered_map<int, std::string> version_names;
  for (const AdapterVersion& v : versions) {
    version_names[v.number] = v.version;
    json meta = {{"version_id", v.id}, {"version", v.version}, {"source", VersionSourceName(v.source)}};
    if (v.run_id) meta["run_id"] = *v.run_id;
    if (v.dataset_id) meta["dataset_id"] = *v.dataset_id;
    if (v.member_count) meta["member_count"] = *v.member_count;
    if (v.data_hash) meta["data_hash"] = *v.data_hash;
    if (v.explanation) meta["explanation"] = *v.explanation;
    add("version", v.created_at,
        "Version " + v.version + (v.source == VersionSource::kTraining ? " trained" : " created"), meta);
  }
  for (const TrainingRun& r : runs) {
    if (!r.completed_at) continue;
    json meta = {{"run_id", r.id}, {"experiment_id", r.experiment_id}, {"status", RunStatusName(r.status)}};
    if (r.final_loss) meta["final_loss"] = *r.final_loss;
    add("training_run", *r.completed_at, "Training run \"" + r.name + "\" " + RunStatusName(r.status), meta);
  }
  for (const AuditEvent& e : events) {
    const json counts = StoredObjectOrEmpty(e.counts_json);
    if (e.entity == "adapter_version" && e.action == "activate") {
      const int number = counts.value("version_number", 0);
      auto it = version_names.find(number);
      const std::string name = it == version_names.end() ? std::to_string(number) : it->second;
      add("activated", e.at, "Version " + name + " made current", {{"version", name}});
    } else if (e.entity == "adapter" && (e.action == "delete" || e.action == "restore")) {
      add(e.action == "delete" ? "deleted" : "restored", e.at,
          e.action == "delete" ? "Adapter deleted" : "Adapter restored", json::object());
    }
  }
  std::stable_sort(out->events.begin(), out->events.end(),
                   [](const TimelineEvent& x, const TimelineEvent& y) { return x.at < y.at; });
  out->total_versions = static_cast<int64_t>(versions.size());
  out->total_training_runs = static_cast<int64_t>(runs.size());
  return Status::Ok();
}

// ---- experiments ----

Status Lifecycle::MergeTrainingConfig(const std::string& base_json, const std::string& overrides_json,
                                      std::string* out) const {
  json merged = StoredObjectOrEmpty(base_json);
  merged.merge_patch(StoredObjectOrEmpty(overrides_json));
  *out = merged.dump();
  if (options_.validate_training_config) return options_.validate_training_config(*out);
  return Status::Ok();
}

Status Lifecycle::CreateExperiment(const ExperimentCreate& request, Experiment* out, const Actor& actor) {
  std::string config;
  STUDIO_RETURN_IF_ERROR(MergeTrainingConfig("{}", request.config_json, &config));
  Experiment e;
  e.id = NewUuid();
  e.name = request.name;
  e.description = request.description;
  e.dataset_id = request.dataset_id;
  e.config_json = config;
  e.created_at = e.updated_at = env_->NowMicros();
  STUDIO_RETURN_IF_ERROR(store_->InTransaction([&]() -> Status {
    Dataset d;
    Status s = store_->GetDataset(e.dataset_id, Visibility::kIncludeDeleted, &d);
    if (s.IsNotFound()) return Status::NotFound("Dataset not found");
    STUDIO_RETURN_IF_ERROR(s);
    if (d.deleted_at) return Status::RuleViolation("Cannot use a deleted dataset");
    STUDIO_RETURN_IF_ERROR(store_->InsertExperiment(e));
    return Audit(actor, "create", "experiment", e.id, R"({"experiments":1})");
  }));
  return store_->GetExperiment(e.id, Visibility::kLive, out);
}

Status Lifecycle::UpdateExperiment(const std::string& id, const ExperimentPatch& patch, Experiment* out,
                                   const Actor& actor) {
  std::string config;
  if (patch.config_json) STUDIO_RETURN_IF_ERROR(MergeTrainingConfig("{}", *patch.config_json, &config));
  STUDIO_RETURN_IF_ERROR(store_->InTransaction([&]() -> Status {
    Experiment e;
    STUDIO_RETURN_IF_ERROR(store_->GetExperiment(id, Visibility::kLive, &e));
    if (patch.name) e.name = *patch.name;
    if (patch.description) e.description = *patch.description;
    if (patch.config_json) e.config_json = config;
    e.updated_at = env_->NowMicros();
    STUDIO_RETURN_IF_ERROR(store_->UpdateExperiment(e));
    return Audit(actor, "update", "experiment", id, R"({"experiments":1})");
  }));
  return store_->GetExperiment(id, Visibility::kLive, out);
}

Status Lifecycle::DeleteExperiment(const std::string& id, const Actor& actor) {
  return store_->InTransaction([&]() -> Status {
    const Micros now = env_->NowMicros();
    STUDIO_RETURN_IF_ERROR(store_->MarkExperimentDeleted(id, now));
    int64_t cancelled = 0;
    STUDIO_RETURN_IF_ERROR(store_->CancelRunsOfExperiment(id, now, &cancelled));
    return Audit(actor, "delete", "experiment", id,
                 json{{"experiments", 1}, {"runs_cancelled", cancelled}}.dump());
  });
}

Status Lifecycle::RestoreExperiment(const std::string& id, Experiment* out, const Actor& actor) {
  STUDIO_RETURN_IF_ERROR(store_->InTransaction([&]() -> Status {
    STUDIO_RETURN_IF_ERROR(store_->RestoreExperiment(id, env_->NowMicros()));
    return Audit(actor, "restore", "experiment", id, R"({"experiments":1})");
  }));
  return store_->GetExperiment(id, Visibility::kLive, out);
}

// ---- runs ----

Status Lifecycle::StartRun(const std::string& experiment_id, const RunCreate& request, TrainingRun* out,
                           const Actor& actor) {
  TrainingRun r;
  STUDIO_RETURN_IF_ERROR(store_->InTransaction([&]() -> Status {
    Experiment e;
    STUDIO_RETURN_IF_ERROR(store_->GetExperiment(experiment_id, Visibility::kLive, &e));
    if (e.dataset_deleted) return Status::RuleViolation("Cannot train on a deleted dataset");
    STUDIO_RETURN_IF_ERROR(MergeTrainingConfig(e.config_json, request.config_json, &r.config_json));
    const json config = StoredObjectOrEmpty(r.config_json);
    for (const char* key : {kBaseAdapterKey, kVersionOfKey}) {
      if (auto adapter = StringKey(config, key)) {
        Adapter a;
        Status s = store_->GetAdapter(*adapter, Visibility::kLive, &a);
        if (s.IsNotFound()) return Status::InvalidArgument(std::string(key) + " names no live adapter");
        STUDIO_RETURN_IF_ERROR(s);
      }
    }
    r.id = NewUuid();
    r.experiment_id = experiment_id;
    r.name = request.name.value_or("Run " + std::to_string(e.run_count + 1));
    r.status = RunStatus::kQueued;
    r.dataset_id = e.dataset_id;
    r.created_at = env_->NowMicros();
    STUDIO_RETURN_IF_ERROR(store_->InsertRun(r));
    return Audit(actor, "create", "training_run", r.id, R"({"runs":1})");
  }));
  NotifyJobQueued();
  return store_->GetRun(r.id, out);
}

Status Lifecycle::DeleteRun(const std::string& experiment_id, const std::string& run_id, const Actor& actor) {
  return store_->InTransaction([&]() -> Status {
    Experiment e;
    STUDIO_RETURN_IF_ERROR(store_->GetExperiment(experiment_id, Visibility::kLive, &e));
    TrainingRun r;
    STUDIO_RETURN_IF_ERROR(store_->GetRun(run_id, &r));
    STUDIO_RETURN_IF_ERROR(store_->DeleteRun(experiment_id, run_id));
    return Audit(actor, "delete", "training_run", run_id,
                 json{{"runs", 1}, {"cancelled", IsActive(r.status) ? 1 : 0}}.dump());
  });
}

// ---- runs, worker side ----

Status Lifecycle::ClaimRun(const std::string& worker_id, TrainingRun* out) {
  const Micros now = env_->NowMicros();
  return store_->ClaimNextRun(worker_id, now, now + LeaseMicros(), out);
}

Status Lifecycle::ReportRunProgress(const TrainingRun& run, const std::string& worker_id, double progress) {
  return store_->ReportRunProgress(run.id, worker_id, std::clamp(progress, 0.0, 1.0),
                                   env_->NowMicros() + LeaseMicros());
}

Status Lifecycle::AppendRunLog(const TrainingRun& run, const std::string& worker_id, const std::string& message) {
  return store_->AppendRunLog(run.id, worker_id, env_->NowMicros(), message);
}

Status Lifecycle::PrepareTraining(const TrainingRun& run, TrainingInputs* out) {
  *out = TrainingInputs{};
  Status s = store_->GetDataset(run.dataset_id, Visibility::kIncludeDeleted, &out->dataset);
  if (s.IsNotFound() || (s.ok() && out->dataset.deleted_at)) {
    return Status::RuleViolation("Cannot train on a deleted dataset");
  }
  STUDIO_RETURN_IF_ERROR(s);
  constexpr int kPage = 1000;
  std::string after;
  while (true) {
    std::vector<DatasetMember> page;
    STUDIO_RETURN_IF_ERROR(store_->ListDatasetMembers(run.dataset_id, after, kPage, &page));
    for (auto& m : page) out->members.push_back(std::move(m));
    if (static_cast<int>(page.size()) < kPage) break;
    after = out->members.back().feedback.id;
  }
  const json config = StoredObjectOrEmpty(run.config_json);
  if (auto base = StringKey(config, kBaseAdapterKey)) {
    Adapter a;
    s = store_->GetAdapter(*base, Visibility::kIncludeDeleted, &a);
    if (s.IsNotFound()) return Status::RuleViolation("The base adapter no longer exists");
    STUDIO_RETURN_IF_ERROR(s);
    out->base_config_json = a.config_json;
  }
  return Status::Ok();
}

Status Lifecycle::FinishRun(const TrainingRun& run, const std::string& worker_id, const RunOutcome& outcome) {
  std::string written;
  Status s = store_->InTransaction([&]() -> Status {
    TrainingRun done = run;
    done.status = outcome.succeeded ? RunStatus::kCompleted : RunStatus::kFailed;
    done.metrics_json = outcome.metrics_json;
    done.final_loss = outcome.final_loss;
    done.error = outcome.error;
    done.explanation = outcome.explanation;
    done.member_count = outcome.member_count;
    done.data_hash = outcome.data_hash.empty() ? std::nullopt : std::optional<std::string>(outcome.data_hash);
    done.completed_at = env_->NowMicros();
    if (outcome.succeeded && outcome.learned_config_json) {
      Experiment e;
      STUDIO_RETURN_IF_ERROR(store_->GetExperiment(run.experiment_id, Visibility::kIncludeDeleted, &e));
      const json config = StoredObjectOrEmpty(run.config_json);
      AdapterVersion v;
      v.config_json = *outcome.learned_config_json;
      v.source = VersionSource::kTraining;
      v.description = "Trained by run \"" + run.name + "\" of experiment \"" + e.name + "\"";
      v.run_id = run.id;
      v.dataset_id = run.dataset_id;
      v.member_count = outcome.member_count;
      v.data_hash = done.data_hash;
      v.explanation = outcome.explanation;
      Adapter a;
      const std::optional<std::string> target = StringKey(config, kVersionOfKey);
      if (target) {
        STUDIO_RETURN_IF_ERROR(store_->LockLiveAdapter(*target));
        STUDIO_RETURN_IF_ERROR(store_->GetAdapter(*target, Visibility::kLive, &a));
      } else {
        a.id = NewUuid();
        a.description = v.explanation;
        a.config_json = v.config_json;
        a.is_active = true;
        a.created_at = a.updated_at = done.completed_at.value_or(0);
        // A taken name gets a number: the run must not fail at its last step.
        const std::string base = StringKey(config, kAdapterNameKey).value_or(e.name + " - " + run.name);
        for (int attempt = 1;; ++attempt) {
          a.name = attempt == 1 ? base : base + " (" + std::to_string(attempt) + ")";
          bool taken = false;
          STUDIO_RETURN_IF_ERROR(store_->LiveAdapterNameTaken(a.name, &taken));
          if (!taken || attempt >= 100) break;
        }
      }
      STUDIO_RETURN_IF_ERROR(AddLockedAdapterVersion(&a, &v, &written, /*insert_adapter=*/!target));
      done.adapter_id = a.id;
    }
    return store_->FinishRun(done, worker_id);
  });
  if (!s.ok() && !written.empty()) storage_->Remove(written);
  return s;
}

}  // namespace studio
