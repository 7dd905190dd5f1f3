// Black-box: the OpenAPI document (GET /api/openapi.json) and the routes the
// server answers are the same set. Every documented operation is routed
// (filled with a random UUID it answers its own statuses, never the
// router's 404 "Not Found" or a 405), every other method on a documented
// path answers 405 with an Allow header listing exactly the documented
// ones, and paths outside the document answer the router's 404.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_server.h"
#include "util/uuid.h"

namespace studio::testing {
namespace {

class OpenApiRouteTest : public SharedServerTest<OpenApiRouteTest> {
 protected:
  static Json Document() {
    HttpResult r = api().Get("/api/openapi.json");
    EXPECT_EQ(r.status, 200) << r.Describe();
    EXPECT_EQ(r.Header("content-type"), "application/json");
    return r.json();
  }
  // "/jobs/{id}" -> "/api/jobs/<uuid>".
  static std::string Fill(const std::string& path) {
    std::string out = "/api";
    size_t i = 0;
    while (i < path.size()) {
      size_t open = path.find('{', i);
      if (open == std::string::npos) {
        out += path.substr(i);
        break;
      }
      out += path.substr(i, open - i) + NewUuid();
      i = path.find('}', open) + 1;
    }
    return out;
  }
  static std::string Upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), ::toupper);
    return s;
  }
  // True for the router's own 404 (no such path), as opposed to an entity's.
  static bool IsRoutingNotFound(const HttpResult& r) {
    return r.status == 404 && r.json().is_object() && r.json().value("detail", "") == "Not Found";
  }
};

TEST_F(OpenApiRouteTest, DocumentIsOpenApi31WithEveryEntity) {
  Json doc = Document();
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["servers"][0]["url"], "/api");
  for (const char* schema : {"Job", "Prompt", "Adapter", "AudioSample", "Feedback", "JobList", "PromptList",
                             "AdapterList", "FeedbackList", "JobStats", "AdapterStats", "FeedbackSummary",
                             "JobDeletePreview", "AdapterDeletePreview", "MetricsOverview", "FeedbackMetrics", "Error", "Experiment", "Run", "AdapterVersion",
                             "AdapterTimeline", "RunLogs", "Dataset", "DatasetList",
                             "DatasetStats", "DatasetPreview", "DatasetExport", "DatasetDeletePreview",
                             "DatasetsAffected"}) {
    EXPECT_TRUE(doc["components"]["schemas"].contains(schema)) << schema;
  }
  // The SPEC section 4, 7 and 8 routes are all there, and no others.
  std::set<std::string> expected = {
      "GET /health", "GET /vocabulary", "POST /prompts", "GET /prompts", "GET /prompts/{id}",
      "POST /generate",
      "GET /generate/{id}", "DELETE /generate/{id}", "GET /generate/{id}/feedback", "GET /jobs",
      "GET /jobs/stats", "GET /jobs/{id}", "DELETE /jobs/{id}", "GET /jobs/{id}/delete-preview",
      "GET /audio/{id}", "GET /audio/{id}/stream", "GET /audio/{id}/midi", "POST /audio/compare", "GET /adapters",
      "POST /adapters", "GET /adapters/stats", "GET /adapters/{id}", "PATCH /adapters/{id}",
      "DELETE /adapters/{id}", "GET /adapters/{id}/delete-preview", "POST /feedback", "GET /feedback",
      "GET /feedback/summary", "GET /feedback/{id}", "DELETE /feedback/{id}", "GET /openapi.json",
      "GET /docs",
      // SPEC section 7: trash, restore, bulk, purge, storage, audit.
      "GET /trash", "POST /jobs/{id}/restore", "POST /adapters/{id}/restore", "POST /jobs/bulk-delete",
      "POST /jobs/bulk-restore", "POST /feedback/bulk-delete", "POST /admin/purge", "GET /admin/storage",
      "GET /audit",
      // SPEC section 8: datasets, and the feedback delete preview.
      "POST /datasets/preview", "POST /datasets", "GET /datasets", "GET /datasets/{id}", "DELETE /datasets/{id}",
      "GET /datasets/{id}/delete-preview", "POST /datasets/{id}/restore", "GET /datasets/{id}/stats",
      "POST /datasets/{id}/export", "GET /datasets/{id}/download", "GET /feedback/{id}/delete-preview",
      // SPEC section 8 "Overview".
      "GET /metrics/overview", "GET /metrics/feedback",
      // SPEC section 8: experiments, training runs, adapter versions.
      "GET /experiments", "POST /experiments", "GET /experiments/{id}", "PUT /experiments/{id}",
      "DELETE /experiments/{id}", "POST /experiments/{id}/restore", "GET /experiments/{id}/metrics",
      "GET /experiments/{id}/runs", "POST /experiments/{id}/runs", "DELETE /experiments/{id}/runs/{run_id}",
      "GET /runs/{id}", "GET /runs/{id}/logs", "GET /runs/{id}/logs/stream", "POST /adapters/{id}/versions",
      "PATCH /adapters/{id}/versions/{version_id}/activate", "GET /adapters/{id}/timeline"};
  std::set<std::string> documented;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      documented.insert(Upper(method) + " " + path);
      // Every operation documents its error shape for each error status.
      for (const auto& [status, response] : op["responses"].items()) {
        if (status[0] != '4' && status[0] != '5') continue;
        EXPECT_TRUE(response.contains("content")) << method << " " << path << " " << status;
      }
    }
  }
  EXPECT_EQ(documented, expected);
}

TEST_F(OpenApiRouteTest, EveryDocumentedOperationIsRouted) {
  Json doc = Document();
  ASSERT_TRUE(doc.is_object());
  int probed = 0;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      const std::string target = Fill(path);
      const std::string m = Upper(method);
      std::optional<Json> body;
      if (op.contains("requestBody")) body = Json::object();  // invalid for every route: a 422
      HttpResult r = api().Request(m, target, body);
      ++probed;
      EXPECT_FALSE(IsRoutingNotFound(r)) << m << " " << target << " -> " << r.Describe();
      EXPECT_NE(r.status, 405) << m << " " << target << " -> " << r.Describe();
      EXPECT_GT(r.status, 0) << r.error;
      EXPECT_LT(r.status, 500) << m << " " << target << " -> " << r.Describe();
      // The status is one the operation documents.
      EXPECT_TRUE(op["responses"].contains(std::to_string(r.status)))
          << m << " " << path << " answered an undocumented " << r.Describe();
    }
  }
  EXPECT_GE(probed, 30);
}

TEST_F(OpenApiRouteTest, OtherMethodsOnDocumentedPathsAnswer405WithAllow) {
  Json doc = Document();
  ASSERT_TRUE(doc.is_object());
  const std::vector<std::string> all = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
  for (const auto& [path, ops] : doc["paths"].items()) {
    std::set<std::string> listed;
    for (const auto& [method, op] : ops.items()) listed.insert(Upper(method));
    if (listed.count("GET")) listed.insert("HEAD");
    std::string allow;
    for (const char* m : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}) {
      if (listed.count(m)) allow += (allow.empty() ? "" : ", ") + std::string(m);
    }
    allow += ", OPTIONS";
    for (const std::string& m : all) {
      if (listed.count(m)) continue;
      const std::string target = Fill(path);
      HttpResult r = api().Request(m, target, m == "GET" ? std::nullopt : std::optional<Json>(Json::object()));
      EXPECT_EQ(r.status, 405) << m << " " << target << " -> " << r.Describe();
      EXPECT_EQ(r.Header("allow"), allow) << m << " " << target;
      if (m == "HEAD") continue;  // no body
      ASSERT_TRUE(r.json().is_object()) << r.Describe();
      EXPECT_EQ(r.json().value("detail", ""), "Method Not Allowed") << r.Describe();
    }
  }
}

TEST_F(OpenApiRouteTest, PathsOutsideTheDocumentAnswerTheRoutersNotFound) {
  const std::string id = NewUuid();
  for (const std::string& target :
       {std::string("/api/nope"), "/api/jobs/" + id + "/nope", "/api/jobs/" + id + "/delete-preview/x",
        std::string("/api/generate/x/y/z"), std::string("/api/"), std::string("/api"),
        std::string("/api/a/b/c/d/e/f/g/h/i/j"), std::string("/api/openapi"), std::string("/api/docs/x")}) {
    for (const char* m : {"GET", "POST", "DELETE"}) {
      HttpResult r = api().Request(m, target, std::string(m) == "POST" ? std::optional<Json>(Json::object())
                                                                       : std::nullopt);
      EXPECT_TRUE(IsRoutingNotFound(r)) << m << " " << target << " -> " << r.Describe();
    }
  }
}

TEST_F(OpenApiRouteTest, DocsPageIsHtmlThatLoadsTheDocument) {
  HttpResult r = api().Get("/api/docs");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("<html"), std::string::npos) << r.body.substr(0, 300);
}

}  // namespace
}  // namespace studio::testing
