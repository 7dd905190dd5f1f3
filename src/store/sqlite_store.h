// SqliteStore: the embedded Store (store/store.h) on one SQLite file.
//
// Each thread gets its own connection (opened on first use with
// SQLITE_OPEN_NOMUTEX, WAL journal, synchronous=NORMAL, foreign keys on,
// a busy timeout), and each connection prepares a statement once and reuses
// it. Write transactions are BEGIN IMMEDIATE, so concurrent writers queue
// on SQLite's write lock instead of failing half-way.
//
// Thread-safety: safe for concurrent use from many threads. Connections
// belong to the store and are closed when it is destroyed; REQUIRES: no
// thread uses the store while or after it is destroyed.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace studio {

struct SqliteStoreOptions {
  std::string path;           // database file; created when missing
  int busy_timeout_ms = 10000;
  bool apply_migrations = true;
  int checkpoint_interval_ms = 1000;  // background WAL checkpoint period
};

// Opens (and by default migrates) the database. On failure returns null
// and sets *status.
std::unique_ptr<Store> OpenSqliteStore(const SqliteStoreOptions& options, Status* status);

// Applies pending migrations to the database at `path`; sets *applied to
// how many were applied. Used by `studio migrate`.
Status MigrateSqliteDatabase(const std::string& path, int* applied);

// EXPLAIN QUERY PLAN of the statement that `Store` uses for a named read
// ("list_jobs", "get_job", "list_adapters", "job_stats", "claim_job", ...),
// one detail line per plan row. For the query-plan test.
Status ExplainSqliteQuery(Store* store, const std::string& query_name,
                          std::vector<std::string>* plan_lines);

}  // namespace studio
