// WorkerPool: the generation workers, which also train (SPEC section 8:
// a training run is claimed from its own queue when no job is waiting). The queue is the jobs table: each
// worker thread claims the oldest queued job through the Lifecycle, renders
// its missing samples one by one with its own Engine, and publishes
// progress between render blocks. Each progress report doubles as the
// cancellation check, so a cancel or delete from any process stops the
// render within one report interval; the sample in flight is then discarded.
//
// Thread-safety: Start, Notify and Stop may be called from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.h"
#include "lifecycle/lifecycle.h"
#include "util/mutex.h"

namespace studio {

// Makes one Engine per worker thread (the SoundFont is loaded once each).
using EngineFactory = std::function<std::unique_ptr<Engine>(Status* status)>;

struct WorkerOptions {
  int threads = 1;
  std::string worker_id_prefix = "worker";  // + "-<n>"; unique per process
  int idle_poll_ms = 500;        // how often an idle worker looks for work unprompted
  int progress_interval_ms = 100;  // progress report / cancellation check period
};

class WorkerPool {
 public:
  // REQUIRES: lifecycle outlives the pool.
  WorkerPool(Lifecycle* lifecycle, EngineFactory engine_factory, WorkerOptions options);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool();  // calls Stop()

  // Creates the engines (failing fast on a bad SoundFont) and starts the threads.
  Status Start();
  // Wakes an idle worker: a job was queued.
  void Notify();
  // Stops the threads; a render in flight is abandoned and its job handed
  // back to the queue (finished samples stay), so another worker takes it
  // at once. A worker killed instead leaves the job to lease expiry (or, on
  // SQLite, to RecoverInterruptedJobs at the next start).
  void Stop();

 private:
  void Run(int index, std::unique_ptr<Engine> engine);
  void ProcessJob(Engine* engine, const std::string& worker_id, const Job& job);
  // Trains a claimed run and finishes it (worker/training_run.cc).
  void ProcessRun(const std::string& worker_id, const TrainingRun& run);
  // Runs `write` again while it fails with Unavailable (the database is
  // restarting), until the job's lease would have expired.
  Status RetryWhileDatabaseAway(const std::function<Status()>& write);

  Lifecycle* const lifecycle_;
  const EngineFactory engine_factory_;
  const WorkerOptions options_;
  std::atomic<bool> stopping_{false};
  Mutex mu_;
  CondVar wake_;
  uint64_t wake_count_ GUARDED_BY(mu_) = 0;
  std::vector<std::thread> threads_;
};

}  // namespace studio
