// The SQLite store's SQL statements, by name. Internal to
// store/sqlite_store.cc: the store runs these, and its query-plan check
// (ExplainSqliteQuery, tests/store/query_plan_test.cc) explains these very
// statements, built by the same functions, never copies.
//
// Default reads name the live_* views; reads with Visibility::kIncludeDeleted
// name the base tables. {jobs}, {adapters} and {audio} in a template are
// replaced by SourceFor() (store/row_codec.h).
#pragma once

#include <string>

#include "store/row_codec.h"
#include "store/store.h"

namespace studio::store_internal::sqlite_sql {

// Job rows carry what a list item shows, in one statement: no per-row queries.
inline constexpr char kJobColumns[] = R"(
  j.id, j.prompt_id, j.adapter_id, j.status, j.progress, j.num_samples, j.error,
  j.seed, j.temperature, j.top_k, j.top_p, j.duration, j.created_at, j.completed_at,
  j.deleted_at,
  CASE WHEN length(p.text) > 100 THEN substr(p.text, 1, 100) || '...' ELSE p.text END,
  a.name, a.deleted_at IS NOT NULL,
  (SELECT group_concat(s.id) FROM
     (SELECT id FROM audio_samples WHERE job_id = j.id ORDER BY sample_index) s))";

inline const std::string kJobSelectTemplate = std::string("SELECT ") + kJobColumns +
                                       " FROM {jobs} j JOIN prompts p ON p.id = j.prompt_id"
                                       " LEFT JOIN adapters a ON a.id = j.adapter_id";

inline std::string JobSelect(Visibility v) { return SourceFor(kJobSelectTemplate, v); }

inline constexpr char kAdapterColumns[] =
    "id, name, description, base_model, storage_path, config, is_active, status, "
    "current_version, created_at, updated_at, deleted_at";

inline constexpr char kAudioColumns[] =
    "a.id, a.job_id, a.prompt_id, a.adapter_id, a.sample_index, a.storage_path, "
    "a.duration_seconds, a.sample_rate, a.created_at, j.seed, j.temperature, j.top_k, j.top_p, "
    "j.duration, a.style";

inline constexpr char kFeedbackColumns[] =
    "f.id, f.audio_id, f.rating, f.rating_criterion, f.preferred_over, f.tags, f.notes, "
    "f.created_at";

// The queue's claim: oldest queued job, or a processing one whose lease ran out.
inline constexpr char kClaimSql[] = R"(
  UPDATE generation_jobs
     SET status = 'processing', claimed_by = ?1, lease_expires_at = ?3
   WHERE id = (SELECT id FROM generation_jobs
                WHERE status IN ('queued', 'processing') AND deleted_at IS NULL
                  AND (status = 'queued' OR lease_expires_at < ?2)
                ORDER BY created_at LIMIT 1)
  RETURNING id)";

// deleted_at IS NULL always holds for a processing job (deleting cancels it)
// and lets the live status index serve this instead of a table scan.
inline constexpr char kRequeueSql[] =
    "UPDATE generation_jobs SET status = 'queued', claimed_by = NULL, lease_expires_at = NULL "
    "WHERE status = 'processing' AND deleted_at IS NULL";

// ---- reads the query-plan check explains ----

inline const std::string kGetJobTemplate = kJobSelectTemplate + " WHERE j.id = ?";
inline constexpr char kSelectJobCounters[] = "SELECT status, live_count, processing_ms FROM job_counters";
inline constexpr char kSelectJobsToday[] =
    "SELECT COALESCE(SUM(live_count), 0) FROM job_day_counters WHERE day = ?";
inline constexpr char kSelectAdapterStats[] =
    "SELECT COUNT(*), COALESCE(SUM(status = 'active'), 0), "
    "COALESCE(SUM(status = 'archived'), 0) FROM live_adapters";
inline const std::string kGetAudioTemplate =
    std::string("SELECT ") + kAudioColumns +
    " FROM {audio} a JOIN generation_jobs j ON j.id = a.job_id WHERE a.id = ?";

// The job list's filter; its parameters bind in this order: status,
// adapter_id, prompt_id, start_date, end_date (those set).
inline std::string JobFilter(const JobQuery& q) {
  std::string where = " WHERE 1 = 1";
  if (q.status) where += " AND j.status = ?";
  if (q.adapter_id) where += " AND j.adapter_id = ?";
  if (q.prompt_id) where += " AND j.prompt_id = ?";
  if (q.start_date) where += " AND j.created_at >= ?";
  if (q.end_date) where += " AND j.created_at <= ?";
  return where;
}
// One page of the job list: the filter's parameters, then limit and offset.
inline std::string JobPageSql(const JobQuery& q) {
  return JobSelect(q.visibility) + JobFilter(q) + " ORDER BY j.created_at DESC, j.id DESC LIMIT ? OFFSET ?";
}
// The job list's total, when the counters do not suffice.
inline std::string JobCountSql(const JobQuery& q) {
  return SourceFor("SELECT COUNT(*) FROM {jobs} j" + JobFilter(q), q.visibility);
}

// The adapter list's filter; binds status when set.
inline std::string AdapterFilter(const AdapterQuery& q) {
  std::string where = " WHERE 1 = 1";
  if (q.active_only) where += " AND is_active = 1";
  if (q.status) where += " AND status = ?";
  return where;
}
// One page of the adapter list: the filter's parameters, then limit and skip.
inline std::string AdapterPageSql(const AdapterQuery& q) {
  return SourceFor(std::string("SELECT ") + kAdapterColumns + " FROM {adapters}" + AdapterFilter(q) +
                       " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                   q.visibility);
}
inline std::string AdapterCountSql(const AdapterQuery& q) {
  return SourceFor("SELECT COUNT(*) FROM {adapters}" + AdapterFilter(q), q.visibility);
}


// The feedback list's filter; binds audio_id, job_id, min_rating,
// max_rating, start_date, end_date, then each tag (those set).
inline std::string FeedbackFilter(const FeedbackQuery& q) {
  std::string where = " WHERE 1 = 1";
  if (q.audio_id) where += " AND f.audio_id = ?";
  if (q.job_id) where += " AND f.audio_id IN (SELECT id FROM live_audio_samples WHERE job_id = ?)";
  if (q.min_rating) where += " AND f.rating >= ?";
  if (q.max_rating) where += " AND f.rating <= ?";
  if (q.start_date) where += " AND f.created_at >= ?";
  if (q.end_date) where += " AND f.created_at <= ?";
  if (!q.tags.empty()) {
    where += " AND EXISTS (SELECT 1 FROM json_each(f.tags) t WHERE t.value IN (?";
    for (size_t i = 1; i < q.tags.size(); ++i) where += ", ?";
    where += "))";
  }
  return where;
}
// One page of the feedback list: the filter's parameters, then limit and offset.
inline std::string FeedbackPageSql(const FeedbackQuery& q) {
  return std::string("SELECT ") + kFeedbackColumns + " FROM feedback f" + FeedbackFilter(q) +
         " ORDER BY f.created_at DESC, f.id DESC LIMIT ? OFFSET ?";
}
inline std::string FeedbackCountSql(const FeedbackQuery& q) {
  return "SELECT COUNT(*) FROM feedback f" + FeedbackFilter(q);
}

// ---- every other statement, named after the method that runs it ----

inline constexpr char kConnectionPragmas[] =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
    "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=2147418112;"
    "PRAGMA wal_autocheckpoint=0;";
inline constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
inline constexpr char kBeginImmediate[] =
    "BEGIN IMMEDIATE";
inline constexpr char kMigrationApplied[] =
    "SELECT 1 FROM schema_migrations WHERE version = ?";
inline constexpr char kRecordMigration[] =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";
inline constexpr char kRollback[] =
    "ROLLBACK";
inline constexpr char kCommit[] =
    "COMMIT";
inline constexpr char kSelectOne[] =
    "SELECT 1";
inline constexpr char kInsertPrompt[] =
    "INSERT INTO prompts (id, text, attributes, created_at) VALUES (?, ?, ?, ?)";
inline constexpr char kGetPrompt[] =
    "SELECT id, text, attributes, created_at FROM prompts WHERE id = ?";
inline constexpr char kListPrompts[] =
    "SELECT id, text, attributes, created_at FROM prompts ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";
inline constexpr char kCountPrompts[] =
    "SELECT COUNT(*) FROM prompts";
inline constexpr char kUpdateAdapter[] =
    "UPDATE adapters SET name = ?, description = ?, base_model = ?, storage_path = ?, "
    "config = ?, is_active = ?, status = ?, current_version = ?, updated_at = ? "
    "WHERE id = ? AND deleted_at IS NULL";
inline constexpr char kMarkAdapterDeleted[] =
    "UPDATE adapters SET deleted_at = ?1, updated_at = ?1, is_active = 0 "
    "WHERE id = ?2 AND deleted_at IS NULL";
inline constexpr char kCountLiveAdaptersNamed[] = "SELECT COUNT(*) FROM live_adapters WHERE name = ?";
inline constexpr char kCountJobsUsingAdapter[] =
    "SELECT COUNT(*) FROM live_jobs WHERE adapter_id = ?";
inline constexpr char kInsertJob[] =
    "INSERT INTO generation_jobs (id, prompt_id, adapter_id, status, progress, "
    "num_samples, error, seed, temperature, top_k, top_p, duration, created_at, "
    "completed_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
inline constexpr char kCountLiveJobsWithStatus[] =
    "SELECT live_count FROM job_counters WHERE status = ?";
inline constexpr char kCountLiveJobs[] =
    "SELECT COALESCE(SUM(live_count), 0) FROM job_counters";
inline constexpr char kSelectJobListVersion[] = "SELECT version FROM job_list_version WHERE id = 1";
inline constexpr char kLockLiveAdapter[] =
    "SELECT COUNT(*) FROM live_adapters WHERE id = ?";
inline constexpr char kReportProgress[] =
    "UPDATE generation_jobs SET progress = ?, lease_expires_at = ? WHERE id = ? "
    "AND claimed_by = ? AND status = 'processing' AND deleted_at IS NULL";
inline constexpr char kReleaseJob[] =
    "UPDATE generation_jobs SET status = 'queued', claimed_by = NULL, lease_expires_at = NULL "
    "WHERE id = ? AND claimed_by = ? AND status = 'processing' AND deleted_at IS NULL";
inline constexpr char kFinishJob[] =
    "UPDATE generation_jobs SET status = ?, error = ?, completed_at = ?, "
    "progress = CASE WHEN ? = 'completed' THEN 1.0 ELSE progress END, "
    "claimed_by = NULL, lease_expires_at = NULL "
    "WHERE id = ? AND claimed_by = ? AND status = 'processing' AND deleted_at IS NULL";
inline constexpr char kInsertAudioSample[] =
    "INSERT INTO audio_samples (id, job_id, prompt_id, adapter_id, sample_index, "
    "storage_path, duration_seconds, sample_rate, created_at, style) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
inline constexpr char kInsertFeedback[] =
    "INSERT INTO feedback (id, audio_id, rating, rating_criterion, preferred_over, tags, "
    "notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
inline constexpr char kDeleteFeedback[] =
    "DELETE FROM feedback WHERE id = ?";

inline const std::string kInsertAdapter =
    std::string("INSERT INTO adapters (") + kAdapterColumns +
    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
inline const std::string kGetAdapterTemplate =
    std::string("SELECT ") + kAdapterColumns + " FROM {adapters} WHERE id = ?";
inline const std::string kListAudioSamplesForJob =
    std::string("SELECT ") + kAudioColumns +
    " FROM audio_samples a JOIN generation_jobs j ON j.id = a.job_id "
    "WHERE a.job_id = ? ORDER BY a.sample_index";
inline const std::string kGetFeedback =
    std::string("SELECT ") + kFeedbackColumns + " FROM feedback f WHERE f.id = ?";
inline const std::string kListFeedbackForJob =
    std::string("SELECT ") + kFeedbackColumns +
    " FROM feedback f WHERE f.audio_id IN (SELECT id FROM audio_samples WHERE job_id = ?)"
    " ORDER BY f.created_at, f.id";

// ---- sets of rows (SPEC section 7) ----
// An IdList binds as one JSON array text; "IN (SELECT value FROM
// json_each(?1))" probes the primary key once per id.

inline constexpr char kIds[] = "(SELECT value FROM json_each(?1))";
inline std::string WithIds(const std::string& sql) {
  std::string out = sql;
  for (size_t at; (at = out.find("{ids}")) != std::string::npos;) out.replace(at, 5, kIds);
  return out;
}

inline const std::string kLockLiveJobs =
    WithIds("SELECT id FROM live_jobs WHERE id IN {ids} ORDER BY id");
inline const std::string kCancelJobs = WithIds(
    "UPDATE generation_jobs SET status = 'cancelled', completed_at = ?2, "
    "claimed_by = NULL, lease_expires_at = NULL "
    "WHERE id IN {ids} AND status IN ('queued', 'processing')");
inline const std::string kFeedbackTouchingJobs = WithIds(R"(
  FROM feedback
  WHERE audio_id IN (SELECT id FROM audio_samples WHERE job_id IN {ids})
     OR preferred_over IN (SELECT id FROM audio_samples WHERE job_id IN {ids}))");
inline const std::string kCountFeedbackTouchingJobs = "SELECT COUNT(*) " + kFeedbackTouchingJobs;
inline const std::string kDeleteFeedbackTouchingJobs = "DELETE " + kFeedbackTouchingJobs;
// Each job records the feedback its delete removes. A record touching
// several of the jobs counts for the first of them in the order given, as
// if they had been deleted one by one in that order.
// CROSS JOIN keeps SQLite's join order: from the ids to their samples to
// the feedback on them (by index), never a scan of feedback.
inline const std::string kMarkJobsDeleted = R"(
  WITH ord AS (SELECT value AS id, key AS n FROM json_each(?1)),
       touch AS (SELECT fid, MIN(n) AS first_n FROM (
                   SELECT f.id AS fid, ord.n AS n FROM ord CROSS JOIN audio_samples s ON s.job_id = ord.id
                     CROSS JOIN feedback f ON f.audio_id = s.id
                   UNION ALL
                   SELECT f.id, ord.n FROM ord CROSS JOIN audio_samples s ON s.job_id = ord.id
                     CROSS JOIN feedback f ON f.preferred_over = s.id)
                 GROUP BY fid)
  UPDATE generation_jobs SET deleted_at = ?2,
         feedback_deleted = (SELECT COUNT(*) FROM touch JOIN ord ON ord.n = touch.first_n
                              WHERE ord.id = generation_jobs.id)
   WHERE id IN (SELECT id FROM ord) AND deleted_at IS NULL)";
inline const std::string kRestoreJobs = WithIds(R"(
  UPDATE generation_jobs
     SET deleted_at = NULL,
         completed_at = CASE WHEN status IN ('queued', 'processing') THEN ?2 ELSE completed_at END,
         status = CASE WHEN status IN ('queued', 'processing') THEN 'cancelled' ELSE status END,
         claimed_by = NULL, lease_expires_at = NULL
   WHERE id IN {ids} AND deleted_at IS NOT NULL)");
// A trash page: the job columns, then feedback_deleted (the sample count is
// the job's audio_ids, already in the job columns).
inline const std::string kListTrashedJobs =
    std::string("SELECT ") + kJobColumns +
    ", j.feedback_deleted"
    " FROM generation_jobs j JOIN prompts p ON p.id = j.prompt_id"
    " LEFT JOIN adapters a ON a.id = j.adapter_id"
    " WHERE j.deleted_at IS NOT NULL ORDER BY j.deleted_at DESC, j.id DESC LIMIT ? OFFSET ?";
inline constexpr char kCountTrashedJobs[] =
    "SELECT COUNT(*) FROM generation_jobs WHERE deleted_at IS NOT NULL";
// Purge candidates of `table`, oldest-deleted first: binds the ids (when
// by_ids), the cutoff (when before), then the limit. `extra` narrows further.
inline std::string TrashedIdsSql(const char* table, bool by_ids, bool before, const char* extra = "") {
  std::string sql = std::string("SELECT id FROM ") + table + " t WHERE deleted_at IS NOT NULL";
  if (by_ids) sql += " AND id IN (SELECT value FROM json_each(?))";
  if (before) sql += " AND deleted_at < ?";
  return sql + extra + " ORDER BY deleted_at, id LIMIT ?";
}
inline constexpr char kNoJobReferences[] =
    " AND NOT EXISTS (SELECT 1 FROM generation_jobs j WHERE j.adapter_id = t.id)";
inline const std::string kTrashedOfIds = WithIds("SELECT id FROM generation_jobs WHERE id IN {ids} AND deleted_at IS NOT NULL");
inline const std::string kPurgeAudioRows =
    "DELETE FROM audio_samples WHERE job_id IN (" + kTrashedOfIds + ")";
inline const std::string kPurgeJobRows =
    WithIds("DELETE FROM generation_jobs WHERE id IN {ids} AND deleted_at IS NOT NULL");
inline constexpr char kRestoreAdapter[] =
    "UPDATE adapters SET deleted_at = NULL, is_active = 0, name = COALESCE(?2, name), updated_at = ?3 "
    "WHERE id = ?1 AND deleted_at IS NOT NULL";
inline const std::string kListTrashedAdapters =
    std::string("SELECT ") + kAdapterColumns +
    ", (SELECT COUNT(*) FROM generation_jobs j WHERE j.adapter_id = adapters.id)"
    " FROM adapters WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, id DESC LIMIT ? OFFSET ?";
inline constexpr char kCountTrashedAdapters[] =
    "SELECT COUNT(*) FROM adapters WHERE deleted_at IS NOT NULL";
inline const std::string kPurgeAdapterRows = WithIds(
    "DELETE FROM adapters WHERE id IN {ids} AND deleted_at IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM generation_jobs j WHERE j.adapter_id = adapters.id)");
inline const std::string kDeleteFeedbackByIds = WithIds("DELETE FROM feedback WHERE id IN {ids}");
inline const std::string kJobOwners =
    WithIds("SELECT id, deleted_at IS NOT NULL FROM generation_jobs WHERE id IN {ids}");
inline const std::string kAudioOwners = WithIds(
    "SELECT a.storage_path, j.deleted_at IS NOT NULL FROM audio_samples a"
    " JOIN generation_jobs j ON j.id = a.job_id WHERE a.job_id IN {ids}");
inline const std::string kAdapterOwners =
    WithIds("SELECT id, deleted_at IS NOT NULL FROM adapters WHERE id IN {ids}");

// Ids of live jobs matching the job list's filter, then the limit.
inline std::string SelectLiveJobIdsSql(const JobQuery& q) {
  return "SELECT j.id FROM live_jobs j" + JobFilter(q) + " ORDER BY j.created_at DESC, j.id DESC LIMIT ?";
}
inline std::string SelectFeedbackIdsSql(const FeedbackQuery& q) {
  return "SELECT f.id FROM feedback f" + FeedbackFilter(q) + " ORDER BY f.created_at DESC, f.id DESC LIMIT ?";
}

// ---- datasets ----
inline constexpr char kDatasetColumns[] =
    "id, name, description, type, filter_query, sample_count, export_format, exported_at, "
    "created_at, deleted_at";
// The feedback a dataset of a type and filter selects. Parameters, always
// all bound (NULL when a filter field is unset): ?1 type, ?2 min_rating,
// ?3 max_rating, ?4 required tags and ?5 excluded tags (JSON arrays, so one
// statement serves any number of tags), ?6 adapter_id, ?7 start, ?8 end.
inline constexpr char kDatasetCandidates[] = R"(
  FROM feedback f JOIN audio_samples s ON s.id = f.audio_id
  WHERE (CASE ?1 WHEN 'supervised' THEN f.rating IS NOT NULL ELSE f.preferred_over IS NOT NULL END)
    AND (?2 IS NULL OR f.rating >= ?2) AND (?3 IS NULL OR f.rating <= ?3)
    AND NOT EXISTS (SELECT 1 FROM json_each(?4) req
                     WHERE req.value NOT IN (SELECT value FROM json_each(f.tags)))
    AND NOT EXISTS (SELECT 1 FROM json_each(f.tags) t
                     WHERE t.value IN (SELECT value FROM json_each(?5)))
    AND (?6 IS NULL OR s.adapter_id = ?6)
    AND (?7 IS NULL OR f.created_at >= ?7) AND (?8 IS NULL OR f.created_at <= ?8))";
inline const std::string kCountDatasetCandidates = std::string("SELECT COUNT(*)") + kDatasetCandidates;
// ?9 is the new dataset's id.
inline const std::string kInsertDatasetMembers =
    std::string("INSERT INTO dataset_members (dataset_id, feedback_id) SELECT ?9, f.id") + kDatasetCandidates;
inline const std::string kInsertDataset = std::string("INSERT INTO datasets (") + kDatasetColumns +
                                          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
inline constexpr char kSetDatasetSampleCount[] = "UPDATE datasets SET sample_count = ? WHERE id = ?";
inline const std::string kGetDatasetTemplate =
    std::string("SELECT ") + kDatasetColumns + " FROM {datasets} WHERE id = ?";
inline const std::string kListDatasets = std::string("SELECT ") + kDatasetColumns +
                                         " FROM live_datasets ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";
inline constexpr char kCountDatasets[] = "SELECT COUNT(*) FROM live_datasets";
inline constexpr char kMarkDatasetDeleted[] =
    "UPDATE datasets SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL";
inline constexpr char kRestoreDataset[] =
    "UPDATE datasets SET deleted_at = NULL WHERE id = ? AND deleted_at IS NOT NULL";
inline const std::string kListTrashedDatasets =
    std::string("SELECT ") + kDatasetColumns +
    " FROM datasets WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, id DESC LIMIT ? OFFSET ?";
inline constexpr char kCountTrashedDatasets[] = "SELECT COUNT(*) FROM datasets WHERE deleted_at IS NOT NULL";
inline const std::string kPurgeDatasetRows =
    WithIds("DELETE FROM datasets WHERE id IN {ids} AND deleted_at IS NOT NULL");
inline constexpr char kMarkDatasetExported[] =
    "UPDATE datasets SET export_format = ?, exported_at = ? WHERE id = ? AND deleted_at IS NULL";
// Stats: counts, rating distribution, distinct prompts and adapters.
inline constexpr char kDatasetStatsCounts[] = R"(
  SELECT COUNT(*), COALESCE(SUM(f.rating = 1), 0), COALESCE(SUM(f.rating = 2), 0),
         COALESCE(SUM(f.rating = 3), 0), COALESCE(SUM(f.rating = 4), 0), COALESCE(SUM(f.rating = 5), 0),
         COUNT(DISTINCT s.prompt_id), COUNT(DISTINCT s.adapter_id)
    FROM dataset_members m JOIN feedback f ON f.id = m.feedback_id
    JOIN audio_samples s ON s.id = f.audio_id
   WHERE m.dataset_id = ?)";
inline constexpr char kDatasetTagFrequency[] = R"(
  SELECT t.value, COUNT(*) FROM dataset_members m JOIN feedback f ON f.id = m.feedback_id,
         json_each(f.tags) t
   WHERE m.dataset_id = ? GROUP BY t.value ORDER BY t.value)";
// Rating pairs of one sample: how many are within one point, how many there are.
inline constexpr char kDatasetRatingPairs[] = R"(
  WITH rated AS (SELECT f.id, f.audio_id, f.rating FROM dataset_members m
                   JOIN feedback f ON f.id = m.feedback_id
                  WHERE m.dataset_id = ?1 AND f.rating IS NOT NULL)
  SELECT COALESCE(SUM(abs(a.rating - b.rating) <= 1), 0), COUNT(*)
    FROM rated a JOIN rated b ON b.audio_id = a.audio_id AND b.id > a.id)";
// Sample pairs compared more than once: the comparisons agreeing with each
// pair's majority direction (on a tie that is half of them), all comparisons.
inline constexpr char kDatasetPreferencePairs[] = R"(
  SELECT COALESCE(SUM(MAX(forward, backward)), 0), COALESCE(SUM(forward + backward), 0)
    FROM (SELECT SUM(f.audio_id < f.preferred_over) AS forward, SUM(f.audio_id > f.preferred_over) AS backward
            FROM dataset_members m JOIN feedback f ON f.id = m.feedback_id
           WHERE m.dataset_id = ? AND f.preferred_over IS NOT NULL
           GROUP BY MIN(f.audio_id, f.preferred_over), MAX(f.audio_id, f.preferred_over)
          HAVING COUNT(*) > 1))";
inline const std::string kListDatasetMembers =
    DatasetMembersFrom(kFeedbackColumns) +
    " WHERE m.dataset_id = ? AND m.feedback_id > ? ORDER BY m.feedback_id LIMIT ?";
// The datasets that losing these feedback records changes.
inline const std::string kDatasetsAffectedByFeedback = DatasetsAffectedSql("SELECT value FROM json_each(?1)");
inline const std::string kDatasetsAffectedByJobs = DatasetsAffectedSql("SELECT id " + kFeedbackTouchingJobs);

// ---- audit ----
inline constexpr char kAuditColumns[] = "id, at, action, entity, entity_id, counts, actor, request_id";
inline const std::string kInsertAuditEvent =
    std::string("INSERT INTO audit_events (") + kAuditColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
inline constexpr char kUpdateAuditCounts[] = "UPDATE audit_events SET counts = ? WHERE id = ?";
// The audit list's filter; binds entity, action, start_date, end_date (those set).
inline std::string AuditFilter(const AuditQuery& q) {
  std::string where = " WHERE 1 = 1";
  if (q.entity) where += " AND entity = ?";
  if (q.action) where += " AND action = ?";
  if (q.start_date) where += " AND at >= ?";
  if (q.end_date) where += " AND at <= ?";
  return where;
}
inline std::string AuditPageSql(const AuditQuery& q) {
  return std::string("SELECT ") + kAuditColumns + " FROM audit_events" + AuditFilter(q) +
         " ORDER BY at DESC, id DESC LIMIT ? OFFSET ?";
}
inline std::string AuditCountSql(const AuditQuery& q) {
  return "SELECT COUNT(*) FROM audit_events" + AuditFilter(q);
}

// ---- experiments, training runs, adapter versions (SPEC section 8) ----
// An experiment with its display fields (store/row_codec.h ReadExperiment).
// Each subquery reads one experiment's runs through runs_by_experiment.
inline constexpr char kExperimentSelect[] =
    "SELECT e.id, e.name, e.description, e.dataset_id, e.config, e.created_at, e.updated_at, "
    "e.deleted_at, d.name, d.deleted_at IS NOT NULL, "
    "(SELECT COUNT(*) FROM training_runs r WHERE r.experiment_id = e.id), "
    "(SELECT r.id FROM training_runs r WHERE r.experiment_id = e.id AND r.status = 'completed' "
    "   AND r.final_loss IS NOT NULL ORDER BY r.final_loss, r.id LIMIT 1), "
    "(SELECT MIN(r.final_loss) FROM training_runs r WHERE r.experiment_id = e.id AND r.status = 'completed'), "
    "(SELECT r.status FROM training_runs r WHERE r.experiment_id = e.id "
    "   ORDER BY r.created_at DESC, r.id DESC LIMIT 1) "
    "FROM experiments e LEFT JOIN datasets d ON d.id = e.dataset_id";
inline constexpr char kInsertExperiment[] =
    "INSERT INTO experiments (id, name, description, dataset_id, config, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";
inline const std::string kGetLiveExperiment = std::string(kExperimentSelect) + " WHERE e.id = ? AND e.deleted_at IS NULL";
inline const std::string kGetAnyExperiment = std::string(kExperimentSelect) + " WHERE e.id = ?";
inline const std::string kListExperiments = std::string(kExperimentSelect) +
    " WHERE e.deleted_at IS NULL ORDER BY e.created_at DESC, e.id DESC LIMIT ? OFFSET ?";
inline constexpr char kCountExperiments[] = "SELECT COUNT(*) FROM experiments WHERE deleted_at IS NULL";
inline const std::string kListTrashedExperiments = std::string(kExperimentSelect) +
    " WHERE e.deleted_at IS NOT NULL ORDER BY e.deleted_at DESC, e.id DESC LIMIT ? OFFSET ?";
inline constexpr char kCountTrashedExperiments[] = "SELECT COUNT(*) FROM experiments WHERE deleted_at IS NOT NULL";
inline constexpr char kUpdateExperiment[] =
    "UPDATE experiments SET name = ?, description = ?, config = ?, updated_at = ? "
    "WHERE id = ? AND deleted_at IS NULL";
inline constexpr char kMarkExperimentDeleted[] =
    "UPDATE experiments SET deleted_at = ?1, updated_at = ?1 WHERE id = ?2 AND deleted_at IS NULL";
inline constexpr char kRestoreExperiment[] =
    "UPDATE experiments SET deleted_at = NULL, updated_at = ?1 WHERE id = ?2 AND deleted_at IS NOT NULL";
inline const std::string kTrashedExperimentsOfIds =
    WithIds("SELECT id FROM experiments WHERE id IN {ids} AND deleted_at IS NOT NULL");
inline const std::string kPurgeExperimentRuns =
    "DELETE FROM training_runs WHERE experiment_id IN (" + kTrashedExperimentsOfIds + ")";
inline const std::string kPurgeExperimentRows =
    WithIds("DELETE FROM experiments WHERE id IN {ids} AND deleted_at IS NOT NULL");
inline constexpr char kCountExperimentsUsingDataset[] = "SELECT COUNT(*) FROM experiments WHERE dataset_id = ?";
inline constexpr char kCountRunsUsingDataset[] = "SELECT COUNT(*) FROM training_runs WHERE dataset_id = ?";

// A run with its display fields (ReadRun); visible while its experiment is live.
inline constexpr char kRunSelect[] =
    "SELECT r.id, r.experiment_id, r.name, r.status, r.progress, r.config, r.metrics, r.final_loss, "
    "r.error, r.explanation, r.adapter_id, r.dataset_id, r.member_count, r.data_hash, r.created_at, "
    "r.started_at, r.completed_at, a.name, a.deleted_at IS NOT NULL, d.name, d.deleted_at IS NOT NULL "
    "FROM training_runs r JOIN experiments e ON e.id = r.experiment_id "
    "LEFT JOIN adapters a ON a.id = r.adapter_id LEFT JOIN datasets d ON d.id = r.dataset_id "
    "WHERE e.deleted_at IS NULL";
inline constexpr char kInsertRun[] =
    "INSERT INTO training_runs (id, experiment_id, name, status, progress, config, metrics, dataset_id, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
inline const std::string kGetRun = std::string(kRunSelect) + " AND r.id = ?";
inline const std::string kListRunsForExperiment =
    std::string(kRunSelect) + " AND r.experiment_id = ? ORDER BY r.created_at, r.id";
inline const std::string kListRunsForAdapter =
    std::string(kRunSelect) + " AND r.adapter_id = ? ORDER BY r.created_at, r.id";
inline constexpr char kDeleteRun[] = "DELETE FROM training_runs WHERE id = ? AND experiment_id = ?";
inline constexpr char kCancelRunsOfExperiment[] =
    "UPDATE training_runs SET status = 'cancelled', completed_at = ?1, claimed_by = NULL, "
    "lease_expires_at = NULL WHERE experiment_id = ?2 AND status IN ('queued', 'running')";
inline constexpr char kClaimRunSql[] = R"(
  UPDATE training_runs
     SET status = 'running', claimed_by = ?1, lease_expires_at = ?3, started_at = COALESCE(started_at, ?2)
   WHERE id = (SELECT r.id FROM training_runs r JOIN experiments e ON e.id = r.experiment_id
                WHERE r.status IN ('queued', 'running') AND e.deleted_at IS NULL
                  AND (r.status = 'queued' OR r.lease_expires_at < ?2)
                ORDER BY r.created_at LIMIT 1)
  RETURNING id)";
inline constexpr char kReportRunProgress[] =
    "UPDATE training_runs SET progress = ?, lease_expires_at = ? "
    "WHERE id = ? AND claimed_by = ? AND status = 'running'";
inline constexpr char kAppendRunLog[] =
    "INSERT INTO run_logs (run_id, seq, at, message) "
    "SELECT r.id, COALESCE((SELECT MAX(l.seq) FROM run_logs l WHERE l.run_id = r.id), 0) + 1, ?, ? "
    "FROM training_runs r WHERE r.id = ? AND r.claimed_by = ? AND r.status = 'running'";
inline constexpr char kFinishRun[] =
    "UPDATE training_runs SET status = ?1, progress = CASE WHEN ?1 = 'completed' THEN 1.0 ELSE progress END, "
    "metrics = ?2, final_loss = ?3, error = ?4, explanation = ?5, adapter_id = ?6, member_count = ?7, "
    "data_hash = ?8, completed_at = ?9, claimed_by = NULL, lease_expires_at = NULL "
    "WHERE id = ?10 AND claimed_by = ?11 AND status = 'running'";
inline constexpr char kRequeueRunningRuns[] =
    "UPDATE training_runs SET status = 'queued', claimed_by = NULL, lease_expires_at = NULL "
    "WHERE status = 'running'";
inline constexpr char kListRunLogs[] =
    "SELECT seq, at, message FROM run_logs WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?";

inline constexpr char kVersionColumns[] =
    "id, adapter_id, number, version, description, config, storage_path, source, run_id, dataset_id, "
    "member_count, data_hash, explanation, created_at";
inline const std::string kInsertAdapterVersion = std::string("INSERT INTO adapter_versions (") +
    kVersionColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
inline const std::string kListAdapterVersions = std::string("SELECT ") + kVersionColumns +
    " FROM adapter_versions WHERE adapter_id = ? ORDER BY number";
inline const std::string kGetAdapterVersion = std::string("SELECT ") + kVersionColumns +
    " FROM adapter_versions WHERE id = ? AND adapter_id = ?";
inline constexpr char kNextAdapterVersionNumber[] =
    "SELECT COALESCE(MAX(number), 0) + 1 FROM adapter_versions WHERE adapter_id = ?";
inline constexpr char kCountAdapterVersions[] =
    "SELECT COUNT(*) FROM adapter_versions v JOIN live_adapters a ON a.id = v.adapter_id";
inline const std::string kListAuditEventsFor = std::string("SELECT ") + kAuditColumns +
    " FROM audit_events WHERE entity_id = ? ORDER BY at, id LIMIT ?";

// ---- maintenance ----
inline constexpr char kClaimMaintenanceRun[] =
    "INSERT INTO maintenance_runs (name, started_at) VALUES (?1, ?2) "
    "ON CONFLICT (name) DO UPDATE SET started_at = excluded.started_at "
    "WHERE maintenance_runs.started_at <= ?3";

// ---- metrics (migration 0003) ----
// Every counter row: the fixed set of metrics_counters rows and the five of job_counters.
inline constexpr char kSelectMetricsCounters[] =
    "SELECT name, value FROM metrics_counters "
    "UNION ALL SELECT 'jobs_' || status, live_count FROM job_counters";
// One row per adapter with feedback on its samples ('' is the base engine).
inline constexpr char kListFeedbackByAdapter[] =
    "SELECT NULLIF(adapter_key, ''), a.name, a.deleted_at IS NOT NULL, "
    "feedback_count, rating_count, rating_sum "
    "FROM adapter_feedback_counts LEFT JOIN adapters a ON a.id = adapter_key "
    "WHERE feedback_count > 0 ORDER BY feedback_count DESC, adapter_key";

}  // namespace studio::store_internal::sqlite_sql
