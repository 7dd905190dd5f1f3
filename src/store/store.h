// Store: the one interface to the studio's database. Everything above this
// layer (lifecycle, worker, http) talks to a Store and never to SQL; the
// SQLite implementation (store/sqlite_store.h) is the embedded default and a
// PostgreSQL one can slot in behind the same interface.
//
// Live rows: every read takes a Visibility. kLive reads go through the
// database's live_* views (store/migrations), so the "not deleted" filter
// is written once, in the schema, and cannot be forgotten by a query.
//
// Transactions: InTransaction(body) runs body as one write transaction on
// the calling thread's connection; every Store call made by body on the
// same thread joins that transaction. The lifecycle rules (lifecycle/) are
// built from these primitives; the Store itself decides no rule beyond
// what its method comments say.
//
// Errors: NotFound when a row does not exist (or is not visible), Conflict
// for a live-name clash, Unavailable when the database is busy or away,
// IOError for anything else. A NotFound or Conflict names what it is about
// with one of the store_kind tokens below as its message, never with words
// for a user: the layer above words them (lifecycle/messages.h).
//
// Thread-safety: a Store is safe for concurrent use from many threads
// without external synchronization.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/types.h"
#include "store/metrics.h"
#include "util/status.h"

namespace studio {

// The messages of the Store's NotFound and Conflict statuses: what was
// missing, or what clashed.
namespace store_kind {
inline constexpr char kPrompt[] = "prompt";
inline constexpr char kAdapter[] = "adapter";
inline constexpr char kJob[] = "job";
inline constexpr char kAudioSample[] = "audio_sample";
inline constexpr char kFeedback[] = "feedback";
inline constexpr char kAdapterName[] = "adapter_name";  // Conflict: a live adapter has the name
inline constexpr char kTrashedJob[] = "trashed_job";          // NotFound: not in the trash
inline constexpr char kTrashedAdapter[] = "trashed_adapter";  // NotFound: not in the trash
inline constexpr char kExperiment[] = "experiment";
inline constexpr char kTrashedExperiment[] = "trashed_experiment";  // NotFound: not in the trash
inline constexpr char kRun[] = "training_run";
inline constexpr char kAdapterVersion[] = "adapter_version";
inline constexpr char kVersionName[] = "version_name";  // Conflict: the adapter has a version of that name
inline constexpr char kDataset[] = "dataset";
inline constexpr char kTrashedDataset[] = "trashed_dataset";  // NotFound: not in the trash
}  // namespace store_kind

// Ids for the set-based writes (bulk delete, restore, purge). Each call
// takes at most kMaxIdsPerStatement of them; callers split longer lists.
using IdList = std::vector<std::string>;
inline constexpr size_t kMaxIdsPerStatement = 1000;
// The slice of `ids` from `at` holding at most kMaxIdsPerStatement of them.
inline IdList IdChunk(const IdList& ids, size_t at) {
  const size_t end = ids.size() - at < kMaxIdsPerStatement ? ids.size() : at + kMaxIdsPerStatement;
  return IdList(ids.begin() + static_cast<std::ptrdiff_t>(at), ids.begin() + static_cast<std::ptrdiff_t>(end));
}

// How LockLiveJobs holds job rows until the transaction ends.
enum class RowLock {
  kShare,      // many holders at once; waits for (and is waited on by) kExclusive
  kExclusive,  // one holder; waits for every other lock on the row
};

struct JobQuery {
  std::optional<JobStatus> status;
  std::optional<std::string> adapter_id;
  std::optional<std::string> prompt_id;
  std::optional<Micros> start_date;  // created_at >= start_date
  std::optional<Micros> end_date;    // created_at <= end_date
  int limit = 20;
  int64_t offset = 0;
  Visibility visibility = Visibility::kLive;
};

// A trashed job as the trash lists it.
struct TrashedJob {
  Job job;  // job.deleted_at is set; its samples are job.audio_ids
  int64_t feedback_deleted = 0;  // what its delete removed
};

// A trashed adapter as the trash lists it.
struct TrashedAdapter {
  Adapter adapter;        // adapter.deleted_at is set
  int64_t held_by_jobs = 0;  // jobs (live or trashed) that reference it: purge waits for them
};

// Which files the rows reference, for the orphan sweep and the storage
// report: the answer for the job and adapter ids asked about (those that
// exist), with whether the owning row is trashed.
struct FileOwners {
  std::unordered_map<std::string, bool> jobs;        // job id -> trashed
  std::unordered_map<std::string, bool> audio_keys;  // sample storage key -> its job is trashed
  std::unordered_map<std::string, bool> adapters;    // adapter id -> trashed
};

struct AuditEvent {
  std::string id;
  Micros at = 0;
  std::string action;  // delete, cancel, restore, purge, bulk_delete, bulk_restore
  std::string entity;  // job, adapter, feedback, dataset, ab_test, experiment
  std::optional<std::string> entity_id;
  std::string counts_json = "{}";  // a JSON object of integers
  std::string actor;               // "admin" or "local"
  std::string request_id;
};

struct AuditQuery {
  std::optional<std::string> entity, action;
  std::optional<Micros> start_date, end_date;  // at within [start, end]
  int limit = 50;
  int64_t offset = 0;
};

struct JobStats {
  int64_t queued = 0, processing = 0, completed = 0, failed = 0, cancelled = 0;
  int64_t jobs_today = 0;
  std::optional<double> avg_processing_seconds;  // over completed jobs
  int64_t total() const { return queued + processing + completed + failed + cancelled; }
};

struct AdapterQuery {
  bool active_only = false;
  std::optional<AdapterStatus> status;
  int64_t skip = 0;
  int limit = 100;
  Visibility visibility = Visibility::kLive;
};

struct AdapterStats {
  int64_t total = 0, active = 0, archived = 0;
};

struct FeedbackQuery {
  std::optional<std::string> audio_id;
  std::optional<std::string> job_id;
  std::optional<int> min_rating, max_rating;
  std::vector<std::string> tags;  // a record matches when it has any of them
  std::optional<Micros> start_date, end_date;  // created_at within [start, end]
  int64_t offset = 0;
  int limit = 50;
};

struct FeedbackSummary {
  int64_t total_feedback = 0, total_ratings = 0, total_preferences = 0;
  int64_t rating_distribution[5] = {0, 0, 0, 0, 0};  // index 0 is rating 1
  int64_t high_rated_samples = 0;  // samples whose average rating is >= 4
};

// A dataset a deletion changes (delete previews): its id, name and how
// many of its members the deletion removes. Live and trashed datasets alike.
struct DatasetImpact {
  std::string id;
  std::string name;
  int64_t members_removed = 0;
};

// One sample as a dataset member shows it.
struct DatasetMemberSample {
  std::string audio_id;
  std::optional<std::string> style_json;  // null for samples without style features
  std::string storage_path;
  std::optional<std::string> adapter_id;
  std::optional<std::string> adapter_name;  // the adapter's name, also when it was deleted
};

// A dataset member with what export and training need, in one row: the
// feedback, the rated (or chosen) sample with its prompt and generation
// parameters, and for preference feedback the rejected sample.
struct DatasetMember {
  Feedback feedback;
  DatasetMemberSample sample;  // feedback.audio_id
  std::string prompt_id;
  std::string prompt_text;
  PromptAttributes attributes;
  GenerationParams params;
  std::optional<DatasetMemberSample> rejected;  // feedback.preferred_over, when set
};

// GET /datasets/{id}/stats, over the dataset's current members.
struct DatasetStats {
  int64_t sample_count = 0;
  int64_t rating_distribution[5] = {0, 0, 0, 0, 0};  // index 0 is rating 1
  int64_t unique_prompts = 0;   // distinct prompts of the rated (or chosen) samples
  int64_t unique_adapters = 0;  // distinct adapters of those samples (the base engine not counted)
  std::vector<std::pair<std::string, int64_t>> tag_frequency;  // by tag name
  // Over samples rated at least twice: the share of their rating pairs
  // (each unordered pair of two ratings of one sample) within one point of
  // each other. Unset when no sample has two ratings.
  std::optional<double> inter_rater_agreement;
  // Over unordered sample pairs compared more than once: the share of those
  // comparisons that agree with the pair's majority direction (a tie counts
  // half). Unset when no pair was compared twice.
  std::optional<double> preference_consistency;
};

class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // Runs body in one write transaction: committed when body returns ok,
  // rolled back otherwise (and body's status returned). Nested calls on the
  // same thread join the outer transaction.
  virtual Status InTransaction(const std::function<Status()>& body) = 0;

  // Ok when the database answers; for health checks. Costs the same at any size.
  virtual Status Ping() = 0;

  // ---- prompts ----
  virtual Status InsertPrompt(const Prompt& prompt) = 0;
  virtual Status GetPrompt(const std::string& id, Prompt* out) = 0;
  virtual Status ListPrompts(int64_t offset, int limit, std::vector<Prompt>* out,
                             int64_t* total) = 0;
  virtual Status CountPrompts(int64_t* total) = 0;

  // ---- adapters ----
  // Conflict when a live adapter already has the name.
  virtual Status InsertAdapter(const Adapter& adapter) = 0;
  virtual Status GetAdapter(const std::string& id, Visibility v, Adapter* out) = 0;
  virtual Status ListAdapters(const AdapterQuery& q, std::vector<Adapter>* out,
                              int64_t* total) = 0;
  // Writes every mutable field of a live adapter. NotFound when not live;
  // Conflict on a live-name clash.
  virtual Status UpdateAdapter(const Adapter& adapter) = 0;
  // Sets deleted_at and is_active=false on a live adapter; NotFound otherwise.
  virtual Status MarkAdapterDeleted(const std::string& id, Micros now) = 0;
  virtual Status GetAdapterStats(AdapterStats* out) = 0;
  // Whether a live adapter has the name.
  virtual Status LiveAdapterNameTaken(const std::string& name, bool* taken) = 0;
  // Live jobs that reference the adapter.
  virtual Status CountJobsUsingAdapter(const std::string& adapter_id, int64_t* count) = 0;

  // ---- jobs ----
  virtual Status InsertJob(const Job& job) = 0;
  // Fills the display fields (prompt_preview, adapter_name, audio_ids).
  virtual Status GetJob(const std::string& id, Visibility v, Job* out) = 0;
  // Newest first. *total counts every row matching q, not just the page.
  virtual Status ListJobs(const JobQuery& q, std::vector<Job>* out, int64_t* total) = 0;
  // A number that changes, in the same transaction, with every change that
  // can alter what ListJobs returns for any query: a job's row (insert,
  // status, progress, error, delete, restore, purge), its samples, its
  // prompt, its adapter's name or deletion (kept by triggers, migration
  // 0006). When two reads give the same number, nothing a list shows was
  // committed in between, so a page read after the first read is still
  // current at the second. One key lookup: costs the same at any size.
  virtual Status GetJobListVersion(int64_t* version) = 0;
  virtual Status GetJobStats(Micros day_start, JobStats* out) = 0;

  // The same for an adapter, kExclusive: orders read-modify-write updates
  // of one adapter (its config version number) against each other.
  virtual Status LockLiveAdapter(const std::string& id) = 0;

  // ---- queue (used by workers) ----
  // Atomically moves the oldest queued job (or a processing job whose lease
  // expired before `now`) to processing, owned by worker_id until
  // lease_until. NotFound when there is nothing to do.
  virtual Status ClaimNextJob(const std::string& worker_id, Micros now, Micros lease_until,
                              Job* out) = 0;
  // Publishes progress and renews the lease, only while the job is live,
  // processing and owned by worker_id; otherwise Cancelled (the worker must stop).
  virtual Status ReportProgress(const std::string& job_id, const std::string& worker_id,
                                double progress, Micros lease_until) = 0;
  // processing -> completed|failed, only while live and owned by worker_id;
  // otherwise Cancelled and nothing changes.
  virtual Status FinishJob(const std::string& job_id, const std::string& worker_id,
                           JobStatus final_status, const std::optional<std::string>& error,
                           Micros now) = 0;
  // processing -> queued, only while live and owned by worker_id: a worker
  // shutting down hands its job back at once instead of at lease expiry
  // (finished samples stay). Otherwise Cancelled and nothing changes.
  virtual Status ReleaseJob(const std::string& job_id, const std::string& worker_id) = 0;
  // Puts every processing job back to queued. Only for a single-process
  // database at start-up, when no worker can be alive; a shared database
  // (PostgreSQL) relies on lease expiry instead.
  virtual Status RequeueAllProcessing(int64_t* requeued) = 0;

  // ---- audio samples ----
  virtual Status InsertAudioSample(const AudioSample& sample) = 0;
  // Samples of live jobs only (kLive) or of any job.
  virtual Status GetAudioSample(const std::string& id, Visibility v, AudioSample* out) = 0;
  virtual Status ListAudioSamplesForJob(const std::string& job_id,
                                        std::vector<AudioSample>* out) = 0;

  // ---- feedback ----
  virtual Status InsertFeedback(const Feedback& feedback) = 0;
  virtual Status GetFeedback(const std::string& id, Feedback* out) = 0;
  // Hard delete. NotFound when no such row.
  virtual Status DeleteFeedback(const std::string& id) = 0;
  virtual Status ListFeedback(const FeedbackQuery& q, std::vector<Feedback>* out,
                              int64_t* total) = 0;
  // Feedback whose audio_id is one of the job's samples, oldest first.
  virtual Status ListFeedbackForJob(const std::string& job_id, std::vector<Feedback>* out) = 0;
  virtual Status GetFeedbackSummary(FeedbackSummary* out) = 0;

  // ---- sets of rows: bulk delete, restore, purge (SPEC section 7) ----
  // Every IdList argument holds at most kMaxIdsPerStatement ids.

  // Ids of live jobs matching q (its paging ignored), newest first, at most `max`.
  virtual Status SelectLiveJobIds(const JobQuery& q, int64_t max, IdList* out) = 0;
  // Inside InTransaction: locks the job rows of `ids` until commit (see
  // RowLock), in id order so that no two callers wait for each other in a
  // cycle, then checks that they are still live; *live gets the live ones,
  // in id order (checked after any wait, so a delete that committed
  // meanwhile is seen). This is how a job delete and a concurrent feedback
  // insert are ordered: the delete holds kExclusive, the insert kShare
  // (lifecycle/lifecycle.cc). On SQLite a write transaction already
  // excludes every other writer, so only the liveness check remains.
  virtual Status LockLiveJobs(const IdList& ids, RowLock mode, IdList* live) = 0;
  // queued|processing -> cancelled (progress kept) for each of ids; *cancelled
  // says how many changed.
  virtual Status CancelJobs(const IdList& ids, Micros now, int64_t* cancelled) = 0;
  // Feedback records whose audio_id or preferred_over is a sample of one of
  // the jobs; each record counted once.
  virtual Status CountFeedbackTouchingJobs(const IdList& job_ids, int64_t* count) = 0;
  virtual Status DeleteFeedbackTouchingJobs(const IdList& job_ids, int64_t* deleted) = 0;
  // Sets deleted_at on each live job of ids and records in its
  // feedback_deleted the feedback its delete removes (a record touching
  // several of them counts for the first in `ids`' order, as one-by-one
  // deletes in that order would), so call it before
  // DeleteFeedbackTouchingJobs. *deleted says how many changed.
  virtual Status MarkJobsDeleted(const IdList& ids, Micros now, int64_t* deleted) = 0;
  // Trashed -> live for each trashed job of ids; one that is still queued
  // or processing comes back cancelled and unclaimed, never queued.
  virtual Status RestoreJobs(const IdList& ids, Micros now, int64_t* restored) = 0;
  // Newest-deleted first.
  virtual Status ListTrashedJobs(int64_t offset, int limit, std::vector<TrashedJob>* out,
                                 int64_t* total) = 0;
  // Trashed jobs, oldest-deleted first, at most `limit`: among `ids` when
  // given, deleted before `deleted_before` when given. Inside InTransaction
  // the rows stay locked until commit, so a concurrent restore waits for
  // the purge (or went first, and the row is not returned).
  virtual Status SelectTrashedJobIds(const std::optional<IdList>& ids,
                                     std::optional<Micros> deleted_before, int limit, IdList* out) = 0;
  // Hard-deletes each trashed job of ids with its samples (live jobs are
  // never touched). Feedback on a trashed job's samples cannot exist: its
  // delete removed it and AddFeedback refuses trashed jobs.
  virtual Status PurgeJobRows(const IdList& ids, int64_t* jobs, int64_t* samples) = 0;

  // Trashed -> live, inactive, under `new_name` when given. NotFound
  // (kTrashedAdapter) when not trashed; Conflict when a live adapter has the name.
  virtual Status RestoreAdapter(const std::string& id, const std::optional<std::string>& new_name,
                                Micros now) = 0;
  virtual Status ListTrashedAdapters(int64_t offset, int limit, std::vector<TrashedAdapter>* out,
                                     int64_t* total) = 0;
  // Trashed adapters that no job (live or trashed) references, like SelectTrashedJobIds.
  virtual Status SelectPurgeableAdapterIds(const std::optional<IdList>& ids,
                                           std::optional<Micros> deleted_before, int limit,
                                           IdList* out) = 0;
  // Hard-deletes each trashed adapter of ids that no job references.
  virtual Status PurgeAdapterRows(const IdList& ids, int64_t* adapters) = 0;

  // Ids of feedback matching q (its paging ignored), newest first, at most `max`.
  virtual Status SelectFeedbackIds(const FeedbackQuery& q, int64_t max, IdList* out) = 0;
  virtual Status DeleteFeedbackByIds(const IdList& ids, int64_t* deleted) = 0;

  // Fills *out for the given job and adapter ids.
  virtual Status LookupFileOwners(const IdList& job_ids, const IdList& adapter_ids,
                                  FileOwners* out) = 0;

  // ---- datasets ----
  // Feedback records that a dataset of `type` with `filter` would take now.
  virtual Status CountDatasetCandidates(DatasetType type, const DatasetFilter& filter,
                                        int64_t* count) = 0;
  // Inserts the dataset row and, as its members, every feedback record
  // that matches (dataset.type, filter) now, in one transaction; its
  // sample_count (and *members) is their number. Later feedback never joins.
  virtual Status InsertDataset(const Dataset& dataset, const DatasetFilter& filter,
                               int64_t* members) = 0;
  // NotFound (kDataset) when unknown, or trashed and v is kLive.
  virtual Status GetDataset(const std::string& id, Visibility v, Dataset* out) = 0;
  // Live datasets, newest first; *total counts them all.
  virtual Status ListDatasets(int64_t offset, int limit, std::vector<Dataset>* out,
                              int64_t* total) = 0;
  // Live -> trashed; NotFound (kDataset) otherwise. Members stay.
  virtual Status MarkDatasetDeleted(const std::string& id, Micros now) = 0;
  // Trashed -> live; NotFound (kTrashedDataset) otherwise.
  virtual Status RestoreDataset(const std::string& id) = 0;
  // Newest-deleted first.
  virtual Status ListTrashedDatasets(int64_t offset, int limit, std::vector<Dataset>* out,
                                     int64_t* total) = 0;
  // Trashed datasets, like SelectTrashedJobIds.
  virtual Status SelectTrashedDatasetIds(const std::optional<IdList>& ids,
                                         std::optional<Micros> deleted_before, int limit,
                                         IdList* out) = 0;
  // Hard-deletes each trashed dataset of ids; its members go by cascade.
  virtual Status PurgeDatasetRows(const IdList& ids, int64_t* datasets) = 0;
  // Records an export of a live dataset; NotFound (kDataset) otherwise.
  virtual Status MarkDatasetExported(const std::string& id, const std::string& format, Micros now) = 0;
  // Over the dataset's current members (any visibility). NotFound when unknown.
  virtual Status GetDatasetStats(const std::string& dataset_id, DatasetStats* out) = 0;
  // One page of the dataset's current members in feedback id order: those
  // after `after_feedback_id` ("" for the first page), at most `limit`.
  // Page on with the last one's feedback.id until a page comes back short.
  virtual Status ListDatasetMembers(const std::string& dataset_id, const std::string& after_feedback_id,
                                    int limit, std::vector<DatasetMember>* out) = 0;
  // The datasets (live or trashed) that hard-deleting these feedback
  // records would change, by name.
  virtual Status DatasetsAffectedByFeedback(const IdList& feedback_ids,
                                            std::vector<DatasetImpact>* out) = 0;
  // The same for deleting these jobs: the feedback touching their samples
  // (audio_id or preferred_over), as CountFeedbackTouchingJobs counts it.
  virtual Status DatasetsAffectedByJobs(const IdList& job_ids, std::vector<DatasetImpact>* out) = 0;

  // ---- audit ----
  virtual Status InsertAuditEvent(const AuditEvent& event) = 0;
  // Replaces an event's counts (a purge in batches adds to its one event).
  virtual Status UpdateAuditCounts(const std::string& id, const std::string& counts_json) = 0;
  // Newest first.
  virtual Status ListAuditEvents(const AuditQuery& q, std::vector<AuditEvent>* out,
                                 int64_t* total) = 0;

  // ---- experiments and training runs (SPEC section 8) ----
  virtual Status InsertExperiment(const Experiment& e) = 0;
  // Fills the display fields (dataset name and state, run count, best run,
  // the newest run's status).
  virtual Status GetExperiment(const std::string& id, Visibility v, Experiment* out) = 0;
  // Live experiments, newest first.
  virtual Status ListExperiments(int64_t offset, int limit, std::vector<Experiment>* out,
                                 int64_t* total) = 0;
  // Writes name, description, config and updated_at of a live experiment; NotFound otherwise.
  virtual Status UpdateExperiment(const Experiment& e) = 0;
  // Sets deleted_at on a live experiment; NotFound otherwise.
  virtual Status MarkExperimentDeleted(const std::string& id, Micros now) = 0;
  // Trashed -> live; NotFound (kTrashedExperiment) when not trashed.
  virtual Status RestoreExperiment(const std::string& id, Micros now) = 0;
  // Newest-deleted first.
  virtual Status ListTrashedExperiments(int64_t offset, int limit, std::vector<Experiment>* out,
                                        int64_t* total) = 0;
  // Like SelectTrashedJobIds.
  virtual Status SelectTrashedExperimentIds(const std::optional<IdList>& ids,
                                            std::optional<Micros> deleted_before, int limit,
                                            IdList* out) = 0;
  // Hard-deletes each trashed experiment of ids with its runs and their logs.
  virtual Status PurgeExperimentRows(const IdList& ids, int64_t* experiments, int64_t* runs) = 0;
  // Experiments (live or trashed) naming the dataset, and their runs.
  virtual Status CountExperimentsUsingDataset(const std::string& dataset_id, int64_t* experiments,
                                              int64_t* runs) = 0;

  virtual Status InsertRun(const TrainingRun& run) = 0;
  // A run is visible while its experiment is live. Fills the display fields.
  virtual Status GetRun(const std::string& id, TrainingRun* out) = 0;
  // Oldest first.
  virtual Status ListRunsForExperiment(const std::string& experiment_id, std::vector<TrainingRun>* out) = 0;
  // Runs (of live experiments) that created or versioned the adapter, oldest first.
  virtual Status ListRunsForAdapter(const std::string& adapter_id, std::vector<TrainingRun>* out) = 0;
  // Hard-deletes a run of the experiment with its logs; NotFound when there is none.
  virtual Status DeleteRun(const std::string& experiment_id, const std::string& run_id) = 0;
  // queued|running -> cancelled for every run of the experiment.
  virtual Status CancelRunsOfExperiment(const std::string& experiment_id, Micros now,
                                        int64_t* cancelled) = 0;

  // The runs' queue, as ClaimNextJob and friends: a run of a live
  // experiment that is queued, or running with an expired lease.
  virtual Status ClaimNextRun(const std::string& worker_id, Micros now, Micros lease_until,
                              TrainingRun* out) = 0;
  // Publishes progress and renews the lease while the run is running and
  // owned by worker_id (and exists); otherwise Cancelled.
  virtual Status ReportRunProgress(const std::string& run_id, const std::string& worker_id,
                                   double progress, Micros lease_until) = 0;
  // Appends a log line while the run is running and owned by worker_id;
  // otherwise Cancelled and nothing is written.
  virtual Status AppendRunLog(const std::string& run_id, const std::string& worker_id, Micros at,
                              const std::string& message) = 0;
  // running -> run.status (completed or failed) with run's outcome fields
  // (metrics, final loss, error, explanation, adapter, lineage,
  // completed_at), only while owned by worker_id; otherwise Cancelled.
  virtual Status FinishRun(const TrainingRun& run, const std::string& worker_id) = 0;
  // running -> queued for every run: single-process databases at start-up only.
  virtual Status RequeueAllRunning(int64_t* requeued) = 0;
  // Lines with seq > after_seq, in order, at most `limit`.
  virtual Status ListRunLogs(const std::string& run_id, int64_t after_seq, int limit,
                             std::vector<RunLogLine>* out) = 0;

  // ---- adapter versions ----
  // Conflict (kVersionName) when the adapter already has a version of that name.
  virtual Status InsertAdapterVersion(const AdapterVersion& v) = 0;
  // Oldest first.
  virtual Status ListAdapterVersions(const std::string& adapter_id, std::vector<AdapterVersion>* out) = 0;
  // NotFound (kAdapterVersion) unless the version belongs to the adapter.
  virtual Status GetAdapterVersion(const std::string& adapter_id, const std::string& version_id,
                                   AdapterVersion* out) = 0;
  // One more than the adapter's highest version number (1 when it has none).
  virtual Status NextAdapterVersionNumber(const std::string& adapter_id, int* out) = 0;
  // Versions of live adapters.
  virtual Status CountAdapterVersions(int64_t* total) = 0;
  // Audit events about one entity, oldest first, at most `limit`.
  virtual Status ListAuditEventsFor(const std::string& entity_id, int limit, std::vector<AuditEvent>* out) = 0;

  // ---- maintenance ----
  // Records that the maintenance task `name` starts at `now`, unless it
  // last started after `not_since`: *claimed says whether this caller
  // runs it. One caller at a time (PostgreSQL: under an advisory lock).
  virtual Status ClaimMaintenanceRun(const std::string& name, Micros now, Micros not_since,
                                     bool* claimed) = 0;

  // ---- metrics ----
  // Every counter of MetricsCounters (store/metrics.h) at one point in time,
  // from the trigger-kept counter rows: costs the same at any table size.
  virtual Status GetMetricsCounters(MetricsCounters* out) = 0;
  // Feedback per adapter of the sample it is on, for the adapters (and the
  // base engine) whose samples have feedback; most feedback first, then by
  // adapter id with the base engine first. Costs one row per such adapter,
  // however much feedback there is.
  virtual Status ListFeedbackByAdapter(std::vector<AdapterFeedbackCount>* out) = 0;
};

}  // namespace studio
