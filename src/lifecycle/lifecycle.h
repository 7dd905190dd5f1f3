// Lifecycle: every rule about creating, cancelling and deleting studio data
// lives here, and only here (SPEC section 3 and the seed design):
//
//  - jobs are soft-deleted; deleting a queued/processing job cancels it
//    first; the same transaction hard-deletes every feedback record whose
//    audio_id or preferred_over is one of the job's samples;
//  - no later event (a worker finishing, a retry) brings a deleted job
//    back, completes it, or attaches samples or feedback to it;
//  - adapters are soft-deleted with no cascade; a deleted adapter cannot be
//    used for new jobs (queued ones still run with it); names are unique
//    among live adapters only;
//  - feedback is hard-deleted, and cannot be added to a deleted job's sample;
//  - include_deleted needs the admin token when one is configured.
//
// Handlers and workers call these methods and never combine Store writes
// themselves. Every multi-row change is one Store transaction.
//
// Errors: a NotFound or Conflict that comes from the Store keeps its
// store_kind message ("job"); UserFacing (lifecycle/messages.h) gives the
// words users read ("Job not found"), once, where a status leaves for a
// user: the Api's error response, and a job's error (PrepareRender).
//
// Thread-safety: safe for concurrent use; its only mutable state is the
// job-queued listener, under its own mutex.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/types.h"
#include "domain/validation.h"
#include "store/file_storage.h"
#include "store/store.h"
#include "util/env.h"
#include "util/mutex.h"

namespace studio {

struct LifecycleOptions {
  std::string data_dir;                    // root of the local FileStorage: audio/ and adapters/
  std::optional<std::string> admin_token;  // guards include_deleted and the admin routes when set
  int lease_seconds = 30;                  // how long a worker's claim lasts unrenewed
  // Trashed rows older than this are purged by PurgeExpired; 0 keeps them
  // until purged by hand (and purge_after is then null).
  int retention_days = 30;
  // Checks an adapter's style config (Adapter::config_json) before
  // CreateAdapter/UpdateAdapter store it: InvalidArgument rejects it. The
  // engine owns what a valid config is (main passes ParseAdapterStyle);
  // unset accepts any JSON object. Called from the requesting thread.
  std::function<Status(const std::string& config_json)> validate_adapter_config;
  // Checks a training run's merged config (an experiment's config with the
  // run's overrides) before an experiment or run stores it; the trainer owns
  // what a valid one is (main passes ParseTrainingOptions). Unset accepts
  // any JSON object.
  std::function<Status(const std::string& config_json)> validate_training_config;
};

// What a worker renders for a job it owns (Lifecycle::PrepareRender).
struct RenderInputs {
  std::string prompt_text;
  PromptAttributes attributes;
  GenerationParams params;
  // The adapter's style (its current style file, else the row's config);
  // also for an adapter deleted after the job was queued. Unset without one.
  std::optional<std::string> adapter_config_json;
  std::optional<std::string> adapter_version;  // the adapter's current version ("v2"), if any
  std::set<int> finished_samples;  // indexes already committed: render only the rest
};

// A rendered sample between StageSample and CommitSample/DiscardSample.
struct StagedSample {
  AudioSample sample;        // the row CommitSample inserts; storage_path is its key
  std::string staging_path;  // the local file its bytes were written to
  bool has_midi = false;     // a MIDI file is staged under MidiKeyForAudioKey(storage_path)
};

// Writes a sample's bytes to the local file `path`, through `env` (so
// tests' injected faults reach it).
using SampleWriter = std::function<Status(Env* env, const std::string& path)>;

// Who asked for a change, for its audit event (SPEC section 7).
struct Actor {
  bool admin = false;      // presented the configured admin token
  std::string request_id;  // the request's id (X-Request-Id); a new one when empty
};

// Which rows a bulk job delete covers: `ids`, or every live job matching `filter`.
struct BulkJobDelete {
  std::optional<IdList> ids;
  JobQuery filter;  // paging ignored
  bool dry_run = false;
};
struct BulkJobDeleteResult {
  int64_t jobs_deleted = 0, feedback_deleted = 0, cancelled = 0;
  std::vector<DatasetImpact> datasets_affected;  // dry runs only: what the delete would change
};

struct BulkFeedbackDelete {
  std::optional<IdList> ids;
  FeedbackQuery filter;  // paging ignored
  bool dry_run = false;
};

enum class TrashKind { kJobs, kAdapters, kDatasets, kExperiments, kAbTests };
// "jobs", "adapters", "datasets", "experiments", "ab_tests"
const char* TrashKindName(TrashKind kind);
std::optional<TrashKind> ParseTrashKind(const std::string& name);

struct PurgeRequest {
  TrashKind kind = TrashKind::kJobs;
  std::optional<IdList> ids;               // purge these (each must be in the trash)
  std::optional<int> older_than_days;      // trashed at least this long ago
  bool dry_run = false;
  // The retention purge (PurgeExpired): when it finds nothing to purge it
  // changes nothing and writes no audit event (a call by hand always does).
  bool automatic = false;
};
struct PurgeResult {
  int64_t jobs = 0, samples = 0, adapters = 0, datasets = 0, experiments = 0, ab_tests = 0;
  int64_t files = 0, bytes_reclaimed = 0;  // includes the orphans the purge's sweep removed
};

// What GET /admin/storage reports: the audio and adapter files on disk, by
// what owns them. live + trashed + orphaned is the sum of their sizes.
struct StorageReport {
  int64_t live_bytes = 0, trashed_bytes = 0, orphaned_bytes = 0, files = 0;
};

struct JobDeletePreview {
  std::string job_id;
  JobStatus status = JobStatus::kQueued;
  int64_t feedback_count = 0;  // records that deleting the job removes
  bool will_cancel = false;
  std::vector<DatasetImpact> datasets_affected;  // and the datasets that lose them
};

// A dataset download built from the dataset's members at download time
// (Lifecycle::BuildDatasetDownload): a local temporary file, which the
// caller serves and then removes (a build removes what a crash left
// under exports/ more than an hour ago).
struct DatasetDownload {
  std::string local_path;
  int64_t rows = 0;
  Dataset dataset;  // as it was when the download was built
};

// What a worker trains on (Lifecycle::PrepareTraining).
struct TrainingInputs {
  Dataset dataset;                      // as it is when the run starts
  std::vector<DatasetMember> members;   // its members now, in feedback-id order
  std::string base_config_json = "{}";  // the adapter config training starts from
};

// What a finished training run reports (Lifecycle::FinishRun).
struct RunOutcome {
  bool succeeded = false;
  std::string metrics_json = "{}";
  std::optional<double> final_loss;
  std::optional<std::string> error;        // when !succeeded, in words for the user
  std::optional<std::string> explanation;  // what it learned, in words
  // Set when training found a direction: the adapter (or version) to create.
  std::optional<std::string> learned_config_json;
  int64_t member_count = 0;
  std::string data_hash;
};

// GET /adapters/{id}/timeline.
struct TimelineEvent {
  std::string type;  // created, version, activated, training_run, deleted, restored
  Micros at = 0;
  std::string title;
  std::string metadata_json = "{}";
};
struct AdapterTimeline {
  std::vector<TimelineEvent> events;  // oldest first
  int64_t total_versions = 0, total_training_runs = 0;
};

// Shown instead of a dataset's name where the dataset was deleted.
inline constexpr const char* kDeletedDatasetName = "Deleted Dataset";

class Lifecycle {
 public:
  // Files go to a local FileStorage rooted at options.data_dir.
  // REQUIRES: store and env outlive this object.
  Lifecycle(Store* store, Env* env, LifecycleOptions options);
  Lifecycle(const Lifecycle&) = delete;
  Lifecycle& operator=(const Lifecycle&) = delete;

  const LifecycleOptions& options() const { return options_; }

  // Called (from the submitting thread) after a job is queued, so workers
  // in this process can start at once instead of at their next poll.
  void SetJobQueuedListener(std::function<void()> listener) LOCKS_EXCLUDED(listener_mu_);

  // Which rows a read may see. `include_deleted` as asked by the client;
  // `bearer_token` is the token the client presented (the credentials of its
  // "Authorization: Bearer" header, empty when none). Forbidden when a token
  // is configured and the presented one differs (compared in constant time).
  Status ResolveVisibility(bool include_deleted, const std::string& bearer_token,
                           Visibility* out) const;

  // ---- prompts ----
  Status CreatePrompt(const std::string& text, const PromptAttributes& attributes, Prompt* out);

  // ---- jobs ----
  // NotFound for an unknown prompt or adapter; RuleViolation for a deleted
  // ("Cannot use deleted adapter for generation") or inactive adapter.
  Status SubmitJob(const GenerateRequest& request, Job* out);
  // Cancels a live queued/processing job. RuleViolation when it already
  // ended; NotFound when unknown or deleted.
  Status CancelJob(const std::string& job_id, const Actor& actor = {});
  // Soft-deletes a live job (cancelling it first if active) and cascades
  // its feedback, in one transaction. NotFound when unknown or already deleted.
  Status DeleteJob(const std::string& job_id, int64_t* feedback_deleted, const Actor& actor = {});
  // The same rules for many jobs in one transaction (SPEC section 7 "Bulk"):
  // InvalidArgument when more than kMaxBulkIds ids are named or the filter
  // matches more than kMaxBulkFilterMatches jobs. Named ids that are not
  // live are skipped. A dry run counts what the delete would do.
  Status BulkDeleteJobs(const BulkJobDelete& request, BulkJobDeleteResult* out, const Actor& actor = {});
  // Trashed -> live: the job as it was (samples, status; one deleted while
  // active comes back cancelled), never re-queued; its feedback stays gone.
  // NotFound (kTrashedJob) when the job is not in the trash.
  Status RestoreJob(const std::string& job_id, Job* out, const Actor& actor = {});
  // Restores the trashed ones of `ids` (at most kMaxBulkIds).
  Status BulkRestoreJobs(const IdList& ids, int64_t* restored, const Actor& actor = {});
  Status PreviewJobDelete(const std::string& job_id, JobDeletePreview* out);
  // Live job counts; "today" is the UTC day of the Lifecycle's clock.
  Status GetJobStats(JobStats* out);

  // ---- audio ----
  // The sample's file as a local path (for streaming), or nullopt when the
  // storage is not local.
  std::optional<std::string> AudioLocalPath(const AudioSample& sample) const;
  // The sample's Standard MIDI File. NotFound when it has none (rendered
  // before samples carried one).
  Status ReadSampleMidi(const AudioSample& sample, std::string* bytes) const;

  // ---- adapters ----
  // Writes the style file, then the row. InvalidArgument (nothing written)
  // when options.validate_adapter_config rejects the config; Conflict when
  // a live adapter has the name.
  Status CreateAdapter(const AdapterCreate& request, Adapter* out);
  // A config change writes a new style file version (v2, v3, ...). A config
  // the validator rejects is InvalidArgument, before the adapter is looked up.
  Status UpdateAdapter(const std::string& id, const AdapterPatch& patch, Adapter* out);
  Status DeleteAdapter(const std::string& id, const Actor& actor = {});
  // Trashed -> live and inactive, under `new_name` when given. Conflict
  // when a live adapter holds the name; NotFound when not in the trash.
  Status RestoreAdapter(const std::string& id, const std::optional<std::string>& new_name,
                        Adapter* out, const Actor& actor = {});
  Status PreviewAdapterDelete(const std::string& id, int64_t* jobs_using_it);

  // ---- feedback ----
  // `feedback` as parsed from the request; id and created_at are assigned.
  // NotFound when audio_id or preferred_over is not a sample of a live job.
  Status AddFeedback(Feedback feedback, Feedback* out);
  Status DeleteFeedback(const std::string& id, const Actor& actor = {});
  // Hard-deletes the named or matching records in one transaction; limits as BulkDeleteJobs.
  // A dry run also tells which datasets the delete would change.
  Status BulkDeleteFeedback(const BulkFeedbackDelete& request, int64_t* deleted,
                            const Actor& actor = {},
                            std::vector<DatasetImpact>* datasets_affected = nullptr);
  // The datasets that deleting the record changes. NotFound when unknown.
  Status PreviewFeedbackDelete(const std::string& id, std::vector<DatasetImpact>* datasets_affected);

  // ---- datasets (SPEC section 8; lifecycle/datasets.cc) ----
  // How many feedback records a dataset of `type` with `filter` would take now.
  Status PreviewDataset(DatasetType type, const DatasetFilter& filter, int64_t* count);
  // Creates the dataset with every matching feedback record as a member,
  // frozen: later feedback never joins. RuleViolation ("The filter matches
  // no feedback", nothing created) when none matches.
  Status CreateDataset(const DatasetCreate& request, Dataset* out);
  // Soft delete with its audit event; members stay (a restore brings the
  // dataset back as it was, less what feedback deletes took meanwhile).
  // NotFound when not live.
  Status DeleteDataset(const std::string& id, const Actor& actor = {});
  // NotFound (kTrashedDataset) when not in the trash.
  Status RestoreDataset(const std::string& id, Dataset* out, const Actor& actor = {});
  // Records an export of a live dataset in `format` (NotFound otherwise)
  // and gives the dataset as it is now.
  Status ExportDataset(const std::string& id, ExportFormat format, Dataset* out);
  // Builds the download of a live dataset from its current members (so a
  // deleted feedback record is never in it), page by page, into a
  // temporary file under exports/. NotFound when the dataset is not live.
  Status BuildDatasetDownload(const std::string& id, ExportFormat format, DatasetDownload* out);

  // ---- adapter versions (SPEC section 8) ----
  // A new version of a live adapter, made current: its config (default:
  // the current one) gets its own style file. Conflict when the adapter
  // already has a version of that name.
  Status CreateAdapterVersion(const std::string& adapter_id, const VersionCreate& request,
                              AdapterVersion* out, const Actor& actor = {});
  // Makes a version current: the adapter's config becomes the version's.
  Status ActivateAdapterVersion(const std::string& adapter_id, const std::string& version_id,
                                Adapter* out, const Actor& actor = {});
  Status GetAdapterTimeline(const std::string& adapter_id, AdapterTimeline* out);

  // ---- experiments and training runs (SPEC section 8) ----
  // NotFound when the dataset is unknown; RuleViolation when it is deleted;
  // InvalidArgument when options.validate_training_config rejects the config.
  Status CreateExperiment(const ExperimentCreate& request, Experiment* out, const Actor& actor = {});
  Status UpdateExperiment(const std::string& id, const ExperimentPatch& patch, Experiment* out,
                          const Actor& actor = {});
  // Soft delete; its queued and running runs are cancelled with it, its
  // trained adapters stay.
  Status DeleteExperiment(const std::string& id, const Actor& actor = {});
  Status RestoreExperiment(const std::string& id, Experiment* out, const Actor& actor = {});
  // Queues a run of a live experiment. RuleViolation ("Cannot train on a
  // deleted dataset") when its dataset is trashed or purged.
  Status StartRun(const std::string& experiment_id, const RunCreate& request, TrainingRun* out,
                  const Actor& actor = {});
  // Hard-deletes the run and its logs; a queued or running one stops (its
  // worker's next report is refused, and it creates nothing).
  Status DeleteRun(const std::string& experiment_id, const std::string& run_id, const Actor& actor = {});

  // ---- training runs, worker side ----
  // Claims the next queued run (or one whose worker died) for worker_id.
  Status ClaimRun(const std::string& worker_id, TrainingRun* out);
  // Renews the claim; Cancelled when the run was deleted or cancelled.
  Status ReportRunProgress(const TrainingRun& run, const std::string& worker_id, double progress);
  // A log line of the run; Cancelled when the run is no longer ours.
  Status AppendRunLog(const TrainingRun& run, const std::string& worker_id, const std::string& message);
  // The dataset (NotFound/RuleViolation when it is gone) and the base config.
  Status PrepareTraining(const TrainingRun& run, TrainingInputs* out);
  // In one transaction, while the run is still ours: creates the learned
  // adapter (or the new version of config's version_of), active, with its
  // lineage, and completes the run; or fails it. Cancelled (and nothing
  // created) when the run is no longer ours, so a run makes one adapter at most.
  Status FinishRun(const TrainingRun& run, const std::string& worker_id, const RunOutcome& outcome);

  // ---- trash, purge, storage, audit (SPEC section 7) ----
  // Ok when the admin routes may be used: no token configured (the server
  // then listens on loopback only), or `bearer_token` is the token.
  Status CheckAdmin(const std::string& bearer_token) const;
  // The actor of a request that presented `bearer_token`: admin when it is
  // the configured token.
  Actor ActorFor(const std::string& bearer_token, std::string request_id) const;
  // When the retention will purge an item trashed at `deleted_at`; nullopt
  // when retention is off.
  std::optional<Micros> PurgeAfter(Micros deleted_at) const;
  // Purges in batches, each one transaction with its audit event; files go
  // after each commit, and the orphan sweep runs at the end. InvalidArgument
  // or NotFound (nothing changed) for a named id that is not in the trash
  // as `request.kind`.
  Status Purge(const PurgeRequest& request, PurgeResult* out, const Actor& actor = {});
  // The retention purge (what is trashed longer than retention_days), when
  // no process has started one in the last `interval`. *ran says whether it did.
  Status PurgeExpired(Micros interval, bool* ran, PurgeResult* out);
  // Removes files that no row references and that were last modified
  // before `modified_before` (a file a worker on any process is publishing
  // is younger than two leases); counts them into *out (files,
  // bytes_reclaimed). Walks the whole storage: run it off the request path.
  Status SweepOrphans(Micros modified_before, bool dry_run, PurgeResult* out);
  Status GetStorage(StorageReport* out);

  // ---- worker side ----
  // Claims the next job for worker_id. NotFound when the queue is empty.
  Status ClaimJob(const std::string& worker_id, Job* out);
  // Publishes progress and renews the claim; Cancelled when the job was
  // cancelled or deleted meanwhile (the worker must stop and discard).
  Status ReportProgress(const Job& job, const std::string& worker_id, double progress);
  // For the job's owner, just after ClaimJob: reads what to render, and
  // removes what a dead worker left staged for the job. Errors carry the
  // failed step ("prompt unavailable: …", "adapter unavailable: …",
  // "cannot list samples: …"); Unavailable when the database is away.
  Status PrepareRender(const Job& job, RenderInputs* out);
  // Stages sample `index` of `job`: assigns its id, key and time, prepares
  // a local file and has `write` fill it, and stages `midi` (the score's
  // Standard MIDI File; none when empty) next to it. On failure nothing
  // stays staged (the error is write's, or the storage's).
  Status StageSample(const Job& job, int index, double duration_seconds, int sample_rate,
                     const SampleWriter& write, StagedSample* out,
                     const std::string& midi = "");
  // Makes a staged sample visible: in one transaction, checks the job is
  // still live and ours, inserts the audio row and publishes the file (and
  // its MIDI file).
  // Cancelled (and the staged file removed) when the job was cancelled or
  // deleted meanwhile; Unavailable (staged file kept, so the caller may
  // retry) when the database is away; any other error removes the file.
  Status CommitSample(const Job& job, const std::string& worker_id, const StagedSample& staged);
  // Removes a staged sample that will not be committed (a caller giving up
  // its retries). Best effort.
  void DiscardSample(const StagedSample& staged);
  // Hands a job back to the queue (a worker shutting down); Cancelled when
  // it is no longer ours/live.
  Status ReleaseJob(const Job& job, const std::string& worker_id);
  // completed or failed; Cancelled when the job is no longer ours/live.
  Status FinishJob(const Job& job, const std::string& worker_id, bool succeeded,
                   const std::optional<std::string>& error);
  // Removes every staged file of the job: what a dead worker left behind.
  // Only for the job's current owner (just claimed), or at a single-process
  // start-up: a worker that lost its claim must not touch the new owner's files.
  void DiscardUnfinishedOutputs(const std::string& job_id);
  // At start-up of a single-process (SQLite) studio: jobs left processing by
  // a dead process are queued again and stray temp files removed.
  Status RecoverInterruptedJobs(int64_t* requeued);

  // ---- metrics (SPEC section 8 "Overview"; docs/FEEDBACK_LOOP_METRICS.md) ----
  // The trigger-kept counters (store/metrics.h); each costs the same at any
  // table size. Reads only: no rule decides anything here.
  Status GetMetricsCounters(MetricsCounters* out);
  Status ListFeedbackByAdapter(std::vector<AdapterFeedbackCount>* out);

 private:
  Status CheckAdapterUsable(const std::string& adapter_id);
  // Wakes the workers: a job or a training run was queued.
  void NotifyJobQueued();
  Micros LeaseMicros() const { return options_.lease_seconds * 1'000'000LL; }
  // Inside a transaction: the job-delete rules for `ids` (all live, locked).
  // With `count_datasets`, also what each chunk's cascade takes from datasets.
  Status DeleteLockedJobs(const IdList& ids, Micros now, BulkJobDeleteResult* out,
                          bool count_datasets = false);
  // Writes the export rows of a dataset's members to `path` (datasets.cc).
  Status WriteDatasetExport(const Dataset& dataset, ExportFormat format, const std::string& path,
                            int64_t* rows);
  Status Audit(const Actor& actor, const char* action, const char* entity,
               const std::optional<std::string>& entity_id, const std::string& counts_json,
               std::string* event_id = nullptr);
  // How Purge treats one kind of trashed row.
  struct PurgeOps {
    const char* entity;                                          // the audit event's entity
    std::function<Status(int limit, IdList* ids)> select;        // the next ones to purge
    std::function<std::string(const std::string& id)> folder;    // where its files are (unset: none)
    std::function<Status(const IdList&, PurgeResult*)> count_rows;  // a dry run's counts
    std::function<Status(const IdList&, PurgeResult*)> purge_rows;  // the deletes
  };
  // Batches of kPurgeBatch rows, each one transaction with the call's one
  // audit event (inserted by the first, brought up to date by the others);
  // each batch's folders are removed after its commit.
  Status PurgeInBatches(const PurgeOps& ops, bool dry_run, const std::optional<IdList>& ids,
                        const Actor& actor, PurgeResult* out, std::string* event_id);
  // Sizes of the files under a folder key (what purging its owner frees).
  void MeasureFolder(const std::string& prefix, std::vector<std::string>* keys, int64_t* bytes);
  void RemoveFolder(const std::string& prefix, const std::vector<std::string>& keys);
  Status WriteAdapterStyle(const std::string& adapter_id, int version, const std::string& config_json,
                           std::string* key);
  // Inside a transaction on a locked live adapter (or one about to be
  // inserted, with insert_adapter): inserts `v` (number, style file and
  // time assigned here) and makes it the adapter's current version, writing
  // the adapter row once. *written is the style file, for removal if the
  // transaction fails.
  Status AddLockedAdapterVersion(Adapter* adapter, AdapterVersion* v, std::string* written,
                                 bool insert_adapter = false);
  // Merges a run's overrides into its experiment's config, and validates the result.
  Status MergeTrainingConfig(const std::string& base_json, const std::string& overrides_json,
                             std::string* out) const;

  Store* const store_;
  Env* const env_;
  const LifecycleOptions options_;
  const std::unique_ptr<FileStorage> storage_;
  Mutex listener_mu_;
  std::function<void()> on_job_queued_ GUARDED_BY(listener_mu_);
};

// An audit event's counts for a job delete: {"jobs", "feedback_deleted", "cancelled"}.
std::string JobDeleteCounts(const BulkJobDeleteResult& r);

// Bulk limits (SPEC section 7; the ranges live in domain/limits.h).
inline constexpr size_t kMaxBulkIds = static_cast<size_t>(limits::kBulkIds.max);
inline constexpr int64_t kMaxBulkFilterMatches = limits::kMaxBulkFilterMatches;

// Adds `more` into `into`, by dataset id (members_removed summed), kept by name.
void MergeDatasetImpacts(std::vector<DatasetImpact>* into, const std::vector<DatasetImpact>& more);

// Rows (jobs, adapters, datasets, experiments) per purge transaction.
inline constexpr int kPurgeBatch = 200;

// Shown instead of an adapter's name on jobs whose adapter was deleted.
inline constexpr const char* kDeletedAdapterName = "Deleted Adapter";
// Shown as the adapter of samples rendered without one (/metrics/feedback).
inline constexpr const char* kBaseEngineName = "Base engine";

}  // namespace studio
