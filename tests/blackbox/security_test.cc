// Black-box: what a hostile web page, a careless client, a full disk and a
// flood of idle connections can do to a studio on loopback with no admin
// token (the default a newcomer runs). docs/SECURITY.md has the threat model.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_server.h"

namespace studio::testing {
namespace {

using namespace std::chrono_literals;

const char kEvil[] = "http://evil.example";

class SecurityTest : public SharedServerTest<SecurityTest> {
 protected:
  static std::string SameOrigin() { return "http://127.0.0.1:" + std::to_string(server().port()); }
};

// ---- 1. Cross-site requests, DNS rebinding ----

TEST_F(SecurityTest, AForeignPageCannotPreflightADelete) {
  Json job = server().RunCompletedJob(1, 1);
  ASSERT_TRUE(job.is_object());
  const std::string target = "/api/jobs/" + job["id"].get<std::string>();
  HttpResult r = api().Request("OPTIONS", target, std::nullopt,
                               {{"Origin", kEvil}, {"Access-Control-Request-Method", "DELETE"}});
  EXPECT_EQ(r.status, 403) << r.Describe();
  EXPECT_EQ(r.Header("access-control-allow-origin"), "") << "a refused origin gets no CORS headers";
  EXPECT_EQ(r.Header("access-control-allow-methods"), "");
  // Were the page to send the DELETE anyway (no-cors), it is refused too.
  HttpResult del = api().Delete(target, {{"Origin", kEvil}});
  EXPECT_EQ(del.status, 403) << del.Describe();
  EXPECT_TRUE(del.json().contains("detail")) << del.body;
  EXPECT_EQ(api().Get(target).status, 200) << "the job must still be there";
}

TEST_F(SecurityTest, NoCorsHeadersByDefault) {
  for (const Headers& h : {Headers{}, Headers{{"Origin", kEvil}}}) {
    HttpResult r = api().Get("/api/health", h);
    EXPECT_EQ(r.status, 200) << r.Describe();
    EXPECT_EQ(r.Header("access-control-allow-origin"), "");
  }
  HttpResult pre = api().Request("OPTIONS", "/api/jobs", std::nullopt,
                                 {{"Origin", kEvil}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(pre.Header("access-control-allow-origin"), "") << pre.Describe();
}

TEST_F(SecurityTest, SameOriginWritesWork) {
  Json job = server().RunCompletedJob(1, 1);
  ASSERT_TRUE(job.is_object());
  HttpResult r = api().Delete("/api/jobs/" + job["id"].get<std::string>(), {{"Origin", SameOrigin()}});
  EXPECT_EQ(r.status, 200) << r.Describe();
  Json prompt = {{"text", "same origin"}, {"attributes", Json::object()}};
  EXPECT_EQ(api().Post("/api/prompts", prompt, {{"Origin", SameOrigin()}}).status, 201);
}

TEST_F(SecurityTest, ForeignWritesAreRefusedAndChangeNothing) {
  Json before = server().Snapshot();
  Json prompt = {{"text", "from evil"}, {"attributes", Json::object()}};
  EXPECT_EQ(api().Post("/api/prompts", prompt, {{"Origin", kEvil}}).status, 403);
  EXPECT_EQ(api().Post("/api/prompts", prompt, {{"Origin", "null"}}).status, 403);
  EXPECT_EQ(server().Snapshot(), before);
}

TEST_F(SecurityTest, BodiesMustBeJson) {
  Json before = server().Snapshot();
  const std::string body = R"({"text":"simple request","attributes":{}})";
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                           ""}) {
    SCOPED_TRACE(type);
    HttpResult r = api().RequestRaw("POST", "/api/prompts", body, type);
    EXPECT_EQ(r.status, 415) << r.Describe();
    EXPECT_TRUE(r.json().contains("detail")) << r.body;
  }
  EXPECT_EQ(server().Snapshot(), before);
  EXPECT_EQ(api().RequestRaw("POST", "/api/prompts", body, "Application/JSON; charset=utf-8").status,
            201);
}

TEST_F(SecurityTest, TheHostHeaderMustNameThisServer) {
  const std::string port = std::to_string(server().port());
  for (const std::string& host : std::vector<std::string>{"evil.example:" + port, "evil.example",
                                                         "127.0.0.1.nip.io:" + port}) {
    SCOPED_TRACE(host);
    HttpResult r = api().Get("/api/jobs?include_deleted=true", {{"Host", host}});
    EXPECT_EQ(r.status, 421) << r.Describe();
    EXPECT_TRUE(r.json().contains("detail")) << r.body;
    EXPECT_EQ(api().Get("/", {{"Host", host}}).status, 421) << "the UI too";
  }
  for (const std::string& host :
       std::vector<std::string>{"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "127.0.0.1"}) {
    SCOPED_TRACE(host);
    EXPECT_EQ(api().Get("/api/health", {{"Host", host}}).status, 200);
  }
}

TEST(SecurityConfigTest, ConfiguredOriginsGetCorsAndOthersDoNot) {
  TestServerOptions options;
  options.workers = 0;
  options.extra_args = {"--cors-origin", "http://good.example:5173", "--allowed-host", "studio.example"};
  TestServer server(options);
  ASSERT_TRUE(server.Start());
  const HttpClient& api = server.client();
  HttpResult pre = api.Request("OPTIONS", "/api/jobs/8c1f0e5e-0000-4000-8000-000000000000", std::nullopt,
                               {{"Origin", "http://good.example:5173"},
                                {"Access-Control-Request-Method", "DELETE"}});
  EXPECT_EQ(pre.status, 204) << pre.Describe();
  EXPECT_EQ(pre.Header("access-control-allow-origin"), "http://good.example:5173");
  EXPECT_NE(pre.Header("access-control-allow-methods").find("DELETE"), std::string::npos);
  EXPECT_NE(pre.Header("vary").find("Origin"), std::string::npos);
  HttpResult get = api.Get("/api/health", {{"Origin", "http://good.example:5173"}});
  EXPECT_EQ(get.Header("access-control-allow-origin"), "http://good.example:5173");
  // Another port is another origin.
  HttpResult other = api.Request("OPTIONS", "/api/jobs", std::nullopt,
                                 {{"Origin", "http://good.example:8080"},
                                  {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(other.Header("access-control-allow-origin"), "");
  // --allowed-host admits the name a proxy forwards.
  EXPECT_EQ(api.Get("/api/health", {{"Host", "studio.example"}}).status, 200);
  EXPECT_EQ(api.Get("/api/health", {{"Host", "other.example"}}).status, 421);
}

TEST(SecurityConfigTest, WildcardOriginIsReadOnlyWithoutAnAdminToken) {
  TestServerOptions options;
  options.workers = 0;
  options.extra_args = {"--cors-origin", "*"};
  TestServer server(options);
  ASSERT_TRUE(server.Start());
  HttpResult read = server.client().Request("OPTIONS", "/api/jobs", std::nullopt,
                                            {{"Origin", kEvil}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(read.status, 204);
  EXPECT_EQ(read.Header("access-control-allow-origin"), "*");
  EXPECT_EQ(read.Header("access-control-allow-methods").find("DELETE"), std::string::npos);
  HttpResult write = server.client().Request("OPTIONS", "/api/jobs", std::nullopt,
                                             {{"Origin", kEvil}, {"Access-Control-Request-Method", "DELETE"}});
  EXPECT_EQ(write.status, 403) << write.Describe();
  Json prompt = {{"text", "x"}, {"attributes", Json::object()}};
  EXPECT_EQ(server.client().Post("/api/prompts", prompt, {{"Origin", kEvil}}).status, 403);
}

TEST(SecurityConfigTest, WildcardOriginWithAnAdminTokenAllowsWrites) {
  TestServerOptions options;
  options.workers = 0;
  options.admin_token = "a-long-enough-admin-token";
  options.extra_args = {"--cors-origin", "*"};
  TestServer server(options);
  ASSERT_TRUE(server.Start());
  HttpResult write = server.client().Request("OPTIONS", "/api/prompts", std::nullopt,
                                             {{"Origin", kEvil}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(write.status, 204) << write.Describe();
  EXPECT_EQ(write.Header("access-control-allow-origin"), "*");
  Json prompt = {{"text", "x"}, {"attributes", Json::object()}};
  EXPECT_EQ(server.client().Post("/api/prompts", prompt, {{"Origin", kEvil}}).status, 201);
}

TEST(SecurityConfigTest, MalformedOriginsAreRefusedAtStart) {
  for (const char* origin : {"evil.example", "http://evil.example/path", "http://"}) {
    SCOPED_TRACE(origin);
    CommandResult r = RunStudio({"serve", "--port", "0", "--cors-origin", origin, "--workers", "0",
                                 "--data-dir", MakeTempDir("studio-cors")});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("--cors-origin"), std::string::npos) << r.output;
  }
}

// ---- 2. A NUL byte in a JSON body ----

TEST_F(SecurityTest, ANulByteMakesTheWholeBodyMalformed) {
  Json job = server().RunCompletedJob(1, 1);
  ASSERT_TRUE(job.is_object());
  Json adapter = server().CreateAdapter(TestServer::UniqueName("nul"));
  ASSERT_TRUE(adapter.is_object());
  const std::string prompt_id = job["prompt_id"], audio_id = job["audio_ids"][0];
  const std::string adapter_id = adapter["id"];
  struct Case {
    const char* method;
    std::string target, body;
  };
  const std::string garbage = std::string("\0garbage", 8);
  const std::vector<Case> cases = {
      {"POST", "/api/prompts", R"({"text":"x","attributes":{}})" + garbage},
      {"POST", "/api/generate", R"({"prompt_id":")" + prompt_id + R"("})" + garbage},
      {"POST", "/api/adapters", R"({"name":")" + TestServer::UniqueName("n") + R"("})" + garbage},
      {"PATCH", "/api/adapters/" + adapter_id, R"({"description":"changed"})" + garbage},
      {"POST", "/api/feedback", R"({"audio_id":")" + audio_id + R"(","rating":5})" + garbage},
      {"POST", "/api/audio/compare", R"({"audio_ids":[")" + audio_id + R"("]})" + garbage},
  };
  Json before = server().Snapshot();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + std::string(" ") + c.target);
    HttpResult r = api().RequestRaw(c.method, c.target, c.body);
    EXPECT_EQ(r.status, 422) << r.Describe();
    EXPECT_EQ(r.json().value("detail", ""), "Malformed JSON body") << r.body;
  }
  EXPECT_EQ(server().Snapshot(), before);
  EXPECT_TRUE(api().Get("/api/adapters/" + adapter_id).json()["description"].is_null());
}

// ---- 3. Impossible dates ----

TEST_F(SecurityTest, ImpossibleDatesAreInvalid) {
  for (const char* query : {"start_date=2026-02-30", "start_date=2026-02-29", "start_date=2026-04-31",
                            "end_date=2026-02-31T10:00:00Z", "start_date=2026-13-45"}) {
    SCOPED_TRACE(query);
    HttpResult r = api().Get(std::string("/api/jobs?") + query);
    EXPECT_EQ(r.status, 422) << r.Describe();
    EXPECT_TRUE(r.json().contains("detail")) << r.body;
  }
  EXPECT_EQ(api().Get("/api/jobs?start_date=2028-02-29").status, 200) << "a real leap day";
}

// ---- 4. A full disk ----

// A data dir on a tmpfs of `size`, unmounted by the destructor; skips the
// test (with the reason) where mounting is not permitted.
class TinyDisk {
 public:
  explicit TinyDisk(const char* size) : dir_(MakeTempDir("studio-tiny-disk")) {
    if (dir_.empty()) {
      reason_ = "no temp dir";
      return;
    }
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, (std::string("size=") + size).c_str()) != 0) {
      reason_ = std::string("cannot mount a tmpfs here: ") + std::strerror(errno);
      return;
    }
    mounted_ = true;
  }
  ~TinyDisk() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  bool mounted() const { return mounted_; }
  const std::string& reason() const { return reason_; }
  const std::string& dir() const { return dir_; }

  // Writes a filler file until the disk refuses more.
  void Fill() {
    std::ofstream out(dir_ + "/filler", std::ios::binary);
    std::string chunk(4096, 'x');
    while (out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()))) {
    }
  }
  void Free() { std::filesystem::remove(dir_ + "/filler"); }

 private:
  std::string dir_;
  std::string reason_;
  bool mounted_ = false;
};

// Sends `send()` until it answers something else than `ok_status` (a write
// may still fit in space the database had kept), at most `tries` times.
HttpResult UntilRefused(int ok_status, int tries, const std::function<HttpResult()>& send) {
  HttpResult r;
  for (int i = 0; i < tries; ++i) {
    r = send();
    if (r.status != ok_status) return r;
  }
  return r;
}

TEST(FullDiskTest, AFullDiskAnswers507AndNamesNoServerPath) {
  TinyDisk disk("3m");
  if (!disk.mounted()) GTEST_SKIP() << disk.reason();
  TestServerOptions options;
  options.data_dir = disk.dir();
  TestServer server(options);
  ASSERT_TRUE(server.Start());

  // A 1 s sample (176 kB) fits; a 30 s one (5.3 MB) cannot.
  Json small = server.RunCompletedJob(1, 1);
  ASSERT_TRUE(small.is_object());
  Json big = server.SubmitJob(1, 30);
  ASSERT_TRUE(big.is_object());
  const std::string big_id = big["id"];
  Json failed = server.WaitForJob(big_id, {"failed", "completed"});
  EXPECT_EQ(failed["status"], "failed") << failed.dump();
  EXPECT_EQ(failed["error"], "The studio's storage is full") << failed.dump();
  HttpResult detail = server.client().Get("/api/jobs/" + big_id);
  EXPECT_EQ(detail.body.find(server.data_dir()), std::string::npos) << detail.body;
  EXPECT_TRUE(server.TmpFiles().empty());

  disk.Fill();
  const HttpClient& api = server.client();
  const std::string long_text(1900, 'a');
  HttpResult prompt = UntilRefused(201, 2000, [&] {
    return api.Post("/api/prompts", {{"text", long_text}, {"attributes", Json::object()}});
  });
  if (server.db_url().empty()) {  // the SQLite file is on the tiny disk
    EXPECT_EQ(prompt.status, 507) << prompt.Describe();
    EXPECT_EQ(prompt.json().value("detail", ""), "The studio's storage is full");
    HttpResult job = UntilRefused(201, 2000, [&] {
      return api.Post("/api/generate", {{"prompt_id", small["prompt_id"]}, {"num_samples", 1}});
    });
    EXPECT_EQ(job.status, 507) << job.Describe();
    HttpResult feedback = UntilRefused(201, 2000, [&] {
      return api.Post("/api/feedback", {{"audio_id", small["audio_ids"][0]}, {"rating", 4},
                                        {"notes", long_text}});
    });
    EXPECT_EQ(feedback.status, 507) << feedback.Describe();
    for (const HttpResult* r : {&prompt, &job, &feedback}) {
      EXPECT_EQ(r->body.find(server.data_dir()), std::string::npos) << r->body;
    }
    EXPECT_NE(server.ReadLog().find("storage full"), std::string::npos) << "a warning in the log";
  }
  disk.Free();
  EXPECT_EQ(api.Post("/api/prompts", {{"text", "room again"}, {"attributes", Json::object()}}).status,
            201);
  server.Stop();
}

// ---- 5. Descriptor exhaustion ----

// Opens `n` TCP connections to the server that never send a byte.
std::vector<int> OpenIdleConnections(uint16_t port, int n) {
  std::vector<int> fds;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < n; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) break;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      break;
    }
    fds.push_back(fd);
  }
  return fds;
}

void CloseAll(std::vector<int>& fds) {
  for (int fd : fds) ::close(fd);
  fds.clear();
}

// Waits until the server's end of every connection to `port` has no unread
// bytes (the rx_queue of its sockets in /proc/net/tcp): then the server has
// read what its clients sent, however busy the machine is.
bool WaitUntilServerHasRead(uint16_t port, std::chrono::milliseconds timeout) {
  char port_hex[8];
  std::snprintf(port_hex, sizeof port_hex, "%04X", port);
  const std::string local_suffix = std::string(":") + port_hex;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream tcp("/proc/net/tcp");
    std::string line;
    std::getline(tcp, line);  // header
    bool unread = false;
    while (std::getline(tcp, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues;
      fields >> slot >> local >> remote >> state >> queues;
      bool server_end = local.size() >= local_suffix.size() &&
                        local.compare(local.size() - local_suffix.size(), local_suffix.size(),
                                      local_suffix) == 0;
      if (server_end && state == "01" && queues.substr(queues.find(':') + 1) != "00000000") {
        unread = true;
      }
    }
    if (!unread) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

TEST(DescriptorTest, IdleConnectionsCannotLockOutANewClient) {
  TestServerOptions options;
  options.workers = 1;
  options.descriptor_limit = 1024;
  TestServer server(options);
  ASSERT_TRUE(server.Start());
  std::vector<int> idle = OpenIdleConnections(server.port(), 3000);
  ASSERT_EQ(idle.size(), 3000u) << "the test itself ran out of descriptors";
  // A patient client would wait minutes; this one gives up after 10 s.
  HttpClient impatient("127.0.0.1", server.port(), 10s);
  HttpResult r = impatient.Get("/api/health");
  EXPECT_EQ(r.status, 200) << r.Describe();
  CloseAll(idle);
  EXPECT_EQ(server.client().Get("/api/health").status, 200);
}

TEST(DescriptorTest, WhenNoConnectionCanBeFreedTheAnswerIs503) {
  TestServerOptions options;
  options.workers = 0;
  options.extra_args = {"--max-connections", "8"};
  TestServer server(options);
  ASSERT_TRUE(server.Start());
  // Clients in the middle of a request: none is idle, none may go. Until the
  // server holds eight of them a newcomer may still be served (the kernel
  // hands connections over in its own time), so add busy clients until the
  // newcomer is refused.
  const std::string partial = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  std::vector<int> busy;
  HttpResult r;
  for (int round = 0; round < 6 && r.status != 503; ++round) {
    std::vector<int> more = OpenIdleConnections(server.port(), round == 0 ? 8 : 1);
    for (int fd : more) {
      ASSERT_EQ(::send(fd, partial.data(), partial.size(), MSG_NOSIGNAL),
                static_cast<ssize_t>(partial.size()));
      busy.push_back(fd);
    }
    ASSERT_TRUE(WaitUntilServerHasRead(server.port(), 10s)) << "the server never read the partial requests";
    std::this_thread::sleep_for(100ms);  // and has run the handlers of those reads
    HttpClient impatient("127.0.0.1", server.port(), 10s);
    r = impatient.Get("/api/health");
    ASSERT_NE(r.status, 0) << "a client must get an answer, not wait: " << r.error;
  }
  EXPECT_EQ(r.status, 503) << r.Describe();
  EXPECT_TRUE(r.json().contains("detail")) << r.body;
  // No client in the middle of a request was closed to make room: the
  // server still holds eight of them. A busy client that came when the
  // server was already full (a later round) was itself refused with a 503,
  // never closed without an answer.
  int still_open = 0;
  for (int fd : busy) {
    char head[16] = {};
    ssize_t n = ::recv(fd, head, sizeof(head) - 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      ++still_open;
    } else {
      EXPECT_EQ(std::string(head, n > 0 ? n : 0).rfind("HTTP/1.1 503", 0), 0u)
          << "a busy connection was closed without an answer";
    }
  }
  EXPECT_EQ(still_open, 8) << "busy connections were closed to make room";
  CloseAll(busy);
  HttpResult after;
  for (int i = 0; i < 50 && after.status != 200; ++i) {
    std::this_thread::sleep_for(100ms);
    after = server.client().Get("/api/health");
  }
  EXPECT_EQ(after.status, 200) << after.Describe();
}

// ---- 6. Token hygiene ----

TEST(TokenTest, BlankAndShortTokensAreRefused) {
  const std::string dir = MakeTempDir("studio-token");
  struct Case {
    std::vector<std::string> args;
  };
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--admin-token", "   "},
           {"--admin-token", ""},
           {"--host", "0.0.0.0", "--admin-token", "   "},
           {"--host", "0.0.0.0", "--admin-token", "short-token"},
       }) {
    std::vector<std::string> argv = {"serve", "--port", "0", "--workers", "0", "--data-dir", dir};
    argv.insert(argv.end(), args.begin(), args.end());
    SCOPED_TRACE(::testing::PrintToString(args));
    CommandResult r = RunStudio(argv);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("--admin-token"), std::string::npos) << r.output;
  }
}

TEST(TokenTest, TheBearerSchemeIsCaseInsensitiveAndWhitespaceTolerant) {
  const std::string token = "0123456789abcdef-token";
  TestServerOptions options;
  options.workers = 0;
  options.admin_token = token;
  TestServer server(options);
  ASSERT_TRUE(server.Start());
  for (const std::string& value : std::vector<std::string>{"Bearer " + token, "bearer " + token,
                                                           "BEARER " + token, "  Bearer   " + token + "  ",
                                                           "Bearer\t" + token}) {
    SCOPED_TRACE(value);
    EXPECT_EQ(server.client().Get("/api/jobs?include_deleted=true", {{"Authorization", value}}).status,
              200);
  }
  for (const std::string& value : std::vector<std::string>{"Basic " + token, "Bearer",
                                                           "Bearer " + token + "x", token,
                                                           "Bearer" + token}) {
    SCOPED_TRACE(value);
    EXPECT_EQ(server.client().Get("/api/jobs?include_deleted=true", {{"Authorization", value}}).status,
              403);
  }
}

TEST_F(SecurityTest, IncludeDeletedTakesAnyCaseOfTrue) {
  Json job = server().RunCompletedJob(1, 1);
  ASSERT_TRUE(job.is_object());
  const std::string id = job["id"];
  ASSERT_EQ(api().Delete("/api/jobs/" + id).status, 200);
  for (const char* value : {"true", "TRUE", "True", "1"}) {
    SCOPED_TRACE(value);
    HttpResult r = api().Get("/api/jobs/" + id + "?include_deleted=" + value);
    EXPECT_EQ(r.status, 200) << r.Describe();
  }
  for (const char* value : {"false", "FALSE", "0"}) {
    EXPECT_EQ(api().Get("/api/jobs/" + id + "?include_deleted=" + value).status, 404) << value;
  }
  EXPECT_EQ(api().Get("/api/jobs/" + id + "?include_deleted=yes").status, 422);
}

}  // namespace
}  // namespace studio::testing
