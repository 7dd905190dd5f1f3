// Black-box: include_deleted is for administrators. Without a configured
// admin token (the server then listens on loopback only) it is allowed;
// with --admin-token T it needs "Authorization: Bearer T", else 403.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_server.h"

namespace studio::testing {
namespace {

const char kToken[] = "s3cret-admin-token";

// A deleted job and a deleted adapter to look for.
struct DeletedRows {
  std::string job_id;
  std::string adapter_id;
};

DeletedRows MakeDeletedRows(TestServer& server) {
  DeletedRows rows;
  Json job = server.RunCompletedJob(1, 1);
  Json adapter = server.CreateAdapter(TestServer::UniqueName("gone"));
  if (!job.is_object() || !adapter.is_object()) return rows;
  rows.job_id = job["id"];
  rows.adapter_id = adapter["id"];
  EXPECT_EQ(server.client().Delete("/api/jobs/" + rows.job_id).status, 200);
  EXPECT_EQ(server.client().Delete("/api/adapters/" + rows.adapter_id).status, 200);
  return rows;
}

std::vector<std::string> AdminTargets(const DeletedRows& rows) {
  return {"/api/jobs?include_deleted=true",
          "/api/jobs/" + rows.job_id + "?include_deleted=true",
          "/api/adapters?include_deleted=true",
          "/api/adapters/" + rows.adapter_id + "?include_deleted=true"};
}

TEST(AdminAuthTest, WithoutTokenConfiguredIncludeDeletedIsAllowedOnLoopback) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  DeletedRows rows = MakeDeletedRows(server);
  ASSERT_FALSE(rows.job_id.empty());
  for (const std::string& target : AdminTargets(rows)) {
    SCOPED_TRACE(target);
    HttpResult r = server.client().Get(target);
    EXPECT_EQ(r.status, 200) << r.Describe();
  }
  HttpResult job = server.client().Get("/api/jobs/" + rows.job_id + "?include_deleted=true");
  EXPECT_TRUE(job.json()["deleted_at"].is_string()) << job.body;
  // include_deleted=false is the default view.
  EXPECT_EQ(server.client().Get("/api/jobs/" + rows.job_id + "?include_deleted=false").status,
            404);
}

TEST(AdminAuthTest, WithTokenConfiguredIncludeDeletedNeedsTheBearerToken) {
  TestServerOptions options;
  options.admin_token = kToken;
  TestServer server(options);
  ASSERT_TRUE(server.Start());
  DeletedRows rows = MakeDeletedRows(server);
  ASSERT_FALSE(rows.job_id.empty());

  const std::vector<std::pair<std::string, Headers>> refused = {
      {"no Authorization", {}},
      {"wrong token", {{"Authorization", "Bearer wrong"}}},
      {"token as prefix", {{"Authorization", std::string("Bearer ") + kToken + "x"}}},
      {"not Bearer", {{"Authorization", std::string("Basic ") + kToken}}},
      {"empty Bearer", {{"Authorization", "Bearer "}}},
  };
  for (const std::string& target : AdminTargets(rows)) {
    for (const auto& [label, headers] : refused) {
      SCOPED_TRACE(target + " with " + label);
      HttpResult r = server.client().Get(target, headers);
      EXPECT_EQ(r.status, 403) << r.Describe();
      EXPECT_TRUE(r.json().is_object() && r.json().contains("detail")) << r.body;
    }
    SCOPED_TRACE(target + " with the token");
    HttpResult ok = server.client().Get(target, server.AdminHeaders());
    EXPECT_EQ(ok.status, 200) << ok.Describe();
  }
  HttpResult job = server.client().Get("/api/jobs/" + rows.job_id + "?include_deleted=true",
                                       server.AdminHeaders());
  EXPECT_TRUE(job.json()["deleted_at"].is_string()) << job.body;

  // The default views need no token.
  EXPECT_EQ(server.client().Get("/api/jobs").status, 200);
  EXPECT_EQ(server.client().Get("/api/adapters").status, 200);
  EXPECT_EQ(server.client().Get("/api/jobs/stats").status, 200);
}

}  // namespace
}  // namespace studio::testing
