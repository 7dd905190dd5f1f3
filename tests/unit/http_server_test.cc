// HttpServer: each transport rule of server.h, checked over raw TCP so the
// test controls every byte (half-sent requests, bodies never sent, garbage).
// Every read has a deadline: a broken server fails a test instead of hanging.
#include "http/server.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>
#include <string>
#include <thread>

#include "support/status_matchers.h"

namespace studio {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;
using json = nlohmann::json;
using namespace std::chrono_literals;

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  bool Has(const std::string& name) const { return headers.count(name) > 0; }
};

class Client {
 public:
  explicit Client(uint16_t port) {
    sock_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }

  // Sends all of `data`; false when the server closed or stalled for 5 s.
  bool Send(std::string_view data) {
    error_code result = asio::error::timed_out;
    bool done = false;
    asio::async_write(sock_, asio::buffer(data.data(), data.size()), [&](error_code ec, size_t) {
      result = ec;
      done = true;
    });
    ioc_.restart();
    ioc_.run_for(5s);
    if (!done) {
      sock_.cancel();
      ioc_.restart();
      ioc_.run();
      return false;
    }
    return !result;
  }

  // Reads one response (a HEAD response has no body); false on timeout/close.
  bool Read(RawResponse* r, bool head = false, std::chrono::milliseconds timeout = 5000ms) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
      size_t end = pending_.find("\r\n\r\n");
      if (end != std::string::npos) {
        *r = RawResponse();
        std::string_view head_text(pending_.data(), end);
        size_t line_end = head_text.find("\r\n");
        std::string_view status_line = head_text.substr(0, line_end);
        if (status_line.size() < 12 || status_line.substr(0, 9) != "HTTP/1.1 ") return false;
        r->status = std::stoi(std::string(status_line.substr(9, 3)));
        while (line_end != std::string_view::npos) {
          size_t start = line_end + 2;
          line_end = head_text.find("\r\n", start);
          std::string_view line = head_text.substr(start, line_end - start);
          size_t colon = line.find(':');
          if (colon == std::string_view::npos) return false;
          std::string name(line.substr(0, colon));
          for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          std::string_view value = line.substr(colon + 1);
          while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
          r->headers[name] = std::string(value);
        }
        size_t length = 0;
        bool bodiless = head || r->status == 204 || r->status == 304 || r->status < 200;
        if (!bodiless && r->Has("content-length")) length = std::stoul(r->Header("content-length"));
        if (pending_.size() >= end + 4 + length) {
          r->body = pending_.substr(end + 4, length);
          pending_.erase(0, end + 4 + length);
          return true;
        }
      }
      if (ReadSome(deadline)) return false;
    }
  }

  // True when the server closes the connection within `timeout`.
  bool WaitClosed(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
      error_code ec = ReadSome(deadline);
      if (ec == asio::error::timed_out) return false;
      if (ec) return true;  // EOF or reset
      pending_.clear();
    }
  }

  // Bytes received but not yet consumed by Read().
  const std::string& pending() const { return pending_; }

 private:
  error_code ReadSome(Clock::time_point deadline) {
    char buf[65536];
    error_code result;
    size_t got = 0;
    bool done = false;
    sock_.async_read_some(asio::buffer(buf), [&](error_code ec, size_t n) {
      result = ec;
      got = n;
      done = true;
    });
    ioc_.restart();
    ioc_.run_until(deadline);
    if (!done) {
      sock_.cancel();
      ioc_.restart();
      ioc_.run();
      return asio::error::timed_out;
    }
    pending_.append(buf, got);
    return result;
  }

  asio::io_context ioc_;
  tcp::socket sock_{ioc_};
  std::string pending_;
};

std::string Get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "http_server_test_XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  void Write(const std::string& rel, const std::string& content) const {
    fs::create_directories((path_ / rel).parent_path());
    std::ofstream(path_ / rel, std::ios::binary) << content;
  }

 private:
  fs::path path_;
};

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() {
    for (int i = 0; i < 1000; ++i) file_content_.push_back(static_cast<char>('a' + i % 26));
    files_.Write("sample.bin", file_content_);
  }

  // Starts on an ephemeral port with the echo handler unless one is given.
  void StartServer(HttpServerOptions options = {}, HttpHandler handler = nullptr) {
    options.host = "127.0.0.1";
    options.port = 0;
    // Raw requests here say "Host: t"; the Host policy has its own tests.
    options.policy.allowed_hosts.push_back("t");
    if (!handler) handler = [this](const HttpRequest& r) { return Echo(r); };
    server_ = std::make_unique<HttpServer>(options, std::move(handler));
    Status st = server_->Start();
    ASSERT_OK(st);
    ASSERT_NE(server_->port(), 0);
    thread_ = std::thread([this] { server_->Run(); });
  }

  void StopServer() {
    if (!server_) return;
    server_->Stop();
    thread_.join();
    server_.reset();
  }

  void TearDown() override { StopServer(); }

  uint16_t port() const { return server_->port(); }

  // "/boom" throws, "/file" and "/missing-file" answer with a file, "/nope..."
  // answers 404; everything else echoes the request as JSON.
  HttpResponse Echo(const HttpRequest& r) {
    calls_++;
    {
      std::lock_guard<std::mutex> lock(mu_);
      paths_.push_back(r.path);
    }
    HttpResponse res;
    if (r.path == "/boom") throw std::runtime_error("kaboom");
    if (r.path == "/file") {
      res.content_type = "audio/wav";
      res.file_path = (files_.path() / "sample.bin").string();
      return res;
    }
    if (r.path == "/missing-file") {
      res.file_path = (files_.path() / "nothing-here.wav").string();
      return res;
    }
    if (r.path.rfind("/nope", 0) == 0) {
      res.status = 404;
      res.body = R"({"detail":"Not Found"})";
      return res;
    }
    json headers = json::object();
    for (const auto& [k, v] : r.headers) headers[k] = v;
    json query = json::object();
    for (const auto& [k, v] : r.query) query[k] = v;
    res.body = json{{"method", r.method}, {"path", r.path}, {"query", query},
                    {"headers", headers}, {"body", r.body}}
                   .dump();
    res.headers.emplace_back("X-Echo", "1");
    return res;
  }

  std::vector<std::string> Paths() {
    std::lock_guard<std::mutex> lock(mu_);
    return paths_;
  }

  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  std::atomic<int> calls_{0};
  std::mutex mu_;
  std::vector<std::string> paths_;
  TempDir files_;
  std::string file_content_;
};

TEST_F(HttpServerTest, HandlerGetsDecodedRequestWithPrefixStripped) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send(
      "POST /api/jobs/a%20b%2Fc+d?x=1&name=hello+world&enc=%2Fz%3D&flag&x=2 HTTP/1.1\r\n"
      "Host: t\r\nX-Test-Header: Yes\r\nContent-Type: application/json\r\n"
      "Content-Length: 5\r\n\r\nhello"));
  RawResponse r;
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("x-echo"), "1");
  EXPECT_EQ(r.Header("server"), "song-studio");
  EXPECT_EQ(r.Header("access-control-allow-origin"), "") << "no CORS unless configured";
  json j = json::parse(r.body);
  EXPECT_EQ(j["method"], "POST");
  EXPECT_EQ(j["path"], "/jobs/a b/c+d");  // '+' is literal in a path
  EXPECT_EQ(j["query"]["x"], "2");        // last value wins
  EXPECT_EQ(j["query"]["name"], "hello world");
  EXPECT_EQ(j["query"]["enc"], "/z=");
  EXPECT_EQ(j["query"]["flag"], "");
  EXPECT_EQ(j["headers"]["x-test-header"], "Yes");
  EXPECT_EQ(j["headers"]["content-type"], "application/json");
  EXPECT_EQ(j["body"], "hello");
}

TEST_F(HttpServerTest, PrefixAloneIsRootAndLookalikesAreNotApi) {
  StartServer();
  Client c(port());
  RawResponse r;
  ASSERT_TRUE(c.Send(Get("/api")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(json::parse(r.body)["path"], "/");
  ASSERT_TRUE(c.Send(Get("/api/?q=1")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(json::parse(r.body)["path"], "/");
  EXPECT_EQ(calls_, 2);
  // "/apix" is a UI path; with no static folder it is a 404 from the server.
  ASSERT_TRUE(c.Send(Get("/apix/jobs")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"detail":"Not Found"})");
  EXPECT_EQ(calls_, 2);
}

TEST_F(HttpServerTest, UnknownApiPathReachesHandler) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/api/nope/deeper/still")));
  RawResponse r;
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"detail":"Not Found"})");
  ASSERT_EQ(Paths().size(), 1u);
  EXPECT_EQ(Paths()[0], "/nope/deeper/still");
}

TEST_F(HttpServerTest, ContentLengthOverLimitAnswers413WithoutWaitingForBody) {
  StartServer();
  Client c(port());
  // Only the header is sent: the answer must come without the 2 MiB.
  ASSERT_TRUE(c.Send("POST /api/prompts HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                     "Content-Length: 2097152\r\n\r\n"));
  RawResponse r;
  ASSERT_TRUE(c.Read(&r, false, 2000ms));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body, R"j({"detail":"Request body too large (limit 1048576 bytes)"})j");
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed(3000ms));
  EXPECT_EQ(calls_, 0);
}

TEST_F(HttpServerTest, ContentLengthOverLimitWithBodySentStillGets413) {
  StartServer();
  Client c(port());
  // A client that sends everything before reading (most do) must still get
  // the 413, not a reset: the server discards what follows for a while.
  std::string req = "POST /api/prompts HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 2097152\r\n\r\n";
  req += std::string(2097152, 'x');
  ASSERT_TRUE(c.Send(req));
  RawResponse r;
  ASSERT_TRUE(c.Read(&r, false, 3000ms));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(calls_, 0);
}

TEST_F(HttpServerTest, ChunkedBodyOverLimitAnswers413) {
  StartServer();
  {
    // One announced chunk larger than the limit: refused at its size line.
    Client c(port());
    ASSERT_TRUE(c.Send("POST /api/prompts HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "200000\r\n"));
    RawResponse r;
    ASSERT_TRUE(c.Read(&r, false, 2000ms));
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.body, R"j({"detail":"Request body too large (limit 1048576 bytes)"})j");
    EXPECT_TRUE(c.WaitClosed(3000ms));
  }
  {
    // Small chunks adding up past the limit.
    Client c(port());
    std::string req = "POST /api/prompts HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    std::string chunk = "10000\r\n" + std::string(0x10000, 'y') + "\r\n";
    for (int i = 0; i < 17; ++i) req += chunk;  // 17 x 64 KiB > 1 MiB
    ASSERT_TRUE(c.Send(req));
    RawResponse r;
    ASSERT_TRUE(c.Read(&r, false, 3000ms));
    EXPECT_EQ(r.status, 413);
  }
  EXPECT_EQ(calls_, 0);
}

TEST_F(HttpServerTest, BodyAtTheLimitAndChunkedBodiesAreAccepted) {
  StartServer();
  Client c(port());
  std::string body(1 << 20, 'z');
  ASSERT_TRUE(c.Send("POST /api/x HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n" + body));
  RawResponse r;
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["body"].get<std::string>().size(), body.size());
  ASSERT_TRUE(c.Send("POST /api/x HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(json::parse(r.body)["body"], "abcde");
}

TEST_F(HttpServerTest, HugeHeaderAnswers431) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send("GET /api/x HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(20000, 'h') +
                     "\r\n\r\n"));
  RawResponse r;
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.body, R"j({"detail":"Request header too large (limit 16384 bytes)"})j");
  EXPECT_TRUE(c.WaitClosed(3000ms));
  EXPECT_EQ(calls_, 0);
}

TEST_F(HttpServerTest, GarbageAnswers400AndCloses) {
  StartServer();
  for (std::string garbage : {std::string("\x01\x02\x03 nonsense\r\n\r\n"),
                              std::string("GET /api/x HTTP/1.1\r\nBad Header Line\r\n\r\n"),
                              std::string("GET /api/x HTTP/1.1\r\nContent-Length: abc\r\n\r\n")}) {
    Client c(port());
    ASSERT_TRUE(c.Send(garbage));
    RawResponse r;
    ASSERT_TRUE(c.Read(&r)) << garbage;
    EXPECT_EQ(r.status, 400) << garbage;
    EXPECT_EQ(json::parse(r.body)["detail"].get<std::string>().rfind("Malformed HTTP request", 0),
              0u);
    EXPECT_TRUE(c.WaitClosed(3000ms));
  }
  EXPECT_EQ(calls_, 0);
}

TEST_F(HttpServerTest, KeepAliveServesSequentialAndPipelinedRequests) {
  StartServer();
  Client c(port());
  RawResponse r;
  ASSERT_TRUE(c.Send(Get("/api/one")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(json::parse(r.body)["path"], "/one");
  EXPECT_FALSE(r.Has("connection"));
  ASSERT_TRUE(c.Send(Get("/api/two")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(json::parse(r.body)["path"], "/two");
  // Three requests in one write, answered in order.
  ASSERT_TRUE(c.Send(Get("/api/p1") + "POST /api/p2 HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 3\r\n\r\nxyz" +
                     Get("/api/p3", "Connection: close\r\n")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(json::parse(r.body)["path"], "/p1");
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(json::parse(r.body)["body"], "xyz");
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(json::parse(r.body)["path"], "/p3");
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed(2000ms));
}

TEST_F(HttpServerTest, Http10ClosesUnlessAskedToKeepAlive) {
  StartServer();
  {
    Client c(port());
    ASSERT_TRUE(c.Send("GET /api/x HTTP/1.0\r\n\r\n"));
    RawResponse r;
    ASSERT_TRUE(c.Read(&r));
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(c.WaitClosed(2000ms));
  }
  Client c(port());
  ASSERT_TRUE(c.Send("GET /api/x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  RawResponse r;
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.Header("connection"), "keep-alive");
  ASSERT_TRUE(c.Send("GET /api/y HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(json::parse(r.body)["path"], "/y");
}

TEST_F(HttpServerTest, StalledClientDoesNotBlockOthersAndIsClosedAfterReadTimeout) {
  HttpServerOptions o;
  o.io_threads = 1;  // one thread: a stalled client must not hold it
  o.read_timeout_seconds = 1;
  StartServer(o);
  Client stalled(port());
  ASSERT_TRUE(stalled.Send("GET /api/sl"));
  auto t0 = Clock::now();

  Client other(port());
  ASSERT_TRUE(other.Send(Get("/api/fine")));
  RawResponse r;
  ASSERT_TRUE(other.Read(&r, false, 800ms));
  EXPECT_EQ(json::parse(r.body)["path"], "/fine");

  EXPECT_TRUE(stalled.WaitClosed(3000ms));
  auto waited = Clock::now() - t0;
  EXPECT_GE(waited, 900ms);  // closed by the timeout, not at once
  EXPECT_LT(waited, 2500ms);
  EXPECT_EQ(stalled.pending(), "");  // no response to a half request

  // The served client is still fine afterwards.
  ASSERT_TRUE(other.Send(Get("/api/again")));
  ASSERT_TRUE(other.Read(&r));
  EXPECT_EQ(r.status, 200);
}

TEST_F(HttpServerTest, TricklingClientIsClosedAfterReadTimeout) {
  HttpServerOptions o;
  o.read_timeout_seconds = 1;
  StartServer(o);
  Client c(port());
  // One byte every 200 ms: each read makes progress, but the whole request
  // has one deadline.
  std::string req = "GET /api/slow HTTP/1.1\r\nHost: t\r\nX-Pad: " + std::string(100, 'p');
  auto t0 = Clock::now();
  bool closed = false;
  for (char ch : req) {
    if (!c.Send(std::string(1, ch)) || c.WaitClosed(200ms)) {
      closed = true;
      break;
    }
    if (Clock::now() - t0 > 4s) break;
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(Clock::now() - t0, 2500ms);
  EXPECT_EQ(calls_, 0);
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  HttpServerOptions o;
  o.idle_timeout_seconds = 1;
  StartServer(o);
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/api/x")));
  RawResponse r;
  ASSERT_TRUE(c.Read(&r));
  auto t0 = Clock::now();
  EXPECT_TRUE(c.WaitClosed(3000ms));
  EXPECT_GE(Clock::now() - t0, 900ms);
}

TEST_F(HttpServerTest, FileResponsesHonourRange) {
  StartServer();
  Client c(port());
  RawResponse r;

  ASSERT_TRUE(c.Send(Get("/api/file")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("accept-ranges"), "bytes");
  EXPECT_EQ(r.Header("content-type"), "audio/wav");
  EXPECT_EQ(r.Header("content-length"), "1000");
  EXPECT_EQ(r.body, file_content_);

  ASSERT_TRUE(c.Send(Get("/api/file", "Range: bytes=10-19\r\n")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.Header("content-range"), "bytes 10-19/1000");
  EXPECT_EQ(r.Header("accept-ranges"), "bytes");
  EXPECT_EQ(r.body, file_content_.substr(10, 10));

  ASSERT_TRUE(c.Send(Get("/api/file", "Range: bytes=-100\r\n")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.Header("content-range"), "bytes 900-999/1000");
  EXPECT_EQ(r.body, file_content_.substr(900));

  ASSERT_TRUE(c.Send(Get("/api/file", "Range: bytes=990-\r\n")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.Header("content-range"), "bytes 990-999/1000");
  EXPECT_EQ(r.body, file_content_.substr(990));

  ASSERT_TRUE(c.Send(Get("/api/file", "Range: bytes=995-5000\r\n")));  // end clamped
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.Header("content-range"), "bytes 995-999/1000");
  EXPECT_EQ(r.body, file_content_.substr(995));

  ASSERT_TRUE(c.Send(Get("/api/file", "Range: bytes=-5000\r\n")));  // suffix longer than file
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.Header("content-range"), "bytes 0-999/1000");
  EXPECT_EQ(r.body, file_content_);

  for (std::string unsatisfiable : {"bytes=1000-", "bytes=5000-6000", "bytes=-0"}) {
    ASSERT_TRUE(c.Send(Get("/api/file", "Range: " + unsatisfiable + "\r\n")));
    ASSERT_TRUE(c.Read(&r));
    EXPECT_EQ(r.status, 416) << unsatisfiable;
    EXPECT_EQ(r.Header("content-range"), "bytes */1000") << unsatisfiable;
  }

  // Invalid or multi-range requests are ignored: the whole file.
  for (std::string ignored : {"bytes=20-10", "items=0-5", "bytes=0-1,5-6", "bytes=x-y"}) {
    ASSERT_TRUE(c.Send(Get("/api/file", "Range: " + ignored + "\r\n")));
    ASSERT_TRUE(c.Read(&r));
    EXPECT_EQ(r.status, 200) << ignored;
    EXPECT_EQ(r.body, file_content_) << ignored;
  }
}

TEST_F(HttpServerTest, LargeFileIsSentWhole) {
  std::string big;
  for (int i = 0; i < 300000; ++i) big += static_cast<char>('0' + i % 10);
  files_.Write("big.bin", big);
  std::string path = (files_.path() / "big.bin").string();
  StartServer({}, [path](const HttpRequest&) {
    HttpResponse res;
    res.content_type = "application/octet-stream";
    res.file_path = path;
    return res;
  });
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/api/big")));
  RawResponse r;
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, big);
  ASSERT_TRUE(c.Send(Get("/api/big", "Range: bytes=100000-299999\r\n")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, big.substr(100000));
}

TEST_F(HttpServerTest, MissingFileIs404Json) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/api/missing-file")));
  RawResponse r;
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(json::parse(r.body)["detail"], "File not found");
}

TEST_F(HttpServerTest, HeadSendsHeadersWithoutBody) {
  StartServer();
  Client c(port());
  RawResponse r;
  ASSERT_TRUE(c.Send("HEAD /api/file HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(c.Read(&r, /*head=*/true));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-length"), "1000");
  EXPECT_EQ(r.Header("accept-ranges"), "bytes");

  ASSERT_TRUE(c.Send("HEAD /api/echo HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(c.Read(&r, /*head=*/true));
  EXPECT_EQ(r.status, 200);
  EXPECT_GT(std::stoul(r.Header("content-length")), 0u);

  // Had a body been sent, it would be read here as the next response.
  ASSERT_TRUE(c.Send(Get("/api/after")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 200);
  json j = json::parse(r.body);
  EXPECT_EQ(j["path"], "/after");
  ASSERT_EQ(Paths().size(), 3u);
  EXPECT_EQ(Paths()[1], "/echo");

  // An error answer after a HEAD on the same connection has its body.
  ASSERT_TRUE(c.Send("HEAD /api/echo HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(c.Read(&r, /*head=*/true));
  ASSERT_TRUE(c.Send("POST /api/x HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 9999999\r\n\r\n"));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 413);
  EXPECT_FALSE(r.body.empty());
}

TEST_F(HttpServerTest, HeadReachesHandlerAsGet) {
  std::string seen;
  StartServer({}, [&seen](const HttpRequest& r) {
    seen = r.method;
    return HttpResponse{};
  });
  Client c(port());
  ASSERT_TRUE(c.Send("HEAD /api/x HTTP/1.1\r\nHost: t\r\n\r\n"));
  RawResponse r;
  ASSERT_TRUE(c.Read(&r, true));
  EXPECT_EQ(seen, "GET");
}

TEST_F(HttpServerTest, CorsPreflightForAConfiguredOriginAnswers204WithoutCallingHandler) {
  HttpServerOptions o;
  o.policy.cors_origins = {"http://localhost:5173"};
  StartServer(o);
  Client c(port());
  RawResponse r;
  for (auto [target, methods] : {std::pair<std::string, std::string>{"/api/jobs/123",
                                     "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"},
                                 {"/anything", "GET, HEAD, OPTIONS"}}) {
    ASSERT_TRUE(c.Send("OPTIONS " + target +
                       " HTTP/1.1\r\nHost: t\r\nOrigin: http://localhost:5173\r\n"
                       "Access-Control-Request-Method: DELETE\r\n"
                       "Access-Control-Request-Headers: content-type\r\n\r\n"));
    ASSERT_TRUE(c.Read(&r));
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(r.Header("access-control-allow-origin"), "http://localhost:5173");
    EXPECT_EQ(r.Header("access-control-allow-methods"), methods);
    EXPECT_EQ(r.Header("allow"), methods);
    EXPECT_EQ(r.Header("access-control-allow-headers"), "Content-Type, Authorization, Range");
    EXPECT_FALSE(r.Header("access-control-max-age").empty());
    EXPECT_EQ(r.Header("vary"), "Origin");
    EXPECT_EQ(r.body, "");
  }
  EXPECT_EQ(calls_, 0);
  // Ordinary answers, errors included, carry the CORS headers too.
  ASSERT_TRUE(c.Send(Get("/api/nope", "Origin: http://localhost:5173\r\n")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Header("access-control-allow-origin"), "http://localhost:5173");
  EXPECT_EQ(r.Header("access-control-expose-headers"),
            "Content-Range, Content-Length, Accept-Ranges");
  // Another origin gets nothing of the kind.
  ASSERT_TRUE(c.Send("OPTIONS /api/jobs/123 HTTP/1.1\r\nHost: t\r\nOrigin: http://evil.example\r\n"
                     "Access-Control-Request-Method: DELETE\r\n\r\n"));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.Header("access-control-allow-origin"), "");
  EXPECT_EQ(calls_, 1) << "only the GET reached the handler";
}

TEST_F(HttpServerTest, ApiMethodsFeedThePreflightAndAllowHeaders) {
  HttpServerOptions o;
  o.policy.cors_origins = {"http://localhost:5173"};
  o.api_methods = [](const std::string& path) {
    return path == "/jobs/1" ? std::string("GET, DELETE") : std::string();
  };
  StartServer(o);
  Client c(port());
  RawResponse r;
  ASSERT_TRUE(c.Send("OPTIONS /api/jobs/1 HTTP/1.1\r\nHost: t\r\nOrigin: http://localhost:5173\r\n"
                     "Access-Control-Request-Method: DELETE\r\n\r\n"));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.Header("access-control-allow-methods"), "GET, DELETE");
}

TEST_F(HttpServerTest, ServesStaticFilesWithSpaFallback) {
  TempDir web;
  web.Write("static/index.html", "<html>app</html>");
  web.Write("static/assets/app-1234.js", "console.log(1)");
  web.Write("static/style.css", "body{}");
  web.Write("static/docs/readme.txt", "read me");
  HttpServerOptions o;
  o.static_dir = (web.path() / "static").string();
  StartServer(o);
  Client c(port());
  RawResponse r;

  ASSERT_TRUE(c.Send(Get("/")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<html>app</html>");
  EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.Header("cache-control"), "no-cache");

  ASSERT_TRUE(c.Send(Get("/assets/app-1234.js")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "console.log(1)");
  EXPECT_EQ(r.Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_NE(r.Header("cache-control").find("max-age=31536000"), std::string::npos);

  ASSERT_TRUE(c.Send(Get("/style.css?v=2")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.body, "body{}");
  EXPECT_EQ(r.Header("content-type"), "text/css; charset=utf-8");

  // Client-side routes and folders open the app.
  for (std::string route : {"/jobs/123", "/jobs/123/", "/adapters", "/docs"}) {
    ASSERT_TRUE(c.Send(Get(route)));
    ASSERT_TRUE(c.Read(&r));
    EXPECT_EQ(r.status, 200) << route;
    EXPECT_EQ(r.body, "<html>app</html>") << route;
    EXPECT_EQ(r.Header("cache-control"), "no-cache") << route;
  }

  // A missing file with an extension is a 404, not the app.
  ASSERT_TRUE(c.Send(Get("/assets/gone.js")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Header("content-type"), "application/json");

  ASSERT_TRUE(c.Send("HEAD /assets/app-1234.js HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(c.Read(&r, true));
  EXPECT_EQ(r.Header("content-length"), "14");

  // Other methods outside the API are refused.
  ASSERT_TRUE(c.Send("POST /jobs/123 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(json::parse(r.body)["detail"], "Method Not Allowed");
  EXPECT_EQ(calls_, 0);
}

TEST_F(HttpServerTest, StaticPathTraversalIsRefused) {
  TempDir web;
  web.Write("static/index.html", "<html>app</html>");
  web.Write("secret.txt", "TOPSECRET");
  fs::create_symlink(web.path() / "secret.txt", web.path() / "static" / "link.txt");
  HttpServerOptions o;
  o.static_dir = (web.path() / "static").string();
  StartServer(o);
  Client c(port());
  RawResponse r;
  for (std::string target :
       {"/../secret.txt", "/../../etc/passwd", "/%2e%2e/secret.txt", "/%2E%2E/%2e%2e/etc/passwd",
        "/assets/..%2f..%2fsecret.txt", "/..%2fsecret.txt", "/link.txt", "/.%2e/secret.txt"}) {
    ASSERT_TRUE(c.Send(Get(target)));
    ASSERT_TRUE(c.Read(&r)) << target;
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.body.find("TOPSECRET"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << target;
  }
}

TEST_F(HttpServerTest, StaticFolderWithoutIndexGives404Json) {
  TempDir web;
  web.Write("static/app.js", "x");
  HttpServerOptions o;
  o.static_dir = (web.path() / "static").string();
  StartServer(o);
  Client c(port());
  RawResponse r;
  ASSERT_TRUE(c.Send(Get("/jobs/123")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  ASSERT_TRUE(c.Send(Get("/app.js")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 200);
}

TEST_F(HttpServerTest, HandlerExceptionGives500AndServerKeepsServing) {
  StartServer();
  Client c(port());
  RawResponse r;
  ASSERT_TRUE(c.Send(Get("/api/boom")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"({"detail":"Internal server error"})");
  // Same connection, then a new one.
  ASSERT_TRUE(c.Send(Get("/api/next")));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 200);
  Client d(port());
  ASSERT_TRUE(d.Send(Get("/api/other")));
  ASSERT_TRUE(d.Read(&r));
  EXPECT_EQ(r.status, 200);
}

TEST_F(HttpServerTest, ExpectContinueGetsGoAhead) {
  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send("POST /api/x HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                     "Content-Length: 5\r\n\r\n"));
  RawResponse r;
  ASSERT_TRUE(c.Read(&r, false, 2000ms));
  EXPECT_EQ(r.status, 100);
  ASSERT_TRUE(c.Send("hello"));
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["body"], "hello");
}

TEST_F(HttpServerTest, HandlerHeadersWithLineBreaksAreDropped) {
  StartServer({}, [](const HttpRequest&) {
    HttpResponse res;
    res.body = "{}";
    res.headers.emplace_back("X-Good", "yes");
    res.headers.emplace_back("X-Bad", "a\r\nSet-Cookie: evil=1");
    res.headers.emplace_back("Content-Length", "999");
    return res;
  });
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/api/x")));
  RawResponse r;
  ASSERT_TRUE(c.Read(&r));
  EXPECT_EQ(r.Header("x-good"), "yes");
  EXPECT_FALSE(r.Has("x-bad"));
  EXPECT_FALSE(r.Has("set-cookie"));
  EXPECT_EQ(r.Header("content-length"), "2");
  EXPECT_EQ(r.body, "{}");
}

TEST_F(HttpServerTest, WritesOneAccessLogLinePerRequest) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(32);
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>("http_test", sink);
  logger->set_level(spdlog::level::info);
  logger->set_pattern("%v");
  spdlog::set_default_logger(logger);

  StartServer();
  Client c(port());
  ASSERT_TRUE(c.Send(Get("/api/logged?x=1")));
  RawResponse r;
  ASSERT_TRUE(c.Read(&r));
  // The line is written once the response is out; give it a moment.
  std::string line;
  for (int i = 0; i < 100 && line.empty(); ++i) {
    for (const auto& l : sink->last_formatted()) {
      if (l.find("/api/logged") != std::string::npos) line = l;
    }
    if (line.empty()) std::this_thread::sleep_for(10ms);
  }
  StopServer();
  spdlog::set_default_logger(previous);

  ASSERT_FALSE(line.empty());
  EXPECT_NE(line.find("\"GET /api/logged?x=1\" 200 " + std::to_string(r.body.size()) + " "),
            std::string::npos)
      << line;
  EXPECT_NE(line.find("ms"), std::string::npos) << line;
  EXPECT_NE(line.find("127.0.0.1:"), std::string::npos) << line;
}

TEST_F(HttpServerTest, StartFailsWhenPortIsTaken) {
  StartServer();
  HttpServerOptions o;
  o.host = "127.0.0.1";
  o.port = port();
  HttpServer second(o, [](const HttpRequest&) { return HttpResponse{}; });
  Status st = second.Start();
  EXPECT_EQ(st.code(), Status::Code::kIOError);
  EXPECT_NE(st.message().find(std::to_string(port())), std::string::npos) << st.message();

  HttpServerOptions bad;
  bad.host = "192.0.2.1";  // TEST-NET-1: not an address of this machine
  bad.port = 0;
  HttpServer third(bad, [](const HttpRequest&) { return HttpResponse{}; });
  EXPECT_EQ(third.Start().code(), Status::Code::kIOError);
}

TEST_F(HttpServerTest, StopFromAnotherThreadEndsRunWithClientsConnected) {
  HttpServerOptions o;
  o.port = 0;
  o.io_threads = 2;
  auto server = std::make_unique<HttpServer>(o, [](const HttpRequest&) { return HttpResponse{}; });
  ASSERT_OK(server->Start());
  auto done = std::async(std::launch::async, [&server] { server->Run(); });
  Client idle(server->port());
  ASSERT_TRUE(idle.Send("GET /api/half"));
  std::this_thread::sleep_for(50ms);
  std::thread([&server] { server->Stop(); }).join();
  ASSERT_EQ(done.wait_for(3s), std::future_status::ready);
  server.reset();  // open connections go with the server
  EXPECT_TRUE(idle.WaitClosed(3000ms));
}

}  // namespace
}  // namespace studio
