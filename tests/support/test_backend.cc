#include "support/test_backend.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <string>

namespace studio::testing {

Backend TestBackend() {
  const char* name = std::getenv("STUDIO_TEST_BACKEND");
  return name && std::string(name) == "postgresql" ? Backend::kPostgresql : Backend::kSqlite;
}

std::optional<std::vector<std::vector<std::string>>> QueryPostgres(const std::string& url,
                                                                   const std::string& sql,
                                                                   std::string* error) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::optional<std::vector<std::vector<std::string>>> out;
  if (PQstatus(conn) != CONNECTION_OK) {
    *error = "connect: " + std::string(PQerrorMessage(conn));
    PQfinish(conn);
    return out;
  }
  PGresult* res = PQexec(conn, sql.c_str());
  if (PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK) {
    std::vector<std::vector<std::string>> rows;
    for (int r = 0; r < PQntuples(res); ++r) {
      std::vector<std::string> row;
      for (int c = 0; c < PQnfields(res); ++c) {
        row.push_back(PQgetisnull(res, r, c) ? "<null>" : PQgetvalue(res, r, c));
      }
      rows.push_back(std::move(row));
    }
    out = std::move(rows);
  } else {
    *error = PQresultErrorMessage(res);
  }
  PQclear(res);
  PQfinish(conn);
  return out;
}

}  // namespace studio::testing
