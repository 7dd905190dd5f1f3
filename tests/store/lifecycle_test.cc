// The lifecycle rules of SPEC section 3, against a real SQLite file. Each
// test fails when the rule it names is broken.
#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "store/store_fixture.h"

namespace studio::testing {
namespace {

class LifecycleTest : public StoreFixture {};

TEST_F(LifecycleTest, DeletingAJobCascadesFeedbackByAudioIdAndByPreferredOver) {
  std::string prompt = NewPrompt();
  Submit(prompt);
  std::vector<std::string> doomed = RenderAll();
  Submit(prompt);
  std::vector<std::string> other = RenderAll();

  AddRating(doomed[0], 5);                        // on the job's sample
  AddRating(doomed[1], 2, doomed[0]);             // on the job's sample, prefers its sibling
  AddRating(other[0], 4, doomed[1]);              // elsewhere, but prefers the job's sample
  std::string survivor = AddRating(other[1], 3);  // unrelated
  std::string survivor2 = AddRating(other[0], 1, other[1]);

  AudioSample sample;
  ASSERT_OK(store()->GetAudioSample(doomed[0], Visibility::kLive, &sample));
  int64_t deleted = -1;
  ASSERT_OK(lifecycle()->DeleteJob(sample.job_id, &deleted));
  EXPECT_EQ(deleted, 3);

  FeedbackSummary summary;
  ASSERT_OK(store()->GetFeedbackSummary(&summary));
  EXPECT_EQ(summary.total_feedback, 2);
  Feedback f;
  EXPECT_OK(store()->GetFeedback(survivor, &f));
  EXPECT_OK(store()->GetFeedback(survivor2, &f));
}

TEST_F(LifecycleTest, DeletedJobIsGoneFromEveryDefaultReadButVisibleToAdmins) {
  std::string prompt = NewPrompt();
  Job job = Submit(prompt);
  std::vector<std::string> samples = RenderAll();
  const Micros today = StartOfUtcDay(Env::Default()->NowMicros());
  JobStats before;
  ASSERT_OK(store()->GetJobStats(today, &before));
  EXPECT_EQ(before.jobs_today, 1);
  int64_t deleted;
  ASSERT_OK(lifecycle()->DeleteJob(job.id, &deleted));

  Job read;
  EXPECT_TRUE(store()->GetJob(job.id, Visibility::kLive, &read).IsNotFound());
  AudioSample a;
  EXPECT_TRUE(store()->GetAudioSample(samples[0], Visibility::kLive, &a).IsNotFound());
  std::vector<Job> list;
  int64_t total = -1;
  ASSERT_OK(store()->ListJobs(JobQuery{}, &list, &total));
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(total, 0);
  JobStats stats;
  ASSERT_OK(store()->GetJobStats(today, &stats));
  EXPECT_EQ(stats.total(), 0);
  EXPECT_EQ(stats.jobs_today, 0);

  ASSERT_OK(store()->GetJob(job.id, Visibility::kIncludeDeleted, &read));
  EXPECT_TRUE(read.deleted_at.has_value());
  EXPECT_EQ(read.status, JobStatus::kCompleted);
  JobQuery all;
  all.visibility = Visibility::kIncludeDeleted;
  ASSERT_OK(store()->ListJobs(all, &list, &total));
  EXPECT_EQ(total, 1);
}

TEST_F(LifecycleTest, SecondDeleteAndUnknownJobAreNotFound) {
  Job job = Submit(NewPrompt());
  int64_t n;
  ASSERT_OK(lifecycle()->DeleteJob(job.id, &n));
  EXPECT_TRUE(lifecycle()->DeleteJob(job.id, &n).IsNotFound());
  EXPECT_TRUE(lifecycle()->DeleteJob(NewUuid(), &n).IsNotFound());
}

TEST_F(LifecycleTest, DeletingAQueuedJobCancelsItAndNoWorkerClaimsIt) {
  Job job = Submit(NewPrompt());
  int64_t n;
  ASSERT_OK(lifecycle()->DeleteJob(job.id, &n));
  Job read;
  ASSERT_OK(store()->GetJob(job.id, Visibility::kIncludeDeleted, &read));
  EXPECT_EQ(read.status, JobStatus::kCancelled);
  Job claimed;
  EXPECT_TRUE(lifecycle()->ClaimJob("w", &claimed).IsNotFound());
}

TEST_F(LifecycleTest, DeletingAProcessingJobStopsItsWorkerAndKeepsNoPartialOutput) {
  Job job = Submit(NewPrompt(), 3);
  Job claimed;
  ASSERT_OK(lifecycle()->ClaimJob("w", &claimed));
  std::string finished = CommitFakeSample(claimed, "w", 0);
  int64_t n;
  ASSERT_OK(lifecycle()->DeleteJob(job.id, &n));

  EXPECT_TRUE(lifecycle()->ReportProgress(claimed, "w", 0.5).IsCancelled());
  Status commit;
  CommitFakeSample(claimed, "w", 1, &commit);
  EXPECT_TRUE(commit.IsCancelled()) << commit.ToString();
  EXPECT_TRUE(lifecycle()->FinishJob(claimed, "w", true, std::nullopt).IsCancelled());

  std::vector<AudioSample> samples;
  ASSERT_OK(store()->ListAudioSamplesForJob(job.id, &samples));
  ASSERT_EQ(samples.size(), 1u);  // the sample finished before the delete stays
  EXPECT_EQ(samples[0].id, finished);
  EXPECT_EQ(CountFiles(".tmp"), 0);
  EXPECT_EQ(CountFiles(".wav"), 1);
  Job read;
  ASSERT_OK(store()->GetJob(job.id, Visibility::kIncludeDeleted, &read));
  EXPECT_EQ(read.status, JobStatus::kCancelled);
  EXPECT_TRUE(read.deleted_at.has_value());
}

TEST_F(LifecycleTest, AFailingWorkerCannotResurrectADeletedJob) {
  Job job = Submit(NewPrompt());
  Job claimed;
  ASSERT_OK(lifecycle()->ClaimJob("w", &claimed));
  int64_t n;
  ASSERT_OK(lifecycle()->DeleteJob(job.id, &n));
  EXPECT_TRUE(lifecycle()->FinishJob(claimed, "w", false, "boom").IsCancelled());
  Job read;
  ASSERT_OK(store()->GetJob(job.id, Visibility::kIncludeDeleted, &read));
  EXPECT_EQ(read.status, JobStatus::kCancelled);
  EXPECT_FALSE(read.error.has_value());
}

TEST_F(LifecycleTest, CancelOnlyAppliesToActiveJobs) {
  Job job = Submit(NewPrompt());
  ASSERT_OK(lifecycle()->CancelJob(job.id));
  Status again = lifecycle()->CancelJob(job.id);
  EXPECT_EQ(again.code(), Status::Code::kRuleViolation);
  Job done = Submit(NewPrompt());
  RenderAll();
  EXPECT_EQ(lifecycle()->CancelJob(done.id).code(), Status::Code::kRuleViolation);
  EXPECT_TRUE(lifecycle()->CancelJob(NewUuid()).IsNotFound());
}

TEST_F(LifecycleTest, FeedbackCannotTouchSamplesOfADeletedJob) {
  std::string prompt = NewPrompt();
  Job job = Submit(prompt);
  std::vector<std::string> gone = RenderAll();
  Submit(prompt);
  std::vector<std::string> live = RenderAll();
  int64_t n;
  ASSERT_OK(lifecycle()->DeleteJob(job.id, &n));

  Feedback f, out;
  f.audio_id = gone[0];
  f.rating = 4;
  EXPECT_TRUE(lifecycle()->AddFeedback(f, &out).IsNotFound());
  f.audio_id = live[0];
  f.preferred_over = gone[1];
  EXPECT_TRUE(lifecycle()->AddFeedback(f, &out).IsNotFound());
  FeedbackSummary summary;
  ASSERT_OK(store()->GetFeedbackSummary(&summary));
  EXPECT_EQ(summary.total_feedback, 0);
}

TEST_F(LifecycleTest, FeedbackIsHardDeleted) {
  Submit(NewPrompt());
  std::string id = AddRating(RenderAll()[0], 5);
  ASSERT_OK(lifecycle()->DeleteFeedback(id));
  Feedback f;
  EXPECT_TRUE(store()->GetFeedback(id, &f).IsNotFound());
  EXPECT_TRUE(lifecycle()->DeleteFeedback(id).IsNotFound());
}

Adapter MakeAdapter(Lifecycle* lc, const std::string& name, bool active = true) {
  AdapterCreate c;
  c.name = name;
  c.is_active = active;
  c.config_json = R"({"transpose":2})";
  Adapter a;
  Status s = lc->CreateAdapter(c, &a);
  EXPECT_OK(s);
  return a;
}

TEST_F(LifecycleTest, DeletedAdapterKeepsItsJobsAndRefusesNewOnes) {
  Adapter adapter = MakeAdapter(lifecycle(), "lofi");
  std::string prompt = NewPrompt();
  Job job = Submit(prompt, 1, adapter.id);
  ASSERT_OK(lifecycle()->DeleteAdapter(adapter.id));

  Job read;
  ASSERT_OK(store()->GetJob(job.id, Visibility::kLive, &read));
  EXPECT_EQ(read.adapter_id, adapter.id);
  EXPECT_TRUE(read.adapter_deleted);
  // A job queued before the delete still runs.
  Job claimed;
  ASSERT_OK(lifecycle()->ClaimJob("w", &claimed));
  EXPECT_EQ(claimed.id, job.id);

  GenerateRequest r;
  r.prompt_id = prompt;
  r.adapter_id = adapter.id;
  Status s = lifecycle()->SubmitJob(r, &read);
  EXPECT_EQ(s.code(), Status::Code::kRuleViolation);
  EXPECT_EQ(s.message(), "Cannot use deleted adapter for generation");
  r.adapter_id = NewUuid();
  EXPECT_TRUE(lifecycle()->SubmitJob(r, &read).IsNotFound());

  Adapter gone;
  EXPECT_TRUE(store()->GetAdapter(adapter.id, Visibility::kLive, &gone).IsNotFound());
  ASSERT_OK(store()->GetAdapter(adapter.id, Visibility::kIncludeDeleted, &gone));
  EXPECT_FALSE(gone.is_active);
  EXPECT_TRUE(gone.deleted_at.has_value());
  EXPECT_TRUE(lifecycle()->DeleteAdapter(adapter.id).IsNotFound());
  AdapterStats stats;
  ASSERT_OK(store()->GetAdapterStats(&stats));
  EXPECT_EQ(stats.total, 0);
}

// The injected adapter config validator guards both writes, before
// anything is stored or looked up; without one any config is taken.
TEST_F(LifecycleTest, AdapterConfigValidatorGuardsCreateAndUpdate) {
  int calls = 0;
  Lifecycle lc(store(), Env::Default(),
               LifecycleOptions{.data_dir = dir_,
                                .validate_adapter_config = [&](const std::string& config) {
                                  ++calls;
                                  return config.find("bad") == std::string::npos
                                             ? Status::Ok()
                                             : Status::InvalidArgument("config.bad is not known");
                                }});
  AdapterCreate c;
  c.name = "checked";
  c.config_json = R"({"bad":1})";
  Adapter a;
  Status s = lc.CreateAdapter(c, &a);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "config.bad is not known");
  AdapterStats stats;
  ASSERT_TRUE(store()->GetAdapterStats(&stats).ok());
  EXPECT_EQ(stats.total, 0);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/adapters"));

  c.config_json = R"({"transpose":1})";
  ASSERT_TRUE(lc.CreateAdapter(c, &a).ok());
  AdapterPatch patch;
  patch.config_json = R"({"bad":2})";
  Adapter updated;
  EXPECT_EQ(lc.UpdateAdapter(a.id, patch, &updated).code(), Status::Code::kInvalidArgument);
  // Checked before the adapter is looked up: an unknown id with a bad config is 422, not 404.
  EXPECT_EQ(lc.UpdateAdapter(NewUuid(), patch, &updated).code(), Status::Code::kInvalidArgument);
  Adapter read;
  ASSERT_TRUE(store()->GetAdapter(a.id, Visibility::kLive, &read).ok());
  EXPECT_EQ(read.config_json, R"({"transpose":1})");
  EXPECT_EQ(read.current_version, "1");
  // A patch without a config does not call it.
  const int before = calls;
  AdapterPatch rename;
  rename.name = "renamed";
  ASSERT_TRUE(lc.UpdateAdapter(a.id, rename, &updated).ok());
  EXPECT_EQ(calls, before);

  // The fixture's Lifecycle has no validator: any JSON object is taken.
  c.name = "unchecked";
  c.config_json = R"({"bad":3})";
  EXPECT_TRUE(lifecycle()->CreateAdapter(c, &a).ok());
}

TEST_F(LifecycleTest, InactiveAdapterCannotGenerate) {
  Adapter adapter = MakeAdapter(lifecycle(), "sleepy", /*active=*/false);
  GenerateRequest r;
  r.prompt_id = NewPrompt();
  r.adapter_id = adapter.id;
  Job job;
  EXPECT_EQ(lifecycle()->SubmitJob(r, &job).code(), Status::Code::kRuleViolation);
}

TEST_F(LifecycleTest, AdapterNamesAreUniqueAmongLiveAdaptersOnly) {
  Adapter first = MakeAdapter(lifecycle(), "lofi");
  AdapterCreate c;
  c.name = "lofi";
  Adapter dup;
  EXPECT_EQ(lifecycle()->CreateAdapter(c, &dup).code(), Status::Code::kConflict);
  ASSERT_OK(lifecycle()->DeleteAdapter(first.id));
  Adapter second;
  ASSERT_OK(lifecycle()->CreateAdapter(c, &second));
  EXPECT_NE(second.id, first.id);
  // Renaming onto a live name is a conflict too.
  Adapter third = MakeAdapter(lifecycle(), "jazz");
  AdapterPatch p;
  p.name = "lofi";
  Adapter out;
  EXPECT_EQ(lifecycle()->UpdateAdapter(third.id, p, &out).code(), Status::Code::kConflict);
}

TEST_F(LifecycleTest, AdapterConfigChangesWriteANewStyleFileVersion) {
  Adapter a = MakeAdapter(lifecycle(), "versioned");
  EXPECT_EQ(a.current_version, "1");
  AdapterPatch p;
  p.config_json = R"({"transpose":5})";
  Adapter out;
  ASSERT_OK(lifecycle()->UpdateAdapter(a.id, p, &out));
  EXPECT_EQ(out.current_version, "2");
  std::string text;
  ASSERT_OK(Env::Default()->ReadFile(dir_ + "/" + *out.storage_path, &text));
  EXPECT_EQ(text, R"({"transpose":5})");
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/" + *a.storage_path));
}

TEST_F(LifecycleTest, ConcurrentConfigUpdatesEachGetTheirOwnVersion) {
  Adapter a = MakeAdapter(lifecycle(), "contended");
  constexpr int kWriters = 8;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      AdapterPatch p;
      // 3..10: never the adapter's own {"transpose":2}, which is no change
      // and so no new version (the test failed whenever writer 2 went first).
      p.config_json = "{\"transpose\":" + std::to_string(i + 3) + "}";
      Adapter out;
      if (lifecycle()->UpdateAdapter(a.id, p, &out).ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kWriters);
  Adapter after;
  ASSERT_OK(store()->GetAdapter(a.id, Visibility::kLive, &after));
  EXPECT_EQ(after.current_version, std::to_string(kWriters + 1)) << "an update was lost";
  std::set<std::string> contents;
  for (int v = 2; v <= kWriters + 1; ++v) {
    std::string text;
    EXPECT_OK(Env::Default()->ReadFile(dir_ + "/adapters/" + a.id + "/v" + std::to_string(v) + ".json", &text));
    contents.insert(text);
  }
  EXPECT_EQ(contents.size(), static_cast<size_t>(kWriters)) << "two updates wrote the same version";
}

TEST_F(LifecycleTest, ACancelRacingTheWorkersFinishHasExactlyOneOutcome) {
  std::string prompt = NewPrompt();
  for (int round = 0; round < 40; ++round) {
    Job job = Submit(prompt, 1);
    Job claimed;
    ASSERT_OK(lifecycle()->ClaimJob("w", &claimed));
    CommitFakeSample(claimed, "w", 0);
    Status finish, cancel;
    std::thread worker([&] { finish = lifecycle()->FinishJob(claimed, "w", true, std::nullopt); });
    cancel = lifecycle()->CancelJob(job.id);
    worker.join();
    Job after;
    ASSERT_OK(store()->GetJob(job.id, Visibility::kLive, &after));
    if (cancel.ok()) {
      EXPECT_EQ(after.status, JobStatus::kCancelled) << "round " << round << ": cancel answered ok";
      EXPECT_TRUE(finish.IsCancelled()) << "round " << round << ": " << finish.ToString();
    } else {
      EXPECT_EQ(cancel.code(), Status::Code::kRuleViolation) << cancel.ToString();
      EXPECT_EQ(after.status, JobStatus::kCompleted) << "round " << round;
      EXPECT_OK(finish);
    }
  }
}

TEST_F(LifecycleTest, IncludeDeletedNeedsTheAdminTokenWhenOneIsSet) {
  Visibility v;
  EXPECT_OK(lifecycle()->ResolveVisibility(true, "", &v));
  EXPECT_EQ(v, Visibility::kIncludeDeleted);
  Open("s3cret");
  EXPECT_EQ(lifecycle()->ResolveVisibility(true, "", &v).code(), Status::Code::kForbidden);
  EXPECT_EQ(lifecycle()->ResolveVisibility(true, "wrong!", &v).code(), Status::Code::kForbidden);
  EXPECT_OK(lifecycle()->ResolveVisibility(true, "s3cret", &v));
  EXPECT_EQ(v, Visibility::kIncludeDeleted);
  EXPECT_OK(lifecycle()->ResolveVisibility(false, "", &v));
  EXPECT_EQ(v, Visibility::kLive);
}

TEST_F(LifecycleTest, ConcurrentDeletesOfOneJobSucceedExactlyOnce) {
  Job job = Submit(NewPrompt());
  RenderAll();
  std::atomic<int> ok{0}, not_found{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&] {
      int64_t n;
      Status s = lifecycle()->DeleteJob(job.id, &n);
      if (s.ok()) ++ok;
      else if (s.IsNotFound()) ++not_found;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(not_found.load(), 19);
}

TEST_F(LifecycleTest, FeedbackRacingAJobDeleteNeverOutlivesTheJob) {
  std::string prompt = NewPrompt();
  for (int round = 0; round < 20; ++round) {
    Job job = Submit(prompt);
    std::vector<std::string> samples = RenderAll();
    std::thread rater([&] {
      for (int i = 0; i < 20; ++i) {
        Feedback f, out;
        f.audio_id = samples[i % 2];
        f.rating = 3;
        lifecycle()->AddFeedback(f, &out);  // may be NotFound once deleted
      }
    });
    int64_t n;
    ASSERT_OK(lifecycle()->DeleteJob(job.id, &n));
    rater.join();
    int64_t left = -1;
    ASSERT_OK(store()->CountFeedbackTouchingJobs({job.id}, &left));
    EXPECT_EQ(left, 0) << "round " << round;
  }
}

TEST_F(LifecycleTest, JobCountersMatchTheRowsThroughEveryTransition) {
  std::string prompt = NewPrompt();
  Job a = Submit(prompt), b = Submit(prompt), c = Submit(prompt);
  RenderAll();  // a completed
  ASSERT_OK(lifecycle()->CancelJob(b.id));
  int64_t n;
  ASSERT_OK(lifecycle()->DeleteJob(c.id, &n));
  JobStats stats;
  ASSERT_OK(store()->GetJobStats(0, &stats));
  EXPECT_EQ(stats.completed, 1);
  EXPECT_EQ(stats.cancelled, 1);
  EXPECT_EQ(stats.queued, 0);
  EXPECT_EQ(stats.total(), 2);
  EXPECT_TRUE(stats.avg_processing_seconds.has_value());
  ASSERT_OK(lifecycle()->DeleteJob(a.id, &n));
  ASSERT_OK(store()->GetJobStats(0, &stats));
  EXPECT_EQ(stats.completed, 0);
  EXPECT_FALSE(stats.avg_processing_seconds.has_value());
  JobQuery q;
  q.status = JobStatus::kCancelled;
  std::vector<Job> list;
  int64_t total;
  ASSERT_OK(store()->ListJobs(q, &list, &total));
  EXPECT_EQ(total, 1);
  EXPECT_EQ(list.size(), 1u);
}

TEST_F(LifecycleTest, AnExpiredLeaseIsClaimedAgainAndVoidsTheDeadWorkersClaim) {
  ManualClockEnv clock;
  Open(std::nullopt, &clock);
  Job job = Submit(NewPrompt(), 2);
  Job first;
  ASSERT_OK(lifecycle()->ClaimJob("dead-worker", &first));
  CommitFakeSample(first, "dead-worker", 0);

  Job other;
  EXPECT_TRUE(lifecycle()->ClaimJob("live-worker", &other).IsNotFound())
      << "a job under a valid lease must not be claimed twice";
  clock.AdvanceSeconds(lifecycle()->options().lease_seconds - 1);
  ASSERT_OK(lifecycle()->ReportProgress(first, "dead-worker", 0.6));  // heartbeat renews
  clock.AdvanceSeconds(lifecycle()->options().lease_seconds - 1);
  EXPECT_TRUE(lifecycle()->ClaimJob("live-worker", &other).IsNotFound()) << "the heartbeat renewed it";

  clock.AdvanceSeconds(2);  // now past the renewed lease
  ASSERT_OK(lifecycle()->ClaimJob("live-worker", &other));
  EXPECT_EQ(other.id, job.id);
  EXPECT_EQ(other.audio_ids.size(), 1u);  // the finished sample is kept, not redone
  EXPECT_TRUE(lifecycle()->ReportProgress(first, "dead-worker", 0.9).IsCancelled());
  Status late;
  CommitFakeSample(first, "dead-worker", 1, &late);
  EXPECT_TRUE(late.IsCancelled()) << late.ToString();
  EXPECT_TRUE(lifecycle()->FinishJob(first, "dead-worker", true, std::nullopt).IsCancelled());
  CommitFakeSample(other, "live-worker", 1);
  ASSERT_OK(lifecycle()->FinishJob(other, "live-worker", true, std::nullopt));
  Job done;
  ASSERT_OK(store()->GetJob(job.id, Visibility::kLive, &done));
  EXPECT_EQ(done.status, JobStatus::kCompleted);
  EXPECT_EQ(done.audio_ids.size(), 2u);
  EXPECT_EQ(CountFiles(".wav"), 2);
  EXPECT_EQ(CountFiles(".tmp"), 0);
}

TEST_F(LifecycleTest, RecoveryRequeuesInterruptedJobsAndRemovesTempFiles) {
  if (OnPostgres()) {
    GTEST_SKIP() << "start-up requeue is for the single-process SQLite studio; a shared "
                    "PostgreSQL database relies on lease expiry (the test above)";
  }
  Job job = Submit(NewPrompt(), 2);
  Job claimed;
  ASSERT_OK(lifecycle()->ClaimJob("dead-worker", &claimed));
  CommitFakeSample(claimed, "dead-worker", 0);
  StagedSample half;  // staged, never committed: the dead worker's sample in flight
  ASSERT_OK(lifecycle()->StageSample(claimed, 1, 1, 44100, FakeWav("half"), &half));
  const std::string stray = half.staging_path;

  Open(std::nullopt);  // as after a restart
  int64_t requeued = 0;
  ASSERT_OK(lifecycle()->RecoverInterruptedJobs(&requeued));
  EXPECT_EQ(requeued, 1);
  EXPECT_FALSE(std::filesystem::exists(stray));
  Job again;
  ASSERT_OK(lifecycle()->ClaimJob("new-worker", &again));
  EXPECT_EQ(again.id, job.id);
  EXPECT_EQ(again.audio_ids.size(), 1u);  // the finished sample is kept, not redone
  // The dead worker's claim is void.
  EXPECT_TRUE(lifecycle()->ReportProgress(claimed, "dead-worker", 0.9).IsCancelled());
}

// Fails the rename that publishes a sample.
class FailingRenameEnv : public EnvWrapper {
 public:
  FailingRenameEnv() : EnvWrapper(Env::Default()) {}
  Status RenameFile(const std::string& from, const std::string& to) override {
    if (to.size() > 4 && to.substr(to.size() - 4) == ".wav") return Status::IOError("injected: disk full");
    return EnvWrapper::RenameFile(from, to);
  }
};

TEST_F(LifecycleTest, AFailedPublishLeavesNeitherRowNorFile) {
  FailingRenameEnv env;
  Open(std::nullopt, &env);
  Job job = Submit(NewPrompt(), 1);
  Job claimed;
  ASSERT_OK(lifecycle()->ClaimJob("w", &claimed));
  Status s;
  CommitFakeSample(claimed, "w", 0, &s);
  EXPECT_EQ(s.code(), Status::Code::kIOError);
  std::vector<AudioSample> samples;
  ASSERT_OK(store()->ListAudioSamplesForJob(job.id, &samples));
  EXPECT_TRUE(samples.empty());
  EXPECT_EQ(CountFiles(".wav"), 0);
  EXPECT_EQ(CountFiles(".tmp"), 0);
}

}  // namespace
}  // namespace studio::testing
