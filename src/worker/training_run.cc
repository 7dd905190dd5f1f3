// A worker's half of a training run (SPEC section 8): read the dataset,
// train (training/trainer.h), and hand the outcome to the Lifecycle, which
// creates the learned adapter in the same transaction that completes the
// run. Part of WorkerPool (worker.h).
#include <spdlog/spdlog.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "domain/json_values.h"
#include "lifecycle/messages.h"
#include "training/trainer.h"
#include "worker/worker.h"

namespace studio {

namespace {

using json = nlohmann::json;

// The trainer's examples from a dataset's members: a member's rating is a
// rated example and its preference (chosen = audio_id, rejected =
// preferred_over) a pair, whatever the dataset's type: a supervised dataset
// takes rated records and a preference dataset compared ones, and a record
// that carries both teaches both ways. A member without style features
// still goes in: the trainer skips and counts it.
TrainingInput ToTrainingInput(const TrainingInputs& inputs) {
  TrainingInput in;
  in.base_config_json = inputs.base_config_json;
  for (const DatasetMember& m : inputs.members) {
    if (m.feedback.rating) {
      in.ratings.push_back({m.feedback.id, m.sample.audio_id, m.sample.style_json.value_or(""),
                            *m.feedback.rating});
    }
    if (m.rejected) {
      in.preferences.push_back({m.feedback.id, m.sample.style_json.value_or(""),
                                m.rejected->style_json.value_or("")});
    }
  }
  return in;
}

std::string MetricsJson(const TrainingReport& r) {
  json loss = json::array();
  for (const LossPoint& p : r.loss) loss.push_back({{"step", p.step}, {"value", p.value}});
  const json weights = StoredObjectOrEmpty(r.weights_json);
  return json{{"loss", loss},
              {"heldout_accuracy", r.heldout_accuracy},
              {"chance_accuracy", r.chance_accuracy},
              {"train_size", r.train_size},
              {"heldout_size", r.heldout_size},
              {"skipped_without_style", r.skipped_without_style},
              {"direction_found", r.direction_found},
              {"weights", weights}}
      .dump();
}

}  // namespace

void WorkerPool::ProcessRun(const std::string& worker_id, const TrainingRun& run) {
  using Clock = std::chrono::steady_clock;
  spdlog::info("{}: training run {}", worker_id, run.id);
  bool cancelled = false;
  auto log = [&](const std::string& line) {
    if (cancelled) return;
    Status s = lifecycle_->AppendRunLog(run, worker_id, line);
    if (s.IsCancelled()) cancelled = true;
    else if (!s.ok()) spdlog::warn("{}: cannot log for run {}: {}", worker_id, run.id, s.ToString());
  };
  log(std::string(run.started_at ? "Resumed" : "Started") + " by " + worker_id);

  RunOutcome outcome;
  auto finish = [&] {
    Status s = RetryWhileDatabaseAway([&] { return lifecycle_->FinishRun(run, worker_id, outcome); });
    if (s.IsCancelled()) return spdlog::info("{}: run {} was cancelled or deleted", worker_id, run.id);
    if (!s.ok()) return spdlog::warn("{}: cannot finish run {}: {}", worker_id, run.id, s.ToString());
    spdlog::info("{}: run {} {}", worker_id, run.id, outcome.succeeded ? "completed" : "failed");
  };
  auto fail = [&](const std::string& why) {
    log("Failed: " + why);
    outcome.succeeded = false;
    outcome.error = why;
    finish();
  };

  TrainingInputs inputs;
  Status s = RetryWhileDatabaseAway([&] { return lifecycle_->PrepareTraining(run, &inputs); });
  if (s.IsUnavailable()) return;  // the database is away: the lease runs out and the run is retried
  if (!s.ok()) return fail(UserFacing(s).message());
  TrainingOptions options;
  s = ParseTrainingOptions(run.config_json, &options);
  if (!s.ok()) return fail(s.message());
  const TrainingInput input = ToTrainingInput(inputs);
  log("Dataset \"" + inputs.dataset.name + "\" (" + DatasetTypeName(inputs.dataset.type) + "): " +
      std::to_string(inputs.members.size()) + " members");
  outcome.member_count = static_cast<int64_t>(inputs.members.size());

  auto last_report = Clock::now();
  auto progress = [&](double fraction) {
    if (stopping_ || cancelled) return false;
    const auto now = Clock::now();
    if (now - last_report < std::chrono::milliseconds(options_.progress_interval_ms)) return true;
    last_report = now;
    Status r = lifecycle_->ReportRunProgress(run, worker_id, fraction);
    if (r.IsCancelled()) cancelled = true;
    return !cancelled;
  };
  TrainingReport report;
  s = Train(input, options, log, progress, &report);
  if (cancelled) return spdlog::info("{}: run {} was cancelled or deleted", worker_id, run.id);
  if (stopping_) return;  // interrupted by shutdown: the run is claimed again when its lease runs out
  if (!s.ok()) return fail(s.message());

  outcome.succeeded = true;
  outcome.metrics_json = MetricsJson(report);
  if (!report.loss.empty()) outcome.final_loss = report.loss.back().value;
  outcome.explanation = report.explanation;
  outcome.data_hash = report.data_hash;
  // An adapter only for a config that differs from where training started.
  const bool learned = report.direction_found &&
                       json::parse(report.learned_config_json, nullptr, false) !=
                           json::parse(input.base_config_json, nullptr, false);
  if (learned) outcome.learned_config_json = report.learned_config_json;
  log(report.explanation);
  log(learned ? "Creating the learned adapter" : "No adapter created: nothing to change");
  if (cancelled) return;
  finish();
}

}  // namespace studio
