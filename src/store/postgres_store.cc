#include "store/postgres_store.h"

#include <libpq-fe.h>
#include <poll.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <vector>

#include "store/migrations.h"
#include "store/row_codec.h"
#include "util/mutex.h"
#include "util/uuid.h"

namespace studio {

namespace {

using json = nlohmann::json;
using namespace store_internal;

// ---------------------------------------------------------------------------
// Statements. As in sqlite_store.cc: default reads name the live_* views,
// reads with Visibility::kIncludeDeleted the base tables. Times travel as
// bigint microseconds and are converted by the schema's micros_to_ts /
// ts_to_micros, exactly.

// Job rows carry what a list item shows, in one statement: no per-row
// queries. audio_ids is one range of audio_samples' primary key.
constexpr const char* kJobColumns = R"(
  j.id, j.prompt_id, j.adapter_id, j.status, j.progress, j.num_samples, j.error,
  j.seed, j.temperature, j.top_k, j.top_p, j.duration, ts_to_micros(j.created_at),
  ts_to_micros(j.completed_at), ts_to_micros(j.deleted_at),
  CASE WHEN length(p.text) > 100 THEN substr(p.text, 1, 100) || '...' ELSE p.text END,
  a.name, a.deleted_at IS NOT NULL,
  (SELECT string_agg(s.id::text, ',' ORDER BY s.sample_index)
     FROM audio_samples s WHERE s.job_id = j.id))";

const std::string kJobSelectTemplate = std::string("SELECT ") + kJobColumns +
                                       " FROM {jobs} j JOIN prompts p ON p.id = j.prompt_id"
                                       " LEFT JOIN adapters a ON a.id = j.adapter_id";

std::string JobSelect(Visibility v) { return SourceFor(kJobSelectTemplate, v); }

constexpr const char* kAdapterColumns =
    "id, name, description, base_model, storage_path, config, is_active, status, "
    "current_version, ts_to_micros(created_at), ts_to_micros(updated_at), ts_to_micros(deleted_at)";

constexpr const char* kAudioColumns =
    "a.id, a.job_id, a.prompt_id, a.adapter_id, a.sample_index, a.storage_path, "
    "a.duration_seconds, a.sample_rate, ts_to_micros(a.created_at), j.seed, j.temperature, "
    "j.top_k, j.top_p, j.duration";

constexpr const char* kFeedbackColumns =
    "f.id, f.audio_id, f.rating, f.rating_criterion, f.preferred_over, f.tags, f.notes, "
    "ts_to_micros(f.created_at)";

// The queue's claim: oldest queued job, or a processing one whose lease ran
// out. SKIP LOCKED: a candidate another worker is claiming right now is
// passed over instead of waited for, so workers in any number of processes
// never claim the same job and never block each other. A candidate claimed
// and committed meanwhile is re-checked after locking (READ COMMITTED) and
// dropped because it no longer matches. Served by the jobs_queue index.
constexpr const char* kClaimSql = R"(
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
constexpr const char* kRequeueSql =
    "UPDATE generation_jobs SET status = 'queued', claimed_by = NULL, lease_expires_at = NULL "
    "WHERE status = 'processing' AND deleted_at IS NULL";

// Feedback on one job's samples (by audio_id or preferred_over). The sample
// ids are collected first (= ANY of an array) so that each side of the OR is
// an index lookup; "IN (subquery) OR IN (subquery)" would scan feedback.
constexpr const char* kFeedbackTouchingJob = R"(
  FROM feedback
  WHERE audio_id = ANY (ARRAY(SELECT id FROM audio_samples WHERE job_id = $1))
     OR preferred_over = ANY (ARRAY(SELECT id FROM audio_samples WHERE job_id = $1)))";

// Ids reach the database only in canonical form (what NewUuid makes). Any
// other text names no row, exactly as on SQLite where ids are plain text;
// checking here keeps a malformed id from raising an error that would abort
// the caller's transaction.
bool IsId(const std::string& id) { return IsUuid(id) && CanonicalUuid(id) == id; }

// ---------------------------------------------------------------------------
// Parameters, all sent as text; the statement's casts or context type them.

class Params {
 public:
  Params() = default;
  Params(std::initializer_list<std::string> values) {
    for (const auto& v : values) Add(v);
  }
  Params& Add(const std::string& v) {
    values_.push_back(v);
    null_.push_back(false);
    return *this;
  }
  Params& Add(const char* v) { return Add(std::string(v)); }
  Params& Add(int64_t v) { return Add(std::to_string(v)); }
  Params& Add(int v) { return Add(std::to_string(v)); }
  Params& Add(double v) {
    // Shortest text that reads back as the same double.
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof(buf), v);
    return Add(std::string(buf, res.ptr));
  }
  Params& Add(bool v) { return Add(std::string(v ? "true" : "false")); }
  Params& AddNull() {
    values_.emplace_back();
    null_.push_back(true);
    return *this;
  }
  template <typename T>
  Params& Add(const std::optional<T>& v) { return v ? Add(*v) : AddNull(); }
  Params& AddTime(Micros t) { return Add(static_cast<int64_t>(t)); }
  Params& AddTime(const std::optional<Micros>& t) { return t ? AddTime(*t) : AddNull(); }
  int size() const { return static_cast<int>(values_.size()); }

  std::vector<const char*> Pointers() const {
    std::vector<const char*> out(values_.size());
    for (size_t i = 0; i < values_.size(); ++i) out[i] = null_[i] ? nullptr : values_[i].c_str();
    return out;
  }

 private:
  std::vector<std::string> values_;
  std::vector<bool> null_;
};

// A result, cleared on scope exit. Rows are read by (row, column), text format.
class Result {
 public:
  Result() = default;
  explicit Result(PGresult* r) : r_(r) {}
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result& operator=(Result&& o) noexcept {
    std::swap(r_, o.r_);
    return *this;
  }
  ~Result() {
    if (r_) PQclear(r_);
  }

  PGresult* get() const { return r_; }
  int rows() const { return r_ ? PQntuples(r_) : 0; }
  bool IsNull(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  std::string Text(int row, int col) const {
    return std::string(PQgetvalue(r_, row, col), PQgetlength(r_, row, col));
  }
  int64_t Int(int row, int col) const { return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10); }
  double Double(int row, int col) const { return std::strtod(PQgetvalue(r_, row, col), nullptr); }
  bool Bool(int row, int col) const { return PQgetvalue(r_, row, col)[0] == 't'; }
  std::optional<Micros> Time(int row, int col) const {
    if (IsNull(row, col)) return std::nullopt;
    return Int(row, col);
  }
  // Rows changed by an INSERT/UPDATE/DELETE.
  int64_t Affected() const { return std::strtoll(PQcmdTuples(r_), nullptr, 10); }

 private:
  PGresult* r_ = nullptr;
};

// One row of a Result, as store/row_codec.h decodes it.
struct PgRow {
  const Result& r;
  int row;
  bool IsNull(int col) const { return r.IsNull(row, col); }
  std::string Text(int col) const { return IsNull(col) ? std::string() : r.Text(row, col); }
  int64_t Int(int col) const { return r.Int(row, col); }
  double Double(int col) const { return r.Double(row, col); }
  bool Bool(int col) const { return r.Bool(row, col); }
  std::optional<Micros> Time(int col) const { return r.Time(row, col); }
};

// ---------------------------------------------------------------------------
// Connections.

struct PgConnection {
  PgConnection() = default;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection() {
    if (conn) PQfinish(conn);
  }

  PGconn* conn = nullptr;
  std::unordered_map<std::string, std::string> prepared;  // SQL text -> statement name
  bool broken = false;  // lost: never reused, dropped when given back
};

std::string Trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Maps a failed command to a Status; a lost connection is marked broken.
Status Classify(PgConnection* c, const PGresult* r) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string msg = primary ? primary : Trimmed(PQerrorMessage(c->conn));
  const std::string code = state ? state : "";
  // No SQLSTATE: libpq itself failed (connection closed, out of memory).
  // Class 08: connection exception; 57P01..03: the server is shutting down
  // or terminated this backend.
  if (code.empty() || PQstatus(c->conn) == CONNECTION_BAD || code.compare(0, 2, "08") == 0 ||
      code == "57P01" || code == "57P02" || code == "57P03") {
    c->broken = true;
    return Status::Unavailable("database unavailable: " + msg);
  }
  if (code == "23505") return Status::Conflict(msg);
  // A malformed value for a uuid parameter names no row.
  if (code == "22P02") return Status::NotFound(msg);
  // Serialization failure, deadlock, lock timeout, cancelled statement, out
  // of connections: busy for now; the caller may retry.
  if (code == "40001" || code == "40P01" || code == "55P03" || code == "57014" ||
      code.compare(0, 2, "53") == 0) {
    return Status::Unavailable("database busy: " + msg);
  }
  return Status::IOError("postgresql: " + msg);
}

// A constant command without values (BEGIN, COMMIT, ROLLBACK, migration
// scripts): the simple protocol, which also runs several statements at once.
Status ExecSimple(PgConnection* c, const char* sql, std::string* command_tag = nullptr) {
  if (c->broken) return Status::Unavailable("database unavailable: connection lost");
  Result r(PQexec(c->conn, sql));
  ExecStatusType st = r.get() ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Classify(c, r.get());
  if (command_tag) *command_tag = PQcmdStatus(r.get());
  return Status::Ok();
}

// Runs `sql` with `params`, preparing it on this connection on first use.
Status Exec(PgConnection* c, const std::string& sql, const Params& params, Result* out) {
  if (c->broken) return Status::Unavailable("database unavailable: connection lost");
  auto it = c->prepared.find(sql);
  if (it == c->prepared.end()) {
    std::string name = "studio_" + std::to_string(c->prepared.size());
    Result r(PQprepare(c->conn, name.c_str(), sql.c_str(), 0, nullptr));
    if (!r.get() || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      Status s = Classify(c, r.get());
      if (s.code() == Status::Code::kIOError) return Status::Internal(s.message() + " in: " + sql);
      return s;
    }
    it = c->prepared.emplace(sql, std::move(name)).first;
  }
  std::vector<const char*> values = params.Pointers();
  Result r(PQexecPrepared(c->conn, it->second.c_str(), params.size(), values.data(), nullptr,
                          nullptr, /*resultFormat=*/0));
  ExecStatusType st = r.get() ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Classify(c, r.get());
  *out = std::move(r);
  return Status::Ok();
}

void IgnoreNotice(void*, const char*) {}

// Opens a connection; Unavailable when the server cannot be reached in time.
Status Connect(const std::string& url, int connect_timeout_s, std::unique_ptr<PgConnection>* out) {
  const std::string timeout = std::to_string(connect_timeout_s);
  // The URL first: later keywords override what it says. Keepalives and a
  // TCP user timeout turn a silently vanished server into an error rather
  // than a call that waits forever.
  const char* keys[] = {"dbname", "connect_timeout", "keepalives", "keepalives_idle",
                        "keepalives_interval", "keepalives_count", "tcp_user_timeout",
                        "application_name", nullptr};
  const char* values[] = {url.c_str(), timeout.c_str(), "1", "10", "5", "3", "15000", "studio",
                          nullptr};
  auto c = std::make_unique<PgConnection>();
  c->conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!c->conn) return Status::Unavailable("database unavailable: out of memory");
  if (PQstatus(c->conn) != CONNECTION_OK) {
    return Status::Unavailable("database unavailable: " + Trimmed(PQerrorMessage(c->conn)));
  }
  PQsetNoticeProcessor(c->conn, IgnoreNotice, nullptr);
  *out = std::move(c);
  return Status::Ok();
}

// True when an idle pooled connection can take a command. A server restart
// or pg_terminate_backend leaves an idle connection with an error message
// and EOF waiting on its socket; such a connection is dropped before use, so
// the call gets a fresh one instead of failing.
bool IdleConnectionUsable(PgConnection* c) {
  if (c->broken || PQstatus(c->conn) != CONNECTION_OK ||
      PQtransactionStatus(c->conn) != PQTRANS_IDLE) {
    return false;
  }
  pollfd p{PQsocket(c->conn), POLLIN, 0};
  if (p.fd < 0) return false;
  // Nothing is ever expected on an idle connection (no LISTEN here).
  return poll(&p, 1, 0) == 0;
}

// At most `size` connections, opened on demand and reused most recent first.
class Pool {
 public:
  Pool(const PostgresStoreOptions& o)
      : url_(o.url), size_(o.pool_size > 0 ? o.pool_size : 1),
        acquire_timeout_(o.acquire_timeout_ms), connect_timeout_s_(o.connect_timeout_s) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  Status Acquire(std::unique_ptr<PgConnection>* out) LOCKS_EXCLUDED(mu_) {
    const auto deadline = std::chrono::steady_clock::now() + acquire_timeout_;
    {
      MutexLock lock(&mu_);
      bool reserved = false;
      Status s = TakeIdleOrReserve(deadline, out, &reserved);
      if (!s.ok() || !reserved) return s;
    }
    // A place is reserved (counted in open_): connect without the lock.
    Status s = Connect(url_, connect_timeout_s_, out);
    if (!s.ok()) {
      MutexLock lock(&mu_);
      --open_;
      cv_.Signal();
    }
    return s;
  }

  // Takes back a connection; a lost one, or one left inside a transaction,
  // is closed and its place freed.
  void Release(std::unique_ptr<PgConnection> c) {
    bool reusable = !c->broken && PQstatus(c->conn) == CONNECTION_OK &&
                    PQtransactionStatus(c->conn) == PQTRANS_IDLE;
    MutexLock lock(&mu_);
    if (reusable) {
      idle_.push_back(std::move(c));
    } else {
      --open_;
    }
    cv_.Signal();
  }

 private:
  // Hands out a usable idle connection (ok, *reserved false), or counts a
  // new one the caller must open (ok, *reserved true), waiting for either
  // until `deadline`; Unavailable when none came.
  Status TakeIdleOrReserve(std::chrono::steady_clock::time_point deadline,
                           std::unique_ptr<PgConnection>* out, bool* reserved)
      EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (;;) {
      while (!idle_.empty()) {
        std::unique_ptr<PgConnection> c = std::move(idle_.back());
        idle_.pop_back();
        if (IdleConnectionUsable(c.get())) {
          *out = std::move(c);
          return Status::Ok();
        }
        --open_;  // dropped; closed when c goes out of scope
      }
      if (open_ < size_) {
        ++open_;
        *reserved = true;
        return Status::Ok();
      }
      if (!cv_.WaitUntil(&mu_, deadline) && idle_.empty() && open_ >= size_) {
        return Status::Unavailable("database busy: all " + std::to_string(size_) +
                                   " connections in use for " +
                                   std::to_string(acquire_timeout_.count()) + " ms");
      }
    }
  }

  const std::string url_;
  const int size_;
  const std::chrono::milliseconds acquire_timeout_;
  const int connect_timeout_s_;
  Mutex mu_;
  CondVar cv_;
  std::vector<std::unique_ptr<PgConnection>> idle_ GUARDED_BY(mu_);
  int open_ GUARDED_BY(mu_) = 0;  // connections in idle_ or lent out (or being opened)
};

// Same key in every process: one migration runs at a time per database.
constexpr int64_t kMigrationLockKey = 0x53747564696f;  // "Studio"

Status ApplyMigrations(PgConnection* c, int* applied) {
  *applied = 0;
  for (const Migration& m : postgresqlMigrations()) {
    // The lock first, then the check: two processes migrating at once apply
    // each migration exactly once; the second waits, then finds it recorded.
    STUDIO_RETURN_IF_ERROR(ExecSimple(c, "BEGIN"));
    Result r;
    Status s = Exec(c, "SELECT pg_advisory_xact_lock($1::bigint)", Params().Add(kMigrationLockKey), &r);
    if (s.ok()) {
      s = ExecSimple(c,
                     "CREATE TABLE IF NOT EXISTS schema_migrations ("
                     " version integer PRIMARY KEY, name text NOT NULL,"
                     " applied_at timestamptz NOT NULL DEFAULT now())");
    }
    if (s.ok()) s = Exec(c, "SELECT 1 FROM schema_migrations WHERE version = $1", Params().Add(m.version), &r);
    if (s.ok() && r.rows() == 0) {
      s = ExecSimple(c, m.sql);
      if (s.ok()) {
        s = Exec(c, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                 Params().Add(m.version).Add(m.name), &r);
      }
      if (s.ok()) ++*applied;
    }
    if (!s.ok()) {
      if (!c->broken) ExecSimple(c, "ROLLBACK");
      if (s.code() == Status::Code::kUnavailable) return s;
      return Status::IOError("migration " + std::string(m.name) + " failed: " + s.message());
    }
    STUDIO_RETURN_IF_ERROR(ExecSimple(c, "COMMIT"));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------

std::atomic<uint64_t> g_next_store_id{1};

// The connection InTransaction pinned to this thread, per store. Keyed by a
// never-reused id, not the pointer: a later store at the same address must
// not find this one's connection.
std::unordered_map<uint64_t, PgConnection*>& PinnedConnections() {
  thread_local std::unordered_map<uint64_t, PgConnection*> pinned;
  return pinned;
}

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(PostgresStoreOptions options)
      : options_(std::move(options)), store_id_(g_next_store_id++), pool_(options_) {}

  // A connection for one call: the thread's pinned transaction connection,
  // or one borrowed from the pool and given back when the lease ends.
  class Lease {
   public:
    Lease() = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (owned_) pool_->Release(std::move(owned_));
    }
    PgConnection* conn() const { return conn_; }

   private:
    friend class PostgresStore;
    Pool* pool_ = nullptr;
    std::unique_ptr<PgConnection> owned_;
    PgConnection* conn_ = nullptr;
  };

  Status Borrow(Lease* lease) {
    auto& pinned = PinnedConnections();
    auto it = pinned.find(store_id_);
    if (it != pinned.end()) {
      lease->conn_ = it->second;
      return Status::Ok();
    }
    lease->pool_ = &pool_;
    STUDIO_RETURN_IF_ERROR(pool_.Acquire(&lease->owned_));
    lease->conn_ = lease->owned_.get();
    return Status::Ok();
  }

  // Runs sql with params and hands the result to fn(const Result&).
  template <typename Fn>
  Status With(const std::string& sql, const Params& params, Fn&& fn) {
    Lease lease;
    STUDIO_RETURN_IF_ERROR(Borrow(&lease));
    Result r;
    STUDIO_RETURN_IF_ERROR(Exec(lease.conn(), sql, params, &r));
    return fn(r);
  }

  Status Run(const std::string& sql, const Params& params, int64_t* affected = nullptr) {
    return With(sql, params, [&](const Result& r) {
      if (affected) *affected = r.Affected();
      return Status::Ok();
    });
  }

  Status ScalarInt(const std::string& sql, const Params& params, int64_t* out) {
    return With(sql, params, [&](const Result& r) {
      *out = r.rows() > 0 && !r.IsNull(0, 0) ? r.Int(0, 0) : 0;
      return Status::Ok();
    });
  }

  Status ExplainQuery(const std::string& name, std::vector<std::string>* lines);

  Status InTransaction(const std::function<Status()>& body) override {
    auto& pinned = PinnedConnections();
    if (pinned.count(store_id_)) return body();  // joins the thread's transaction
    std::unique_ptr<PgConnection> c;
    STUDIO_RETURN_IF_ERROR(pool_.Acquire(&c));
    Status s = ExecSimple(c.get(), "BEGIN ISOLATION LEVEL READ COMMITTED");
    if (!s.ok()) {
      pool_.Release(std::move(c));
      return s;
    }
    pinned[store_id_] = c.get();
    s = body();
    pinned.erase(store_id_);
    if (s.ok()) {
      std::string tag;
      s = ExecSimple(c.get(), "COMMIT", &tag);
      // A transaction in which a statement failed ends in ROLLBACK even when
      // COMMIT is asked for: the body ignored an error, and nothing was kept.
      if (s.ok() && tag != "COMMIT") {
        s = Status::IOError("postgresql: transaction rolled back after an earlier error");
      }
    } else if (!c->broken) {
      if (!ExecSimple(c.get(), "ROLLBACK").ok()) c->broken = true;
    }
    pool_.Release(std::move(c));
    return s;
  }

  Status Ping() override {
    int64_t one = 0;
    return ScalarInt("SELECT 1", {}, &one);
  }

  // ---- prompts ----
  Status InsertPrompt(const Prompt& p) override {
    return Run("INSERT INTO prompts (id, text, attributes, created_at) "
               "VALUES ($1, $2, $3, micros_to_ts($4::bigint))",
               Params().Add(p.id).Add(p.text).Add(PromptAttributesJson(p.attributes)).AddTime(p.created_at));
  }

  Status GetPrompt(const std::string& id, Prompt* out) override {
    if (!IsId(id)) return Status::NotFound(store_kind::kPrompt);
    return With("SELECT id, text, attributes, ts_to_micros(created_at) FROM prompts WHERE id = $1",
                {id}, [&](const Result& r) {
                  if (r.rows() == 0) return Status::NotFound(store_kind::kPrompt);
                  ReadPrompt(PgRow{r, 0}, out);
                  return Status::Ok();
                });
  }

  Status ListPrompts(int64_t offset, int limit, std::vector<Prompt>* out, int64_t* total) override {
    out->clear();
    STUDIO_RETURN_IF_ERROR(CountPrompts(total));
    return With("SELECT id, text, attributes, ts_to_micros(created_at) FROM prompts "
                "ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2",
                Params().Add(limit).Add(offset), [&](const Result& r) {
                  for (int i = 0; i < r.rows(); ++i) ReadPrompt(PgRow{r, i}, &out->emplace_back());
                  return Status::Ok();
                });
  }

  Status CountPrompts(int64_t* total) override {
    return ScalarInt("SELECT COUNT(*) FROM prompts", {}, total);
  }

  // ---- adapters ----
  Status InsertAdapter(const Adapter& a) override {
    Params p;
    AddAdapter(p, a);
    return NameConflictAware(Run(
        "INSERT INTO adapters (id, name, description, base_model, storage_path, config, is_active, "
        "status, current_version, created_at, updated_at, deleted_at) VALUES ($1, $2, $3, $4, $5, "
        "$6, $7, $8, $9, micros_to_ts($10::bigint), micros_to_ts($11::bigint), "
        "micros_to_ts($12::bigint))",
        p));
  }

  Status GetAdapter(const std::string& id, Visibility v, Adapter* out) override {
    static const VisibilitySql kSql(std::string("SELECT ") + kAdapterColumns + " FROM {adapters} WHERE id = $1");
    if (!IsId(id)) return Status::NotFound(store_kind::kAdapter);
    return With(kSql.For(v), {id}, [&](const Result& r) {
      if (r.rows() == 0) return Status::NotFound(store_kind::kAdapter);
      ReadAdapter(PgRow{r, 0}, out);
      return Status::Ok();
    });
  }

  Status ListAdapters(const AdapterQuery& aq, std::vector<Adapter>* out, int64_t* total) override {
    out->clear();
    std::string where = " WHERE true";
    Params p;
    if (aq.active_only) where += " AND is_active";
    if (aq.status) {
      p.Add(AdapterStatusName(*aq.status));
      where += " AND status = $" + std::to_string(p.size());
    }
    STUDIO_RETURN_IF_ERROR(ScalarInt(SourceFor("SELECT COUNT(*) FROM {adapters}" + where, aq.visibility), p, total));
    const std::string page = " LIMIT $" + std::to_string(p.size() + 1) + " OFFSET $" + std::to_string(p.size() + 2);
    p.Add(aq.limit).Add(aq.skip);
    return With(SourceFor(std::string("SELECT ") + kAdapterColumns + " FROM {adapters}" + where +
                              " ORDER BY created_at DESC, id DESC" + page,
                          aq.visibility),
                p, [&](const Result& r) {
                  for (int i = 0; i < r.rows(); ++i) ReadAdapter(PgRow{r, i}, &out->emplace_back());
                  return Status::Ok();
                });
  }

  Status UpdateAdapter(const Adapter& a) override {
    if (!IsId(a.id)) return Status::NotFound(store_kind::kAdapter);
    int64_t changed = 0;
    STUDIO_RETURN_IF_ERROR(NameConflictAware(Run(
        "UPDATE adapters SET name = $1, description = $2, base_model = $3, storage_path = $4, "
        "config = $5, is_active = $6, status = $7, current_version = $8, "
        "updated_at = micros_to_ts($9::bigint) WHERE id = $10 AND deleted_at IS NULL",
        Params().Add(a.name).Add(a.description).Add(a.base_model).Add(a.storage_path)
            .Add(a.config_json).Add(a.is_active).Add(AdapterStatusName(a.status))
            .Add(a.current_version).AddTime(a.updated_at).Add(a.id),
        &changed)));
    return changed == 1 ? Status::Ok() : Status::NotFound(store_kind::kAdapter);
  }

  Status MarkAdapterDeleted(const std::string& id, Micros now) override {
    if (!IsId(id)) return Status::NotFound(store_kind::kAdapter);
    int64_t changed = 0;
    STUDIO_RETURN_IF_ERROR(Run("UPDATE adapters SET deleted_at = micros_to_ts($1::bigint), "
                               "updated_at = micros_to_ts($1::bigint), is_active = false "
                               "WHERE id = $2 AND deleted_at IS NULL",
                               Params().AddTime(now).Add(id), &changed));
    return changed == 1 ? Status::Ok() : Status::NotFound(store_kind::kAdapter);
  }

  Status GetAdapterStats(AdapterStats* out) override {
    return With("SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'active'), "
                "COUNT(*) FILTER (WHERE status = 'archived') FROM live_adapters",
                {}, [&](const Result& r) {
                  if (r.rows() > 0) {
                    out->total = r.Int(0, 0);
                    out->active = r.Int(0, 1);
                    out->archived = r.Int(0, 2);
                  }
                  return Status::Ok();
                });
  }

  Status CountJobsUsingAdapter(const std::string& adapter_id, int64_t* count) override {
    *count = 0;
    if (!IsId(adapter_id)) return Status::Ok();
    return ScalarInt("SELECT COUNT(*) FROM live_jobs WHERE adapter_id = $1", {adapter_id}, count);
  }

  // ---- jobs ----
  Status InsertJob(const Job& j) override {
    return Run("INSERT INTO generation_jobs (id, prompt_id, adapter_id, status, progress, "
               "num_samples, error, seed, temperature, top_k, top_p, duration, created_at, "
               "completed_at, deleted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
               "$12, micros_to_ts($13::bigint), micros_to_ts($14::bigint), micros_to_ts($15::bigint))",
               Params().Add(j.id).Add(j.prompt_id).Add(j.adapter_id).Add(JobStatusName(j.status))
                   .Add(j.progress).Add(j.num_samples).Add(j.error).Add(j.params.seed)
                   .Add(j.params.temperature).Add(j.params.top_k).Add(j.params.top_p)
                   .Add(j.params.duration).AddTime(j.created_at).AddTime(j.completed_at)
                   .AddTime(j.deleted_at));
  }

  Status GetJob(const std::string& id, Visibility v, Job* out) override {
    static const VisibilitySql kSql(kJobSelectTemplate + " WHERE j.id = $1");
    if (!IsId(id)) return Status::NotFound(store_kind::kJob);
    return With(kSql.For(v), {id}, [&](const Result& r) {
      if (r.rows() == 0) return Status::NotFound(store_kind::kJob);
      ReadJob(PgRow{r, 0}, out);
      return Status::Ok();
    });
  }

  Status ListJobs(const JobQuery& jq, std::vector<Job>* out, int64_t* total) override {
    out->clear();
    *total = 0;
    // A malformed adapter id matches no job (as on SQLite, where ids are text).
    if (jq.adapter_id && !IsId(*jq.adapter_id)) return Status::Ok();
    std::string where = " WHERE true";
    Params p;
    auto add = [&](const char* cond, auto value) {
      p.Add(value);
      where += std::string(" AND ") + cond + std::to_string(p.size());
    };
    if (jq.status) add("j.status = $", JobStatusName(*jq.status));
    if (jq.adapter_id) add("j.adapter_id = $", *jq.adapter_id);
    if (jq.start_date) {
      p.AddTime(*jq.start_date);
      where += " AND j.created_at >= micros_to_ts($" + std::to_string(p.size()) + "::bigint)";
    }
    if (jq.end_date) {
      p.AddTime(*jq.end_date);
      where += " AND j.created_at <= micros_to_ts($" + std::to_string(p.size()) + "::bigint)";
    }
    const bool counters_suffice = jq.visibility == Visibility::kLive && !jq.adapter_id &&
                                  !jq.start_date && !jq.end_date;
    if (counters_suffice) {
      // Maintained by triggers: the total costs the same at any table size.
      // "WHERE id = 1" (the only row) makes it a primary-key lookup: every
      // job insert or status change leaves a dead version of the row, and
      // after many in one transaction (or while a long one holds back
      // vacuum) the table spans hundreds of pages, which a scan would read
      // on every request (2 ms at 452 pages after seeding 100k jobs).
      STUDIO_RETURN_IF_ERROR(ScalarInt(
          jq.status ? "SELECT CASE $1::text WHEN 'queued' THEN queued WHEN 'processing' THEN processing "
                      "WHEN 'completed' THEN completed WHEN 'failed' THEN failed "
                      "WHEN 'cancelled' THEN cancelled END FROM job_counters WHERE id = 1"
                    : "SELECT queued + processing + completed + failed + cancelled FROM job_counters WHERE id = 1",
          jq.status ? Params{JobStatusName(*jq.status)} : Params{}, total));
    } else {
      STUDIO_RETURN_IF_ERROR(ScalarInt(SourceFor("SELECT COUNT(*) FROM {jobs} j" + where, jq.visibility), p, total));
    }
    const std::string page = " LIMIT $" + std::to_string(p.size() + 1) + " OFFSET $" + std::to_string(p.size() + 2);
    p.Add(jq.limit).Add(jq.offset);
    return With(JobSelect(jq.visibility) + where + " ORDER BY j.created_at DESC, j.id DESC" + page, p,
                [&](const Result& r) {
                  for (int i = 0; i < r.rows(); ++i) ReadJob(PgRow{r, i}, &out->emplace_back());
                  return Status::Ok();
                });
  }

  Status GetJobStats(Micros day_start, JobStats* out) override {
    *out = JobStats{};
    return With("SELECT queued, processing, completed, failed, cancelled, processing_ms, "
                "(SELECT COALESCE(SUM(live_count), 0) FROM job_day_counters "
                "  WHERE day = (micros_to_ts($1::bigint) AT TIME ZONE 'UTC')::date) "
                "FROM job_counters WHERE id = 1",  // a key lookup (see ListJobs)
                Params().AddTime(day_start), [&](const Result& r) {
                  if (r.rows() == 0) return Status::Ok();
                  out->queued = r.Int(0, 0);
                  out->processing = r.Int(0, 1);
                  out->completed = r.Int(0, 2);
                  out->failed = r.Int(0, 3);
                  out->cancelled = r.Int(0, 4);
                  if (out->completed > 0) out->avg_processing_seconds = r.Int(0, 5) / 1000.0 / out->completed;
                  out->jobs_today = r.Int(0, 6);
                  return Status::Ok();
                });
  }

  Status MarkJobCancelled(const std::string& id, Micros now, bool* changed) override {
    *changed = false;
    if (!IsId(id)) return Status::Ok();
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(Run("UPDATE generation_jobs SET status = 'cancelled', "
                               "completed_at = micros_to_ts($1::bigint), claimed_by = NULL, "
                               "lease_expires_at = NULL "
                               "WHERE id = $2 AND status IN ('queued', 'processing')",
                               Params().AddTime(now).Add(id), &n));
    *changed = n == 1;
    return Status::Ok();
  }

  Status MarkJobDeleted(const std::string& id, Micros now) override {
    if (!IsId(id)) return Status::NotFound(store_kind::kJob);
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(Run("UPDATE generation_jobs SET deleted_at = micros_to_ts($1::bigint) "
                               "WHERE id = $2 AND deleted_at IS NULL",
                               Params().AddTime(now).Add(id), &n));
    return n == 1 ? Status::Ok() : Status::NotFound(store_kind::kJob);
  }

  Status LockLiveJob(const std::string& id, RowLock mode) override {
    if (!IsId(id)) return Status::NotFound(store_kind::kJob);
    // Why this orders a job delete against a feedback insert (lifecycle.cc):
    // DeleteJob locks the row FOR UPDATE before anything else, AddFeedback
    // locks the sample's job FOR SHARE before inserting. The two modes
    // conflict, so one transaction waits for the other to end:
    //  - the insert first: the delete waits until the feedback is committed,
    //    then its cascade (DeleteFeedbackTouchingJob, a new statement with a
    //    new READ COMMITTED snapshot) sees and deletes the new record;
    //  - the delete first: the insert waits; when the delete commits,
    //    PostgreSQL re-checks this WHERE against the row's newest version
    //    (READ COMMITTED), deleted_at is no longer NULL, no row comes back,
    //    and the insert fails with NotFound instead of pointing at a
    //    deleted job's sample.
    // FOR SHARE holders do not block each other, so feedback inserts stay
    // parallel. Both locks last until the transaction ends.
    static const std::string kShareSql =
        "SELECT 1 FROM generation_jobs WHERE id = $1 AND deleted_at IS NULL FOR SHARE";
    static const std::string kExclusiveSql =
        "SELECT 1 FROM generation_jobs WHERE id = $1 AND deleted_at IS NULL FOR UPDATE";
    return With(mode == RowLock::kShare ? kShareSql : kExclusiveSql, {id}, [&](const Result& r) {
      return r.rows() == 1 ? Status::Ok() : Status::NotFound(store_kind::kJob);
    });
  }

  // Held until the transaction ends; a concurrent update of the same
  // adapter waits here and then reads what this one wrote.
  Status LockLiveAdapter(const std::string& id) override {
    if (!IsId(id)) return Status::NotFound(store_kind::kAdapter);
    return With("SELECT 1 FROM adapters WHERE id = $1 AND deleted_at IS NULL FOR UPDATE", {id},
                [&](const Result& r) {
                  return r.rows() == 1 ? Status::Ok() : Status::NotFound(store_kind::kAdapter);
                });
  }

  // ---- queue ----
  Status ClaimNextJob(const std::string& worker_id, Micros now, Micros lease_until, Job* out) override {
    std::optional<std::string> claimed;
    STUDIO_RETURN_IF_ERROR(With(kClaimSql, Params().Add(worker_id).AddTime(now).AddTime(lease_until),
                                [&](const Result& r) {
                                  if (r.rows() > 0) claimed = r.Text(0, 0);
                                  return Status::Ok();
                                }));
    if (!claimed) return Status::NotFound("no queued job");
    return GetJob(*claimed, Visibility::kIncludeDeleted, out);
  }

  // ReportProgress and FinishJob are single guarded UPDATEs: under READ
  // COMMITTED an UPDATE that waited on the row's lock re-checks its WHERE
  // against the newest version, so a cancel or delete that committed
  // meanwhile makes it change nothing (Cancelled).
  Status ReportProgress(const std::string& job_id, const std::string& worker_id, double progress,
                        Micros lease_until) override {
    if (!IsId(job_id)) return Status::Cancelled("job no longer ours");
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(Run("UPDATE generation_jobs SET progress = $1, "
                               "lease_expires_at = micros_to_ts($2::bigint) WHERE id = $3 "
                               "AND claimed_by = $4 AND status = 'processing' AND deleted_at IS NULL",
                               Params().Add(progress).AddTime(lease_until).Add(job_id).Add(worker_id), &n));
    return n == 1 ? Status::Ok() : Status::Cancelled("job no longer ours");
  }

  Status FinishJob(const std::string& job_id, const std::string& worker_id, JobStatus final_status,
                   const std::optional<std::string>& error, Micros now) override {
    if (!IsId(job_id)) return Status::Cancelled("job no longer ours");
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(Run("UPDATE generation_jobs SET status = $1::text, error = $2, "
                               "completed_at = micros_to_ts($3::bigint), "
                               "progress = CASE WHEN $1::text = 'completed' THEN 1.0 ELSE progress END, "
                               "claimed_by = NULL, lease_expires_at = NULL "
                               "WHERE id = $4 AND claimed_by = $5 AND status = 'processing' "
                               "AND deleted_at IS NULL",
                               Params().Add(JobStatusName(final_status)).Add(error).AddTime(now)
                                   .Add(job_id).Add(worker_id),
                               &n));
    return n == 1 ? Status::Ok() : Status::Cancelled("job no longer ours");
  }

  Status ReleaseJob(const std::string& job_id, const std::string& worker_id) override {
    if (!IsId(job_id)) return Status::Cancelled("job no longer ours");
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(Run("UPDATE generation_jobs SET status = 'queued', claimed_by = NULL, "
                               "lease_expires_at = NULL WHERE id = $1 AND claimed_by = $2 "
                               "AND status = 'processing' AND deleted_at IS NULL",
                               Params().Add(job_id).Add(worker_id), &n));
    return n == 1 ? Status::Ok() : Status::Cancelled("job no longer ours");
  }

  Status RequeueAllProcessing(int64_t* requeued) override {
    return Run(kRequeueSql, {}, requeued);
  }

  // ---- audio ----
  Status InsertAudioSample(const AudioSample& s) override {
    return Run("INSERT INTO audio_samples (id, job_id, prompt_id, adapter_id, sample_index, "
               "storage_path, duration_seconds, sample_rate, created_at) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, micros_to_ts($9::bigint))",
               Params().Add(s.id).Add(s.job_id).Add(s.prompt_id).Add(s.adapter_id).Add(s.sample_index)
                   .Add(s.storage_path).Add(s.duration_seconds).Add(s.sample_rate).AddTime(s.created_at));
  }

  Status GetAudioSample(const std::string& id, Visibility v, AudioSample* out) override {
    static const VisibilitySql kSql(std::string("SELECT ") + kAudioColumns +
                                    " FROM {audio} a JOIN generation_jobs j ON j.id = a.job_id WHERE a.id = $1");
    if (!IsId(id)) return Status::NotFound(store_kind::kAudioSample);
    return With(kSql.For(v), {id}, [&](const Result& r) {
      if (r.rows() == 0) return Status::NotFound(store_kind::kAudioSample);
      ReadAudio(PgRow{r, 0}, out);
      return Status::Ok();
    });
  }

  Status ListAudioSamplesForJob(const std::string& job_id, std::vector<AudioSample>* out) override {
    out->clear();
    if (!IsId(job_id)) return Status::Ok();
    return With(std::string("SELECT ") + kAudioColumns +
                    " FROM audio_samples a JOIN generation_jobs j ON j.id = a.job_id "
                    "WHERE a.job_id = $1 ORDER BY a.sample_index",
                {job_id}, [&](const Result& r) {
                  for (int i = 0; i < r.rows(); ++i) ReadAudio(PgRow{r, i}, &out->emplace_back());
                  return Status::Ok();
                });
  }

  // ---- feedback ----
  Status InsertFeedback(const Feedback& f) override {
    return Run("INSERT INTO feedback (id, audio_id, rating, rating_criterion, preferred_over, tags, "
               "notes, created_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, micros_to_ts($8::bigint))",
               Params().Add(f.id).Add(f.audio_id).Add(f.rating).Add(f.rating_criterion)
                   .Add(f.preferred_over).Add(json(f.tags).dump()).Add(f.notes).AddTime(f.created_at));
  }

  Status GetFeedback(const std::string& id, Feedback* out) override {
    if (!IsId(id)) return Status::NotFound(store_kind::kFeedback);
    return With(std::string("SELECT ") + kFeedbackColumns + " FROM feedback f WHERE f.id = $1", {id},
                [&](const Result& r) {
                  if (r.rows() == 0) return Status::NotFound(store_kind::kFeedback);
                  ReadFeedback(PgRow{r, 0}, out);
                  return Status::Ok();
                });
  }

  Status DeleteFeedback(const std::string& id) override {
    if (!IsId(id)) return Status::NotFound(store_kind::kFeedback);
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(Run("DELETE FROM feedback WHERE id = $1", {id}, &n));
    return n == 1 ? Status::Ok() : Status::NotFound(store_kind::kFeedback);
  }

  Status ListFeedback(const FeedbackQuery& fq, std::vector<Feedback>* out, int64_t* total) override {
    out->clear();
    *total = 0;
    if ((fq.audio_id && !IsId(*fq.audio_id)) || (fq.job_id && !IsId(*fq.job_id))) return Status::Ok();
    std::string where = " WHERE true";
    Params p;
    auto n = [&] { return std::to_string(p.size()); };
    if (fq.audio_id) {
      p.Add(*fq.audio_id);
      where += " AND f.audio_id = $" + n();
    }
    if (fq.job_id) {
      p.Add(*fq.job_id);
      where += " AND f.audio_id IN (SELECT id FROM live_audio_samples WHERE job_id = $" + n() + ")";
    }
    if (fq.min_rating) {
      p.Add(*fq.min_rating);
      where += " AND f.rating >= $" + n();
    }
    if (fq.max_rating) {
      p.Add(*fq.max_rating);
      where += " AND f.rating <= $" + n();
    }
    if (!fq.tags.empty()) {
      // Any of the tags, as one JSON array parameter: one statement for any
      // number of tags.
      p.Add(json(fq.tags).dump());
      where += " AND f.tags ?| ARRAY(SELECT jsonb_array_elements_text($" + n() + "::jsonb))";
    }
    STUDIO_RETURN_IF_ERROR(ScalarInt("SELECT COUNT(*) FROM feedback f" + where, p, total));
    const std::string page = " LIMIT $" + std::to_string(p.size() + 1) + " OFFSET $" + std::to_string(p.size() + 2);
    p.Add(fq.limit).Add(fq.offset);
    return With(std::string("SELECT ") + kFeedbackColumns + " FROM feedback f" + where +
                    " ORDER BY f.created_at DESC, f.id DESC" + page,
                p, [&](const Result& r) {
                  for (int i = 0; i < r.rows(); ++i) ReadFeedback(PgRow{r, i}, &out->emplace_back());
                  return Status::Ok();
                });
  }

  Status ListFeedbackForJob(const std::string& job_id, std::vector<Feedback>* out) override {
    out->clear();
    if (!IsId(job_id)) return Status::Ok();
    return With(std::string("SELECT ") + kFeedbackColumns +
                    " FROM feedback f WHERE f.audio_id = ANY (ARRAY(SELECT id FROM audio_samples "
                    "WHERE job_id = $1)) ORDER BY f.created_at, f.id",
                {job_id}, [&](const Result& r) {
                  for (int i = 0; i < r.rows(); ++i) ReadFeedback(PgRow{r, i}, &out->emplace_back());
                  return Status::Ok();
                });
  }

  Status CountFeedbackTouchingJob(const std::string& job_id, int64_t* count) override {
    *count = 0;
    if (!IsId(job_id)) return Status::Ok();
    return ScalarInt(std::string("SELECT COUNT(*) ") + kFeedbackTouchingJob, {job_id}, count);
  }

  Status DeleteFeedbackTouchingJob(const std::string& job_id, int64_t* deleted) override {
    *deleted = 0;
    if (!IsId(job_id)) return Status::Ok();
    return Run(std::string("DELETE ") + kFeedbackTouchingJob, {job_id}, deleted);
  }

  Status GetFeedbackSummary(FeedbackSummary* out) override {
    *out = FeedbackSummary{};
    return With(
        "SELECT COUNT(*), COUNT(rating), COUNT(preferred_over), "
        "COUNT(*) FILTER (WHERE rating = 1), COUNT(*) FILTER (WHERE rating = 2), "
        "COUNT(*) FILTER (WHERE rating = 3), COUNT(*) FILTER (WHERE rating = 4), "
        "COUNT(*) FILTER (WHERE rating = 5), "
        "(SELECT COUNT(*) FROM (SELECT audio_id FROM feedback WHERE rating IS NOT NULL "
        "  GROUP BY audio_id HAVING AVG(rating) >= 4) high) "
        "FROM feedback",
        {}, [&](const Result& r) {
          if (r.rows() == 0) return Status::Ok();
          out->total_feedback = r.Int(0, 0);
          out->total_ratings = r.Int(0, 1);
          out->total_preferences = r.Int(0, 2);
          for (int i = 0; i < 5; ++i) out->rating_distribution[i] = r.Int(0, 3 + i);
          out->high_rated_samples = r.Int(0, 8);
          return Status::Ok();
        });
  }

 private:
  static void AddAdapter(Params& p, const Adapter& a) {
    p.Add(a.id).Add(a.name).Add(a.description).Add(a.base_model).Add(a.storage_path)
        .Add(a.config_json).Add(a.is_active).Add(AdapterStatusName(a.status))
        .Add(a.current_version).AddTime(a.created_at).AddTime(a.updated_at).AddTime(a.deleted_at);
  }

  const PostgresStoreOptions options_;
  const uint64_t store_id_;
  Pool pool_;
};

// The statements the query-plan check explains, by name, with sample values
// for their parameters (an id that exists or not plans the same).
Status PostgresStore::ExplainQuery(const std::string& name, std::vector<std::string>* lines) {
  static const std::string kSomeId = "00000000-0000-4000-8000-000000000000";
  struct Explained {
    std::string sql;
    std::vector<std::string> params;
  };
  static const std::unordered_map<std::string, Explained> kQueries = {
      {"get_job", {JobSelect(Visibility::kLive) + " WHERE j.id = $1", {kSomeId}}},
      {"list_jobs", {JobSelect(Visibility::kLive) + " WHERE true ORDER BY j.created_at DESC, j.id DESC LIMIT $1 OFFSET $2", {"20", "0"}}},
      {"list_jobs_by_status", {JobSelect(Visibility::kLive) + " WHERE true AND j.status = $1 ORDER BY j.created_at DESC, j.id DESC LIMIT $2 OFFSET $3", {"queued", "20", "0"}}},
      {"list_jobs_by_adapter", {JobSelect(Visibility::kLive) + " WHERE true AND j.adapter_id = $1 ORDER BY j.created_at DESC, j.id DESC LIMIT $2 OFFSET $3", {kSomeId, "20", "0"}}},
      {"count_jobs_by_adapter", {"SELECT COUNT(*) FROM live_jobs j WHERE true AND j.adapter_id = $1", {kSomeId}}},
      {"jobs_today", {"SELECT COALESCE(SUM(live_count), 0) FROM job_day_counters WHERE day = (micros_to_ts($1::bigint) AT TIME ZONE 'UTC')::date", {"1764201600000000"}}},
      {"job_counters", {"SELECT queued, processing, completed, failed, cancelled, processing_ms FROM job_counters WHERE id = 1", {}}},
      {"list_adapters", {std::string("SELECT ") + kAdapterColumns + " FROM live_adapters WHERE true ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2", {"100", "0"}}},
      {"adapter_stats", {"SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'active'), COUNT(*) FILTER (WHERE status = 'archived') FROM live_adapters", {}}},
      {"claim_job", {kClaimSql, {"worker", "1764201600000000", "1764201630000000"}}},
      {"requeue_processing", {kRequeueSql, {}}},
      {"delete_feedback_touching_job", {std::string("DELETE ") + kFeedbackTouchingJob, {kSomeId}}},
      {"get_audio", {std::string("SELECT ") + kAudioColumns + " FROM live_audio_samples a JOIN generation_jobs j ON j.id = a.job_id WHERE a.id = $1", {kSomeId}}},
  };
  auto it = kQueries.find(name);
  if (it == kQueries.end()) return Status::NotFound("no query named " + name);
  lines->clear();
  Params p;
  for (const auto& v : it->second.params) p.Add(v);
  return With("EXPLAIN " + it->second.sql, p, [&](const Result& r) {
    for (int i = 0; i < r.rows(); ++i) lines->push_back(r.Text(i, 0));
    return Status::Ok();
  });
}

}  // namespace

std::unique_ptr<Store> OpenPostgresStore(const PostgresStoreOptions& options, Status* status) {
  if (options.apply_migrations) {
    int applied = 0;
    *status = MigratePostgresDatabase(options.url, &applied);
    if (!status->ok()) return nullptr;
  }
  auto store = std::make_unique<PostgresStore>(options);
  // Fails now, not at the first request, when the database is unreachable.
  *status = store->Ping();
  if (!status->ok()) return nullptr;
  return store;
}

Status MigratePostgresDatabase(const std::string& url, int* applied) {
  *applied = 0;
  std::unique_ptr<PgConnection> conn;
  STUDIO_RETURN_IF_ERROR(Connect(url, 10, &conn));
  return ApplyMigrations(conn.get(), applied);
}

Status ExplainPostgresQuery(Store* store, const std::string& query_name,
                            std::vector<std::string>* plan_lines) {
  auto* pg = dynamic_cast<PostgresStore*>(store);
  if (!pg) return Status::InvalidArgument("not a PostgreSQL store");
  return pg->ExplainQuery(query_name, plan_lines);
}

}  // namespace studio
