// PostgresStore: the Store (store/store.h) on a PostgreSQL 15 database that
// many studio processes may share.
//
// Connections come from a bounded pool owned by the store: a call borrows
// one and gives it back, so at most pool_size calls run at once and the
// rest wait up to acquire_timeout_ms (then Unavailable). InTransaction pins
// one connection to the calling thread for the body (BEGIN ... COMMIT, READ
// COMMITTED); Store calls the body makes on that thread join it. Each
// connection prepares a statement once, on first use, and reuses it; values
// only ever travel as parameters.
//
// A connection that fails (server restart, killed backend, network) is
// dropped and the call returns Unavailable("database unavailable: ..."); the
// next call opens a fresh connection, so the store recovers by itself when
// the database is back. Nothing is retried behind the caller's back: a
// statement whose connection died may or may not have been committed.
// Serialization failures and deadlocks (40001, 40P01) are Unavailable too;
// the schema's lock order is meant to make deadlocks impossible.
//
// Thread-safety: safe for concurrent use from many threads. Connections
// belong to the store and are closed when it is destroyed; REQUIRES: no
// thread uses the store while or after it is destroyed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/store.h"

namespace studio {

struct PostgresStoreOptions {
  std::string url;                // postgresql://user@host:port/db
  int pool_size = 8;              // max connections this process opens
  int acquire_timeout_ms = 5000;  // waiting for a free connection -> Unavailable
  int connect_timeout_s = 2;
  bool apply_migrations = true;
};

// Connects (and by default migrates) the database. On failure returns null
// and sets *status (Unavailable when the server cannot be reached).
std::unique_ptr<Store> OpenPostgresStore(const PostgresStoreOptions& options, Status* status);

// Applies pending migrations to the database at `url`; sets *applied to how
// many were applied. Safe to run from several processes at once: each
// migration's transaction holds an advisory lock, so each applies once.
Status MigratePostgresDatabase(const std::string& url, int* applied);

// EXPLAIN of the statement that `Store` uses for a named read (the names of
// ExplainSqliteQuery: "list_jobs", "get_job", "claim_job", ...), one line
// per plan row. For the query-plan test. InvalidArgument when `store` is not
// a PostgresStore.
Status ExplainPostgresQuery(Store* store, const std::string& query_name,
                            std::vector<std::string>* plan_lines);

}  // namespace studio
