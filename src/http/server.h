// HttpServer: an asynchronous HTTP/1.1 server on Boost.Beast.
//
// Requests whose path is the API prefix ("/api") or lies under it ("/api/...")
// go to the API handler, with the prefix removed from HttpRequest::path
// ("/api/jobs/1" -> "/jobs/1", "/api" and "/api/" -> "/"). Every other
// GET/HEAD is served from the static folder, falling back to index.html so
// that client-side routes (/jobs/{id}) open the app; other methods there
// answer 405. OPTIONS on any path is answered by the server (204, with CORS
// headers for a configured origin) without calling the handler.
//
// The server owns the transport rules that every route shares: body and
// header size limits (413/431 with a JSON detail, the body not read to the
// end), malformed requests (400), read timeouts against slow clients,
// keep-alive and pipelining, who may call (RequestPolicy: the Host check 421,
// cross-site origins 403 and CORS headers, JSON-only bodies 415), a cap on
// open connections (the longest-idle keep-alive connection is closed to make
// room; 503 when none is idle), HTTP Range on file responses, HEAD, one
// access-log line per request (spdlog, level info), and a 500
// {"detail":"Internal server error"} when the handler throws.
//
// Thread-safety: Start/Run/Stop may be called from any thread; the handler
// is called concurrently from `io_threads` threads and must be thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "http/request_policy.h"
#include "util/status.h"

namespace studio {

struct HttpRequest {
  // "GET", "POST", ... A HEAD request reaches the API handler as "GET": the
  // server sends the headers of the handler's answer and drops its body.
  std::string method;
  // Percent-decoded ('+' stays '+'), without the query string, and without
  // the API prefix; always starts with '/'.
  std::string path;
  // Percent-decoded, '+' read as a space; "a&b=" gives a="" and b="";
  // last value wins.
  std::unordered_map<std::string, std::string> query;
  // Names lower-cased; a repeated header's values are joined with ", ".
  std::unordered_map<std::string, std::string> headers;
  std::string body;

  // Empty when the header is absent. `name` must be lower-case.
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";  // empty: no Content-Type
  std::string body;  // not sent for HEAD, 204 and 304
  // Extra headers. Content-Length, Connection, Server and the CORS headers
  // belong to the server; a header with CR or LF in it is dropped.
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the body is this file instead of `body`; the server applies
  // Range requests (206/416) when `status` is 200, sets Accept-Ranges, and
  // answers 404 JSON when the file cannot be opened.
  std::optional<std::string> file_path;
  // When set, the body is produced over time (server-sent events): the
  // server sends the head without a Content-Length, then calls
  // stream->next(&chunk) right away and every stream->poll_ms after, on
  // the connection's executor, sending what it appended, until it returns
  // false; then the connection closes. `next` must not block for long (it
  // runs on an I/O thread) and must end the stream eventually.
  struct Stream {
    std::function<bool(std::string* chunk)> next;
    int poll_ms = 250;
  };
  std::shared_ptr<Stream> stream;
  // The file is a temporary one made for this response: removed as soon as
  // it is opened (the open descriptor still reads it), or when opening fails.
  bool remove_file_after_open = false;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // an address or a resolvable name
  uint16_t port = 8000;  // 0 picks a free port; see HttpServer::port()
  int io_threads = 2;    // threads running the event loop and the handler
  // Requests at or under this path go to the handler; empty sends every path
  // to the handler (no static files).
  std::string api_prefix = "/api";
  std::string static_dir;  // UI files; empty serves a 404 JSON for non-API paths
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 << 10;
  // Whole request, headers and body, counted from its first byte (a new
  // connection gets this long for its first byte too); also the longest a
  // response write may make no progress.
  int read_timeout_seconds = 30;
  int idle_timeout_seconds = 60;  // keep-alive connection waiting for a request
  // Host, Origin and content-type rules (see request_policy.h).
  RequestPolicyOptions policy;
  // Open connections at most; 0: no cap. At the cap a new connection closes
  // the longest-idle keep-alive connection, or gets 503 when none is idle.
  size_t max_connections = 0;
  // The methods an API path answers ("GET, DELETE"), for preflights and the
  // Allow header; `api_path` is relative to api_prefix. Unset: every method.
  std::function<std::string(const std::string& api_path)> api_methods;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler api_handler);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  // Stops the server. REQUIRES: Run() has returned (or was never called).
  ~HttpServer();

  // Binds and starts listening (SO_REUSEADDR). Returns IOError naming the
  // address when it cannot be resolved, bound (e.g. already taken) or listened
  // on; connections are accepted once Run() is called.
  Status Start();
  // The bound port (useful after port 0). REQUIRES: Start() succeeded.
  uint16_t port() const;
  // Serves until Stop() is called; runs io_threads threads (the caller's
  // included) and returns once they have all stopped. Call it once. Returns
  // at once when Start() did not succeed or Stop() was already called.
  void Run();
  // Stops accepting and ends Run(); requests in progress are abandoned and
  // open connections are closed when the server is destroyed. Safe to call from any thread (a signal-handling thread included), any
  // number of times.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace studio
