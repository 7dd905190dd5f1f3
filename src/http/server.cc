// HttpServer on Boost.Beast: one Session per connection, driven by callbacks
// on an io_context run by `io_threads` threads.
//
// Reading: Beast's basic_parser is fed by hand from a per-connection
// flat_buffer, with a parser subclass that writes the request line, fields
// and body straight into the HttpRequest (no intermediate beast message).
// Driving the parser ourselves lets a session switch from the idle timeout to
// the request timeout at the first byte of a request, answer 100-continue,
// and answer 413 as soon as a too-large Content-Length has been parsed.
//
// Writing: the status line and headers are formatted into a reused string and
// sent with the body in one gather write. Files are sent in 64 KiB pieces read
// with pread; Beast 1.74's http::file_body cannot start at an offset (Range)
// and reads 4 KiB at a time, so it is not used.
#include "http/server.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <list>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "http/ascii.h"
#include "http/json_writer.h"
#include "http/mime.h"
#include "http/range.h"
#include "http/static_files.h"
#include "http/url.h"
#include "util/mutex.h"

namespace studio {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// After an error response the peer may still be sending the body we refused.
// Closing with unread input makes the kernel send RST, which can destroy our
// response in the client's receive queue; so we shut down our side and
// discard input for a bounded time and amount (nginx's "lingering close").
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerMaxBytes = 16u << 20;
constexpr size_t kFileChunk = 64u << 10;
constexpr size_t kMinRead = 4096;
constexpr size_t kMaxRead = 64u << 10;
// A connection keeps at most this much body capacity between requests.
constexpr size_t kKeepBodyCapacity = 64u << 10;
// At the connection cap, connections being closed to make room at most.
constexpr size_t kMaxPendingEvictions = 16;

// Sent on every response. CORS headers are added per request, only for an
// origin the operator configured (RequestPolicy).
constexpr std::string_view kCommonHeaders = "Server: song-studio\r\n";

constexpr std::string_view kCorsResponseHeaders =
    "Vary: Origin\r\n"
    "Access-Control-Expose-Headers: Content-Range, Content-Length, Accept-Ranges\r\n";

constexpr std::string_view kPreflightHeaders =
    "Access-Control-Allow-Headers: Content-Type, Authorization, Range\r\n"
    "Access-Control-Max-Age: 600\r\n";

constexpr std::string_view kAllMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
constexpr std::string_view kStaticMethods = "GET, HEAD, OPTIONS";

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string DetailJson(std::string_view detail) {
  std::string out = "{\"detail\":\"";
  AppendJsonEscaped(detail, &out);
  out += "\"}";
  return out;
}

void AppendNumber(uint64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

class Session;

// The open connections, for the cap on their number: at the cap a new
// connection closes the one that has waited longest for its next request.
class ConnectionRegistry {
 public:
  using Entry = std::list<Session*>::iterator;

  Entry Add(Session* s) {
    MutexLock lock(&mu_);
    ++open_;
    return sessions_.insert(sessions_.end(), s);
  }
  void Remove(Entry e) {
    MutexLock lock(&mu_);
    sessions_.erase(e);
    --open_;
  }
  // Open connections, those being closed to make room included (their
  // descriptors are not free yet).
  size_t open() const {
    MutexLock lock(&mu_);
    return open_;
  }
  size_t evicting() const {
    MutexLock lock(&mu_);
    return evicting_;
  }
  // Picks the longest-idle session (an idle_since > 0 means it waits for a
  // request), marks it as being evicted, and returns it; null when none is
  // idle. Defined after Session.
  std::shared_ptr<Session> TakeLongestIdle();
  void EvictionDone() {
    MutexLock lock(&mu_);
    --evicting_;
  }

 private:
  mutable Mutex mu_;
  std::list<Session*> sessions_ GUARDED_BY(mu_);
  size_t open_ GUARDED_BY(mu_) = 0;
  size_t evicting_ GUARDED_BY(mu_) = 0;
};

// Everything a session needs from the server, shared read-only (but for the
// registry, which locks itself).
struct Shared {
  explicit Shared(HttpServerOptions o) : options(std::move(o)), policy(options.policy) {}
  HttpServerOptions options;
  RequestPolicy policy;
  HttpHandler handler;
  std::string static_root;  // realpath of static_dir; empty when disabled
  std::string detail_413, detail_431;
  mutable ConnectionRegistry connections;
};

// Feeds the request line, fields and body straight into an HttpRequest.
class RequestParser final : public http::basic_parser<true> {
 public:
  explicit RequestParser(HttpRequest* req) : req_(req) {}

  std::string target;
  int version = 11;
  bool expect_continue = false;

 private:
  void on_request_impl(http::verb, beast::string_view method, beast::string_view tgt,
                       int ver, beast::error_code&) override {
    req_->method.assign(method.data(), method.size());
    target.assign(tgt.data(), tgt.size());
    version = ver;
  }
  void on_response_impl(int, beast::string_view, int, beast::error_code& ec) override {
    ec = http::error::bad_method;  // never called for a request parser
  }
  void on_field_impl(http::field name, beast::string_view name_str, beast::string_view value,
                     beast::error_code&) override {
    std::string key = AsciiLower({name_str.data(), name_str.size()});
    if (name == http::field::expect && IEquals({value.data(), value.size()}, "100-continue")) {
      expect_continue = true;
    }
    auto [it, inserted] = req_->headers.try_emplace(std::move(key), value.data(), value.size());
    if (!inserted) {
      it->second += ", ";
      it->second.append(value.data(), value.size());
    }
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length,
                         beast::error_code&) override {
    // The parser has already checked the length against body_limit.
    if (length) req_->body.reserve(static_cast<size_t>(*length));
  }
  size_t on_body_impl(beast::string_view s, beast::error_code&) override {
    req_->body.append(s.data(), s.size());
    return s.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, beast::string_view s, beast::error_code&) override {
    req_->body.append(s.data(), s.size());
    return s.size();
  }
  void on_finish_impl(beast::error_code&) override {}

  HttpRequest* req_;
};

// One connection. All its callbacks run one at a time (on a strand when the
// server has several threads), so the members need no locking.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<const Shared> shared)
      : stream_(std::move(socket)), shared_(std::move(shared)) {
    registry_entry_ = shared_->connections.Add(this);
  }

  ~Session() {
    if (file_fd_ >= 0) ::close(file_fd_);
    shared_->connections.Remove(registry_entry_);
  }

  asio::any_io_executor executor() { return stream_.get_executor(); }

  // When the session waits for a request: since when (steady-clock ticks),
  // else 0. Read by the registry under its lock, from any thread.
  int64_t idle_since() const { return idle_since_.load(std::memory_order_relaxed); }
  std::atomic<bool> evicting{false};  // set by the registry under its lock

  // Closes the connection to make room for a new one, unless a request has
  // started on it meanwhile. Runs on the session's executor.
  void Evict() {
    if (idle_since() != 0) {
      spdlog::debug("http: {} closed to make room for a new connection", remote_);
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_.socket().close(ignored);
      idle_since_.store(0, std::memory_order_relaxed);  // closed: never a candidate again
    }
    evicting = false;
    shared_->connections.EvictionDone();
  }

  void Start() {
    beast::error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      remote_ = ep.address().to_string();
      remote_ += ':';
      remote_ += std::to_string(ep.port());
    } else {
      remote_ = "-";
    }
    BeginRequest();
  }

 private:
  const HttpServerOptions& opts() const { return shared_->options; }

  // ---- reading ----

  void BeginRequest() {
    req_.method.clear();
    req_.path.clear();
    req_.query.clear();
    req_.headers.clear();
    if (req_.body.capacity() > kKeepBodyCapacity) {
      std::string().swap(req_.body);
    } else {
      req_.body.clear();
    }
    parser_.emplace(&req_);
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<size_t>(opts().max_header_bytes, UINT32_MAX)));
    parser_->body_limit(static_cast<std::uint64_t>(opts().max_body_bytes));
    parser_->eager(true);
    header_checked_ = false;
    cors_allow_origin_.clear();
    head_ = false;
    version_ = 11;
    log_method_ = "-";
    if (buffer_.size() > 0) {  // pipelined: the next request has started
      StartRequestClock();
      Parse();
      return;
    }
    in_request_ = false;
    idle_since_.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
    // A fresh connection gets the request timeout for its first byte: it has
    // not earned the longer keep-alive wait.
    stream_.expires_after(std::chrono::seconds(
        first_request_ ? opts().read_timeout_seconds : opts().idle_timeout_seconds));
    Read();
  }

  void StartRequestClock() {
    in_request_ = true;
    idle_since_.store(0, std::memory_order_relaxed);
    started_ = Clock::now();
    stream_.expires_after(std::chrono::seconds(opts().read_timeout_seconds));
  }

  void Read() {
    // Headers arrive in small reads; a body gets large ones.
    size_t n = parser_->is_header_done()
                   ? kMaxRead
                   : std::clamp(buffer_.capacity() - buffer_.size(), kMinRead, kMaxRead);
    stream_.async_read_some(buffer_.prepare(n),
                            beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t n) {
    buffer_.commit(n);
    if (ec) {
      if (ec == beast::error::timeout && in_request_) {
        spdlog::debug("http: {} request read timed out", remote_);
      }
      // EOF, reset, timeout or Stop(): the stream is closed when we go away.
      return;
    }
    if (!in_request_) StartRequestClock();
    Parse();
  }

  void Parse() {
    while (buffer_.size() > 0) {
      beast::error_code ec;
      size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) break;
      if (ec) return OnParseError(ec);
      if (parser_->is_done()) return OnRequest();
      if (used == 0) break;  // not expected; read more rather than spin
    }
    // Need more input. A client that sent "Expect: 100-continue" waits for
    // our go-ahead before sending the body.
    if (!header_checked_ && parser_->is_header_done()) {
      header_checked_ = true;
      if (parser_->expect_continue && buffer_.size() == 0) {
        asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (!ec) self->Read();
                          });
        return;
      }
    }
    Read();
  }

  void OnParseError(beast::error_code ec) {
    if (!req_.method.empty()) log_method_ = req_.method;
    keep_alive_ = false;
    linger_ = true;
    if (ec == http::error::body_limit) {
      SendJson(413, shared_->detail_413);
    } else if (ec == http::error::header_limit) {
      SendJson(431, shared_->detail_431);
    } else {
      SendJson(400, DetailJson("Malformed HTTP request: " + ec.message()));
    }
  }

  // ---- routing ----

  void OnRequest() {
    keep_alive_ = parser_->keep_alive();
    version_ = parser_->version;
    head_ = req_.method == "HEAD";
    log_method_ = req_.method;

    std::string_view target = parser_->target;
    // Absolute-form ("http://host/path"), which RFC 9112 asks servers to accept.
    if (target.size() > 7 && (target.substr(0, 7) == "http://" || target.substr(0, 8) == "https://")) {
      size_t slash = target.find('/', target.find("//") + 2);
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
    size_t qmark = target.find('?');
    PercentDecode(target.substr(0, qmark), false, &req_.path);
    if (qmark != std::string_view::npos) ParseQuery(target.substr(qmark + 1), &req_.query);

    if (req_.path.empty() || req_.path[0] != '/') {
      return SendJson(400, DetailJson("Invalid request target"));
    }
    const RequestPolicy& policy = shared_->policy;
    const std::string host = req_.Header("host");
    if (host.empty() && version_ >= 11) return SendJson(400, DetailJson("Missing Host header"));
    if (!policy.HostAllowed(host)) {
      return SendJson(421, DetailJson("This server does not answer for that host name; "
                                      "its operator can allow it with --allowed-host"));
    }

    const std::string& prefix = opts().api_prefix;
    const std::string& path = req_.path;
    bool api = prefix.empty() ||
               (path.compare(0, prefix.size(), prefix) == 0 &&
                (path.size() == prefix.size() || path[prefix.size()] == '/'));

    const std::string origin = req_.Header("origin");
    if (req_.method == "OPTIONS") return SendPreflight(api, origin, host);
    OriginDecision decision = policy.DecideOrigin(origin, host, req_.method);
    if (decision.kind == OriginDecision::kRefused) return SendCrossOriginRefusal();
    cors_allow_origin_ = std::move(decision.allow_origin);

    if (api) {
      if (!req_.body.empty() && !RequestPolicy::IsJsonContentType(req_.Header("content-type"))) {
        return SendJson(415, DetailJson("Request bodies must be JSON: send "
                                        "Content-Type: application/json"));
      }
      return CallHandler();
    }
    if (req_.method != "GET" && !head_) {
      return SendJson(405, DetailJson("Method Not Allowed"), "Allow: GET, HEAD, OPTIONS\r\n");
    }
    ServeStatic();
  }

  // The methods `path` (a full path, API prefix included) answers.
  std::string MethodsFor(bool api) const {
    if (!api) return std::string(kStaticMethods);
    if (!opts().api_methods) return std::string(kAllMethods);
    std::string relative = req_.path.substr(opts().api_prefix.size());
    if (relative.empty()) relative = "/";
    std::string methods = opts().api_methods(relative);
    return methods.empty() ? std::string(kAllMethods) : methods;
  }

  void SendCrossOriginRefusal() {
    SendJson(403, DetailJson("Cross-origin requests from this origin are not allowed; "
                             "the studio's operator can allow one with --cors-origin"));
  }

  // OPTIONS: the methods of the path, and for a configured origin the CORS
  // preflight answer. A refused origin learns nothing and gets no CORS
  // headers, so the browser never sends the real request.
  void SendPreflight(bool api, const std::string& origin, const std::string& host) {
    std::string methods = MethodsFor(api);
    std::string extra = "Allow: " + methods + "\r\n";
    if (!origin.empty()) {
      std::string wanted = req_.Header("access-control-request-method");
      OriginDecision d = shared_->policy.DecideOrigin(origin, host, wanted.empty() ? "OPTIONS" : wanted);
      if (d.kind == OriginDecision::kRefused) return SendCrossOriginRefusal();
      if (d.kind == OriginDecision::kCors) {
        cors_allow_origin_ = d.allow_origin;
        extra += "Access-Control-Allow-Methods: ";
        extra += d.reads_only ? std::string(kStaticMethods) : methods;
        extra += "\r\n";
        extra += kPreflightHeaders;
      }
    }
    BeginHead(204);
    out_head_ += extra;
    out_body_.clear();
    FinishStringResponse();
  }

  void CallHandler() {
    const std::string& prefix = opts().api_prefix;
    if (!prefix.empty()) {
      req_.path.erase(0, prefix.size());
      if (req_.path.empty()) req_.path = "/";
    }
    if (head_) req_.method = "GET";
    HttpResponse res;
    try {
      res = shared_->handler(req_);
    } catch (const std::exception& e) {
      spdlog::error("http: handler threw on {} {}: {}", log_method_, parser_->target, e.what());
      return SendJson(500, DetailJson("Internal server error"));
    } catch (...) {
      spdlog::error("http: handler threw a non-exception on {} {}", log_method_, parser_->target);
      return SendJson(500, DetailJson("Internal server error"));
    }
    if (res.file_path) {
      return SendFile(res.status, res.content_type, &res.headers, {}, *res.file_path,
                      res.remove_file_after_open);
    }
    if (res.stream) return SendStream(res);
    BeginHead(res.status);
    if (!res.content_type.empty()) AppendHeader("Content-Type", res.content_type);
    AppendExtraHeaders(res.headers);
    out_body_ = std::move(res.body);
    FinishStringResponse();
  }

  void ServeStatic() {
    const std::string& root = shared_->static_root;
    const std::string& path = req_.path;
    if (root.empty() || path.find('\0') != std::string::npos ||
        path.find('\\') != std::string::npos || HasDotSegment(path)) {
      return SendJson(404, DetailJson("Not Found"));
    }
    bool fallback = true;
    if (path.size() > 1 && path.back() != '/') {
      std::string full = root + path;
      struct stat st;
      if (::stat(full.c_str(), &st) == 0) {
        if (S_ISREG(st.st_mode)) {
          if (!RealPathInside(full, root)) return SendJson(404, DetailJson("Not Found"));
          bool asset = path.compare(0, 8, "/assets/") == 0;
          bool index = path == "/index.html";
          return SendFile(200, ContentTypeFor(path), nullptr,
                          asset ? "public, max-age=31536000, immutable"
                                : (index ? "no-cache" : ""),
                          full);
        }
        // A directory or other non-file: the app's route, not a file.
      } else {
        // "/jobs/abc" is a client-side route; "/assets/gone.js" is a missing
        // file, and HTML in its place would only confuse the browser.
        fallback = !LastSegmentHasExtension(path);
      }
    }
    if (!fallback) return SendJson(404, DetailJson("Not Found"));
    SendFile(200, "text/html; charset=utf-8", nullptr, "no-cache", root + "/index.html");
  }

  // ---- writing ----

  void BeginHead(int status) {
    status_ = status;
    out_head_.clear();
    out_head_ += "HTTP/1.1 ";
    AppendNumber(static_cast<uint64_t>(status), &out_head_);
    out_head_ += ' ';
    auto reason = http::obsolete_reason(static_cast<http::status>(status));
    out_head_.append(reason.data(), reason.size());
    out_head_ += "\r\n";
    out_head_ += kCommonHeaders;
    if (!cors_allow_origin_.empty()) {
      out_head_ += "Access-Control-Allow-Origin: ";
      out_head_ += cors_allow_origin_;
      out_head_ += "\r\n";
      out_head_ += kCorsResponseHeaders;
    }
  }

  void AppendHeader(std::string_view name, std::string_view value) {
    out_head_ += name;
    out_head_ += ": ";
    out_head_ += value;
    out_head_ += "\r\n";
  }

  void AppendExtraHeaders(const std::vector<std::pair<std::string, std::string>>& headers) {
    for (const auto& [name, value] : headers) {
      if (name.find_first_of("\r\n") != std::string::npos ||
          value.find_first_of("\r\n") != std::string::npos) {
        spdlog::error("http: dropped a header with a line break in it: {}", name.substr(0, 64));
        continue;
      }
      if (IEquals(name, "content-length") || IEquals(name, "connection") ||
          IEquals(name, "transfer-encoding") || IEquals(name, "server")) {
        continue;
      }
      AppendHeader(name, value);
    }
  }

  // Content-Length (unless the status has no body), Connection, blank line.
  void FinishHead(uint64_t content_length) {
    bool bodiless = status_ == 204 || status_ == 304 || (status_ >= 100 && status_ < 200);
    if (!bodiless) {
      out_head_ += "Content-Length: ";
      AppendNumber(content_length, &out_head_);
      out_head_ += "\r\n";
    }
    if (!keep_alive_) {
      out_head_ += "Connection: close\r\n";
    } else if (version_ == 10) {
      out_head_ += "Connection: keep-alive\r\n";
    }
    out_head_ += "\r\n";
  }

  void FinishStringResponse() {
    bool bodiless = status_ == 204 || status_ == 304 || (status_ >= 100 && status_ < 200);
    if (bodiless) out_body_.clear();
    FinishHead(out_body_.size());
    body_bytes_ = head_ ? 0 : out_body_.size();
    pieces_[0] = asio::buffer(out_head_);
    pieces_[1] = head_ ? asio::const_buffer() : asio::buffer(out_body_);
    file_left_ = 0;
    WriteSome();
  }

  void SendJson(int status, std::string body, std::string_view extra_headers = {}) {
    BeginHead(status);
    out_head_ += "Content-Type: application/json\r\n";
    out_head_ += extra_headers;
    out_body_ = std::move(body);
    FinishStringResponse();
  }

  void SendFile(int status, std::string_view content_type,
                const std::vector<std::pair<std::string, std::string>>* extra,
                std::string_view cache_control, const std::string& path, bool remove_after_open = false) {
    if (file_fd_ >= 0) ::close(file_fd_);
    file_fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (remove_after_open) ::unlink(path.c_str());
    struct stat st;
    if (file_fd_ < 0 || ::fstat(file_fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
      if (file_fd_ < 0 && errno != ENOENT) {
        spdlog::warn("http: cannot open {}: {}", path, std::strerror(errno));
      }
      CloseFile();
      return SendJson(404, DetailJson("File not found"));
    }
    uint64_t size = static_cast<uint64_t>(st.st_size);
    uint64_t first = 0, length = size;
    ByteRange range;
    if (status == 200) {
      auto it = req_.headers.find("range");
      if (it != req_.headers.end()) range = ParseRange(it->second, size);
    }
    if (range.kind == ByteRange::kUnsatisfiable) {
      CloseFile();
      std::string extra_head = "Content-Range: bytes */";
      AppendNumber(size, &extra_head);
      extra_head += "\r\nAccept-Ranges: bytes\r\n";
      return SendJson(416, DetailJson("Requested range not satisfiable"), extra_head);
    }
    BeginHead(range.kind == ByteRange::kSatisfiable ? 206 : status);
    if (!content_type.empty()) AppendHeader("Content-Type", content_type);
    if (!cache_control.empty()) AppendHeader("Cache-Control", cache_control);
    out_head_ += "Accept-Ranges: bytes\r\n";
    if (range.kind == ByteRange::kSatisfiable) {
      first = range.first;
      length = range.last - range.first + 1;
      out_head_ += "Content-Range: bytes ";
      AppendNumber(range.first, &out_head_);
      out_head_ += '-';
      AppendNumber(range.last, &out_head_);
      out_head_ += '/';
      AppendNumber(size, &out_head_);
      out_head_ += "\r\n";
    }
    if (extra) AppendExtraHeaders(*extra);
    FinishHead(length);
    out_body_.clear();
    pieces_[0] = asio::buffer(out_head_);
    pieces_[1] = asio::const_buffer();
    body_bytes_ = head_ ? 0 : length;
    file_off_ = first;
    file_left_ = head_ ? 0 : length;
    if (file_left_ == 0) CloseFile();
    if (file_left_ > 0 && !ReadFileChunk()) return;
    WriteSome();
  }

  // A streamed body (HttpResponse::stream): the head, then each chunk as
  // `next` produces it; the end of the body is the end of the connection.
  void SendStream(HttpResponse& res) {
    keep_alive_ = false;
    body_stream_ = std::move(res.stream);
    BeginHead(res.status);
    if (!res.content_type.empty()) AppendHeader("Content-Type", res.content_type);
    AppendHeader("Cache-Control", "no-cache");
    AppendExtraHeaders(res.headers);
    out_head_ += "Connection: close\r\n\r\n";
    out_body_.clear();
    stream_more_ = !head_ && body_stream_->next(&out_body_);
    if (head_) out_body_.clear();
    body_bytes_ = out_body_.size();
    pieces_[0] = asio::buffer(out_head_);
    pieces_[1] = asio::buffer(out_body_);
    file_left_ = 0;
    WriteSome();
  }

  void WaitForStream() {
    stream_timer_.expires_after(std::chrono::milliseconds(body_stream_->poll_ms));
    stream_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->NextStreamChunk();
    });
  }

  void NextStreamChunk() {
    out_body_.clear();
    stream_more_ = body_stream_->next(&out_body_);
    if (out_body_.empty()) {
      if (stream_more_) return WaitForStream();
      return Finish(beast::error_code());
    }
    body_bytes_ += out_body_.size();
    pieces_[0] = asio::const_buffer();
    pieces_[1] = asio::buffer(out_body_);
    WriteSome();
  }

  void CloseFile() {
    if (file_fd_ >= 0) ::close(file_fd_);
    file_fd_ = -1;
  }

  // Reads the next piece of the file into pieces_[1]. On failure the
  // connection is dropped: the status line has promised the bytes.
  bool ReadFileChunk() {
    if (!file_buf_) file_buf_ = std::make_unique<char[]>(kFileChunk);
    size_t want = static_cast<size_t>(std::min<uint64_t>(file_left_, kFileChunk));
    ssize_t n;
    do {
      n = ::pread(file_fd_, file_buf_.get(), want, static_cast<off_t>(file_off_));
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
      spdlog::error("http: reading a file for {} failed: {}", parser_->target,
                    n == 0 ? "file shrank" : std::strerror(errno));
      CloseFile();
      beast::error_code ignored;
      stream_.socket().close(ignored);
      return false;
    }
    file_off_ += static_cast<uint64_t>(n);
    file_left_ -= static_cast<uint64_t>(n);
    if (file_left_ == 0) CloseFile();
    pieces_[1] = asio::const_buffer(file_buf_.get(), static_cast<size_t>(n));
    return true;
  }

  // Writes pieces_ (and then the rest of the file). The deadline is renewed
  // for every write, so it limits stalls rather than the transfer time.
  void WriteSome() {
    stream_.expires_after(std::chrono::seconds(opts().read_timeout_seconds));
    stream_.async_write_some(pieces_,
                             beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t n) {
    if (ec) return Finish(ec);
    for (auto& piece : pieces_) {
      size_t k = std::min(n, piece.size());
      piece += k;
      n -= k;
    }
    if (pieces_[0].size() + pieces_[1].size() > 0) return WriteSome();
    if (file_left_ > 0) {
      if (!ReadFileChunk()) return;
      return WriteSome();
    }
    if (body_stream_ && stream_more_) return WaitForStream();
    Finish(ec);
  }

  void Finish(beast::error_code ec) {
    body_stream_.reset();
    LogAccess(ec);
    if (ec) return;
    first_request_ = false;
    if (linger_) return LingeringClose();
    if (!keep_alive_) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    BeginRequest();
  }

  void LogAccess(beast::error_code ec) {
    auto* logger = spdlog::default_logger_raw();
    if (!logger->should_log(spdlog::level::info)) return;
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
    std::string_view target = parser_->target.empty() ? std::string_view("-") : parser_->target;
    if (ec) {
      logger->info("{} \"{} {}\" {} {} {:.3f}ms (write failed: {})", remote_, log_method_, target,
                   status_, body_bytes_, ms, ec.message());
    } else {
      logger->info("{} \"{} {}\" {} {} {:.3f}ms", remote_, log_method_, target, status_,
                   body_bytes_, ms);
    }
  }

  void LingeringClose() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTime);
    lingered_ = 0;
    Drain();
  }

  void Drain() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(kMaxRead),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->lingered_ += n;
                              if (ec || self->lingered_ > kLingerMaxBytes) return;
                              self->Drain();
                            });
  }

  beast::tcp_stream stream_;
  std::shared_ptr<HttpResponse::Stream> body_stream_;  // set while a streamed body is being sent
  bool stream_more_ = false;                           // its `next` has more to come
  asio::steady_timer stream_timer_{stream_.get_executor()};
  std::shared_ptr<const Shared> shared_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  HttpRequest req_;

  bool first_request_ = true;
  bool in_request_ = false;
  bool header_checked_ = false;
  bool keep_alive_ = false;
  bool head_ = false;
  bool linger_ = false;
  int version_ = 11;
  Clock::time_point started_;
  std::string log_method_;
  std::string cors_allow_origin_;  // empty: no CORS headers on this answer
  std::atomic<int64_t> idle_since_{0};
  ConnectionRegistry::Entry registry_entry_;

  int status_ = 0;
  std::string out_head_;
  std::string out_body_;
  std::array<asio::const_buffer, 2> pieces_;
  uint64_t body_bytes_ = 0;
  int file_fd_ = -1;
  uint64_t file_off_ = 0;
  uint64_t file_left_ = 0;
  std::unique_ptr<char[]> file_buf_;
  size_t lingered_ = 0;
};

std::shared_ptr<Session> ConnectionRegistry::TakeLongestIdle() {
  MutexLock lock(&mu_);
  std::shared_ptr<Session> best;
  int64_t best_since = 0;
  for (Session* s : sessions_) {
    int64_t since = s->idle_since();
    if (since == 0 || s->evicting.load() || (best && since >= best_since)) continue;
    // A session whose last owner is gone is being destroyed: not a candidate.
    if (std::shared_ptr<Session> locked = s->weak_from_this().lock()) {
      best = std::move(locked);
      best_since = since;
    }
  }
  if (!best) return nullptr;
  best->evicting = true;
  ++evicting_;
  return best;
}

// The answer for a connection that finds the server full: written once,
// then the connection is closed.
constexpr std::string_view kBusyResponse =
    "HTTP/1.1 503 Service Unavailable\r\n"
    "Server: song-studio\r\n"
    "Content-Type: application/json\r\n"
    "Retry-After: 1\r\n"
    "Content-Length: 69\r\n"
    "Connection: close\r\n\r\n"
    "{\"detail\":\"The server has too many open connections; try again soon\"}";
static_assert(kBusyResponse.size() - kBusyResponse.find("\r\n\r\n") - 4 == 69);

void RejectBusy(tcp::socket socket) {
  auto sock = std::make_shared<tcp::socket>(std::move(socket));
  asio::async_write(*sock, asio::buffer(kBusyResponse.data(), kBusyResponse.size()),
                    [sock](beast::error_code, size_t) {
                      beast::error_code ignored;
                      sock->shutdown(tcp::socket::shutdown_send, ignored);
                      sock->close(ignored);
                    });
}

}  // namespace

struct HttpServer::Impl {
  Impl(HttpServerOptions options, HttpHandler handler)
      : threads(std::max(1, options.io_threads)),
        ioc(threads),
        acceptor(ioc),
        retry_timer(ioc) {
    auto s = std::make_shared<Shared>(std::move(options));
    s->handler = std::move(handler);
    s->detail_413 = DetailJson("Request body too large (limit " +
                               std::to_string(s->options.max_body_bytes) + " bytes)");
    s->detail_431 = DetailJson("Request header too large (limit " +
                               std::to_string(s->options.max_header_bytes) + " bytes)");
    shared = std::move(s);
  }

  void DoAccept() {
    // Connections being closed to make room still hold their descriptors:
    // let those closes run before taking more, so that the overshoot past
    // the cap stays within the descriptors main() keeps in reserve.
    const size_t cap = shared->options.max_connections;
    if (cap > 0 && shared->connections.evicting() >= kMaxPendingEvictions &&
        shared->connections.open() >= cap) {
      retry_timer.expires_after(std::chrono::milliseconds(1));
      retry_timer.async_wait([this](beast::error_code e) {
        if (!e) DoAccept();
      });
      return;
    }
    // With several threads each connection gets a strand, so that its
    // callbacks (and tcp_stream's timer) never run concurrently.
    asio::any_io_executor ex = threads > 1 ? asio::any_io_executor(asio::make_strand(ioc))
                                           : asio::any_io_executor(ioc.get_executor());
    acceptor.async_accept(ex, [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec == asio::error::no_descriptors || ec.value() == ENFILE) return ShedWithReserve();
      if (ec) {
        spdlog::warn("http: accept failed: {}", ec.message());
        retry_timer.expires_after(std::chrono::milliseconds(100));
        retry_timer.async_wait([this](beast::error_code e) {
          if (!e) DoAccept();
        });
        return;
      }
      const size_t cap = shared->options.max_connections;
      if (cap > 0 && shared->connections.open() >= cap) {
        if (std::shared_ptr<Session> victim = shared->connections.TakeLongestIdle()) {
          asio::dispatch(victim->executor(), [victim] { victim->Evict(); });
        } else if (shared->connections.evicting() == 0) {
          if (!warned_full.exchange(true)) {
            spdlog::warn("http: {} connections open, none idle: answering 503 (--max-connections)", cap);
          }
          RejectBusy(std::move(socket));
          return DoAccept();
        }
      }
      warned_full = false;
      std::make_shared<Session>(std::move(socket), shared)->Start();
      DoAccept();
    });
  }

  // The process is out of descriptors although the cap should prevent it
  // (other files, a cap set too high). Rather than leave the client hanging
  // in the backlog, spend the descriptor kept in reserve on accepting it and
  // telling it 503, then take the reserve back.
  void ShedWithReserve() {
    spdlog::warn("http: out of file descriptors; answering 503 (lower --max-connections)");
    if (reserve_fd >= 0) ::close(reserve_fd);
    int fd = ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd >= 0) {
      (void)!::send(fd, kBusyResponse.data(), kBusyResponse.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::close(fd);
    }
    reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    // Let a few connections close before trying again.
    retry_timer.expires_after(std::chrono::milliseconds(fd >= 0 ? 1 : 50));
    retry_timer.async_wait([this](beast::error_code e) {
      if (!e) DoAccept();
    });
  }

  void RunLoop() {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        // Handlers catch what the API throws; this is a bug or bad_alloc.
        spdlog::error("http: event loop caught: {}", e.what());
      }
    }
  }

  const int threads;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;
  std::shared_ptr<Shared> shared;
  int reserve_fd = -1;  // a descriptor to give up when accept() hits EMFILE
  std::atomic<bool> warned_full{false};
  uint16_t port = 0;
  bool started = false;
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler api_handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(api_handler))) {}

HttpServer::~HttpServer() {
  Stop();
  if (impl_->reserve_fd >= 0) ::close(impl_->reserve_fd);
}

Status HttpServer::Start() {
  Impl& im = *impl_;
  if (im.started) return Status::Internal("HttpServer::Start called twice");
  HttpServerOptions& o = im.shared->options;
  std::string where = o.host + ":" + std::to_string(o.port);

  if (!o.static_dir.empty()) {
    char* real = ::realpath(o.static_dir.c_str(), nullptr);
    if (real == nullptr) {
      spdlog::warn("http: static folder {} is not usable ({}); UI paths will answer 404",
                   o.static_dir, std::strerror(errno));
    } else {
      im.shared->static_root = real;
      std::free(real);
      // "/" as the root would make every path "inside"; keep the check exact.
      if (im.shared->static_root == "/") im.shared->static_root.clear();
    }
  }

  beast::error_code ec;
  tcp::resolver resolver(im.ioc);
  auto results = resolver.resolve(o.host, std::to_string(o.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return Status::IOError("cannot resolve " + where + ": " +
                           (ec ? ec.message() : std::string("no address")));
  }
  tcp::endpoint endpoint = results.begin()->endpoint();
  im.acceptor.open(endpoint.protocol(), ec);
  if (!ec) im.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) im.acceptor.bind(endpoint, ec);
  if (ec) {
    beast::error_code ignored;
    im.acceptor.close(ignored);
    return Status::IOError("cannot bind " + where + ": " + ec.message());
  }
  im.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    im.acceptor.close(ignored);
    return Status::IOError("cannot listen on " + where + ": " + ec.message());
  }
  im.port = im.acceptor.local_endpoint(ec).port();
  im.reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  im.started = true;
  im.DoAccept();
  spdlog::info("http: listening on {}:{} ({} io threads)", endpoint.address().to_string(), im.port,
               im.threads);
  return Status::Ok();
}

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::Run() {
  Impl& im = *impl_;
  if (!im.started) {
    spdlog::error("http: Run() without a successful Start()");
    return;
  }
  std::vector<std::thread> extra;
  extra.reserve(static_cast<size_t>(im.threads - 1));
  for (int i = 1; i < im.threads; ++i) extra.emplace_back([&im] { im.RunLoop(); });
  im.RunLoop();
  for (auto& t : extra) t.join();
  // Every thread has left the loop: nothing else touches the acceptor now.
  beast::error_code ignored;
  im.acceptor.close(ignored);
}

void HttpServer::Stop() { impl_->ioc.stop(); }

}  // namespace studio
