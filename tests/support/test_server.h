// TestServer: runs the real `studio serve` binary as a child process for
// black-box tests, on a fresh temporary data dir and a free loopback port,
// and offers the scenario helpers that many tests share (create a prompt,
// submit a job and wait for it, add feedback, inspect the audio folder and
// the database).
//
// Lifecycle: Start() creates the data dir (once), spawns
//   STUDIO_BINARY serve --host 127.0.0.1 --port P --data-dir D
//                 --soundfont STUDIO_TEST_SOUNDFONT --workers W
//                 [--admin-token T] [--db URL --lease-seconds L] [extra args]
// On the PostgreSQL backend (support/test_backend.h) the server gets a
// fresh database of its own (created once, kept across Restart, dropped by
// the destructor) unless options.db_url names one.
// with stdout/stderr going to D/server.log, and waits until GET /api/health
// answers 200. Stop() sends SIGTERM (SIGKILL after 5 s); Kill() sends SIGKILL
// at once, as a crash would; Restart() starts again on the same data dir.
// The destructor stops the server and removes the data dir (kept when the
// environment variable STUDIO_TEST_KEEP_DATA is set, for post-mortems).
// The environment variable STUDIO_TEST_BINARY, when set, names another
// studio binary to test instead (a sanitizer or a deliberately broken build).
//
// Failures of the helpers are reported with ADD_FAILURE (non-fatal) and an
// empty / null result, so a test can ASSERT on the result and still get a
// message that says which request failed and what the server answered.
//
// Thread-safety: Start/Stop/Kill/Restart and the destructor must be called
// from one thread, with no helper call running. Every other method may be
// called from many threads at once (requests go through HttpClient, which
// opens one connection per call).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/http_client.h"
#include "support/pg_test_database.h"
#include "support/test_backend.h"

namespace studio::testing {

struct TestServerOptions {
  int workers = 1;
  std::optional<std::string> admin_token;  // --admin-token when set
  std::vector<std::string> extra_args;     // appended to the command line
  // The small TimGM6mb renders fastest; FluidR3_GM is slower, for tests that
  // need a render to last long enough to act on it mid-way.
  std::string soundfont = STUDIO_TEST_SOUNDFONT;
  std::chrono::seconds start_timeout{20};  // until /api/health answers 200
  // Use this existing folder as the data dir (kept at the end); empty means
  // a fresh temporary folder, removed by the destructor.
  std::string data_dir;
  // --db for the server; empty means the backend's default (see above).
  std::string db_url;
  // --lease-seconds on PostgreSQL: short, so that a job of a killed server
  // is claimed again within a test's patience.
  int lease_seconds = 4;
  // When > 0, the server runs with this soft and hard limit on open
  // descriptors (through prlimit), as a small machine would give it.
  int descriptor_limit = 0;
};

class TestServer {
 public:
  explicit TestServer(TestServerOptions options = {});
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;
  // Stops the server if running and removes the data dir.
  ~TestServer();

  // Spawns the server and waits for health. On failure the result's message
  // carries the server log, and the process (if any) is killed.
  ::testing::AssertionResult Start();
  // SIGTERM, then SIGKILL after 5 s. Returns the exit status as waitpid gave
  // it (or -1 when nothing was running).
  int Stop();
  // SIGKILL now, as a crash would, and reaps the process.
  void Kill();
  // Stop() then Start() on the same data dir and a new port.
  ::testing::AssertionResult Restart();
  bool running() const { return pid_ > 0; }

  const std::string& data_dir() const { return data_dir_; }
  // The --db URL the server runs on; empty on SQLite. Known after Start().
  const std::string& db_url() const { return db_url_; }
  std::string log_path() const { return data_dir_ + "/server.log"; }
  std::string ReadLog() const;
  uint16_t port() const { return port_; }
  std::string base_url() const;  // "http://127.0.0.1:P"
  // REQUIRES: Start() succeeded (the port is known).
  const HttpClient& client() const { return *client_; }
  const TestServerOptions& options() const { return options_; }

  // "Authorization: Bearer T" when an admin token is configured, else none.
  Headers AdminHeaders() const;

  // ---- Scenario helpers (ADD_FAILURE on an unexpected answer) ----

  // POST /api/prompts; returns the new id, or "" on failure.
  std::string CreatePrompt(const std::string& text, const Json& attributes = Json::object());
  // POST /api/generate with `body`; returns the 201 job object, or null.
  Json Generate(const Json& body);
  // Creates a prompt and submits a job for it: num_samples samples of
  // `duration` seconds, merged with `extra` (seed, adapter_id, ...).
  Json SubmitJob(int num_samples, int duration, const Json& extra = Json::object(),
                 const std::string& prompt_text = "calm lofi piano with soft drums");
  // Polls GET /api/generate/{id} until its status is one of `statuses`.
  // Returns the last status object; ADD_FAILURE and the last answer on
  // timeout (or null when the job is not found).
  Json WaitForJob(const std::string& job_id, const std::set<std::string>& statuses,
                  std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Polls until the job is processing with progress > 0 or has some
  // finished sample; returns false on timeout or when it ended first.
  bool WaitUntilRendering(const std::string& job_id,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Watches a processing job's progress until it has moved twice and
  // returns an estimate of the seconds its rendering still needs (from the
  // observed rate), or a negative value when the job ended or never moved.
  double EstimateSecondsLeft(const std::string& job_id,
                             std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Submits a job and waits for it to complete; returns GET /api/jobs/{id}.
  Json RunCompletedJob(int num_samples, int duration, const Json& extra = Json::object());
  // GET /api/jobs/{id}?include_deleted=true (with admin headers); null on failure.
  Json GetJobIncludingDeleted(const std::string& job_id);
  // POST /api/adapters {name, config, ...extra}; returns the adapter or null.
  Json CreateAdapter(const std::string& name, const Json& config = Json::object(),
                     const Json& extra = Json::object());
  // POST /api/feedback; returns the 201 feedback object, or null.
  Json AddFeedback(const Json& body);
  // A name no other test in this process uses: prefix + counter + random.
  static std::string UniqueName(const std::string& prefix);

  // Counters that any write would change: /jobs/stats, /adapters/stats,
  // /feedback/summary, prompt total, and the include_deleted totals of
  // jobs and adapters. Compare two snapshots to prove nothing changed.
  Json Snapshot();

  // ---- Looking behind the API ----

  // Names of the entries of DATA_DIR/audio/<job_id> (empty when missing).
  std::vector<std::string> AudioFilesOfJob(const std::string& job_id) const;
  // Paths (relative to the data dir) of every "*.tmp" file under it.
  std::vector<std::string> TmpFiles() const;
  // The job's audio storage agrees with its rows: every audio_samples row of
  // the job has its file DATA_DIR/audio/<job_id>/<audio_id>.wav, every file
  // in that folder belongs to a row, and no "*.tmp" file is left there.
  // *row_ids (optional) receives the ids of the job's rows.
  ::testing::AssertionResult AudioStorageConsistent(const std::string& job_id,
                                                    std::vector<std::string>* row_ids = nullptr);
  // Runs a read-only query on the server's database (DATA_DIR/studio.db or
  // its PostgreSQL database); each row as text columns (NULL as "<null>").
  // On error returns nullopt and sets *error.
  std::optional<std::vector<std::vector<std::string>>> QueryDb(const std::string& sql,
                                                               std::string* error) const;

 private:
  ::testing::AssertionResult SpawnAndWait();

  TestServerOptions options_;
  std::string data_dir_;
  std::unique_ptr<PgTestDatabase> pg_database_;  // when this server made its own
  std::string db_url_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::unique_ptr<HttpClient> client_;
};

// Base fixture for a suite that shares one server across its tests (tests
// then use distinct prompts and adapters so they do not see each other's
// data). A suite picks its options by defining, in the derived class,
//   static TestServerOptions ServerOptions() { ... }
// Usage: class JobDeleteTest : public SharedServerTest<JobDeleteTest> {};
template <typename Suite>
class SharedServerTest : public ::testing::Test {
 public:
  static TestServerOptions ServerOptions() { return {}; }

 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<TestServer>(Suite::ServerOptions());
    ::testing::AssertionResult started = server_->Start();
    start_error_ = started ? "" : started.message();
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override {
    ASSERT_TRUE(server_ && server_->running()) << "studio did not start: " << start_error_;
  }
  static TestServer& server() { return *server_; }
  static const HttpClient& api() { return server_->client(); }
  // GET that must answer 200; returns the parsed body.
  static Json Get(const std::string& target) {
    HttpResult r = api().Get(target);
    EXPECT_EQ(r.status, 200) << "GET " << target << " -> " << r.Describe();
    return r.json();
  }

 private:
  static inline std::unique_ptr<TestServer> server_;
  static inline std::string start_error_;
};

// A `studio worker` process (generation only, no HTTP) on a shared
// PostgreSQL database and data dir, for the multi-process tests. Its log is
// DATA_DIR/worker-<n>.log. Same stop conventions and thread-safety as
// TestServer; the destructor stops it.
class TestWorker {
 public:
  TestWorker(std::string db_url, std::string data_dir, int threads = 1,
             std::string soundfont = STUDIO_TEST_SOUNDFONT, int lease_seconds = 4);
  TestWorker(const TestWorker&) = delete;
  TestWorker& operator=(const TestWorker&) = delete;
  ~TestWorker();

  // Spawns the worker and waits until it logs that it started.
  ::testing::AssertionResult Start();
  int Stop();   // SIGTERM, then SIGKILL after 5 s
  void Kill();  // SIGKILL now, as a crash would
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }
  std::string ReadLog() const;
  // User + system CPU seconds the process has used so far (from /proc).
  double CpuSeconds() const;

 private:
  std::string db_url_, data_dir_, soundfont_, log_path_;
  int threads_, lease_seconds_;
  pid_t pid_ = -1;
};

// The result of running the studio binary to its end.
struct CommandResult {
  int exit_code = -1;    // -1 when killed by a signal or timed out
  bool timed_out = false;
  std::string output;    // stdout and stderr together
};

// Runs STUDIO_BINARY with `args` (not including the program name), waits up
// to `timeout`, and kills it if it has not exited by then.
CommandResult RunStudio(const std::vector<std::string>& args,
                        std::chrono::milliseconds timeout = std::chrono::seconds(15));

// A free TCP port on 127.0.0.1 (bound to 0, read, closed). Another process
// may take it before it is used; TestServer retries with a new one.
uint16_t PickFreePort();

// A fresh directory under $TMPDIR (or /tmp). Returns "" on failure.
std::string MakeTempDir(const std::string& prefix);

}  // namespace studio::testing
