// Black-box: the transport and the server under pressure — keep-alive
// framing after errors, ids in any case, oversize headers, cancels racing
// the worker, and a mixed concurrent load that must never answer 5xx and
// must leave the counters and the audio folder consistent.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cctype>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_server.h"
#include "util/uuid.h"

namespace studio::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

class RobustnessTest : public SharedServerTest<RobustnessTest> {
 public:
  static TestServerOptions ServerOptions() {
    TestServerOptions o;
    o.workers = 2;
    return o;
  }

 protected:
  // Waits until no live job is queued or processing.
  void WaitUntilIdle(std::chrono::seconds timeout = 60s) {
    auto deadline = Clock::now() + timeout;
    Json stats;
    while (Clock::now() < deadline) {
      stats = api().Get("/api/jobs/stats").json();
      if (stats.value("active_jobs", -1) == 0) return;
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "jobs still active after " << timeout.count() << " s: " << stats.dump();
  }
};

TEST_F(RobustnessTest, KeepAliveConnectionStaysInStepAfterErrors) {
  Json job = server().RunCompletedJob(1, 1);
  ASSERT_TRUE(job.is_object());
  const std::string stream = "/api/audio/" + job["audio_ids"][0].get<std::string>() + "/stream";
  struct Step {
    std::string method, target;
    std::optional<std::string> body;
    Headers headers;
    int expected;
  };
  const std::vector<Step> steps = {
      {"GET", "/api/health", {}, {}, 200},
      {"POST", "/api/jobs/stats", std::string("{\"a\":\"" + std::string(5000, 'x') + "\"}"), {}, 405},
      {"GET", "/api/health", {}, {}, 200},
      {"POST", "/api/prompts", std::string("{\"text\": \"unterminated"), {}, 422},
      {"GET", "/api/jobs/stats", {}, {}, 200},
      {"POST", "/api/generate", Json({{"prompt_id", NewUuid()}}).dump(), {}, 404},
      {"GET", "/api/nope", {}, {}, 404},
      {"POST", "/api/prompts", Json({{"text", "keep-alive"}}).dump(), {}, 201},
      {"GET", stream, {}, {}, 200},
      {"GET", stream, {}, {{"Range", "bytes=0-9"}}, 206},
      {"DELETE", "/api/feedback/" + NewUuid(), {}, {}, 404},
      {"GET", "/api/health", {}, {}, 200},
  };
  HttpConnection conn("127.0.0.1", server().port());
  ASSERT_TRUE(conn.open());
  int reconnects = 0;
  std::unique_ptr<HttpConnection> current;
  HttpConnection* c = &conn;
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    SCOPED_TRACE("step " + std::to_string(i) + ": " + step.method + " " + step.target);
    if (!c->open()) {  // the server may close after an error; then start anew
      ++reconnects;
      current = std::make_unique<HttpConnection>("127.0.0.1", server().port());
      c = current.get();
    }
    HttpResult r = step.body ? c->RequestRaw(step.method, step.target, *step.body,
                                             "application/json", step.headers)
                             : c->Request(step.method, step.target, std::nullopt, step.headers);
    EXPECT_EQ(r.status, step.expected) << r.Describe();
    if (step.expected == 206) {
      EXPECT_EQ(r.body.size(), 10u);
    }
  }
  EXPECT_LE(reconnects, 3) << "the server closes keep-alive connections after most errors";
}

TEST_F(RobustnessTest, IdsAreAcceptedInAnyCaseAndAnsweredCanonically) {
  Json job = server().RunCompletedJob(2, 1);
  ASSERT_TRUE(job.is_object());
  const std::string id = job["id"], a = job["audio_ids"][0], b = job["audio_ids"][1];
  HttpResult got = api().Get("/api/jobs/" + Upper(id));
  ASSERT_EQ(got.status, 200) << got.Describe();
  EXPECT_EQ(got.json().value("id", ""), id);
  EXPECT_EQ(api().Get("/api/audio/" + Upper(a)).json().value("id", ""), a);
  HttpResult fb = api().Post("/api/feedback",
                             {{"audio_id", Upper(a)}, {"preferred_over", Upper(b)}});
  ASSERT_EQ(fb.status, 201) << fb.Describe();
  EXPECT_EQ(fb.json().value("audio_id", ""), a);
  EXPECT_EQ(fb.json().value("preferred_over", ""), b);
  // The same id in two cases is one sample: not a preference for itself.
  EXPECT_EQ(api().Post("/api/feedback", {{"audio_id", a}, {"preferred_over", Upper(a)}}).status,
            422);
  HttpResult del = api().Delete("/api/jobs/" + Upper(id));
  ASSERT_EQ(del.status, 200) << del.Describe();
  EXPECT_EQ(del.json().value("job_id", ""), id);
  EXPECT_EQ(del.json().value("feedback_deleted", -1), 1);
  EXPECT_EQ(api().Get("/api/jobs/" + id).status, 404);
  EXPECT_EQ(api().Delete("/api/jobs/" + id).status, 404);
}

TEST_F(RobustnessTest, OversizeHeaderIsA4xxAndTheServerGoesOn) {
  Headers big;  // 64 KiB of headers, in fields our client accepts
  for (int i = 0; i < 16; ++i) big.push_back({"X-Big-" + std::to_string(i), std::string(4096, 'h')});
  HttpResult r = api().Get("/api/health", big);
  EXPECT_TRUE(r.status == 431 || r.status == 413 || r.status == 400) << r.Describe();
  EXPECT_TRUE(r.json().is_object() && r.json().contains("detail")) << r.body.substr(0, 200);
  EXPECT_EQ(api().Get("/api/health").status, 200);
}

TEST_F(RobustnessTest, CancelRacingTheWorkerEndsInExactlyOneOutcome) {
  const std::string prompt_id = server().CreatePrompt("race to cancel", {{"tempo", 150}});
  ASSERT_FALSE(prompt_id.empty());
  const auto t0 = Clock::now();
  Json calibration = server().Generate({{"prompt_id", prompt_id}, {"num_samples", 2}, {"duration", 3}});
  ASSERT_TRUE(calibration.is_object());
  server().WaitForJob(calibration["id"], {"completed", "failed"});
  const int job_ms =
      static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count());
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> delay_ms(0, job_ms * 6 / 5);

  struct Outcome {
    std::string id;
    int cancel_status;
    Json samples_after_cancel;
  };
  std::vector<Outcome> outcomes;
  std::map<int, int> histogram;
  for (int i = 0; i < 20; ++i) {
    Json job = server().Generate(
        {{"prompt_id", prompt_id}, {"num_samples", 2}, {"duration", 3}, {"seed", i}});
    ASSERT_TRUE(job.is_object());
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    HttpResult cancel = api().Delete("/api/generate/" + job["id"].get<std::string>());
    ++histogram[cancel.status];
    EXPECT_TRUE(cancel.status == 204 || cancel.status == 400) << cancel.Describe();
    Json now = api().Get("/api/jobs/" + job["id"].get<std::string>()).json();
    if (cancel.status == 204) {
      EXPECT_EQ(now.value("status", ""), "cancelled") << now.dump();
    } else {
      EXPECT_EQ(now.value("status", ""), "completed") << now.dump();
    }
    outcomes.push_back({job["id"], cancel.status, now.value("audio_ids", Json::array())});
  }
  WaitUntilIdle();
  std::this_thread::sleep_for(200ms);
  for (const auto& o : outcomes) {
    SCOPED_TRACE(o.id);
    Json final = api().Get("/api/jobs/" + o.id).json();
    EXPECT_EQ(final.value("status", ""), o.cancel_status == 204 ? "cancelled" : "completed");
    EXPECT_EQ(final.value("audio_ids", Json::array()), o.samples_after_cancel)
        << "samples were attached after the cancel";
    EXPECT_TRUE(server().AudioStorageConsistent(o.id));
  }
  EXPECT_TRUE(server().TmpFiles().empty());
  EXPECT_GE(histogram[204], 1) << "no cancel caught a job before it completed";
}

TEST_F(RobustnessTest, MixedConcurrentLoadNeverAnswers5xxAndStaysConsistent) {
  constexpr int kThreads = 6;
  const auto run_for = 3s;
  // Seed material: a few finished samples to give feedback on.
  Json seed_job = server().RunCompletedJob(2, 1);
  ASSERT_TRUE(seed_job.is_object());

  std::mutex mu;
  std::vector<std::string> job_ids{seed_job["id"]};
  std::vector<std::string> audio_ids{seed_job["audio_ids"][0], seed_job["audio_ids"][1]};
  std::vector<std::string> problems;
  std::atomic<int> requests{0};
  auto note = [&](const std::string& what, const HttpResult& r) {
    std::lock_guard<std::mutex> lock(mu);
    if (problems.size() < 20) problems.push_back(what + " -> " + r.Describe());
  };
  auto pick = [&](std::vector<std::string>& from, std::mt19937& rng) {
    std::lock_guard<std::mutex> lock(mu);
    return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng)];
  };

  const auto stop_at = Clock::now() + run_for;
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t) {
    pool.emplace_back([&, t] {
      std::mt19937 rng(100 + t);
      while (Clock::now() < stop_at) {
        ++requests;
        const int action = std::uniform_int_distribution<int>(0, 9)(rng);
        if (action == 0 || (action == 1 && t % 2 == 0)) {  // submit
          HttpResult p = api().Post("/api/prompts", {{"text", "load " + std::to_string(t)}});
          if (p.status != 201) { note("create prompt", p); continue; }
          HttpResult g = api().Post("/api/generate", {{"prompt_id", p.json()["id"]},
                                                      {"num_samples", 1 + t % 2},
                                                      {"duration", 1}});
          if (g.status != 201) { note("generate", g); continue; }
          std::lock_guard<std::mutex> lock(mu);
          job_ids.push_back(g.json()["id"]);
        } else if (action == 2) {  // delete a job
          const std::string id = pick(job_ids, rng);
          HttpResult r = api().Delete("/api/jobs/" + id);
          if (r.status != 200 && r.status != 404) note("delete job", r);
        } else if (action == 3) {  // cancel a job
          const std::string id = pick(job_ids, rng);
          HttpResult r = api().Delete("/api/generate/" + id);
          if (r.status != 204 && r.status != 400 && r.status != 404) note("cancel job", r);
        } else if (action == 4) {  // feedback
          const std::string a = pick(audio_ids, rng);
          HttpResult r = api().Post("/api/feedback", {{"audio_id", a}, {"rating", 1 + t % 5}});
          if (r.status != 201 && r.status != 404) note("feedback", r);
        } else if (action == 5) {  // learn finished samples
          const std::string id = pick(job_ids, rng);
          HttpResult r = api().Get("/api/generate/" + id);
          if (r.status == 200) {
            std::lock_guard<std::mutex> lock(mu);
            for (const auto& a : r.json().value("audio_ids", Json::array())) audio_ids.push_back(a);
          } else if (r.status != 404) {
            note("job status", r);
          }
        } else if (action == 6) {  // adapters
          HttpResult c = api().Post("/api/adapters", {{"name", TestServer::UniqueName("load")}});
          if (c.status != 201) { note("create adapter", c); continue; }
          HttpResult d = api().Delete("/api/adapters/" + c.json().value("id", ""));
          if (d.status != 200) note("delete adapter", d);
        } else if (action == 7) {  // stream
          const std::string a = pick(audio_ids, rng);
          HttpResult r = api().Get("/api/audio/" + a + "/stream", {{"Range", "bytes=0-1023"}});
          if (r.status != 206 && r.status != 404) note("stream", r);
        } else {  // reads
          for (const char* target : {"/api/jobs?limit=50", "/api/jobs/stats", "/api/feedback/summary",
                                     "/api/adapters/stats", "/api/feedback?limit=20"}) {
            HttpResult r = api().Get(target);
            if (r.status != 200) note(std::string("GET ") + target, r);
          }
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  std::cout << "[ load ] " << requests.load() << " actions, " << job_ids.size() << " jobs\n";
  for (const auto& p : problems) ADD_FAILURE() << p;

  WaitUntilIdle();
  std::this_thread::sleep_for(200ms);
  // Counters agree with the lists they summarise.
  Json stats = api().Get("/api/jobs/stats").json();
  Json jobs = api().Get("/api/jobs?limit=1").json();
  EXPECT_EQ(stats.value("total_jobs", -1), jobs.value("total", -2)) << stats.dump();
  int64_t by_status = 0;
  for (const auto& [status, n] : stats["status_counts"].items()) {
    by_status += n.get<int64_t>();
    Json filtered = api().Get("/api/jobs?limit=1&status=" + status).json();
    EXPECT_EQ(n.get<int64_t>(), filtered.value("total", -1)) << status;
  }
  EXPECT_EQ(by_status, stats.value("total_jobs", -1));
  Json summary = api().Get("/api/feedback/summary").json();
  EXPECT_EQ(summary.value("total_feedback", -1),
            api().Get("/api/feedback?limit=1").json().value("total", -2));
  // Every job's audio agrees with its rows; nothing half-written remains.
  std::set<std::string> unique_jobs(job_ids.begin(), job_ids.end());
  for (const auto& id : unique_jobs) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(server().AudioStorageConsistent(id));
    Json detail = server().GetJobIncludingDeleted(id);
    const std::string status = detail.value("status", "");
    EXPECT_TRUE(status == "completed" || status == "cancelled") << detail.dump();
    if (status == "completed") {
      EXPECT_EQ(detail["audio_ids"].size(), detail.value("num_samples", 0u));
    }
  }
  EXPECT_TRUE(server().TmpFiles().empty());
}

}  // namespace
}  // namespace studio::testing
