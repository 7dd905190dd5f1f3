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

// Sent on every response. CORS is wide open: the API authenticates with a
// bearer token, never with cookies, so "*" gives a page nothing it could not
// get with curl.
constexpr std::string_view kCommonHeaders =
    "Server: song-studio\r\n"
    "Access-Control-Allow-Origin: *\r\n"
    "Access-Control-Expose-Headers: Content-Range, Content-Length, Accept-Ranges\r\n";

constexpr std::string_view kPreflightHeaders =
    "Access-Control-Allow-Methods: GET, POST, PATCH, DELETE, OPTIONS\r\n"
    "Access-Control-Allow-Headers: Content-Type, Authorization, Range\r\n"
    "Access-Control-Max-Age: 86400\r\n"
    "Allow: GET, HEAD, POST, PATCH, DELETE, OPTIONS\r\n";

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

// Everything a session needs from the server, shared read-only.
struct Shared {
  HttpServerOptions options;
  HttpHandler handler;
  std::string static_root;  // realpath of static_dir; empty when disabled
  std::string detail_413, detail_431;
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
    std::string key(name_str.data(), name_str.size());
    for (char& c : key) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
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
      : stream_(std::move(socket)), shared_(std::move(shared)) {}

  ~Session() {
    if (file_fd_ >= 0) ::close(file_fd_);
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
    head_ = false;
    version_ = 11;
    log_method_ = "-";
    if (buffer_.size() > 0) {  // pipelined: the next request has started
      StartRequestClock();
      Parse();
      return;
    }
    in_request_ = false;
    // A fresh connection gets the request timeout for its first byte: it has
    // not earned the longer keep-alive wait.
    stream_.expires_after(std::chrono::seconds(
        first_request_ ? opts().read_timeout_seconds : opts().idle_timeout_seconds));
    Read();
  }

  void StartRequestClock() {
    in_request_ = true;
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

    if (req_.method == "OPTIONS") return SendPreflight();
    if (req_.path.empty() || req_.path[0] != '/') {
      return SendJson(400, DetailJson("Invalid request target"));
    }

    const std::string& prefix = opts().api_prefix;
    const std::string& path = req_.path;
    bool api = prefix.empty() ||
               (path.compare(0, prefix.size(), prefix) == 0 &&
                (path.size() == prefix.size() || path[prefix.size()] == '/'));
    if (api) return CallHandler();
    if (req_.method != "GET" && !head_) {
      return SendJson(405, DetailJson("Method Not Allowed"), "Allow: GET, HEAD, OPTIONS\r\n");
    }
    ServeStatic();
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
      return SendFile(res.status, res.content_type, &res.headers, {}, *res.file_path);
    }
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

  void SendPreflight() {
    BeginHead(204);
    out_head_ += kPreflightHeaders;
    out_body_.clear();
    FinishStringResponse();
  }

  void SendFile(int status, std::string_view content_type,
                const std::vector<std::pair<std::string, std::string>>* extra,
                std::string_view cache_control, const std::string& path) {
    if (file_fd_ >= 0) ::close(file_fd_);
    file_fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
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
    Finish(ec);
  }

  void Finish(beast::error_code ec) {
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

}  // namespace

struct HttpServer::Impl {
  Impl(HttpServerOptions options, HttpHandler handler)
      : threads(std::max(1, options.io_threads)),
        ioc(threads),
        acceptor(ioc),
        retry_timer(ioc) {
    auto s = std::make_shared<Shared>();
    s->options = std::move(options);
    s->handler = std::move(handler);
    s->detail_413 = DetailJson("Request body too large (limit " +
                               std::to_string(s->options.max_body_bytes) + " bytes)");
    s->detail_431 = DetailJson("Request header too large (limit " +
                               std::to_string(s->options.max_header_bytes) + " bytes)");
    shared = std::move(s);
  }

  void DoAccept() {
    // With several threads each connection gets a strand, so that its
    // callbacks (and tcp_stream's timer) never run concurrently.
    asio::any_io_executor ex = threads > 1 ? asio::any_io_executor(asio::make_strand(ioc))
                                           : asio::any_io_executor(ioc.get_executor());
    acceptor.async_accept(ex, [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        spdlog::warn("http: accept failed: {}", ec.message());
        // Out of descriptors: give connections time to close instead of
        // spinning on a listening socket that stays readable.
        retry_timer.expires_after(std::chrono::milliseconds(100));
        retry_timer.async_wait([this](beast::error_code e) {
          if (!e) DoAccept();
        });
        return;
      }
      std::make_shared<Session>(std::move(socket), shared)->Start();
      DoAccept();
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
  uint16_t port = 0;
  bool started = false;
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler api_handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(api_handler))) {}

HttpServer::~HttpServer() { Stop(); }

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
