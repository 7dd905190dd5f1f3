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
#include "store/postgres_statements.h"
#include "store/row_codec.h"
#include "util/mutex.h"
#include "util/uuid.h"

namespace studio {

namespace {

using json = nlohmann::json;
using namespace store_internal;
using namespace store_internal::pg_sql;

// ---------------------------------------------------------------------------
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
  if (code == "53100") return Status::StorageFull("postgresql: " + msg);  // disk_full
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
    STUDIO_RETURN_IF_ERROR(ExecSimple(c, kBegin));
    Result r;
    Status s = Exec(c, kLockMigrations, Params().Add(kMigrationLockKey), &r);
    if (s.ok()) {
      s = ExecSimple(c,
                     kCreateMigrationsTable);
    }
    if (s.ok()) s = Exec(c, kMigrationApplied, Params().Add(m.version), &r);
    if (s.ok() && r.rows() == 0) {
      s = ExecSimple(c, m.sql);
      if (s.ok()) {
        s = Exec(c, kRecordMigration,
                 Params().Add(m.version).Add(m.name), &r);
      }
      if (s.ok()) ++*applied;
    }
    if (!s.ok()) {
      if (!c->broken) ExecSimple(c, kRollback);
      if (s.code() == Status::Code::kUnavailable) return s;
      return Status::IOError("migration " + std::string(m.name) + " failed: " + s.message());
    }
    STUDIO_RETURN_IF_ERROR(ExecSimple(c, kCommit));
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

  Status ReadExperimentPage(const char* count_sql, const std::string& page_sql, int64_t offset, int limit,
                            std::vector<Experiment>* out, int64_t* total) {
    out->clear();
    STUDIO_RETURN_IF_ERROR(ScalarInt(count_sql, {}, total));
    return With(page_sql, Params().Add(limit).Add(offset), [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) ReadExperiment(PgRow{r, i}, &out->emplace_back());
      return Status::Ok();
    });
  }

  Status ReadRuns(const std::string& sql, const std::string& key, std::vector<TrainingRun>* out) {
    out->clear();
    if (!IsId(key)) return Status::Ok();
    return With(sql, {key}, [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) ReadRun(PgRow{r, i}, &out->emplace_back());
      return Status::Ok();
    });
  }

  // An UPDATE of one row by id at `now` ($1 the time, $2 the id); NotFound(kind) when it changed none.
  Status ChangeOne(const char* sql, const std::string& id, Micros now, const char* kind) {
    if (!IsId(id)) return Status::NotFound(kind);
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(Run(sql, Params().AddTime(now).Add(id), &n));
    return n == 1 ? Status::Ok() : Status::NotFound(kind);
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
    Status s = ExecSimple(c.get(), kBeginReadCommitted);
    if (!s.ok()) {
      pool_.Release(std::move(c));
      return s;
    }
    pinned[store_id_] = c.get();
    s = body();
    pinned.erase(store_id_);
    if (s.ok()) {
      std::string tag;
      s = ExecSimple(c.get(), kCommit, &tag);
      // A transaction in which a statement failed ends in ROLLBACK even when
      // COMMIT is asked for: the body ignored an error, and nothing was kept.
      if (s.ok() && tag != "COMMIT") {
        s = Status::IOError("postgresql: transaction rolled back after an earlier error");
      }
    } else if (!c->broken) {
      if (!ExecSimple(c.get(), kRollback).ok()) c->broken = true;
    }
    pool_.Release(std::move(c));
    return s;
  }

  Status Ping() override {
    int64_t one = 0;
    return ScalarInt(kSelectOne, {}, &one);
  }

  // ---- prompts ----
  Status InsertPrompt(const Prompt& p) override {
    return Run(kInsertPrompt,
               Params().Add(p.id).Add(p.text).Add(PromptAttributesJson(p.attributes)).AddTime(p.created_at));
  }

  Status GetPrompt(const std::string& id, Prompt* out) override {
    if (!IsId(id)) return Status::NotFound(store_kind::kPrompt);
    return With(kGetPrompt,
                {id}, [&](const Result& r) {
                  if (r.rows() == 0) return Status::NotFound(store_kind::kPrompt);
                  ReadPrompt(PgRow{r, 0}, out);
                  return Status::Ok();
                });
  }

  Status ListPrompts(int64_t offset, int limit, std::vector<Prompt>* out, int64_t* total) override {
    out->clear();
    STUDIO_RETURN_IF_ERROR(CountPrompts(total));
    return With(kListPrompts,
                Params().Add(limit).Add(offset), [&](const Result& r) {
                  for (int i = 0; i < r.rows(); ++i) ReadPrompt(PgRow{r, i}, &out->emplace_back());
                  return Status::Ok();
                });
  }

  Status CountPrompts(int64_t* total) override {
    return ScalarInt(kCountPrompts, {}, total);
  }

  // ---- adapters ----
  Status InsertAdapter(const Adapter& a) override {
    Params p;
    AddAdapter(p, a);
    return NameConflictAware(Run(
        kInsertAdapter,
        p));
  }

  Status GetAdapter(const std::string& id, Visibility v, Adapter* out) override {
    static const VisibilitySql kSql(kGetAdapterTemplate);
    if (!IsId(id)) return Status::NotFound(store_kind::kAdapter);
    return With(kSql.For(v), {id}, [&](const Result& r) {
      if (r.rows() == 0) return Status::NotFound(store_kind::kAdapter);
      ReadAdapter(PgRow{r, 0}, out);
      return Status::Ok();
    });
  }

  Status ListAdapters(const AdapterQuery& aq, std::vector<Adapter>* out, int64_t* total) override {
    out->clear();
    Params p;  // in AdapterFilter's order
    if (aq.status) p.Add(AdapterStatusName(*aq.status));
    STUDIO_RETURN_IF_ERROR(ScalarInt(AdapterCountSql(aq), p, total));
    p.Add(aq.limit).Add(aq.skip);
    return With(AdapterPageSql(aq), p, [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) ReadAdapter(PgRow{r, i}, &out->emplace_back());
      return Status::Ok();
    });
  }

  Status UpdateAdapter(const Adapter& a) override {
    if (!IsId(a.id)) return Status::NotFound(store_kind::kAdapter);
    int64_t changed = 0;
    STUDIO_RETURN_IF_ERROR(NameConflictAware(Run(
        kUpdateAdapter,
        Params().Add(a.name).Add(a.description).Add(a.base_model).Add(a.storage_path)
            .Add(a.config_json).Add(a.is_active).Add(AdapterStatusName(a.status))
            .Add(a.current_version).AddTime(a.updated_at).Add(a.id),
        &changed)));
    return changed == 1 ? Status::Ok() : Status::NotFound(store_kind::kAdapter);
  }

  Status MarkAdapterDeleted(const std::string& id, Micros now) override {
    if (!IsId(id)) return Status::NotFound(store_kind::kAdapter);
    int64_t changed = 0;
    STUDIO_RETURN_IF_ERROR(Run(kMarkAdapterDeleted,
                               Params().AddTime(now).Add(id), &changed));
    return changed == 1 ? Status::Ok() : Status::NotFound(store_kind::kAdapter);
  }

  Status GetAdapterStats(AdapterStats* out) override {
    return With(kSelectAdapterStats, {}, [&](const Result& r) {
                  if (r.rows() > 0) {
                    out->total = r.Int(0, 0);
                    out->active = r.Int(0, 1);
                    out->archived = r.Int(0, 2);
                  }
                  return Status::Ok();
                });
  }

  Status LiveAdapterNameTaken(const std::string& name, bool* taken) override {
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(ScalarInt(kCountLiveAdaptersNamed, {name}, &n));
    *taken = n > 0;
    return Status::Ok();
  }

  Status CountJobsUsingAdapter(const std::string& adapter_id, int64_t* count) override {
    *count = 0;
    if (!IsId(adapter_id)) return Status::Ok();
    return ScalarInt(kCountJobsUsingAdapter, {adapter_id}, count);
  }

  // ---- jobs ----
  Status InsertJob(const Job& j) override {
    return Run(kInsertJob,
               Params().Add(j.id).Add(j.prompt_id).Add(j.adapter_id).Add(JobStatusName(j.status))
                   .Add(j.progress).Add(j.num_samples).Add(j.error).Add(j.params.seed)
                   .Add(j.params.temperature).Add(j.params.top_k).Add(j.params.top_p)
                   .Add(j.params.duration).AddTime(j.created_at).AddTime(j.completed_at)
                   .AddTime(j.deleted_at));
  }

  Status GetJob(const std::string& id, Visibility v, Job* out) override {
    static const VisibilitySql kSql(kGetJobTemplate);
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
    if (!FilterIdsValid(jq)) return Status::Ok();
    Params p = JobFilterParams(jq);
    const bool counters_suffice = jq.visibility == Visibility::kLive && !jq.adapter_id && !jq.prompt_id &&
                                  !jq.start_date && !jq.end_date;
    if (counters_suffice) {
      // Maintained by triggers: the total costs the same at any table size.
      STUDIO_RETURN_IF_ERROR(ScalarInt(jq.status ? kCountLiveJobsWithStatus : kCountLiveJobs,
                                       jq.status ? Params{JobStatusName(*jq.status)} : Params{}, total));
    } else {
      STUDIO_RETURN_IF_ERROR(ScalarInt(JobCountSql(jq), p, total));
    }
    p.Add(jq.limit).Add(jq.offset);
    return With(JobPageSql(jq), p, [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) ReadJob(PgRow{r, i}, &out->emplace_back());
      return Status::Ok();
    });
  }

  Status GetJobListVersion(int64_t* version) override {
    return ScalarInt(kSelectJobListVersion, {}, version);
  }

  Status GetJobStats(Micros day_start, JobStats* out) override {
    *out = JobStats{};
    return With(kSelectJobStats, Params().AddTime(day_start), [&](const Result& r) {
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

  // Held until the transaction ends; a concurrent update of the same
  // adapter waits here and then reads what this one wrote.
  Status LockLiveAdapter(const std::string& id) override {
    if (!IsId(id)) return Status::NotFound(store_kind::kAdapter);
    return With(kLockLiveAdapter, {id},
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
    STUDIO_RETURN_IF_ERROR(Run(kReportProgress,
                               Params().Add(progress).AddTime(lease_until).Add(job_id).Add(worker_id), &n));
    return n == 1 ? Status::Ok() : Status::Cancelled("job no longer ours");
  }

  Status FinishJob(const std::string& job_id, const std::string& worker_id, JobStatus final_status,
                   const std::optional<std::string>& error, Micros now) override {
    if (!IsId(job_id)) return Status::Cancelled("job no longer ours");
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(Run(kFinishJob,
                               Params().Add(JobStatusName(final_status)).Add(error).AddTime(now)
                                   .Add(job_id).Add(worker_id),
                               &n));
    return n == 1 ? Status::Ok() : Status::Cancelled("job no longer ours");
  }

  Status ReleaseJob(const std::string& job_id, const std::string& worker_id) override {
    if (!IsId(job_id)) return Status::Cancelled("job no longer ours");
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(Run(kReleaseJob,
                               Params().Add(job_id).Add(worker_id), &n));
    return n == 1 ? Status::Ok() : Status::Cancelled("job no longer ours");
  }

  Status RequeueAllProcessing(int64_t* requeued) override {
    return Run(kRequeueSql, {}, requeued);
  }

  // ---- audio ----
  Status InsertAudioSample(const AudioSample& s) override {
    return Run(kInsertAudioSample,
               Params().Add(s.id).Add(s.job_id).Add(s.prompt_id).Add(s.adapter_id).Add(s.sample_index)
                   .Add(s.storage_path).Add(s.duration_seconds).Add(s.sample_rate).AddTime(s.created_at)
                   .Add(s.style_json));
  }

  Status GetAudioSample(const std::string& id, Visibility v, AudioSample* out) override {
    static const VisibilitySql kSql(kGetAudioTemplate);
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
    return With(kListAudioSamplesForJob,
                {job_id}, [&](const Result& r) {
                  for (int i = 0; i < r.rows(); ++i) ReadAudio(PgRow{r, i}, &out->emplace_back());
                  return Status::Ok();
                });
  }

  // ---- feedback ----
  Status InsertFeedback(const Feedback& f) override {
    return Run(kInsertFeedback,
               Params().Add(f.id).Add(f.audio_id).Add(f.rating).Add(f.rating_criterion)
                   .Add(f.preferred_over).Add(json(f.tags).dump()).Add(f.notes).AddTime(f.created_at));
  }

  Status GetFeedback(const std::string& id, Feedback* out) override {
    if (!IsId(id)) return Status::NotFound(store_kind::kFeedback);
    return With(kGetFeedback, {id},
                [&](const Result& r) {
                  if (r.rows() == 0) return Status::NotFound(store_kind::kFeedback);
                  ReadFeedback(PgRow{r, 0}, out);
                  return Status::Ok();
                });
  }

  Status DeleteFeedback(const std::string& id) override {
    if (!IsId(id)) return Status::NotFound(store_kind::kFeedback);
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(Run(kDeleteFeedback, {id}, &n));
    return n == 1 ? Status::Ok() : Status::NotFound(store_kind::kFeedback);
  }

  Status ListFeedback(const FeedbackQuery& fq, std::vector<Feedback>* out, int64_t* total) override {
    out->clear();
    *total = 0;
    if (!FilterIdsValid(fq)) return Status::Ok();
    Params p = FeedbackFilterParams(fq);
    STUDIO_RETURN_IF_ERROR(ScalarInt(FeedbackCountSql(fq), p, total));
    p.Add(fq.limit).Add(fq.offset);
    return With(FeedbackPageSql(fq), p, [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) ReadFeedback(PgRow{r, i}, &out->emplace_back());
      return Status::Ok();
    });
  }

  Status ListFeedbackForJob(const std::string& job_id, std::vector<Feedback>* out) override {
    out->clear();
    if (!IsId(job_id)) return Status::Ok();
    return With(kListFeedbackForJob,
                {job_id}, [&](const Result& r) {
                  for (int i = 0; i < r.rows(); ++i) ReadFeedback(PgRow{r, i}, &out->emplace_back());
                  return Status::Ok();
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
    if (!FilterIdsValid(jq)) return Status::Ok();
    return ReadIds(SelectLiveJobIdsSql(jq), JobFilterParams(jq).Add(max), out);
  }

  Status LockLiveJobs(const IdList& ids, RowLock mode, IdList* live) override {
    // Why this orders a job delete against a feedback insert (lifecycle.cc):
    // DeleteJob locks the row FOR UPDATE before anything else, AddFeedback
    // locks the sample's job FOR SHARE before inserting. The two modes
    // conflict, so one transaction waits for the other to end:
    //  - the insert first: the delete waits until the feedback is committed,
    //    then its cascade (DeleteFeedbackTouchingJobs, a new statement with a
    //    new READ COMMITTED snapshot) sees and deletes the new record;
    //  - the delete first: the insert waits; when the delete commits,
    //    PostgreSQL re-checks this WHERE against the row's newest version
    //    (READ COMMITTED), deleted_at is no longer NULL, no row comes back,
    //    and the insert fails with NotFound instead of pointing at a
    //    deleted job's sample.
    // FOR SHARE holders do not block each other, so feedback inserts stay
    // parallel. Both locks last until the transaction ends.
    // ORDER BY id: the LockRows step runs above the sort, so every caller
    // takes its row locks in the same order.
    live->clear();
    return ReadIds(mode == RowLock::kShare ? kLockLiveJobsForShare : kLockLiveJobsForUpdate,
                   Params().Add(IdArray(ids)), live);
  }

  Status CancelJobs(const IdList& ids, Micros now, int64_t* cancelled) override {
    return Run(kCancelJobs, Params().Add(IdArray(ids)).AddTime(now), cancelled);
  }

  Status CountFeedbackTouchingJobs(const IdList& job_ids, int64_t* count) override {
    return ScalarInt(kCountFeedbackTouchingJobs, Params().Add(IdArray(job_ids)), count);
  }

  Status DeleteFeedbackTouchingJobs(const IdList& job_ids, int64_t* deleted) override {
    return Run(kDeleteFeedbackTouchingJobs, Params().Add(IdArray(job_ids)), deleted);
  }

  Status MarkJobsDeleted(const IdList& ids, Micros now, int64_t* deleted) override {
    return Run(kMarkJobsDeleted, Params().Add(IdArray(ids)).AddTime(now), deleted);
  }

  Status RestoreJobs(const IdList& ids, Micros now, int64_t* restored) override {
    return Run(kRestoreJobs, Params().Add(IdArray(ids)).AddTime(now), restored);
  }

  Status ListTrashedJobs(int64_t offset, int limit, std::vector<TrashedJob>* out,
                         int64_t* total) override {
    out->clear();
    STUDIO_RETURN_IF_ERROR(ScalarInt(kCountTrashedJobs, {}, total));
    return With(kListTrashedJobs, Params().Add(limit).Add(offset), [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) {
        TrashedJob& t = out->emplace_back();
        ReadJob(PgRow{r, i}, &t.job);
        t.feedback_deleted = r.Int(i, kJobColumnCount);
      }
      return Status::Ok();
    });
  }

  Status SelectTrashedJobIds(const std::optional<IdList>& ids, std::optional<Micros> deleted_before,
                             int limit, IdList* out) override {
    return ReadIds(TrashedIdsSql("generation_jobs", ids.has_value(), deleted_before.has_value()),
                   TrashedParams(ids, deleted_before, limit), out);
  }

  Status PurgeJobRows(const IdList& ids, int64_t* jobs, int64_t* samples) override {
    return InTransaction([&]() -> Status {
      const std::string array = IdArray(ids);
      STUDIO_RETURN_IF_ERROR(Run(kPurgeAudioRows, Params().Add(array), samples));
      return Run(kPurgeJobRows, Params().Add(array), jobs);
    });
  }

  Status RestoreAdapter(const std::string& id, const std::optional<std::string>& new_name,
                        Micros now) override {
    if (!IsId(id)) return Status::NotFound(store_kind::kTrashedAdapter);
    int64_t changed = 0;
    STUDIO_RETURN_IF_ERROR(NameConflictAware(
        Run(kRestoreAdapter, Params().Add(id).Add(new_name).AddTime(now), &changed)));
    return changed == 1 ? Status::Ok() : Status::NotFound(store_kind::kTrashedAdapter);
  }

  Status ListTrashedAdapters(int64_t offset, int limit, std::vector<TrashedAdapter>* out,
                             int64_t* total) override {
    out->clear();
    STUDIO_RETURN_IF_ERROR(ScalarInt(kCountTrashedAdapters, {}, total));
    return With(kListTrashedAdapters, Params().Add(limit).Add(offset), [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) {
        TrashedAdapter& t = out->emplace_back();
        ReadAdapter(PgRow{r, i}, &t.adapter);
        t.held_by_jobs = r.Int(i, kAdapterColumnCount);
      }
      return Status::Ok();
    });
  }

  Status SelectPurgeableAdapterIds(const std::optional<IdList>& ids,
                                   std::optional<Micros> deleted_before, int limit,
                                   IdList* out) override {
    return ReadIds(
        TrashedIdsSql("adapters", ids.has_value(), deleted_before.has_value(), kNoJobReferences),
        TrashedParams(ids, deleted_before, limit), out);
  }

  Status PurgeAdapterRows(const IdList& ids, int64_t* adapters) override {
    return Run(kPurgeAdapterRows, Params().Add(IdArray(ids)), adapters);
  }

  Status SelectFeedbackIds(const FeedbackQuery& fq, int64_t max, IdList* out) override {
    out->clear();
    if (!FilterIdsValid(fq)) return Status::Ok();
    return ReadIds(SelectFeedbackIdsSql(fq), FeedbackFilterParams(fq).Add(max), out);
  }

  Status DeleteFeedbackByIds(const IdList& ids, int64_t* deleted) override {
    return Run(kDeleteFeedbackByIds, Params().Add(IdArray(ids)), deleted);
  }

  Status LookupFileOwners(const IdList& job_ids, const IdList& adapter_ids, FileOwners* out) override {
    *out = FileOwners{};
    auto read_pairs = [&](const char* sql, const IdList& ids,
                          std::unordered_map<std::string, bool>* into) {
      if (ids.empty()) return Status::Ok();
      return With(sql, Params().Add(IdArray(ids)), [&](const Result& r) {
        for (int i = 0; i < r.rows(); ++i) (*into)[r.Text(i, 0)] = r.Bool(i, 1);
        return Status::Ok();
      });
    };
    STUDIO_RETURN_IF_ERROR(read_pairs(kJobOwners, job_ids, &out->jobs));
    STUDIO_RETURN_IF_ERROR(read_pairs(kAudioOwners, job_ids, &out->audio_keys));
    return read_pairs(kAdapterOwners, adapter_ids, &out->adapters);
  }

  // ---- datasets ----
  Status CountDatasetCandidates(DatasetType type, const DatasetFilter& filter, int64_t* count) override {
    *count = 0;
    if (filter.adapter_id && !IsId(*filter.adapter_id)) return Status::Ok();
    return ScalarInt(kCountDatasetCandidates, DatasetFilterParams(type, filter), count);
  }

  Status InsertDataset(const Dataset& d, const DatasetFilter& filter, int64_t* members) override {
    *members = 0;
    return InTransaction([&]() -> Status {
      STUDIO_RETURN_IF_ERROR(Run(kInsertDataset, Params().Add(d.id).Add(d.name).Add(d.description)
                                                     .Add(DatasetTypeName(d.type)).Add(d.filter_query_json)
                                                     .Add(int64_t{0}).Add(d.export_format).AddTime(d.exported_at)
                                                     .AddTime(d.created_at).AddTime(d.deleted_at)));
      if (filter.adapter_id && !IsId(*filter.adapter_id)) return Status::Ok();
      STUDIO_RETURN_IF_ERROR(Run(kInsertDatasetMembers, DatasetFilterParams(d.type, filter).Add(d.id), members));
      return Run(kSetDatasetSampleCount, Params().Add(*members).Add(d.id));
    });
  }

  Status GetDataset(const std::string& id, Visibility v, Dataset* out) override {
    static const VisibilitySql kSql(kGetDatasetTemplate);
    if (!IsId(id)) return Status::NotFound(store_kind::kDataset);
    return With(kSql.For(v), {id}, [&](const Result& r) {
      if (r.rows() == 0) return Status::NotFound(store_kind::kDataset);
      ReadDataset(PgRow{r, 0}, out);
      return Status::Ok();
    });
  }

  Status ListDatasets(int64_t offset, int limit, std::vector<Dataset>* out, int64_t* total) override {
    return DatasetPage(kCountDatasets, kListDatasets, offset, limit, out, total);
  }

  Status MarkDatasetDeleted(const std::string& id, Micros now) override {
    return ChangeOne(kMarkDatasetDeleted, id, Params().AddTime(now).Add(id), store_kind::kDataset);
  }

  Status RestoreDataset(const std::string& id) override {
    return ChangeOne(kRestoreDataset, id, Params().Add(id), store_kind::kTrashedDataset);
  }

  Status ListTrashedDatasets(int64_t offset, int limit, std::vector<Dataset>* out, int64_t* total) override {
    return DatasetPage(kCountTrashedDatasets, kListTrashedDatasets, offset, limit, out, total);
  }

  Status SelectTrashedDatasetIds(const std::optional<IdList>& ids, std::optional<Micros> deleted_before,
                                 int limit, IdList* out) override {
    return ReadIds(TrashedIdsSql("datasets", ids.has_value(), deleted_before.has_value()),
                   TrashedParams(ids, deleted_before, limit), out);
  }

  Status PurgeDatasetRows(const IdList& ids, int64_t* datasets) override {
    return Run(kPurgeDatasetRows, Params().Add(IdArray(ids)), datasets);
  }

  Status MarkDatasetExported(const std::string& id, const std::string& format, Micros now) override {
    return ChangeOne(kMarkDatasetExported, id, Params().Add(format).AddTime(now).Add(id), store_kind::kDataset);
  }

  Status GetDatasetStats(const std::string& dataset_id, DatasetStats* out) override {
    *out = DatasetStats{};
    Dataset d;
    STUDIO_RETURN_IF_ERROR(GetDataset(dataset_id, Visibility::kIncludeDeleted, &d));
    STUDIO_RETURN_IF_ERROR(With(kDatasetStatsCounts, {dataset_id}, [&](const Result& r) {
      if (r.rows() == 0) return Status::Ok();
      out->sample_count = r.Int(0, 0);
      for (int i = 0; i < 5; ++i) out->rating_distribution[i] = r.Int(0, 1 + i);
      out->unique_prompts = r.Int(0, 6);
      out->unique_adapters = r.Int(0, 7);
      return Status::Ok();
    }));
    STUDIO_RETURN_IF_ERROR(With(kDatasetTagFrequency, {dataset_id}, [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) out->tag_frequency.emplace_back(r.Text(i, 0), r.Int(i, 1));
      return Status::Ok();
    }));
    // Both statements answer (agreeing, all).
    auto share = [&](const char* sql, std::optional<double>* into) {
      return With(sql, {dataset_id}, [&](const Result& r) {
        if (r.rows() > 0) *into = ShareOf(r.Double(0, 0), r.Double(0, 1));
        return Status::Ok();
      });
    };
    STUDIO_RETURN_IF_ERROR(share(kDatasetRatingPairs, &out->inter_rater_agreement));
    return share(kDatasetPreferencePairs, &out->preference_consistency);
  }

  Status ListDatasetMembers(const std::string& dataset_id, const std::string& after_feedback_id, int limit,
                            std::vector<DatasetMember>* out) override {
    out->clear();
    if (!IsId(dataset_id)) return Status::Ok();
    static const std::string kBeforeEveryId = "00000000-0000-0000-0000-000000000000";
    const std::string& after = IsId(after_feedback_id) ? after_feedback_id : kBeforeEveryId;
    return With(kListDatasetMembers, Params().Add(dataset_id).Add(after).Add(limit), [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) ReadDatasetMember(PgRow{r, i}, &out->emplace_back());
      return Status::Ok();
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
    return Run(kInsertExperiment, Params().Add(e.id).Add(e.name).Add(e.description).Add(e.dataset_id)
                                      .Add(e.config_json).AddTime(e.created_at).AddTime(e.updated_at));
  }

  Status GetExperiment(const std::string& id, Visibility v, Experiment* out) override {
    if (!IsId(id)) return Status::NotFound(store_kind::kExperiment);
    return With(v == Visibility::kLive ? kGetLiveExperiment : kGetAnyExperiment, {id}, [&](const Result& r) {
      if (r.rows() == 0) return Status::NotFound(store_kind::kExperiment);
      ReadExperiment(PgRow{r, 0}, out);
      return Status::Ok();
    });
  }

  Status ListExperiments(int64_t offset, int limit, std::vector<Experiment>* out, int64_t* total) override {
    return ReadExperimentPage(kCountExperiments, kListExperiments, offset, limit, out, total);
  }

  Status UpdateExperiment(const Experiment& e) override {
    if (!IsId(e.id)) return Status::NotFound(store_kind::kExperiment);
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(Run(kUpdateExperiment, Params().Add(e.name).Add(e.description).Add(e.config_json)
                                                      .AddTime(e.updated_at).Add(e.id), &n));
    return n == 1 ? Status::Ok() : Status::NotFound(store_kind::kExperiment);
  }

  Status MarkExperimentDeleted(const std::string& id, Micros now) override {
    return ChangeOne(kMarkExperimentDeleted, id, now, store_kind::kExperiment);
  }

  Status RestoreExperiment(const std::string& id, Micros now) override {
    return ChangeOne(kRestoreExperiment, id, now, store_kind::kTrashedExperiment);
  }

  Status ListTrashedExperiments(int64_t offset, int limit, std::vector<Experiment>* out,
                                int64_t* total) override {
    return ReadExperimentPage(kCountTrashedExperiments, kListTrashedExperiments, offset, limit, out, total);
  }

  Status SelectTrashedExperimentIds(const std::optional<IdList>& ids, std::optional<Micros> deleted_before,
                                    int limit, IdList* out) override {
    return ReadIds(TrashedIdsSql("experiments", ids.has_value(), deleted_before.has_value()),
                   TrashedParams(ids, deleted_before, limit), out);
  }

  Status PurgeExperimentRows(const IdList& ids, int64_t* experiments, int64_t* runs) override {
    return InTransaction([&]() -> Status {
      const std::string array = IdArray(ids);
      STUDIO_RETURN_IF_ERROR(Run(kPurgeExperimentRuns, Params().Add(array), runs));
      return Run(kPurgeExperimentRows, Params().Add(array), experiments);
    });
  }

  Status CountExperimentsUsingDataset(const std::string& dataset_id, int64_t* experiments,
                                      int64_t* runs) override {
    *experiments = *runs = 0;
    if (!IsId(dataset_id)) return Status::Ok();
    STUDIO_RETURN_IF_ERROR(ScalarInt(kCountExperimentsUsingDataset, {dataset_id}, experiments));
    return ScalarInt(kCountRunsUsingDataset, {dataset_id}, runs);
  }

  Status InsertRun(const TrainingRun& r) override {
    return Run(kInsertRun, Params().Add(r.id).Add(r.experiment_id).Add(r.name).Add(RunStatusName(r.status))
                               .Add(r.progress).Add(r.config_json).Add(r.metrics_json).Add(r.dataset_id)
                               .AddTime(r.created_at));
  }

  Status GetRun(const std::string& id, TrainingRun* out) override {
    if (!IsId(id)) return Status::NotFound(store_kind::kRun);
    return With(kGetRun, {id}, [&](const Result& r) {
      if (r.rows() == 0) return Status::NotFound(store_kind::kRun);
      ReadRun(PgRow{r, 0}, out);
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
    if (!IsId(experiment_id) || !IsId(run_id)) return Status::NotFound(store_kind::kRun);
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(Run(kDeleteRun, {run_id, experiment_id}, &n));
    return n == 1 ? Status::Ok() : Status::NotFound(store_kind::kRun);
  }

  Status CancelRunsOfExperiment(const std::string& experiment_id, Micros now, int64_t* cancelled) override {
    *cancelled = 0;
    if (!IsId(experiment_id)) return Status::Ok();
    return Run(kCancelRunsOfExperiment, Params().AddTime(now).Add(experiment_id), cancelled);
  }

  Status ClaimNextRun(const std::string& worker_id, Micros now, Micros lease_until, TrainingRun* out) override {
    std::optional<std::string> claimed;
    STUDIO_RETURN_IF_ERROR(With(kClaimRunSql, Params().Add(worker_id).AddTime(now).AddTime(lease_until),
                                [&](const Result& r) {
                                  if (r.rows() > 0) claimed = r.Text(0, 0);
                                  return Status::Ok();
                                }));
    if (!claimed) return Status::NotFound("no queued run");
    return GetRun(*claimed, out);
  }

  // Single guarded statements, like ReportProgress: a delete or cancel that
  // committed meanwhile makes them change nothing (Cancelled).
  Status ReportRunProgress(const std::string& run_id, const std::string& worker_id, double progress,
                           Micros lease_until) override {
    if (!IsId(run_id)) return Status::Cancelled("run no longer ours");
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(
        Run(kReportRunProgress, Params().Add(progress).AddTime(lease_until).Add(run_id).Add(worker_id), &n));
    return n == 1 ? Status::Ok() : Status::Cancelled("run no longer ours");
  }

  Status AppendRunLog(const std::string& run_id, const std::string& worker_id, Micros at,
                      const std::string& message) override {
    if (!IsId(run_id)) return Status::Cancelled("run no longer ours");
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(Run(kAppendRunLog, Params().AddTime(at).Add(message).Add(run_id).Add(worker_id), &n));
    return n == 1 ? Status::Ok() : Status::Cancelled("run no longer ours");
  }

  Status FinishRun(const TrainingRun& r, const std::string& worker_id) override {
    if (!IsId(r.id)) return Status::Cancelled("run no longer ours");
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(Run(kFinishRun, Params().Add(RunStatusName(r.status)).Add(r.metrics_json)
                                               .Add(r.final_loss).Add(r.error).Add(r.explanation)
                                               .Add(r.adapter_id).Add(r.member_count).Add(r.data_hash)
                                               .AddTime(r.completed_at).Add(r.id).Add(worker_id),
                               &n));
    return n == 1 ? Status::Ok() : Status::Cancelled("run no longer ours");
  }

  Status RequeueAllRunning(int64_t* requeued) override { return Run(kRequeueRunningRuns, {}, requeued); }

  Status ListRunLogs(const std::string& run_id, int64_t after_seq, int limit,
                     std::vector<RunLogLine>* out) override {
    out->clear();
    if (!IsId(run_id)) return Status::Ok();
    return With(kListRunLogs, Params().Add(run_id).Add(after_seq).Add(limit), [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) {
        RunLogLine& line = out->emplace_back();
        line.seq = r.Int(i, 0);
        line.at = r.Time(i, 1).value_or(0);
        line.message = r.Text(i, 2);
      }
      return Status::Ok();
    });
  }

  // ---- adapter versions ----
  Status InsertAdapterVersion(const AdapterVersion& v) override {
    Status s = Run(kInsertAdapterVersion,
                   Params().Add(v.id).Add(v.adapter_id).Add(v.number).Add(v.version).Add(v.description)
                       .Add(v.config_json).Add(v.storage_path).Add(VersionSourceName(v.source)).Add(v.run_id)
                       .Add(v.dataset_id).Add(v.member_count).Add(v.data_hash).Add(v.explanation)
                       .AddTime(v.created_at));
    return s.code() == Status::Code::kConflict ? Status::Conflict(store_kind::kVersionName) : s;
  }

  Status ListAdapterVersions(const std::string& adapter_id, std::vector<AdapterVersion>* out) override {
    out->clear();
    if (!IsId(adapter_id)) return Status::Ok();
    return With(kListAdapterVersions, {adapter_id}, [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) ReadAdapterVersion(PgRow{r, i}, &out->emplace_back());
      return Status::Ok();
    });
  }

  Status GetAdapterVersion(const std::string& adapter_id, const std::string& version_id,
                           AdapterVersion* out) override {
    if (!IsId(adapter_id) || !IsId(version_id)) return Status::NotFound(store_kind::kAdapterVersion);
    return With(kGetAdapterVersion, {version_id, adapter_id}, [&](const Result& r) {
      if (r.rows() == 0) return Status::NotFound(store_kind::kAdapterVersion);
      ReadAdapterVersion(PgRow{r, 0}, out);
      return Status::Ok();
    });
  }

  Status NextAdapterVersionNumber(const std::string& adapter_id, int* out) override {
    int64_t next = 1;
    if (IsId(adapter_id)) STUDIO_RETURN_IF_ERROR(ScalarInt(kNextAdapterVersionNumber, {adapter_id}, &next));
    *out = static_cast<int>(next);
    return Status::Ok();
  }

  Status CountAdapterVersions(int64_t* total) override { return ScalarInt(kCountAdapterVersions, {}, total); }

  Status ListAuditEventsFor(const std::string& entity_id, int limit, std::vector<AuditEvent>* out) override {
    out->clear();
    if (!IsId(entity_id)) return Status::Ok();
    return With(kListAuditEventsFor, Params().Add(entity_id).Add(limit), [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) ReadAuditEvent(PgRow{r, i}, &out->emplace_back());
      return Status::Ok();
    });
  }

  // ---- audit ----
  Status InsertAuditEvent(const AuditEvent& e) override {
    return Run(kInsertAuditEvent, Params().Add(e.id).AddTime(e.at).Add(e.action).Add(e.entity)
                                      .Add(e.entity_id).Add(e.counts_json).Add(e.actor).Add(e.request_id));
  }

  Status UpdateAuditCounts(const std::string& id, const std::string& counts_json) override {
    return Run(kUpdateAuditCounts, Params().Add(counts_json).Add(id));
  }

  Status ListAuditEvents(const AuditQuery& aq, std::vector<AuditEvent>* out, int64_t* total) override {
    out->clear();
    Params p;  // in AuditFilter's order
    if (aq.entity) p.Add(*aq.entity);
    if (aq.action) p.Add(*aq.action);
    if (aq.start_date) p.AddTime(*aq.start_date);
    if (aq.end_date) p.AddTime(*aq.end_date);
    STUDIO_RETURN_IF_ERROR(ScalarInt(AuditCountSql(aq), p, total));
    p.Add(aq.limit).Add(aq.offset);
    return With(AuditPageSql(aq), p, [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) ReadAuditEvent(PgRow{r, i}, &out->emplace_back());
      return Status::Ok();
    });
  }

  Status ClaimMaintenanceRun(const std::string& name, Micros now, Micros not_since,
                             bool* claimed) override {
    *claimed = false;
    return InTransaction([&]() -> Status {
      bool locked = false;
      STUDIO_RETURN_IF_ERROR(With(kLockMaintenance, Params().Add(kMaintenanceLockKey),
                                  [&](const Result& r) {
                                    locked = r.rows() == 1 && r.Bool(0, 0);
                                    return Status::Ok();
                                  }));
      if (!locked) return Status::Ok();  // another process is claiming right now
      int64_t changed = 0;
      STUDIO_RETURN_IF_ERROR(
          Run(kClaimMaintenanceRun, Params().Add(name).AddTime(now).AddTime(not_since), &changed));
      *claimed = changed == 1;
      return Status::Ok();
    });
  }

  // ---- metrics ----
  Status GetMetricsCounters(MetricsCounters* out) override {
    *out = MetricsCounters{};
    return With(kSelectMetricsCounters, {}, [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) SetMetricsCounter(r.Text(i, 0), r.Int(i, 1), out);
      return Status::Ok();
    });
  }

  Status ListFeedbackByAdapter(std::vector<AdapterFeedbackCount>* out) override {
    out->clear();
    return With(kListFeedbackByAdapter, {}, [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) ReadAdapterFeedback(PgRow{r, i}, &out->emplace_back());
      return Status::Ok();
    });
  }

 private:
  // Same key in every process (and not the migrations' key).
  static constexpr int64_t kMaintenanceLockKey = 0x53747564696f + 1;

  // `ids` as a uuid[] literal; text that is not a canonical id names no row
  // and is left out (see IsId).
  static std::string IdArray(const IdList& ids) {
    std::string out = "{";
    for (const auto& id : ids) {
      if (!IsId(id)) continue;
      if (out.size() > 1) out += ',';
      out += id;
    }
    return out + "}";
  }

  Status ReadIds(const std::string& sql, const Params& params, IdList* out) {
    out->clear();
    return With(sql, params, [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) out->push_back(r.Text(i, 0));
      return Status::Ok();
    });
  }

  static Params TrashedParams(const std::optional<IdList>& ids, std::optional<Micros> deleted_before,
                              int limit) {
    Params p;
    if (ids) p.Add(IdArray(*ids));
    if (deleted_before) p.AddTime(*deleted_before);
    return p.Add(limit);
  }

  // A malformed id in a filter matches nothing (as on SQLite, where ids are text).
  static bool FilterIdsValid(const JobQuery& q) {
    return (!q.adapter_id || IsId(*q.adapter_id)) && (!q.prompt_id || IsId(*q.prompt_id));
  }
  static bool FilterIdsValid(const FeedbackQuery& q) {
    return (!q.audio_id || IsId(*q.audio_id)) && (!q.job_id || IsId(*q.job_id));
  }
  // In JobFilter's order.
  static Params JobFilterParams(const JobQuery& jq) {
    Params p;
    if (jq.status) p.Add(JobStatusName(*jq.status));
    if (jq.adapter_id) p.Add(*jq.adapter_id);
    if (jq.prompt_id) p.Add(*jq.prompt_id);
    if (jq.start_date) p.AddTime(*jq.start_date);
    if (jq.end_date) p.AddTime(*jq.end_date);
    return p;
  }
  // In FeedbackFilter's order.
  static Params FeedbackFilterParams(const FeedbackQuery& fq) {
    Params p;
    if (fq.audio_id) p.Add(*fq.audio_id);
    if (fq.job_id) p.Add(*fq.job_id);
    if (fq.min_rating) p.Add(*fq.min_rating);
    if (fq.max_rating) p.Add(*fq.max_rating);
    if (fq.start_date) p.AddTime(*fq.start_date);
    if (fq.end_date) p.AddTime(*fq.end_date);
    if (!fq.tags.empty()) p.Add(json(fq.tags).dump());
    return p;
  }

  // In kDatasetCandidates' order: $1..$8.
  static Params DatasetFilterParams(DatasetType type, const DatasetFilter& f) {
    return Params().Add(DatasetTypeName(type)).Add(f.min_rating).Add(f.max_rating)
        .Add(json(f.required_tags).dump()).Add(json(f.excluded_tags).dump()).Add(f.adapter_id)
        .AddTime(f.start_date).AddTime(f.end_date);
  }

  Status DatasetPage(const char* count_sql, const std::string& page_sql, int64_t offset, int limit,
                     std::vector<Dataset>* out, int64_t* total) {
    out->clear();
    STUDIO_RETURN_IF_ERROR(ScalarInt(count_sql, {}, total));
    return With(page_sql, Params().Add(limit).Add(offset), [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) ReadDataset(PgRow{r, i}, &out->emplace_back());
      return Status::Ok();
    });
  }

  // Runs a write that must change exactly the row `id`; NotFound(kind) otherwise.
  Status ChangeOne(const char* sql, const std::string& id, const Params& params, const char* kind) {
    if (!IsId(id)) return Status::NotFound(kind);
    int64_t n = 0;
    STUDIO_RETURN_IF_ERROR(Run(sql, params, &n));
    return n == 1 ? Status::Ok() : Status::NotFound(kind);
  }

  Status ReadImpacts(const std::string& sql, const IdList& ids, std::vector<DatasetImpact>* out) {
    out->clear();
    return With(sql, Params().Add(IdArray(ids)), [&](const Result& r) {
      for (int i = 0; i < r.rows(); ++i) ReadDatasetImpact(PgRow{r, i}, &out->emplace_back());
      return Status::Ok();
    });
  }

  static void AddAdapter(Params& p, const Adapter& a) {
    p.Add(a.id).Add(a.name).Add(a.description).Add(a.base_model).Add(a.storage_path)
        .Add(a.config_json).Add(a.is_active).Add(AdapterStatusName(a.status))
        .Add(a.current_version).AddTime(a.created_at).AddTime(a.updated_at).AddTime(a.deleted_at);
  }

  const PostgresStoreOptions options_;
  const uint64_t store_id_;
  Pool pool_;
};


// The statements the query-plan check explains, by name: the ones the
// methods above run (store/postgres_statements.h), for a typical query,
// with sample values for their parameters (an id that exists or not plans
// the same).
Status PostgresStore::ExplainQuery(const std::string& name, std::vector<std::string>* lines) {
  static const std::string kSomeId = "00000000-0000-4000-8000-000000000000";
  struct Explained {
    std::string sql;
    std::vector<std::string> params;
  };
  static const std::unordered_map<std::string, Explained> kQueries = {
      {"get_job", {SourceFor(kGetJobTemplate, Visibility::kLive), {kSomeId}}},
      {"list_jobs", {JobPageSql(JobQuery{}), {"20", "0"}}},
      {"list_jobs_by_status", {JobPageSql(ByStatus(JobStatus::kQueued)), {"queued", "20", "0"}}},
      {"list_jobs_by_adapter", {JobPageSql(ByAdapter(kSomeId)), {kSomeId, "20", "0"}}},
      {"count_jobs_by_adapter", {JobCountSql(ByAdapter(kSomeId)), {kSomeId}}},
      {"jobs_today", {kSelectJobStats, {"1764201600000000"}}},
      {"job_counters", {kCountLiveJobs, {}}},
      {"job_list_version", {kSelectJobListVersion, {}}},
      {"list_adapters", {AdapterPageSql(AdapterQuery{}), {"100", "0"}}},
      {"adapter_stats", {kSelectAdapterStats, {}}},
      {"claim_job", {kClaimSql, {"worker", "1764201600000000", "1764201630000000"}}},
      {"requeue_processing", {kRequeueSql, {}}},
      {"delete_feedback_touching_job", {kDeleteFeedbackTouchingJobs, {"{" + kSomeId + "}"}}},
      {"mark_jobs_deleted", {kMarkJobsDeleted, {"{" + kSomeId + "}", "1764201600000000"}}},
      {"list_trashed_jobs", {kListTrashedJobs, {"20", "0"}}},
      {"count_trashed_jobs", {kCountTrashedJobs, {}}},
      {"purge_candidates", {TrashedIdsSql("generation_jobs", false, true), {"1764201600000000", "500"}}},
      {"list_trashed_adapters", {kListTrashedAdapters, {"20", "0"}}},
      {"list_audit", {AuditPageSql(AuditQuery{}), {"50", "0"}}},
      {"get_audio", {SourceFor(kGetAudioTemplate, Visibility::kLive), {kSomeId}}},
      {"list_datasets", {kListDatasets, {"20", "0"}}},
      {"list_trashed_datasets", {kListTrashedDatasets, {"20", "0"}}},
      {"dataset_members", {kListDatasetMembers, {kSomeId, kSomeId, "1000"}}},
      {"datasets_affected_by_feedback", {kDatasetsAffectedByFeedback, {"{" + kSomeId + "}"}}},
      {"datasets_affected_by_jobs", {kDatasetsAffectedByJobs, {"{" + kSomeId + "}"}}},
      {"metrics_counters", {kSelectMetricsCounters, {}}},
      {"feedback_by_adapter", {kListFeedbackByAdapter, {}}},
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
