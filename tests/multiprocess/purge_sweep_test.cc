// Several studio processes on one PostgreSQL database and one data dir
// (SPEC section 7 "Purge"): the orphan sweep that every purge runs "never
// touches a file that a worker on any process may still publish". One
// process renders jobs (and creates adapters, whose style files are written
// before their rows) continuously while another deletes and purges in a
// loop; afterwards every sample row of every job has its file, every adapter
// its style file, every completed job all its samples, and (after a last
// sweep) no file is left without its row.
//
// Needs STUDIO_TEST_PG_URL (scripts/test.sh provides it).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "store/storage_keys.h"
#include "support/pg_test_database.h"
#include "support/stored_files.h"
#include "support/test_backend.h"
#include "support/test_server.h"

namespace studio::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr const char* kSlowSoundFont = "/usr/share/sounds/sf2/FluidR3_GM.sf2";
// Short leases: the sweep spares files younger than two leases, so a short
// lease makes that margin as thin as a deployment could make it.
constexpr int kLeaseSeconds = 2;

// Polls until the job ended; "gone" once it is deleted (the purger's doing).
std::string WaitEnded(TestServer& api, const std::string& id, std::chrono::seconds patience = 180s) {
  for (auto deadline = Clock::now() + patience; Clock::now() < deadline; std::this_thread::sleep_for(50ms)) {
    HttpResult r = api.client().Get("/api/generate/" + id);
    if (r.status == 404) return "gone";
    const std::string status = r.json().is_object() ? r.json().value("status", "") : "";
    if (status == "completed" || status == "failed" || status == "cancelled") return status;
  }
  ADD_FAILURE() << "job " << id << " did not end";
  return "";
}

class PurgeSweepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PgTestsEnabled()) GTEST_SKIP() << "STUDIO_TEST_SKIP_PG=1";
    Status s;
    db_ = PgTestDatabase::Create(&s);
    ASSERT_TRUE(db_) << s.ToString();
    dir_ = MakeTempDir("studio-purge-sweep-");
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override {
    worker_.reset();
    servers_.clear();
    db_.reset();
    if (!dir_.empty() && std::getenv("STUDIO_TEST_KEEP_DATA") == nullptr) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }
  TestServer& AddServer(int workers) {
    TestServerOptions options;
    options.workers = workers;
    options.data_dir = dir_;
    options.db_url = db_->url();
    options.lease_seconds = kLeaseSeconds;
    options.soundfont = kSlowSoundFont;
    servers_.push_back(std::make_unique<TestServer>(options));
    EXPECT_TRUE(servers_.back()->Start());
    return *servers_.back();
  }
  std::vector<std::vector<std::string>> Query(const std::string& sql) {
    std::string error;
    auto rows = QueryPostgres(db_->url(), sql, &error);
    EXPECT_TRUE(rows) << sql << ": " << error;
    return rows ? *rows : std::vector<std::vector<std::string>>{};
  }
  // Every sample row has its file; with `no_orphans`, every file has its row.
  void ExpectRowsHaveFiles(bool no_orphans) {
    std::set<std::string> keys;
    std::map<std::string, std::string> job_of_sample;
    for (const auto& r : Query("SELECT job_id, id FROM audio_samples")) {
      keys.insert(AudioKey(r[0], r[1]));
      job_of_sample[r[1]] = r[0];
    }
    std::set<std::string> adapters;
    for (const auto& r : Query("SELECT id FROM adapters")) adapters.insert(r[0]);
    const StoredFiles files = ListStoredFiles(dir_);
    int missing = 0;
    for (const auto& key : keys) {
      if (!files.count(key) && missing++ < 5) ADD_FAILURE() << "sample row without its file: " << key;
    }
    EXPECT_EQ(missing, 0) << "of " << keys.size() << " sample rows";
    for (const auto& id : adapters) {
      bool has = false;
      for (auto it = files.lower_bound("adapters/" + id + "/"); it != files.end() && it->first.rfind("adapters/" + id + "/", 0) == 0; ++it) has = true;
      EXPECT_TRUE(has) << "adapter " << id << " has no style file";
    }
    if (!no_orphans) return;
    int orphans = 0;
    for (const auto& [path, f] : files) {
      bool owned;
      if (path.rfind("audio/", 0) == 0) {
        const std::string name = path.substr(path.rfind('/') + 1);
        auto it = job_of_sample.find(name.substr(0, name.find('.')));
        owned = !IsStagedName(name) && it != job_of_sample.end() && it->second == OwnerOf(path);
      } else {
        owned = adapters.count(OwnerOf(path)) > 0;
      }
      if (!owned && orphans++ < 5) ADD_FAILURE() << "file without its row: " << path;
    }
    EXPECT_EQ(orphans, 0);
  }

  std::unique_ptr<PgTestDatabase> db_;
  std::string dir_;
  std::vector<std::unique_ptr<TestServer>> servers_;
  std::unique_ptr<TestWorker> worker_;
};

TEST_F(PurgeSweepTest, PurgesInOneProcessNeverSweepAwayWhatWorkersInAnotherPublish) {
  TestServer& render = AddServer(1);  // API + one worker thread
  TestServer& purger = AddServer(0);  // API only: deletes and purges
  worker_ = std::make_unique<TestWorker>(db_->url(), dir_, 1, kSlowSoundFont, kLeaseSeconds);
  ASSERT_TRUE(worker_->Start());
  ASSERT_FALSE(HasFailure());
  const auto t0 = Clock::now();

  constexpr int kJobs = 90;
  std::atomic<bool> submitting{true};
  std::atomic<int> adapters_created{0};
  std::atomic<int> purges{0}, deletes{0}, adapter_purges{0}, errors{0};
  std::mutex mu;
  std::set<std::string> deleted;  // jobs the purger deleted (and so may have purged)
  std::vector<std::string> to_delete;  // every third job, handed to the purger
  std::thread purge_loop([&] {
    std::mt19937 rng(12345);
    while (submitting) {
      // Now and then delete one of the jobs handed over, in whatever state
      // it is (queued, rendering or completed).
      std::string victim;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!to_delete.empty() && rng() % 4 == 0) {
          victim = to_delete[rng() % to_delete.size()];
          to_delete.erase(std::find(to_delete.begin(), to_delete.end(), victim));
        }
      }
      if (!victim.empty()) {
        HttpResult d = purger.client().Delete("/api/jobs/" + victim);
        EXPECT_EQ(d.status, 200) << d.Describe();
        ++deletes;
        std::lock_guard<std::mutex> lock(mu);
        deleted.insert(victim);
      }
      HttpResult p = purger.client().Post("/api/admin/purge", {{"older_than_days", 0}});
      if (p.status == 200) ++purges;
      else if (errors++ < 3) ADD_FAILURE() << "purge -> " << p.Describe();
      if (rng() % 4 == 0) {
        HttpResult a = purger.client().Post("/api/admin/purge", {{"type", "adapters"}, {"older_than_days", 0}});
        if (a.status == 200) ++adapter_purges;
        else if (errors++ < 3) ADD_FAILURE() << "adapter purge -> " << a.Describe();
      }
      std::this_thread::sleep_for(5ms);
    }
  });

  // Adapters created all along (each writes its style file, then its row);
  // nine in ten deleted at once so that the purges take them (and the
  // sweeps stay quick).
  std::atomic<int> adapter_failures{0};
  std::thread adapter_loop([&] {
    for (int i = 0; submitting; ++i) {
      HttpResult a = render.client().Post("/api/adapters", {{"name", TestServer::UniqueName("sweep")}, {"config", {{"swing", 0.1}}}});
      if (a.status != 201) {
        if (adapter_failures++ < 3) ADD_FAILURE() << "adapter create while another process purges: " << a.Describe();
        continue;
      }
      ++adapters_created;
      if (i % 10) EXPECT_EQ(render.client().Delete("/api/adapters/" + a.json()["id"].get<std::string>()).status, 200);
    }
  });

  // Jobs of one to four 2-8 s samples, a few in flight at a time.
  std::vector<std::string> jobs;
  std::map<std::string, int> samples_of;
  for (int i = 0; i < kJobs; ++i) {
    Json job = render.SubmitJob(1 + i % 4, 2 + (i * 3) % 7, {{"seed", i}}, "sweep race " + std::to_string(i));
    if (!job.is_object()) break;  // SubmitJob said why; the threads must still be joined
    jobs.push_back(job["id"]);
    samples_of[job["id"]] = 1 + i % 4;
    if (i % 3 == 2) {
      std::lock_guard<std::mutex> lock(mu);
      to_delete.push_back(job["id"]);
    }
    if (i >= 3) WaitEnded(render, jobs[i - 3]);
  }
  for (const auto& id : jobs) WaitEnded(render, id);
  submitting = false;
  purge_loop.join();
  adapter_loop.join();
  EXPECT_EQ(adapter_failures.load(), 0) << "of " << adapters_created + adapter_failures << " adapter creates";
  std::cout << "[ race     ] " << kJobs << " jobs, " << adapters_created << " adapters, " << deletes << " deletes, "
            << purges << " purges, " << adapter_purges << " adapter purges in "
            << std::chrono::duration<double>(Clock::now() - t0).count() << " s\n";
  EXPECT_GT(purges.load(), 5) << "too few purges raced the renders";

  // No published sample was lost: every live job that completed has all its
  // samples with their files, and every sample row (live or trashed) has its file.
  int completed = 0;
  for (const auto& id : jobs) {
    HttpResult r = render.client().Get("/api/jobs/" + id);
    if (r.status == 404) {
      std::lock_guard<std::mutex> lock(mu);
      EXPECT_TRUE(deleted.count(id)) << "job " << id << " vanished without being deleted";
      continue;
    }
    Json job = r.json();
    if (job.value("status", "") != "completed") {
      ADD_FAILURE() << "live job ended " << job.dump();
      continue;
    }
    ++completed;
    EXPECT_EQ(job["audio_ids"].size(), static_cast<size_t>(samples_of[id])) << job.dump();
    EXPECT_TRUE(render.AudioStorageConsistent(id)) << id;
    for (const auto& a : job["audio_ids"]) {
      EXPECT_EQ(render.client().Get("/api/audio/" + a.get<std::string>() + "/stream").status, 200) << a;
    }
  }
  EXPECT_GE(completed, kJobs / 2);
  ExpectRowsHaveFiles(/*no_orphans=*/false);

  // Once every file is older than two leases, a last purge's sweep leaves
  // exactly the files that rows own.
  worker_->Stop();
  render.Stop();
  std::this_thread::sleep_for(std::chrono::seconds(2 * kLeaseSeconds + 1));
  HttpResult last = purger.client().Post("/api/admin/purge", {{"older_than_days", 0}});
  ASSERT_EQ(last.status, 200) << last.Describe();
  ExpectRowsHaveFiles(/*no_orphans=*/true);
  Json storage = purger.client().Get("/api/admin/storage").json();
  EXPECT_EQ(storage.value("orphaned_bytes", -1), 0) << storage.dump();
  EXPECT_TRUE(purger.TmpFiles().empty()) << purger.TmpFiles()[0];
}

}  // namespace
}  // namespace studio::testing
