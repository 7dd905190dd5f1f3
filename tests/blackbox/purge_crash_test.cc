// Black-box: a purge is crash-safe (SPEC section 7 "Purge": rows go in one
// transaction, files after the commit, an orphan sweep at start). The server
// is SIGKILLed at a random moment of a purge, again and again; after each
// restart no row is without its file, no file is without its row, and
// nothing live has changed.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <algorithm>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "lifecycle/lifecycle.h"
#include "store/storage_keys.h"
#include "support/stored_files.h"
#include "support/test_server.h"
#include "util/uuid.h"

namespace studio::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

std::vector<std::vector<std::string>> Query(TestServer& s, const std::string& sql) {
  std::string error;
  auto rows = s.QueryDb(sql, &error);
  EXPECT_TRUE(rows) << sql << ": " << error;
  return rows ? *rows : std::vector<std::vector<std::string>>{};
}

// Every answer a live job gives, by target.
std::map<std::string, std::string> LiveViews(TestServer& s, const std::vector<std::string>& job_ids) {
  std::map<std::string, std::string> views;
  for (const auto& id : job_ids) {
    HttpResult job = s.client().Get("/api/jobs/" + id);
    EXPECT_EQ(job.status, 200) << id << " " << job.Describe();
    views[id] = job.body;
    views[id + " feedback"] = s.client().Get("/api/feedback?job_id=" + id + "&limit=100").body;
    Json j = job.json();
    if (!j.is_object()) continue;
    for (const auto& a : j["audio_ids"]) {
      HttpResult stream = s.client().Get("/api/audio/" + a.get<std::string>() + "/stream");
      EXPECT_EQ(stream.status, 200) << a << " " << stream.Describe();
      views[a.get<std::string>()] = stream.body;
    }
  }
  return views;
}

// Rows and files agree: every audio row has its file, every file under
// audio/ is a sample file of an existing job's row (its name's stem is the
// row's id), every file under adapters/ is an existing adapter's, no staged
// file is left.
void ExpectRowsAndFilesAgree(TestServer& s) {
  std::set<std::string> jobs, adapters, sample_keys;
  for (const auto& r : Query(s, "SELECT id FROM generation_jobs")) jobs.insert(r[0]);
  for (const auto& r : Query(s, "SELECT id FROM adapters")) adapters.insert(r[0]);
  std::map<std::string, std::string> job_of_sample;
  for (const auto& r : Query(s, "SELECT job_id, id FROM audio_samples")) {
    sample_keys.insert(AudioKey(r[0], r[1]));
    job_of_sample[r[1]] = r[0];
  }
  const StoredFiles files = ListStoredFiles(s.data_dir());
  int missing = 0, orphans = 0;
  for (const auto& key : sample_keys) {
    if (!files.count(key) && missing++ < 5) ADD_FAILURE() << "row without its file: " << key;
  }
  for (const auto& [path, f] : files) {
    const std::string owner = OwnerOf(path);
    bool owned = false;
    if (path.rfind("audio/", 0) == 0) {
      const std::string name = path.substr(path.rfind('/') + 1);
      const std::string stem = name.substr(0, name.find('.'));
      auto it = job_of_sample.find(stem);
      owned = !IsStagedName(name) && jobs.count(owner) && it != job_of_sample.end() && it->second == owner;
    } else {
      owned = adapters.count(owner) > 0;
    }
    if (!owned && orphans++ < 5) ADD_FAILURE() << "file without its row: " << path << " (" << f.size << " bytes)";
  }
  EXPECT_EQ(missing, 0) << "rows without files";
  EXPECT_EQ(orphans, 0) << "files without rows";
  // Through the API too: the storage report has no orphans and counts what is there.
  Json storage = s.client().Get("/api/admin/storage", s.AdminHeaders()).json();
  EXPECT_EQ(storage.value("orphaned_bytes", -1), 0) << storage.dump();
  EXPECT_EQ(storage.value("files", -1), static_cast<int64_t>(files.size())) << storage.dump();
  EXPECT_EQ(storage.value("live_bytes", 0) + storage.value("trashed_bytes", 0), TotalSize(files)) << storage.dump();
  // Each trashed job still listed has every sample file it counts.
  Json trash = s.client().Get("/api/trash?type=jobs&limit=100", s.AdminHeaders()).json();
  for (const auto& item : trash["items"]) {
    for (const auto& a : item["audio_ids"]) {
      EXPECT_TRUE(files.count(AudioKey(item["id"].get<std::string>(), a.get<std::string>()))) << "trashed job " << item["id"] << " lost " << a;
    }
  }
}

// The purge events a client's calls made (not the retention purge every
// start runs, whose request ids start with "retention-"), newest first.
std::vector<Json> ClientPurgeEvents(TestServer& s) {
  std::vector<Json> out;
  Json list = s.client().Get("/api/audit?action=purge&entity=job&limit=100", s.AdminHeaders()).json();
  if (!list.is_object()) return out;
  for (const auto& e : list["items"]) {
    if (e.value("request_id", "").rfind("retention-", 0) != 0) out.push_back(e);
  }
  return out;
}

TEST(PurgeCrashTest, KillingTheServerAtAnyMomentOfAPurgeLeavesRowsAndFilesInAgreement) {
  TestServerOptions options;
  options.workers = 2;
  TestServer server(options);
  ASSERT_TRUE(server.Start());
  const auto t0 = Clock::now();

  // Seed: 330 jobs of one or two 1-second samples, all rendered; the last
  // 30 stay live, with feedback.
  constexpr int kJobs = 330, kLive = 30, kRounds = 10;
  const std::string prompt = server.CreatePrompt("purge crash seed");
  ASSERT_FALSE(prompt.empty());
  std::vector<std::string> ids;
  for (int i = 0; i < kJobs; ++i) {
    Json job = server.Generate({{"prompt_id", prompt}, {"num_samples", 1 + i % 2}, {"duration", 1}, {"seed", i}});
    ASSERT_TRUE(job.is_object());
    ids.push_back(job["id"]);
  }
  for (const auto& id : ids) {
    ASSERT_EQ(server.WaitForJob(id, {"completed", "failed", "cancelled"}, 300s).value("status", ""), "completed");
  }
  const std::vector<std::string> live(ids.end() - kLive, ids.end());
  for (const auto& id : live) {
    Json job = server.client().Get("/api/jobs/" + id).json();
    ASSERT_TRUE(server.AddFeedback({{"audio_id", job["audio_ids"][0]}, {"rating", 3}}).is_object());
  }
  const auto live_views = LiveViews(server, live);
  std::cout << "[ seeded   ] " << kJobs << " jobs in "
            << std::chrono::duration<double>(Clock::now() - t0).count() << " s\n";

  // The start-up sweep on a shared database (PostgreSQL) leaves files
  // younger than two leases (a worker elsewhere may be publishing them):
  // wait until every seeded file is older than that.
  if (OnPostgres()) std::this_thread::sleep_for(std::chrono::seconds(2 * options.lease_seconds + 1));

  std::mt19937 rng(std::random_device{}());
  const size_t per_round = (kJobs - kLive) / kRounds;
  int answered = 0, killed_before_commit = 0, killed_after_commit = 0;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    // Trash the next slice (a bulk delete), so every round has work to purge.
    Json slice = Json::array();
    for (size_t i = round * per_round; i < (round + 1) * per_round; ++i) slice.push_back(ids[i]);
    HttpResult del = server.client().Post("/api/jobs/bulk-delete", {{"ids", slice}});
    ASSERT_EQ(del.status, 200) << del.Describe();
    // A planted orphan (as a crash between commit and unlink leaves): the
    // start-up sweep must remove it.
    const std::string orphan_dir = server.data_dir() + "/audio/" + NewUuid();
    fs::create_directories(orphan_dir);
    const std::string orphan = orphan_dir + "/" + NewUuid() + ".wav";
    { std::ofstream(orphan) << "orphan"; }
    // Old enough for any sweep (a shared database's spares files younger than two leases).
    fs::last_write_time(orphan, fs::file_time_type::clock::now() - 1h);

    // How long a purge takes here, from a dry run (it walks the same folders).
    const auto dry_start = Clock::now();
    HttpResult dry = server.client().Post("/api/admin/purge", {{"older_than_days", 0}, {"dry_run", true}},
                                          server.AdminHeaders());
    ASSERT_EQ(dry.status, 200) << dry.Describe();
    const auto dry_us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - dry_start).count();
    // Every other round kills early (the rows' transaction), the others
    // anywhere up to three dry runs (the unlinks and the sweep after the commit).
    std::uniform_int_distribution<int64_t> delay(0, round % 2 ? 3 * dry_us + 2000 : 1500);
    const int64_t kill_after = delay(rng);

    const int64_t trashed_before =
        server.client().Get("/api/trash?type=jobs&limit=1", server.AdminHeaders()).json().value("total", -1);
    const size_t events_before = ClientPurgeEvents(server).size();
    std::atomic<int> status{-1};
    std::thread purge([&] {
      HttpResult r = server.client().Post("/api/admin/purge", {{"older_than_days", 0}}, server.AdminHeaders());
      status = r.status;
    });
    std::this_thread::sleep_for(std::chrono::microseconds(kill_after));
    server.Kill();
    purge.join();
    if (status == 200) ++answered;
    // What the kill left behind, before the restart's sweep: sample files
    // of this slice whose rows the purge had committed away.
    int files_left = 0;
    for (const auto& id : slice) files_left += static_cast<int>(server.AudioFilesOfJob(id).size());
    ASSERT_TRUE(server.Start());
    const auto trashed_left = server.client().Get("/api/trash?type=jobs&limit=1", server.AdminHeaders()).json();
    const int64_t left = trashed_left.value("total", -1);
    if (left > 0) ++killed_before_commit;
    if (left == 0 && files_left > 0) ++killed_after_commit;
    std::cout << "[ round " << round << "  ] killed after " << kill_after << " us (dry run " << dry_us
              << " us), purge answered " << status << ", " << left << " trashed jobs and " << files_left
              << " of their files left at the kill\n";
    // The start-up sweep runs in the background: wait for it (it is done
    // when the storage report has no orphans left, or never).
    auto swept = [&] {
      const Json storage = server.client().Get("/api/admin/storage", server.AdminHeaders()).json();
      return !fs::exists(orphan_dir) && storage.value("orphaned_bytes", -1) == 0;
    };
    for (int i = 0; i < 300 && !swept(); ++i) std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(fs::exists(orphan_dir)) << "the start-up sweep left a planted orphan";
    // A purge commits in whole batches (kPurgeBatch jobs), each with the
    // call's one audit event (made by the first batch, brought up to date by
    // each later one): a kill leaves whole batches purged, never part of
    // one, and the event counts exactly what was committed. When more than
    // one batch was in the trash (earlier rounds' purges were killed), a
    // kill between two batches is a legitimate outcome.
    const std::vector<Json> events = ClientPurgeEvents(server);
    const int64_t purged = trashed_before - left;
    if (purged == 0) {
      EXPECT_EQ(events.size(), events_before) << "an audit event for a purge that did not happen";
    } else {
      EXPECT_TRUE(left == 0 || purged % kPurgeBatch == 0)
          << "a purge killed half-way through a batch: " << purged << " of " << trashed_before << " purged";
      EXPECT_EQ(events.size(), events_before + 1) << "purged rows without their audit event";
      if (events.size() == events_before + 1) {
        EXPECT_EQ(events[0]["counts"].value("jobs", -1), purged) << events[0].dump();
      }
    }
    ExpectRowsAndFilesAgree(server);
    const auto views = LiveViews(server, live);
    EXPECT_TRUE(views == live_views) << "a live job changed";
    if (HasFailure()) break;
  }
  // Finally a purge that is not interrupted takes the rest.
  HttpResult last = server.client().Post("/api/admin/purge", {{"older_than_days", 0}}, server.AdminHeaders());
  ASSERT_EQ(last.status, 200) << last.Describe();
  EXPECT_EQ(server.client().Get("/api/trash?type=jobs&limit=1", server.AdminHeaders()).json().value("total", -1), 0);
  ExpectRowsAndFilesAgree(server);
  std::cout << "[ rounds   ] " << kRounds << " kills, " << answered << " purges answered before the kill, "
            << killed_before_commit << " killed before the commit, " << killed_after_commit
            << " between the commit and the unlinks; total "
            << std::chrono::duration<double>(Clock::now() - t0).count() << " s\n";
}


// A restore racing a purge: the purge picks the trashed rows, the restore
// brings one back before the purge deletes it. The row then stays (the
// purge deletes only what is still trashed) and so must its files: a
// restored job (or adapter) that answers 200 has all its samples, streaming.
TEST(PurgeRaceTest, RestoresRacingPurgesNeverLeaveALiveJobOrAdapterWithoutItsFiles) {
  TestServerOptions options;
  options.workers = 2;
  TestServer server(options);
  ASSERT_TRUE(server.Start());
  const auto t0 = Clock::now();
  constexpr int kJobs = 200, kAdapters = 30, kRounds = 8;
  const std::string prompt = server.CreatePrompt("restore versus purge");
  ASSERT_FALSE(prompt.empty());
  std::vector<std::string> ids, adapters;
  for (int i = 0; i < kJobs; ++i) {
    Json job = server.Generate({{"prompt_id", prompt}, {"num_samples", 1}, {"duration", 1}, {"seed", i}});
    ASSERT_TRUE(job.is_object());
    ids.push_back(job["id"]);
  }
  for (int i = 0; i < kAdapters; ++i) {
    Json a = server.CreateAdapter(TestServer::UniqueName("race"), {{"swing", 0.1}});
    ASSERT_TRUE(a.is_object());
    adapters.push_back(a["id"]);
  }
  for (const auto& id : ids) {
    ASSERT_EQ(server.WaitForJob(id, {"completed", "failed", "cancelled"}, 300s).value("status", ""), "completed");
  }
  std::map<std::string, std::string> bytes_of;  // audio id -> its bytes
  std::map<std::string, Json> detail_of;
  for (const auto& id : ids) {
    Json job = server.client().Get("/api/jobs/" + id).json();
    detail_of[id] = job;
    for (const auto& a : job["audio_ids"]) {
      bytes_of[a.get<std::string>()] = server.client().Get("/api/audio/" + a.get<std::string>() + "/stream").body;
    }
  }
  std::mt19937 rng(std::random_device{}());
  std::set<std::string> live_jobs(ids.begin(), ids.end()), live_adapters(adapters.begin(), adapters.end());
  int restored_total = 0, purged_total = 0;
  for (int round = 0; round < kRounds && !live_jobs.empty(); ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::vector<std::string> jobs(live_jobs.begin(), live_jobs.end()), ads(live_adapters.begin(), live_adapters.end());
    HttpResult del = server.client().Post("/api/jobs/bulk-delete", {{"ids", jobs}});
    ASSERT_EQ(del.status, 200) << del.Describe();
    for (const auto& a : ads) ASSERT_EQ(server.client().Delete("/api/adapters/" + a).status, 200);
    std::shuffle(jobs.begin(), jobs.end(), rng);
    std::shuffle(ads.begin(), ads.end(), rng);

    std::atomic<bool> go{false};
    std::atomic<size_t> attempts{0};
    std::mutex mu;
    std::set<std::string> restored, restored_adapters;
    auto restorer = [&](size_t part) {
      while (!go) std::this_thread::yield();
      for (size_t i = part; i < jobs.size(); i += 2) {
        HttpResult r = server.client().Post("/api/jobs/" + jobs[i] + "/restore", Json::object());
        ++attempts;
        if (r.status == 200) {
          std::lock_guard<std::mutex> lock(mu);
          restored.insert(jobs[i]);
        } else {
          EXPECT_EQ(r.status, 404) << r.Describe();
        }
        if (part == 0 && i / 2 < ads.size()) {
          const std::string& a = ads[i / 2];
          HttpResult ra = server.client().Post("/api/adapters/" + a + "/restore", Json::object());
          if (ra.status == 200) {
            std::lock_guard<std::mutex> lock(mu);
            restored_adapters.insert(a);
          } else {
            EXPECT_EQ(ra.status, 404) << ra.Describe();
          }
        }
      }
    };
    Json purge_jobs, purge_adapters;
    std::thread purger([&] {
      while (!go) std::this_thread::yield();
      // In the middle of the restores: after half of them.
      while (attempts < jobs.size() / 2) std::this_thread::yield();
      purge_jobs = server.client().Post("/api/admin/purge", {{"older_than_days", 0}}, server.AdminHeaders()).json();
      purge_adapters = server.client()
                           .Post("/api/admin/purge", {{"type", "adapters"}, {"older_than_days", 0}}, server.AdminHeaders())
                           .json();
    });
    std::thread r0(restorer, 0), r1(restorer, 1);
    go = true;
    r0.join();
    r1.join();
    purger.join();
    std::cout << "[ round " << round << "  ] " << restored.size() << " of " << jobs.size() << " jobs and "
              << restored_adapters.size() << " of " << ads.size() << " adapters restored; purge "
              << purge_jobs.dump() << "\n";
    ASSERT_TRUE(purge_jobs.is_object() && purge_adapters.is_object());
    // Whatever was not restored was purged: it is gone.
    for (const auto& id : jobs) {
      if (restored.count(id)) continue;
      EXPECT_EQ(server.client().Get("/api/jobs/" + id + "?include_deleted=true", server.AdminHeaders()).status, 404)
          << id;
      live_jobs.erase(id);
      ++purged_total;
    }
    for (const auto& a : ads) {
      if (!restored_adapters.count(a)) live_adapters.erase(a);
    }
    restored_total += static_cast<int>(restored.size());
    // Every restored job is live with its samples, byte for byte.
    int broken = 0;
    for (const auto& id : restored) {
      Json job = server.client().Get("/api/jobs/" + id).json();
      EXPECT_EQ(job["audio_ids"], detail_of[id]["audio_ids"]) << id;
      for (const auto& a : job["audio_ids"]) {
        HttpResult st = server.client().Get("/api/audio/" + a.get<std::string>() + "/stream");
        if ((st.status != 200 || st.body != bytes_of[a.get<std::string>()]) && broken++ < 5) {
          ADD_FAILURE() << "restored job " << id << " lost sample " << a << ": " << st.status;
        }
      }
    }
    EXPECT_EQ(broken, 0) << "restored jobs whose files the racing purge removed";
    for (const auto& a : restored_adapters) {
      bool has = false;
      for (const auto& [path, f] : ListStoredFiles(server.data_dir())) has = has || OwnerOf(path) == a;
      EXPECT_TRUE(has) << "restored adapter " << a << " lost its style file";
    }
    ExpectRowsAndFilesAgree(server);
    if (HasFailure()) break;
  }
  std::cout << "[ race     ] " << restored_total << " restores won, " << purged_total << " jobs purged in "
            << std::chrono::duration<double>(Clock::now() - t0).count() << " s\n";
}

// Creating an adapter writes its style file (folder adapters/<id>/ first),
// then its row. A purge's orphan sweep running meanwhile must leave that
// folder alone: every create succeeds and keeps its file.
TEST(PurgeRaceTest, AdapterCreatesRacingPurgesAllSucceedWithTheirFiles) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  constexpr int kCreates = 1500;
  std::atomic<bool> creating{true};
  std::atomic<int> purges{0};
  std::thread purger([&] {
    while (creating) {
      HttpResult p = server.client().Post("/api/admin/purge", {{"type", "adapters"}, {"older_than_days", 0}},
                                          server.AdminHeaders());
      EXPECT_EQ(p.status, 200) << p.Describe();
      ++purges;
    }
  });
  int failures = 0;
  std::vector<std::string> kept;
  for (int i = 0; i < kCreates; ++i) {
    HttpResult a = server.client().Post("/api/adapters", {{"name", TestServer::UniqueName("swept")}, {"config", {{"swing", 0.3}}}});
    if (a.status != 201) {
      if (failures++ < 3) ADD_FAILURE() << "create " << i << " while purging: " << a.Describe();
      continue;
    }
    const std::string id = a.json()["id"];
    if (i % 50 == 0) kept.push_back(id);
    else EXPECT_EQ(server.client().Delete("/api/adapters/" + id).status, 200);
  }
  creating = false;
  purger.join();
  std::cout << "[ adapters ] " << kCreates << " creates, " << failures << " failed, " << purges << " purges\n";
  EXPECT_EQ(failures, 0) << "adapter creates that a racing purge's sweep broke";
  const StoredFiles files = ListStoredFiles(server.data_dir());
  for (const auto& id : kept) {
    HttpResult got = server.client().Get("/api/adapters/" + id);
    EXPECT_EQ(got.status, 200) << got.Describe();
    const std::string key = got.json().value("storage_path", "");
    EXPECT_TRUE(files.count(key)) << "adapter " << id << " lost its style file " << key;
  }
}

}  // namespace
}  // namespace studio::testing
