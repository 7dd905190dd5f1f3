// Black-box: a table of bad requests. Every one answers the contract's 4xx
// with a JSON {"detail": "..."}, never a 5xx, and changes nothing (the
// stats, summaries and totals are the same before and after).
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_server.h"
#include "util/uuid.h"

namespace studio::testing {
namespace {

using namespace std::chrono_literals;

struct BadCase {
  std::string label;
  std::string method;
  std::string target;
  std::optional<std::string> body;  // sent as application/json when set
  int expected;
};

std::string Text(size_t n) { return std::string(n, 'a'); }

class BadInputTest : public SharedServerTest<BadInputTest> {
 protected:
  // Existing rows for the cases to point at.
  struct Fixture {
    std::string prompt_id, job_id, audio_a, audio_b, adapter_id, feedback_id;
  };

  Fixture MakeFixture() {
    Fixture f;
    Json job = server().RunCompletedJob(2, 1);
    if (!job.is_object()) return f;
    f.prompt_id = job["prompt_id"];
    f.job_id = job["id"];
    f.audio_a = job["audio_ids"][0];
    f.audio_b = job["audio_ids"][1];
    Json adapter = server().CreateAdapter(TestServer::UniqueName("fixture"));
    if (adapter.is_object()) f.adapter_id = adapter["id"];
    Json fb = server().AddFeedback({{"audio_id", f.audio_a}, {"rating", 4}});
    if (fb.is_object()) f.feedback_id = fb["id"];
    return f;
  }

  static std::vector<BadCase> Cases(const Fixture& f) {
    const std::string unknown = NewUuid();
    auto j = [](const Json& v) { return std::optional<std::string>(v.dump()); };
    auto gen = [&](Json extra) {
      Json body{{"prompt_id", f.prompt_id}, {"num_samples", 1}, {"duration", 1}};
      body.update(extra);
      return j(body);
    };
    auto fb = [&](Json extra) {
      Json body{{"audio_id", f.audio_a}};
      body.update(extra);
      return j(body);
    };
    auto adapter = [&](Json extra) {
      Json body{{"name", TestServer::UniqueName("bad")}};
      body.update(extra);
      return j(body);
    };
    const std::string P = "/api/prompts", G = "/api/generate", A = "/api/adapters",
                      F = "/api/feedback";
    return {
        // ---- prompts ----
        {"malformed JSON", "POST", P, std::string("{\"text\": "), 422},
        {"trailing garbage", "POST", P, std::string("{\"text\":\"x\"} x"), 422},
        {"not an object", "POST", P, std::string("[]"), 422},
        {"empty body", "POST", P, std::string(""), 422},
        {"missing text", "POST", P, j(Json::object()), 422},
        {"text wrong type", "POST", P, j({{"text", 5}}), 422},
        {"text null", "POST", P, j({{"text", nullptr}}), 422},
        {"text empty", "POST", P, j({{"text", ""}}), 422},
        {"text blank", "POST", P, j({{"text", "   \t "}}), 422},
        {"text too long", "POST", P, j({{"text", Text(2001)}}), 422},
        {"text invalid UTF-8", "POST", P, std::string("{\"text\":\"bad \xff\xfe bytes\"}"), 422},
        {"attributes not object", "POST", P, j({{"text", "x"}, {"attributes", "rock"}}), 422},
        {"tempo too low", "POST", P, j({{"text", "x"}, {"attributes", {{"tempo", 39}}}}), 422},
        {"tempo too high", "POST", P, j({{"text", "x"}, {"attributes", {{"tempo", 201}}}}), 422},
        {"tempo wrong type", "POST", P, j({{"text", "x"}, {"attributes", {{"tempo", "fast"}}}}),
         422},
        {"duration 0", "POST", P, j({{"text", "x"}, {"attributes", {{"duration", 0}}}}), 422},
        {"duration 31", "POST", P, j({{"text", "x"}, {"attributes", {{"duration", 31}}}}), 422},
        {"unknown primary instrument", "POST", P,
         j({{"text", "x"}, {"attributes", {{"primary_instruments", {"acoustic-piano", "banjo-9"}}}}}),
         422},
        {"unknown secondary instrument", "POST", P,
         j({{"text", "x"}, {"attributes", {{"secondary_instruments", {"kazoo"}}}}}), 422},
        {"instruments not a list", "POST", P,
         j({{"text", "x"}, {"attributes", {{"primary_instruments", "acoustic-piano"}}}}), 422},
        {"instrument not a string", "POST", P,
         j({{"text", "x"}, {"attributes", {{"primary_instruments", {7}}}}}), 422},
        {"prompt bad uuid", "GET", P + "/not-a-uuid", {}, 422},
        {"prompt unknown", "GET", P + "/" + unknown, {}, 404},
        {"prompts page 0", "GET", P + "?page=0", {}, 422},
        {"prompts limit not a number", "GET", P + "?limit=ten", {}, 422},
        // ---- generate ----
        {"generate malformed", "POST", G, std::string("{\"prompt_id\":"), 422},
        {"generate missing prompt", "POST", G, j({{"num_samples", 1}}), 422},
        {"generate bad prompt uuid", "POST", G, j({{"prompt_id", "abc"}}), 422},
        {"generate prompt wrong type", "POST", G, j({{"prompt_id", 12}}), 422},
        {"generate unknown prompt", "POST", G, j({{"prompt_id", unknown}}), 404},
        {"num_samples 0", "POST", G, gen({{"num_samples", 0}}), 422},
        {"num_samples 5", "POST", G, gen({{"num_samples", 5}}), 422},
        {"num_samples string", "POST", G, gen({{"num_samples", "2"}}), 422},
        {"num_samples fraction", "POST", G, gen({{"num_samples", 2.5}}), 422},
        {"temperature low", "POST", G, gen({{"temperature", 0.05}}), 422},
        {"temperature high", "POST", G, gen({{"temperature", 2.1}}), 422},
        {"temperature string", "POST", G, gen({{"temperature", "hot"}}), 422},
        {"top_k 0", "POST", G, gen({{"top_k", 0}}), 422},
        {"top_k 1001", "POST", G, gen({{"top_k", 1001}}), 422},
        {"top_p negative", "POST", G, gen({{"top_p", -0.1}}), 422},
        {"top_p above 1", "POST", G, gen({{"top_p", 1.1}}), 422},
        {"duration 0", "POST", G, gen({{"duration", 0}}), 422},
        {"duration 31", "POST", G, gen({{"duration", 31}}), 422},
        {"seed string", "POST", G, gen({{"seed", "lucky"}}), 422},
        {"adapter bad uuid", "POST", G, gen({{"adapter_id", "nope"}}), 422},
        {"adapter unknown", "POST", G, gen({{"adapter_id", unknown}}), 404},
        {"status bad uuid", "GET", G + "/not-a-uuid", {}, 422},
        {"status unknown", "GET", G + "/" + unknown, {}, 404},
        {"cancel bad uuid", "DELETE", G + "/not-a-uuid", {}, 422},
        {"cancel unknown", "DELETE", G + "/" + unknown, {}, 404},
        {"job feedback bad uuid", "GET", G + "/xyz/feedback", {}, 422},
        {"cancel completed job", "DELETE", G + "/" + f.job_id, {}, 400},
        // ---- jobs ----
        {"job bad uuid", "GET", "/api/jobs/not-a-uuid", {}, 422},
        {"job short uuid", "GET", "/api/jobs/" + unknown.substr(0, 35), {}, 422},
        {"job delete bad uuid", "DELETE", "/api/jobs/not-a-uuid", {}, 422},
        {"job delete unknown", "DELETE", "/api/jobs/" + unknown, {}, 404},
        {"job preview bad uuid", "GET", "/api/jobs/zzz/delete-preview", {}, 422},
        {"job preview unknown", "GET", "/api/jobs/" + unknown + "/delete-preview", {}, 404},
        {"jobs bad status", "GET", "/api/jobs?status=bogus", {}, 422},
        {"jobs bad start_date", "GET", "/api/jobs?start_date=yesterday", {}, 422},
        {"jobs bad end_date", "GET", "/api/jobs?end_date=2026-13-45", {}, 422},
        {"jobs limit 0", "GET", "/api/jobs?limit=0", {}, 422},
        {"jobs limit 101", "GET", "/api/jobs?limit=101", {}, 422},
        {"jobs limit not a number", "GET", "/api/jobs?limit=abc", {}, 422},
        {"jobs offset negative", "GET", "/api/jobs?offset=-1", {}, 422},
        {"jobs adapter bad uuid", "GET", "/api/jobs?adapter_id=xyz", {}, 422},
        {"jobs include_deleted not bool", "GET", "/api/jobs?include_deleted=maybe", {}, 422},
        // ---- audio ----
        {"audio bad uuid", "GET", "/api/audio/not-a-uuid", {}, 422},
        {"audio unknown", "GET", "/api/audio/" + unknown, {}, 404},
        {"stream bad uuid", "GET", "/api/audio/not-a-uuid/stream", {}, 422},
        {"stream unknown", "GET", "/api/audio/" + unknown + "/stream", {}, 404},
        {"compare missing ids", "POST", "/api/audio/compare", j(Json::object()), 422},
        {"compare ids not list", "POST", "/api/audio/compare", j({{"audio_ids", f.audio_a}}), 422},
        {"compare bad uuid", "POST", "/api/audio/compare", j({{"audio_ids", {"bad"}}}), 422},
        {"compare unknown", "POST", "/api/audio/compare", j({{"audio_ids", {f.audio_a, unknown}}}),
         404},
        {"compare malformed", "POST", "/api/audio/compare", std::string("{\"audio_ids\":[}"), 422},
        // ---- adapters ----
        {"adapter malformed", "POST", A, std::string("{name:1}"), 422},
        {"adapter missing name", "POST", A, j({{"description", "x"}}), 422},
        {"adapter name empty", "POST", A, j({{"name", ""}}), 422},
        {"adapter name too long", "POST", A, j({{"name", Text(101)}}), 422},
        {"adapter name wrong type", "POST", A, j({{"name", 5}}), 422},
        {"adapter config not object", "POST", A, adapter({{"config", "x"}}), 422},
        {"adapter config unknown key", "POST", A, adapter({{"config", {{"no_such_knob", 1}}}}),
         422},
        {"adapter config wrong type", "POST", A, adapter({{"config", {{"tempo_scale", "fast"}}}}),
         422},
        {"adapter is_active wrong type", "POST", A, adapter({{"is_active", "yes"}}), 422},
        {"adapter duplicate live name", "POST", A, std::nullopt, 409},  // filled in below
        {"adapter get bad uuid", "GET", A + "/not-a-uuid", {}, 422},
        {"adapter get unknown", "GET", A + "/" + unknown, {}, 404},
        {"adapter patch bad uuid", "PATCH", A + "/not-a-uuid", j({{"description", "x"}}), 422},
        {"adapter patch unknown", "PATCH", A + "/" + unknown, j({{"description", "x"}}), 404},
        {"adapter patch malformed", "PATCH", A + "/" + f.adapter_id, std::string("{"), 422},
        {"adapter patch bad status", "PATCH", A + "/" + f.adapter_id, j({{"status", "bogus"}}),
         422},
        {"adapter patch empty name", "PATCH", A + "/" + f.adapter_id, j({{"name", ""}}), 422},
        {"adapter patch is_active wrong type", "PATCH", A + "/" + f.adapter_id,
         j({{"is_active", "no"}}), 422},
        {"adapter patch unknown config key", "PATCH", A + "/" + f.adapter_id,
         j({{"config", {{"no_such_knob", 2}}}}), 422},
        {"adapter delete bad uuid", "DELETE", A + "/not-a-uuid", {}, 422},
        {"adapter delete unknown", "DELETE", A + "/" + unknown, {}, 404},
        {"adapter preview unknown", "GET", A + "/" + unknown + "/delete-preview", {}, 404},
        {"adapters skip negative", "GET", A + "?skip=-1", {}, 422},
        {"adapters bad status", "GET", A + "?status=bogus", {}, 422},
        // ---- feedback ----
        {"feedback malformed", "POST", F, std::string("{\"audio_id\""), 422},
        {"feedback missing audio", "POST", F, j({{"rating", 3}}), 422},
        {"feedback nothing given", "POST", F, fb(Json::object()), 422},
        {"feedback empty tags only", "POST", F, fb({{"tags", Json::array()}}), 422},
        {"feedback rating 0", "POST", F, fb({{"rating", 0}}), 422},
        {"feedback rating 6", "POST", F, fb({{"rating", 6}}), 422},
        {"feedback rating string", "POST", F, fb({{"rating", "5"}}), 422},
        {"feedback rating fraction", "POST", F, fb({{"rating", 4.5}}), 422},
        {"feedback preferred self", "POST", F, fb({{"preferred_over", f.audio_a}}), 422},
        {"feedback preferred bad uuid", "POST", F, fb({{"preferred_over", "b"}}), 422},
        {"feedback preferred unknown", "POST", F, fb({{"preferred_over", unknown}}), 404},
        {"feedback audio bad uuid", "POST", F, j({{"audio_id", "x"}, {"rating", 3}}), 422},
        {"feedback audio unknown", "POST", F, j({{"audio_id", unknown}, {"rating", 3}}), 404},
        {"feedback tags not list", "POST", F, fb({{"tags", "warm"}}), 422},
        {"feedback tag not string", "POST", F, fb({{"tags", {1}}}), 422},
        {"feedback notes wrong type", "POST", F, fb({{"rating", 3}, {"notes", 5}}), 422},
        {"feedback list min_rating 0", "GET", F + "?min_rating=0", {}, 422},
        {"feedback list max_rating 6", "GET", F + "?max_rating=6", {}, 422},
        {"feedback list min_rating text", "GET", F + "?min_rating=abc", {}, 422},
        {"feedback list bad job uuid", "GET", F + "?job_id=bad", {}, 422},
        {"feedback list bad audio uuid", "GET", F + "?audio_id=bad", {}, 422},
        {"feedback list page 0", "GET", F + "?page=0", {}, 422},
        {"feedback delete bad uuid", "DELETE", F + "/not-a-uuid", {}, 422},
        {"feedback delete unknown", "DELETE", F + "/" + unknown, {}, 404},
        // ---- routing ----
        {"unknown route", "GET", "/api/nope", {}, 404},
        {"unknown sub-route", "GET", "/api/jobs/" + f.job_id + "/nope", {}, 404},
        {"wrong method on list", "PUT", "/api/jobs", {}, 405},
        {"wrong method on stats", "POST", "/api/jobs/stats", j(Json::object()), 405},
        {"wrong method on job", "PATCH", "/api/jobs/" + f.job_id, j(Json::object()), 405},
        {"wrong method on health", "DELETE", "/api/health", {}, 405},
    };
  }
};

TEST_F(BadInputTest, EveryBadRequestIsA4xxWithDetailAndChangesNothing) {
  Fixture f = MakeFixture();
  ASSERT_FALSE(f.feedback_id.empty() || f.adapter_id.empty()) << "fixture rows missing";
  Json adapter = api().Get("/api/adapters/" + f.adapter_id).json();
  const Json before = server().Snapshot();

  for (BadCase c : Cases(f)) {
    if (c.label == "adapter duplicate live name") c.body = Json({{"name", adapter["name"]}}).dump();
    SCOPED_TRACE(c.label + ": " + c.method + " " + c.target +
                 (c.body ? " " + c.body->substr(0, 200) : std::string()));
    HttpResult r = c.body ? api().RequestRaw(c.method, c.target, *c.body)
                          : api().Request(c.method, c.target);
    EXPECT_EQ(r.status, c.expected) << r.Describe();
    EXPECT_TRUE(r.status >= 400 && r.status < 500) << r.Describe();
    Json j = r.json();
    EXPECT_TRUE(j.is_object() && j.contains("detail") && j["detail"].is_string())
        << "no JSON detail: " << r.body.substr(0, 300);
  }

  EXPECT_EQ(server().Snapshot(), before) << "a rejected request changed state";
  // The fixture rows are intact.
  EXPECT_EQ(api().Get("/api/jobs/" + f.job_id).status, 200);
  EXPECT_EQ(api().Get("/api/adapters/" + f.adapter_id).json(), adapter);
  EXPECT_EQ(api().Get("/api/health").status, 200);
}

TEST_F(BadInputTest, OversizeBodyIs413WithoutBeingReadToTheEnd) {
  const Json before = server().Snapshot();
  // A complete body just over 1 MiB.
  std::string big = "{\"text\":\"" + std::string((1 << 20) + 16, 'x') + "\"}";
  HttpResult full = api().RequestRaw("POST", "/api/prompts", big);
  EXPECT_EQ(full.status, 413) << full.Describe();
  EXPECT_TRUE(full.json().is_object() && full.json().contains("detail")) << full.body;

  // Announce 64 MiB, send 64 KiB and wait: the answer must come without the
  // rest of the body (a server that waits for it would time out here).
  HttpClient quick("127.0.0.1", server().port(), 5s);
  auto start = std::chrono::steady_clock::now();
  HttpResult truncated =
      quick.RequestTruncatedBody("POST", "/api/adapters", 64u << 20, std::string(64 << 10, ' '));
  EXPECT_EQ(truncated.status, 413) << truncated.Describe();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);

  // Same on every body-taking route.
  for (const char* target : {"/api/generate", "/api/feedback", "/api/audio/compare"}) {
    SCOPED_TRACE(target);
    HttpResult r = quick.RequestTruncatedBody("POST", target, 2u << 20, "{");
    EXPECT_EQ(r.status, 413) << r.Describe();
  }
  EXPECT_EQ(server().Snapshot(), before);
  EXPECT_EQ(api().Get("/api/health").status, 200);
}

TEST_F(BadInputTest, HostileJsonShapesAreRejectedWithoutCrashing) {
  const Json before = server().Snapshot();
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {"deep unterminated nesting", std::string(200000, '[')},
      {"deep valid nesting", std::string(100000, '[') + std::string(100000, ']')},
      {"deep object nesting",
       [] {
         std::string s;
         for (int i = 0; i < 50000; ++i) s += "{\"a\":";
         s += "1";
         s += std::string(50000, '}');
         return s;
       }()},
      {"huge number", "{\"text\":\"x\",\"attributes\":{\"tempo\":1e400}}"},
      {"negative zero duration", "{\"text\":\"x\",\"attributes\":{\"duration\":-0}}"},
      {"NUL in text", std::string("{\"text\":\"a\\u0000b\",\"attributes\":{\"tempo\":1000}}")},
      {"lone surrogate", "{\"text\":\"\\ud800\",\"attributes\":{\"tempo\":1000}}"},
  };
  for (const auto& [label, body] : bodies) {
    for (const char* target : {"/api/prompts", "/api/generate", "/api/adapters", "/api/feedback"}) {
      SCOPED_TRACE(label + std::string(" -> ") + target);
      HttpResult r = api().RequestRaw("POST", target, body);
      EXPECT_TRUE(r.status >= 400 && r.status < 500) << r.Describe();
      ASSERT_NE(r.status, 0) << "the server stopped answering (crash?)";
    }
  }
  EXPECT_EQ(server().Snapshot(), before);
  EXPECT_EQ(api().Get("/api/health").status, 200);
}

}  // namespace
}  // namespace studio::testing
