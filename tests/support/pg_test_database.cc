#include "support/pg_test_database.h"

// studio_test_support does not link studio_store, which carries libpq's
// include directory; Debian installs the header under postgresql/.
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif

#include <cstdlib>
#include <random>

namespace studio::testing {

namespace {

// Connects to `url`, runs sql, and reports the server's message on failure.
Status ExecOn(const std::string& url, const std::string& sql, int* rows) {
  const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
  const char* values[] = {url.c_str(), "5", "studio_test_admin", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 1);
  Status s;
  if (PQstatus(conn) != CONNECTION_OK) {
    s = Status::Unavailable("cannot connect to " + url + ": " + PQerrorMessage(conn));
  } else {
    PGresult* r = PQexec(conn, sql.c_str());
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      s = Status::IOError(sql + ": " + PQerrorMessage(conn));
    } else if (rows) {
      *rows = PQntuples(r);
    }
    PQclear(r);
  }
  PQfinish(conn);
  return s;
}

// The admin URL with its database path replaced by `name`.
std::string WithDatabase(const std::string& url, const std::string& name) {
  size_t scheme = url.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t query = url.find('?', start);
  size_t slash = url.find('/', start);
  std::string rest = query == std::string::npos ? "" : url.substr(query);
  size_t end = slash != std::string::npos && (query == std::string::npos || slash < query)
                   ? slash
                   : (query == std::string::npos ? url.size() : query);
  return url.substr(0, end) + "/" + name + rest;
}

}  // namespace

bool PgTestsEnabled() {
  const char* skip = std::getenv("STUDIO_TEST_SKIP_PG");
  return !(skip && std::string(skip) == "1");
}

std::string PgAdminUrl() {
  const char* url = std::getenv("STUDIO_TEST_PG_URL");
  return url ? url : "";
}

Status PgTestDatabase::AdminExec(const std::string& sql, int* rows) {
  return ExecOn(PgAdminUrl(), sql, rows);
}

std::unique_ptr<PgTestDatabase> PgTestDatabase::Create(Status* status) {
  const std::string admin = PgAdminUrl();
  if (admin.empty()) {
    *status = Status::InvalidArgument(
        "STUDIO_TEST_PG_URL is not set: start a server with `scripts/pg-test-cluster.sh start DIR` "
        "and export the URL it prints, or set STUDIO_TEST_SKIP_PG=1 to skip the PostgreSQL tests");
    return nullptr;
  }
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char suffix[17];
  snprintf(suffix, sizeof(suffix), "%016llx", static_cast<unsigned long long>(rng()));
  std::string name = std::string("studio_t_") + suffix;  // a safe identifier: no quoting issues
  *status = ExecOn(admin, "CREATE DATABASE " + name, nullptr);
  if (!status->ok()) return nullptr;
  return std::unique_ptr<PgTestDatabase>(new PgTestDatabase(name, WithDatabase(admin, name)));
}

PgTestDatabase::~PgTestDatabase() {
  ExecOn(PgAdminUrl(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)", nullptr);
}

}  // namespace studio::testing
