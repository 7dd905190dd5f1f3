// Versioned schema migrations, embedded in the binary from
// store/migrations/<kind>/NNNN_name.sql (cmake/EmbedMigrations.cmake).
// Each store applies the ones newer than the version recorded in its
// schema_migrations table, in order, each in its own transaction.
#pragma once

#include <vector>

namespace studio {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& sqliteMigrations();
const std::vector<Migration>& postgresqlMigrations();

}  // namespace studio
