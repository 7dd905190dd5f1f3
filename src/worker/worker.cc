#include "worker/worker.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "engine/wav_writer.h"

namespace studio {

namespace {

// What a sample's WAV says about itself: the prompt, and what reproduces it
// (seed, sample index, adapter and its version).
WavTags TagsFor(const Job& job, const RenderInputs& inputs, int index) {
  WavTags tags;
  tags.title = inputs.prompt_text;
  tags.comment = "seed=" + std::to_string(inputs.params.seed) + " sample=" + std::to_string(index) +
                 " adapter=" + job.adapter_id.value_or("none") +
                 " adapter_version=" + inputs.adapter_version.value_or("none");
  tags.software = "Song Studio";
  return tags;
}

}  // namespace

WorkerPool::WorkerPool(Lifecycle* lifecycle, EngineFactory engine_factory, WorkerOptions options)
    : lifecycle_(lifecycle), engine_factory_(std::move(engine_factory)), options_(std::move(options)) {}

WorkerPool::~WorkerPool() { Stop(); }

Status WorkerPool::Start() {
  std::vector<std::unique_ptr<Engine>> engines;
  for (int i = 0; i < options_.threads; ++i) {
    Status s;
    auto engine = engine_factory_(&s);
    if (!engine) return s.ok() ? Status::Internal("engine factory returned nothing") : s;
    engines.push_back(std::move(engine));
  }
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back(&WorkerPool::Run, this, i, std::move(engines[i]));
  }
  return Status::Ok();
}

void WorkerPool::Notify() {
  {
    MutexLock lock(&mu_);
    ++wake_count_;
  }
  wake_.Signal();
}

void WorkerPool::Stop() {
  {
    MutexLock lock(&mu_);
    if (stopping_.exchange(true)) return;
  }
  wake_.SignalAll();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void WorkerPool::Run(int index, std::unique_ptr<Engine> engine) {
  const std::string worker_id = options_.worker_id_prefix + "-" + std::to_string(index);
  while (!stopping_) {
    uint64_t seen;
    {
      MutexLock lock(&mu_);
      seen = wake_count_;
    }
    Job job;
    Status s = lifecycle_->ClaimJob(worker_id, &job);
    if (s.ok()) {
      ProcessJob(engine.get(), worker_id, job);
      continue;
    }
    if (!s.IsNotFound()) spdlog::warn("{}: claim failed: {}", worker_id, s.ToString());
    // Generation first: a listener waits for a render, a training run can wait.
    TrainingRun run;
    Status r = lifecycle_->ClaimRun(worker_id, &run);
    if (r.ok()) {
      ProcessRun(worker_id, run);
      continue;
    }
    if (!r.IsNotFound()) spdlog::warn("{}: run claim failed: {}", worker_id, r.ToString());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.idle_poll_ms);
    MutexLock lock(&mu_);
    while (!stopping_ && wake_count_ == seen && wake_.WaitUntil(&mu_, deadline)) {
    }
  }
}

Status WorkerPool::RetryWhileDatabaseAway(const std::function<Status()>& write) {
  // A finished sample is worth keeping through a database restart; once
  // the lease has run out another worker owns the job and the guarded write
  // reports Cancelled, so retrying longer than that gains nothing.
  const auto give_up = std::chrono::steady_clock::now() +
                       std::chrono::seconds(lifecycle_->options().lease_seconds);
  while (true) {
    Status s = write();
    if (!s.IsUnavailable() || stopping_ || std::chrono::steady_clock::now() > give_up) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.idle_poll_ms / 2));
  }
}

void WorkerPool::ProcessJob(Engine* engine, const std::string& worker_id, const Job& job) {
  using Clock = std::chrono::steady_clock;
  spdlog::info("{}: rendering job {} ({} samples, {} s)", worker_id, job.id, job.num_samples,
               job.params.duration);

  // Only a staged file written by this worker is ever removed here: after
  // losing the claim (lease expired) another worker may own the job's folder.
  // The Lifecycle removes a staged sample itself when it refuses it.
  auto abandon = [&](const char* why) {
    spdlog::info("{}: job {} {}; discarding the sample in flight", worker_id, job.id, why);
  };
  // A database outage never fails a job: the worker gives it up instead,
  // and the lease brings it back once the database answers again.
  // `what` names the failed step ("render failed"); empty when `why`'s
  // message already does.
  auto fail = [&](const std::string& what, const Status& why) {
    if (why.IsUnavailable()) return abandon("lost its database");
    // The job's error is shown to users. File and database errors name the
    // server's files, so those are worded here and the log keeps the rest.
    const bool names_files = why.code() == Status::Code::kIOError || why.IsStorageFull();
    const std::string step = what.empty() ? std::string("the job could not run") : what;
    const std::string error = why.IsStorageFull() ? "The studio's storage is full"
                              : names_files       ? step + " (the server log has the details)"
                              : what.empty()      ? why.message()
                                                  : what + ": " + why.message();
    if (why.IsStorageFull()) {
      spdlog::warn("{}: job {} failed, storage full: {}", worker_id, job.id, why.message());
    } else {
      spdlog::warn("{}: job {} failed: {}: {}", worker_id, job.id, step, why.message());
    }
    lifecycle_->FinishJob(job, worker_id, /*succeeded=*/false, error);
  };

  RenderInputs inputs;
  Status s = lifecycle_->PrepareRender(job, &inputs);
  if (!s.ok()) return fail("", s);
  RenderRequest request;
  request.prompt_text = inputs.prompt_text;
  request.attributes = inputs.attributes;
  request.params = inputs.params;
  if (inputs.adapter_config_json) request.adapter_config_json = *inputs.adapter_config_json;

  auto last_report = Clock::now();
  for (int index = 0; index < job.num_samples; ++index) {
    if (inputs.finished_samples.count(index)) continue;
    request.sample_index = index;
    bool cancelled = false;
    auto on_progress = [&](double fraction) {
      if (stopping_) return false;
      auto now = Clock::now();
      if (now - last_report < std::chrono::milliseconds(options_.progress_interval_ms)) return true;
      last_report = now;
      Status r = lifecycle_->ReportProgress(job, worker_id, (index + fraction) / job.num_samples);
      if (r.IsCancelled()) cancelled = true;
      return !cancelled;
    };
    PcmAudio pcm;
    s = engine->Render(request, on_progress, &pcm);
    if (cancelled) return abandon("was cancelled or deleted");
    if (stopping_) {
      abandon("interrupted by shutdown");
      lifecycle_->ReleaseJob(job, worker_id);  // another worker takes it now, not at lease expiry
      return;
    }
    if (!s.ok()) return fail("render failed", s);

    StagedSample staged;
    const WavTags tags = TagsFor(job, inputs, index);
    s = lifecycle_->StageSample(
        job, index, pcm.seconds(), pcm.sample_rate,
        [&](Env* env, const std::string& path) { return WriteWavFile(env, path, pcm, tags); },
        &staged, pcm.midi);
    if (!s.ok()) return fail("cannot write audio", s);
    if (!pcm.style_json.empty()) staged.sample.style_json = pcm.style_json;
    s = RetryWhileDatabaseAway([&] { return lifecycle_->CommitSample(job, worker_id, staged); });
    if (s.IsCancelled()) return abandon("was cancelled or deleted");
    if (!s.ok()) {
      lifecycle_->DiscardSample(staged);
      return fail("cannot store sample", s);
    }
    last_report = Clock::now();
  }
  s = RetryWhileDatabaseAway([&] { return lifecycle_->FinishJob(job, worker_id, true, std::nullopt); });
  if (s.IsCancelled()) return abandon("was cancelled or deleted before completion");
  if (!s.ok()) return spdlog::warn("{}: cannot complete job {}: {}", worker_id, job.id, s.ToString());
  spdlog::info("{}: job {} completed", worker_id, job.id);
}

}  // namespace studio
