// Black-box: SPEC section 7 (trash, restore, purge, storage, bulk delete and
// restore, audit) against a real `studio serve`, on both backends. Each test
// runs its own server, because a purge (older_than_days 0) takes every
// trashed row of the server, whoever trashed it.
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "support/stored_files.h"
#include "support/test_server.h"
#include "util/uuid.h"

namespace studio::testing {
namespace {

using namespace std::chrono_literals;

const char kToken[] = "trash-test-admin-token-0123456789";

// ---- small helpers ----

::testing::AssertionResult IsError(const HttpResult& r, int status) {
  if (r.status != status) {
    return ::testing::AssertionFailure() << "expected " << status << ", got " << r.Describe();
  }
  Json j = r.json();
  if (!j.is_object() || !j.contains("detail") || !j["detail"].is_string() ||
      j["detail"].get<std::string>().empty()) {
    return ::testing::AssertionFailure() << status << " without a JSON detail: " << r.body;
  }
  return ::testing::AssertionSuccess();
}

// A 4xx with a detail (the exact status is the SPEC's 422 for invalid input,
// 404 for an id that is not what the call needs).
::testing::AssertionResult IsClientError(const HttpResult& r) {
  if (r.status < 400 || r.status > 499) return ::testing::AssertionFailure() << "not a 4xx: " << r.Describe();
  return IsError(r, r.status);
}

Json GetOk(TestServer& s, const std::string& target, const Headers& h = {}) {
  HttpResult r = s.client().Get(target, h);
  EXPECT_EQ(r.status, 200) << "GET " << target << " -> " << r.Describe();
  return r.json();
}

Json PostOk(TestServer& s, const std::string& target, const Json& body, const Headers& h = {}) {
  HttpResult r = s.client().Post(target, body, h);
  EXPECT_EQ(r.status, 200) << "POST " << target << " " << body.dump() << " -> " << r.Describe();
  return r.json();
}

Json Trash(TestServer& s, const std::string& type = "jobs") {
  return GetOk(s, "/api/trash?type=" + type + "&limit=100", s.AdminHeaders());
}

// A list's items, by value: `for (x : Items(GetOk(...)))` keeps the list
// alive (`GetOk(...)["items"]` would dangle in a range-for).
Json Items(const Json& list) {
  return list.is_object() && list.contains("items") ? list["items"] : Json::array();
}

Json FindItem(const Json& list, const std::string& id) {
  if (list.is_object() && list.contains("items")) {
    for (const auto& item : list["items"]) {
      if (item.value("id", "") == id) return item;
    }
  }
  return Json();
}

std::set<std::string> ItemIds(const Json& list) {
  std::set<std::string> ids;
  if (list.is_object() && list.contains("items")) {
    for (const auto& item : list["items"]) ids.insert(item.value("id", ""));
  }
  return ids;
}

int64_t Total(const Json& list) {
  return list.is_object() && list.contains("total") && list["total"].is_number_integer()
             ? list["total"].get<int64_t>()
             : -1;
}

int64_t AuditTotal(TestServer& s) { return Total(GetOk(s, "/api/audit?limit=1", s.AdminHeaders())); }

Json AuditEvents(TestServer& s, int limit = 100) {
  return GetOk(s, "/api/audit?limit=" + std::to_string(limit), s.AdminHeaders());
}

std::string Stream(TestServer& s, const std::string& audio_id) {
  HttpResult r = s.client().Get("/api/audio/" + audio_id + "/stream");
  EXPECT_EQ(r.status, 200) << audio_id << " -> " << r.Describe();
  return r.body;
}

// "2026-12-01T18:00:00.123456Z" -> microseconds since the epoch; -1 if not.
int64_t ParseIsoMicros(const std::string& text) {
  int y, mo, d, h, mi, s;
  char frac[16] = {0};
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%6[0-9]Z", &y, &mo, &d, &h, &mi, &s, frac) != 7) {
    return -1;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  std::string f(frac);
  while (f.size() < 6) f += '0';
  return static_cast<int64_t>(timegm(&tm)) * 1'000'000 + std::stoll(f);
}

constexpr int64_t kDayMicros = 86'400'000'000LL;

// The purge answer without its dry_run flag, to compare a dry run with the real one.
Json Counts(Json j) {
  if (j.is_object()) j.erase("dry_run");
  if (j.is_object()) j.erase("datasets_affected");  // dry runs only
  return j;
}

// GET /api/admin/storage equals the data dir as walked: file count and
// bytes to the byte, split by owner: `trashed_owners` are the job and adapter
// ids in the trash (their folders' files are trashed bytes), no orphans.
void ExpectStorageMatchesDisk(TestServer& s, const std::set<std::string>& trashed_owners) {
  Json storage = GetOk(s, "/api/admin/storage", s.AdminHeaders());
  StoredFiles disk = ListStoredFiles(s.data_dir());
  int64_t trashed = 0, live = 0;
  for (const auto& [path, f] : disk) (trashed_owners.count(OwnerOf(path)) ? trashed : live) += f.size;
  EXPECT_EQ(storage.value("files", -1), static_cast<int64_t>(disk.size())) << storage.dump();
  EXPECT_EQ(storage.value("live_bytes", -1) + storage.value("trashed_bytes", -1) +
                storage.value("orphaned_bytes", -1),
            TotalSize(disk))
      << storage.dump();
  EXPECT_EQ(storage.value("live_bytes", -1), live) << storage.dump();
  EXPECT_EQ(storage.value("trashed_bytes", -1), trashed) << storage.dump();
  EXPECT_EQ(storage.value("orphaned_bytes", -1), 0) << storage.dump();
}

// Every answer a live job gives (its detail, each sample's metadata and
// bytes, its feedback), by target, to prove a purge left it untouched.
std::map<std::string, std::string> LiveViews(TestServer& s, const std::vector<std::string>& job_ids) {
  std::map<std::string, std::string> views;
  for (const auto& id : job_ids) {
    HttpResult job = s.client().Get("/api/jobs/" + id);
    EXPECT_EQ(job.status, 200) << id << " " << job.Describe();
    views["/api/jobs/" + id] = job.body;
    views["/api/feedback?job_id=" + id] = s.client().Get("/api/feedback?job_id=" + id + "&limit=100").body;
    views["/api/generate/" + id + "/feedback"] = s.client().Get("/api/generate/" + id + "/feedback").body;
    Json j = job.json();
    if (!j.is_object()) continue;
    for (const auto& a : j["audio_ids"]) {
      const std::string audio = a;
      views["/api/audio/" + audio] = s.client().Get("/api/audio/" + audio).body;
      views["/api/audio/" + audio + "/stream"] = Stream(s, audio);
    }
  }
  return views;
}

void ExpectSameViews(const std::map<std::string, std::string>& before,
                     const std::map<std::string, std::string>& after) {
  ASSERT_EQ(before.size(), after.size());
  for (const auto& [target, body] : before) {
    auto it = after.find(target);
    ASSERT_NE(it, after.end()) << target;
    EXPECT_TRUE(it->second == body) << target << " changed:\n  before " << body.substr(0, 300)
                                    << "\n  after  " << it->second.substr(0, 300);
  }
}

// Submits `count` jobs (num_samples 1 + i % 2, 1 s) and waits for all.
std::vector<Json> RunJobs(TestServer& s, int count, const std::string& tag, int seed0 = 1) {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) {
    Json job = s.SubmitJob(1 + i % 2, 1, {{"seed", seed0 + i}}, tag + " job " + std::to_string(i));
    if (!job.is_object()) return {};
    ids.push_back(job["id"]);
  }
  std::vector<Json> done;
  for (const auto& id : ids) {
    Json st = s.WaitForJob(id, {"completed", "failed", "cancelled"}, 120s);
    EXPECT_EQ(st.value("status", ""), "completed") << st.dump();
    done.push_back(GetOk(s, "/api/jobs/" + id));
  }
  return done;
}

// A server with a retention (the default 30 days) runs its first retention
// purge right after it starts, in the background, and audits it. Tests that
// count audit events either run without retention (NoRetention) or wait for
// that first run (AwaitStartupRetentionPurge).
TestServerOptions NoRetention(TestServerOptions o = {}) {
  o.extra_args.push_back("--retention-days");
  o.extra_args.push_back("0");
  return o;
}

void AwaitStartupRetentionPurge(TestServer& s) {
  for (auto deadline = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(20ms)) {
    int runs = 0;
    for (const auto& e : Items(GetOk(s, "/api/audit?action=purge&limit=100", s.AdminHeaders()))) {
      runs += e.value("request_id", "").rfind("retention-", 0) == 0;
    }
    if (runs >= 2) return;  // its jobs and its adapters
  }
}

// ---- 1. restore ----

TEST(TrashTest, RestoredJobComesBackWithItsSamplesAndWithoutItsFeedback) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  Json job = server.RunCompletedJob(2, 1);
  Json other = server.RunCompletedJob(1, 1);
  ASSERT_TRUE(job.is_object() && other.is_object());
  const std::string id = job["id"];
  ASSERT_EQ(job["audio_ids"].size(), 2u);
  const std::string a = job["audio_ids"][0], b = job["audio_ids"][1], c = other["audio_ids"][0];
  const std::string detail_before = server.client().Get("/api/jobs/" + id).body;
  const std::string bytes_a = Stream(server, a), bytes_b = Stream(server, b);
  ASSERT_FALSE(bytes_a.empty() || bytes_b.empty());

  Json f1 = server.AddFeedback({{"audio_id", a}, {"rating", 5}});
  Json f2 = server.AddFeedback({{"audio_id", b}, {"tags", {"warm"}}});
  Json f3 = server.AddFeedback({{"audio_id", c}, {"preferred_over", a}});  // crosses jobs
  ASSERT_FALSE(f1.is_null() || f2.is_null() || f3.is_null());
  Json stats_before = GetOk(server, "/api/jobs/stats");
  Json summary_before = GetOk(server, "/api/feedback/summary");

  HttpResult del = server.client().Delete("/api/jobs/" + id);
  ASSERT_EQ(del.status, 200) << del.Describe();
  EXPECT_EQ(del.json().value("feedback_deleted", -1), 3);

  // In the trash, with its numbers; purge_after is deleted_at + 30 days.
  Json item = FindItem(Trash(server), id);
  ASSERT_TRUE(item.is_object()) << "deleted job not in the trash";
  EXPECT_EQ(item.value("sample_count", -1), 2) << item.dump();
  EXPECT_EQ(item.value("feedback_deleted", -1), 3) << item.dump();
  EXPECT_EQ(item.value("status", ""), "completed") << item.dump();
  ASSERT_TRUE(item["deleted_at"].is_string() && item["purge_after"].is_string()) << item.dump();
  EXPECT_EQ(ParseIsoMicros(item["purge_after"]) - ParseIsoMicros(item["deleted_at"]), 30 * kDayMicros)
      << item.dump();

  // Restore (no body at all): the same job, byte for byte.
  HttpResult restored = server.client().Request("POST", "/api/jobs/" + id + "/restore");
  ASSERT_EQ(restored.status, 200) << restored.Describe();
  EXPECT_EQ(restored.json(), Json::parse(detail_before));
  EXPECT_EQ(server.client().Get("/api/jobs/" + id).json(), Json::parse(detail_before));
  EXPECT_TRUE(Stream(server, a) == bytes_a) << "sample a streams other bytes after the restore";
  EXPECT_TRUE(Stream(server, b) == bytes_b) << "sample b streams other bytes after the restore";
  EXPECT_TRUE(server.AudioStorageConsistent(id));
  EXPECT_EQ(FindItem(Trash(server), id), Json()) << "restored job still in the trash";
  EXPECT_TRUE(FindItem(GetOk(server, "/api/jobs?limit=100"), id).is_object());

  // Its feedback does not come back.
  EXPECT_EQ(Total(GetOk(server, "/api/feedback?job_id=" + id)), 0);
  EXPECT_EQ(GetOk(server, "/api/generate/" + id + "/feedback").value("total_feedback", -1), 0);
  for (const Json& f : {f1, f2, f3}) {
    EXPECT_TRUE(IsError(server.client().Get("/api/feedback/" + f["id"].get<std::string>()), 404));
  }
  Json summary_after = GetOk(server, "/api/feedback/summary");
  EXPECT_EQ(summary_after.value("total_feedback", -1), summary_before.value("total_feedback", -1) - 3);
  // The counts are back as before the delete.
  Json stats_after = GetOk(server, "/api/jobs/stats");
  EXPECT_EQ(stats_after["status_counts"], stats_before["status_counts"]);
  EXPECT_EQ(stats_after["total_jobs"], stats_before["total_jobs"]);
  EXPECT_EQ(stats_after["jobs_today"], stats_before["jobs_today"]);
  EXPECT_EQ(stats_after["active_jobs"], stats_before["active_jobs"]);

  // Only a trashed job restores.
  EXPECT_TRUE(IsError(server.client().Post("/api/jobs/" + id + "/restore", Json::object()), 404));
  EXPECT_TRUE(IsError(server.client().Post("/api/jobs/" + other["id"].get<std::string>() + "/restore",
                                           Json::object()),
                      404));
  EXPECT_TRUE(IsError(server.client().Post("/api/jobs/" + NewUuid() + "/restore", Json::object()), 404));

  // Purged: gone for good, restore 404 too.
  ASSERT_EQ(server.client().Delete("/api/jobs/" + id).status, 200);
  Json purged = PostOk(server, "/api/admin/purge", {{"ids", {id}}}, server.AdminHeaders());
  EXPECT_EQ(purged.value("jobs", -1), 1) << purged.dump();
  EXPECT_EQ(purged.value("samples", -1), 2) << purged.dump();
  EXPECT_TRUE(IsError(server.client().Post("/api/jobs/" + id + "/restore", Json::object()), 404));
  EXPECT_TRUE(IsError(server.client().Get("/api/jobs/" + id + "?include_deleted=true", server.AdminHeaders()), 404));
  EXPECT_EQ(PostOk(server, "/api/jobs/bulk-restore", {{"ids", {id}}}).value("jobs_restored", -1), 0);
  EXPECT_TRUE(server.AudioFilesOfJob(id).empty());
}

TEST(TrashTest, JobDeletedWhileQueuedComesBackCancelledAndIsNeverRendered) {
  TestServerOptions no_workers;
  no_workers.workers = 0;
  TestServer first(no_workers);
  ASSERT_TRUE(first.Start());
  Json job = first.SubmitJob(2, 1);
  ASSERT_TRUE(job.is_object());
  const std::string id = job["id"];
  ASSERT_EQ(job.value("status", ""), "queued");
  HttpResult del = first.client().Delete("/api/jobs/" + id);
  ASSERT_EQ(del.status, 200) << del.Describe();
  EXPECT_EQ(FindItem(Trash(first), id).value("status", ""), "cancelled");

  HttpResult restored = first.client().Post("/api/jobs/" + id + "/restore", Json::object());
  ASSERT_EQ(restored.status, 200) << restored.Describe();
  EXPECT_EQ(restored.json().value("status", ""), "cancelled") << restored.body;
  EXPECT_EQ(restored.json()["audio_ids"], Json::array()) << restored.body;
  Json stats = GetOk(first, "/api/jobs/stats");
  EXPECT_EQ(stats["status_counts"].value("queued", -1), 0) << stats.dump();
  EXPECT_EQ(stats["status_counts"].value("cancelled", -1), 1) << stats.dump();
  first.Stop();

  // The same data with a worker: it renders a job submitted later (so the
  // queue has been looked at), never the restored one.
  TestServerOptions with_worker;
  with_worker.workers = 1;
  with_worker.data_dir = first.data_dir();
  with_worker.db_url = first.db_url();
  TestServer second(with_worker);
  ASSERT_TRUE(second.Start());
  Json later = second.RunCompletedJob(1, 1);
  ASSERT_TRUE(later.is_object());
  Json after = GetOk(second, "/api/jobs/" + id);
  EXPECT_EQ(after.value("status", ""), "cancelled") << after.dump();
  EXPECT_EQ(after["audio_ids"], Json::array()) << after.dump();
  EXPECT_TRUE(second.AudioFilesOfJob(id).empty());
  second.Stop();
}

// A job deleted mid-render comes back cancelled with the samples it had
// finished, each streaming, and no partial one.
TEST(TrashTest, JobDeletedMidRenderComesBackCancelledWithItsFinishedSamples) {
  TestServerOptions options;
  options.soundfont = "/usr/share/sounds/sf2/FluidR3_GM.sf2";  // slow enough to act mid-render
  TestServer server(options);
  ASSERT_TRUE(server.Start());
  Json job = server.SubmitJob(4, 30);
  ASSERT_TRUE(job.is_object());
  const std::string id = job["id"];
  // Wait for a first finished sample (not a timing assertion: just a state to reach).
  Json st;
  for (auto deadline = std::chrono::steady_clock::now() + 60s; std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(5ms)) {
    st = GetOk(server, "/api/generate/" + id);
    const std::string status = st.is_object() ? st.value("status", "") : "";
    if (status != "queued" && (status != "processing" || !st["audio_ids"].empty())) break;
  }
  if (st.value("status", "") != "processing" || st["audio_ids"].size() >= 4u) {
    GTEST_SKIP() << "the render ended before it could be deleted mid-way: " << st.dump();
  }
  ASSERT_EQ(server.client().Delete("/api/jobs/" + id).status, 200);
  Json trashed = server.GetJobIncludingDeleted(id);
  ASSERT_TRUE(trashed.is_object());
  EXPECT_EQ(trashed.value("status", ""), "cancelled") << trashed.dump();
  HttpResult restored = server.client().Post("/api/jobs/" + id + "/restore", Json::object());
  ASSERT_EQ(restored.status, 200) << restored.Describe();
  Json r = restored.json();
  EXPECT_EQ(r.value("status", ""), "cancelled") << r.dump();
  EXPECT_EQ(r["audio_ids"], trashed["audio_ids"]) << "the samples it had finished when deleted";
  EXPECT_GE(r["audio_ids"].size(), 1u) << r.dump();
  EXPECT_LT(r["audio_ids"].size(), 4u) << r.dump();
  for (const auto& a : r["audio_ids"]) EXPECT_FALSE(Stream(server, a).empty()) << a;
  EXPECT_TRUE(server.AudioStorageConsistent(id));
  EXPECT_TRUE(server.TmpFiles().empty());
  // Restoring never re-queues: a later job runs and this one stays as it is.
  ASSERT_TRUE(server.RunCompletedJob(1, 1).is_object());
  EXPECT_EQ(GetOk(server, "/api/jobs/" + id)["audio_ids"], r["audio_ids"]);
  EXPECT_EQ(GetOk(server, "/api/jobs/" + id).value("status", ""), "cancelled");
}

// The trash pages (newest-deleted first), bulk restore of a mix of
// trashed, live and unknown ids, and a restored job whose adapter is gone.
TEST(TrashTest, TrashPagesAndBulkRestoreOfAMix) {
  TestServer server(NoRetention());
  ASSERT_TRUE(server.Start());
  Json adapter = server.CreateAdapter(TestServer::UniqueName("mix"));
  ASSERT_TRUE(adapter.is_object());
  std::vector<Json> jobs = RunJobs(server, 5, "mix");
  ASSERT_EQ(jobs.size(), 5u);
  Json with_adapter = server.RunCompletedJob(1, 1, {{"adapter_id", adapter["id"]}});
  ASSERT_TRUE(with_adapter.is_object());
  std::vector<std::string> order;  // deletion order
  for (int i : {3, 0, 4, 1}) {
    ASSERT_EQ(server.client().Delete("/api/jobs/" + jobs[i]["id"].get<std::string>()).status, 200);
    order.push_back(jobs[i]["id"]);
  }
  Json page1 = GetOk(server, "/api/trash?type=jobs&limit=3&offset=0", server.AdminHeaders());
  Json page2 = GetOk(server, "/api/trash?type=jobs&limit=3&offset=3", server.AdminHeaders());
  EXPECT_EQ(Total(page1), 4);
  EXPECT_EQ(page1.value("limit", -1), 3);
  EXPECT_EQ(page2.value("offset", -1), 3);
  EXPECT_EQ(page1.value("type", ""), "jobs");
  std::vector<std::string> listed;
  for (const Json& page : {page1, page2})
    for (const auto& item : Items(page)) listed.push_back(item["id"]);
  EXPECT_EQ(listed, std::vector<std::string>(order.rbegin(), order.rend())) << "newest-deleted first";
  EXPECT_EQ(Total(Trash(server, "datasets")), 0);
  EXPECT_EQ(Total(Trash(server, "ab_tests")), 0);

  const int64_t audit_before = AuditTotal(server);
  Json mix = PostOk(server, "/api/jobs/bulk-restore",
                    {{"ids", {order[0], order[1], order[0], jobs[2]["id"], NewUuid()}}});
  EXPECT_EQ(mix, Json({{"jobs_restored", 2}})) << "only the trashed ones, each once";
  EXPECT_EQ(AuditTotal(server), audit_before + 1);
  EXPECT_EQ(Total(Trash(server)), 2);

  // A job whose adapter was deleted comes back showing "Deleted Adapter".
  const std::string wid = with_adapter["id"];
  ASSERT_EQ(server.client().Delete("/api/jobs/" + wid).status, 200);
  ASSERT_EQ(server.client().Delete("/api/adapters/" + adapter["id"].get<std::string>()).status, 200);
  HttpResult back = server.client().Post("/api/jobs/" + wid + "/restore", Json::object());
  ASSERT_EQ(back.status, 200) << back.Describe();
  EXPECT_EQ(back.json().value("adapter_name", ""), "Deleted Adapter") << back.body;
  EXPECT_EQ(back.json().value("adapter_deleted", false), true) << back.body;
  EXPECT_EQ(back.json().value("adapter_id", ""), adapter["id"]);
}

// ---- 2. adapter restore ----

TEST(TrashTest, AdapterRestoreUnderATakenNameIsAConflictUntilRenamed) {
  TestServer server(NoRetention());
  ASSERT_TRUE(server.Start());
  const std::string name = TestServer::UniqueName("lofi");
  const std::string other = TestServer::UniqueName("lofi-old");
  Json old_adapter = server.CreateAdapter(name);
  ASSERT_TRUE(old_adapter.is_object());
  const std::string id = old_adapter["id"];
  ASSERT_EQ(server.client().Delete("/api/adapters/" + id).status, 200);
  Json item = FindItem(Trash(server, "adapters"), id);
  ASSERT_TRUE(item.is_object()) << "deleted adapter not in the trash";
  EXPECT_EQ(item.value("held_by_jobs", -1), 0) << item.dump();
  EXPECT_TRUE(item.contains("purge_after") && item["purge_after"].is_null()) << "retention is off: " << item.dump();
  Json taker = server.CreateAdapter(name);  // a live adapter takes the name
  ASSERT_TRUE(taker.is_object());

  const int64_t audit_before = AuditTotal(server);
  HttpResult conflict = server.client().Request("POST", "/api/adapters/" + id + "/restore");
  EXPECT_TRUE(IsError(conflict, 409));
  EXPECT_NE(conflict.json().value("detail", "").find("name"), std::string::npos) << conflict.body;
  EXPECT_TRUE(FindItem(Trash(server, "adapters"), id).is_object()) << "a failed restore left the trash";
  EXPECT_EQ(AuditTotal(server), audit_before) << "a failed restore wrote an audit event";

  HttpResult renamed = server.client().Post("/api/adapters/" + id + "/restore", {{"name", other}});
  ASSERT_EQ(renamed.status, 200) << renamed.Describe();
  EXPECT_EQ(renamed.json().value("id", ""), id);
  EXPECT_EQ(renamed.json().value("name", ""), other);
  EXPECT_EQ(renamed.json().value("is_active", true), false) << renamed.body;
  Json got = GetOk(server, "/api/adapters/" + id);
  EXPECT_EQ(got.value("name", ""), other);
  EXPECT_EQ(got.value("is_active", true), false);
  EXPECT_EQ(GetOk(server, "/api/adapters/" + taker["id"].get<std::string>()).value("name", ""), name);
  EXPECT_EQ(AuditTotal(server), audit_before + 1);
  EXPECT_TRUE(IsError(server.client().Post("/api/adapters/" + id + "/restore", Json::object()), 404));

  // Renaming onto a name a live adapter holds is a conflict too.
  ASSERT_EQ(server.client().Delete("/api/adapters/" + taker["id"].get<std::string>()).status, 200);
  EXPECT_TRUE(IsError(server.client().Post("/api/adapters/" + taker["id"].get<std::string>() + "/restore",
                                           {{"name", other}}),
                      409));
  HttpResult own = server.client().Post("/api/adapters/" + taker["id"].get<std::string>() + "/restore",
                                        Json::object());
  EXPECT_EQ(own.status, 200) << "its own name is free again: " << own.Describe();
}

// ---- 3. purge ----

TEST(TrashTest, PurgeRemovesExactlyTheTrashedRowsAndFilesAndStorageAgreesWithTheDisk) {
  TestServerOptions options;
  options.workers = 2;
  TestServer server(options);
  ASSERT_TRUE(server.Start());
  Json live_adapter = server.CreateAdapter(TestServer::UniqueName("kept"), {{"swing", 0.1}});
  Json gone_adapter = server.CreateAdapter(TestServer::UniqueName("gone"), {{"swing", 0.2}});
  ASSERT_TRUE(live_adapter.is_object() && gone_adapter.is_object());
  const std::string gone_adapter_id = gone_adapter["id"];
  std::vector<Json> jobs = RunJobs(server, 8, "purge");
  ASSERT_EQ(jobs.size(), 8u);
  std::vector<std::string> live_ids, trashed_ids;
  std::map<std::string, int> samples_of;
  for (size_t i = 0; i < jobs.size(); ++i) {
    const std::string id = jobs[i]["id"];
    samples_of[id] = static_cast<int>(jobs[i]["audio_ids"].size());
    ASSERT_TRUE(server.AddFeedback({{"audio_id", jobs[i]["audio_ids"][0]}, {"rating", 1 + i % 5}}).is_object());
    (i < 5 ? trashed_ids : live_ids).push_back(id);
  }
  // Feedback between a live and a trashed job goes with the trashed one.
  ASSERT_TRUE(server.AddFeedback({{"audio_id", jobs[6]["audio_ids"][0]}, {"preferred_over", jobs[0]["audio_ids"][0]}})
                  .is_object());
  for (const auto& id : trashed_ids) ASSERT_EQ(server.client().Delete("/api/jobs/" + id).status, 200);
  ASSERT_EQ(server.client().Delete("/api/adapters/" + gone_adapter_id).status, 200);
  ASSERT_FALSE(ListStoredFiles(server.data_dir()).empty());
  AwaitStartupRetentionPurge(server);

  std::set<std::string> trashed(trashed_ids.begin(), trashed_ids.end());
  trashed.insert(gone_adapter_id);
  const auto live_views = LiveViews(server, live_ids);
  ExpectStorageMatchesDisk(server, trashed);
  ASSERT_EQ(Total(Trash(server)), 5);

  // With the default retention (30 days) a purge naming nothing takes
  // nothing that was trashed a moment ago.
  for (const Json& body : {Json::object(), Json{{"type", "adapters"}}, Json{{"older_than_days", 1}}}) {
    SCOPED_TRACE(body.dump());
    Json r = PostOk(server, "/api/admin/purge", body, server.AdminHeaders());
    EXPECT_EQ(r.value("jobs", -1), 0) << r.dump();
    EXPECT_EQ(r.value("adapters", -1), 0) << r.dump();
    EXPECT_EQ(r.value("files", -1), 0) << r.dump();
  }
  EXPECT_EQ(Total(Trash(server)), 5);
  EXPECT_EQ(Total(Trash(server, "adapters")), 1);

  // One round: dry run, then the real purge; `jobs_gone` and `adapters_gone` are what it must take.
  auto round = [&](const Json& body, const std::vector<std::string>& jobs_gone,
                   const std::vector<std::string>& adapters_gone) {
    SCOPED_TRACE("purge " + body.dump());
    const StoredFiles before = ListStoredFiles(server.data_dir(), /*with_bytes=*/true);
    const int64_t audit_before = AuditTotal(server);
    const int64_t trash_jobs = Total(Trash(server)), trash_adapters = Total(Trash(server, "adapters"));
    Json dry_body = body;
    dry_body["dry_run"] = true;
    Json dry = PostOk(server, "/api/admin/purge", dry_body, server.AdminHeaders());
    EXPECT_EQ(dry.value("dry_run", false), true) << dry.dump();
    // The dry run changed nothing.
    const StoredFiles after_dry = ListStoredFiles(server.data_dir());
    EXPECT_EQ(after_dry.size(), before.size()) << "the dry run removed files";
    EXPECT_EQ(AuditTotal(server), audit_before) << "the dry run wrote an audit event";
    EXPECT_EQ(Total(Trash(server)), trash_jobs);
    EXPECT_EQ(Total(Trash(server, "adapters")), trash_adapters);

    Json real = PostOk(server, "/api/admin/purge", body, server.AdminHeaders());
    EXPECT_EQ(real.value("dry_run", true), false) << real.dump();
    EXPECT_EQ(Counts(dry), Counts(real)) << "the dry run did not predict the purge";
    EXPECT_EQ(AuditTotal(server), audit_before + 1);
    int samples = 0;
    for (const auto& id : jobs_gone) samples += samples_of[id];
    EXPECT_EQ(real.value("jobs", -1), static_cast<int64_t>(jobs_gone.size())) << real.dump();
    EXPECT_EQ(real.value("samples", -1), samples) << real.dump();
    EXPECT_EQ(real.value("adapters", -1), static_cast<int64_t>(adapters_gone.size())) << real.dump();

    const StoredFiles after = ListStoredFiles(server.data_dir(), /*with_bytes=*/true);
    std::set<std::string> gone_owners(jobs_gone.begin(), jobs_gone.end());
    gone_owners.insert(adapters_gone.begin(), adapters_gone.end());
    int64_t lost_bytes = 0, lost_files = 0;
    for (const auto& [path, f] : before) {
      auto it = after.find(path);
      if (it == after.end()) {
        ++lost_files;
        lost_bytes += f.size;
        EXPECT_TRUE(gone_owners.count(OwnerOf(path))) << "purge removed a file it was not asked to: " << path;
      } else {
        EXPECT_FALSE(gone_owners.count(OwnerOf(path))) << "a purged row's file is still there: " << path;
        EXPECT_TRUE(it->second.bytes == f.bytes) << "file changed: " << path;
      }
    }
    for (const auto& [path, f] : after) EXPECT_TRUE(before.count(path)) << "new file " << path;
    EXPECT_EQ(real.value("files", -1), lost_files) << real.dump();
    EXPECT_EQ(real.value("bytes_reclaimed", -1), lost_bytes) << real.dump();

    for (const auto& id : jobs_gone) {
      EXPECT_TRUE(IsError(server.client().Get("/api/jobs/" + id + "?include_deleted=true", server.AdminHeaders()), 404))
          << id;
      EXPECT_FALSE(FindItem(Trash(server), id).is_object()) << id;
      EXPECT_TRUE(IsError(server.client().Post("/api/jobs/" + id + "/restore", Json::object()), 404)) << id;
      trashed.erase(id);
    }
    for (const auto& id : adapters_gone) {
      EXPECT_TRUE(IsError(server.client().Get("/api/adapters/" + id + "?include_deleted=true", server.AdminHeaders()),
                          404))
          << id;
      trashed.erase(id);
    }
    ExpectStorageMatchesDisk(server, trashed);
    ExpectSameViews(live_views, LiveViews(server, live_ids));
  };

  round({{"ids", {trashed_ids[0]}}}, {trashed_ids[0]}, {});
  round({{"type", "jobs"}, {"ids", {trashed_ids[1], trashed_ids[2], trashed_ids[1]}}}, {trashed_ids[1], trashed_ids[2]}, {});
  round({{"older_than_days", 0}}, {trashed_ids[3], trashed_ids[4]}, {});
  round({{"type", "adapters"}, {"older_than_days", 0}}, {}, {gone_adapter_id});
  round({{"older_than_days", 0}}, {}, {});  // nothing left: all zeros, one event
  EXPECT_EQ(Total(Trash(server)), 0);
  EXPECT_EQ(Total(Trash(server, "adapters")), 0);
  EXPECT_EQ(GetOk(server, "/api/adapters/" + live_adapter["id"].get<std::string>()).value("name", ""),
            live_adapter["name"]);
}

TEST(TrashTest, WithRetentionOffTrashHasNoPurgeAfterAndStorageSaysSo) {
  TestServerOptions options;
  options.extra_args = {"--retention-days", "0", "--purge-interval", "77"};
  TestServer server(options);
  ASSERT_TRUE(server.Start());
  Json job = server.RunCompletedJob(1, 1);
  ASSERT_TRUE(job.is_object());
  ASSERT_EQ(server.client().Delete("/api/jobs/" + job["id"].get<std::string>()).status, 200);
  Json item = FindItem(Trash(server), job["id"]);
  ASSERT_TRUE(item.is_object());
  EXPECT_TRUE(item["purge_after"].is_null()) << item.dump();
  Json storage = GetOk(server, "/api/admin/storage", server.AdminHeaders());
  EXPECT_EQ(storage.value("retention_days", -1), 0) << storage.dump();
  EXPECT_EQ(storage.value("purge_interval_seconds", -1), 77) << storage.dump();
  // Without ids or older_than_days and no retention, nothing is purged
  // (the call is still a purge: one audit event).
  const int64_t audit_before = AuditTotal(server);
  Json r = PostOk(server, "/api/admin/purge", Json::object(), server.AdminHeaders());
  EXPECT_EQ(r.value("jobs", -1), 0) << r.dump();
  EXPECT_TRUE(FindItem(Trash(server), job["id"]).is_object());
  EXPECT_EQ(AuditTotal(server), audit_before + 1) << "a purge call without an audit event";
  // Named ids still purge.
  Json named = PostOk(server, "/api/admin/purge", {{"ids", {job["id"]}}}, server.AdminHeaders());
  EXPECT_EQ(named.value("jobs", -1), 1) << named.dump();
}

// A file no row references (as a crash between a purge's commit and its
// unlinks leaves) is orphaned in the storage report, and the next purge's
// sweep removes it and counts it in files and bytes_reclaimed. A young one
// is left alone (a worker may be about to publish it).
TEST(TrashTest, APurgeSweepsOldOrphanFilesAndCountsThem) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  Json job = server.RunCompletedJob(1, 1);
  Json trashed = server.RunCompletedJob(1, 1);
  ASSERT_TRUE(job.is_object() && trashed.is_object());
  const std::string job_id = job["id"], trashed_id = trashed["id"];
  ASSERT_EQ(server.client().Delete("/api/jobs/" + trashed_id).status, 200);
  const std::string old_dir = server.data_dir() + "/audio/" + NewUuid();
  std::filesystem::create_directories(old_dir);
  const std::vector<std::string> old_files = {old_dir + "/" + NewUuid() + ".wav",
                                              server.data_dir() + "/audio/" + job_id + "/" + NewUuid() + ".wav"};
  const std::string young = server.data_dir() + "/audio/" + job_id + "/" + NewUuid() + ".wav";
  for (const auto& path : old_files) {
    std::ofstream(path) << "old orphan bytes";
    std::filesystem::last_write_time(path, std::filesystem::file_time_type::clock::now() - 2h);
  }
  std::ofstream(young) << "young";
  const int64_t orphan_bytes = 2 * 16 + 5;
  Json storage = GetOk(server, "/api/admin/storage", server.AdminHeaders());
  StoredFiles disk = ListStoredFiles(server.data_dir());
  EXPECT_EQ(storage.value("orphaned_bytes", -1), orphan_bytes) << storage.dump();
  EXPECT_EQ(storage.value("files", -1), static_cast<int64_t>(disk.size())) << storage.dump();
  EXPECT_EQ(storage.value("live_bytes", 0) + storage.value("trashed_bytes", 0) + storage.value("orphaned_bytes", 0),
            TotalSize(disk));
  const std::string live_bytes = Stream(server, job["audio_ids"][0]);

  int64_t trashed_size = 0;
  for (const auto& [path, f] : disk) trashed_size += OwnerOf(path) == trashed_id ? f.size : 0;
  Json dry = PostOk(server, "/api/admin/purge", {{"ids", {trashed_id}}, {"dry_run", true}}, server.AdminHeaders());
  Json r = PostOk(server, "/api/admin/purge", {{"ids", {trashed_id}}}, server.AdminHeaders());
  EXPECT_EQ(Counts(dry), Counts(r));
  EXPECT_EQ(r.value("bytes_reclaimed", -1), trashed_size + 2 * 16) << r.dump();
  for (const auto& path : old_files) EXPECT_FALSE(std::filesystem::exists(path)) << path;
  EXPECT_FALSE(std::filesystem::exists(old_dir)) << "the orphan's empty folder stays";
  EXPECT_TRUE(std::filesystem::exists(young)) << "the sweep removed a young file";
  EXPECT_TRUE(Stream(server, job["audio_ids"][0]) == live_bytes);
  storage = GetOk(server, "/api/admin/storage", server.AdminHeaders());
  EXPECT_EQ(storage.value("orphaned_bytes", -1), 5) << storage.dump();
  EXPECT_EQ(storage.value("trashed_bytes", -1), 0) << storage.dump();
  EXPECT_EQ(storage.value("files", -1), static_cast<int64_t>(ListStoredFiles(server.data_dir()).size()));
}

// ---- 4. held adapters ----

TEST(TrashTest, AdapterHeldByAJobStaysInTheTrashUntilTheJobIsPurged) {
  TestServer server;
  ASSERT_TRUE(server.Start());
  Json held = server.CreateAdapter(TestServer::UniqueName("held"), {{"swing", 0.3}});
  Json held_live = server.CreateAdapter(TestServer::UniqueName("held-live"), {{"swing", 0.4}});
  ASSERT_TRUE(held.is_object() && held_live.is_object());
  const std::string adapter = held["id"], adapter_live = held_live["id"];
  Json job = server.RunCompletedJob(1, 1, {{"adapter_id", adapter}});
  Json live_job = server.RunCompletedJob(1, 1, {{"adapter_id", adapter_live}});
  ASSERT_TRUE(job.is_object() && live_job.is_object());
  const std::string job_id = job["id"];
  ASSERT_EQ(server.client().Delete("/api/jobs/" + job_id).status, 200);
  ASSERT_EQ(server.client().Delete("/api/adapters/" + adapter).status, 200);
  ASSERT_EQ(server.client().Delete("/api/adapters/" + adapter_live).status, 200);
  ASSERT_FALSE(ListStoredFiles(server.data_dir()).empty());
  auto adapter_files = [&](const std::string& id) {
    int n = 0;
    for (const auto& [path, f] : ListStoredFiles(server.data_dir())) n += path.rfind("adapters/" + id + "/", 0) == 0;
    return n;
  };
  ASSERT_GT(adapter_files(adapter), 0) << "the adapter has no style file to purge";

  Json trash = Trash(server, "adapters");
  EXPECT_EQ(FindItem(trash, adapter).value("held_by_jobs", -1), 1) << trash.dump();
  EXPECT_EQ(FindItem(trash, adapter_live).value("held_by_jobs", -1), 1) << trash.dump();
  for (const std::string& id : {adapter, adapter_live}) {
    SCOPED_TRACE(id);
    Json dry = PostOk(server, "/api/admin/purge", {{"type", "adapters"}, {"ids", {id}}, {"dry_run", true}},
                      server.AdminHeaders());
    EXPECT_EQ(dry.value("adapters", -1), 0) << dry.dump();
    Json r = PostOk(server, "/api/admin/purge", {{"type", "adapters"}, {"ids", {id}}}, server.AdminHeaders());
    EXPECT_EQ(r.value("adapters", -1), 0) << r.dump();
    EXPECT_EQ(r.value("files", -1), 0) << r.dump();
    EXPECT_EQ(FindItem(Trash(server, "adapters"), id).value("held_by_jobs", -1), 1);
    EXPECT_GT(adapter_files(id), 0) << "a held adapter lost its files";
  }
  // Nor by age.
  Json by_age = PostOk(server, "/api/admin/purge", {{"type", "adapters"}, {"older_than_days", 0}}, server.AdminHeaders());
  EXPECT_EQ(by_age.value("adapters", -1), 0) << by_age.dump();
  EXPECT_EQ(Total(Trash(server, "adapters")), 2);
  // The job still shows it, as deleted.
  Json detail = GetOk(server, "/api/jobs/" + live_job["id"].get<std::string>());
  EXPECT_EQ(detail.value("adapter_name", ""), "Deleted Adapter") << detail.dump();

  // Once its trashed job is purged, the adapter goes, with its files.
  Json purged_job = PostOk(server, "/api/admin/purge", {{"ids", {job_id}}}, server.AdminHeaders());
  EXPECT_EQ(purged_job.value("jobs", -1), 1) << purged_job.dump();
  EXPECT_EQ(FindItem(Trash(server, "adapters"), adapter).value("held_by_jobs", -1), 0);
  const int files = adapter_files(adapter);
  Json r = PostOk(server, "/api/admin/purge", {{"type", "adapters"}, {"ids", {adapter}}}, server.AdminHeaders());
  EXPECT_EQ(r.value("adapters", -1), 1) << r.dump();
  EXPECT_EQ(r.value("files", -1), files) << r.dump();
  EXPECT_EQ(adapter_files(adapter), 0);
  EXPECT_FALSE(std::filesystem::exists(server.data_dir() + "/adapters/" + adapter));
  EXPECT_TRUE(IsError(server.client().Get("/api/adapters/" + adapter + "?include_deleted=true", server.AdminHeaders()), 404));
  EXPECT_TRUE(IsError(server.client().Post("/api/adapters/" + adapter + "/restore", Json::object()), 404));
  // The one a live job uses stays.
  EXPECT_EQ(FindItem(Trash(server, "adapters"), adapter_live).value("held_by_jobs", -1), 1);
}

// ---- 5. bulk delete == single deletes ----

// Two identical worlds: four completed jobs of two samples (j0..j3), feedback
// crossing them, then (on the same data, with no workers) two queued jobs j4, j5.
struct World {
  std::unique_ptr<TestServer> render;  // with a worker: the completed jobs
  std::unique_ptr<TestServer> server;  // no workers: the queued jobs stay queued
  std::vector<std::string> jobs;
  std::map<std::string, std::string> name_of;  // id -> "j0", "j0.a1", ...

  std::string Id(const std::string& name) const {
    for (const auto& [id, n] : name_of)
      if (n == name) return id;
    ADD_FAILURE() << "no " << name;
    return "";
  }
  std::string Name(const Json& id) const {
    if (!id.is_string()) return id.dump();
    auto it = name_of.find(id.get<std::string>());
    return it == name_of.end() ? "?" + id.get<std::string>() : it->second;
  }
};

void BuildWorld(World* w) {
  TestServerOptions o;
  o.workers = 1;
  w->render = std::make_unique<TestServer>(NoRetention(o));
  ASSERT_TRUE(w->render->Start());
  for (int i = 0; i < 4; ++i) {
    Json job = w->render->RunCompletedJob(2, 1, {{"seed", 40 + i}});
    ASSERT_TRUE(job.is_object());
    w->jobs.push_back(job["id"]);
    w->name_of[job["id"].get<std::string>()] = "j" + std::to_string(i);
    for (int k = 0; k < 2; ++k) w->name_of[job["audio_ids"][k].get<std::string>()] = "j" + std::to_string(i) + ".a" + std::to_string(k);
  }
  const std::vector<Json> feedback = {
      {{"audio_id", w->Id("j0.a0")}, {"rating", 4}},
      {{"audio_id", w->Id("j1.a0")}, {"preferred_over", w->Id("j0.a1")}},
      {{"audio_id", w->Id("j2.a1")}, {"preferred_over", w->Id("j3.a0")}},
      {{"audio_id", w->Id("j3.a0")}, {"tags", {"warm"}}},
      {{"audio_id", w->Id("j3.a1")}, {"preferred_over", w->Id("j1.a1")}},
      {{"audio_id", w->Id("j0.a0")}, {"rating", 2}, {"preferred_over", w->Id("j1.a0")}},
  };
  for (size_t i = 0; i < feedback.size(); ++i) {
    Json f = w->render->AddFeedback(feedback[i]);
    ASSERT_TRUE(f.is_object());
    w->name_of[f["id"].get<std::string>()] = "f" + std::to_string(i);
  }
  w->render->Stop();
  TestServerOptions q;
  q.workers = 0;
  q.data_dir = w->render->data_dir();
  q.db_url = w->render->db_url();
  w->server = std::make_unique<TestServer>(NoRetention(q));
  ASSERT_TRUE(w->server->Start());
  for (int i = 4; i < 6; ++i) {
    Json job = w->server->SubmitJob(1, 1, {{"seed", 40 + i}});
    ASSERT_TRUE(job.is_object());
    w->jobs.push_back(job["id"]);
    w->name_of[job["id"].get<std::string>()] = "j" + std::to_string(i);
  }
}

// The world's state, with ids replaced by names and times left out.
Json WorldState(World& w) {
  TestServer& s = *w.server;
  Json state;
  std::set<std::string> trash;
  for (const auto& item : Items(Trash(s))) {
    std::string audio;
    for (const auto& a : item["audio_ids"]) audio += w.Name(a) + ",";
    trash.insert(w.Name(item["id"]) + " " + item.value("status", "") + " samples=" +
                 std::to_string(item.value("sample_count", -1)) + " audio=" + audio);
  }
  state["trash"] = trash;
  std::set<std::string> feedback;
  for (const auto& f : Items(GetOk(s, "/api/feedback?limit=100"))) {
    feedback.insert(w.Name(f["id"]) + " on " + w.Name(f["audio_id"]) + " over " + w.Name(f["preferred_over"]) +
                    " rating " + f["rating"].dump() + " tags " + f["tags"].dump());
  }
  state["feedback"] = feedback;
  std::set<std::string> live;
  for (const auto& j : Items(GetOk(s, "/api/jobs?limit=100"))) live.insert(w.Name(j["id"]) + " " + j.value("status", ""));
  state["live"] = live;
  Json stats = GetOk(s, "/api/jobs/stats");
  state["status_counts"] = stats["status_counts"];
  state["total_jobs"] = stats["total_jobs"];
  state["active_jobs"] = stats["active_jobs"];
  Json summary = GetOk(s, "/api/feedback/summary");
  summary.erase("high_rated_samples");
  state["summary"] = summary;
  state["files"] = static_cast<int64_t>(ListStoredFiles(s.data_dir()).size());
  return state;
}

TEST(TrashTest, BulkDeleteOfJobsEqualsTheirSingleDeletesAndItsDryRunPredictsIt) {
  World bulk, single;
  ASSERT_NO_FATAL_FAILURE(BuildWorld(&bulk));
  ASSERT_NO_FATAL_FAILURE(BuildWorld(&single));
  const std::vector<std::string> names = {"j0", "j1", "j4"};
  EXPECT_EQ(WorldState(bulk), WorldState(single)) << "the two worlds differ before any delete";

  // Singles.
  int64_t jobs_deleted = 0, feedback_deleted = 0, cancelled = 0;
  for (const auto& n : names) {
    const std::string id = single.Id(n);
    const bool active = GetOk(*single.server, "/api/jobs/" + id).value("status", "") == "queued";
    HttpResult r = single.server->client().Delete("/api/jobs/" + id);
    ASSERT_EQ(r.status, 200) << r.Describe();
    ++jobs_deleted;
    feedback_deleted += r.json().value("feedback_deleted", 0);
    cancelled += active;
  }
  EXPECT_EQ(feedback_deleted, 4) << "f0, f1, f4, f5";

  // Bulk: the dry run first, which changes nothing.
  TestServer& s = *bulk.server;
  Json ids = Json::array();
  for (const auto& n : names) ids.push_back(bulk.Id(n));
  const Json state_before = WorldState(bulk);
  const Json snapshot_before = s.Snapshot();
  const int64_t audit_before = AuditTotal(s);
  Json dry = PostOk(s, "/api/jobs/bulk-delete", {{"ids", ids}, {"dry_run", true}});
  EXPECT_EQ(dry.value("dry_run", false), true) << dry.dump();
  EXPECT_EQ(WorldState(bulk), state_before) << "the dry run changed something";
  EXPECT_EQ(s.Snapshot(), snapshot_before);
  EXPECT_EQ(AuditTotal(s), audit_before) << "the dry run wrote an audit event";

  Json real = PostOk(s, "/api/jobs/bulk-delete", {{"ids", ids}});
  EXPECT_EQ(Counts(dry), Counts(real)) << "dry run " << dry.dump() << " vs " << real.dump();
  EXPECT_EQ(real, Json({{"jobs_deleted", jobs_deleted},
                        {"feedback_deleted", feedback_deleted},
                        {"cancelled", cancelled},
                        {"dry_run", false}}));
  EXPECT_EQ(AuditTotal(s), audit_before + 1);
  EXPECT_EQ(WorldState(bulk), WorldState(single));
  // The trash's per-job feedback_deleted adds up to the same total.
  int64_t sum_bulk = 0, sum_single = 0;
  std::string per_job_bulk, per_job_single;
  for (const auto& item : Items(Trash(s))) {
    sum_bulk += item.value("feedback_deleted", 0);
    per_job_bulk += " " + bulk.Name(item["id"]) + "=" + std::to_string(item.value("feedback_deleted", 0));
  }
  for (const auto& item : Items(Trash(*single.server))) {
    sum_single += item.value("feedback_deleted", 0);
    per_job_single += " " + single.Name(item["id"]) + "=" + std::to_string(item.value("feedback_deleted", 0));
  }
  // (f1 and f5 link a sample of j0 with one of j1: each is one record, removed once.)
  EXPECT_EQ(sum_bulk, feedback_deleted) << "the trash of the bulk world counts a record under two jobs:"
                                        << per_job_bulk << " (single deletes:" << per_job_single << ")";
  EXPECT_EQ(sum_single, feedback_deleted) << per_job_single;

  // A second bulk delete of the same ids finds nothing live.
  Json again = PostOk(s, "/api/jobs/bulk-delete", {{"ids", ids}});
  EXPECT_EQ(again.value("jobs_deleted", -1), 0) << again.dump();

  // A filter: the one queued job left (j5), counted by a dry run.
  Json by_filter = PostOk(s, "/api/jobs/bulk-delete", {{"filter", {{"status", "queued"}}}, {"dry_run", true}});
  EXPECT_EQ(by_filter.value("jobs_deleted", -1), 1) << by_filter.dump();
  EXPECT_EQ(by_filter.value("cancelled", -1), 1) << by_filter.dump();

  // Bulk restore == single restores.
  Json restored = PostOk(s, "/api/jobs/bulk-restore", {{"ids", ids}});
  EXPECT_EQ(restored, Json({{"jobs_restored", 3}}));
  for (const auto& n : names) {
    HttpResult r = single.server->client().Post("/api/jobs/" + single.Id(n) + "/restore", Json::object());
    EXPECT_EQ(r.status, 200) << r.Describe();
  }
  EXPECT_EQ(WorldState(bulk), WorldState(single));
  Json live = WorldState(bulk)["live"];
  EXPECT_TRUE(live.is_array() && std::find(live.begin(), live.end(), Json("j4 cancelled")) != live.end()) << live.dump();
}

// A dry run does the delete in a transaction it rolls back: a job it
// covers while rendering is not disturbed (it completes with all its samples).
TEST(TrashTest, DryRunsOfABulkDeleteLeaveARenderingJobAlone) {
  TestServerOptions options;
  options.soundfont = "/usr/share/sounds/sf2/FluidR3_GM.sf2";
  TestServer server(NoRetention(options));
  ASSERT_TRUE(server.Start());
  Json job = server.SubmitJob(4, 30);
  ASSERT_TRUE(job.is_object());
  const std::string id = job["id"];
  ASSERT_TRUE(server.WaitUntilRendering(id));
  int dry_runs = 0;
  for (;;) {
    Json st = GetOk(server, "/api/generate/" + id);
    if (st.value("status", "") != "processing") break;
    Json dry = PostOk(server, "/api/jobs/bulk-delete", {{"ids", {id}}, {"dry_run", true}});
    Json by_filter = PostOk(server, "/api/jobs/bulk-delete", {{"filter", {{"status", "processing"}}}, {"dry_run", true}});
    ++dry_runs;
    if (GetOk(server, "/api/generate/" + id).value("status", "") != "processing") break;
    EXPECT_EQ(dry.value("cancelled", -1), 1) << dry.dump();
    EXPECT_EQ(by_filter.value("jobs_deleted", -1), 1) << by_filter.dump();
  }
  Json done = server.WaitForJob(id, {"completed", "failed", "cancelled"});
  EXPECT_EQ(done.value("status", ""), "completed") << done.dump() << " after " << dry_runs << " dry runs";
  EXPECT_EQ(done["audio_ids"].size(), 4u) << done.dump();
  EXPECT_TRUE(server.AudioStorageConsistent(id));
  EXPECT_EQ(AuditTotal(server), 0) << "dry runs are not audited";
  EXPECT_GT(dry_runs, 0);
}

TEST(TrashTest, BulkFeedbackDeleteByIdsAndFilterWithDryRun) {
  TestServer server(NoRetention());
  ASSERT_TRUE(server.Start());
  Json job = server.RunCompletedJob(2, 1);
  ASSERT_TRUE(job.is_object());
  const std::string a = job["audio_ids"][0], b = job["audio_ids"][1];
  std::vector<std::string> ids;
  for (int r = 1; r <= 5; ++r) ids.push_back(server.AddFeedback({{"audio_id", r % 2 ? a : b}, {"rating", r}})["id"]);
  const int64_t audit_before = AuditTotal(server);
  Json dry = PostOk(server, "/api/feedback/bulk-delete", {{"filter", {{"min_rating", 4}}}, {"dry_run", true}});
  EXPECT_EQ(dry, Json({{"feedback_deleted", 2}, {"dry_run", true}, {"datasets_affected", Json::array()}}));
  EXPECT_EQ(Total(GetOk(server, "/api/feedback?limit=100")), 5);
  EXPECT_EQ(AuditTotal(server), audit_before);
  Json real = PostOk(server, "/api/feedback/bulk-delete", {{"filter", {{"min_rating", 4}}}});
  EXPECT_EQ(real, Json({{"feedback_deleted", 2}, {"dry_run", false}}));
  Json by_ids = PostOk(server, "/api/feedback/bulk-delete", {{"ids", {ids[0], ids[3], NewUuid()}}});
  EXPECT_EQ(by_ids.value("feedback_deleted", -1), 1) << "ids[3] (rating 4) was already gone: " << by_ids.dump();
  std::set<std::string> left;
  for (const auto& f : Items(GetOk(server, "/api/feedback?limit=100"))) left.insert(f["id"]);
  EXPECT_EQ(left, std::set<std::string>({ids[1], ids[2]}));
  EXPECT_EQ(AuditTotal(server), audit_before + 2);
}

// ---- 6. audit ----

TEST(TrashTest, EveryChangeIsExactlyOneAuditEventWithIdsCountsActorAndRequestId) {
  TestServerOptions options;
  options.admin_token = kToken;
  TestServer server(NoRetention(options));
  ASSERT_TRUE(server.Start());
  const std::string secret_text = "audit-secret-prompt-zebra-marmalade";
  const std::string secret_name = TestServer::UniqueName("audit-secret-adapter");
  Json adapter = server.CreateAdapter(secret_name);
  Json j1 = server.SubmitJob(1, 1, Json::object(), secret_text);
  Json j2 = server.SubmitJob(1, 1, Json::object(), secret_text);
  ASSERT_TRUE(adapter.is_object() && j1.is_object() && j2.is_object());
  const std::string id1 = j1["id"], id2 = j2["id"];
  for (const auto& id : {id1, id2}) ASSERT_EQ(server.WaitForJob(id, {"completed"}).value("status", ""), "completed");
  Json fb = server.AddFeedback({{"audio_id", GetOk(server, "/api/jobs/" + id2)["audio_ids"][0]}, {"rating", 3}});
  Json fb1 = server.AddFeedback({{"audio_id", GetOk(server, "/api/jobs/" + id1)["audio_ids"][0]}, {"rating", 4}});
  Json fb2 = server.AddFeedback({{"audio_id", GetOk(server, "/api/jobs/" + id2)["audio_ids"][0]}, {"rating", 1}});
  ASSERT_TRUE(fb.is_object() && fb1.is_object() && fb2.is_object());
  Json long_job = server.SubmitJob(4, 30, Json::object(), secret_text);  // to cancel while queued or processing
  ASSERT_TRUE(long_job.is_object());
  const std::string id3 = long_job["id"];
  ASSERT_EQ(AuditTotal(server), 0) << "creating things is not audited";

  struct Expected {
    std::string action, entity;
    Json entity_id;
    Json counts;  // the keys that must be there, with their values
    std::string request_id;
  };
  std::vector<Expected> expected;
  const Headers admin = server.AdminHeaders();
  auto with_id = [&](const std::string& rid, bool as_admin) {
    Headers h = as_admin ? admin : Headers{};
    h.emplace_back("X-Request-Id", rid);
    return h;
  };
  auto call = [&](const std::string& method, const std::string& target, const std::optional<Json>& body,
                  const std::string& rid, bool as_admin, int status) {
    HttpResult r = server.client().Request(method, target, body, with_id(rid, as_admin));
    EXPECT_EQ(r.status, status) << method << " " << target << " -> " << r.Describe();
    EXPECT_EQ(r.Header("x-request-id"), rid) << method << " " << target;
    return r.json();
  };

  call("DELETE", "/api/generate/" + id3, std::nullopt, "req-cancel", true, 204);
  expected.push_back({"cancel", "job", id3, {{"jobs", 1}}, "req-cancel"});
  call("DELETE", "/api/jobs/" + id1, std::nullopt, "req-delete.1", false, 200);
  expected.push_back({"delete", "job", id1, {{"jobs", 1}, {"feedback_deleted", 1}, {"cancelled", 0}}, "req-delete.1"});
  call("POST", "/api/jobs/" + id1 + "/restore", std::nullopt, "req_restore", true, 200);
  expected.push_back({"restore", "job", id1, {{"jobs", 1}}, "req_restore"});
  call("DELETE", "/api/adapters/" + adapter["id"].get<std::string>(), std::nullopt, "req-adapter", true, 200);
  expected.push_back({"delete", "adapter", adapter["id"], {{"adapters", 1}}, "req-adapter"});
  call("DELETE", "/api/feedback/" + fb["id"].get<std::string>(), std::nullopt, "req-feedback", true, 200);
  expected.push_back({"delete", "feedback", fb["id"], {{"feedback", 1}}, "req-feedback"});
  call("POST", "/api/feedback/bulk-delete", Json{{"ids", {fb2["id"]}}}, "req-bulk-fb", true, 200);
  expected.push_back({"bulk_delete", "feedback", fb2["id"], {{"feedback", 1}}, "req-bulk-fb"});
  // Failed calls and dry runs: no event.
  call("DELETE", "/api/jobs/" + NewUuid(), std::nullopt, "req-fail-1", true, 404);
  call("DELETE", "/api/feedback/" + fb["id"].get<std::string>(), std::nullopt, "req-fail-2", true, 404);
  call("POST", "/api/jobs/" + id2 + "/restore", Json::object(), "req-fail-3", true, 404);
  call("POST", "/api/jobs/bulk-delete", Json{{"ids", {id1, id2}}, {"dry_run", true}}, "req-dry-1", true, 200);
  call("POST", "/api/admin/purge", Json{{"older_than_days", 0}, {"dry_run", true}}, "req-dry-2", true, 200);
  EXPECT_EQ(AuditTotal(server), static_cast<int64_t>(expected.size()));

  call("POST", "/api/jobs/bulk-delete", Json{{"ids", {id1, id2}}}, "req-bulk", true, 200);
  expected.push_back({"bulk_delete", "job", nullptr, {{"jobs", 2}, {"feedback_deleted", 0}, {"cancelled", 0}}, "req-bulk"});
  call("POST", "/api/jobs/bulk-restore", Json{{"ids", {id1, id2}}}, "req-bulk-restore", true, 200);
  expected.push_back({"bulk_restore", "job", nullptr, {{"jobs", 2}}, "req-bulk-restore"});
  call("DELETE", "/api/jobs/" + id2, std::nullopt, "req-delete.2", true, 200);
  expected.push_back({"delete", "job", id2, {{"jobs", 1}, {"feedback_deleted", 0}, {"cancelled", 0}}, "req-delete.2"});
  call("POST", "/api/admin/purge", Json{{"ids", {id2}}}, "req-purge", true, 200);
  expected.push_back({"purge", "job", id2, {{"jobs", 1}, {"samples", 1}, {"adapters", 0}}, "req-purge"});

  HttpResult list = server.client().Get("/api/audit?limit=100", admin);
  ASSERT_EQ(list.status, 200) << list.Describe();
  EXPECT_EQ(list.body.find(secret_text), std::string::npos) << "prompt text in the audit log";
  EXPECT_EQ(list.body.find(secret_name), std::string::npos) << "adapter name in the audit log";
  Json events = list.json();
  ASSERT_EQ(Total(events), static_cast<int64_t>(expected.size())) << events.dump(1);
  ASSERT_EQ(events["items"].size(), expected.size());
  std::set<std::string> event_ids;
  for (size_t i = 0; i < expected.size(); ++i) {
    const Expected& e = expected[expected.size() - 1 - i];  // newest first
    const Json& got = events["items"][i];
    SCOPED_TRACE(e.request_id + ": " + got.dump());
    EXPECT_EQ(got.value("action", ""), e.action);
    EXPECT_EQ(got.value("entity", ""), e.entity);
    EXPECT_EQ(got["entity_id"], e.entity_id);
    EXPECT_EQ(got.value("request_id", ""), e.request_id);
    EXPECT_EQ(got.value("actor", ""), e.request_id == "req-delete.1" ? "local" : "admin");
    EXPECT_TRUE(got["at"].is_string() && ParseIsoMicros(got["at"]) > 0);
    event_ids.insert(got.value("id", ""));
    ASSERT_TRUE(got["counts"].is_object());
    for (const auto& [key, value] : e.counts.items()) EXPECT_EQ(got["counts"][key], value) << key;
    for (const auto& [key, value] : got["counts"].items()) EXPECT_TRUE(value.is_number_integer()) << key;
  }
  EXPECT_EQ(event_ids.size(), expected.size());
  // Filters.
  EXPECT_EQ(Total(GetOk(server, "/api/audit?action=restore", admin)), 1);
  EXPECT_EQ(Total(GetOk(server, "/api/audit?entity=feedback", admin)), 2);
  EXPECT_EQ(Total(GetOk(server, "/api/audit?entity=job&action=delete", admin)), 2);
  // Dates: from the fourth newest event's moment on, exactly the four newest.
  const std::string since = events["items"][3]["at"];
  Json recent = GetOk(server, "/api/audit?limit=100&start_date=" + since, admin);
  EXPECT_EQ(Total(recent), 4) << since;
  Json older = GetOk(server, "/api/audit?limit=100&end_date=" + since, admin);
  EXPECT_GE(Total(older), static_cast<int64_t>(expected.size()) - 4) << since;
  EXPECT_LE(Total(older), static_cast<int64_t>(expected.size()) - 3) << "end_date inclusive or not, no more";
  Json page = GetOk(server, "/api/audit?limit=2&offset=1", admin);
  ASSERT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(page["items"][0], events["items"][1]);

  // No X-Request-Id (or an unusable one): a generated one, in the header and the event.
  HttpResult plain = server.client().Delete("/api/jobs/" + id1, admin);
  ASSERT_EQ(plain.status, 200);
  HttpResult bad_rid = server.client().Request("POST", "/api/jobs/" + id1 + "/restore", std::nullopt,
                                               {{"Authorization", std::string("Bearer ") + kToken},
                                                {"X-Request-Id", "has spaces/and?slashes"}});
  ASSERT_EQ(bad_rid.status, 200);
  Json newest = AuditEvents(server, 2)["items"];
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_FALSE(plain.Header("x-request-id").empty());
  EXPECT_EQ(newest[1].value("request_id", ""), plain.Header("x-request-id"));
  EXPECT_NE(bad_rid.Header("x-request-id"), "has spaces/and?slashes");
  EXPECT_EQ(newest[0].value("request_id", ""), bad_rid.Header("x-request-id"));
  // 64 characters of [A-Za-z0-9._-] are taken as they are; 65 are not.
  const std::string rid64(64, 'r'), rid65(65, 'r');
  HttpResult h64 = server.client().Get("/api/health", {{"X-Request-Id", rid64}});
  HttpResult h65 = server.client().Get("/api/health", {{"X-Request-Id", rid65}});
  EXPECT_EQ(h64.Header("x-request-id"), rid64);
  EXPECT_NE(h65.Header("x-request-id"), rid65);
  EXPECT_FALSE(h65.Header("x-request-id").empty());
  HttpResult failed = server.client().Delete("/api/jobs/" + NewUuid(), {{"X-Request-Id", "on-a-404"}});
  EXPECT_EQ(failed.status, 404);
  EXPECT_EQ(failed.Header("x-request-id"), "on-a-404") << "error answers carry it too";
  EXPECT_FALSE(server.client().Get("/api/health").Header("x-request-id").empty());
  EXPECT_FALSE(server.client().Get("/api/jobs/" + NewUuid()).Header("x-request-id").empty());
}

TEST(TrashTest, WithoutAnAdminTokenTheActorIsLocal) {
  TestServer server(NoRetention());
  ASSERT_TRUE(server.Start());
  Json job = server.RunCompletedJob(1, 1);
  ASSERT_TRUE(job.is_object());
  ASSERT_EQ(server.client().Delete("/api/jobs/" + job["id"].get<std::string>(),
                                    {{"Authorization", "Bearer whatever"}}).status,
            200);
  Json events = AuditEvents(server);
  ASSERT_EQ(events["items"].size(), 1u) << events.dump();
  EXPECT_EQ(events["items"][0].value("actor", ""), "local");
}

// ---- 7. admin ----

TEST(TrashTest, AdminRoutesNeedTheTokenWhenOneIsConfigured) {
  TestServerOptions options;
  options.admin_token = kToken;
  TestServer server(options);
  ASSERT_TRUE(server.Start());
  Json job = server.RunCompletedJob(1, 1);
  ASSERT_TRUE(job.is_object());
  const std::string id = job["id"];
  ASSERT_EQ(server.client().Delete("/api/jobs/" + id).status, 200);
  struct Call {
    std::string method, target;
    std::optional<Json> body;
  };
  const std::vector<Call> calls = {
      {"GET", "/api/trash", std::nullopt},
      {"GET", "/api/trash?type=adapters", std::nullopt},
      {"GET", "/api/admin/storage", std::nullopt},
      {"GET", "/api/audit", std::nullopt},
      {"POST", "/api/admin/purge", Json{{"ids", {id}}, {"dry_run", true}}},
      {"POST", "/api/admin/purge", Json{{"ids", {id}}}},
  };
  for (const Headers& wrong : {Headers{}, Headers{{"Authorization", "Bearer not-the-token"}},
                               Headers{{"Authorization", kToken}}}) {
    for (const auto& c : calls) {
      SCOPED_TRACE(c.method + " " + c.target + (wrong.empty() ? "" : " with " + wrong[0].second));
      EXPECT_TRUE(IsError(server.client().Request(c.method, c.target, c.body, wrong), 403));
    }
  }
  // Nothing was purged by the refused calls.
  EXPECT_TRUE(server.GetJobIncludingDeleted(id).is_object());
  for (const auto& c : calls) {
    SCOPED_TRACE(c.method + " " + c.target);
    HttpResult r = server.client().Request(c.method, c.target, c.body, server.AdminHeaders());
    EXPECT_EQ(r.status, 200) << r.Describe();
  }
  EXPECT_TRUE(IsError(server.client().Get("/api/jobs/" + id + "?include_deleted=true", server.AdminHeaders()), 404));
}

// ---- 8. bad input ----

TEST(TrashTest, BadInputIsA4xxWithADetailAndChangesNothing) {
  TestServer server(NoRetention());
  ASSERT_TRUE(server.Start());
  Json trashed = server.RunCompletedJob(1, 1);
  Json live = server.RunCompletedJob(1, 1);
  Json adapter = server.CreateAdapter(TestServer::UniqueName("bad-input"));
  ASSERT_TRUE(trashed.is_object() && live.is_object() && adapter.is_object());
  const std::string trashed_id = trashed["id"], live_id = live["id"], adapter_id = adapter["id"];
  ASSERT_EQ(server.client().Delete("/api/jobs/" + trashed_id).status, 200);
  Json fb = server.AddFeedback({{"audio_id", live["audio_ids"][0]}, {"rating", 2}});
  ASSERT_TRUE(fb.is_object());

  Json many = Json::array();
  for (int i = 0; i < 1001; ++i) many.push_back(NewUuid());
  const Json filter = {{"status", "completed"}};
  const Headers admin = server.AdminHeaders();
  struct Case {
    std::string name, method, target;
    std::optional<Json> body;
    int status;  // 0: any 4xx
  };
  const std::vector<Case> cases = {
      {"unknown trash type", "GET", "/api/trash?type=prompts", std::nullopt, 422},
      {"trash limit 0", "GET", "/api/trash?limit=0", std::nullopt, 422},
      {"trash offset -1", "GET", "/api/trash?offset=-1", std::nullopt, 422},
      {"purge older_than_days -1", "POST", "/api/admin/purge", Json{{"older_than_days", -1}}, 422},
      {"purge older_than_days text", "POST", "/api/admin/purge", Json{{"older_than_days", "0"}}, 422},
      {"purge unknown type", "POST", "/api/admin/purge", Json{{"type", "prompts"}, {"older_than_days", 0}}, 422},
      {"purge 1001 ids", "POST", "/api/admin/purge", Json{{"ids", many}}, 422},
      {"purge malformed uuid", "POST", "/api/admin/purge", Json{{"ids", {trashed_id, "not-a-uuid"}}}, 422},
      {"purge dry_run text", "POST", "/api/admin/purge", Json{{"ids", {trashed_id}}, {"dry_run", "yes"}}, 422},
      {"purge a job id as adapters", "POST", "/api/admin/purge", Json{{"type", "adapters"}, {"ids", {trashed_id}}}, 404},
      {"purge an adapter id as jobs", "POST", "/api/admin/purge", Json{{"ids", {adapter_id}}}, 404},
      {"purge a live job", "POST", "/api/admin/purge", Json{{"ids", {live_id}}}, 404},
      {"purge a live adapter", "POST", "/api/admin/purge", Json{{"type", "adapters"}, {"ids", {adapter_id}}}, 404},
      {"purge trashed + unknown", "POST", "/api/admin/purge", Json{{"ids", {trashed_id, NewUuid()}}}, 404},
      {"purge trashed job as datasets", "POST", "/api/admin/purge", Json{{"type", "datasets"}, {"ids", {trashed_id}}}, 404},
      {"purge not an object", "POST", "/api/admin/purge", Json::array(), 422},
      {"bulk-delete ids and filter", "POST", "/api/jobs/bulk-delete", Json{{"ids", {live_id}}, {"filter", filter}}, 422},
      {"bulk-delete neither", "POST", "/api/jobs/bulk-delete", Json::object(), 422},
      {"bulk-delete neither (dry run)", "POST", "/api/jobs/bulk-delete", Json{{"dry_run", true}}, 422},
      {"bulk-delete 1001 ids", "POST", "/api/jobs/bulk-delete", Json{{"ids", many}}, 422},
      {"bulk-delete empty ids", "POST", "/api/jobs/bulk-delete", Json{{"ids", Json::array()}}, 422},
      {"bulk-delete malformed uuid", "POST", "/api/jobs/bulk-delete", Json{{"ids", {live_id, "123"}}}, 422},
      {"bulk-delete bad status", "POST", "/api/jobs/bulk-delete", Json{{"filter", {{"status", "done"}}}}, 422},
      {"bulk-delete bad date", "POST", "/api/jobs/bulk-delete", Json{{"filter", {{"start_date", "yesterday"}}}}, 422},
      {"bulk-delete filter not an object", "POST", "/api/jobs/bulk-delete", Json{{"filter", "completed"}}, 422},
      {"bulk-delete bad adapter id", "POST", "/api/jobs/bulk-delete", Json{{"filter", {{"adapter_id", "x"}}}}, 422},
      {"feedback bulk-delete ids and filter", "POST", "/api/feedback/bulk-delete",
       Json{{"ids", {fb["id"]}}, {"filter", {{"min_rating", 1}}}}, 422},
      {"feedback bulk-delete neither", "POST", "/api/feedback/bulk-delete", Json::object(), 422},
      {"feedback bulk-delete 1001 ids", "POST", "/api/feedback/bulk-delete", Json{{"ids", many}}, 422},
      {"feedback bulk-delete rating 6", "POST", "/api/feedback/bulk-delete", Json{{"filter", {{"min_rating", 6}}}}, 422},
      {"bulk-restore 1001 ids", "POST", "/api/jobs/bulk-restore", Json{{"ids", many}}, 422},
      {"bulk-restore no ids", "POST", "/api/jobs/bulk-restore", Json::object(), 422},
      {"bulk-restore malformed uuid", "POST", "/api/jobs/bulk-restore", Json{{"ids", {"zz"}}}, 422},
      {"restore malformed uuid", "POST", "/api/jobs/not-a-uuid/restore", Json::object(), 422},
      {"restore adapter malformed uuid", "POST", "/api/adapters/not-a-uuid/restore", Json::object(), 422},
      {"restore job body not an object", "POST", "/api/jobs/" + trashed_id + "/restore", Json::array(), 422},
      {"restore adapter empty name", "POST", "/api/adapters/" + adapter_id + "/restore", Json{{"name", ""}}, 422},
      {"audit bad action", "GET", "/api/audit?action=explode", std::nullopt, 422},
      {"audit bad date", "GET", "/api/audit?start_date=soon", std::nullopt, 422},
  };
  const Json snapshot = server.Snapshot();
  const int64_t audit_before = AuditTotal(server);
  const Json trash_before = Trash(server), adapters_before = Trash(server, "adapters");
  const size_t files_before = ListStoredFiles(server.data_dir()).size();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    HttpResult r = server.client().Request(c.method, c.target, c.body, admin);
    EXPECT_TRUE(c.status ? IsError(r, c.status) : IsClientError(r));
  }
  // Malformed JSON bodies.
  for (const char* target : {"/api/admin/purge", "/api/jobs/bulk-delete", "/api/feedback/bulk-delete",
                             "/api/jobs/bulk-restore", "/api/jobs/00000000-0000-4000-8000-000000000000/restore"}) {
    SCOPED_TRACE(target);
    EXPECT_TRUE(IsError(server.client().RequestRaw("POST", target, "{\"ids\": [", "application/json", admin), 422));
  }
  EXPECT_EQ(server.Snapshot(), snapshot);
  EXPECT_EQ(AuditTotal(server), audit_before);
  EXPECT_EQ(Trash(server), trash_before);
  EXPECT_EQ(Trash(server, "adapters"), adapters_before);
  EXPECT_EQ(ListStoredFiles(server.data_dir()).size(), files_before);
  EXPECT_TRUE(server.GetJobIncludingDeleted(trashed_id).is_object());
}

// More than 10,000 jobs matching a bulk delete's filter: 422, nothing deleted;
// exactly 10,000 is allowed.
TEST(TrashTest, BulkDeleteFilterMatchingMoreThanTenThousandJobsIs422) {
  TestServerOptions options;
  options.workers = 0;
  TestServer server(NoRetention(options));
  ASSERT_TRUE(server.Start());
  const std::string prompt = server.CreatePrompt("ten thousand and one");
  ASSERT_FALSE(prompt.empty());
  constexpr int kJobs = 10'001;
  std::atomic<int> next{0}, failures{0};
  std::vector<std::string> first_ids(4);
  auto submit = [&](int thread) {
    for (int i = next++; i < kJobs; i = next++) {
      HttpResult r = server.client().Post("/api/generate", {{"prompt_id", prompt}, {"num_samples", 1}, {"duration", 1}});
      if (r.status != 201) {
        if (failures++ < 3) ADD_FAILURE() << r.Describe();
      } else if (first_ids[thread].empty()) {
        first_ids[thread] = r.json().value("id", "");
      }
    }
  };
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(submit, t);
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ seeded   ] " << kJobs << " jobs over HTTP in " << seconds << " s\n";
  ASSERT_EQ(failures.load(), 0);

  const int64_t audit_before = AuditTotal(server);
  const Json filter = {{"prompt_id", prompt}};
  for (bool dry : {true, false}) {
    SCOPED_TRACE(dry ? "dry run" : "real");
    HttpResult r = server.client().Post("/api/jobs/bulk-delete", {{"filter", filter}, {"dry_run", dry}});
    EXPECT_TRUE(IsError(r, 422));
    EXPECT_NE(r.json().value("detail", "").find("narrow"), std::string::npos) << r.body;
  }
  Json stats = GetOk(server, "/api/jobs/stats");
  EXPECT_EQ(stats.value("total_jobs", -1), kJobs) << stats.dump();
  EXPECT_EQ(AuditTotal(server), audit_before);
  EXPECT_EQ(Total(Trash(server)), 0);

  // One fewer: allowed.
  ASSERT_EQ(server.client().Delete("/api/jobs/" + first_ids[0]).status, 200);
  Json dry = PostOk(server, "/api/jobs/bulk-delete", {{"filter", filter}, {"dry_run", true}});
  EXPECT_EQ(dry.value("jobs_deleted", -1), 10'000) << dry.dump();
  EXPECT_EQ(dry.value("cancelled", -1), 10'000) << dry.dump();
  Json real = PostOk(server, "/api/jobs/bulk-delete", {{"filter", filter}});
  EXPECT_EQ(Counts(real), Counts(dry));
  EXPECT_EQ(GetOk(server, "/api/jobs/stats").value("total_jobs", -1), 0);
  EXPECT_EQ(Total(Trash(server)), kJobs);
  EXPECT_EQ(AuditTotal(server), audit_before + 2);
}

}  // namespace
}  // namespace studio::testing
