// The PostgreSQL store's SQL statements, by name. Internal to
// store/postgres_store.cc: the store runs these, and its query-plan check
// (ExplainPostgresQuery, unit.PostgresStoreTest.LiveReadsUseAnIndexAt100kJobs)
// explains these very statements, built by the same functions, never copies.
//
// As in sqlite_statements.h: default reads name the live_* views, reads
// with Visibility::kIncludeDeleted the base tables ({jobs}, {adapters},
// {audio} are replaced by SourceFor()). Times travel as bigint microseconds
// and are converted by the schema's micros_to_ts / ts_to_micros, exactly.
#pragma once

#include <string>

#include "store/row_codec.h"
#include "store/store.h"

namespace studio::store_internal::pg_sql {

// Job rows carry what a list item shows, in one statement: no per-row
// queries. audio_ids is one range of audio_samples' primary key.
inline constexpr char kJobColumns[] = R"(
  j.id, j.prompt_id, j.adapter_id, j.status, j.progress, j.num_samples, j.error,
  j.seed, j.temperature, j.top_k, j.top_p, j.duration, ts_to_micros(j.created_at),
  ts_to_micros(j.completed_at), ts_to_micros(j.deleted_at),
  CASE WHEN length(p.text) > 100 THEN substr(p.text, 1, 100) || '...' ELSE p.text END,
  a.name, a.deleted_at IS NOT NULL,
  (SELECT string_agg(s.id::text, ',' ORDER BY s.sample_index)
     FROM audio_samples s WHERE s.job_id = j.id))";

inline const std::string kJobSelectTemplate = std::string("SELECT ") + kJobColumns +
                                       " FROM {jobs} j JOIN prompts p ON p.id = j.prompt_id"
                                       " LEFT JOIN adapters a ON a.id = j.adapter_id";

inline std::string JobSelect(Visibility v) { return SourceFor(kJobSelectTemplate, v); }

inline constexpr char kAdapterColumns[] =
    "id, name, description, base_model, storage_path, config, is_active, status, "
    "current_version, ts_to_micros(created_at), ts_to_micros(updated_at), ts_to_micros(deleted_at)";

inline constexpr char kAudioColumns[] =
    "a.id, a.job_id, a.prompt_id, a.adapter_id, a.sample_index, a.storage_path, "
    "a.duration_seconds, a.sample_rate, ts_to_micros(a.created_at), j.seed, j.temperature, "
    "j.top_k, j.top_p, j.duration, a.style";

inline constexpr char kFeedbackColumns[] =
    "f.id, f.audio_id, f.rating, f.rating_criterion, f.preferred_over, f.tags, f.notes, "
    "ts_to_micros(f.created_at)";

// The queue's claim: oldest queued job, or a processing one whose lease ran
// out. SKIP LOCKED: a candidate another worker is claiming right now is
// passed over instead of waited for, so workers in any number of processes
// never claim the same job and never block each other. A candidate claimed
// and committed meanwhile is re-checked after locking (READ COMMITTED) and
// dropped because it no longer matches. Served by the jobs_queue index.
inline constexpr char kClaimSql[] = R"(
  UPDATE generation_jobs
     SET status = 'processing', claimed_by = $1, lease_expires_at = micros_to_ts($3::bigint)
   WHERE id = (SELECT id FROM generation_jobs
                WHERE deleted_at IS NULL AND status IN ('queued', 'processing')
                  AND (status = 'queued' OR lease_expires_at < micros_to_ts($2::bigint))
                ORDER BY created_at LIMIT 1
                FOR UPDATE SKIP LOCKED)
  RETURNING id)";

// Only for a single-process database at start-up (see store.h); a shared
// database relies on leases: a dead worker's job is claimed again once its
// lease expires.
inline constexpr char kRequeueSql[] =
    "UPDATE generation_jobs SET status = 'queued', claimed_by = NULL, lease_expires_at = NULL "
    "WHERE status = 'processing' AND deleted_at IS NULL";

// ---- reads the query-plan check explains ----

inline const std::string kGetJobTemplate = kJobSelectTemplate + " WHERE j.id = $1";
// GetJobStats, in one round trip. "WHERE id = 1" (the only row) makes it a
// key lookup (see kCountLiveJobs).
inline constexpr char kSelectJobStats[] =
    "SELECT queued, processing, completed, failed, cancelled, processing_ms, "
    "(SELECT COALESCE(SUM(live_count), 0) FROM job_day_counters "
    "  WHERE day = (micros_to_ts($1::bigint) AT TIME ZONE 'UTC')::date) "
    "FROM job_counters WHERE id = 1";
// The job list's total when the trigger-kept counters suffice. "WHERE id =
// 1" (the only row) makes it a primary-key lookup: every job insert or
// status change leaves a dead version of the row, and after many in one
// transaction (or while a long one holds back vacuum) the table spans
// hundreds of pages, which a scan would read on every request (2 ms at 452
// pages after seeding 100k jobs).
inline constexpr char kCountLiveJobs[] =
    "SELECT queued + processing + completed + failed + cancelled FROM job_counters WHERE id = 1";
inline constexpr char kSelectJobListVersion[] = "SELECT version FROM job_list_version WHERE id = 1";
inline constexpr char kCountLiveJobsWithStatus[] =
    "SELECT CASE $1::text WHEN 'queued' THEN queued WHEN 'processing' THEN processing "
    "WHEN 'completed' THEN completed WHEN 'failed' THEN failed "
    "WHEN 'cancelled' THEN cancelled END FROM job_counters WHERE id = 1";
inline constexpr char kSelectAdapterStats[] =
    "SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'active'), "
    "COUNT(*) FILTER (WHERE status = 'archived') FROM live_adapters";
inline const std::string kGetAudioTemplate =
    std::string("SELECT ") + kAudioColumns +
    " FROM {audio} a JOIN generation_jobs j ON j.id = a.job_id WHERE a.id = $1";

// The job list's filter. Its parameters are $1..$*count, in this order:
// status, adapter_id, prompt_id, start_date, end_date (those set).
inline std::string JobFilter(const JobQuery& q, int* count) {
  std::string where = " WHERE true";
  int n = 0;
  if (q.status) where += " AND j.status = $" + std::to_string(++n);
  if (q.adapter_id) where += " AND j.adapter_id = $" + std::to_string(++n);
  if (q.prompt_id) where += " AND j.prompt_id = $" + std::to_string(++n);
  if (q.start_date) where += " AND j.created_at >= micros_to_ts($" + std::to_string(++n) + "::bigint)";
  if (q.end_date) where += " AND j.created_at <= micros_to_ts($" + std::to_string(++n) + "::bigint)";
  *count = n;
  return where;
}
// One page of the job list: the filter's parameters, then limit and offset.
inline std::string JobPageSql(const JobQuery& q) {
  int n = 0;
  const std::string where = JobFilter(q, &n);
  return JobSelect(q.visibility) + where + " ORDER BY j.created_at DESC, j.id DESC LIMIT $" +
         std::to_string(n + 1) + " OFFSET $" + std::to_string(n + 2);
}
// The job list's total, when the counters do not suffice.
inline std::string JobCountSql(const JobQuery& q) {
  int n = 0;
  return SourceFor("SELECT COUNT(*) FROM {jobs} j" + JobFilter(q, &n), q.visibility);
}

// The adapter list's filter; $1 is the status when set.
inline std::string AdapterFilter(const AdapterQuery& q, int* count) {
  std::string where = " WHERE true";
  int n = 0;
  if (q.active_only) where += " AND is_active";
  if (q.status) where += " AND status = $" + std::to_string(++n);
  *count = n;
  return where;
}
// One page of the adapter list: the filter's parameters, then limit and skip.
inline std::string AdapterPageSql(const AdapterQuery& q) {
  int n = 0;
  const std::string where = AdapterFilter(q, &n);
  return SourceFor(std::string("SELECT ") + kAdapterColumns + " FROM {adapters}" + where +
                       " ORDER BY created_at DESC, id DESC LIMIT $" + std::to_string(n + 1) +
                       " OFFSET $" + std::to_string(n + 2),
                   q.visibility);
}
inline std::string AdapterCountSql(const AdapterQuery& q) {
  int n = 0;
  return SourceFor("SELECT COUNT(*) FROM {adapters}" + AdapterFilter(q, &n), q.visibility);
}


// The feedback list's filter. Its parameters are $1..$*count, in this
// order: audio_id, job_id, min_rating, max_rating, start_date, end_date, and the tags as one JSON
// array (any of them matches: one statement for any number of tags).
inline std::string FeedbackFilter(const FeedbackQuery& q, int* count) {
  std::string where = " WHERE true";
  int n = 0;
  if (q.audio_id) where += " AND f.audio_id = $" + std::to_string(++n);
  if (q.job_id) {
    where += " AND f.audio_id IN (SELECT id FROM live_audio_samples WHERE job_id = $" +
             std::to_string(++n) + ")";
  }
  if (q.min_rating) where += " AND f.rating >= $" + std::to_string(++n);
  if (q.max_rating) where += " AND f.rating <= $" + std::to_string(++n);
  if (q.start_date) where += " AND f.created_at >= micros_to_ts($" + std::to_string(++n) + "::bigint)";
  if (q.end_date) where += " AND f.created_at <= micros_to_ts($" + std::to_string(++n) + "::bigint)";
  if (!q.tags.empty()) {
    where += " AND f.tags ?| ARRAY(SELECT jsonb_array_elements_text($" + std::to_string(++n) + "::jsonb))";
  }
  *count = n;
  return where;
}
// One page of the feedback list: the filter's parameters, then limit and offset.
inline std::string FeedbackPageSql(const FeedbackQuery& q) {
  int n = 0;
  const std::string where = FeedbackFilter(q, &n);
  return std::string("SELECT ") + kFeedbackColumns + " FROM feedback f" + where +
         " ORDER BY f.created_at DESC, f.id DESC LIMIT $" + std::to_string(n + 1) + " OFFSET $" +
         std::to_string(n + 2);
}
inline std::string FeedbackCountSql(const FeedbackQuery& q) {
  int n = 0;
  return "SELECT COUNT(*) FROM feedback f" + FeedbackFilter(q, &n);
}

// ---- every other statement, named after the method that runs it ----

inline constexpr char kBegin[] =
    "BEGIN";
inline constexpr char kLockMigrations[] =
    "SELECT pg_advisory_xact_lock($1::bigint)";
inline constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version integer PRIMARY KEY, name text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";
inline constexpr char kMigrationApplied[] =
    "SELECT 1 FROM schema_migrations WHERE version = $1";
inline constexpr char kRecordMigration[] =
    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";
inline constexpr char kRollback[] =
    "ROLLBACK";
inline constexpr char kCommit[] =
    "COMMIT";
inline constexpr char kBeginReadCommitted[] =
    "BEGIN ISOLATION LEVEL READ COMMITTED";
inline constexpr char kSelectOne[] =
    "SELECT 1";
inline constexpr char kInsertPrompt[] =
    "INSERT INTO prompts (id, text, attributes, created_at) "
    "VALUES ($1, $2, $3, micros_to_ts($4::bigint))";
inline constexpr char kGetPrompt[] =
    "SELECT id, text, attributes, ts_to_micros(created_at) FROM prompts WHERE id = $1";
inline constexpr char kListPrompts[] =
    "SELECT id, text, attributes, ts_to_micros(created_at) FROM prompts "
    "ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2";
inline constexpr char kCountPrompts[] =
    "SELECT COUNT(*) FROM prompts";
inline constexpr char kInsertAdapter[] =
    "INSERT INTO adapters (id, name, description, base_model, storage_path, config, is_active, "
    "status, current_version, created_at, updated_at, deleted_at) VALUES ($1, $2, $3, $4, $5, "
    "$6, $7, $8, $9, micros_to_ts($10::bigint), micros_to_ts($11::bigint), "
    "micros_to_ts($12::bigint))";
inline constexpr char kUpdateAdapter[] =
    "UPDATE adapters SET name = $1, description = $2, base_model = $3, storage_path = $4, "
    "config = $5, is_active = $6, status = $7, current_version = $8, "
    "updated_at = micros_to_ts($9::bigint) WHERE id = $10 AND deleted_at IS NULL";
inline constexpr char kMarkAdapterDeleted[] =
    "UPDATE adapters SET deleted_at = micros_to_ts($1::bigint), "
    "updated_at = micros_to_ts($1::bigint), is_active = false "
    "WHERE id = $2 AND deleted_at IS NULL";
inline constexpr char kCountLiveAdaptersNamed[] = "SELECT COUNT(*) FROM adapters WHERE name = $1 AND deleted_at IS NULL";
inline constexpr char kCountJobsUsingAdapter[] =
    "SELECT COUNT(*) FROM live_jobs WHERE adapter_id = $1";
inline constexpr char kInsertJob[] =
    "INSERT INTO generation_jobs (id, prompt_id, adapter_id, status, progress, "
    "num_samples, error, seed, temperature, top_k, top_p, duration, created_at, "
    "completed_at, deleted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
    "$12, micros_to_ts($13::bigint), micros_to_ts($14::bigint), micros_to_ts($15::bigint))";
inline constexpr char kLockLiveAdapter[] =
    "SELECT 1 FROM adapters WHERE id = $1 AND deleted_at IS NULL FOR UPDATE";
inline constexpr char kReportProgress[] =
    "UPDATE generation_jobs SET progress = $1, "
    "lease_expires_at = micros_to_ts($2::bigint) WHERE id = $3 "
    "AND claimed_by = $4 AND status = 'processing' AND deleted_at IS NULL";
inline constexpr char kFinishJob[] =
    "UPDATE generation_jobs SET status = $1::text, error = $2, "
    "completed_at = micros_to_ts($3::bigint), "
    "progress = CASE WHEN $1::text = 'completed' THEN 1.0 ELSE progress END, "
    "claimed_by = NULL, lease_expires_at = NULL "
    "WHERE id = $4 AND claimed_by = $5 AND status = 'processing' "
    "AND deleted_at IS NULL";
inline constexpr char kReleaseJob[] =
    "UPDATE generation_jobs SET status = 'queued', claimed_by = NULL, "
    "lease_expires_at = NULL WHERE id = $1 AND claimed_by = $2 "
    "AND status = 'processing' AND deleted_at IS NULL";
inline constexpr char kInsertAudioSample[] =
    "INSERT INTO audio_samples (id, job_id, prompt_id, adapter_id, sample_index, "
    "storage_path, duration_seconds, sample_rate, created_at, style) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, micros_to_ts($9::bigint), $10)";
inline constexpr char kInsertFeedback[] =
    "INSERT INTO feedback (id, audio_id, rating, rating_criterion, preferred_over, tags, "
    "notes, created_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, micros_to_ts($8::bigint))";
inline constexpr char kDeleteFeedback[] =
    "DELETE FROM feedback WHERE id = $1";

inline const std::string kGetAdapterTemplate =
    std::string("SELECT ") + kAdapterColumns + " FROM {adapters} WHERE id = $1";
inline const std::string kListAudioSamplesForJob =
    std::string("SELECT ") + kAudioColumns +
    " FROM audio_samples a JOIN generation_jobs j ON j.id = a.job_id "
    "WHERE a.job_id = $1 ORDER BY a.sample_index";
inline const std::string kGetFeedback =
    std::string("SELECT ") + kFeedbackColumns + " FROM feedback f WHERE f.id = $1";
inline const std::string kListFeedbackForJob =
    std::string("SELECT ") + kFeedbackColumns +
    " FROM feedback f WHERE f.audio_id = ANY (ARRAY(SELECT id FROM audio_samples "
    "WHERE job_id = $1)) ORDER BY f.created_at, f.id";


// ---- sets of rows (SPEC section 7) ----
// An IdList travels as one uuid[] parameter, $1; "= ANY ($1)" probes the
// primary key once per id.

inline const std::string kLockLiveJobsForShare =
    "SELECT id FROM generation_jobs WHERE id = ANY ($1::uuid[]) AND deleted_at IS NULL "
    "ORDER BY id FOR SHARE";
inline const std::string kLockLiveJobsForUpdate =
    "SELECT id FROM generation_jobs WHERE id = ANY ($1::uuid[]) AND deleted_at IS NULL "
    "ORDER BY id FOR UPDATE";
inline constexpr char kCancelJobs[] =
    "UPDATE generation_jobs SET status = 'cancelled', completed_at = micros_to_ts($2::bigint), "
    "claimed_by = NULL, lease_expires_at = NULL "
    "WHERE id = ANY ($1::uuid[]) AND status IN ('queued', 'processing')";
// The sample ids are collected first (= ANY of an array) so that each side
// of the OR is an index lookup; "IN (subquery) OR IN (subquery)" would scan feedback.
inline constexpr char kFeedbackTouchingJobs[] = R"(
  FROM feedback
  WHERE audio_id = ANY (ARRAY(SELECT id FROM audio_samples WHERE job_id = ANY ($1::uuid[])))
     OR preferred_over = ANY (ARRAY(SELECT id FROM audio_samples WHERE job_id = ANY ($1::uuid[]))))";
inline const std::string kCountFeedbackTouchingJobs = std::string("SELECT COUNT(*) ") + kFeedbackTouchingJobs;
inline const std::string kDeleteFeedbackTouchingJobs = std::string("DELETE ") + kFeedbackTouchingJobs;
// Each job records the feedback its delete removes. A record touching
// several of the jobs counts for the first of them in the order given, as
// if they had been deleted one by one in that order.
inline constexpr char kMarkJobsDeleted[] = R"(
  WITH ord AS (SELECT id, n FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n)),
       touch AS (SELECT fid, min(n) AS first_n FROM (
                   SELECT f.id AS fid, o.n FROM ord o JOIN audio_samples s ON s.job_id = o.id
                     JOIN feedback f ON f.audio_id = s.id
                   UNION ALL
                   SELECT f.id, o.n FROM ord o JOIN audio_samples s ON s.job_id = o.id
                     JOIN feedback f ON f.preferred_over = s.id) x
                 GROUP BY fid)
  UPDATE generation_jobs j SET deleted_at = micros_to_ts($2::bigint),
         feedback_deleted = (SELECT COUNT(*) FROM touch t JOIN ord o ON o.n = t.first_n WHERE o.id = j.id)
   WHERE j.id = ANY ($1::uuid[]) AND j.deleted_at IS NULL)";
inline constexpr char kRestoreJobs[] = R"(
  UPDATE generation_jobs
     SET deleted_at = NULL,
         completed_at = CASE WHEN status IN ('queued', 'processing') THEN micros_to_ts($2::bigint)
                             ELSE completed_at END,
         status = CASE WHEN status IN ('queued', 'processing') THEN 'cancelled' ELSE status END,
         claimed_by = NULL, lease_expires_at = NULL
   WHERE id = ANY ($1::uuid[]) AND deleted_at IS NOT NULL)";
// A trash page: the job columns, then feedback_deleted (the sample count is
// the job's audio_ids, already in the job columns).
inline const std::string kListTrashedJobs =
    std::string("SELECT ") + kJobColumns +
    ", j.feedback_deleted"
    " FROM generation_jobs j JOIN prompts p ON p.id = j.prompt_id"
    " LEFT JOIN adapters a ON a.id = j.adapter_id"
    " WHERE j.deleted_at IS NOT NULL ORDER BY j.deleted_at DESC, j.id DESC LIMIT $1 OFFSET $2";
inline constexpr char kCountTrashedJobs[] =
    "SELECT COUNT(*) FROM generation_jobs WHERE deleted_at IS NOT NULL";
// Purge candidates of `table`, oldest-deleted first. Parameters: the ids
// (when by_ids), the cutoff (when before), then the limit. `extra` narrows further.
inline std::string TrashedIdsSql(const char* table, bool by_ids, bool before, const char* extra = "") {
  std::string sql = std::string("SELECT id FROM ") + table + " t WHERE deleted_at IS NOT NULL";
  int n = 0;
  if (by_ids) sql += " AND id = ANY ($" + std::to_string(++n) + "::uuid[])";
  if (before) sql += " AND deleted_at < micros_to_ts($" + std::to_string(++n) + "::bigint)";
  // FOR UPDATE: a restore racing the purge either commits first (and the
  // row, re-checked after the wait, is no longer trashed) or waits for the
  // purge and then finds the row gone. Never a restored row without files.
  return sql + extra + " ORDER BY deleted_at, id LIMIT $" + std::to_string(n + 1) + " FOR UPDATE";
}
inline constexpr char kNoJobReferences[] =
    " AND NOT EXISTS (SELECT 1 FROM generation_jobs j WHERE j.adapter_id = t.id)";
inline constexpr char kPurgeAudioRows[] =
    "DELETE FROM audio_samples WHERE job_id = ANY (ARRAY(SELECT id FROM generation_jobs "
    "WHERE id = ANY ($1::uuid[]) AND deleted_at IS NOT NULL))";
inline constexpr char kPurgeJobRows[] =
    "DELETE FROM generation_jobs WHERE id = ANY ($1::uuid[]) AND deleted_at IS NOT NULL";
inline constexpr char kRestoreAdapter[] =
    "UPDATE adapters SET deleted_at = NULL, is_active = false, name = COALESCE($2, name), "
    "updated_at = micros_to_ts($3::bigint) WHERE id = $1 AND deleted_at IS NOT NULL";
inline const std::string kListTrashedAdapters =
    std::string("SELECT ") + kAdapterColumns +
    ", (SELECT COUNT(*) FROM generation_jobs j WHERE j.adapter_id = adapters.id)"
    " FROM adapters WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, id DESC LIMIT $1 OFFSET $2";
inline constexpr char kCountTrashedAdapters[] =
    "SELECT COUNT(*) FROM adapters WHERE deleted_at IS NOT NULL";
inline constexpr char kPurgeAdapterRows[] =
    "DELETE FROM adapters WHERE id = ANY ($1::uuid[]) AND deleted_at IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM generation_jobs j WHERE j.adapter_id = adapters.id)";
inline constexpr char kDeleteFeedbackByIds[] = "DELETE FROM feedback WHERE id = ANY ($1::uuid[])";
inline constexpr char kJobOwners[] =
    "SELECT id, deleted_at IS NOT NULL FROM generation_jobs WHERE id = ANY ($1::uuid[])";
inline constexpr char kAudioOwners[] =
    "SELECT a.storage_path, j.deleted_at IS NOT NULL FROM audio_samples a"
    " JOIN generation_jobs j ON j.id = a.job_id WHERE a.job_id = ANY ($1::uuid[])";
inline constexpr char kAdapterOwners[] =
    "SELECT id, deleted_at IS NOT NULL FROM adapters WHERE id = ANY ($1::uuid[])";

// Ids of live jobs matching the job list's filter; the limit follows its parameters.
inline std::string SelectLiveJobIdsSql(const JobQuery& q) {
  int n = 0;
  const std::string where = JobFilter(q, &n);
  return "SELECT j.id FROM live_jobs j" + where + " ORDER BY j.created_at DESC, j.id DESC LIMIT $" +
         std::to_string(n + 1);
}
inline std::string SelectFeedbackIdsSql(const FeedbackQuery& q) {
  int n = 0;
  const std::string where = FeedbackFilter(q, &n);
  return "SELECT f.id FROM feedback f" + where + " ORDER BY f.created_at DESC, f.id DESC LIMIT $" +
         std::to_string(n + 1);
}

// ---- datasets ----
inline constexpr char kDatasetColumns[] =
    "id, name, description, type, filter_query, sample_count, export_format, "
    "ts_to_micros(exported_at), ts_to_micros(created_at), ts_to_micros(deleted_at)";
// The feedback a dataset of a type and filter selects. Parameters, always
// all sent (NULL when a filter field is unset): $1 type, $2 min_rating,
// $3 max_rating, $4 required tags and $5 excluded tags (JSON arrays: "has
// all" is @>, "has any" ?|, one statement for any number of tags),
// $6 adapter_id, $7 start, $8 end (microseconds).
inline constexpr char kDatasetCandidates[] = R"(
  FROM feedback f JOIN audio_samples s ON s.id = f.audio_id
  WHERE (CASE WHEN $1::text = 'supervised' THEN f.rating IS NOT NULL ELSE f.preferred_over IS NOT NULL END)
    AND ($2::int IS NULL OR f.rating >= $2::int) AND ($3::int IS NULL OR f.rating <= $3::int)
    AND f.tags @> $4::jsonb
    AND NOT (f.tags ?| ARRAY(SELECT jsonb_array_elements_text($5::jsonb)))
    AND ($6::uuid IS NULL OR s.adapter_id = $6::uuid)
    AND ($7::bigint IS NULL OR f.created_at >= micros_to_ts($7::bigint))
    AND ($8::bigint IS NULL OR f.created_at <= micros_to_ts($8::bigint)))";
inline const std::string kCountDatasetCandidates = std::string("SELECT COUNT(*)") + kDatasetCandidates;
// $9 is the new dataset's id.
inline const std::string kInsertDatasetMembers =
    std::string("INSERT INTO dataset_members (dataset_id, feedback_id) SELECT $9::uuid, f.id") + kDatasetCandidates;
inline constexpr char kInsertDataset[] =
    "INSERT INTO datasets (id, name, description, type, filter_query, sample_count, export_format, "
    "exported_at, created_at, deleted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, micros_to_ts($8::bigint), "
    "micros_to_ts($9::bigint), micros_to_ts($10::bigint))";
inline constexpr char kSetDatasetSampleCount[] = "UPDATE datasets SET sample_count = $1 WHERE id = $2";
inline const std::string kGetDatasetTemplate =
    std::string("SELECT ") + kDatasetColumns + " FROM {datasets} WHERE id = $1";
inline const std::string kListDatasets = std::string("SELECT ") + kDatasetColumns +
                                         " FROM live_datasets ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2";
inline constexpr char kCountDatasets[] = "SELECT COUNT(*) FROM live_datasets";
inline constexpr char kMarkDatasetDeleted[] =
    "UPDATE datasets SET deleted_at = micros_to_ts($1::bigint) WHERE id = $2 AND deleted_at IS NULL";
inline constexpr char kRestoreDataset[] =
    "UPDATE datasets SET deleted_at = NULL WHERE id = $1 AND deleted_at IS NOT NULL";
inline const std::string kListTrashedDatasets =
    std::string("SELECT ") + kDatasetColumns +
    " FROM datasets WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, id DESC LIMIT $1 OFFSET $2";
inline constexpr char kCountTrashedDatasets[] = "SELECT COUNT(*) FROM datasets WHERE deleted_at IS NOT NULL";
inline constexpr char kPurgeDatasetRows[] =
    "DELETE FROM datasets WHERE id = ANY ($1::uuid[]) AND deleted_at IS NOT NULL";
inline constexpr char kMarkDatasetExported[] =
    "UPDATE datasets SET export_format = $1, exported_at = micros_to_ts($2::bigint) "
    "WHERE id = $3 AND deleted_at IS NULL";
inline constexpr char kDatasetStatsCounts[] = R"(
  SELECT COUNT(*), COUNT(*) FILTER (WHERE f.rating = 1), COUNT(*) FILTER (WHERE f.rating = 2),
         COUNT(*) FILTER (WHERE f.rating = 3), COUNT(*) FILTER (WHERE f.rating = 4),
         COUNT(*) FILTER (WHERE f.rating = 5), COUNT(DISTINCT s.prompt_id), COUNT(DISTINCT s.adapter_id)
    FROM dataset_members m JOIN feedback f ON f.id = m.feedback_id
    JOIN audio_samples s ON s.id = f.audio_id
   WHERE m.dataset_id = $1)";
inline constexpr char kDatasetTagFrequency[] = R"(
  SELECT t.tag, COUNT(*) FROM dataset_members m JOIN feedback f ON f.id = m.feedback_id
         CROSS JOIN LATERAL jsonb_array_elements_text(f.tags) AS t(tag)
   WHERE m.dataset_id = $1 GROUP BY t.tag ORDER BY t.tag)";
// As sqlite_statements.h: (agreeing, all) rating pairs of one sample.
inline constexpr char kDatasetRatingPairs[] = R"(
  WITH rated AS (SELECT f.id, f.audio_id, f.rating FROM dataset_members m
                   JOIN feedback f ON f.id = m.feedback_id
                  WHERE m.dataset_id = $1 AND f.rating IS NOT NULL)
  SELECT COUNT(*) FILTER (WHERE abs(a.rating - b.rating) <= 1), COUNT(*)
    FROM rated a JOIN rated b ON b.audio_id = a.audio_id AND b.id > a.id)";
// (agreeing with the majority direction, all) comparisons of sample pairs compared more than once.
inline constexpr char kDatasetPreferencePairs[] = R"(
  SELECT COALESCE(SUM(GREATEST(forward, backward)), 0), COALESCE(SUM(forward + backward), 0)
    FROM (SELECT COUNT(*) FILTER (WHERE f.audio_id < f.preferred_over) AS forward,
                 COUNT(*) FILTER (WHERE f.audio_id > f.preferred_over) AS backward
            FROM dataset_members m JOIN feedback f ON f.id = m.feedback_id
           WHERE m.dataset_id = $1 AND f.preferred_over IS NOT NULL
           GROUP BY LEAST(f.audio_id, f.preferred_over), GREATEST(f.audio_id, f.preferred_over)
          HAVING COUNT(*) > 1) pairs)";
inline const std::string kListDatasetMembers =
    DatasetMembersFrom(kFeedbackColumns) +
    " WHERE m.dataset_id = $1 AND m.feedback_id > $2::uuid ORDER BY m.feedback_id LIMIT $3";
inline const std::string kDatasetsAffectedByFeedback = DatasetsAffectedSql("SELECT unnest($1::uuid[])");
inline const std::string kDatasetsAffectedByJobs =
    DatasetsAffectedSql(std::string("SELECT id ") + kFeedbackTouchingJobs);

// ---- audit ----
inline constexpr char kAuditColumns[] =
    "id, ts_to_micros(at), action, entity, entity_id, counts, actor, request_id";
inline constexpr char kInsertAuditEvent[] =
    "INSERT INTO audit_events (id, at, action, entity, entity_id, counts, actor, request_id) "
    "VALUES ($1, micros_to_ts($2::bigint), $3, $4, $5, $6::jsonb, $7, $8)";
inline constexpr char kUpdateAuditCounts[] = "UPDATE audit_events SET counts = $1::jsonb WHERE id = $2";
// The audit list's filter: entity, action, start_date, end_date (those set).
inline std::string AuditFilter(const AuditQuery& q, int* count) {
  std::string where = " WHERE true";
  int n = 0;
  if (q.entity) where += " AND entity = $" + std::to_string(++n);
  if (q.action) where += " AND action = $" + std::to_string(++n);
  if (q.start_date) where += " AND at >= micros_to_ts($" + std::to_string(++n) + "::bigint)";
  if (q.end_date) where += " AND at <= micros_to_ts($" + std::to_string(++n) + "::bigint)";
  *count = n;
  return where;
}
inline std::string AuditPageSql(const AuditQuery& q) {
  int n = 0;
  const std::string where = AuditFilter(q, &n);
  return std::string("SELECT ") + kAuditColumns + " FROM audit_events" + where +
         " ORDER BY at DESC, id DESC LIMIT $" + std::to_string(n + 1) + " OFFSET $" + std::to_string(n + 2);
}
inline std::string AuditCountSql(const AuditQuery& q) {
  int n = 0;
  return "SELECT COUNT(*) FROM audit_events" + AuditFilter(q, &n);
}

// ---- experiments, training runs, adapter versions (SPEC section 8) ----
// The same shapes as the SQLite statements of the same names.
inline constexpr char kExperimentSelect[] =
    "SELECT e.id, e.name, e.description, e.dataset_id, e.config, ts_to_micros(e.created_at), "
    "ts_to_micros(e.updated_at), ts_to_micros(e.deleted_at), d.name, d.deleted_at IS NOT NULL, "
    "(SELECT COUNT(*) FROM training_runs r WHERE r.experiment_id = e.id), "
    "(SELECT r.id FROM training_runs r WHERE r.experiment_id = e.id AND r.status = 'completed' "
    "   AND r.final_loss IS NOT NULL ORDER BY r.final_loss, r.id LIMIT 1), "
    "(SELECT MIN(r.final_loss) FROM training_runs r WHERE r.experiment_id = e.id AND r.status = 'completed'), "
    "(SELECT r.status FROM training_runs r WHERE r.experiment_id = e.id "
    "   ORDER BY r.created_at DESC, r.id DESC LIMIT 1) "
    "FROM experiments e LEFT JOIN datasets d ON d.id = e.dataset_id";
inline constexpr char kInsertExperiment[] =
    "INSERT INTO experiments (id, name, description, dataset_id, config, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, micros_to_ts($6::bigint), micros_to_ts($7::bigint))";
inline const std::string kGetLiveExperiment =
    std::string(kExperimentSelect) + " WHERE e.id = $1 AND e.deleted_at IS NULL";
inline const std::string kGetAnyExperiment = std::string(kExperimentSelect) + " WHERE e.id = $1";
inline const std::string kListExperiments = std::string(kExperimentSelect) +
    " WHERE e.deleted_at IS NULL ORDER BY e.created_at DESC, e.id DESC LIMIT $1 OFFSET $2";
inline constexpr char kCountExperiments[] = "SELECT COUNT(*) FROM experiments WHERE deleted_at IS NULL";
inline const std::string kListTrashedExperiments = std::string(kExperimentSelect) +
    " WHERE e.deleted_at IS NOT NULL ORDER BY e.deleted_at DESC, e.id DESC LIMIT $1 OFFSET $2";
inline constexpr char kCountTrashedExperiments[] = "SELECT COUNT(*) FROM experiments WHERE deleted_at IS NOT NULL";
inline constexpr char kUpdateExperiment[] =
    "UPDATE experiments SET name = $1, description = $2, config = $3, updated_at = micros_to_ts($4::bigint) "
    "WHERE id = $5 AND deleted_at IS NULL";
inline constexpr char kMarkExperimentDeleted[] =
    "UPDATE experiments SET deleted_at = micros_to_ts($1::bigint), updated_at = micros_to_ts($1::bigint) "
    "WHERE id = $2 AND deleted_at IS NULL";
inline constexpr char kRestoreExperiment[] =
    "UPDATE experiments SET deleted_at = NULL, updated_at = micros_to_ts($1::bigint) "
    "WHERE id = $2 AND deleted_at IS NOT NULL";
inline constexpr char kPurgeExperimentRuns[] =
    "DELETE FROM training_runs WHERE experiment_id = ANY (ARRAY(SELECT id FROM experiments "
    "WHERE id = ANY ($1::uuid[]) AND deleted_at IS NOT NULL))";
inline constexpr char kPurgeExperimentRows[] =
    "DELETE FROM experiments WHERE id = ANY ($1::uuid[]) AND deleted_at IS NOT NULL";
inline constexpr char kCountExperimentsUsingDataset[] = "SELECT COUNT(*) FROM experiments WHERE dataset_id = $1";
inline constexpr char kCountRunsUsingDataset[] = "SELECT COUNT(*) FROM training_runs WHERE dataset_id = $1";

inline constexpr char kRunSelect[] =
    "SELECT r.id, r.experiment_id, r.name, r.status, r.progress, r.config, r.metrics, r.final_loss, "
    "r.error, r.explanation, r.adapter_id, r.dataset_id, r.member_count, r.data_hash, "
    "ts_to_micros(r.created_at), ts_to_micros(r.started_at), ts_to_micros(r.completed_at), "
    "a.name, a.deleted_at IS NOT NULL, d.name, d.deleted_at IS NOT NULL "
    "FROM training_runs r JOIN experiments e ON e.id = r.experiment_id "
    "LEFT JOIN adapters a ON a.id = r.adapter_id LEFT JOIN datasets d ON d.id = r.dataset_id "
    "WHERE e.deleted_at IS NULL";
inline constexpr char kInsertRun[] =
    "INSERT INTO training_runs (id, experiment_id, name, status, progress, config, metrics, dataset_id, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, micros_to_ts($9::bigint))";
inline const std::string kGetRun = std::string(kRunSelect) + " AND r.id = $1";
inline const std::string kListRunsForExperiment =
    std::string(kRunSelect) + " AND r.experiment_id = $1 ORDER BY r.created_at, r.id";
inline const std::string kListRunsForAdapter =
    std::string(kRunSelect) + " AND r.adapter_id = $1 ORDER BY r.created_at, r.id";
inline constexpr char kDeleteRun[] = "DELETE FROM training_runs WHERE id = $1 AND experiment_id = $2";
inline constexpr char kCancelRunsOfExperiment[] =
    "UPDATE training_runs SET status = 'cancelled', completed_at = micros_to_ts($1::bigint), "
    "claimed_by = NULL, lease_expires_at = NULL WHERE experiment_id = $2 AND status IN ('queued', 'running')";
// As kClaimSql: SKIP LOCKED, so workers of any number of processes never
// claim the same run or wait for each other.
inline constexpr char kClaimRunSql[] = R"(
  UPDATE training_runs
     SET status = 'running', claimed_by = $1, lease_expires_at = micros_to_ts($3::bigint),
         started_at = COALESCE(started_at, micros_to_ts($2::bigint))
   WHERE id = (SELECT r.id FROM training_runs r JOIN experiments e ON e.id = r.experiment_id
                WHERE r.status IN ('queued', 'running') AND e.deleted_at IS NULL
                  AND (r.status = 'queued' OR r.lease_expires_at < micros_to_ts($2::bigint))
                ORDER BY r.created_at LIMIT 1
                FOR UPDATE OF r SKIP LOCKED)
  RETURNING id)";
inline constexpr char kReportRunProgress[] =
    "UPDATE training_runs SET progress = $1, lease_expires_at = micros_to_ts($2::bigint) "
    "WHERE id = $3 AND claimed_by = $4 AND status = 'running'";
inline constexpr char kAppendRunLog[] =
    "INSERT INTO run_logs (run_id, seq, at, message) "
    "SELECT r.id, COALESCE((SELECT MAX(l.seq) FROM run_logs l WHERE l.run_id = r.id), 0) + 1, "
    "micros_to_ts($1::bigint), $2 "
    "FROM training_runs r WHERE r.id = $3 AND r.claimed_by = $4 AND r.status = 'running'";
inline constexpr char kFinishRun[] =
    "UPDATE training_runs SET status = $1, progress = CASE WHEN $1 = 'completed' THEN 1.0 ELSE progress END, "
    "metrics = $2, final_loss = $3, error = $4, explanation = $5, adapter_id = $6, member_count = $7, "
    "data_hash = $8, completed_at = micros_to_ts($9::bigint), claimed_by = NULL, lease_expires_at = NULL "
    "WHERE id = $10 AND claimed_by = $11 AND status = 'running'";
inline constexpr char kRequeueRunningRuns[] =
    "UPDATE training_runs SET status = 'queued', claimed_by = NULL, lease_expires_at = NULL "
    "WHERE status = 'running'";
inline constexpr char kListRunLogs[] =
    "SELECT seq, ts_to_micros(at), message FROM run_logs WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";

inline constexpr char kVersionColumns[] =
    "id, adapter_id, number, version, description, config, storage_path, source, run_id, dataset_id, "
    "member_count, data_hash, explanation, ts_to_micros(created_at)";
inline constexpr char kInsertAdapterVersion[] =
    "INSERT INTO adapter_versions (id, adapter_id, number, version, description, config, storage_path, "
    "source, run_id, dataset_id, member_count, data_hash, explanation, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, micros_to_ts($14::bigint))";
inline const std::string kListAdapterVersions = std::string("SELECT ") + kVersionColumns +
    " FROM adapter_versions WHERE adapter_id = $1 ORDER BY number";
inline const std::string kGetAdapterVersion = std::string("SELECT ") + kVersionColumns +
    " FROM adapter_versions WHERE id = $1 AND adapter_id = $2";
inline constexpr char kNextAdapterVersionNumber[] =
    "SELECT COALESCE(MAX(number), 0) + 1 FROM adapter_versions WHERE adapter_id = $1";
inline constexpr char kCountAdapterVersions[] =
    "SELECT COUNT(*) FROM adapter_versions v JOIN adapters a ON a.id = v.adapter_id WHERE a.deleted_at IS NULL";
inline const std::string kListAuditEventsFor = std::string("SELECT ") + kAuditColumns +
    " FROM audit_events WHERE entity_id = $1 ORDER BY at, id LIMIT $2";

// ---- maintenance ----
// Same key in every process: one claimer at a time.
inline constexpr char kLockMaintenance[] = "SELECT pg_try_advisory_xact_lock($1::bigint)";
inline constexpr char kClaimMaintenanceRun[] =
    "INSERT INTO maintenance_runs (name, started_at) VALUES ($1, micros_to_ts($2::bigint)) "
    "ON CONFLICT (name) DO UPDATE SET started_at = excluded.started_at "
    "WHERE maintenance_runs.started_at <= micros_to_ts($3::bigint)";

// ---- metrics (migration 0003) ----
// Every counter row: the fixed set of metrics_counters rows and job_counters' five counts.
inline constexpr char kSelectMetricsCounters[] =
    "SELECT name, value FROM metrics_counters "
    "UNION ALL SELECT 'jobs_' || s.name, s.value FROM job_counters, LATERAL (VALUES "
    "('queued', queued), ('processing', processing), ('completed', completed), "
    "('failed', failed), ('cancelled', cancelled)) AS s (name, value) WHERE id = 1";
// One row per adapter with feedback on its samples (the nil uuid is the base engine).
inline constexpr char kListFeedbackByAdapter[] =
    "SELECT NULLIF(adapter_key, '00000000-0000-0000-0000-000000000000'::uuid), a.name, "
    "a.deleted_at IS NOT NULL, feedback_count, rating_count, rating_sum "
    "FROM adapter_feedback_counts LEFT JOIN adapters a ON a.id = adapter_key "
    "WHERE feedback_count > 0 ORDER BY feedback_count DESC, adapter_key";

}  // namespace studio::store_internal::pg_sql
