// Black-box: liveness, API routing (unknown routes, wrong methods) and the
// command line (the loopback-only rule without an admin token, migrate).
#include <sys/wait.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_server.h"
#include "util/uuid.h"

namespace studio::testing {
namespace {

class HealthTest : public SharedServerTest<HealthTest> {};

TEST_F(HealthTest, AnswersOkWithVersion) {
  HttpResult r = api().Get("/api/health");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_NE(r.Header("content-type").find("application/json"), std::string::npos)
      << r.Header("content-type");
  Json j = r.json();
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_EQ(j.value("status", ""), "ok") << r.body;
  ASSERT_TRUE(j.contains("version") && j["version"].is_string()) << r.body;
  EXPECT_FALSE(j["version"].get<std::string>().empty());
  EXPECT_EQ(j.value("database", ""), OnPostgres() ? "postgresql" : "sqlite") << r.body;
}

TEST_F(HealthTest, UnknownApiRouteIs404WithJsonDetail) {
  for (const std::string& target : std::vector<std::string>{
           "/api/nope", "/api/jobs/" + NewUuid() + "/nope", "/api/health/extra", "/api/"}) {
    for (const char* method : {"GET", "POST", "DELETE"}) {
      SCOPED_TRACE(std::string(method) + " " + target);
      HttpResult r = method == std::string("POST")
                         ? api().Post(target, Json::object())
                         : api().Request(method, target);
      EXPECT_EQ(r.status, 404) << r.Describe();
      Json j = r.json();
      ASSERT_TRUE(j.is_object()) << r.body;
      EXPECT_TRUE(j.contains("detail") && j["detail"].is_string()) << r.body;
    }
  }
}

TEST_F(HealthTest, WrongMethodOnKnownRouteIs405WithJsonDetail) {
  const std::string id = NewUuid();
  const std::pair<const char*, std::string> cases[] = {
      {"PUT", "/api/jobs"},
      {"POST", "/api/jobs/stats"},
      {"PATCH", "/api/jobs/" + id},
      {"POST", "/api/jobs/" + id},
      {"DELETE", "/api/health"},
      {"POST", "/api/health"},
      {"PUT", "/api/adapters/" + id},
      {"DELETE", "/api/adapters"},
      {"DELETE", "/api/feedback/summary"},
      {"PATCH", "/api/generate/" + id},
      {"GET", "/api/audio/compare"},
      {"DELETE", "/api/audio/" + id},
  };
  for (const auto& [method, target] : cases) {
    SCOPED_TRACE(std::string(method) + " " + target);
    HttpResult r = api().RequestRaw(method, target, "{}");
    EXPECT_EQ(r.status, 405) << r.Describe();
    Json j = r.json();
    ASSERT_TRUE(j.is_object()) << r.body;
    EXPECT_TRUE(j.contains("detail") && j["detail"].is_string()) << r.body;
  }
}

TEST(CliTest, NonLoopbackHostWithoutAdminTokenRefusesToStart) {
  std::string dir = MakeTempDir("studio-cli-");
  ASSERT_FALSE(dir.empty());
  for (const char* host : {"0.0.0.0", "::"}) {
    SCOPED_TRACE(host);
    CommandResult r = RunStudio({"serve", "--host", host, "--port",
                                 std::to_string(PickFreePort()), "--data-dir", dir,
                                 "--soundfont", STUDIO_TEST_SOUNDFONT},
                                std::chrono::seconds(15));
    EXPECT_FALSE(r.timed_out) << "studio kept running on a non-loopback host without a token";
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("--admin-token"), std::string::npos)
        << "the refusal should name --admin-token; output:\n"
        << r.output;
  }
  std::filesystem::remove_all(dir);
}

TEST(CliTest, MigrateCreatesTheDatabaseAndIsIdempotent) {
  std::string dir = MakeTempDir("studio-cli-");
  ASSERT_FALSE(dir.empty());
  std::vector<std::string> args{"migrate", "--data-dir", dir};
  std::unique_ptr<PgTestDatabase> pg;
  if (OnPostgres()) {
    Status s;
    pg = PgTestDatabase::Create(&s);
    ASSERT_TRUE(pg) << s.ToString();
    args.insert(args.end(), {"--db", pg->url()});
  }
  CommandResult first = RunStudio(args);
  EXPECT_FALSE(first.timed_out);
  EXPECT_EQ(first.exit_code, 0) << first.output;
  if (pg) {
    std::string error;
    auto rows = QueryPostgres(pg->url(), "SELECT count(*) FROM schema_migrations", &error);
    ASSERT_TRUE(rows) << error;
    EXPECT_NE((*rows)[0][0], "0");
  } else {
    EXPECT_TRUE(std::filesystem::exists(dir + "/studio.db"));
  }
  CommandResult second = RunStudio(args);
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("applied 0 migration"), std::string::npos) << second.output;

  // A server started on the migrated database serves it.
  {
    TestServerOptions options;
    options.data_dir = dir;
    if (pg) options.db_url = pg->url();
    TestServer server(options);
    ASSERT_TRUE(server.Start());
    EXPECT_EQ(server.client().Get("/api/jobs").status, 200);
  }
  std::filesystem::remove_all(dir);
}

TEST(CliTest, WorkerNeedsASharedDatabase) {
  std::string dir = MakeTempDir("studio-cli-");
  ASSERT_FALSE(dir.empty());
  CommandResult r = RunStudio({"worker", "--data-dir", dir, "--soundfont", STUDIO_TEST_SOUNDFONT});
  EXPECT_FALSE(r.timed_out) << "a worker without --db must refuse, not run";
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("--db postgresql://"), std::string::npos) << r.output;
  CommandResult bad = RunStudio({"serve", "--data-dir", dir, "--db", "mysql://x"});
  EXPECT_NE(bad.exit_code, 0) << bad.output;
  EXPECT_NE(bad.output.find("postgresql://"), std::string::npos) << bad.output;
  std::filesystem::remove_all(dir);
}

TEST(CliTest, ServerStopsPromptlyOnSigterm) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  auto start = std::chrono::steady_clock::now();
  int status = server.Stop();
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "exit status " << status << "; log:\n"
      << server.ReadLog();
}

}  // namespace
}  // namespace studio::testing
