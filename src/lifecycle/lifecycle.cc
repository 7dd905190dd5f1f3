#include "lifecycle/lifecycle.h"

#include <algorithm>
#include <random>

#include "lifecycle/messages.h"
#include "store/storage_keys.h"
#include "util/time_format.h"
#include "util/uuid.h"

namespace studio {

namespace {
// Constant-time comparison, so the token cannot be guessed byte by byte.
bool SameSecret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}
}  // namespace

Lifecycle::Lifecycle(Store* store, Env* env, LifecycleOptions options)
    : store_(store),
      env_(env),
      options_(std::move(options)),
      storage_(NewLocalFileStorage(env, options_.data_dir)) {}

Status Lifecycle::ResolveVisibility(bool include_deleted, const std::string& bearer_token,
                                    Visibility* out) const {
  *out = Visibility::kLive;
  if (!include_deleted) return Status::Ok();
  if (options_.admin_token &&
      !SameSecret(bearer_token, *options_.admin_token)) {
    return Status::Forbidden("include_deleted requires the admin token (Authorization: Bearer <token>)");
  }
  *out = Visibility::kIncludeDeleted;
  return Status::Ok();
}

Status Lifecycle::CheckAdmin(const std::string& bearer_token) const {
  if (options_.admin_token && !SameSecret(bearer_token, *options_.admin_token)) {
    return Status::Forbidden("This route requires the admin token (Authorization: Bearer <token>)");
  }
  return Status::Ok();
}

void Lifecycle::SetJobQueuedListener(std::function<void()> listener) {
  MutexLock lock(&listener_mu_);
  on_job_queued_ = std::move(listener);
}

// ---- prompts ----

Status Lifecycle::CreatePrompt(const std::string& text, const PromptAttributes& attributes,
                               Prompt* out) {
  Prompt p;
  p.id = NewUuid();
  p.text = text;
  p.attributes = attributes;
  p.created_at = env_->NowMicros();
  STUDIO_RETURN_IF_ERROR(store_->InsertPrompt(p));
  *out = std::move(p);
  return Status::Ok();
}

// ---- jobs ----

Status Lifecycle::CheckAdapterUsable(const std::string& adapter_id) {
  Adapter adapter;
  STUDIO_RETURN_IF_ERROR(store_->GetAdapter(adapter_id, Visibility::kIncludeDeleted, &adapter));
  if (adapter.deleted_at) return Status::RuleViolation("Cannot use deleted adapter for generation");
  if (!adapter.is_active) return Status::RuleViolation("Cannot use inactive adapter for generation");
  return Status::Ok();
}

Status Lifecycle::SubmitJob(const GenerateRequest& request, Job* out) {
  Job job;
  job.id = NewUuid();
  job.prompt_id = request.prompt_id;
  job.adapter_id = request.adapter_id;
  job.num_samples = request.num_samples;
  job.params.temperature = request.temperature;
  job.params.top_k = request.top_k;
  job.params.top_p = request.top_p;
  if (request.seed) {
    job.params.seed = *request.seed;
  } else {
    thread_local std::mt19937 rng{std::random_device{}()};
    job.params.seed = static_cast<int64_t>(rng() & 0x7FFFFFFF);
  }
  STUDIO_RETURN_IF_ERROR(store_->InTransaction([&]() -> Status {
    Prompt prompt;
    STUDIO_RETURN_IF_ERROR(store_->GetPrompt(request.prompt_id, &prompt));
    job.params.duration =
        request.duration.value_or(prompt.attributes.duration.value_or(kDefaultDurationSeconds));
    // Checked inside the transaction: an adapter deleted concurrently is
    // either seen deleted here, or deleted after this job was queued (and
    // queued jobs keep running with it).
    if (request.adapter_id) STUDIO_RETURN_IF_ERROR(CheckAdapterUsable(*request.adapter_id));
    job.created_at = env_->NowMicros();
    return store_->InsertJob(job);
  }));
  STUDIO_RETURN_IF_ERROR(store_->GetJob(job.id, Visibility::kLive, out));
  NotifyJobQueued();
  return Status::Ok();
}

void Lifecycle::NotifyJobQueued() {
  std::function<void()> listener;
  {
    MutexLock lock(&listener_mu_);
    listener = on_job_queued_;
  }
  if (listener) listener();  // called unlocked: it may take its own locks
}

Status Lifecycle::CancelJob(const std::string& job_id, const Actor& actor) {
  return store_->InTransaction([&]() -> Status {
    // Locked before reading: a worker finishing the job concurrently either
    // committed first (and the read below sees "completed") or waits for
    // this cancel. Without it, a cancel could answer ok for a job that ends
    // completed (PostgreSQL reads a snapshot; SQLite's writer lock orders
    // them anyway).
    IdList live;
    STUDIO_RETURN_IF_ERROR(store_->LockLiveJobs({job_id}, RowLock::kExclusive, &live));
    if (live.empty()) return Status::NotFound(store_kind::kJob);
    Job job;
    STUDIO_RETURN_IF_ERROR(store_->GetJob(job_id, Visibility::kLive, &job));
    if (!IsActive(job.status)) {
      return Status::RuleViolation(std::string("Cannot cancel a job that is ") + JobStatusName(job.status));
    }
    int64_t changed = 0;
    STUDIO_RETURN_IF_ERROR(store_->CancelJobs({job_id}, env_->NowMicros(), &changed));
    if (changed != 1) return Status::Internal("job changed while locked");
    return Audit(actor, "cancel", "job", job_id, R"({"jobs":1})");
  });
}

Status Lifecycle::DeleteJob(const std::string& job_id, int64_t* feedback_deleted, const Actor& actor) {
  *feedback_deleted = 0;
  return store_->InTransaction([&]() -> Status {
    // Exclusive first: a feedback insert on this job's samples (which holds
    // the row kShare) either committed before, and is cascaded below, or
    // waits and then finds the job gone. See AddFeedback.
    IdList live;
    STUDIO_RETURN_IF_ERROR(store_->LockLiveJobs({job_id}, RowLock::kExclusive, &live));
    if (live.empty()) return Status::NotFound(store_kind::kJob);
    BulkJobDeleteResult r;
    STUDIO_RETURN_IF_ERROR(DeleteLockedJobs(live, env_->NowMicros(), &r));
    *feedback_deleted = r.feedback_deleted;
    return Audit(actor, "delete", "job", job_id, JobDeleteCounts(r));
  });
}

Status Lifecycle::DeleteLockedJobs(const IdList& ids, Micros now, BulkJobDeleteResult* out,
                                   bool count_datasets) {
  for (size_t at = 0; at < ids.size(); at += kMaxIdsPerStatement) {
    const IdList chunk = IdChunk(ids, at);
    int64_t n = 0;
    // Cancelled first: a worker rendering one of them sees it at its next
    // progress report and discards the sample in flight; finished samples
    // stay with the job.
    STUDIO_RETURN_IF_ERROR(store_->CancelJobs(chunk, now, &n));
    out->cancelled += n;
    // Before the cascade: each job records how much feedback its delete removes.
    STUDIO_RETURN_IF_ERROR(store_->MarkJobsDeleted(chunk, now, &n));
    out->jobs_deleted += n;
    if (count_datasets) {
      // Before this chunk's cascade, after the previous ones': each record counted once.
      std::vector<DatasetImpact> chunk_impacts;
      STUDIO_RETURN_IF_ERROR(store_->DatasetsAffectedByJobs(chunk, &chunk_impacts));
      MergeDatasetImpacts(&out->datasets_affected, chunk_impacts);
    }
    STUDIO_RETURN_IF_ERROR(store_->DeleteFeedbackTouchingJobs(chunk, &n));
    out->feedback_deleted += n;
  }
  return Status::Ok();
}

Status Lifecycle::PreviewJobDelete(const std::string& job_id, JobDeletePreview* out) {
  Job job;
  STUDIO_RETURN_IF_ERROR(store_->GetJob(job_id, Visibility::kLive, &job));
  out->job_id = job.id;
  out->status = job.status;
  out->will_cancel = IsActive(job.status);
  STUDIO_RETURN_IF_ERROR(store_->DatasetsAffectedByJobs({job_id}, &out->datasets_affected));
  return store_->CountFeedbackTouchingJobs({job_id}, &out->feedback_count);
}

Status Lifecycle::GetJobStats(JobStats* out) {
  return store_->GetJobStats(StartOfUtcDay(env_->NowMicros()), out);
}

// ---- audio ----

std::optional<std::string> Lifecycle::AudioLocalPath(const AudioSample& sample) const {
  return storage_->LocalPath(sample.storage_path);
}

Status Lifecycle::ReadSampleMidi(const AudioSample& sample, std::string* bytes) const {
  Status s = storage_->Read(MidiKeyForAudioKey(sample.storage_path), bytes);
  if (s.IsNotFound()) return Status::NotFound("This sample has no MIDI file");
  return s;
}

// ---- adapters ----

Status Lifecycle::WriteAdapterStyle(const std::string& adapter_id, int version,
                                    const std::string& config_json, std::string* key) {
  *key = AdapterStyleKey(adapter_id, version);
  return storage_->Put(*key, config_json);
}

Status Lifecycle::CreateAdapter(const AdapterCreate& request, Adapter* out) {
  if (options_.validate_adapter_config) {
    STUDIO_RETURN_IF_ERROR(options_.validate_adapter_config(request.config_json));
  }
  Adapter a;
  a.id = NewUuid();
  a.name = request.name;
  a.description = request.description;
  if (request.base_model) a.base_model = *request.base_model;
  a.config_json = request.config_json;
  a.is_active = request.is_active;
  a.created_at = a.updated_at = env_->NowMicros();
  std::string written;
  Status s = store_->InTransaction([&]() -> Status {
    AdapterVersion first;
    first.config_json = a.config_json;
    return AddLockedAdapterVersion(&a, &first, &written, /*insert_adapter=*/true);
  });
  if (!s.ok()) {
    if (!written.empty()) storage_->Remove(written);  // the row never existed; neither should its file
    return s;
  }
  *out = std::move(a);
  return Status::Ok();
}

Status Lifecycle::UpdateAdapter(const std::string& id, const AdapterPatch& patch, Adapter* out) {
  if (patch.config_json && options_.validate_adapter_config) {
    STUDIO_RETURN_IF_ERROR(options_.validate_adapter_config(*patch.config_json));
  }
  std::string written;
  Status s = store_->InTransaction([&]() -> Status {
    // Read-modify-write: concurrent updates of one adapter take turns, so
    // none is lost and each config change gets its own version number.
    STUDIO_RETURN_IF_ERROR(store_->LockLiveAdapter(id));
    Adapter a;
    STUDIO_RETURN_IF_ERROR(store_->GetAdapter(id, Visibility::kLive, &a));
    if (patch.name) a.name = *patch.name;
    if (patch.description) a.description = *patch.description;
    if (patch.is_active) a.is_active = *patch.is_active;
    if (patch.status) a.status = *patch.status;
    if (patch.config_json && *patch.config_json != a.config_json) {
      AdapterVersion v;  // a config change is a new version
      v.config_json = *patch.config_json;
      STUDIO_RETURN_IF_ERROR(AddLockedAdapterVersion(&a, &v, &written));
    } else {
      a.updated_at = env_->NowMicros();
      STUDIO_RETURN_IF_ERROR(store_->UpdateAdapter(a));
    }
    *out = std::move(a);
    return Status::Ok();
  });
  if (!s.ok() && !written.empty()) storage_->Remove(written);
  return s;
}

Status Lifecycle::DeleteAdapter(const std::string& id, const Actor& actor) {
  // No cascade: jobs and samples keep their reference and show "Deleted Adapter".
  return store_->InTransaction([&]() -> Status {
    STUDIO_RETURN_IF_ERROR(store_->MarkAdapterDeleted(id, env_->NowMicros()));
    return Audit(actor, "delete", "adapter", id, R"({"adapters":1})");
  });
}

Status Lifecycle::PreviewAdapterDelete(const std::string& id, int64_t* jobs_using_it) {
  Adapter a;
  STUDIO_RETURN_IF_ERROR(store_->GetAdapter(id, Visibility::kLive, &a));
  return store_->CountJobsUsingAdapter(id, jobs_using_it);
}

// ---- feedback ----

Status Lifecycle::AddFeedback(Feedback feedback, Feedback* out) {
  feedback.id = NewUuid();
  feedback.created_at = env_->NowMicros();
  STUDIO_RETURN_IF_ERROR(store_->InTransaction([&]() -> Status {
    // The record must never outlive a job it points at. Each referenced
    // sample's job is locked kShare until commit: a concurrent DeleteJob
    // (kExclusive) either finished first, and the lock then reports the job
    // gone, or waits for this insert and cascades the new record with the rest.
    // Shared locks do not block each other, so feedback inserts stay parallel.
    // Both jobs are locked in one statement, in id order like a bulk delete
    // locks its jobs, so the two can never wait for each other in a cycle.
    auto sample_job = [&](const std::string& audio_id, const char* not_found, std::string* job_id) {
      AudioSample sample;
      Status s = store_->GetAudioSample(audio_id, Visibility::kLive, &sample);
      *job_id = sample.job_id;
      return s.IsNotFound() ? Status::NotFound(not_found) : s;
    };
    std::string audio_job, preferred_job;
    STUDIO_RETURN_IF_ERROR(sample_job(feedback.audio_id, "Audio sample not found", &audio_job));
    if (feedback.preferred_over) {
      STUDIO_RETURN_IF_ERROR(sample_job(*feedback.preferred_over, "Preferred audio sample not found", &preferred_job));
    }
    IdList jobs = {audio_job};
    if (!preferred_job.empty() && preferred_job != audio_job) jobs.push_back(preferred_job);
    IdList live;
    STUDIO_RETURN_IF_ERROR(store_->LockLiveJobs(jobs, RowLock::kShare, &live));
    auto is_live = [&](const std::string& id) { return std::find(live.begin(), live.end(), id) != live.end(); };
    if (!is_live(audio_job)) return Status::NotFound("Audio sample not found");
    if (!preferred_job.empty() && !is_live(preferred_job)) return Status::NotFound("Preferred audio sample not found");
    return store_->InsertFeedback(feedback);
  }));
  *out = std::move(feedback);
  return Status::Ok();
}

Status Lifecycle::DeleteFeedback(const std::string& id, const Actor& actor) {
  return store_->InTransaction([&]() -> Status {
    STUDIO_RETURN_IF_ERROR(store_->DeleteFeedback(id));
    return Audit(actor, "delete", "feedback", id, R"({"feedback":1})");
  });
}

Status Lifecycle::PreviewFeedbackDelete(const std::string& id, std::vector<DatasetImpact>* datasets_affected) {
  Feedback f;
  STUDIO_RETURN_IF_ERROR(store_->GetFeedback(id, &f));
  return store_->DatasetsAffectedByFeedback({id}, datasets_affected);
}

// ---- worker side ----

Status Lifecycle::ClaimJob(const std::string& worker_id, Job* out) {
  const Micros now = env_->NowMicros();
  return store_->ClaimNextJob(worker_id, now, now + LeaseMicros(), out);
}

Status Lifecycle::ReportProgress(const Job& job, const std::string& worker_id, double progress) {
  return store_->ReportProgress(job.id, worker_id, progress,
                                env_->NowMicros() + LeaseMicros());
}

Status Lifecycle::PrepareRender(const Job& job, RenderInputs* out) {
  Prompt prompt;
  // Worded here: a failure becomes the job's error, which users read.
  STUDIO_RETURN_IF_ERROR(
      UserFacing(store_->GetPrompt(job.prompt_id, &prompt)).WithContext("prompt unavailable"));
  out->prompt_text = prompt.text;
  out->attributes = prompt.attributes;
  out->params = job.params;
  out->adapter_config_json.reset();
  out->adapter_version.reset();
  if (job.adapter_id) {
    // A deleted adapter still styles the jobs queued before its deletion.
    Adapter adapter;
    STUDIO_RETURN_IF_ERROR(
        UserFacing(store_->GetAdapter(*job.adapter_id, Visibility::kIncludeDeleted, &adapter))
            .WithContext("adapter unavailable"));
    out->adapter_config_json = adapter.config_json;
    out->adapter_version = adapter.current_version;
    if (adapter.storage_path) {
      std::string file_config;
      if (storage_->Read(*adapter.storage_path, &file_config).ok()) out->adapter_config_json = file_config;
    }
  }
  // A job claimed again after its lease expired may hold a dead worker's
  // half-written file; samples it finished are kept.
  DiscardUnfinishedOutputs(job.id);
  std::vector<AudioSample> existing;
  STUDIO_RETURN_IF_ERROR(
      UserFacing(store_->ListAudioSamplesForJob(job.id, &existing)).WithContext("cannot list samples"));
  out->finished_samples.clear();
  for (const auto& a : existing) out->finished_samples.insert(a.sample_index);
  return Status::Ok();
}

Status Lifecycle::StageSample(const Job& job, int index, double duration_seconds, int sample_rate,
                              const SampleWriter& write, StagedSample* out, const std::string& midi) {
  AudioSample& sample = out->sample;
  sample = AudioSample{};
  sample.id = NewUuid();
  sample.job_id = job.id;
  sample.prompt_id = job.prompt_id;
  sample.adapter_id = job.adapter_id;
  sample.sample_index = index;
  sample.storage_path = AudioKey(job.id, sample.id);
  sample.duration_seconds = duration_seconds;
  sample.sample_rate = sample_rate;
  sample.params = job.params;
  sample.created_at = env_->NowMicros();
  Status s = storage_->PrepareStaging(sample.storage_path, &out->staging_path);
  if (s.ok()) s = write(env_, out->staging_path);
  out->has_midi = s.ok() && !midi.empty();
  if (out->has_midi) {
    const std::string midi_key = MidiKeyForAudioKey(sample.storage_path);
    std::string midi_path;
    s = storage_->PrepareStaging(midi_key, &midi_path);
    if (s.ok()) s = env_->WriteFileAtomically(midi_path, midi);
    if (!s.ok()) storage_->DiscardStaged(midi_key);
  }
  if (!s.ok()) storage_->DiscardStaged(sample.storage_path);
  return s;
}

Status Lifecycle::CommitSample(const Job& job, const std::string& worker_id, const StagedSample& staged) {
  const AudioSample& sample = staged.sample;
  const std::string midi_key = MidiKeyForAudioKey(sample.storage_path);
  bool published = false;
  Status s = store_->InTransaction([&]() -> Status {
    // The guard: the job must still be live, processing and ours. A delete
    // that committed first makes this Cancelled; one that comes later waits
    // for this transaction and then sees the sample as finished.
    double progress = static_cast<double>(sample.sample_index + 1) / job.num_samples;
    STUDIO_RETURN_IF_ERROR(ReportProgress(job, worker_id, progress));
    STUDIO_RETURN_IF_ERROR(store_->InsertAudioSample(sample));
    // The MIDI file first: a WAV visible under its key always has its MIDI.
    if (staged.has_midi) STUDIO_RETURN_IF_ERROR(storage_->Publish(midi_key));
    published = true;
    STUDIO_RETURN_IF_ERROR(storage_->Publish(sample.storage_path));
    return Status::Ok();
  });
  if (!s.ok()) {
    // Rolled back: no file without its row. While the database is away the
    // staged file is kept for the caller's retry (it discards it on giving up).
    if (published) {
      storage_->Remove(sample.storage_path);
      storage_->Remove(midi_key);
    }
    if (!s.IsUnavailable()) DiscardSample(staged);
  }
  return s;
}

void Lifecycle::DiscardSample(const StagedSample& staged) {
  storage_->DiscardStaged(staged.sample.storage_path);
  if (staged.has_midi) storage_->DiscardStaged(MidiKeyForAudioKey(staged.sample.storage_path));
}

Status Lifecycle::ReleaseJob(const Job& job, const std::string& worker_id) {
  return store_->ReleaseJob(job.id, worker_id);
}

Status Lifecycle::FinishJob(const Job& job, const std::string& worker_id, bool succeeded,
                            const std::optional<std::string>& error) {
  return store_->FinishJob(job.id, worker_id, succeeded ? JobStatus::kCompleted : JobStatus::kFailed,
                           error, env_->NowMicros());
}

void Lifecycle::DiscardUnfinishedOutputs(const std::string& job_id) {
  storage_->DiscardAllStaged(JobAudioPrefix(job_id));
}

Status Lifecycle::RecoverInterruptedJobs(int64_t* requeued) {
  STUDIO_RETURN_IF_ERROR(store_->RequeueAllProcessing(requeued));
  int64_t runs = 0;  // training runs left running start again from the beginning
  STUDIO_RETURN_IF_ERROR(store_->RequeueAllRunning(&runs));
  std::vector<std::string> job_ids;
  if (storage_->List(kAudioRoot, &job_ids).ok()) {
    for (const auto& job_id : job_ids) DiscardUnfinishedOutputs(job_id);
  }
  return Status::Ok();
}

// ---- metrics ----

Status Lifecycle::GetMetricsCounters(MetricsCounters* out) { return store_->GetMetricsCounters(out); }

Status Lifecycle::ListFeedbackByAdapter(std::vector<AdapterFeedbackCount>* out) {
  return store_->ListFeedbackByAdapter(out);
}

}  // namespace studio
