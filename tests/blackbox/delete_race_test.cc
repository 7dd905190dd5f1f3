// Black-box: deletes racing the worker and each other. SPEC section 3: "no
// later event (a worker finishing, a retry) may bring a deleted job back,
// mark it completed, or attach new samples or feedback to it", and no
// partial outputs remain.
#include <atomic>
#include <chrono>
#include <latch>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <iostream>

#include <gtest/gtest.h>

#include "support/test_server.h"

namespace studio::testing {
namespace {

using namespace std::chrono_literals;

// Sends `method target` from `threads` threads released at the same moment;
// returns every answer.
std::vector<HttpResult> Concurrently(const HttpClient& client, int threads,
                                     const std::string& method, const std::string& target,
                                     const std::optional<Json>& body = std::nullopt) {
  std::vector<HttpResult> results(threads);
  std::latch start(threads);
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = client.Request(method, target, body);
    });
  }
  for (auto& t : pool) t.join();
  return results;
}

std::map<int, int> StatusHistogram(const std::vector<HttpResult>& results) {
  std::map<int, int> h;
  for (const auto& r : results) ++h[r.status];
  return h;
}

std::string Show(const std::map<int, int>& h) {
  std::string s;
  for (const auto& [status, n] : h) s += std::to_string(status) + "x" + std::to_string(n) + " ";
  return s;
}

class DeleteRaceTest : public SharedServerTest<DeleteRaceTest> {
 public:
  static TestServerOptions ServerOptions() {
    TestServerOptions o;
    o.workers = 1;  // FIFO: a job submitted last is served after every earlier one
    return o;
  }

 protected:
  // Waits until the worker has dealt with everything submitted so far.
  void DrainQueue() {
    Json sentinel = server().SubmitJob(1, 1);
    ASSERT_TRUE(sentinel.is_object());
    Json done = server().WaitForJob(sentinel["id"], {"completed", "failed"}, 90s);
    ASSERT_EQ(done.value("status", ""), "completed") << done.dump();
  }
};

TEST_F(DeleteRaceTest, DeleteWhileRenderingNeverLeavesAResurrectedOrPartialJob) {
  constexpr int kIterations = 30;
  constexpr int kSamples = 4;
  constexpr int kSeconds = 3;
  const std::string prompt_id = server().CreatePrompt(
      "driving rock with distorted guitar", {{"tempo", 140},
                                             {"primary_instruments", {"electric-guitar-distorted"}},
                                             {"secondary_instruments", {"acoustic-drum-kit"}}});
  ASSERT_FALSE(prompt_id.empty());
  // Calibration: how long one such job takes from submit to completed here.
  // Delays are then drawn across that span and a little beyond, so that
  // deletes land while queued, mid-render, between samples and after the end.
  const auto calibration_start = std::chrono::steady_clock::now();
  Json calibration = server().Generate(
      {{"prompt_id", prompt_id}, {"num_samples", kSamples}, {"duration", kSeconds}});
  ASSERT_TRUE(calibration.is_object());
  ASSERT_EQ(server().WaitForJob(calibration["id"], {"completed", "failed"}).value("status", ""),
            "completed");
  const int job_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::steady_clock::now() - calibration_start)
                                          .count());
  const Json stats_before = api().Get("/api/jobs/stats").json();
  std::mt19937 rng(20261127);
  std::uniform_int_distribution<int> delay_ms(0, job_ms * 6 / 5);

  struct Observed {
    std::string id;
    std::string status_at_delete;
    std::string deleted_at;
    Json audio_ids_at_delete;
  };
  std::vector<Observed> jobs;
  std::map<std::string, int> outcomes;
  for (int i = 0; i < kIterations; ++i) {
    SCOPED_TRACE("iteration " + std::to_string(i));
    Json job = server().Generate({{"prompt_id", prompt_id},
                                  {"num_samples", kSamples},
                                  {"duration", kSeconds},
                                  {"seed", 1000 + i}});
    ASSERT_TRUE(job.is_object());
    const std::string id = job["id"];
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    const std::string seen_before = api().Get("/api/generate/" + id).json().value("status", "");
    HttpResult del = api().Delete("/api/jobs/" + id);
    ASSERT_EQ(del.status, 200) << del.Describe();
    Json after = server().GetJobIncludingDeleted(id);
    ASSERT_TRUE(after.is_object());
    const std::string status = after.value("status", "");
    EXPECT_TRUE(status == "cancelled" || status == "completed")
        << "status right after delete: " << after.dump();
    if (seen_before == "completed") {
      EXPECT_EQ(status, "completed");
    }
    ASSERT_TRUE(after["deleted_at"].is_string()) << after.dump();
    if (status == "completed") {
      ASSERT_TRUE(after["completed_at"].is_string()) << after.dump();
      EXPECT_LE(after["completed_at"].get<std::string>(), after["deleted_at"].get<std::string>());
    }
    ++outcomes[seen_before + "->" + status];
    jobs.push_back({id, status, after["deleted_at"], after.value("audio_ids", Json::array())});
  }
  std::string summary;
  for (const auto& [k, n] : outcomes) summary += k + ":" + std::to_string(n) + " ";
  std::cout << "[ race ] one job takes " << job_ms << " ms; outcomes: " << summary << "\n";
  EXPECT_GE(outcomes["processing->cancelled"], 1)
      << "the race never caught a job mid-render; outcomes: " << summary;

  DrainQueue();
  std::this_thread::sleep_for(300ms);

  for (const auto& job : jobs) {
    SCOPED_TRACE(job.id + " (" + job.status_at_delete + " at delete)");
    Json final = server().GetJobIncludingDeleted(job.id);
    EXPECT_EQ(final.value("status", ""), job.status_at_delete)
        << "status changed after the delete: " << final.dump();
    EXPECT_EQ(final.value("deleted_at", ""), job.deleted_at);
    EXPECT_EQ(final.value("audio_ids", Json::array()), job.audio_ids_at_delete)
        << "samples were attached to the job after its delete";
    EXPECT_EQ(api().Get("/api/generate/" + job.id).status, 404);
    std::vector<std::string> rows;
    EXPECT_TRUE(server().AudioStorageConsistent(job.id, &rows));
    std::set<std::string> listed;
    for (const auto& a : final.value("audio_ids", Json::array())) listed.insert(a);
    EXPECT_EQ(listed, std::set<std::string>(rows.begin(), rows.end()))
        << "audio_ids differ from the job's audio rows";
    if (job.status_at_delete == "completed") {
      EXPECT_EQ(rows.size(), size_t{kSamples});
    }
  }
  std::vector<std::string> tmp = server().TmpFiles();
  EXPECT_TRUE(tmp.empty()) << tmp.size() << " temp files left, e.g. " << tmp[0];

  // Counts: only the drain job was added to the live statistics.
  const Json stats_after = api().Get("/api/jobs/stats").json();
  EXPECT_EQ(stats_after.value("total_jobs", -1), stats_before.value("total_jobs", -1) + 1)
      << stats_before.dump() << " -> " << stats_after.dump();
  EXPECT_EQ(stats_after["status_counts"].value("cancelled", -1),
            stats_before["status_counts"].value("cancelled", -1));
  EXPECT_EQ(stats_after.value("active_jobs", -1), 0);
}

TEST_F(DeleteRaceTest, TwentyConcurrentDeletesOfACompletedJobSucceedExactlyOnce) {
  Json job = server().RunCompletedJob(2, 1);
  ASSERT_TRUE(job.is_object());
  ASSERT_TRUE(server().AddFeedback({{"audio_id", job["audio_ids"][0]}, {"rating", 5}}).is_object());
  ASSERT_TRUE(server()
                  .AddFeedback({{"audio_id", job["audio_ids"][1]},
                                {"preferred_over", job["audio_ids"][0]}})
                  .is_object());
  const Json summary_before = api().Get("/api/feedback/summary").json();

  auto results = Concurrently(api(), 20, "DELETE", "/api/jobs/" + job["id"].get<std::string>());
  auto histogram = StatusHistogram(results);
  EXPECT_EQ(histogram[200], 1) << Show(histogram);
  EXPECT_EQ(histogram[404], 19) << Show(histogram);
  for (const auto& r : results) {
    if (r.status == 200) {
      EXPECT_EQ(r.json().value("feedback_deleted", -1), 2) << r.body;
    }
  }
  const Json summary_after = api().Get("/api/feedback/summary").json();
  EXPECT_EQ(summary_after.value("total_feedback", -1),
            summary_before.value("total_feedback", -1) - 2);
}

TEST_F(DeleteRaceTest, TwentyConcurrentDeletesOfAProcessingJobSucceedExactlyOnce) {
  Json job = server().SubmitJob(4, 20);
  ASSERT_TRUE(job.is_object());
  const std::string id = job["id"];
  ASSERT_TRUE(server().WaitUntilRendering(id));
  auto results = Concurrently(api(), 20, "DELETE", "/api/jobs/" + id);
  auto histogram = StatusHistogram(results);
  EXPECT_EQ(histogram[200], 1) << Show(histogram);
  EXPECT_EQ(histogram[404], 19) << Show(histogram);
  DrainQueue();
  Json final = server().GetJobIncludingDeleted(id);
  EXPECT_EQ(final.value("status", ""), "cancelled") << final.dump();
  EXPECT_TRUE(server().AudioStorageConsistent(id));
  EXPECT_TRUE(server().TmpFiles().empty());
}

TEST_F(DeleteRaceTest, FeedbackRacingAJobDeleteIsEitherCascadedOrRefused) {
  Json job = server().RunCompletedJob(2, 1);
  ASSERT_TRUE(job.is_object());
  const std::string a = job["audio_ids"][0], b = job["audio_ids"][1];
  const Json summary_before = api().Get("/api/feedback/summary").json();

  constexpr int kThreads = 6;
  std::atomic<int> created{0}, refused{0}, other{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> posters;
  std::mutex mu;
  std::string unexpected;
  for (int t = 0; t < kThreads; ++t) {
    posters.emplace_back([&, t] {
      for (int n = 0; n < 300 && !stop; ++n) {
        Json body = t % 2 ? Json{{"audio_id", a}, {"rating", 1 + n % 5}}
                          : Json{{"audio_id", b}, {"preferred_over", a}};
        HttpResult r = api().Post("/api/feedback", body);
        if (r.status == 201) {
          ++created;
        } else if (r.status == 404) {
          ++refused;
          return;
        } else {
          ++other;
          std::lock_guard<std::mutex> lock(mu);
          unexpected = r.Describe();
          return;
        }
      }
    });
  }
  std::this_thread::sleep_for(150ms);
  HttpResult del = api().Delete("/api/jobs/" + job["id"].get<std::string>());
  std::this_thread::sleep_for(100ms);
  stop = true;
  for (auto& t : posters) t.join();

  ASSERT_EQ(del.status, 200) << del.Describe();
  EXPECT_EQ(other.load(), 0) << unexpected;
  EXPECT_GT(created.load(), 0) << "no feedback got in before the delete; the race was not run";
  EXPECT_EQ(del.json().value("feedback_deleted", -1), created.load())
      << "feedback accepted after the delete survived it (or the cascade missed some)";
  const Json summary_after = api().Get("/api/feedback/summary").json();
  EXPECT_EQ(summary_after.value("total_feedback", -1), summary_before.value("total_feedback", -1))
      << summary_after.dump();
}

TEST_F(DeleteRaceTest, ConcurrentAdapterCreatesAndDeletesKeepNamesUnique) {
  const std::string name = TestServer::UniqueName("contested");
  auto creates = Concurrently(api(), 10, "POST", "/api/adapters", Json{{"name", name}});
  auto histogram = StatusHistogram(creates);
  EXPECT_EQ(histogram[201], 1) << Show(histogram);
  EXPECT_EQ(histogram[409], 9) << Show(histogram);
  std::string id;
  for (const auto& r : creates) {
    if (r.status == 201) id = r.json().value("id", "");
  }
  ASSERT_FALSE(id.empty());
  auto deletes = Concurrently(api(), 10, "DELETE", "/api/adapters/" + id);
  histogram = StatusHistogram(deletes);
  EXPECT_EQ(histogram[200], 1) << Show(histogram);
  EXPECT_EQ(histogram[404], 9) << Show(histogram);
  // The name is free again, for exactly one new adapter.
  auto again = Concurrently(api(), 10, "POST", "/api/adapters", Json{{"name", name}});
  histogram = StatusHistogram(again);
  EXPECT_EQ(histogram[201], 1) << Show(histogram);
  EXPECT_EQ(histogram[409], 9) << Show(histogram);
}

}  // namespace
}  // namespace studio::testing
