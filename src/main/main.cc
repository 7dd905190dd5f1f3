// studio: the Song Studio server.
//   studio serve    API + web UI + generation workers in one process
//   studio migrate  apply database migrations and exit
#include <signal.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <thread>

#include "engine/fluidsynth_engine.h"
#include "http/api.h"
#include "http/server.h"
#include "lifecycle/lifecycle.h"
#include "store/sqlite_store.h"
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

struct ServeConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;
  std::string data_dir = "./studio-data";
  int workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int io_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string soundfont;
  std::string admin_token;
  std::string web_dir;
  std::string log_level = "info";
};

bool IsLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::string DefaultWebDir() {
  namespace fs = std::filesystem;
  if (fs::exists(fs::path(STUDIO_DEFAULT_WEB_DIR) / "index.html")) return STUDIO_DEFAULT_WEB_DIR;
  return STUDIO_FALLBACK_WEB_DIR;
}

std::string DatabasePath(const std::string& data_dir) { return data_dir + "/studio.db"; }

int Serve(const ServeConfig& config) {
  if (!IsLoopback(config.host) && config.admin_token.empty()) {
    spdlog::critical("refusing to listen on {} without --admin-token: include_deleted would be open "
                     "to the network. Pass --admin-token T, or listen on 127.0.0.1.", config.host);
    return 2;
  }
  Env* env = Env::Default();
  std::string data_dir = std::filesystem::absolute(config.data_dir).lexically_normal().string();
  if (Status s = env->CreateDirs(data_dir + "/audio"); !s.ok()) {
    spdlog::critical("{}", s.ToString());
    return 1;
  }
  std::string soundfont = config.soundfont.empty() ? FindDefaultSoundFont() : config.soundfont;
  if (config.workers > 0 && soundfont.empty()) {
    spdlog::critical("no General MIDI SoundFont found; install fluid-soundfont-gm or pass --soundfont");
    return 1;
  }

  Status s;
  auto store = OpenSqliteStore({.path = DatabasePath(data_dir)}, &s);
  if (!store) {
    spdlog::critical("{}", s.ToString());
    return 1;
  }
  LifecycleOptions lifecycle_options{.data_dir = data_dir};
  if (!config.admin_token.empty()) lifecycle_options.admin_token = config.admin_token;
  Lifecycle lifecycle(store.get(), env, lifecycle_options);
  int64_t requeued = 0;
  if (s = lifecycle.RecoverInterruptedJobs(&requeued); !s.ok()) {
    spdlog::critical("recovery failed: {}", s.ToString());
    return 1;
  }
  if (requeued > 0) spdlog::info("requeued {} job(s) interrupted by the last shutdown", requeued);

  WorkerPool workers(
      &lifecycle,
      [&](Status* st) { return NewFluidSynthEngine(soundfont, st); },
      WorkerOptions{.threads = config.workers});
  lifecycle.SetJobQueuedListener([&] { workers.Notify(); });

  Api api(&lifecycle, ApiOptions{.version = STUDIO_VERSION});
  HttpServerOptions http_options;
  http_options.host = config.host;
  http_options.port = config.port;
  http_options.io_threads = config.io_threads;
  http_options.static_dir = config.web_dir.empty() ? DefaultWebDir() : config.web_dir;
  HttpServer server(http_options, [&](const HttpRequest& r) { return api.Handle(r); });
  if (s = server.Start(); !s.ok()) {
    spdlog::critical("{}", s.ToString());
    return 1;
  }
  if (s = workers.Start(); !s.ok()) {
    spdlog::critical("cannot start workers: {}", s.ToString());
    return 1;
  }

  // Signals are blocked in every thread (main() blocked them before any
  // thread started) and taken here, so shutdown runs outside a handler.
  std::thread signal_waiter([&] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    int sig = 0;
    sigwait(&set, &sig);
    spdlog::info("signal {}: shutting down", sig);
    server.Stop();
  });
  signal_waiter.detach();

  spdlog::info("Song Studio {} on http://{}:{}/ (data {}, {} worker(s), SoundFont {}, UI {})",
               STUDIO_VERSION, config.host, server.port(), data_dir, config.workers,
               soundfont.empty() ? "none" : soundfont, http_options.static_dir);
  server.Run();
  workers.Stop();
  spdlog::info("stopped");
  spdlog::default_logger()->flush();
  return 0;
}

int Migrate(const std::string& data_dir) {
  if (Status s = Env::Default()->CreateDirs(data_dir); !s.ok()) {
    spdlog::critical("{}", s.ToString());
    return 1;
  }
  int applied = 0;
  Status s = MigrateSqliteDatabase(DatabasePath(data_dir), &applied);
  if (!s.ok()) {
    spdlog::critical("{}", s.ToString());
    return 1;
  }
  spdlog::info("applied {} migration(s) to {}", applied, DatabasePath(data_dir));
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
  ServeConfig serve;
  auto* serve_cmd = app.add_subcommand("serve", "Run the API, the web UI and the generation workers");
  serve_cmd->add_option("--host", serve.host, "Address to listen on")->capture_default_str();
  serve_cmd->add_option("--port", serve.port, "Port to listen on")->capture_default_str();
  serve_cmd->add_option("--data-dir", serve.data_dir, "Database and audio files")->capture_default_str();
  serve_cmd->add_option("--workers", serve.workers, "Generation worker threads (0: none)")
      ->check(CLI::Range(0, 64))->capture_default_str();
  serve_cmd->add_option("--io-threads", serve.io_threads, "HTTP threads")
      ->check(CLI::Range(1, 64))->capture_default_str();
  serve_cmd->add_option("--soundfont", serve.soundfont, "General MIDI SoundFont (.sf2)");
  serve_cmd->add_option("--admin-token", serve.admin_token,
                        "Token required for include_deleted=true; required off loopback");
  serve_cmd->add_option("--web-dir", serve.web_dir, "Folder of the built web UI");
  serve_cmd->add_option("--log-level", serve.log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  std::string migrate_dir = "./studio-data";
  auto* migrate_cmd = app.add_subcommand("migrate", "Apply database migrations and exit");
  migrate_cmd->add_option("--data-dir", migrate_dir, "Database folder")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  SetUpLogging(serve.log_level);
  if (*serve_cmd) return Serve(serve);
  return Migrate(migrate_dir);
}
