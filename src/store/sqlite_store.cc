#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <vector>

#include "store/migrations.h"
#include "store/row_codec.h"
#include "store/sqlite_statements.h"
#include "util/env.h"
#include "util/mutex.h"
#include "util/time_format.h"

namespace studio {

namespace {

// SQLITE_FULL, or an I/O error whose cause was a full disk or quota.
bool IsStorageFull(sqlite3* db, int rc) {
  if ((rc & 0xFF) == SQLITE_FULL) return true;
  if ((rc & 0xFF) != SQLITE_IOERR) return false;
  return IsDiskFullErrno(sqlite3_system_errno(db));
}

using json = nlohmann::json;
using namespace store_internal;
using namespace store_internal::sqlite_sql;

// ---------------------------------------------------------------------------
// ---------------------------------------------------------------------------

std::optional<Micros> TimeColumn(sqlite3_stmt* st, int col) {
  if (sqlite3_column_type(st, col) == SQLITE_NULL) return std::nullopt;
  auto text = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
  return ParseIsoTime(text);
}

std::string TextColumn(sqlite3_stmt* st, int col) {
  auto text = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
  return text ? std::string(text, sqlite3_column_bytes(st, col)) : std::string();
}

// One row of a stepped statement, as store/row_codec.h decodes it.
struct SqliteRow {
  sqlite3_stmt* st;
  bool IsNull(int col) const { return sqlite3_column_type(st, col) == SQLITE_NULL; }
  std::string Text(int col) const { return TextColumn(st, col); }
  int64_t Int(int col) const { return sqlite3_column_int64(st, col); }
  double Double(int col) const { return sqlite3_column_double(st, col); }
  bool Bool(int col) const { return sqlite3_column_int(st, col) != 0; }
  std::optional<Micros> Time(int col) const { return TimeColumn(st, col); }
};

// A prepared statement being used: binds, steps, and resets on scope exit.
class Query {
 public:
  Query(sqlite3* db, sqlite3_stmt* st) : db_(db), st_(st) {}
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }

  Query& Bind(const std::string& v) { return Check(sqlite3_bind_text(st_, ++n_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT)); }
  Query& Bind(const char* v) { return Bind(std::string(v)); }
  Query& Bind(int64_t v) { return Check(sqlite3_bind_int64(st_, ++n_, v)); }
  Query& Bind(int v) { return Bind(static_cast<int64_t>(v)); }
  Query& Bind(double v) { return Check(sqlite3_bind_double(st_, ++n_, v)); }
  Query& Bind(bool v) { return Bind(static_cast<int64_t>(v ? 1 : 0)); }
  Query& BindTime(Micros t) { return Bind(FormatIsoMicros(t)); }
  Query& BindNull() { return Check(sqlite3_bind_null(st_, ++n_)); }
  template <typename T>
  Query& Bind(const std::optional<T>& v) { return v ? Bind(*v) : BindNull(); }
  Query& BindTime(const std::optional<Micros>& t) { return t ? BindTime(*t) : BindNull(); }

  // True while there is a row; false at the end. Errors land in status().
  bool Step() {
    if (!bind_status_.ok()) return false;
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) step_rc_ = rc;
    return false;
  }
  // Steps to the end; for statements without rows.
  Status Run() {
    while (Step()) {
    }
    return status();
  }
  Status status() const {
    if (!bind_status_.ok()) return bind_status_;
    if (step_rc_ == SQLITE_OK) return Status::Ok();
    std::string msg = sqlite3_errmsg(db_);
    int primary = step_rc_ & 0xFF;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return Status::Unavailable("database busy: " + msg);
    if (IsStorageFull(db_, step_rc_)) return Status::StorageFull("sqlite: " + msg);
    if (step_rc_ == SQLITE_CONSTRAINT_UNIQUE || step_rc_ == SQLITE_CONSTRAINT_PRIMARYKEY)
      return Status::Conflict(msg);
    return Status::IOError("sqlite: " + msg);
  }
  int64_t changes() const { return sqlite3_changes(db_); }
  sqlite3_stmt* stmt() const { return st_; }

 private:
  Query& Check(int rc) {
    if (rc != SQLITE_OK && bind_status_.ok()) bind_status_ = Status::Internal(std::string("bind: ") + sqlite3_errmsg(db_));
    return *this;
  }
  sqlite3* db_;
  sqlite3_stmt* st_;
  int n_ = 0;
  int step_rc_ = SQLITE_OK;
  Status bind_status_;
};

// One thread's connection and its prepared statements.
class Connection {
 public:
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    for (auto& [sql, st] : statements_) sqlite3_finalize(st);
    if (db_) sqlite3_close(db_);
  }

  Status Open(const std::string& path, int busy_timeout_ms) {
    int rc = sqlite3_open_v2(path.c_str(), &db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
      return Status::IOError("cannot open database " + path + ": " +
                             (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc)));
    }
    // The busy timeout must be set before the first pragma: two threads
    // opening at once otherwise fail on journal_mode=WAL with "locked".
    sqlite3_busy_timeout(db_, busy_timeout_ms);
    sqlite3_extended_result_codes(db_, 1);  // tells a unique-name clash from other failures
    // wal_autocheckpoint=0: no request's commit copies the WAL back into the
    // database (that made one delete in a hundred take 30+ ms); the store's
    // checkpointer thread does it in the background instead.
    return Exec(
        kConnectionPragmas);
  }

  Status Exec(const char* sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return Status::Ok();
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    if ((rc & 0xFF) == SQLITE_BUSY) return Status::Unavailable("database busy: " + msg);
    if (IsStorageFull(db_, rc)) return Status::StorageFull("sqlite: " + msg);
    return Status::IOError("sqlite: " + msg);
  }

  // The statement for `sql`, prepared on first use and kept.
  Status Prepare(const std::string& sql, sqlite3_stmt** out) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) {
      *out = it->second;
      return Status::Ok();
    }
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    if (rc != SQLITE_OK) return Status::Internal(std::string("prepare: ") + sqlite3_errmsg(db_) + " in: " + sql);
    statements_.emplace(sql, st);
    *out = st;
    return Status::Ok();
  }

  sqlite3* db() const { return db_; }
  int transaction_depth = 0;

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

Status ApplyMigrations(Connection* conn, int* applied) {
  *applied = 0;
  STUDIO_RETURN_IF_ERROR(conn->Exec(
      kCreateMigrationsTable));
  for (const Migration& m : sqliteMigrations()) {
    // BEGIN IMMEDIATE first, then check: two processes migrating at once
    // apply each migration exactly once.
    STUDIO_RETURN_IF_ERROR(conn->Exec(kBeginImmediate));
    sqlite3_stmt* st = nullptr;
    Status s = conn->Prepare(kMigrationApplied, &st);
    bool done = false;
    if (s.ok()) {
      Query q(conn->db(), st);
      q.Bind(m.version);
      done = q.Step();
      s = q.status();
    }
    if (s.ok() && !done) {
      s = conn->Exec(m.sql);
      if (s.ok()) {
        sqlite3_stmt* ins = nullptr;
        s = conn->Prepare(kRecordMigration, &ins);
        if (s.ok()) {
          Query q(conn->db(), ins);
          s = q.Bind(m.version).Bind(m.name).Run();
        }
      }
      if (s.ok()) ++*applied;
    }
    if (!s.ok()) {
      conn->Exec(kRollback);
      return Status::IOError("migration " + std::string(m.name) + " failed: " + s.message());
    }
    STUDIO_RETURN_IF_ERROR(conn->Exec(kCommit));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------

std::atomic<uint64_t> g_next_store_id{1};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(SqliteStoreOptions options)
      : options_(std::move(options)), store_id_(g_next_store_id++) {}

  ~SqliteStore() override {
    {
      MutexLock lock(&mu_);
      stopping_ = true;
    }
    stop_checkpointer_.SignalAll();
    if (checkpointer_.joinable()) checkpointer_.join();
    MutexLock lock(&mu_);
    connections_.clear();
  }

  // Copies committed WAL frames into the database every interval, off the
  // request path. PASSIVE never blocks readers or writers.
  void StartCheckpointer(std::chrono::milliseconds interval) {
    checkpointer_ = std::thread([this, interval] { CheckpointUntilStopped(interval); });
  }

  void CheckpointUntilStopped(std::chrono::milliseconds interval) LOCKS_EXCLUDED(mu_) {
    Connection* conn = nullptr;
    if (!Conn(&conn).ok()) return;
    mu_.Lock();
    while (true) {
      const auto deadline = std::chrono::steady_clock::now() + interval;
      while (!stopping_ && stop_checkpointer_.WaitUntil(&mu_, deadline)) {
      }
      if (stopping_) break;
      mu_.Unlock();
      sqlite3_wal_checkpoint_v2(conn->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      mu_.Lock();
    }
    mu_.Unlock();
  }

  // The calling thread's connection, opened on first use.
  Status Conn(Connection** out) {
    // Keyed by a never-reused id, not the pointer: a later store at the
    // same address must not find this one's connections.
    thread_local std::unordered_map<uint64_t, Connection*> by_store;
    auto it = by_store.find(store_id_);
    if (it != by_store.end()) {
      *out = it->second;
      return Status::Ok();
    }
    auto conn = std::make_unique<Connection>();
    STUDIO_RETURN_IF_ERROR(conn->Open(options_.path, options_.busy_timeout_ms));
    *out = conn.get();
    by_store[store_id_] = conn.get();
    MutexLock lock(&mu_);
    connections_.push_back(std::move(conn));
    return Status::Ok();
  }

  // Runs fn(Query&) on the prepared statement for sql.
  template <typename Fn>
  Status With(const std::string& sql, Fn&& fn) {
    Connection* conn;
    STUDIO_RETURN_IF_ERROR(Conn(&conn));
    sqlite3_stmt* st;
    STUDIO_RETURN_IF_ERROR(conn->Prepare(sql, &st));
    Query q(conn->db(), st);
    return fn(q);
  }

  Status ExplainQuery(const std::string& name, std::vector<std::string>* lines);

  Status InTransaction(const std::function<Status()>& body) override {
    Connection* conn;
    STUDIO_RETURN_IF_ERROR(Conn(&conn));
    if (conn->transaction_depth > 0) return body();
    STUDIO_RETURN_IF_ERROR(conn->Exec(kBeginImmediate));
    ++conn->transaction_depth;
    Status s = body();
    --conn->transaction_depth;
    if (s.ok()) {
      s = conn->Exec(kCommit);
      if (s.ok()) return s;
    }
    conn->Exec(kRollback);
    return s;
  }

  Status Ping() override {
    int64_t one = 0;
    return ScalarInt(kSelectOne, {}, &one);
  }

  // ---- prompts ----
  Status InsertPrompt(const Prompt& p) override {
    return With(kInsertPrompt,
                [&](Query& q) {
                  return q.Bind(p.id).Bind(p.text).Bind(PromptAttributesJson(p.attributes)).BindTime(p.created_at).Run();
                });
  }

  Status GetPrompt(const std::string& id, Prompt* out) override {
    return With(kGetPrompt, [&](Query& q) {
      q.Bind(id);
      if (!q.Step()) return q.status().ok() ? Status::NotFound(store_kind::kPrompt) : q.status();
      ReadPrompt(SqliteRow{q.stmt()}, out);
      return Status::Ok();
    });
  }

  Status ListPrompts(int64_t offset, int limit, std::vector<Prompt>* out, int64_t* total) override {
    out->clear();
    STUDIO_RETURN_IF_ERROR(CountPrompts(total));
    return With(kListPrompts,
                [&](Query& q) {
                  q.Bind(limit).Bind(offset);
                  while (q.Step()) ReadPrompt(SqliteRow{q.stmt()}, &out->emplace_back());
                  return q.status();
                });
  }

  Status CountPrompts(int64_t* total) override {
    return ScalarInt(kCountPrompts, {}, total);
  }

  // ---- adapters ----
  Status InsertAdapter(const Adapter& a) override {
    return With(kInsertAdapter,
                [&](Query& q) {
                  BindAdapter(q, a);
                  return NameConflictAware(q.Run());
                });
  }

  Status GetAdapter(const std::string& id, Visibility v, Adapter* out) override {
    static const VisibilitySql kSql(kGetAdapterTemplate);
    return With(kSql.For(v),
                [&](Query& q) {
                  q.Bind(id);
                  if (!q.Step()) return q.status().ok() ? Status::NotFound(store_kind::kAdapter) : q.status();
                  ReadAdapter(SqliteRow{q.stmt()}, out);
                  return Status::Ok();
                });
  }

  Status ListAdapters(const AdapterQuery& aq, std::vector<Adapter>* out, int64_t* total) override {
    out->clear();
    auto bind_filters = [&](Query& q) {
      if (aq.status) q.Bind(AdapterStatusName(*aq.status));
    };
    STUDIO_RETURN_IF_ERROR(With(AdapterCountSql(aq), [&](Query& q) {
      bind_filters(q);
      *total = q.Step() ? sqlite3_column_int64(q.stmt(), 0) : 0;
      return q.status();
    }));
    return With(AdapterPageSql(aq),
                [&](Query& q) {
                  bind_filters(q);
                  q.Bind(aq.limit).Bind(aq.skip);
                  while (q.Step()) ReadAdapter(SqliteRow{q.stmt()}, &out->emplace_back());
                  return q.status();
                });
  }

  Status UpdateAdapter(const Adapter& a) override {
    return With(kUpdateAdapter,
                [&](Query& q) {
                  q.Bind(a.name).Bind(a.description).Bind(a.base_model).Bind(a.storage_path)
                      .Bind(a.config_json).Bind(a.is_active).Bind(AdapterStatusName(a.status))
                      .Bind(a.current_version).BindTime(a.updated_at).Bind(a.id);
                  STUDIO_RETURN_IF_ERROR(NameConflictAware(q.Run()));
                  return q.changes() == 1 ? Status::Ok() : Status::NotFound(store_kind::kAdapter);
                });
  }

  Status MarkAdapterDeleted(const std::string& id, Micros now) override {
    return With(kMarkAdapterDeleted,
                [&](Query& q) {
                  STUDIO_RETURN_IF_ERROR(q.BindTime(now).Bind(id).Run());
                  return q.changes() == 1 ? Status::Ok() : Status::NotFound(store_kind::kAdapter);
                });
  }
  Status GetAdapterStats(AdapterStats* out) override {
    return With(kSelectAdapterStats,
                [&](Query& q) {
                  if (q.Step()) {
                    out->total = sqlite3_column_int64(q.stmt(), 0);
                    out->active = sqlite3_column_int64(q.stmt(), 1);
                    out->archived = sqlite3_column_int64(q.stmt(), 2);
                  }
                  return q.status();
                });
  }

  Status LiveAdapterNameTaken(const std::string& name, bool* taken) override {
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(ScalarInt(kCountLiveAdaptersNamed, {name}, &n));
    *taken = n > 0;
    return Status::Ok();
  }

  Status CountJobsUsingAdapter(const std::string& adapter_id, int64_t* count) override {
    return ScalarInt(kCountJobsUsingAdapter, {adapter_id}, count);
  }

  // ---- jobs ----
  Status InsertJob(const Job& j) override {
    return With(kInsertJob,
                [&](Query& q) {
                  return q.Bind(j.id).Bind(j.prompt_id).Bind(j.adapter_id).Bind(JobStatusName(j.status))
                      .Bind(j.progress).Bind(j.num_samples).Bind(j.error).Bind(j.params.seed)
                      .Bind(j.params.temperature).Bind(j.params.top_k).Bind(j.params.top_p)
                      .Bind(j.params.duration).BindTime(j.created_at).BindTime(j.completed_at)
                      .BindTime(j.deleted_at).Run();
                });
  }

  Status GetJob(const std::string& id, Visibility v, Job* out) override {
    static const VisibilitySql kSql(kGetJobTemplate);
    return With(kSql.For(v), [&](Query& q) {
      q.Bind(id);
      if (!q.Step()) return q.status().ok() ? Status::NotFound(store_kind::kJob) : q.status();
      ReadJob(SqliteRow{q.stmt()}, out);
      return Status::Ok();
    });
  }

  Status ListJobs(const JobQuery& jq, std::vector<Job>* out, int64_t* total) override {
    out->clear();
    auto bind_filters = [&](Query& q) { BindJobFilter(q, jq); };
    const bool counters_suffice = jq.visibility == Visibility::kLive && !jq.adapter_id && !jq.prompt_id &&
                                  !jq.start_date && !jq.end_date;
    if (counters_suffice) {
      // Maintained by triggers: the total costs the same at any table size.
      STUDIO_RETURN_IF_ERROR(With(
          jq.status ? kCountLiveJobsWithStatus
                    : kCountLiveJobs,
          [&](Query& q) {
            if (jq.status) q.Bind(JobStatusName(*jq.status));
            *total = q.Step() ? sqlite3_column_int64(q.stmt(), 0) : 0;
            return q.status();
          }));
    } else {
      STUDIO_RETURN_IF_ERROR(With(JobCountSql(jq),
                                  [&](Query& q) {
                                    bind_filters(q);
                                    *total = q.Step() ? sqlite3_column_int64(q.stmt(), 0) : 0;
                                    return q.status();
                                  }));
    }
    return With(JobPageSql(jq),
                [&](Query& q) {
                  bind_filters(q);
                  q.Bind(jq.limit).Bind(jq.offset);
                  while (q.Step()) ReadJob(SqliteRow{q.stmt()}, &out->emplace_back());
                  return q.status();
                });
  }

  Status GetJobListVersion(int64_t* version) override {
    return ScalarInt(kSelectJobListVersion, {}, version);
  }

  Status GetJobStats(Micros day_start, JobStats* out) override {
    *out = JobStats{};
    int64_t completed_ms = 0;
    STUDIO_RETURN_IF_ERROR(With(kSelectJobCounters, [&](Query& q) {
      while (q.Step()) {
        auto status = ParseJobStatus(TextColumn(q.stmt(), 0));
        int64_t n = sqlite3_column_int64(q.stmt(), 1);
        if (!status) continue;
        switch (*status) {
          case JobStatus::kQueued: out->queued = n; break;
          case JobStatus::kProcessing: out->processing = n; break;
          case JobStatus::kCompleted:
            out->completed = n;
            completed_ms = sqlite3_column_int64(q.stmt(), 2);
            break;
          case JobStatus::kFailed: out->failed = n; break;
          case JobStatus::kCancelled: out->cancelled = n; break;
        }
      }
      return q.status();
    }));
    if (out->completed > 0) out->avg_processing_seconds = completed_ms / 1000.0 / out->completed;
    return ScalarInt(kSelectJobsToday, {FormatIsoMicros(day_start).substr(0, 10)}, &out->jobs_today);
  }

  Status LockLiveAdapter(const std::string& id) override {
    int64_t live = 0;
    STUDIO_RETURN_IF_ERROR(ScalarInt(kLockLiveAdapter, {id}, &live));
    return live == 1 ? Status::Ok() : Status::NotFound(store_kind::kAdapter);
  }

  // ---- queue ----
  Status ClaimNextJob(const std::string& worker_id, Micros now, Micros lease_until, Job* out) override {
    std::optional<std::string> claimed;
    STUDIO_RETURN_IF_ERROR(InTransaction([&] {
      return With(kClaimSql, [&](Query& q) {
        q.Bind(worker_id).BindTime(now).BindTime(lease_until);
        if (q.Step()) claimed = TextColumn(q.stmt(), 0);
        while (q.Step()) {
        }
        return q.status();
      });
    }));
    if (!claimed) return Status::NotFound("no queued job");
    return GetJob(*claimed, Visibility::kIncludeDeleted, out);
  }

  Status ReportProgress(const std::string& job_id, const std::string& worker_id, double progress,
                        Micros lease_until) override {
    return With(kReportProgress,
                [&](Query& q) {
                  STUDIO_RETURN_IF_ERROR(q.Bind(progress).BindTime(lease_until).Bind(job_id).Bind(worker_id).Run());
                  return q.changes() == 1 ? Status::Ok() : Status::Cancelled("job no longer ours");
                });
  }

  Status ReleaseJob(const std::string& job_id, const std::string& worker_id) override {
    return With(kReleaseJob,
                [&](Query& q) {
                  STUDIO_RETURN_IF_ERROR(q.Bind(job_id).Bind(worker_id).Run());
                  return q.changes() == 1 ? Status::Ok() : Status::Cancelled("job no longer ours");
                });
  }

  Status FinishJob(const std::string& job_id, const std::string& worker_id, JobStatus final_status,
                   const std::optional<std::string>& error, Micros now) override {
    return With(kFinishJob,
                [&](Query& q) {
                  const char* name = JobStatusName(final_status);
                  STUDIO_RETURN_IF_ERROR(q.Bind(name).Bind(error).BindTime(now).Bind(name).Bind(job_id).Bind(worker_id).Run());
                  return q.changes() == 1 ? Status::Ok() : Status::Cancelled("job no longer ours");
                });
  }

  Status RequeueAllProcessing(int64_t* requeued) override {
    return With(kRequeueSql,
                [&](Query& q) {
                  STUDIO_RETURN_IF_ERROR(q.Run());
                  *requeued = q.changes();
                  return Status::Ok();
                });
  }

  // ---- audio ----
  Status InsertAudioSample(const AudioSample& s) override {
    return With(kInsertAudioSample,
                [&](Query& q) {
                  return q.Bind(s.id).Bind(s.job_id).Bind(s.prompt_id).Bind(s.adapter_id)
                      .Bind(s.sample_index).Bind(s.storage_path).Bind(s.duration_seconds)
                      .Bind(s.sample_rate).BindTime(s.created_at).Bind(s.style_json).Run();
                });
  }

  Status GetAudioSample(const std::string& id, Visibility v, AudioSample* out) override {
    static const VisibilitySql kSql(kGetAudioTemplate);
    return With(kSql.For(v),
                [&](Query& q) {
                  q.Bind(id);
                  if (!q.Step()) return q.status().ok() ? Status::NotFound(store_kind::kAudioSample) : q.status();
                  ReadAudio(SqliteRow{q.stmt()}, out);
                  return Status::Ok();
                });
  }

  Status ListAudioSamplesForJob(const std::string& job_id, std::vector<AudioSample>* out) override {
    out->clear();
    return With(kListAudioSamplesForJob,
                [&](Query& q) {
                  q.Bind(job_id);
                  while (q.Step()) ReadAudio(SqliteRow{q.stmt()}, &out->emplace_back());
                  return q.status();
                });
  }

  // ---- feedback ----
  Status InsertFeedback(const Feedback& f) override {
    return With(kInsertFeedback,
                [&](Query& q) {
                  return q.Bind(f.id).Bind(f.audio_id).Bind(f.rating).Bind(f.rating_criterion)
                      .Bind(f.preferred_over).Bind(json(f.tags).dump()).Bind(f.notes)
                      .BindTime(f.created_at).Run();
                });
  }

  Status GetFeedback(const std::string& id, Feedback* out) override {
    return With(kGetFeedback, [&](Query& q) {
      q.Bind(id);
      if (!q.Step()) return q.status().ok() ? Status::NotFound(store_kind::kFeedback) : q.status();
      ReadFeedback(SqliteRow{q.stmt()}, out);
      return Status::Ok();
    });
  }

  Status DeleteFeedback(const std::string& id) override {
    return With(kDeleteFeedback, [&](Query& q) {
      STUDIO_RETURN_IF_ERROR(q.Bind(id).Run());
      return q.changes() == 1 ? Status::Ok() : Status::NotFound(store_kind::kFeedback);
    });
  }

  Status ListFeedback(const FeedbackQuery& fq, std::vector<Feedback>* out, int64_t* total) override {
    out->clear();
    auto bind_filters = [&](Query& q) { BindFeedbackFilter(q, fq); };
    STUDIO_RETURN_IF_ERROR(With(FeedbackCountSql(fq), [&](Query& q) {
      bind_filters(q);
      *total = q.Step() ? sqlite3_column_int64(q.stmt(), 0) : 0;
      return q.status();
    }));
    return With(FeedbackPageSql(fq),
                [&](Query& q) {
                  bind_filters(q);
                  q.Bind(fq.limit).Bind(fq.offset);
                  while (q.Step()) ReadFeedback(SqliteRow{q.stmt()}, &out->emplace_back());
                  return q.status();
                });
  }

  Status ListFeedbackForJob(const std::string& job_id, std::vector<Feedback>* out) override {
    out->clear();
    return With(kListFeedbackForJob,
                [&](Query& q) {
                  q.Bind(job_id);
                  while (q.Step()) ReadFeedback(SqliteRow{q.stmt()}, &out->emplace_back());
                  return q.status();
                });
  }

  Status GetFeedbackSummary(FeedbackSummary* out) override {
    MetricsCounters counters;
    STUDIO_RETURN_IF_ERROR(GetMetricsCounters(&counters));
    *out = FeedbackSummaryOf(counters);
    return Status::Ok();
  }

  // ---- sets of rows ----
  Status SelectLiveJobIds(const JobQuery& jq, int64_t max, IdList* out) override {
    out->clear();
    return With(SelectLiveJobIdsSql(jq), [&](Query& q) {
      BindJobFilter(q, jq);
      q.Bind(max);
      while (q.Step()) out->push_back(TextColumn(q.stmt(), 0));
      return q.status();
    });
  }

  Status LockLiveJobs(const IdList& ids, RowLock /*mode*/, IdList* live) override {
    // The surrounding BEGIN IMMEDIATE transaction already holds SQLite's
    // single write lock, which orders this against every other writer.
    live->clear();
    return With(kLockLiveJobs, [&](Query& q) {
      q.Bind(IdsJson(ids));
      while (q.Step()) live->push_back(TextColumn(q.stmt(), 0));
      return q.status();
    });
  }

  Status CancelJobs(const IdList& ids, Micros now, int64_t* cancelled) override {
    return Change(kCancelJobs, cancelled, [&](Query& q) { q.Bind(IdsJson(ids)).BindTime(now); });
  }

  Status CountFeedbackTouchingJobs(const IdList& job_ids, int64_t* count) override {
    return ScalarInt(kCountFeedbackTouchingJobs, {IdsJson(job_ids)}, count);
  }

  Status DeleteFeedbackTouchingJobs(const IdList& job_ids, int64_t* deleted) override {
    return Change(kDeleteFeedbackTouchingJobs, deleted, [&](Query& q) { q.Bind(IdsJson(job_ids)); });
  }

  Status MarkJobsDeleted(const IdList& ids, Micros now, int64_t* deleted) override {
    return Change(kMarkJobsDeleted, deleted, [&](Query& q) { q.Bind(IdsJson(ids)).BindTime(now); });
  }

  Status RestoreJobs(const IdList& ids, Micros now, int64_t* restored) override {
    return Change(kRestoreJobs, restored, [&](Query& q) { q.Bind(IdsJson(ids)).BindTime(now); });
  }

  Status ListTrashedJobs(int64_t offset, int limit, std::vector<TrashedJob>* out,
                         int64_t* total) override {
    out->clear();
    STUDIO_RETURN_IF_ERROR(ScalarInt(kCountTrashedJobs, {}, total));
    return With(kListTrashedJobs, [&](Query& q) {
      q.Bind(limit).Bind(offset);
      while (q.Step()) {
        TrashedJob& t = out->emplace_back();
        ReadJob(SqliteRow{q.stmt()}, &t.job);
        t.feedback_deleted = sqlite3_column_int64(q.stmt(), kJobColumnCount);
      }
      return q.status();
    });
  }

  Status SelectTrashedJobIds(const std::optional<IdList>& ids, std::optional<Micros> deleted_before,
                             int limit, IdList* out) override {
    return SelectTrashed(TrashedIdsSql("generation_jobs", ids.has_value(), deleted_before.has_value()),
                         ids, deleted_before, limit, out);
  }

  Status PurgeJobRows(const IdList& ids, int64_t* jobs, int64_t* samples) override {
    return InTransaction([&]() -> Status {
      const std::string json_ids = IdsJson(ids);
      STUDIO_RETURN_IF_ERROR(Change(kPurgeAudioRows, samples, [&](Query& q) { q.Bind(json_ids); }));
      return Change(kPurgeJobRows, jobs, [&](Query& q) { q.Bind(json_ids); });
    });
  }

  Status RestoreAdapter(const std::string& id, const std::optional<std::string>& new_name,
                        Micros now) override {
    return With(kRestoreAdapter, [&](Query& q) {
      STUDIO_RETURN_IF_ERROR(NameConflictAware(q.Bind(id).Bind(new_name).BindTime(now).Run()));
      return q.changes() == 1 ? Status::Ok() : Status::NotFound(store_kind::kTrashedAdapter);
    });
  }

  Status ListTrashedAdapters(int64_t offset, int limit, std::vector<TrashedAdapter>* out,
                             int64_t* total) override {
    out->clear();
    STUDIO_RETURN_IF_ERROR(ScalarInt(kCountTrashedAdapters, {}, total));
    return With(kListTrashedAdapters, [&](Query& q) {
      q.Bind(limit).Bind(offset);
      while (q.Step()) {
        TrashedAdapter& t = out->emplace_back();
        ReadAdapter(SqliteRow{q.stmt()}, &t.adapter);
        t.held_by_jobs = sqlite3_column_int64(q.stmt(), kAdapterColumnCount);
      }
      return q.status();
    });
  }

  Status SelectPurgeableAdapterIds(const std::optional<IdList>& ids,
                                   std::optional<Micros> deleted_before, int limit,
                                   IdList* out) override {
    return SelectTrashed(
        TrashedIdsSql("adapters", ids.has_value(), deleted_before.has_value(), kNoJobReferences), ids,
        deleted_before, limit, out);
  }

  Status PurgeAdapterRows(const IdList& ids, int64_t* adapters) override {
    return Change(kPurgeAdapterRows, adapters, [&](Query& q) { q.Bind(IdsJson(ids)); });
  }

  Status SelectFeedbackIds(const FeedbackQuery& fq, int64_t max, IdList* out) override {
    out->clear();
    return With(SelectFeedbackIdsSql(fq), [&](Query& q) {
      BindFeedbackFilter(q, fq);
      q.Bind(max);
      while (q.Step()) out->push_back(TextColumn(q.stmt(), 0));
      return q.status();
    });
  }

  Status DeleteFeedbackByIds(const IdList& ids, int64_t* deleted) override {
    return Change(kDeleteFeedbackByIds, deleted, [&](Query& q) { q.Bind(IdsJson(ids)); });
  }

  Status LookupFileOwners(const IdList& job_ids, const IdList& adapter_ids, FileOwners* out) override {
    *out = FileOwners{};
    auto read_pairs = [&](const std::string& sql, const IdList& ids,
                          std::unordered_map<std::string, bool>* into) {
      if (ids.empty()) return Status::Ok();
      return With(sql, [&](Query& q) {
        q.Bind(IdsJson(ids));
        while (q.Step()) (*into)[TextColumn(q.stmt(), 0)] = sqlite3_column_int(q.stmt(), 1) != 0;
        return q.status();
      });
    };
    STUDIO_RETURN_IF_ERROR(read_pairs(kJobOwners, job_ids, &out->jobs));
    STUDIO_RETURN_IF_ERROR(read_pairs(kAudioOwners, job_ids, &out->audio_keys));
    return read_pairs(kAdapterOwners, adapter_ids, &out->adapters);
  }

  // ---- datasets ----
  Status CountDatasetCandidates(DatasetType type, const DatasetFilter& filter, int64_t* count) override {
    return With(kCountDatasetCandidates, [&](Query& q) {
      BindDatasetFilter(q, type, filter);
      *count = q.Step() ? sqlite3_column_int64(q.stmt(), 0) : 0;
      return q.status();
    });
  }

  Status InsertDataset(const Dataset& d, const DatasetFilter& filter, int64_t* members) override {
    return InTransaction([&]() -> Status {
      STUDIO_RETURN_IF_ERROR(With(kInsertDataset, [&](Query& q) {
        return q.Bind(d.id).Bind(d.name).Bind(d.description).Bind(DatasetTypeName(d.type))
            .Bind(d.filter_query_json).Bind(int64_t{0}).Bind(d.export_format).BindTime(d.exported_at)
            .BindTime(d.created_at).BindTime(d.deleted_at).Run();
      }));
      STUDIO_RETURN_IF_ERROR(Change(kInsertDatasetMembers, members, [&](Query& q) {
        BindDatasetFilter(q, d.type, filter);
        q.Bind(d.id);
      }));
      return With(kSetDatasetSampleCount, [&](Query& q) { return q.Bind(*members).Bind(d.id).Run(); });
    });
  }

  Status GetDataset(const std::string& id, Visibility v, Dataset* out) override {
    static const VisibilitySql kSql(kGetDatasetTemplate);
    return With(kSql.For(v), [&](Query& q) {
      q.Bind(id);
      if (!q.Step()) return q.status().ok() ? Status::NotFound(store_kind::kDataset) : q.status();
      ReadDataset(SqliteRow{q.stmt()}, out);
      return Status::Ok();
    });
  }

  Status ListDatasets(int64_t offset, int limit, std::vector<Dataset>* out, int64_t* total) override {
    return DatasetPage(kCountDatasets, kListDatasets, offset, limit, out, total);
  }

  Status MarkDatasetDeleted(const std::string& id, Micros now) override {
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(Change(kMarkDatasetDeleted, &n, [&](Query& q) { q.BindTime(now).Bind(id); }));
    return n == 1 ? Status::Ok() : Status::NotFound(store_kind::kDataset);
  }

  Status RestoreDataset(const std::string& id) override {
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(Change(kRestoreDataset, &n, [&](Query& q) { q.Bind(id); }));
    return n == 1 ? Status::Ok() : Status::NotFound(store_kind::kTrashedDataset);
  }

  Status ListTrashedDatasets(int64_t offset, int limit, std::vector<Dataset>* out, int64_t* total) override {
    return DatasetPage(kCountTrashedDatasets, kListTrashedDatasets, offset, limit, out, total);
  }

  Status SelectTrashedDatasetIds(const std::optional<IdList>& ids, std::optional<Micros> deleted_before,
                                 int limit, IdList* out) override {
    return SelectTrashed(TrashedIdsSql("datasets", ids.has_value(), deleted_before.has_value()), ids,
                         deleted_before, limit, out);
  }

  Status PurgeDatasetRows(const IdList& ids, int64_t* datasets) override {
    return Change(kPurgeDatasetRows, datasets, [&](Query& q) { q.Bind(IdsJson(ids)); });
  }

  Status MarkDatasetExported(const std::string& id, const std::string& format, Micros now) override {
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(
        Change(kMarkDatasetExported, &n, [&](Query& q) { q.Bind(format).BindTime(now).Bind(id); }));
    return n == 1 ? Status::Ok() : Status::NotFound(store_kind::kDataset);
  }

  Status GetDatasetStats(const std::string& dataset_id, DatasetStats* out) override {
    *out = DatasetStats{};
    Dataset d;
    STUDIO_RETURN_IF_ERROR(GetDataset(dataset_id, Visibility::kIncludeDeleted, &d));
    STUDIO_RETURN_IF_ERROR(With(kDatasetStatsCounts, [&](Query& q) {
      q.Bind(dataset_id);
      if (q.Step()) {
        out->sample_count = sqlite3_column_int64(q.stmt(), 0);
        for (int i = 0; i < 5; ++i) out->rating_distribution[i] = sqlite3_column_int64(q.stmt(), 1 + i);
        out->unique_prompts = sqlite3_column_int64(q.stmt(), 6);
        out->unique_adapters = sqlite3_column_int64(q.stmt(), 7);
      }
      return q.status();
    }));
    STUDIO_RETURN_IF_ERROR(With(kDatasetTagFrequency, [&](Query& q) {
      q.Bind(dataset_id);
      while (q.Step()) out->tag_frequency.emplace_back(TextColumn(q.stmt(), 0), sqlite3_column_int64(q.stmt(), 1));
      return q.status();
    }));
    // Both statements answer (agreeing, all).
    auto share = [&](const char* sql, std::optional<double>* into) {
      return With(sql, [&](Query& q) {
        q.Bind(dataset_id);
        if (q.Step()) *into = ShareOf(sqlite3_column_double(q.stmt(), 0), sqlite3_column_double(q.stmt(), 1));
        return q.status();
      });
    };
    STUDIO_RETURN_IF_ERROR(share(kDatasetRatingPairs, &out->inter_rater_agreement));
    return share(kDatasetPreferencePairs, &out->preference_consistency);
  }

  Status ListDatasetMembers(const std::string& dataset_id, const std::string& after_feedback_id, int limit,
                            std::vector<DatasetMember>* out) override {
    out->clear();
    return With(kListDatasetMembers, [&](Query& q) {
      q.Bind(dataset_id).Bind(after_feedback_id).Bind(limit);
      while (q.Step()) ReadDatasetMember(SqliteRow{q.stmt()}, &out->emplace_back());
      return q.status();
    });
  }

  Status DatasetsAffectedByFeedback(const IdList& feedback_ids, std::vector<DatasetImpact>* out) override {
    return ReadImpacts(kDatasetsAffectedByFeedback, feedback_ids, out);
  }

  Status DatasetsAffectedByJobs(const IdList& job_ids, std::vector<DatasetImpact>* out) override {
    return ReadImpacts(kDatasetsAffectedByJobs, job_ids, out);
  }

  // ---- experiments and training runs ----
  Status InsertExperiment(const Experiment& e) override {
    return With(kInsertExperiment, [&](Query& q) {
      return q.Bind(e.id).Bind(e.name).Bind(e.description).Bind(e.dataset_id).Bind(e.config_json)
          .BindTime(e.created_at).BindTime(e.updated_at).Run();
    });
  }

  Status GetExperiment(const std::string& id, Visibility v, Experiment* out) override {
    return With(v == Visibility::kLive ? kGetLiveExperiment : kGetAnyExperiment, [&](Query& q) {
      q.Bind(id);
      if (!q.Step()) return q.status().ok() ? Status::NotFound(store_kind::kExperiment) : q.status();
      ReadExperiment(SqliteRow{q.stmt()}, out);
      return Status::Ok();
    });
  }

  Status ListExperiments(int64_t offset, int limit, std::vector<Experiment>* out, int64_t* total) override {
    return ReadExperimentPage(kCountExperiments, kListExperiments, offset, limit, out, total);
  }

  Status UpdateExperiment(const Experiment& e) override {
    return With(kUpdateExperiment, [&](Query& q) {
      STUDIO_RETURN_IF_ERROR(q.Bind(e.name).Bind(e.description).Bind(e.config_json).BindTime(e.updated_at)
                                 .Bind(e.id).Run());
      return q.changes() == 1 ? Status::Ok() : Status::NotFound(store_kind::kExperiment);
    });
  }

  Status MarkExperimentDeleted(const std::string& id, Micros now) override {
    return With(kMarkExperimentDeleted, [&](Query& q) {
      STUDIO_RETURN_IF_ERROR(q.BindTime(now).Bind(id).Run());
      return q.changes() == 1 ? Status::Ok() : Status::NotFound(store_kind::kExperiment);
    });
  }

  Status RestoreExperiment(const std::string& id, Micros now) override {
    return With(kRestoreExperiment, [&](Query& q) {
      STUDIO_RETURN_IF_ERROR(q.BindTime(now).Bind(id).Run());
      return q.changes() == 1 ? Status::Ok() : Status::NotFound(store_kind::kTrashedExperiment);
    });
  }

  Status ListTrashedExperiments(int64_t offset, int limit, std::vector<Experiment>* out,
                                int64_t* total) override {
    return ReadExperimentPage(kCountTrashedExperiments, kListTrashedExperiments, offset, limit, out, total);
  }

  Status SelectTrashedExperimentIds(const std::optional<IdList>& ids, std::optional<Micros> deleted_before,
                                    int limit, IdList* out) override {
    return SelectTrashed(TrashedIdsSql("experiments", ids.has_value(), deleted_before.has_value()), ids,
                         deleted_before, limit, out);
  }

  Status PurgeExperimentRows(const IdList& ids, int64_t* experiments, int64_t* runs) override {
    return InTransaction([&]() -> Status {
      const std::string json_ids = IdsJson(ids);
      STUDIO_RETURN_IF_ERROR(Change(kPurgeExperimentRuns, runs, [&](Query& q) { q.Bind(json_ids); }));
      return Change(kPurgeExperimentRows, experiments, [&](Query& q) { q.Bind(json_ids); });
    });
  }

  Status CountExperimentsUsingDataset(const std::string& dataset_id, int64_t* experiments,
                                      int64_t* runs) override {
    STUDIO_RETURN_IF_ERROR(ScalarInt(kCountExperimentsUsingDataset, {dataset_id}, experiments));
    return ScalarInt(kCountRunsUsingDataset, {dataset_id}, runs);
  }

  Status InsertRun(const TrainingRun& r) override {
    return With(kInsertRun, [&](Query& q) {
      return q.Bind(r.id).Bind(r.experiment_id).Bind(r.name).Bind(RunStatusName(r.status)).Bind(r.progress)
          .Bind(r.config_json).Bind(r.metrics_json).Bind(r.dataset_id).BindTime(r.created_at).Run();
    });
  }

  Status GetRun(const std::string& id, TrainingRun* out) override {
    return With(kGetRun, [&](Query& q) {
      q.Bind(id);
      if (!q.Step()) return q.status().ok() ? Status::NotFound(store_kind::kRun) : q.status();
      ReadRun(SqliteRow{q.stmt()}, out);
      return Status::Ok();
    });
  }

  Status ListRunsForExperiment(const std::string& experiment_id, std::vector<TrainingRun>* out) override {
    return ReadRuns(kListRunsForExperiment, experiment_id, out);
  }

  Status ListRunsForAdapter(const std::string& adapter_id, std::vector<TrainingRun>* out) override {
    return ReadRuns(kListRunsForAdapter, adapter_id, out);
  }

  Status DeleteRun(const std::string& experiment_id, const std::string& run_id) override {
    return With(kDeleteRun, [&](Query& q) {
      STUDIO_RETURN_IF_ERROR(q.Bind(run_id).Bind(experiment_id).Run());
      return q.changes() == 1 ? Status::Ok() : Status::NotFound(store_kind::kRun);
    });
  }

  Status CancelRunsOfExperiment(const std::string& experiment_id, Micros now, int64_t* cancelled) override {
    return Change(kCancelRunsOfExperiment, cancelled, [&](Query& q) { q.BindTime(now).Bind(experiment_id); });
  }

  Status ClaimNextRun(const std::string& worker_id, Micros now, Micros lease_until, TrainingRun* out) override {
    std::optional<std::string> claimed;
    STUDIO_RETURN_IF_ERROR(InTransaction([&] {
      return With(kClaimRunSql, [&](Query& q) {
        q.Bind(worker_id).BindTime(now).BindTime(lease_until);
        if (q.Step()) claimed = TextColumn(q.stmt(), 0);
        while (q.Step()) {
        }
        return q.status();
      });
    }));
    if (!claimed) return Status::NotFound("no queued run");
    return GetRun(*claimed, out);
  }

  Status ReportRunProgress(const std::string& run_id, const std::string& worker_id, double progress,
                           Micros lease_until) override {
    return With(kReportRunProgress, [&](Query& q) {
      STUDIO_RETURN_IF_ERROR(q.Bind(progress).BindTime(lease_until).Bind(run_id).Bind(worker_id).Run());
      return q.changes() == 1 ? Status::Ok() : Status::Cancelled("run no longer ours");
    });
  }

  Status AppendRunLog(const std::string& run_id, const std::string& worker_id, Micros at,
                      const std::string& message) override {
    return With(kAppendRunLog, [&](Query& q) {
      STUDIO_RETURN_IF_ERROR(q.BindTime(at).Bind(message).Bind(run_id).Bind(worker_id).Run());
      return q.changes() == 1 ? Status::Ok() : Status::Cancelled("run no longer ours");
    });
  }

  Status FinishRun(const TrainingRun& r, const std::string& worker_id) override {
    return With(kFinishRun, [&](Query& q) {
      STUDIO_RETURN_IF_ERROR(q.Bind(RunStatusName(r.status)).Bind(r.metrics_json).Bind(r.final_loss)
                                 .Bind(r.error).Bind(r.explanation).Bind(r.adapter_id).Bind(r.member_count)
                                 .Bind(r.data_hash).BindTime(r.completed_at).Bind(r.id).Bind(worker_id).Run());
      return q.changes() == 1 ? Status::Ok() : Status::Cancelled("run no longer ours");
    });
  }

  Status RequeueAllRunning(int64_t* requeued) override {
    return Change(kRequeueRunningRuns, requeued, [](Query&) {});
  }

  Status ListRunLogs(const std::string& run_id, int64_t after_seq, int limit,
                     std::vector<RunLogLine>* out) override {
    out->clear();
    return With(kListRunLogs, [&](Query& q) {
      q.Bind(run_id).Bind(after_seq).Bind(limit);
      while (q.Step()) {
        RunLogLine& line = out->emplace_back();
        line.seq = sqlite3_column_int64(q.stmt(), 0);
        line.at = TimeColumn(q.stmt(), 1).value_or(0);
        line.message = TextColumn(q.stmt(), 2);
      }
      return q.status();
    });
  }

  // ---- adapter versions ----
  Status InsertAdapterVersion(const AdapterVersion& v) override {
    return With(kInsertAdapterVersion, [&](Query& q) {
      Status s = q.Bind(v.id).Bind(v.adapter_id).Bind(v.number).Bind(v.version).Bind(v.description)
                     .Bind(v.config_json).Bind(v.storage_path).Bind(VersionSourceName(v.source)).Bind(v.run_id)
                     .Bind(v.dataset_id).Bind(v.member_count).Bind(v.data_hash).Bind(v.explanation)
                     .BindTime(v.created_at).Run();
      return s.code() == Status::Code::kConflict ? Status::Conflict(store_kind::kVersionName) : s;
    });
  }

  Status ListAdapterVersions(const std::string& adapter_id, std::vector<AdapterVersion>* out) override {
    out->clear();
    return With(kListAdapterVersions, [&](Query& q) {
      q.Bind(adapter_id);
      while (q.Step()) ReadAdapterVersion(SqliteRow{q.stmt()}, &out->emplace_back());
      return q.status();
    });
  }

  Status GetAdapterVersion(const std::string& adapter_id, const std::string& version_id,
                           AdapterVersion* out) override {
    return With(kGetAdapterVersion, [&](Query& q) {
      q.Bind(version_id).Bind(adapter_id);
      if (!q.Step()) return q.status().ok() ? Status::NotFound(store_kind::kAdapterVersion) : q.status();
      ReadAdapterVersion(SqliteRow{q.stmt()}, out);
      return Status::Ok();
    });
  }

  Status NextAdapterVersionNumber(const std::string& adapter_id, int* out) override {
    int64_t next = 1;
    STUDIO_RETURN_IF_ERROR(ScalarInt(kNextAdapterVersionNumber, {adapter_id}, &next));
    *out = static_cast<int>(next);
    return Status::Ok();
  }

  Status CountAdapterVersions(int64_t* total) override { return ScalarInt(kCountAdapterVersions, {}, total); }

  Status ListAuditEventsFor(const std::string& entity_id, int limit, std::vector<AuditEvent>* out) override {
    out->clear();
    return With(kListAuditEventsFor, [&](Query& q) {
      q.Bind(entity_id).Bind(limit);
      while (q.Step()) ReadAuditEvent(SqliteRow{q.stmt()}, &out->emplace_back());
      return q.status();
    });
  }

  // ---- audit ----
  Status InsertAuditEvent(const AuditEvent& e) override {
    return With(kInsertAuditEvent, [&](Query& q) {
      return q.Bind(e.id).BindTime(e.at).Bind(e.action).Bind(e.entity).Bind(e.entity_id)
          .Bind(e.counts_json).Bind(e.actor).Bind(e.request_id).Run();
    });
  }

  Status UpdateAuditCounts(const std::string& id, const std::string& counts_json) override {
    return With(kUpdateAuditCounts, [&](Query& q) { return q.Bind(counts_json).Bind(id).Run(); });
  }

  Status ListAuditEvents(const AuditQuery& aq, std::vector<AuditEvent>* out, int64_t* total) override {
    out->clear();
    auto bind_filters = [&](Query& q) {
      if (aq.entity) q.Bind(*aq.entity);
      if (aq.action) q.Bind(*aq.action);
      if (aq.start_date) q.BindTime(*aq.start_date);
      if (aq.end_date) q.BindTime(*aq.end_date);
    };
    STUDIO_RETURN_IF_ERROR(With(AuditCountSql(aq), [&](Query& q) {
      bind_filters(q);
      *total = q.Step() ? sqlite3_column_int64(q.stmt(), 0) : 0;
      return q.status();
    }));
    return With(AuditPageSql(aq), [&](Query& q) {
      bind_filters(q);
      q.Bind(aq.limit).Bind(aq.offset);
      while (q.Step()) ReadAuditEvent(SqliteRow{q.stmt()}, &out->emplace_back());
      return q.status();
    });
  }

  Status ClaimMaintenanceRun(const std::string& name, Micros now, Micros not_since,
                             bool* claimed) override {
    int64_t changed = 0;
    STUDIO_RETURN_IF_ERROR(Change(kClaimMaintenanceRun, &changed, [&](Query& q) {
      q.Bind(name).BindTime(now).BindTime(not_since);
    }));
    *claimed = changed == 1;
    return Status::Ok();
  }

  // ---- metrics ----
  Status GetMetricsCounters(MetricsCounters* out) override {
    *out = MetricsCounters{};
    return With(kSelectMetricsCounters, [&](Query& q) {
      while (q.Step()) SetMetricsCounter(TextColumn(q.stmt(), 0), sqlite3_column_int64(q.stmt(), 1), out);
      return q.status();
    });
  }

  Status ListFeedbackByAdapter(std::vector<AdapterFeedbackCount>* out) override {
    out->clear();
    return With(kListFeedbackByAdapter, [&](Query& q) {
      while (q.Step()) ReadAdapterFeedback(SqliteRow{q.stmt()}, &out->emplace_back());
      return q.status();
    });
  }

 private:
  static std::string IdsJson(const IdList& ids) { return json(ids).dump(); }

  // Runs a write statement bound by bind(q); *changed gets its row count.
  template <typename BindFn>
  Status Change(const std::string& sql, int64_t* changed, BindFn&& bind) {
    return With(sql, [&](Query& q) {
      bind(q);
      STUDIO_RETURN_IF_ERROR(q.Run());
      *changed = q.changes();
      return Status::Ok();
    });
  }

  Status SelectTrashed(const std::string& sql, const std::optional<IdList>& ids,
                       std::optional<Micros> deleted_before, int limit, IdList* out) {
    out->clear();
    return With(sql, [&](Query& q) {
      if (ids) q.Bind(IdsJson(*ids));
      if (deleted_before) q.BindTime(*deleted_before);
      q.Bind(limit);
      while (q.Step()) out->push_back(TextColumn(q.stmt(), 0));
      return q.status();
    });
  }

  // In kDatasetCandidates' order: ?1..?8.
  static void BindDatasetFilter(Query& q, DatasetType type, const DatasetFilter& f) {
    q.Bind(DatasetTypeName(type)).Bind(f.min_rating).Bind(f.max_rating)
        .Bind(json(f.required_tags).dump()).Bind(json(f.excluded_tags).dump()).Bind(f.adapter_id)
        .BindTime(f.start_date).BindTime(f.end_date);
  }

  Status DatasetPage(const char* count_sql, const std::string& page_sql, int64_t offset, int limit,
                     std::vector<Dataset>* out, int64_t* total) {
    out->clear();
    STUDIO_RETURN_IF_ERROR(ScalarInt(count_sql, {}, total));
    return With(page_sql, [&](Query& q) {
      q.Bind(limit).Bind(offset);
      while (q.Step()) ReadDataset(SqliteRow{q.stmt()}, &out->emplace_back());
      return q.status();
    });
  }

  Status ReadImpacts(const std::string& sql, const IdList& ids, std::vector<DatasetImpact>* out) {
    out->clear();
    return With(sql, [&](Query& q) {
      q.Bind(IdsJson(ids));
      while (q.Step()) ReadDatasetImpact(SqliteRow{q.stmt()}, &out->emplace_back());
      return q.status();
    });
  }

  static void BindJobFilter(Query& q, const JobQuery& jq) {
    if (jq.status) q.Bind(JobStatusName(*jq.status));
    if (jq.adapter_id) q.Bind(*jq.adapter_id);
    if (jq.prompt_id) q.Bind(*jq.prompt_id);
    if (jq.start_date) q.BindTime(*jq.start_date);
    if (jq.end_date) q.BindTime(*jq.end_date);
  }

  static void BindFeedbackFilter(Query& q, const FeedbackQuery& fq) {
    if (fq.audio_id) q.Bind(*fq.audio_id);
    if (fq.job_id) q.Bind(*fq.job_id);
    if (fq.min_rating) q.Bind(*fq.min_rating);
    if (fq.max_rating) q.Bind(*fq.max_rating);
    if (fq.start_date) q.BindTime(*fq.start_date);
    if (fq.end_date) q.BindTime(*fq.end_date);
    for (const auto& t : fq.tags) q.Bind(t);
  }

  Status ReadExperimentPage(const char* count_sql, const std::string& page_sql, int64_t offset, int limit,
                            std::vector<Experiment>* out, int64_t* total) {
    out->clear();
    STUDIO_RETURN_IF_ERROR(ScalarInt(count_sql, {}, total));
    return With(page_sql, [&](Query& q) {
      q.Bind(limit).Bind(offset);
      while (q.Step()) ReadExperiment(SqliteRow{q.stmt()}, &out->emplace_back());
      return q.status();
    });
  }

  Status ReadRuns(const std::string& sql, const std::string& key, std::vector<TrainingRun>* out) {
    out->clear();
    return With(sql, [&](Query& q) {
      q.Bind(key);
      while (q.Step()) ReadRun(SqliteRow{q.stmt()}, &out->emplace_back());
      return q.status();
    });
  }

  Status ScalarInt(const std::string& sql, const std::vector<std::string>& args, int64_t* out) {
    return With(sql, [&](Query& q) {
      for (const auto& a : args) q.Bind(a);
      *out = q.Step() ? sqlite3_column_int64(q.stmt(), 0) : 0;
      return q.status();
    });
  }

  static void BindAdapter(Query& q, const Adapter& a) {
    q.Bind(a.id).Bind(a.name).Bind(a.description).Bind(a.base_model).Bind(a.storage_path)
        .Bind(a.config_json).Bind(a.is_active).Bind(AdapterStatusName(a.status))
        .Bind(a.current_version).BindTime(a.created_at).BindTime(a.updated_at).BindTime(a.deleted_at);
  }

  const SqliteStoreOptions options_;
  const uint64_t store_id_;
  Mutex mu_;
  std::vector<std::unique_ptr<Connection>> connections_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  CondVar stop_checkpointer_;
  std::thread checkpointer_;
};


// The statements the query-plan test checks, by name: the ones the methods
// above run (store/sqlite_statements.h), for a typical query.
Status SqliteStore::ExplainQuery(const std::string& name, std::vector<std::string>* lines) {
  static const std::unordered_map<std::string, std::string> kQueries = {
      {"get_job", SourceFor(kGetJobTemplate, Visibility::kLive)},
      {"list_jobs", JobPageSql(JobQuery{})},
      {"list_jobs_by_status", JobPageSql(ByStatus(JobStatus::kQueued))},
      {"list_jobs_by_adapter", JobPageSql(ByAdapter("x"))},
      {"count_jobs_by_adapter", JobCountSql(ByAdapter("x"))},
      {"jobs_today", kSelectJobsToday},
      {"job_counters", kSelectJobCounters},
      {"job_list_version", kSelectJobListVersion},
      {"list_adapters", AdapterPageSql(AdapterQuery{})},
      {"adapter_stats", kSelectAdapterStats},
      {"claim_job", kClaimSql},
      {"requeue_processing", kRequeueSql},
      {"delete_feedback_touching_job", kDeleteFeedbackTouchingJobs},
      {"mark_jobs_deleted", kMarkJobsDeleted},
      {"list_trashed_jobs", kListTrashedJobs},
      {"count_trashed_jobs", kCountTrashedJobs},
      {"purge_candidates", TrashedIdsSql("generation_jobs", false, true)},
      {"list_trashed_adapters", kListTrashedAdapters},
      {"list_audit", AuditPageSql(AuditQuery{})},
      {"get_audio", SourceFor(kGetAudioTemplate, Visibility::kLive)},
      {"list_datasets", kListDatasets},
      {"list_trashed_datasets", kListTrashedDatasets},
      {"dataset_members", kListDatasetMembers},
      {"datasets_affected_by_feedback", kDatasetsAffectedByFeedback},
      {"datasets_affected_by_jobs", kDatasetsAffectedByJobs},
      {"metrics_counters", kSelectMetricsCounters},
      {"feedback_by_adapter", kListFeedbackByAdapter},
  };
  auto it = kQueries.find(name);
  if (it == kQueries.end()) return Status::NotFound("no query named " + name);
  lines->clear();
  return With("EXPLAIN QUERY PLAN " + it->second, [&](Query& q) {
    while (q.Step()) lines->push_back(TextColumn(q.stmt(), 3));
    return q.status();
  });
}

}  // namespace

std::unique_ptr<Store> OpenSqliteStore(const SqliteStoreOptions& options, Status* status) {
  // SQLite's memory statistics take a global mutex on every allocation,
  // which the request threads then contend on. Must precede initialization.
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  auto store = std::make_unique<SqliteStore>(options);
  Connection* conn;
  *status = store->Conn(&conn);
  if (status->ok() && options.apply_migrations) {
    int applied;
    *status = ApplyMigrations(conn, &applied);
  }
  if (!status->ok()) return nullptr;
  store->StartCheckpointer(std::chrono::milliseconds(options.checkpoint_interval_ms));
  return store;
}

Status MigrateSqliteDatabase(const std::string& path, int* applied) {
  Connection conn;
  STUDIO_RETURN_IF_ERROR(conn.Open(path, 10000));
  return ApplyMigrations(&conn, applied);
}

Status ExplainSqliteQuery(Store* store, const std::string& query_name,
                          std::vector<std::string>* plan_lines) {
  auto* sqlite = dynamic_cast<SqliteStore*>(store);
  if (!sqlite) return Status::InvalidArgument("not a SQLite store");
  return sqlite->ExplainQuery(query_name, plan_lines);
}

}  // namespace studio
