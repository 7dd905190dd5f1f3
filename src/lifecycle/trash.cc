// The second half of the lifecycle (SPEC section 7): restore, bulk delete,
// purge with its orphan sweep, the storage report, and the audit events
// every change writes in its own transaction. Declared in lifecycle.h.
#include <algorithm>
#include <chrono>
#include <thread>
#include <climits>
#include <nlohmann/json.hpp>
#include <functional>
#include <set>

#include "lifecycle/lifecycle.h"
#include "store/storage_keys.h"
#include "util/uuid.h"

namespace studio {

using json = nlohmann::json;

namespace {

constexpr Micros kMicrosPerDay = 86'400'000'000LL;

// Each distinct id once, in the order first named.
IdList Distinct(const IdList& ids) {
  IdList out;
  std::set<std::string> seen;
  for (const auto& id : ids)
    if (seen.insert(id).second) out.push_back(id);
  return out;
}

json PurgeCounts(const PurgeResult& r) {
  return {{"jobs", r.jobs},         {"samples", r.samples}, {"adapters", r.adapters},
          {"datasets", r.datasets}, {"experiments", r.experiments}, {"ab_tests", r.ab_tests}, {"files", r.files},
          {"bytes_reclaimed", r.bytes_reclaimed}};
}

// Sent back by a dry run's transaction body so that the store rolls it back.
const char kDryRunRollback[] = "dry run: rolled back";
bool IsDryRunRollback(const Status& s) {
  return s.code() == Status::Code::kCancelled && s.message() == kDryRunRollback;
}

Status CheckIdCount(const std::optional<IdList>& ids) {
  if (ids && ids->size() > kMaxBulkIds) {
    return Status::InvalidArgument("At most " + std::to_string(kMaxBulkIds) + " ids per call");
  }
  return Status::Ok();
}

// What a bulk call covers: the named ids (each once), or what `select`
// picks for the filter, refused when that is more than kMaxBulkFilterMatches `what`.
Status BulkTargets(const std::optional<IdList>& ids, const char* what,
                   const std::function<Status(int64_t max, IdList*)>& select, IdList* out) {
  if (ids) {
    *out = Distinct(*ids);
    return Status::Ok();
  }
  STUDIO_RETURN_IF_ERROR(select(kMaxBulkFilterMatches + 1, out));
  if (static_cast<int64_t>(out->size()) > kMaxBulkFilterMatches) {
    return Status::InvalidArgument("The filter matches more than " + std::to_string(kMaxBulkFilterMatches) +
                                   " " + what + "; narrow it");
  }
  return Status::Ok();
}

// A staged (unpublished) file, or a published one: the part of its name
// before the first '.', which is what a row's key names ("<audio_id>").
std::string Stem(const std::string& name) { return name.substr(0, name.find('.')); }

}  // namespace

const char* TrashKindName(TrashKind kind) {
  switch (kind) {
    case TrashKind::kJobs: return "jobs";
    case TrashKind::kAdapters: return "adapters";
    case TrashKind::kDatasets: return "datasets";
    case TrashKind::kExperiments: return "experiments";
    case TrashKind::kAbTests: return "ab_tests";
  }
  return "jobs";
}

// The audit log's word for one row of a kind ("job" for the jobs' trash).
static const char* AuditEntityOf(TrashKind kind) {
  switch (kind) {
    case TrashKind::kJobs: return "job";
    case TrashKind::kAdapters: return "adapter";
    case TrashKind::kDatasets: return "dataset";
    case TrashKind::kExperiments: return "experiment";
    case TrashKind::kAbTests: return "ab_test";
  }
  return "job";
}

std::optional<TrashKind> ParseTrashKind(const std::string& name) {
  for (TrashKind k : {TrashKind::kJobs, TrashKind::kAdapters, TrashKind::kDatasets, TrashKind::kExperiments,
                      TrashKind::kAbTests})
    if (name == TrashKindName(k)) return k;
  return std::nullopt;
}

std::string JobDeleteCounts(const BulkJobDeleteResult& r) {
  return json{{"jobs", r.jobs_deleted}, {"feedback_deleted", r.feedback_deleted},
              {"cancelled", r.cancelled}}
      .dump();
}

Actor Lifecycle::ActorFor(const std::string& bearer_token, std::string request_id) const {
  Actor a;
  a.admin = options_.admin_token.has_value() && CheckAdmin(bearer_token).ok();
  a.request_id = std::move(request_id);
  return a;
}

Status Lifecycle::Audit(const Actor& actor, const char* action, const char* entity,
                        const std::optional<std::string>& entity_id, const std::string& counts_json,
                        std::string* event_id) {
  AuditEvent e;
  e.id = NewUuid();
  e.at = env_->NowMicros();
  e.action = action;
  e.entity = entity;
  e.entity_id = entity_id;
  e.counts_json = counts_json;
  e.actor = actor.admin ? "admin" : "local";
  e.request_id = actor.request_id.empty() ? NewUuid() : actor.request_id;
  if (event_id) *event_id = e.id;
  return store_->InsertAuditEvent(e);
}

std::optional<Micros> Lifecycle::PurgeAfter(Micros deleted_at) const {
  if (options_.retention_days <= 0) return std::nullopt;
  return deleted_at + options_.retention_days * kMicrosPerDay;
}

// ---- restore ----

Status Lifecycle::RestoreJob(const std::string& job_id, Job* out, const Actor& actor) {
  STUDIO_RETURN_IF_ERROR(store_->InTransaction([&]() -> Status {
    int64_t restored = 0;
    STUDIO_RETURN_IF_ERROR(store_->RestoreJobs({job_id}, env_->NowMicros(), &restored));
    if (restored != 1) return Status::NotFound(store_kind::kTrashedJob);
    return Audit(actor, "restore", "job", job_id, R"({"jobs":1})");
  }));
  return store_->GetJob(job_id, Visibility::kLive, out);
}

Status Lifecycle::BulkRestoreJobs(const IdList& ids, int64_t* restored, const Actor& actor) {
  *restored = 0;
  STUDIO_RETURN_IF_ERROR(CheckIdCount(ids));
  const IdList distinct = Distinct(ids);
  return store_->InTransaction([&]() -> Status {
    STUDIO_RETURN_IF_ERROR(store_->RestoreJobs(distinct, env_->NowMicros(), restored));
    const auto entity_id = distinct.size() == 1 ? std::optional<std::string>(distinct[0]) : std::nullopt;
    return Audit(actor, "bulk_restore", "job", entity_id, json{{"jobs", *restored}}.dump());
  });
}

Status Lifecycle::RestoreAdapter(const std::string& id, const std::optional<std::string>& new_name,
                                 Adapter* out, const Actor& actor) {
  STUDIO_RETURN_IF_ERROR(store_->InTransaction([&]() -> Status {
    Status s = store_->RestoreAdapter(id, new_name, env_->NowMicros());
    if (s.code() == Status::Code::kConflict) {
      return Status::Conflict("A live adapter already has this name; restore it under another name");
    }
    STUDIO_RETURN_IF_ERROR(s);
    return Audit(actor, "restore", "adapter", id, R"({"adapters":1})");
  }));
  return store_->GetAdapter(id, Visibility::kLive, out);
}

// ---- bulk delete ----

Status Lifecycle::BulkDeleteJobs(const BulkJobDelete& request, BulkJobDeleteResult* out,
                                 const Actor& actor) {
  *out = BulkJobDeleteResult{};
  STUDIO_RETURN_IF_ERROR(CheckIdCount(request.ids));
  Status s = store_->InTransaction([&]() -> Status {
    IdList candidates;
    STUDIO_RETURN_IF_ERROR(BulkTargets(request.ids, "jobs",
                                       [&](int64_t max, IdList* ids) {
                                         return store_->SelectLiveJobIds(request.filter, max, ids);
                                       },
                                       &candidates));
    // The same rules as DeleteJob, for every job at once: locked first,
    // then cancelled, marked deleted and their feedback cascaded.
    std::set<std::string> locked;
    for (size_t at = 0; at < candidates.size(); at += kMaxIdsPerStatement) {
      IdList chunk_live;
      STUDIO_RETURN_IF_ERROR(store_->LockLiveJobs(IdChunk(candidates, at), RowLock::kExclusive, &chunk_live));
      locked.insert(chunk_live.begin(), chunk_live.end());
    }
    // In the order asked: each job's feedback_deleted is what one-by-one
    // deletes in this order would report.
    IdList live;
    for (const auto& id : candidates)
      if (locked.count(id)) live.push_back(id);
    STUDIO_RETURN_IF_ERROR(DeleteLockedJobs(live, env_->NowMicros(), out, request.dry_run));
    // A dry run did the real work to count it exactly, and is rolled back.
    if (request.dry_run) return Status::Cancelled(kDryRunRollback);
    const bool one = request.ids && candidates.size() == 1;
    return Audit(actor, "bulk_delete", "job", one ? std::optional<std::string>(candidates[0]) : std::nullopt,
                 JobDeleteCounts(*out));
  });
  return IsDryRunRollback(s) ? Status::Ok() : s;
}

Status Lifecycle::BulkDeleteFeedback(const BulkFeedbackDelete& request, int64_t* deleted,
                                     const Actor& actor, std::vector<DatasetImpact>* datasets_affected) {
  *deleted = 0;
  if (datasets_affected) datasets_affected->clear();
  STUDIO_RETURN_IF_ERROR(CheckIdCount(request.ids));
  Status s = store_->InTransaction([&]() -> Status {
    IdList ids;
    STUDIO_RETURN_IF_ERROR(BulkTargets(request.ids, "feedback records",
                                       [&](int64_t max, IdList* out_ids) {
                                         return store_->SelectFeedbackIds(request.filter, max, out_ids);
                                       },
                                       &ids));
    for (size_t at = 0; at < ids.size(); at += kMaxIdsPerStatement) {
      const IdList chunk = IdChunk(ids, at);
      if (request.dry_run && datasets_affected) {
        std::vector<DatasetImpact> chunk_impacts;
        STUDIO_RETURN_IF_ERROR(store_->DatasetsAffectedByFeedback(chunk, &chunk_impacts));
        MergeDatasetImpacts(datasets_affected, chunk_impacts);
      }
      int64_t n = 0;
      STUDIO_RETURN_IF_ERROR(store_->DeleteFeedbackByIds(chunk, &n));
      *deleted += n;
    }
    if (request.dry_run) return Status::Cancelled(kDryRunRollback);
    const bool one = request.ids && ids.size() == 1;
    return Audit(actor, "bulk_delete", "feedback", one ? std::optional<std::string>(ids[0]) : std::nullopt,
                 json{{"feedback", *deleted}}.dump());
  });
  return IsDryRunRollback(s) ? Status::Ok() : s;
}

// ---- purge ----

void Lifecycle::MeasureFolder(const std::string& prefix, std::vector<std::string>* keys, int64_t* bytes) {
  std::vector<std::string> names;
  if (!storage_->List(prefix, &names).ok()) return;
  for (const auto& name : names) {
    const std::string key = prefix + "/" + name;
    FileInfo info;
    if (!storage_->Stat(key, &info).ok() || info.is_directory) continue;
    keys->push_back(key);
    *bytes += info.size;
  }
}

void Lifecycle::RemoveFolder(const std::string& prefix, const std::vector<std::string>& keys) {
  for (const auto& key : keys) storage_->Remove(key);
  storage_->Remove(prefix);  // the folder itself, once empty; best effort
}

Status Lifecycle::Purge(const PurgeRequest& request, PurgeResult* out, const Actor& actor) {
  *out = PurgeResult{};
  if (request.older_than_days && *request.older_than_days < 0) {
    return Status::InvalidArgument("older_than_days must be >= 0");
  }
  STUDIO_RETURN_IF_ERROR(CheckIdCount(request.ids));
  const Micros now = env_->NowMicros();
  // Named items go whatever their age (unless older_than_days also says);
  // otherwise only what the retention (or older_than_days) has expired.
  std::optional<Micros> cutoff;
  if (request.older_than_days) {
    cutoff = now - *request.older_than_days * kMicrosPerDay;
  } else if (!request.ids) {
    // Nothing has expired while retention is off: only the sweep runs.
    cutoff = options_.retention_days > 0 ? now - options_.retention_days * kMicrosPerDay : 0;
  }
  IdList ids;
  if (request.ids) {
    ids = Distinct(*request.ids);
    // Every named id must be in the trash as this kind: nothing changes otherwise.
    if (request.kind == TrashKind::kAbTests) {
      if (!ids.empty()) return Status::NotFound(std::string("Not in the trash as ") + TrashKindName(request.kind) + ": " + ids[0]);
    } else if (request.kind == TrashKind::kDatasets || request.kind == TrashKind::kExperiments) {
      IdList trashed;
      const int n = static_cast<int>(ids.size());
      STUDIO_RETURN_IF_ERROR(request.kind == TrashKind::kDatasets
                                 ? store_->SelectTrashedDatasetIds(ids, std::nullopt, n, &trashed)
                                 : store_->SelectTrashedExperimentIds(ids, std::nullopt, n, &trashed));
      const std::set<std::string> found(trashed.begin(), trashed.end());
      for (const auto& id : ids) {
        if (!found.count(id)) {
          return Status::NotFound(std::string("Not in the trash as ") + TrashKindName(request.kind) + ": " + id);
        }
      }
    } else {
      FileOwners owners;
      const bool jobs = request.kind == TrashKind::kJobs;
      STUDIO_RETURN_IF_ERROR(store_->LookupFileOwners(jobs ? ids : IdList{}, jobs ? IdList{} : ids, &owners));
      const auto& found = jobs ? owners.jobs : owners.adapters;
      for (const auto& id : ids) {
        auto it = found.find(id);
        if (it == found.end() || !it->second) {
          return Status::NotFound(std::string("Not in the trash as ") + TrashKindName(request.kind) + ": " + id);
        }
      }
    }
  }
  const std::optional<IdList> named = request.ids ? std::optional<IdList>(ids) : std::nullopt;
  std::string event_id;
  if (request.kind == TrashKind::kJobs) {
    const PurgeOps jobs{
        .entity = AuditEntityOf(request.kind),
        .select = [&](int limit, IdList* out_ids) { return store_->SelectTrashedJobIds(named, cutoff, limit, out_ids); },
        .folder = JobAudioPrefix,
        .count_rows =
            [&](const IdList& chunk, PurgeResult* r) {
              FileOwners owners;
              STUDIO_RETURN_IF_ERROR(store_->LookupFileOwners(chunk, {}, &owners));
              r->jobs += static_cast<int64_t>(chunk.size());
              r->samples += static_cast<int64_t>(owners.audio_keys.size());
              return Status::Ok();
            },
        .purge_rows =
            [&](const IdList& batch, PurgeResult* r) {
              int64_t jobs_n = 0, samples_n = 0;
              STUDIO_RETURN_IF_ERROR(store_->PurgeJobRows(batch, &jobs_n, &samples_n));
              r->jobs += jobs_n;
              r->samples += samples_n;
              return Status::Ok();
            }};
    STUDIO_RETURN_IF_ERROR(PurgeInBatches(jobs, request.dry_run, named, actor, out, &event_id));
  } else if (request.kind == TrashKind::kAdapters) {
    // Only adapters no job references: a held one stays in the trash.
    const PurgeOps adapters{
        .entity = AuditEntityOf(request.kind),
        .select = [&](int limit, IdList* out_ids) {
          return store_->SelectPurgeableAdapterIds(named, cutoff, limit, out_ids);
        },
        .folder = AdapterPrefix,
        .count_rows =
            [](const IdList& chunk, PurgeResult* r) {
              r->adapters += static_cast<int64_t>(chunk.size());
              return Status::Ok();
            },
        .purge_rows =
            [&](const IdList& batch, PurgeResult* r) {
              int64_t n = 0;
              STUDIO_RETURN_IF_ERROR(store_->PurgeAdapterRows(batch, &n));
              r->adapters += n;
              return Status::Ok();
            }};
    STUDIO_RETURN_IF_ERROR(PurgeInBatches(adapters, request.dry_run, named, actor, out, &event_id));
  } else if (request.kind == TrashKind::kDatasets) {
    // Rows only (a dataset has no files); its members go by cascade.
    const PurgeOps datasets{
        .entity = AuditEntityOf(request.kind),
        .select = [&](int limit, IdList* out_ids) {
          return store_->SelectTrashedDatasetIds(named, cutoff, limit, out_ids);
        },
        .folder = nullptr,
        .count_rows =
            [](const IdList& chunk, PurgeResult* r) {
              r->datasets += static_cast<int64_t>(chunk.size());
              return Status::Ok();
            },
        .purge_rows =
            [&](const IdList& batch, PurgeResult* r) {
              int64_t n = 0;
              STUDIO_RETURN_IF_ERROR(store_->PurgeDatasetRows(batch, &n));
              r->datasets += n;
              return Status::Ok();
            }};
    STUDIO_RETURN_IF_ERROR(PurgeInBatches(datasets, request.dry_run, named, actor, out, &event_id));
  } else if (request.kind == TrashKind::kExperiments) {
    // Rows only: the experiment with its runs and their logs; its adapters stay.
    const PurgeOps experiments{
        .entity = AuditEntityOf(request.kind),
        .select = [&](int limit, IdList* out_ids) {
          return store_->SelectTrashedExperimentIds(named, cutoff, limit, out_ids);
        },
        .folder = nullptr,
        .count_rows =
            [](const IdList& chunk, PurgeResult* r) {
              r->experiments += static_cast<int64_t>(chunk.size());
              return Status::Ok();
            },
        .purge_rows =
            [&](const IdList& batch, PurgeResult* r) {
              int64_t n = 0, runs = 0;
              STUDIO_RETURN_IF_ERROR(store_->PurgeExperimentRows(batch, &n, &runs));
              r->experiments += n;
              return Status::Ok();
            }};
    STUDIO_RETURN_IF_ERROR(PurgeInBatches(experiments, request.dry_run, named, actor, out, &event_id));
  }  // A/B tests: none exist yet (SPEC section 8)
  PurgeResult swept;
  STUDIO_RETURN_IF_ERROR(SweepOrphans(now - 2 * options_.lease_seconds * 1'000'000LL, request.dry_run, &swept));
  out->files += swept.files;
  out->bytes_reclaimed += swept.bytes_reclaimed;
  if (request.dry_run) return Status::Ok();
  const std::string counts = PurgeCounts(*out).dump();
  // One event per call: made by the first batch, brought up to date here.
  if (!event_id.empty()) return store_->UpdateAuditCounts(event_id, counts);
  if (request.automatic && swept.files == 0) return Status::Ok();
  const bool one = request.ids && ids.size() == 1;
  return store_->InTransaction([&] {
    return Audit(actor, "purge", AuditEntityOf(request.kind), one ? std::optional<std::string>(ids[0]) : std::nullopt,
                 counts);
  });
}

Status Lifecycle::PurgeInBatches(const PurgeOps& ops, bool dry_run, const std::optional<IdList>& ids,
                                 const Actor& actor, PurgeResult* out, std::string* event_id) {
  const auto entity_id = ids && ids->size() == 1 ? std::optional<std::string>((*ids)[0]) : std::nullopt;
  if (dry_run) {
    IdList all;
    STUDIO_RETURN_IF_ERROR(ops.select(INT_MAX, &all));
    for (size_t at = 0; at < all.size(); at += kMaxIdsPerStatement) {
      const IdList chunk = IdChunk(all, at);
      STUDIO_RETURN_IF_ERROR(ops.count_rows(chunk, out));
      if (!ops.folder) continue;
      for (const auto& id : chunk) {
        std::vector<std::string> keys;
        MeasureFolder(ops.folder(id), &keys, &out->bytes_reclaimed);
        out->files += static_cast<int64_t>(keys.size());
      }
    }
    return Status::Ok();
  }
  for (;;) {
    // One batch: the rows in one transaction with the call's event, the files after.
    const auto batch_start = std::chrono::steady_clock::now();
    std::vector<std::pair<std::string, std::vector<std::string>>> folders;
    bool empty = true;
    STUDIO_RETURN_IF_ERROR(store_->InTransaction([&]() -> Status {
      folders.clear();
      IdList batch;
      STUDIO_RETURN_IF_ERROR(ops.select(kPurgeBatch, &batch));
      empty = batch.empty();
      if (empty) return Status::Ok();
      PurgeResult total = *out;
      for (const auto& id : batch) {
        if (!ops.folder) break;  // rows without files
        auto& [prefix, keys] = folders.emplace_back(ops.folder(id), std::vector<std::string>{});
        MeasureFolder(prefix, &keys, &total.bytes_reclaimed);
        total.files += static_cast<int64_t>(keys.size());
      }
      STUDIO_RETURN_IF_ERROR(ops.purge_rows(batch, &total));
      const std::string counts = PurgeCounts(total).dump();
      if (event_id->empty()) {
        STUDIO_RETURN_IF_ERROR(Audit(actor, "purge", ops.entity, entity_id, counts, event_id));
      } else {
        STUDIO_RETURN_IF_ERROR(store_->UpdateAuditCounts(*event_id, counts));
      }
      *out = total;
      return Status::Ok();
    }));
    // Committed: the rows are gone, so these files are nobody's now.
    for (const auto& [prefix, keys] : folders) RemoveFolder(prefix, keys);
    if (empty) return Status::Ok();
    // A pause as long as the batch took: a long purge uses at most half a
    // core and the requests served meanwhile keep their latency
    // (docs/BENCHMARKS.md, bench/purge.sh).
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::steady_clock::now() - batch_start, std::chrono::seconds(1)));
  }
}

Status Lifecycle::PurgeExpired(Micros interval, bool* ran, PurgeResult* out) {
  *ran = false;
  *out = PurgeResult{};
  if (options_.retention_days <= 0) return Status::Ok();
  const Micros now = env_->NowMicros();
  STUDIO_RETURN_IF_ERROR(store_->ClaimMaintenanceRun("retention_purge", now, now - interval, ran));
  if (!*ran) return Status::Ok();
  const Actor system{.admin = false, .request_id = "retention-" + NewUuid()};
  PurgeRequest expired;
  expired.automatic = true;
  PurgeResult jobs, adapters, datasets, experiments;
  expired.kind = TrashKind::kJobs;
  STUDIO_RETURN_IF_ERROR(Purge(expired, &jobs, system));
  expired.kind = TrashKind::kAdapters;
  STUDIO_RETURN_IF_ERROR(Purge(expired, &adapters, system));
  expired.kind = TrashKind::kDatasets;
  STUDIO_RETURN_IF_ERROR(Purge(expired, &datasets, system));
  expired.kind = TrashKind::kExperiments;
  STUDIO_RETURN_IF_ERROR(Purge(expired, &experiments, system));
  *out = jobs;
  out->experiments = experiments.experiments;
  out->adapters = adapters.adapters;
  out->datasets = datasets.datasets;
  out->files += adapters.files + datasets.files + experiments.files;
  out->bytes_reclaimed += adapters.bytes_reclaimed + datasets.bytes_reclaimed + experiments.bytes_reclaimed;
  return Status::Ok();
}

// ---- orphans and storage ----

namespace {

// What owns a file under audio/<job>/ or adapters/<id>/.
enum class Owner { kLive, kTrashed, kNone };

}  // namespace

// Walks audio/ and adapters/ folder by folder (owners looked up a chunk of
// folders at a time), calling visit(key, info, owner) for every file.
template <typename Visit>
static Status WalkStorage(FileStorage* storage, Store* store, Visit&& visit) {
  for (const char* root : {kAudioRoot, kAdaptersRoot}) {
    const bool audio = std::string(root) == kAudioRoot;
    std::vector<std::string> folders;
    STUDIO_RETURN_IF_ERROR(storage->List(root, &folders));
    for (size_t at = 0; at < folders.size(); at += kMaxIdsPerStatement) {
      const IdList chunk = IdChunk(folders, at);
      FileOwners owners;
      STUDIO_RETURN_IF_ERROR(store->LookupFileOwners(audio ? chunk : IdList{}, audio ? IdList{} : chunk, &owners));
      // Sample keys by stem, so a sample's other files (its MIDI) count as its own.
      std::unordered_map<std::string, bool> stems;
      for (const auto& [key, trashed] : owners.audio_keys) {
        const size_t slash = key.rfind('/');
        stems[key.substr(0, slash + 1) + Stem(key.substr(slash + 1))] = trashed;
      }
      for (const auto& folder : chunk) {
        const std::string prefix = std::string(root) + "/" + folder;
        std::vector<std::string> names;
        if (!storage->List(prefix, &names).ok()) continue;
        for (const auto& name : names) {
          const std::string key = prefix + "/" + name;
          FileInfo info;
          if (!storage->Stat(key, &info).ok() || info.is_directory) continue;
          Owner owner = Owner::kNone;
          if (!IsStagedName(name)) {
            if (audio) {
              auto it = stems.find(prefix + "/" + Stem(name));
              if (it != stems.end()) owner = it->second ? Owner::kTrashed : Owner::kLive;
            } else if (auto it = owners.adapters.find(folder); it != owners.adapters.end()) {
              owner = it->second ? Owner::kTrashed : Owner::kLive;
            }
          }
          visit(key, info, owner);
        }
        // A folder whose owner row is gone and that is now empty goes too.
        const auto& rows = audio ? owners.jobs : owners.adapters;
        FileInfo folder_info;
        if (!rows.count(folder) && storage->Stat(prefix, &folder_info).ok()) {
          visit(prefix, folder_info, Owner::kNone);
        }
      }
    }
  }
  return Status::Ok();
}

Status Lifecycle::SweepOrphans(Micros modified_before, bool dry_run, PurgeResult* out) {
  std::set<std::string> emptied;  // folders this sweep removed orphans from
  return WalkStorage(storage_.get(), store_, [&](const std::string& key, const FileInfo& info, Owner owner) {
    if (owner != Owner::kNone) return;
    // Young files may be a worker's (on any process) between staging and
    // its commit, and a young folder one that CreateAdapter has just made
    // for a file it is about to write: left for a later sweep. A folder this
    // sweep has just emptied of old orphans is young for that reason only.
    const bool young = info.modified_at >= modified_before;
    if (info.is_directory) {
      if (young && !emptied.count(key)) return;
      if (!dry_run) storage_->Remove(key);  // fails (and stays) while not empty
      return;
    }
    if (young) return;
    if (!dry_run && !storage_->Remove(key).ok()) return;
    emptied.insert(key.substr(0, key.rfind('/')));
    out->files += 1;
    out->bytes_reclaimed += info.size;
  });
}

Status Lifecycle::GetStorage(StorageReport* out) {
  *out = StorageReport{};
  return WalkStorage(storage_.get(), store_, [&](const std::string&, const FileInfo& info, Owner owner) {
    if (info.is_directory) return;
    out->files += 1;
    switch (owner) {
      case Owner::kLive: out->live_bytes += info.size; break;
      case Owner::kTrashed: out->trashed_bytes += info.size; break;
      case Owner::kNone: out->orphaned_bytes += info.size; break;
    }
  });
}

}  // namespace studio
