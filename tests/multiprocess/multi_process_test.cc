// Several studio processes on one PostgreSQL database and one shared data
// dir (issue: "Scale out on PostgreSQL"): API processes (`serve --workers
// 0`) and worker processes (`studio worker`), as in docs/DEPLOYMENT.md.
//
//  - jobs submitted through two APIs are each rendered exactly once by two
//    worker processes;
//  - a delete through one API stops a worker in another process within a
//    second, with no partial output and no completion;
//  - a worker killed mid-job loses its lease and another worker finishes it;
//  - the database restarting mid-run gives 503s, then the whole studio
//    recovers by itself with no job lost or duplicated.
//
// Needs STUDIO_TEST_PG_URL (and STUDIO_TEST_PG_DIR for the restart test);
// scripts/test.sh provides both.
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/pg_test_database.h"
#include "support/test_backend.h"
#include "support/test_server.h"

namespace studio::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kSlowSoundFont = "/usr/share/sounds/sf2/FluidR3_GM.sf2";

int CountOccurrences(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

class MultiProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PgTestsEnabled()) GTEST_SKIP() << "STUDIO_TEST_SKIP_PG=1";
    Status s;
    db_ = PgTestDatabase::Create(&s);
    ASSERT_TRUE(db_) << s.ToString();
    dir_ = MakeTempDir("studio-multi-");
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override {
    workers_.clear();
    apis_.clear();
    db_.reset();
    if (!dir_.empty() && std::getenv("STUDIO_TEST_KEEP_DATA") == nullptr) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  // An API process (no workers) on the shared database and data dir.
  TestServer& AddApi() {
    TestServerOptions options;
    options.workers = 0;
    options.data_dir = dir_;
    options.db_url = db_->url();
    apis_.push_back(std::make_unique<TestServer>(options));
    EXPECT_TRUE(apis_.back()->Start());
    return *apis_.back();
  }

  TestWorker& AddWorker(const std::string& soundfont = STUDIO_TEST_SOUNDFONT) {
    workers_.push_back(std::make_unique<TestWorker>(db_->url(), dir_, 1, soundfont));
    EXPECT_TRUE(workers_.back()->Start());
    return *workers_.back();
  }

  // Rows as text, from the shared database.
  std::vector<std::vector<std::string>> Query(const std::string& sql) {
    std::string error;
    auto rows = QueryPostgres(db_->url(), sql, &error);
    EXPECT_TRUE(rows) << sql << ": " << error;
    return rows ? *rows : std::vector<std::vector<std::string>>{};
  }

  std::unique_ptr<PgTestDatabase> db_;
  std::string dir_;
  std::vector<std::unique_ptr<TestServer>> apis_;
  std::vector<std::unique_ptr<TestWorker>> workers_;
};

TEST_F(MultiProcessTest, JobsFromTwoApisAreEachRenderedExactlyOnceByTwoWorkerProcesses) {
  TestServer& api1 = AddApi();
  TestServer& api2 = AddApi();
  TestWorker& w1 = AddWorker();
  TestWorker& w2 = AddWorker();
  ASSERT_FALSE(HasFailure());

  std::map<std::string, int> samples_of;  // job id -> num_samples
  for (int i = 0; i < 40; ++i) {
    TestServer& api = i % 2 ? api2 : api1;
    Json job = api.SubmitJob(1 + i % 2, 2, {{"seed", i}}, "multi-process job " + std::to_string(i));
    ASSERT_TRUE(job.is_object()) << "submit " << i;
    samples_of[job["id"]] = 1 + i % 2;
  }
  int total_samples = 0;
  for (const auto& [id, n] : samples_of) {
    Json done = api1.WaitForJob(id, {"completed", "failed", "cancelled"}, 180s);
    ASSERT_EQ(done.value("status", ""), "completed") << done.dump();
    EXPECT_EQ(done["audio_ids"].size(), static_cast<size_t>(n)) << id;
    EXPECT_TRUE(api2.AudioStorageConsistent(id)) << id;
    total_samples += n;
  }
  EXPECT_EQ(Query("SELECT count(*) FROM audio_samples")[0][0], std::to_string(total_samples))
      << "a sample was rendered twice, or one is missing";
  EXPECT_TRUE(api1.TmpFiles().empty());

  // Each job was claimed and rendered by exactly one worker process, and
  // both processes took part. (Stopping flushes their logs.)
  w1.Stop();
  w2.Stop();
  const std::string log1 = w1.ReadLog(), log2 = w2.ReadLog();
  int by_w1 = 0, by_w2 = 0;
  for (const auto& [id, n] : samples_of) {
    int a = CountOccurrences(log1, "rendering job " + id), b = CountOccurrences(log2, "rendering job " + id);
    EXPECT_EQ(a + b, 1) << "job " << id << " was rendered " << a + b << " times";
    by_w1 += a;
    by_w2 += b;
  }
  EXPECT_GT(by_w1, 0) << "worker 1 rendered nothing (worker 2: " << by_w2 << ")";
  EXPECT_GT(by_w2, 0) << "worker 2 rendered nothing (worker 1: " << by_w1 << ")";
  Json stats = api2.client().Get("/api/jobs/stats").json();
  EXPECT_EQ(stats.value("total_jobs", -1), 40) << stats.dump();
  EXPECT_EQ(stats["status_counts"].value("completed", -1), 40) << stats.dump();
}

// The moment (wall clock, local time as spdlog writes it) of the first log
// line containing `needle`, or nullopt.
std::optional<std::chrono::system_clock::time_point> LoggedAt(const std::string& log,
                                                              const std::string& needle) {
  size_t pos = log.find(needle);
  if (pos == std::string::npos) return std::nullopt;
  size_t start = log.rfind("\n[", pos);
  start = start == std::string::npos ? 1 : start + 2;
  std::tm tm{};
  int millis = 0;
  std::istringstream in(log.substr(start, 23));
  in >> std::get_time(&tm, "%Y-%m-%d %H:%M:%S");
  char dot = 0;
  in >> dot >> millis;
  if (in.fail()) return std::nullopt;
  tm.tm_isdst = -1;
  return std::chrono::system_clock::from_time_t(std::mktime(&tm)) + std::chrono::milliseconds(millis);
}

TEST_F(MultiProcessTest, ADeleteThroughOneApiStopsTheWorkerOfAnotherProcessWithinASecond) {
  TestServer& api1 = AddApi();
  TestServer& api2 = AddApi();
  TestWorker& worker = AddWorker(kSlowSoundFont);  // slow enough to catch mid-render
  ASSERT_FALSE(HasFailure());

  Json job = api2.SubmitJob(4, 30);
  ASSERT_TRUE(job.is_object());
  const std::string id = job["id"];
  ASSERT_TRUE(api2.WaitUntilRendering(id)) << worker.ReadLog();
  HttpResult deleted = api1.client().Delete("/api/jobs/" + id);
  const auto deleted_at = std::chrono::system_clock::now();
  ASSERT_EQ(deleted.status, 200) << deleted.Describe();

  // The worker logs the abandonment at the moment it notices; its log is
  // flushed within a second, so give it time before reading.
  std::optional<std::chrono::system_clock::time_point> stopped_at;
  for (auto deadline = Clock::now() + 10s; !stopped_at && Clock::now() < deadline;) {
    std::this_thread::sleep_for(200ms);
    stopped_at = LoggedAt(worker.ReadLog(), "job " + id + " was cancelled or deleted");
  }
  ASSERT_TRUE(stopped_at) << "the worker never noticed the delete; log:\n" << worker.ReadLog();
  const double seconds = std::chrono::duration<double>(*stopped_at - deleted_at).count();
  EXPECT_LT(seconds, 1.0) << "the worker stopped " << seconds << " s after the delete";
  std::cout << "[ stop ] the worker in another process stopped " << seconds
            << " s after the delete answered\n";

  Json after = api1.GetJobIncludingDeleted(id);
  EXPECT_EQ(after.value("status", ""), "cancelled") << after.dump();
  EXPECT_LT(after["audio_ids"].size(), 4u) << "the render ran to its end";
  EXPECT_EQ(Query("SELECT count(*) FROM generation_jobs WHERE status = 'completed'")[0][0], "0");
  EXPECT_TRUE(api1.AudioStorageConsistent(id));
  EXPECT_TRUE(api1.TmpFiles().empty());
  EXPECT_EQ(api2.client().Get("/api/jobs/" + id).status, 404);
}

TEST_F(MultiProcessTest, AKilledWorkersJobIsFinishedByAnotherWorkerAfterItsLeaseExpires) {
  TestServer& api = AddApi();
  TestWorker& doomed = AddWorker(kSlowSoundFont);
  ASSERT_FALSE(HasFailure());
  Json job = api.SubmitJob(4, 30);
  ASSERT_TRUE(job.is_object());
  const std::string id = job["id"];
  ASSERT_TRUE(api.WaitUntilRendering(id));
  doomed.Kill();
  const auto killed_at = Clock::now();

  TestWorker& rescuer = AddWorker();
  Json done = api.WaitForJob(id, {"completed", "failed", "cancelled"}, 120s);
  ASSERT_EQ(done.value("status", ""), "completed") << done.dump() << "\n" << rescuer.ReadLog();
  EXPECT_GE(Clock::now() - killed_at, 3s) << "claimed again before the 4 s lease ran out";
  EXPECT_EQ(done["audio_ids"].size(), 4u);
  std::vector<std::string> rows;
  EXPECT_TRUE(api.AudioStorageConsistent(id, &rows));
  EXPECT_EQ(rows.size(), 4u) << "a sample was rendered twice";
  EXPECT_TRUE(api.TmpFiles().empty()) << "the dead worker's half-written file is still there";
  rescuer.Stop();
  EXPECT_EQ(CountOccurrences(rescuer.ReadLog(), "rendering job " + id), 1) << rescuer.ReadLog();
}

TEST_F(MultiProcessTest, ADatabaseRestartGives503ThenTheStudioRecoversWithNoJobLostOrDuplicated) {
  const char* pg_dir = std::getenv("STUDIO_TEST_PG_DIR");
  ASSERT_TRUE(pg_dir && *pg_dir) << "STUDIO_TEST_PG_DIR must name the test cluster's directory "
                                    "(scripts/test.sh sets it)";
  const std::string cluster = std::string(STUDIO_SOURCE_DIR) + "/scripts/pg-test-cluster.sh";
  TestServer& api1 = AddApi();
  TestServer& api2 = AddApi();
  AddWorker();
  AddWorker();
  ASSERT_FALSE(HasFailure());

  // Clients keep submitting and listing through both APIs during the outage.
  std::mutex mu;
  std::vector<std::string> accepted;  // 201 answers: jobs that must exist at the end
  std::map<int, int> statuses;
  std::vector<std::string> bad;       // answers other than 200/201/503-with-detail
  std::atomic<bool> stop{false};
  auto client_loop = [&](TestServer* server, int seed) {
    HttpClient client("127.0.0.1", server->port(), 5s);
    const std::string prompt = server->CreatePrompt("restart test " + std::to_string(seed));
    for (int i = 0; !stop; ++i) {
      HttpResult r = i % 2 ? client.Get("/api/jobs?limit=5")
                           : client.Post("/api/generate", {{"prompt_id", prompt}, {"num_samples", 1},
                                                           {"duration", 1}, {"seed", i}});
      std::lock_guard<std::mutex> lock(mu);
      ++statuses[r.status];
      if (r.status == 201) {
        accepted.push_back(r.json()["id"]);
      } else if (r.status == 503) {
        if (!r.json().contains("detail")) bad.push_back(r.Describe());
      } else if (r.status != 200) {
        bad.push_back(r.Describe());
      }
      std::this_thread::sleep_for(20ms);
    }
  };
  std::thread c1(client_loop, &api1, 1), c2(client_loop, &api2, 2);
  std::this_thread::sleep_for(1500ms);

  ASSERT_EQ(std::system((cluster + " stop " + pg_dir).c_str()), 0);
  std::this_thread::sleep_for(2s);
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_GT(statuses[503], 0) << "no request saw the outage";
  }
  ASSERT_EQ(std::system((cluster + " start " + pg_dir + " >/dev/null").c_str()), 0);

  // Recovery by itself: both APIs answer again without being restarted.
  for (TestServer* api : {&api1, &api2}) {
    int status = 0;
    for (auto deadline = Clock::now() + 30s; status != 200 && Clock::now() < deadline;) {
      status = api->client().Get("/api/jobs/stats").status;
      if (status != 200) std::this_thread::sleep_for(200ms);
    }
    EXPECT_EQ(status, 200) << "the API did not recover";
  }
  std::this_thread::sleep_for(1s);
  stop = true;
  c1.join();
  c2.join();
  for (const auto& b : bad) ADD_FAILURE() << "unexpected answer: " << b;
  for (const auto& [status, n] : statuses) std::cout << "[ outage ] status " << status << ": " << n << "\n";

  // Every accepted job completes exactly once. A submit answered 503 may
  // still have committed just before the connection died (its answer was
  // lost, not its job): such a job must complete exactly once too.
  ASSERT_FALSE(accepted.empty());
  for (const auto& id : accepted) {
    Json done = api1.WaitForJob(id, {"completed", "failed", "cancelled"}, 120s);
    EXPECT_EQ(done.value("status", ""), "completed") << id << ": " << done.dump();
    EXPECT_EQ(done["audio_ids"].size(), 1u) << id;
  }
  std::string unfinished = "?";
  for (auto deadline = Clock::now() + 120s; unfinished != "0" && Clock::now() < deadline;) {
    unfinished = Query("SELECT count(*) FROM generation_jobs WHERE status <> 'completed'")[0][0];
    if (unfinished != "0") std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(unfinished, "0") << "jobs were lost on the way (left unfinished)";
  const int jobs = std::stoi(Query("SELECT count(*) FROM generation_jobs")[0][0]);
  EXPECT_GE(jobs, static_cast<int>(accepted.size()));
  EXPECT_LE(jobs, static_cast<int>(accepted.size()) + statuses[503]);
  EXPECT_EQ(Query("SELECT count(*) FROM audio_samples")[0][0], std::to_string(jobs))
      << "a sample was rendered twice or lost";
  EXPECT_TRUE(api1.TmpFiles().empty());
  for (const auto& w : workers_) EXPECT_TRUE(w->running()) << "a worker died with the database";
  for (const auto& a : apis_) EXPECT_TRUE(a->running()) << "an API died with the database";
}

}  // namespace
}  // namespace studio::testing
