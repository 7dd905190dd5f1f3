// studio: the Song Studio server.
//   studio serve    API + web UI + generation workers in one process
//   studio worker   generation workers only, on a shared PostgreSQL database
//   studio migrate  apply database migrations and exit
//
// The database is the embedded SQLite file <data-dir>/studio.db unless
// --db postgresql://... names a shared one (docs/DEPLOYMENT.md).
#include <signal.h>
#include <sys/resource.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unistd.h>

#include "engine/adapter_style.h"
#include "engine/fluidsynth_engine.h"
#include "http/api.h"
#include "http/server.h"
#include "lifecycle/lifecycle.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"
#include "store/storage_keys.h"
#include "training/trainer.h"
#include "util/env.h"
#include "worker/worker.h"

namespace {

using namespace studio;

// Writes log lines to stdout without flushing each one: spdlog's stdout
// sinks fflush per line, which cost a quarter of a small request's CPU with
// one access-log line per request. Flushed every second and on warnings.
class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::fwrite(formatted.data(), 1, formatted.size(), stdout);
  }
  void flush_() override { std::fflush(stdout); }
};

void SetUpLogging(const std::string& level) {
  auto logger = std::make_shared<spdlog::logger>("studio", std::make_shared<BufferedStdoutSink>());
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::warn);
  spdlog::flush_every(std::chrono::seconds(1));
}

int CoreCount() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

// Where the data lives; shared by every subcommand.
struct DataConfig {
  std::string data_dir = "./studio-data";
  std::string db;  // empty: SQLite in data_dir; else a postgresql:// URL
  bool shared() const { return !db.empty(); }
};

struct WorkerConfig {
  int workers = CoreCount();
  std::string soundfont;
  int lease_seconds = 30;
};

struct ServeConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;
  int io_threads = 0;  // 0: the default for the database (DefaultIoThreads)
  std::optional<std::string> admin_token;  // set when --admin-token was given
  std::string web_dir;
  std::vector<std::string> cors_origins;
  std::vector<std::string> allowed_hosts;
  size_t max_connections = 0;  // 0: from the descriptor limit
  int retention_days = 30;      // 0: no automatic purge
  int purge_interval_seconds = 3600;
  size_t job_list_cache = 256;  // GET /api/jobs answers kept; 0: none
};

// Off loopback the token is all that guards administrator reads, so it must
// be long enough not to be guessed.
constexpr size_t kMinNetworkTokenLength = 16;

bool IsLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

bool IsPostgresUrl(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

std::string DefaultWebDir() {
  namespace fs = std::filesystem;
  if (fs::exists(fs::path(STUDIO_DEFAULT_WEB_DIR) / "index.html")) return STUDIO_DEFAULT_WEB_DIR;
  return STUDIO_FALLBACK_WEB_DIR;
}

std::string DatabasePath(const std::string& data_dir) { return data_dir + "/studio.db"; }

std::string AbsoluteDir(const std::string& dir) {
  return std::filesystem::absolute(dir).lexically_normal().string();
}

// Opens (and migrates) the configured database; the SQLite file lives in
// `data_dir` (absolute). `connections` bounds the PostgreSQL pool: one per
// thread that may hold one at a time.
std::unique_ptr<Store> OpenStore(const DataConfig& data, const std::string& data_dir, int connections,
                                 Status* s) {
  if (!data.shared()) return OpenSqliteStore({.path = DatabasePath(data_dir)}, s);
  return OpenPostgresStore({.url = data.db, .pool_size = connections}, s);
}

// Blocks until SIGINT or SIGTERM (blocked in every thread by main()), then
// runs on_signal, outside any signal handler.
void OnShutdownSignal(std::function<void()> on_signal) {
  std::thread([on_signal = std::move(on_signal)] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    int sig = 0;
    sigwait(&set, &sig);
    spdlog::info("signal {}: shutting down", sig);
    on_signal();
  }).detach();
}

// The pieces every process that renders needs: the data dir, the store and
// the lifecycle, and (when workers > 0) the SoundFont. Returns an exit code
// when start-up failed, 0 otherwise.
struct Studio {
  std::string data_dir;
  std::string soundfont;
  std::unique_ptr<Store> store;
  std::unique_ptr<Lifecycle> lifecycle;

  Micros opened_at = 0;  // before any worker of this process wrote a file

  int Open(const DataConfig& data, const WorkerConfig& work, int connections,
           std::optional<std::string> admin_token, int retention_days = 0) {
    opened_at = Env::Default()->NowMicros();
    data_dir = AbsoluteDir(data.data_dir);
    if (Status s = Env::Default()->CreateDirs(data_dir + "/" + kAudioRoot); !s.ok()) {
      spdlog::critical("{}", s.ToString());
      return 1;
    }
    soundfont = work.soundfont.empty() ? FindDefaultSoundFont() : work.soundfont;
    if (work.workers > 0 && soundfont.empty()) {
      spdlog::critical("no General MIDI SoundFont found; install fluid-soundfont-gm or pass --soundfont");
      return 1;
    }
    Status s;
    store = OpenStore(data, data_dir, connections, &s);
    if (!store) {
      spdlog::critical("{}", s.ToString());
      return 1;
    }
    lifecycle = std::make_unique<Lifecycle>(
        store.get(), Env::Default(),
        LifecycleOptions{.data_dir = data_dir, .admin_token = admin_token,
                         .lease_seconds = work.lease_seconds,
                         .retention_days = retention_days,
                         .validate_adapter_config = [](const std::string& config_json) {
                           AdapterStyle style;  // the engine decides what a style config may say
                           return ParseAdapterStyle(config_json, &style);
                         },
                         .validate_training_config = [](const std::string& config_json) {
                           TrainingOptions options;  // and the trainer what a training config may say
                           return ParseTrainingOptions(config_json, &options);
                         }});
    // A shared database may have live workers in other processes: their
    // jobs come back through lease expiry, never through a blanket requeue.
    if (data.shared()) return 0;
    int64_t requeued = 0;
    if (s = lifecycle->RecoverInterruptedJobs(&requeued); !s.ok()) {
      spdlog::critical("recovery failed: {}", s.ToString());
      return 1;
    }
    if (requeued > 0) spdlog::info("requeued {} job(s) interrupted by the last shutdown", requeued);
    return 0;
  }

  // The start-up orphan sweep, in the background (it walks every file).
  // With a single-process database (SQLite) no other process writes files,
  // so every unreferenced file older than this process is an orphan; on a
  // shared database a worker of another process may be publishing one, so
  // only files older than two leases go.
  std::thread SweepOrphansInBackground(const DataConfig& data, const WorkerConfig& work) {
    const Micros before = data.shared() ? opened_at - 2LL * work.lease_seconds * 1'000'000 : opened_at;
    return std::thread([lc = lifecycle.get(), before] {
      PurgeResult swept;
      if (Status s = lc->SweepOrphans(before, /*dry_run=*/false, &swept); !s.ok()) {
        spdlog::warn("orphan sweep: {}", s.ToString());
      } else if (swept.files > 0) {
        spdlog::info("removed {} orphaned file(s), {} bytes", swept.files, swept.bytes_reclaimed);
      }
    });
  }

  std::unique_ptr<WorkerPool> NewWorkers(int threads) {
    // Worker ids name the host and process, so claims stay distinct across processes.
    char host[256] = "host";
    gethostname(host, sizeof(host) - 1);
    return std::make_unique<WorkerPool>(
        lifecycle.get(),
        [sf = soundfont](Status* st) { return NewFluidSynthEngine(sf, st); },
        WorkerOptions{.threads = threads,
                      .worker_id_prefix = std::string(host) + ":" + std::to_string(getpid())});
  }
};

// Runs the retention purge in the background: every process checks once
// per interval (or every 5 minutes, if sooner), and the store lets one of
// them run it per interval (Lifecycle::PurgeExpired).
class RetentionPurger {
 public:
  RetentionPurger(Lifecycle* lifecycle, int interval_seconds)
      : lifecycle_(lifecycle), interval_(std::chrono::seconds(interval_seconds)) {}
  ~RetentionPurger() { Stop(); }

  void Start() {
    thread_ = std::thread([this] { Loop(); });
  }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop() {
    const auto check_every = std::min<std::chrono::seconds>(interval_, std::chrono::seconds(300));
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      lock.unlock();
      bool ran = false;
      PurgeResult r;
      const Micros interval = std::chrono::duration_cast<std::chrono::microseconds>(interval_).count();
      if (Status s = lifecycle_->PurgeExpired(interval, &ran, &r); !s.ok()) {
        spdlog::warn("retention purge: {}", s.ToString());
      } else if (ran && (r.jobs > 0 || r.adapters > 0 || r.files > 0)) {
        spdlog::info("retention purge: {} job(s), {} adapter(s), {} file(s), {} bytes", r.jobs,
                     r.adapters, r.files, r.bytes_reclaimed);
      }
      lock.lock();
      cv_.wait_for(lock, check_every, [this] { return stopping_; });
    }
  }

  Lifecycle* const lifecycle_;
  const std::chrono::seconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

// One HTTP thread per core keeps the cores busy when a request runs its
// queries in-process (SQLite). With PostgreSQL each handler waits for a
// round trip to another process, so twice as many threads keep the cores
// busy meanwhile (bench: GET /api/jobs/{id} +20-60 % from 2 to 4 threads on
// 2 cores, no further gain at 6 or 12; docs/BENCHMARKS.md).
int DefaultIoThreads(const DataConfig& data) { return data.shared() ? 2 * CoreCount() : CoreCount(); }

// Raises the soft limit on open descriptors to the hard limit (the default
// soft limit, often 1,024, is what a few thousand idle clients exhaust) and
// returns it.
rlim_t RaiseDescriptorLimit() {
  struct rlimit lim;
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 1024;
  if (lim.rlim_cur < lim.rlim_max) {
    struct rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  return lim.rlim_cur;
}

// Connections the descriptor limit leaves room for, after the descriptors
// the rest of the process needs: database files or connections per thread,
// audio files being written and read, the SoundFont, logs.
size_t DefaultMaxConnections(rlim_t limit, int io_threads, int workers) {
  const rlim_t reserve = 64 + 8 * static_cast<rlim_t>(io_threads + workers);
  if (limit == RLIM_INFINITY) return 65536;
  if (limit <= reserve + 16) return 16;
  return static_cast<size_t>(std::min<rlim_t>(limit - reserve, 1 << 20));
}

// Returns an error message for a token that must be refused, else "".
std::string CheckAdminToken(const std::optional<std::string>& token, bool loopback) {
  if (!token) return "";
  bool blank = token->find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank) return "--admin-token must not be empty or blank";
  if (!loopback && token->size() < kMinNetworkTokenLength) {
    return "--admin-token must have at least " + std::to_string(kMinNetworkTokenLength) +
           " characters when listening off loopback";
  }
  return "";
}

int Serve(const DataConfig& data, const WorkerConfig& work, ServeConfig config) {
  if (config.io_threads == 0) config.io_threads = DefaultIoThreads(data);
  const bool loopback = IsLoopback(config.host);
  if (std::string why = CheckAdminToken(config.admin_token, loopback); !why.empty()) {
    spdlog::critical("{}", why);
    return 2;
  }
  if (!loopback && !config.admin_token) {
    spdlog::critical("refusing to listen on {} without --admin-token: include_deleted would be open "
                     "to the network. Pass --admin-token T, or listen on 127.0.0.1.", config.host);
    return 2;
  }
  RequestPolicyOptions policy{.listen_host = config.host,
                              .allowed_hosts = config.allowed_hosts,
                              .cors_origins = config.cors_origins,
                              .wildcard_writes = config.admin_token.has_value()};
  if (std::string why = RequestPolicy::Validate(policy); !why.empty()) {
    spdlog::critical("{}", why);
    return 2;
  }
  if (RequestPolicy::AllowsAnyOrigin(policy) && !config.admin_token) {
    spdlog::warn("--cors-origin '*' without --admin-token: any web site may read the API; "
                 "cross-site writes stay refused");
  }
  const rlim_t descriptors = RaiseDescriptorLimit();
  if (config.max_connections == 0) {
    config.max_connections = DefaultMaxConnections(descriptors, config.io_threads, work.workers);
  }
  Studio studio;
  // One connection per HTTP thread and per worker thread, and one spare.
  if (int rc = studio.Open(data, work, config.io_threads + work.workers + 2, config.admin_token,
                           config.retention_days)) {
    return rc;
  }

  auto workers = studio.NewWorkers(work.workers);
  studio.lifecycle->SetJobQueuedListener([&] { workers->Notify(); });

  HttpServerOptions http_options;
  http_options.host = config.host;
  http_options.port = config.port;
  http_options.io_threads = config.io_threads;
  http_options.static_dir = config.web_dir.empty() ? DefaultWebDir() : config.web_dir;
  http_options.policy = policy;
  http_options.max_connections = config.max_connections;
  Api api(studio.lifecycle.get(), studio.store.get(),
          ApiOptions{.version = STUDIO_VERSION,
                     .database_kind = data.shared() ? "postgresql" : "sqlite",
                     .docs_html_path = http_options.static_dir + "/docs.html",
                     .purge_interval_seconds = config.purge_interval_seconds,
                     .job_list_cache_entries = config.job_list_cache});
  http_options.api_methods = [&api](const std::string& path) {
    return std::string(api.routes().AllowedMethods(path));
  };
  HttpServer server(http_options, [&](const HttpRequest& r) { return api.Handle(r); });
  if (Status s = server.Start(); !s.ok()) {
    spdlog::critical("{}", s.ToString());
    return 1;
  }
  if (Status s = workers->Start(); !s.ok()) {
    spdlog::critical("cannot start workers: {}", s.ToString());
    return 1;
  }
  std::thread sweeper = studio.SweepOrphansInBackground(data, work);
  RetentionPurger purger(studio.lifecycle.get(), config.purge_interval_seconds);
  if (config.retention_days > 0) purger.Start();
  OnShutdownSignal([&server] { server.Stop(); });

  spdlog::info("Song Studio {} on http://{}:{}/ (data {}, database {}, {} worker(s), SoundFont {}, UI {}, "
               "at most {} connections)",
               STUDIO_VERSION, config.host, server.port(), studio.data_dir,
               data.shared() ? "postgresql" : "sqlite", work.workers,
               studio.soundfont.empty() ? "none" : studio.soundfont, http_options.static_dir,
               config.max_connections);
  server.Run();
  sweeper.join();
  purger.Stop();
  workers->Stop();
  spdlog::info("stopped");
  spdlog::default_logger()->flush();
  return 0;
}

int Work(const DataConfig& data, const WorkerConfig& work) {
  if (!data.shared()) {
    spdlog::critical("`studio worker` needs a database shared with the API: pass --db postgresql://... "
                     "(with the embedded SQLite, `studio serve` runs the workers itself)");
    return 2;
  }
  if (work.workers < 1) {
    spdlog::critical("--workers must be at least 1 for `studio worker`");
    return 2;
  }
  Studio studio;
  if (int rc = studio.Open(data, work, work.workers + 1, std::nullopt)) return rc;
  auto workers = studio.NewWorkers(work.workers);
  if (Status s = workers->Start(); !s.ok()) {
    spdlog::critical("cannot start workers: {}", s.ToString());
    return 1;
  }
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  OnShutdownSignal([&] {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
    cv.notify_all();
  });
  spdlog::info("Song Studio {} worker: {} thread(s), data {}, SoundFont {}", STUDIO_VERSION,
               work.workers, studio.data_dir, studio.soundfont);
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return stop; });
  }
  workers->Stop();
  spdlog::info("stopped");
  spdlog::default_logger()->flush();
  return 0;
}

int Migrate(const DataConfig& data) {
  int applied = 0;
  Status s;
  std::string where;
  if (data.shared()) {
    where = "the PostgreSQL database";
    s = MigratePostgresDatabase(data.db, &applied);
  } else {
    const std::string dir = AbsoluteDir(data.data_dir);
    where = DatabasePath(dir);
    s = Env::Default()->CreateDirs(dir);
    if (s.ok()) s = MigrateSqliteDatabase(where, &applied);
  }
  if (!s.ok()) {
    spdlog::critical("{}", s.ToString());
    return 1;
  }
  spdlog::info("applied {} migration(s) to {}", applied, where);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  CLI::App app{"Song Studio: a human-in-the-loop text-to-music studio"};
  app.require_subcommand(1);
  DataConfig data;
  WorkerConfig work;
  ServeConfig serve;
  std::string log_level = "info";

  auto add_data_options = [&](CLI::App* cmd) {
    cmd->add_option("--data-dir", data.data_dir, "Audio and adapter files (and the SQLite database)")
        ->capture_default_str();
    cmd->add_option("--db", data.db, "A shared database, postgresql://user@host:port/db (default: SQLite in --data-dir)")
        ->check([](const std::string& v) {
          return IsPostgresUrl(v) ? std::string() : std::string("--db must be a postgresql:// URL");
        });
    cmd->add_option("--log-level", log_level, "trace, debug, info, warn, error")->capture_default_str();
  };
  auto add_worker_options = [&](CLI::App* cmd, const char* threads_help) {
    cmd->add_option("--workers", work.workers, threads_help)->check(CLI::Range(0, 64))->capture_default_str();
    cmd->add_option("--soundfont", work.soundfont, "General MIDI SoundFont (.sf2)");
    cmd->add_option("--lease-seconds", work.lease_seconds,
                    "How long a worker's claim on a job lasts without a heartbeat")
        ->check(CLI::Range(1, 3600))->capture_default_str();
  };

  auto* serve_cmd = app.add_subcommand("serve", "Run the API, the web UI and the generation workers");
  add_data_options(serve_cmd);
  add_worker_options(serve_cmd, "Generation worker threads (0: API only)");
  serve_cmd->add_option("--host", serve.host, "Address to listen on")->capture_default_str();
  serve_cmd->add_option("--port", serve.port, "Port to listen on")->capture_default_str();
  serve_cmd->add_option("--io-threads", serve.io_threads,
                        "HTTP threads (default: cores with SQLite, 2 x cores with --db)")
      ->check(CLI::Range(1, 64));
  serve_cmd->add_option("--admin-token", serve.admin_token,
                        "Token required for include_deleted=true; required off loopback (16+ characters)");
  serve_cmd->add_option("--cors-origin", serve.cors_origins,
                        "An origin (scheme://host[:port]) whose pages may call the API; repeatable. "
                        "'*': any origin, for reads only unless --admin-token is set");
  serve_cmd->add_option("--allowed-host", serve.allowed_hosts,
                        "A host name the Host header may carry besides the listening address and "
                        "localhost (e.g. the name a proxy forwards); repeatable");
  serve_cmd->add_option("--max-connections", serve.max_connections,
                        "Open connections at most (default: what the descriptor limit leaves room for)");
  serve_cmd->add_option("--web-dir", serve.web_dir, "Folder of the built web UI");
  serve_cmd->add_option("--retention-days", serve.retention_days,
                        "Purge what has been in the trash longer than this (0: never automatically)")
      ->check(CLI::Range(0, 36500))->capture_default_str();
  serve_cmd->add_option("--purge-interval", serve.purge_interval_seconds,
                        "Seconds between automatic purges (across all processes)")
      ->check(CLI::Range(1, 30 * 86400))->capture_default_str();
  serve_cmd->add_option("--job-list-cache", serve.job_list_cache,
                        "GET /api/jobs answers kept in memory, distinct queries (0: none)")
      ->check(CLI::Range(0, 100000))->capture_default_str();

  auto* worker_cmd = app.add_subcommand("worker", "Run generation workers only, on a shared --db");
  add_data_options(worker_cmd);
  add_worker_options(worker_cmd, "Generation worker threads");

  auto* migrate_cmd = app.add_subcommand("migrate", "Apply database migrations and exit");
  add_data_options(migrate_cmd);
  CLI11_PARSE(app, argc, argv);

  SetUpLogging(log_level);
  if (*serve_cmd) return Serve(data, work, serve);
  if (*worker_cmd) return Work(data, work);
  return Migrate(data);
}
