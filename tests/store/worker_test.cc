// The worker's cleanup paths: cancel, delete, render failure and a failing
// disk each leave no partial output, and never a finished-looking job.
#include <chrono>
#include <thread>

#include "store/store_fixture.h"
#include "worker/worker.h"

namespace studio::testing {
namespace {

using namespace std::chrono_literals;

// A stand-in engine: renders silence in 0.1 s blocks, slowly enough that a
// test can act mid-render, and fails on request. Not a database mock: the
// store under the worker is the real SQLite file.
class ScriptedEngine : public Engine {
 public:
  explicit ScriptedEngine(int fail_on_sample) : fail_on_sample_(fail_on_sample) {}
  Status Render(const RenderRequest& request, const RenderProgressFn& progress,
                PcmAudio* out) override {
    if (request.sample_index == fail_on_sample_) return Status::Internal("synth exploded");
    const int blocks = request.params.duration * 10;
    out->samples.assign(static_cast<size_t>(request.params.duration) * 44100 * 2, 0);
    for (int b = 0; b < blocks; ++b) {
      std::this_thread::sleep_for(5ms);
      if (!progress(static_cast<double>(b + 1) / blocks)) return Status::Cancelled("stopped");
    }
    return Status::Ok();
  }

 private:
  int fail_on_sample_;
};

class WorkerTest : public StoreFixture {
 protected:
  void StartWorkers(int fail_on_sample = -1) {
    pool_ = std::make_unique<WorkerPool>(
        lifecycle(),
        [fail_on_sample](Status*) { return std::make_unique<ScriptedEngine>(fail_on_sample); },
        WorkerOptions{.threads = 1, .idle_poll_ms = 20, .progress_interval_ms = 10});
    ASSERT_OK(pool_->Start());
  }
  void TearDown() override {
    pool_.reset();
    StoreFixture::TearDown();
  }

  Job WaitFor(const std::string& job_id, std::function<bool(const Job&)> done) {
    Job job;
    for (int i = 0; i < 500; ++i) {
      EXPECT_OK(store()->GetJob(job_id, Visibility::kIncludeDeleted, &job));
      if (done(job)) return job;
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "job " << job_id << " never reached the expected state";
    return job;
  }

  Job SubmitLong(int samples, int seconds) {
    GenerateRequest r;
    r.prompt_id = NewPrompt();
    r.num_samples = samples;
    r.duration = seconds;
    Job job;
    EXPECT_OK(lifecycle()->SubmitJob(r, &job));
    return job;
  }

  std::unique_ptr<WorkerPool> pool_;
};

TEST_F(WorkerTest, RendersEverySampleAndCompletes) {
  StartWorkers();
  Job job = SubmitLong(2, 1);
  Job done = WaitFor(job.id, [](const Job& j) { return j.status == JobStatus::kCompleted; });
  EXPECT_EQ(done.audio_ids.size(), 2u);
  EXPECT_DOUBLE_EQ(done.progress, 1.0);
  EXPECT_EQ(CountFiles(".wav"), 2);
  EXPECT_EQ(CountFiles(".tmp"), 0);
}

TEST_F(WorkerTest, CancelStopsTheRenderAndDiscardsTheSampleInFlight) {
  StartWorkers();
  Job job = SubmitLong(3, 3);  // 3 x 30 blocks x 5 ms
  WaitFor(job.id, [](const Job& j) { return j.audio_ids.size() == 1; });
  ASSERT_OK(lifecycle()->CancelJob(job.id));
  std::this_thread::sleep_for(300ms);
  Job after;
  ASSERT_OK(store()->GetJob(job.id, Visibility::kLive, &after));
  EXPECT_EQ(after.status, JobStatus::kCancelled);
  EXPECT_EQ(after.audio_ids.size(), 1u);
  EXPECT_EQ(CountFiles(".wav"), 1);
  EXPECT_EQ(CountFiles(".tmp"), 0);
}

TEST_F(WorkerTest, AStoppedWorkerHandsItsJobBackAtOnceKeepingFinishedSamples) {
  StartWorkers();
  Job job = SubmitLong(3, 3);
  WaitFor(job.id, [](const Job& j) { return j.audio_ids.size() == 1; });
  pool_->Stop();  // mid-way through the second sample
  Job after;
  ASSERT_OK(store()->GetJob(job.id, Visibility::kLive, &after));
  EXPECT_EQ(after.status, JobStatus::kQueued) << "the job should not wait for its lease to expire";
  EXPECT_EQ(after.audio_ids.size(), 1u);
  EXPECT_EQ(CountFiles(".tmp"), 0);
  Job next;
  ASSERT_OK(lifecycle()->ClaimJob("another-worker", &next)) << "claimable before the lease ran out";
  EXPECT_EQ(next.id, job.id);
}

TEST_F(WorkerTest, DeleteMidRenderNeverCompletesTheJob) {
  StartWorkers();
  Job job = SubmitLong(2, 3);
  WaitFor(job.id, [](const Job& j) { return j.status == JobStatus::kProcessing && j.progress > 0.1; });
  int64_t n;
  ASSERT_OK(lifecycle()->DeleteJob(job.id, &n));
  std::this_thread::sleep_for(600ms);  // longer than the rest of the render would take
  Job after;
  ASSERT_OK(store()->GetJob(job.id, Visibility::kIncludeDeleted, &after));
  EXPECT_EQ(after.status, JobStatus::kCancelled);
  EXPECT_EQ(CountFiles(".tmp"), 0);
  EXPECT_EQ(static_cast<int>(after.audio_ids.size()), CountFiles(".wav"));
}

TEST_F(WorkerTest, ARenderFailureFailsTheJobAndKeepsOnlyFinishedSamples) {
  StartWorkers(/*fail_on_sample=*/1);
  Job job = SubmitLong(3, 1);
  Job failed = WaitFor(job.id, [](const Job& j) { return j.status == JobStatus::kFailed; });
  ASSERT_TRUE(failed.error.has_value());
  EXPECT_NE(failed.error->find("synth exploded"), std::string::npos);
  EXPECT_EQ(failed.audio_ids.size(), 1u);
  EXPECT_EQ(CountFiles(".wav"), 1);
  EXPECT_EQ(CountFiles(".tmp"), 0);
}

// The disk fills up while the WAV is written.
class FullDiskEnv : public EnvWrapper {
 public:
  FullDiskEnv() : EnvWrapper(Env::Default()) {}
  Status RenameFile(const std::string& from, const std::string& to) override {
    return Status::IOError("injected: no space left on device");
  }
};

TEST_F(WorkerTest, AFailingDiskFailsTheJobWithoutLeavingFiles) {
  FullDiskEnv env;
  Open(std::nullopt, &env);
  StartWorkers();
  Job job = SubmitLong(1, 1);
  Job failed = WaitFor(job.id, [](const Job& j) { return j.status == JobStatus::kFailed; });
  EXPECT_TRUE(failed.audio_ids.empty());
  EXPECT_EQ(CountFiles(".wav"), 0);
  EXPECT_EQ(CountFiles(".tmp"), 0);
}

}  // namespace
}  // namespace studio::testing
