#include "support/test_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "store/storage_keys.h"
#include "util/uuid.h"

namespace studio::testing {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

// Spawns `argv` with stdout and stderr appended to `log_path`. Returns the
// child's pid or -1. Everything the child needs is prepared before fork():
// between fork and exec only async-signal-safe calls are made.
pid_t Spawn(const std::vector<std::string>& args, const std::string& log_path) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return -1;
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_t pid = ::fork();
  if (pid == 0) {
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    const char msg[] = "test_server: execv failed\n";
    ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    ::_exit(127);
  }
  ::close(log_fd);
  if (null_fd >= 0) ::close(null_fd);
  return pid;
}

// Waits up to `timeout` for `pid` to exit. Returns true and sets *status
// when it did.
bool WaitForExit(pid_t pid, std::chrono::milliseconds timeout, int* status) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    pid_t r = ::waitpid(pid, status, WNOHANG);
    if (r == pid) return true;
    if (r < 0) {  // not our child any more (already reaped)
      *status = -1;
      return true;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
}

// SIGTERM, then SIGKILL after 5 s; reaps the child and clears *pid.
// Returns the exit status as waitpid gave it, or -1 when nothing ran.
int TerminateChild(pid_t* pid, const char* what) {
  if (*pid <= 0) return -1;
  int status = 0;
  ::kill(*pid, SIGTERM);
  if (!WaitForExit(*pid, 5s, &status)) {
    ADD_FAILURE() << what << " did not exit within 5 s of SIGTERM; killing it";
    ::kill(*pid, SIGKILL);
    WaitForExit(*pid, 5s, &status);
  }
  *pid = -1;
  return status;
}

// SIGKILL now, as a crash would; reaps the child and clears *pid.
void KillChild(pid_t* pid) {
  if (*pid <= 0) return;
  int status = 0;
  ::kill(*pid, SIGKILL);
  WaitForExit(*pid, 10s, &status);
  *pid = -1;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Tail(const std::string& text, size_t max_chars) {
  return text.size() <= max_chars ? text : "..." + text.substr(text.size() - max_chars);
}

// The binary under test: $STUDIO_TEST_BINARY when set (a sanitizer or
// mutant build, say), else the build's own studio.
std::string StudioBinary() {
  const char* override_path = std::getenv("STUDIO_TEST_BINARY");
  return override_path && *override_path ? override_path : STUDIO_BINARY;
}

}  // namespace

uint16_t PickFreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port = ntohs(addr.sin_port);
    }
  }
  ::close(fd);
  return port;
}

std::string MakeTempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + "XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) return "";
  return std::string(buf.data());
}

CommandResult RunStudio(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  CommandResult result;
  std::string dir = MakeTempDir("studio-cmd-");
  if (dir.empty()) {
    result.output = "cannot create temp dir";
    return result;
  }
  std::string log = dir + "/output.log";
  std::vector<std::string> argv{StudioBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = Spawn(argv, log);
  if (pid < 0) {
    result.output = "cannot spawn " + StudioBinary();
  } else {
    int status = 0;
    if (!WaitForExit(pid, timeout, &status)) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      WaitForExit(pid, 5s, &status);
    } else if (status >= 0 && WIFEXITED(status)) {
      result.exit_code = WEXITSTATUS(status);
    }
    result.output = ReadWholeFile(log);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return result;
}

// ---------------------------------------------------------------------------

TestServer::TestServer(TestServerOptions options)
    : options_(std::move(options)), data_dir_(options_.data_dir) {}

TestServer::~TestServer() {
  if (running()) Stop();
  if (!data_dir_.empty() && options_.data_dir.empty() &&
      std::getenv("STUDIO_TEST_KEEP_DATA") == nullptr) {
    std::error_code ec;
    fs::remove_all(data_dir_, ec);
  }
}

::testing::AssertionResult TestServer::Start() {
  if (running()) return ::testing::AssertionSuccess();
  if (data_dir_.empty()) {
    data_dir_ = MakeTempDir("studio-test-");
    if (data_dir_.empty()) {
      return ::testing::AssertionFailure() << "mkdtemp failed: " << std::strerror(errno);
    }
  }
  if (db_url_.empty()) db_url_ = options_.db_url;
  if (db_url_.empty() && OnPostgres()) {
    Status s;
    pg_database_ = PgTestDatabase::Create(&s);
    if (!pg_database_) return ::testing::AssertionFailure() << "test database: " << s.ToString();
    db_url_ = pg_database_->url();
  }
  // The port is picked, released and then bound by the server: another
  // process may grab it in between, so a failed start is retried.
  ::testing::AssertionResult last = ::testing::AssertionFailure();
  for (int attempt = 0; attempt < 3; ++attempt) {
    last = SpawnAndWait();
    if (last) return last;
  }
  return last;
}

::testing::AssertionResult TestServer::SpawnAndWait() {
  port_ = PickFreePort();
  if (port_ == 0) return ::testing::AssertionFailure() << "no free port";
  client_ = std::make_unique<HttpClient>("127.0.0.1", port_);
  std::vector<std::string> argv{StudioBinary(),
                                "serve",
                                "--host",
                                "127.0.0.1",
                                "--port",
                                std::to_string(port_),
                                "--data-dir",
                                data_dir_,
                                "--soundfont",
                                options_.soundfont,
                                "--workers",
                                std::to_string(options_.workers)};
  if (options_.admin_token) {
    argv.push_back("--admin-token");
    argv.push_back(*options_.admin_token);
  }
  if (!db_url_.empty()) {
    argv.insert(argv.end(), {"--db", db_url_, "--lease-seconds", std::to_string(options_.lease_seconds)});
  }
  argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  if (options_.descriptor_limit > 0) {
    // prlimit execs the server in its own process, so pid_ stays the server's.
    const std::string n = std::to_string(options_.descriptor_limit);
    argv.insert(argv.begin(), {"/usr/bin/prlimit", "--nofile=" + n + ":" + n, "--"});
  }
  {
    std::ofstream log(log_path(), std::ios::app);
    log << "---- test_server: starting on port " << port_ << "\n";
  }
  pid_ = Spawn(argv, log_path());
  if (pid_ < 0) {
    return ::testing::AssertionFailure() << "cannot spawn " << StudioBinary() << ": "
                                         << std::strerror(errno);
  }
  HttpClient quick("127.0.0.1", port_, 2s);
  auto deadline = Clock::now() + options_.start_timeout;
  std::string last;
  while (Clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return ::testing::AssertionFailure()
             << "studio exited during start-up (status " << status << "); log:\n"
             << Tail(ReadLog(), 6000);
    }
    HttpResult r = quick.Get("/api/health");
    if (r.status == 200) return ::testing::AssertionSuccess();
    last = r.Describe();
    std::this_thread::sleep_for(50ms);
  }
  Kill();
  return ::testing::AssertionFailure() << "GET /api/health did not answer 200 within "
                                       << options_.start_timeout.count() << " s (last: " << last
                                       << "); log:\n"
                                       << Tail(ReadLog(), 6000);
}

int TestServer::Stop() { return TerminateChild(&pid_, "studio"); }

void TestServer::Kill() { KillChild(&pid_); }

::testing::AssertionResult TestServer::Restart() {
  Stop();
  return Start();
}

std::string TestServer::ReadLog() const { return ReadWholeFile(log_path()); }

std::string TestServer::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

Headers TestServer::AdminHeaders() const {
  if (!options_.admin_token) return {};
  return {{"Authorization", "Bearer " + *options_.admin_token}};
}

// ---- Scenario helpers -------------------------------------------------------

std::string TestServer::CreatePrompt(const std::string& text, const Json& attributes) {
  Json body{{"text", text}};
  if (!attributes.empty()) body["attributes"] = attributes;
  HttpResult r = client().Post("/api/prompts", body);
  Json j = r.json();
  if (r.status != 201 || !j.is_object() || !j.contains("id") || !j["id"].is_string()) {
    ADD_FAILURE() << "POST /api/prompts " << body.dump() << " -> " << r.Describe();
    return "";
  }
  return j["id"].get<std::string>();
}

Json TestServer::Generate(const Json& body) {
  HttpResult r = client().Post("/api/generate", body);
  Json j = r.json();
  if (r.status != 201 || !j.is_object() || !j.contains("id")) {
    ADD_FAILURE() << "POST /api/generate " << body.dump() << " -> " << r.Describe();
    return Json();
  }
  return j;
}

Json TestServer::SubmitJob(int num_samples, int duration, const Json& extra,
                           const std::string& prompt_text) {
  std::string prompt_id = CreatePrompt(prompt_text, Json{{"tempo", 96}});
  if (prompt_id.empty()) return Json();
  Json body{{"prompt_id", prompt_id}, {"num_samples", num_samples}, {"duration", duration}};
  body.update(extra);
  return Generate(body);
}

Json TestServer::WaitForJob(const std::string& job_id, const std::set<std::string>& statuses,
                            std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  Json last;
  std::string last_text;
  while (true) {
    HttpResult r = client().Get("/api/generate/" + job_id);
    last_text = r.Describe();
    if (r.status == 404) {
      ADD_FAILURE() << "waiting for job " << job_id << ": GET /api/generate/" << job_id
                    << " -> " << last_text;
      return Json();
    }
    last = r.json();
    if (r.status == 200 && last.is_object() && last.contains("status") &&
        last["status"].is_string() && statuses.count(last["status"].get<std::string>())) {
      return last;
    }
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(40ms);
  }
  std::string wanted;
  for (const auto& s : statuses) wanted += s + " ";
  ADD_FAILURE() << "job " << job_id << " did not reach {" << wanted << "} within "
                << timeout.count() << " ms; last: " << last_text;
  return last;
}

bool TestServer::WaitUntilRendering(const std::string& job_id,
                                    std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    HttpResult r = client().Get("/api/generate/" + job_id);
    Json j = r.json();
    if (r.status != 200 || !j.is_object()) return false;
    std::string status = j.value("status", "");
    if (status == "processing") {
      double progress = j.value("progress", 0.0);
      size_t done = j.contains("audio_ids") && j["audio_ids"].is_array() ? j["audio_ids"].size() : 0;
      if (progress > 0.0 || done > 0) return true;
    } else if (status != "queued") {
      return false;
    }
    std::this_thread::sleep_for(15ms);
  }
  return false;
}

double TestServer::EstimateSecondsLeft(const std::string& job_id,
                                       std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::optional<std::pair<Clock::time_point, double>> first;
  while (Clock::now() < deadline) {
    HttpResult r = client().Get("/api/generate/" + job_id);
    Json j = r.json();
    if (r.status != 200 || !j.is_object()) return -1;
    const std::string status = j.value("status", "");
    if (status != "queued" && status != "processing") return -1;
    const double progress = j.value("progress", 0.0);
    const auto now = Clock::now();
    if (status == "processing" && progress > 0.0) {
      if (!first) {
        first.emplace(now, progress);
      } else if (progress > first->second) {
        const double elapsed = std::chrono::duration<double>(now - first->first).count();
        const double rate = (progress - first->second) / elapsed;  // per second
        return (1.0 - progress) / rate;
      }
    }
    std::this_thread::sleep_for(10ms);
  }
  return -1;
}

Json TestServer::RunCompletedJob(int num_samples, int duration, const Json& extra) {
  Json job = SubmitJob(num_samples, duration, extra);
  if (job.is_null()) return Json();
  std::string id = job["id"].get<std::string>();
  Json done = WaitForJob(id, {"completed", "failed", "cancelled"});
  if (done.is_null() || done.value("status", "") != "completed") {
    ADD_FAILURE() << "job " << id << " did not complete: " << done.dump();
    return Json();
  }
  HttpResult r = client().Get("/api/jobs/" + id);
  if (r.status != 200) {
    ADD_FAILURE() << "GET /api/jobs/" << id << " -> " << r.Describe();
    return Json();
  }
  return r.json();
}

Json TestServer::GetJobIncludingDeleted(const std::string& job_id) {
  HttpResult r = client().Get("/api/jobs/" + job_id + "?include_deleted=true", AdminHeaders());
  if (r.status != 200) {
    ADD_FAILURE() << "GET /api/jobs/" << job_id << "?include_deleted=true -> " << r.Describe();
    return Json();
  }
  return r.json();
}

Json TestServer::CreateAdapter(const std::string& name, const Json& config, const Json& extra) {
  Json body{{"name", name}, {"config", config}};
  body.update(extra);
  HttpResult r = client().Post("/api/adapters", body);
  Json j = r.json();
  if (r.status != 201 || !j.is_object() || !j.contains("id")) {
    ADD_FAILURE() << "POST /api/adapters " << body.dump() << " -> " << r.Describe();
    return Json();
  }
  return j;
}

Json TestServer::AddFeedback(const Json& body) {
  HttpResult r = client().Post("/api/feedback", body);
  Json j = r.json();
  if (r.status != 201 || !j.is_object() || !j.contains("id")) {
    ADD_FAILURE() << "POST /api/feedback " << body.dump() << " -> " << r.Describe();
    return Json();
  }
  return j;
}

std::string TestServer::UniqueName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "-" + std::to_string(++counter) + "-" + NewUuid().substr(0, 8);
}

Json TestServer::Snapshot() {
  Json snap = Json::object();
  auto fetch = [&](const std::string& key, const std::string& target, const Headers& h) {
    HttpResult r = client().Get(target, h);
    if (r.status != 200) {
      ADD_FAILURE() << "GET " << target << " -> " << r.Describe();
      snap[key] = nullptr;
      return;
    }
    snap[key] = r.json();
  };
  fetch("jobs_stats", "/api/jobs/stats", {});
  fetch("adapters_stats", "/api/adapters/stats", {});
  fetch("feedback_summary", "/api/feedback/summary", {});
  fetch("prompts", "/api/prompts?page=1&limit=1", {});
  fetch("jobs_all", "/api/jobs?limit=1&include_deleted=true", AdminHeaders());
  fetch("adapters_all", "/api/adapters?limit=1&include_deleted=true", AdminHeaders());
  fetch("feedback", "/api/feedback?limit=1", {});
  // Only the counters: item lists would differ by nothing but order.
  for (const char* key : {"prompts", "jobs_all", "adapters_all", "feedback"}) {
    if (snap[key].is_object() && snap[key].contains("total")) snap[key] = snap[key]["total"];
  }
  return snap;
}

// ---- Looking behind the API -------------------------------------------------

std::vector<std::string> TestServer::AudioFilesOfJob(const std::string& job_id) const {
  std::vector<std::string> names;
  std::error_code ec;
  fs::path dir = fs::path(data_dir_) / JobAudioPrefix(job_id);
  if (!fs::is_directory(dir, ec)) return names;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> TestServer::TmpFiles() const {
  std::vector<std::string> found;
  std::error_code ec;
  fs::path root(data_dir_);
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (IsStagedName(name)) {
      found.push_back(fs::relative(it->path(), root, ec).string());
    }
  }
  return found;
}

::testing::AssertionResult TestServer::AudioStorageConsistent(const std::string& job_id,
                                                              std::vector<std::string>* row_ids) {
  std::string error;
  auto rows = QueryDb("SELECT id FROM audio_samples WHERE job_id = '" + job_id + "'", &error);
  if (!rows) return ::testing::AssertionFailure() << "database: " << error;
  std::set<std::string> ids;
  for (const auto& row : *rows) ids.insert(row[0]);
  if (row_ids) row_ids->assign(ids.begin(), ids.end());
  std::set<std::string> files;
  for (const auto& name : AudioFilesOfJob(job_id)) files.insert(name);
  ::testing::AssertionResult result = ::testing::AssertionSuccess();
  bool ok = true;
  std::ostringstream why;
  const std::string folder = JobAudioPrefix(job_id) + "/";
  for (const auto& id : ids) {
    const std::string key = AudioKey(job_id, id);
    if (!files.count(key.substr(folder.size()))) {
      ok = false;
      why << "row " << id << " has no file " << key << "; ";
    }
  }
  for (const auto& name : files) {
    ParsedStorageKey parsed;
    bool is_row_file = ParseStorageKey(folder + name, &parsed) && parsed.kind == StorageKeyKind::kAudio &&
                       parsed.owner_id == job_id && ids.count(parsed.object_id);
    // A sample's MIDI file belongs to its row too.
    for (const auto& id : ids) {
      if (folder + name == MidiKeyForAudioKey(AudioKey(job_id, id))) is_row_file = true;
    }
    if (!is_row_file) {
      ok = false;
      why << "file " << folder << name << " has no row; ";
    }
  }
  if (ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << why.str();
}

std::optional<std::vector<std::vector<std::string>>> TestServer::QueryDb(
    const std::string& sql, std::string* error) const {
  if (!db_url_.empty()) return QueryPostgres(db_url_, sql, error);
  std::string path = data_dir_ + "/studio.db";
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    *error = "open " + path + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return std::nullopt;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    *error = "prepare: " + std::string(sqlite3_errmsg(db));
    sqlite3_close(db);
    return std::nullopt;
  }
  std::vector<std::vector<std::string>> rows;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const unsigned char* text = sqlite3_column_text(stmt, i);
      row.push_back(text ? reinterpret_cast<const char*>(text) : "<null>");
    }
    rows.push_back(std::move(row));
  }
  std::optional<std::vector<std::vector<std::string>>> out;
  if (rc == SQLITE_DONE) {
    out = std::move(rows);
  } else {
    *error = "step: " + std::string(sqlite3_errmsg(db));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

// ---------------------------------------------------------------------------

TestWorker::TestWorker(std::string db_url, std::string data_dir, int threads, std::string soundfont,
                       int lease_seconds)
    : db_url_(std::move(db_url)),
      data_dir_(std::move(data_dir)),
      soundfont_(std::move(soundfont)),
      threads_(threads),
      lease_seconds_(lease_seconds) {
  static std::atomic<int> counter{0};
  log_path_ = data_dir_ + "/worker-" + std::to_string(++counter) + ".log";
}

TestWorker::~TestWorker() {
  if (running()) Stop();
}

::testing::AssertionResult TestWorker::Start() {
  if (running()) return ::testing::AssertionSuccess();
  pid_ = Spawn({StudioBinary(), "worker", "--db", db_url_, "--data-dir", data_dir_, "--soundfont",
                soundfont_, "--workers", std::to_string(threads_), "--lease-seconds",
                std::to_string(lease_seconds_)},
               log_path_);
  if (pid_ < 0) return ::testing::AssertionFailure() << "cannot spawn " << StudioBinary();
  auto deadline = Clock::now() + 20s;
  while (Clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return ::testing::AssertionFailure() << "studio worker exited during start-up; log:\n"
                                           << Tail(ReadLog(), 6000);
    }
    if (ReadLog().find(" worker: ") != std::string::npos) return ::testing::AssertionSuccess();
    std::this_thread::sleep_for(50ms);
  }
  Kill();
  return ::testing::AssertionFailure() << "studio worker did not report its start; log:\n"
                                       << Tail(ReadLog(), 6000);
}

int TestWorker::Stop() { return TerminateChild(&pid_, "studio worker"); }

void TestWorker::Kill() { KillChild(&pid_); }

std::string TestWorker::ReadLog() const { return ReadWholeFile(log_path_); }

double TestWorker::CpuSeconds() const {
  if (!running()) return 0;
  std::string stat = ReadWholeFile("/proc/" + std::to_string(pid_) + "/stat");
  // Fields after the command name (which may hold spaces) start after ')'.
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace studio::testing
