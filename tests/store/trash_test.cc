// SPEC section 7 at the lifecycle level, on a real SQLite file or
// PostgreSQL database: restore, bulk delete (== single deletes, one
// transaction, exact dry runs), purge (rows and files, never anything live,
// held adapters, retention), the orphan sweep, and one audit event per
// change written in the change's own transaction.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>
#include <nlohmann/json.hpp>
#include <sstream>

#include "store/storage_keys.h"
#include "store_fixture.h"

namespace studio::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

class TrashTest : public StoreFixture {
 protected:
  // A finished job with `samples` samples and one rating on each.
  Job RenderedJob(const std::string& prompt, int samples = 2) {
    Job job = Submit(prompt, samples);
    RenderAll();
    Job out;
    EXPECT_OK(store()->GetJob(job.id, Visibility::kLive, &out));
    for (const auto& id : out.audio_ids) AddRating(id, 4);
    return out;
  }

  int64_t AuditTotal() {
    std::vector<AuditEvent> events;
    int64_t total = -1;
    EXPECT_OK(store()->ListAuditEvents(AuditQuery{}, &events, &total));
    return total;
  }

  AuditEvent LastEvent() {
    std::vector<AuditEvent> events;
    int64_t total = 0;
    EXPECT_OK(store()->ListAuditEvents(AuditQuery{.limit = 1}, &events, &total));
    return events.empty() ? AuditEvent{} : events[0];
  }

  // Every file under the data dir's audio/ and adapters/, by key, with its bytes.
  std::map<std::string, std::string> Files() {
    std::map<std::string, std::string> out;
    for (const char* root : {"audio", "adapters"}) {
      if (!fs::exists(dir_ + "/" + root)) continue;
      for (auto& e : fs::recursive_directory_iterator(dir_ + "/" + root)) {
        if (!e.is_regular_file()) continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::stringstream bytes;
        bytes << in.rdbuf();
        out[fs::relative(e.path(), dir_).string()] = bytes.str();
      }
    }
    return out;
  }

  int64_t FeedbackTotal() {
    FeedbackSummary s;
    EXPECT_OK(store()->GetFeedbackSummary(&s));
    return s.total_feedback;
  }
};

TEST_F(TrashTest, ARestoredJobIsExactlyWhatItWasWithoutItsFeedback) {
  Job before = RenderedJob(NewPrompt());
  JobStats stats_before;
  ASSERT_OK(lifecycle()->GetJobStats(&stats_before));
  const auto files_before = Files();
  int64_t feedback_deleted = 0;
  ASSERT_OK(lifecycle()->DeleteJob(before.id, &feedback_deleted));
  EXPECT_EQ(feedback_deleted, 2);

  Job restored;
  ASSERT_OK(lifecycle()->RestoreJob(before.id, &restored));
  EXPECT_EQ(restored.id, before.id);
  EXPECT_EQ(restored.status, JobStatus::kCompleted);
  EXPECT_EQ(restored.audio_ids, before.audio_ids);
  EXPECT_EQ(restored.completed_at, before.completed_at);
  EXPECT_EQ(restored.progress, before.progress);
  EXPECT_FALSE(restored.deleted_at.has_value());
  EXPECT_EQ(Files(), files_before) << "the audio files are the same files";
  for (const auto& id : before.audio_ids) {
    AudioSample s;
    EXPECT_OK(store()->GetAudioSample(id, Visibility::kLive, &s)) << "streamable again";
  }
  std::vector<Feedback> feedback;
  ASSERT_OK(store()->ListFeedbackForJob(before.id, &feedback));
  EXPECT_TRUE(feedback.empty()) << "the delete removed its feedback for good";
  JobStats stats_after;
  ASSERT_OK(lifecycle()->GetJobStats(&stats_after));
  EXPECT_EQ(stats_after.completed, stats_before.completed);
  EXPECT_EQ(stats_after.jobs_today, stats_before.jobs_today);
  EXPECT_EQ(stats_after.avg_processing_seconds, stats_before.avg_processing_seconds);

  EXPECT_TRUE(lifecycle()->RestoreJob(before.id, &restored).IsNotFound()) << "a live job is not in the trash";
  EXPECT_TRUE(lifecycle()->RestoreJob(NewUuid(), &restored).IsNotFound());
}

TEST_F(TrashTest, AJobDeletedWhileQueuedComesBackCancelledAndIsNeverClaimed) {
  Job job = Submit(NewPrompt(), 1);
  int64_t n = 0;
  ASSERT_OK(lifecycle()->DeleteJob(job.id, &n));
  Job restored;
  ASSERT_OK(lifecycle()->RestoreJob(job.id, &restored));
  EXPECT_EQ(restored.status, JobStatus::kCancelled);
  Job claimed;
  EXPECT_TRUE(lifecycle()->ClaimJob("w", &claimed).IsNotFound()) << "never re-queued";
}

TEST_F(TrashTest, AnAdapterWhoseNameWasTakenIsRestoredUnderAnotherName) {
  Adapter first, second, restored;
  ASSERT_OK(lifecycle()->CreateAdapter(AdapterCreate{.name = "lofi"}, &first));
  ASSERT_OK(lifecycle()->DeleteAdapter(first.id));
  ASSERT_OK(lifecycle()->CreateAdapter(AdapterCreate{.name = "lofi"}, &second));
  const int64_t events = AuditTotal();
  Status s = lifecycle()->RestoreAdapter(first.id, std::nullopt, &restored);
  EXPECT_EQ(s.code(), Status::Code::kConflict) << s.ToString();
  EXPECT_NE(s.message().find("another name"), std::string::npos) << s.message();
  EXPECT_EQ(AuditTotal(), events) << "a refused restore leaves no event";
  ASSERT_OK(lifecycle()->RestoreAdapter(first.id, std::string("lofi (restored)"), &restored));
  EXPECT_EQ(restored.name, "lofi (restored)");
  EXPECT_FALSE(restored.is_active) << "restored inactive";
  EXPECT_TRUE(lifecycle()->RestoreAdapter(first.id, std::nullopt, &restored).IsNotFound());
}

// The jobs a bulk-delete test deletes: a and b (completed, with
// preferences crossing each other and a third job c), then a queued one.
struct World {
  std::vector<std::string> jobs;
};

TEST_F(TrashTest, ABulkDeleteDoesExactlyWhatSingleDeletesDo) {
  // Two identical worlds; one deleted in bulk, the other job by job.
  auto build = [&] {
    World w;
    const std::string prompt = NewPrompt();
    Job a = RenderedJob(prompt), b = RenderedJob(prompt), c = RenderedJob(prompt);
    AddRating(a.audio_ids[0], 5, b.audio_ids[0]);  // a over b: both in the set
    AddRating(c.audio_ids[1], 2, a.audio_ids[1]);  // c over a
    w.jobs = {a.id, b.id};
    return w;
  };
  World bulk = build(), single = build();
  // Queued once both worlds are rendered (RenderAll claims the oldest queued job).
  bulk.jobs.push_back(Submit(NewPrompt(), 1).id);  // cancelled by the delete
  single.jobs.push_back(Submit(NewPrompt(), 1).id);

  BulkJobDeleteResult predicted, real;
  const int64_t feedback_before = FeedbackTotal(), events = AuditTotal();
  ASSERT_OK(lifecycle()->BulkDeleteJobs(BulkJobDelete{.ids = bulk.jobs, .dry_run = true}, &predicted));
  EXPECT_EQ(FeedbackTotal(), feedback_before) << "a dry run changes nothing";
  EXPECT_EQ(AuditTotal(), events) << "and writes no event";
  ASSERT_OK(lifecycle()->BulkDeleteJobs(BulkJobDelete{.ids = bulk.jobs}, &real));
  EXPECT_EQ(real.jobs_deleted, predicted.jobs_deleted);
  EXPECT_EQ(real.feedback_deleted, predicted.feedback_deleted);
  EXPECT_EQ(real.cancelled, predicted.cancelled);
  EXPECT_EQ(AuditTotal(), events + 1) << "one event for the call";
  EXPECT_EQ(LastEvent().action, "bulk_delete");
  EXPECT_FALSE(LastEvent().entity_id.has_value());

  BulkJobDeleteResult singles;
  for (const auto& id : single.jobs) {
    Job job;
    ASSERT_OK(store()->GetJob(id, Visibility::kLive, &job));
    int64_t n = 0;
    ASSERT_OK(lifecycle()->DeleteJob(id, &n));
    singles.jobs_deleted += 1;
    singles.feedback_deleted += n;
    singles.cancelled += IsActive(job.status) ? 1 : 0;
  }
  EXPECT_EQ(real.jobs_deleted, 3);
  EXPECT_EQ(real.cancelled, 1);
  EXPECT_EQ(real.jobs_deleted, singles.jobs_deleted);
  EXPECT_EQ(real.feedback_deleted, singles.feedback_deleted);
  EXPECT_EQ(real.cancelled, singles.cancelled);
  // The same end state: both worlds' surviving job (c) kept the same feedback.
  for (const World* w : {&bulk, &single}) {
    for (const auto& id : w->jobs) {
      Job job;
      ASSERT_OK(store()->GetJob(id, Visibility::kIncludeDeleted, &job));
      EXPECT_TRUE(job.deleted_at.has_value());
      EXPECT_NE(job.status, JobStatus::kQueued);
    }
  }
  EXPECT_EQ(FeedbackTotal(), 2 * 2) << "only c's own two ratings survive, in each world";
}

TEST_F(TrashTest, AFailureInTheMiddleOfABulkDeleteLeavesNothingChanged) {
  const std::string prompt = NewPrompt();
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(RenderedJob(prompt, 1).id);
  Job queued = Submit(prompt, 1);
  ids.push_back(queued.id);
  // A real database fault, raised by the last feedback delete of the cascade:
  // by then every job has been cancelled and marked deleted.
  Job last;
  ASSERT_OK(store()->GetJob(ids[3], Visibility::kLive, &last));
  std::vector<Feedback> fb;
  ASSERT_OK(store()->ListFeedbackForJob(last.id, &fb));
  ASSERT_EQ(fb.size(), 1u);
  if (pg_database_) {
    ASSERT_OK(ExecSql("CREATE FUNCTION fail_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                      "RAISE EXCEPTION 'injected fault'; END $$; "
                      "CREATE TRIGGER inject BEFORE DELETE ON feedback FOR EACH ROW WHEN (OLD.id = '" +
                      fb[0].id + "') EXECUTE FUNCTION fail_delete();"));
  } else {
    ASSERT_OK(ExecSql("CREATE TRIGGER inject BEFORE DELETE ON feedback WHEN OLD.id = '" + fb[0].id +
                      "' BEGIN SELECT RAISE(ABORT, 'injected fault'); END;"));
  }
  const int64_t feedback = FeedbackTotal(), events = AuditTotal();
  BulkJobDeleteResult r;
  EXPECT_FALSE(lifecycle()->BulkDeleteJobs(BulkJobDelete{.ids = ids}, &r).ok());
  for (const auto& id : ids) {
    Job job;
    EXPECT_OK(store()->GetJob(id, Visibility::kLive, &job)) << "still live: " << id;
  }
  Job still;
  ASSERT_OK(store()->GetJob(queued.id, Visibility::kLive, &still));
  EXPECT_EQ(still.status, JobStatus::kQueued) << "its cancel was rolled back too";
  EXPECT_EQ(FeedbackTotal(), feedback);
  EXPECT_EQ(AuditTotal(), events) << "a rolled-back change leaves no event";
  // The single delete of that job fails the same way, and leaves no event either.
  int64_t n = 0;
  EXPECT_FALSE(lifecycle()->DeleteJob(last.id, &n).ok());
  EXPECT_EQ(AuditTotal(), events);
}

TEST_F(TrashTest, EveryChangeLeavesExactlyOneEventWithIdsAndCountsOnly) {
  const std::string secret_prompt = "a prompt whose words must never reach the audit log";
  const std::string prompt = NewPrompt(secret_prompt);
  Job a = RenderedJob(prompt), b = RenderedJob(prompt);
  Job queued = Submit(prompt, 1);
  Adapter adapter;
  ASSERT_OK(lifecycle()->CreateAdapter(AdapterCreate{.name = "audited"}, &adapter));
  const Actor admin{.admin = true, .request_id = "req-42"};
  struct Step {
    std::function<Status()> call;
    const char* action;
    const char* entity;
  };
  int64_t n = 0;
  std::vector<Step> steps = {
      {[&] { return lifecycle()->CancelJob(queued.id, admin); }, "cancel", "job"},
      {[&] { return lifecycle()->DeleteJob(a.id, &n, admin); }, "delete", "job"},
      {[&] {
         Job j;
         return lifecycle()->RestoreJob(a.id, &j, admin);
       },
       "restore", "job"},
      {[&] { return lifecycle()->DeleteFeedback(AddRating(b.audio_ids[0], 3), admin); }, "delete",
       "feedback"},
      {[&] { return lifecycle()->DeleteAdapter(adapter.id, admin); }, "delete", "adapter"},
      {[&] {
         BulkJobDeleteResult r;
         return lifecycle()->BulkDeleteJobs(BulkJobDelete{.ids = IdList{a.id, b.id}}, &r, admin);
       },
       "bulk_delete", "job"},
      {[&] { return lifecycle()->BulkRestoreJobs({a.id, b.id}, &n, admin); }, "bulk_restore", "job"},
      {[&] {
         int64_t m = 0;
         if (Status s = lifecycle()->DeleteJob(b.id, &m); !s.ok()) return s;
         PurgeResult r;
         return lifecycle()->Purge(PurgeRequest{.ids = IdList{b.id}}, &r, admin);
       },
       "purge", "job"},
  };
  for (const Step& step : steps) {
    const int64_t before = AuditTotal();
    ASSERT_OK(step.call());
    const int64_t added = AuditTotal() - before;
    // The feedback step adds (and the purge step deletes) first: one event for that too.
    const int64_t expected = (std::string(step.action) == "purge") ? 2 : 1;
    EXPECT_EQ(added, expected) << step.action;
    AuditEvent e = LastEvent();
    EXPECT_EQ(e.action, step.action);
    EXPECT_EQ(e.entity, step.entity);
    EXPECT_TRUE(json::parse(e.counts_json).is_object());
    if (std::string(step.action) != "purge") {
      EXPECT_EQ(e.actor, "admin");
      EXPECT_EQ(e.request_id, "req-42");
    }
  }
  std::vector<AuditEvent> all;
  int64_t total = 0;
  ASSERT_OK(store()->ListAuditEvents(AuditQuery{.limit = 100}, &all, &total));
  for (const auto& e : all) {
    const std::string text = e.counts_json + e.action + e.entity + e.entity_id.value_or("");
    EXPECT_EQ(text.find("prompt"), std::string::npos) << "no content in events: " << text;
    const json counts = json::parse(e.counts_json);
    for (auto& [key, value] : counts.items()) EXPECT_TRUE(value.is_number_integer()) << key;
  }
  int64_t m = 0;
  const int64_t before = AuditTotal();
  EXPECT_TRUE(lifecycle()->DeleteJob(NewUuid(), &m).IsNotFound());
  EXPECT_EQ(AuditTotal(), before) << "a failed call leaves none";
}

TEST_F(TrashTest, PurgeRemovesRowsAndFilesAndNeverTouchesAnythingLive) {
  const std::string prompt = NewPrompt();
  std::vector<Job> live, trashed;
  for (int i = 0; i < 3; ++i) live.push_back(RenderedJob(prompt));
  for (int i = 0; i < 4; ++i) trashed.push_back(RenderedJob(prompt));
  for (const auto& j : trashed) {
    int64_t n = 0;
    ASSERT_OK(lifecycle()->DeleteJob(j.id, &n));
  }
  std::map<std::string, std::string> live_files;
  for (const auto& [key, bytes] : Files())
    for (const auto& j : live)
      if (key.find(j.id) != std::string::npos) live_files[key] = bytes;
  ASSERT_EQ(live_files.size(), 6u);
  const int64_t live_feedback = FeedbackTotal();

  StorageReport before;
  ASSERT_OK(lifecycle()->GetStorage(&before));
  EXPECT_EQ(before.files, 14);
  // Named, one at a time, then everything with older_than_days 0; a dry run first each time.
  std::vector<PurgeRequest> requests = {PurgeRequest{.ids = IdList{trashed[0].id}},
                                        PurgeRequest{.ids = IdList{trashed[1].id, trashed[2].id}},
                                        PurgeRequest{.older_than_days = 0}, PurgeRequest{.older_than_days = 0}};
  for (PurgeRequest request : requests) {
    StorageReport was;
    ASSERT_OK(lifecycle()->GetStorage(&was));
    request.dry_run = true;
    PurgeResult predicted, real;
    ASSERT_OK(lifecycle()->Purge(request, &predicted));
    StorageReport unchanged;
    ASSERT_OK(lifecycle()->GetStorage(&unchanged));
    EXPECT_EQ(unchanged.files, was.files) << "a dry run removes nothing";
    request.dry_run = false;
    ASSERT_OK(lifecycle()->Purge(request, &real));
    EXPECT_EQ(real.jobs, predicted.jobs);
    EXPECT_EQ(real.samples, predicted.samples);
    EXPECT_EQ(real.files, predicted.files);
    EXPECT_EQ(real.bytes_reclaimed, predicted.bytes_reclaimed);
    StorageReport now;
    ASSERT_OK(lifecycle()->GetStorage(&now));
    EXPECT_EQ(was.trashed_bytes - now.trashed_bytes, real.bytes_reclaimed);
    EXPECT_EQ(was.files - now.files, real.files);
    EXPECT_EQ(now.live_bytes, before.live_bytes);
  }
  for (const auto& j : trashed) {
    Job gone;
    EXPECT_TRUE(store()->GetJob(j.id, Visibility::kIncludeDeleted, &gone).IsNotFound());
    for (const auto& id : j.audio_ids) {
      AudioSample s;
      EXPECT_TRUE(store()->GetAudioSample(id, Visibility::kIncludeDeleted, &s).IsNotFound());
    }
    EXPECT_FALSE(fs::exists(dir_ + "/" + JobAudioPrefix(j.id))) << "the job's folder goes too";
  }
  std::map<std::string, std::string> after;
  for (const auto& [key, bytes] : Files()) after[key] = bytes;
  EXPECT_EQ(after, live_files) << "every live file byte-identical, nothing else left";
  EXPECT_EQ(FeedbackTotal(), live_feedback);
  for (const auto& j : live) {
    Job same;
    ASSERT_OK(store()->GetJob(j.id, Visibility::kLive, &same));
    EXPECT_EQ(same.audio_ids, j.audio_ids);
  }
}

TEST_F(TrashTest, NamedIdsMustBeInTheTrashAsTheirKind) {
  Job live = RenderedJob(NewPrompt());
  Job trashed = RenderedJob(NewPrompt());
  int64_t n = 0;
  ASSERT_OK(lifecycle()->DeleteJob(trashed.id, &n));
  const int64_t events = AuditTotal();
  PurgeResult r;
  EXPECT_TRUE(lifecycle()->Purge(PurgeRequest{.ids = IdList{trashed.id, live.id}}, &r).IsNotFound());
  EXPECT_TRUE(
      lifecycle()->Purge(PurgeRequest{.kind = TrashKind::kAdapters, .ids = IdList{trashed.id}}, &r).IsNotFound())
      << "a job id is not an adapter";
  EXPECT_TRUE(lifecycle()->Purge(PurgeRequest{.older_than_days = -1}, &r).code() ==
              Status::Code::kInvalidArgument);
  Job still;
  EXPECT_OK(store()->GetJob(trashed.id, Visibility::kIncludeDeleted, &still)) << "nothing purged";
  EXPECT_EQ(AuditTotal(), events);
}

TEST_F(TrashTest, AnAdapterHeldByAnyJobIsNeverPurged) {
  Adapter adapter;
  ASSERT_OK(lifecycle()->CreateAdapter(AdapterCreate{.name = "held"}, &adapter));
  Job job = Submit(NewPrompt(), 1, adapter.id);
  RenderAll();
  int64_t n = 0;
  ASSERT_OK(lifecycle()->DeleteJob(job.id, &n));
  ASSERT_OK(lifecycle()->DeleteAdapter(adapter.id));
  PurgeResult r;
  ASSERT_OK(lifecycle()->Purge(PurgeRequest{.kind = TrashKind::kAdapters, .ids = IdList{adapter.id}}, &r));
  EXPECT_EQ(r.adapters, 0) << "a trashed job still references it";
  std::vector<TrashedAdapter> trash;
  int64_t total = 0;
  ASSERT_OK(store()->ListTrashedAdapters(0, 10, &trash, &total));
  ASSERT_EQ(trash.size(), 1u);
  EXPECT_EQ(trash[0].held_by_jobs, 1);
  EXPECT_TRUE(fs::exists(dir_ + "/" + AdapterPrefix(adapter.id)));

  ASSERT_OK(lifecycle()->Purge(PurgeRequest{.ids = IdList{job.id}}, &r));
  ASSERT_OK(lifecycle()->Purge(PurgeRequest{.kind = TrashKind::kAdapters, .ids = IdList{adapter.id}}, &r));
  EXPECT_EQ(r.adapters, 1);
  EXPECT_EQ(r.files, 1) << "its style file";
  EXPECT_FALSE(fs::exists(dir_ + "/" + AdapterPrefix(adapter.id)));
}

TEST_F(TrashTest, TheRetentionPurgesOnlyWhatHasExpiredAndRunsOncePerInterval) {
  ManualClockEnv clock;
  Open(std::nullopt, &clock, /*retention_days=*/30);
  Job old_job = RenderedJob(NewPrompt());
  int64_t n = 0;
  ASSERT_OK(lifecycle()->DeleteJob(old_job.id, &n));
  clock.AdvanceSeconds(20 * 86400);
  Job young = RenderedJob(NewPrompt());
  ASSERT_OK(lifecycle()->DeleteJob(young.id, &n));

  PurgeResult r;
  ASSERT_OK(lifecycle()->Purge(PurgeRequest{}, &r));
  EXPECT_EQ(r.jobs, 0) << "nothing is older than the retention yet";
  clock.AdvanceSeconds(11 * 86400);  // old: 31 days in the trash; young: 11
  const Micros hour = 3600LL * 1'000'000;
  bool ran = false;
  ASSERT_OK(lifecycle()->PurgeExpired(hour, &ran, &r));
  EXPECT_TRUE(ran);
  EXPECT_EQ(r.jobs, 1);
  Job j;
  EXPECT_TRUE(store()->GetJob(old_job.id, Visibility::kIncludeDeleted, &j).IsNotFound());
  EXPECT_OK(store()->GetJob(young.id, Visibility::kIncludeDeleted, &j)) << "young stays";
  ASSERT_OK(lifecycle()->PurgeExpired(hour, &ran, &r));
  EXPECT_FALSE(ran) << "at most once per interval";
  clock.AdvanceSeconds(3601);
  const int64_t events = AuditTotal();
  ASSERT_OK(lifecycle()->PurgeExpired(hour, &ran, &r));
  EXPECT_TRUE(ran);
  EXPECT_EQ(r.jobs, 0);
  EXPECT_EQ(AuditTotal(), events) << "an automatic purge that purged nothing leaves no event";
  EXPECT_EQ(lifecycle()->PurgeAfter(1000), std::optional<Micros>(1000 + 30LL * 86400 * 1'000'000));
}

TEST_F(TrashTest, TheSweepRemovesOnlyOldFilesThatNoRowReferences) {
  Job job = RenderedJob(NewPrompt(), 1);
  const std::string orphan_dir = dir_ + "/" + JobAudioPrefix(NewUuid());
  fs::create_directories(orphan_dir);
  auto write = [](const std::string& path, const std::string& bytes, bool old) {
    std::ofstream(path, std::ios::binary) << bytes;
    if (old) fs::last_write_time(path, fs::last_write_time(path) - std::chrono::hours(1));
  };
  write(orphan_dir + "/" + NewUuid() + ".wav", "12345", /*old=*/true);
  write(orphan_dir + "/" + NewUuid() + ".wav", "young", /*old=*/false);  // may be mid-publish
  write(dir_ + "/" + JobAudioPrefix(job.id) + "/" + NewUuid() + ".wav.tmp", "staged", /*old=*/false);
  StorageReport report;
  ASSERT_OK(lifecycle()->GetStorage(&report));
  EXPECT_EQ(report.files, 4);
  EXPECT_EQ(report.orphaned_bytes, 5 + 5 + 6);

  PurgeResult swept;
  const Micros a_minute_ago = Env::Default()->NowMicros() - 60LL * 1'000'000;
  ASSERT_OK(lifecycle()->SweepOrphans(a_minute_ago, /*dry_run=*/false, &swept));
  EXPECT_EQ(swept.files, 1);
  EXPECT_EQ(swept.bytes_reclaimed, 5);
  ASSERT_OK(lifecycle()->GetStorage(&report));
  EXPECT_EQ(report.files, 3) << "young files stay: a worker may still publish them";
  AudioSample s;
  ASSERT_OK(store()->GetAudioSample(job.audio_ids[0], Visibility::kLive, &s));
  EXPECT_TRUE(fs::exists(dir_ + "/" + s.storage_path)) << "referenced files are never swept";

  ASSERT_OK(lifecycle()->SweepOrphans(Env::Default()->NowMicros() + 1'000'000, false, &swept));
  ASSERT_OK(lifecycle()->GetStorage(&report));
  EXPECT_EQ(report.files, 1);
  EXPECT_EQ(report.orphaned_bytes, 0);
  EXPECT_FALSE(fs::exists(orphan_dir)) << "an emptied folder of a job that does not exist goes too";
}

TEST_F(TrashTest, BulkDeletesRacingSingleDeletesFeedbackAndWorkersKeepEveryRule) {
  const std::string prompt = NewPrompt();
  std::vector<std::string> jobs, samples;
  for (int i = 0; i < 24; ++i) {
    Job j = RenderedJob(prompt);
    jobs.push_back(j.id);
    samples.insert(samples.end(), j.audio_ids.begin(), j.audio_ids.end());
  }
  for (int i = 0; i < 8; ++i) jobs.push_back(Submit(prompt, 2).id);  // for the worker
  const int64_t events_before = AuditTotal();
  std::atomic<int64_t> changes{0};
  // Losing a race is NotFound (gone), Cancelled (the worker's job went) or a
  // rule (cancel of an ended job); anything else (a deadlock's 503) is a bug.
  auto expected = [](const Status& s) { return s.ok() || s.IsNotFound() || s.IsCancelled(); };
  std::vector<std::thread> threads;
  threads.emplace_back([&] {  // bulk deletes of 4 random jobs
    std::mt19937 rng(1);
    for (int i = 0; i < 6; ++i) {
      IdList ids;
      for (int k = 0; k < 4; ++k) ids.push_back(jobs[rng() % jobs.size()]);
      BulkJobDeleteResult r;
      Status s = lifecycle()->BulkDeleteJobs(BulkJobDelete{.ids = ids}, &r);
      EXPECT_TRUE(s.ok()) << s.ToString();
      if (s.ok()) ++changes;
    }
  });
  threads.emplace_back([&] {  // single deletes
    std::mt19937 rng(2);
    for (int i = 0; i < 10; ++i) {
      int64_t n = 0;
      Status s = lifecycle()->DeleteJob(jobs[rng() % jobs.size()], &n);
      EXPECT_TRUE(expected(s)) << s.ToString();
      if (s.ok()) ++changes;
    }
  });
  threads.emplace_back([&] {  // ratings and preferences on random samples
    std::mt19937 rng(3);
    for (int i = 0; i < 80; ++i) {
      Feedback f, out;
      f.audio_id = samples[rng() % samples.size()];
      f.rating = 3;
      if (i % 2) f.preferred_over = samples[rng() % samples.size()];
      if (f.preferred_over == f.audio_id) f.preferred_over.reset();
      Status s = lifecycle()->AddFeedback(f, &out);
      EXPECT_TRUE(expected(s)) << s.ToString();
    }
  });
  threads.emplace_back([&] {  // a worker rendering the queued jobs
    for (int i = 0; i < 8; ++i) {
      Job claimed;
      Status s = lifecycle()->ClaimJob("racer", &claimed);
      if (s.IsNotFound()) break;
      ASSERT_OK(s);
      bool lost = false;
      for (int k = 0; k < claimed.num_samples && !lost; ++k) {
        StagedSample staged;
        ASSERT_OK(lifecycle()->StageSample(claimed, k, 1, 44100, FakeWav("RIFF"), &staged));
        s = lifecycle()->CommitSample(claimed, "racer", staged);
        EXPECT_TRUE(expected(s)) << s.ToString();
        lost = !s.ok();
      }
      if (!lost) {
        s = lifecycle()->FinishJob(claimed, "racer", true, std::nullopt);
        EXPECT_TRUE(expected(s)) << s.ToString();
      }
    }
  });
  for (auto& t : threads) t.join();

  // Every feedback record points at samples of live jobs only.
  std::vector<Feedback> all;
  int64_t total = 0;
  ASSERT_OK(store()->ListFeedback(FeedbackQuery{.limit = 1000}, &all, &total));
  for (const auto& f : all) {
    AudioSample s;
    EXPECT_OK(store()->GetAudioSample(f.audio_id, Visibility::kLive, &s)) << "feedback outlived its job";
    if (f.preferred_over) EXPECT_OK(store()->GetAudioSample(*f.preferred_over, Visibility::kLive, &s));
  }
  // No trashed job is still queued or processing; the counters match the rows.
  std::vector<TrashedJob> trash;
  ASSERT_OK(store()->ListTrashedJobs(0, 100, &trash, &total));
  EXPECT_GT(total, 0);
  for (const auto& t : trash) EXPECT_FALSE(IsActive(t.job.status)) << t.job.id;
  JobStats stats;
  ASSERT_OK(lifecycle()->GetJobStats(&stats));
  std::vector<Job> live;
  int64_t counted = 0;
  ASSERT_OK(store()->ListJobs(JobQuery{.start_date = 0, .limit = 100}, &live, &counted));
  EXPECT_EQ(stats.total(), counted);
  EXPECT_EQ(stats.total() + static_cast<int64_t>(trash.size()), static_cast<int64_t>(jobs.size()));
  EXPECT_EQ(AuditTotal() - events_before, changes.load()) << "one event per successful delete call";
}

}  // namespace
}  // namespace studio::testing
