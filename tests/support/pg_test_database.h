// PgTestDatabase: a fresh, empty PostgreSQL database for one test, on the
// server named by env STUDIO_TEST_PG_URL (an admin URL such as
// postgresql://studio@127.0.0.1:55432/postgres; scripts/pg-test-cluster.sh
// starts such a server). The database is dropped (WITH (FORCE), so open
// connections do not keep it) when the object is destroyed.
//
// PostgreSQL tests FAIL, not skip, when STUDIO_TEST_PG_URL is unset, so a
// missing server cannot pass silently; STUDIO_TEST_SKIP_PG=1 skips them on
// purpose.
//
// Thread-safety: Create may be called from any thread; one object belongs
// to one test.
#pragma once

#include <memory>
#include <string>

#include "util/status.h"

namespace studio::testing {

// False when STUDIO_TEST_SKIP_PG=1: PostgreSQL tests should GTEST_SKIP().
bool PgTestsEnabled();

// STUDIO_TEST_PG_URL, or "" when unset.
std::string PgAdminUrl();

class PgTestDatabase {
 public:
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;
  ~PgTestDatabase();

  // Creates studio_t_<random> on the admin server. On failure (URL unset,
  // server away) returns null and sets *status with a message saying what
  // to do.
  static std::unique_ptr<PgTestDatabase> Create(Status* status);

  // URL of the new database: the admin URL with its database name replaced.
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

  // Runs one constant statement (no parameters) on the admin URL; for
  // tests that act on the server from outside the store (e.g. killing its
  // connections). *rows, when given, gets the number of rows returned.
  static Status AdminExec(const std::string& sql, int* rows = nullptr);

 private:
  PgTestDatabase(std::string name, std::string url) : name_(std::move(name)), url_(std::move(url)) {}
  std::string name_, url_;
};

}  // namespace studio::testing
