// RouteTable (http/routes.h): matching with literal segments before {id},
// 405 Allow values, query parameters parsed per the table, and the OpenAPI
// document it generates.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/routes.h"

namespace studio {
namespace {

using json = nlohmann::json;
using T = QueryParam::Type;
using M = RouteTable::MatchResult;

std::vector<Route> Table() {
  return {
      {.method = "GET", .path = "/jobs", .operation_id = "listJobs",
       .query = {{.name = "limit", .type = T::kInteger, .min = 1, .max = 100, .default_int = 20},
                 {.name = "status", .type = T::kEnum, .values = {"queued", "done"}},
                 {.name = "flag", .type = T::kBoolean},
                 {.name = "when", .type = T::kDateTime},
                 {.name = "who", .type = T::kUuid},
                 {.name = "tags", .type = T::kCsv},
                 {.name = "include_deleted", .type = T::kVisibility}}},
      {.method = "GET", .path = "/jobs/stats", .operation_id = "stats"},
      {.method = "GET", .path = "/jobs/{id}", .operation_id = "getJob", .errors = {404}},
      {.method = "DELETE", .path = "/jobs/{id}", .operation_id = "deleteJob"},
      {.method = "POST", .path = "/generate", .operation_id = "submit", .request_body = {{"type", "object"}}},
      {.method = "PATCH", .path = "/a/{id}/b/{id2}", .operation_id = "two"},
  };
}

TEST(RouteTable, MatchesLiteralsBeforeIds) {
  RouteTable t(Table());
  const Route* r = nullptr;
  PathIds ids;
  std::string_view allow;
  struct Case {
    std::string method, path;
    M want;
    std::string operation;  // kFound
    std::string allow;      // kMethodNotAllowed
  } cases[] = {
      {"GET", "/jobs", M::kFound, "listJobs", ""},
      {"HEAD", "/jobs", M::kFound, "listJobs", ""},
      {"GET", "/jobs/", M::kFound, "listJobs", ""},  // empty segments are ignored, as before
      {"GET", "//jobs", M::kFound, "listJobs", ""},
      {"GET", "/jobs/stats", M::kFound, "stats", ""},  // not a job id
      {"GET", "/jobs/abc", M::kFound, "getJob", ""},   // ids are validated by the caller
      {"DELETE", "/jobs/abc", M::kFound, "deleteJob", ""},
      {"POST", "/generate", M::kFound, "submit", ""},
      {"PATCH", "/a/1/b/2", M::kFound, "two", ""},
      {"DELETE", "/jobs/stats", M::kMethodNotAllowed, "", "GET, HEAD, OPTIONS"},
      {"POST", "/jobs", M::kMethodNotAllowed, "", "GET, HEAD, OPTIONS"},
      {"PUT", "/jobs/abc", M::kMethodNotAllowed, "", "GET, HEAD, DELETE, OPTIONS"},
      {"GET", "/generate", M::kMethodNotAllowed, "", "POST, OPTIONS"},
      {"HEAD", "/generate", M::kMethodNotAllowed, "", "POST, OPTIONS"},
      {"GET", "/", M::kNotFound, "", ""},
      {"GET", "", M::kNotFound, "", ""},
      {"GET", "/job", M::kNotFound, "", ""},
      {"GET", "/jobs/abc/def", M::kNotFound, "", ""},
      {"GET", "/a/b/c/d/e/f/g/h/i/j", M::kNotFound, "", ""},  // more segments than any route
      {"get", "/jobs", M::kMethodNotAllowed, "", "GET, HEAD, OPTIONS"},  // methods are case-sensitive
  };
  for (const Case& c : cases) {
    r = nullptr;
    M got = t.Match(c.method, c.path, &r, &ids, &allow);
    EXPECT_EQ(got, c.want) << c.method << " " << c.path;
    if (got == M::kFound && c.want == M::kFound) {
      EXPECT_EQ(r->operation_id, c.operation) << c.path;
    }
    if (got == M::kMethodNotAllowed) {
      EXPECT_EQ(allow, c.allow) << c.method << " " << c.path;
    }
  }
  ASSERT_EQ(t.Match("PATCH", "/a/x1/b/y2", &r, &ids, &allow), M::kFound);
  ASSERT_EQ(ids.size, 2u);
  EXPECT_EQ(ids.ids[0], "x1");
  EXPECT_EQ(ids.ids[1], "y2");
  EXPECT_EQ(t.AllowedMethods("/jobs/123"), "GET, HEAD, DELETE, OPTIONS");
  EXPECT_EQ(t.AllowedMethods("/jobs/stats"), "GET, HEAD, OPTIONS");
  EXPECT_EQ(t.AllowedMethods("/nope"), "");
  EXPECT_EQ(t.AllMethods(), "GET, HEAD, POST, PATCH, DELETE, OPTIONS");
}

TEST(RouteTable, RefusesBadTables) {
  auto make = [](std::vector<Route> routes) { RouteTable t(std::move(routes)); };
  EXPECT_THROW(make({Route{.method = "GET", .path = "/a"}, Route{.method = "GET", .path = "/a"}}), std::logic_error);
  EXPECT_THROW(make({Route{.method = "GET", .path = "a"}}), std::logic_error);
}

TEST(RouteTable, ParsesQueryPerTheTable) {
  RouteTable t(Table());
  const Route& jobs = t.routes()[0];
  auto visibility = [](bool include_deleted, int64_t* out) {
    if (include_deleted) return Status::Forbidden("admin only");
    *out = 0;
    return Status::Ok();
  };
  struct Case {
    std::unordered_map<std::string, std::string> query;
    std::string error;  // empty: Ok
  } cases[] = {
      {{}, ""},
      {{{"limit", ""}}, ""},  // empty is absent
      {{{"limit", "1"}, {"status", "done"}, {"flag", "true"}, {"when", "2026-11-27"}}, ""},
      {{{"who", "0F0E0D0C-0B0A-4908-8706-050403020100"}}, ""},
      {{{"tags", ""}}, ""},
      {{{"limit", "0"}}, "limit must be an integer between 1 and 100"},
      {{{"limit", "101"}}, "limit must be an integer between 1 and 100"},
      {{{"limit", "1x"}}, "limit must be an integer between 1 and 100"},
      {{{"limit", "99999999999999999999"}}, "limit must be an integer between 1 and 100"},
      {{{"status", "gone"}}, "status must be one of queued, done"},
      {{{"flag", "yes"}}, "flag must be true or false"},
      {{{"when", "yesterday"}}, "when must be an ISO-8601 date or time"},
      {{{"who", "nope"}}, "who must be a valid UUID"},
      {{{"include_deleted", "maybe"}}, "include_deleted must be true or false"},
      {{{"include_deleted", "true"}}, "admin only"},
      // Parameters are checked in the table's order.
      {{{"status", "gone"}, {"limit", "0"}}, "limit must be an integer between 1 and 100"},
  };
  for (const Case& c : cases) {
    HttpRequest req;
    req.query = c.query;
    RouteArgs args;
    Status s = t.ParseQuery(jobs, req, visibility, &args);
    EXPECT_EQ(s.ok() ? "" : s.message(), c.error) << json(c.query).dump();
  }
  HttpRequest req;
  req.query = {{"status", "queued"}, {"flag", "0"}, {"who", "0F0E0D0C-0B0A-4908-8706-050403020100"},
               {"tags", "a,b"}};
  RouteArgs args;
  ASSERT_TRUE(t.ParseQuery(jobs, req, visibility, &args).ok());
  EXPECT_EQ(args.Int("limit"), 20);  // the default
  EXPECT_TRUE(args.Has("limit"));
  EXPECT_EQ(args.Query("status").text, "queued");
  EXPECT_TRUE(args.Has("flag"));
  EXPECT_EQ(args.Int("flag"), 0);
  EXPECT_FALSE(args.Has("when"));
  EXPECT_EQ(args.Query("who").text, "0f0e0d0c-0b0a-4908-8706-050403020100");
  EXPECT_EQ(args.Query("tags").text, "a,b");
  EXPECT_THROW(args.Query("nope"), std::logic_error);
}

TEST(RouteTable, GeneratesOpenApi) {
  RouteTable t(Table());
  json doc = t.OpenApi("1.2.3", {{"Error", {{"type", "object"}}}});
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["info"]["version"], "1.2.3");
  const json& get_job = doc["paths"]["/jobs/{id}"]["get"];
  EXPECT_EQ(get_job["operationId"], "getJob");
  EXPECT_EQ(get_job["parameters"][0]["name"], "id");
  EXPECT_EQ(get_job["parameters"][0]["in"], "path");
  EXPECT_EQ(get_job["responses"]["404"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Error");
  EXPECT_TRUE(doc["paths"]["/jobs/{id}"].contains("delete"));
  const json& limit = doc["paths"]["/jobs"]["get"]["parameters"][0];
  EXPECT_EQ(limit["name"], "limit");
  EXPECT_EQ(limit["schema"], json({{"type", "integer"}, {"minimum", 1}, {"maximum", 100}, {"default", 20}}));
  EXPECT_EQ(doc["paths"]["/a/{id}/b/{id2}"]["patch"]["parameters"][1]["name"], "id2");
  EXPECT_TRUE(doc["paths"]["/generate"]["post"]["requestBody"]["required"]);
}

}  // namespace
}  // namespace studio
