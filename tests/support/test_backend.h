// Which database the store and black-box suites run against. CTest runs
// each of those suites twice (tests/CMakeLists.txt), once per backend, by
// setting STUDIO_TEST_BACKEND to "sqlite" or "postgresql"; the PostgreSQL
// run reads its server from STUDIO_TEST_PG_URL (scripts/test.sh starts a
// throwaway cluster, see support/pg_test_database.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace studio::testing {

enum class Backend { kSqlite, kPostgresql };

// From STUDIO_TEST_BACKEND; SQLite when unset.
Backend TestBackend();
inline bool OnPostgres() { return TestBackend() == Backend::kPostgresql; }

// Runs `sql` on the PostgreSQL database at `url` in a connection of its
// own; each row as text columns (NULL as "<null>"). For tests that look
// behind the API. On error returns nullopt and sets *error.
std::optional<std::vector<std::vector<std::string>>> QueryPostgres(const std::string& url,
                                                                   const std::string& sql,
                                                                   std::string* error);

}  // namespace studio::testing
