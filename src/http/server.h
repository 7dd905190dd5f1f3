// HttpServer: an asynchronous HTTP/1.1 server on Boost.Beast.
//
// Requests whose path starts with the API prefix ("/api") go to the API
// handler; every other GET/HEAD is served from the static folder, falling
// back to index.html so that client-side routes (/jobs/{id}) open the app.
// The server owns the transport rules that every route shares: body and
// header size limits (413/431 with a JSON detail, the body not read to the
// end), read timeouts against slow clients, keep-alive, CORS headers and
// OPTIONS preflight, HTTP Range on file responses, one access-log line per
// request.
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

#include "util/status.h"

namespace studio {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // percent-decoded, without the query string
  std::unordered_map<std::string, std::string> query;  // decoded; last value wins
  std::unordered_map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // Empty when the header is absent. `name` must be lower-case.
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // When set, the body is this file instead of `body`; the server applies
  // Range requests (206/416) and sets Accept-Ranges.
  std::optional<std::string> file_path;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;  // 0 picks a free port; see HttpServer::port()
  int io_threads = 2;
  std::string api_prefix = "/api";
  std::string static_dir;  // UI files; empty serves a 404 JSON for non-API paths
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 << 10;
  int read_timeout_seconds = 30;  // whole request, headers and body
  int idle_timeout_seconds = 60;  // keep-alive connection waiting for a request
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler api_handler);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // Binds and starts listening. Returns IOError when the address is taken.
  Status Start();
  // The bound port (useful after port 0). REQUIRES: Start() succeeded.
  uint16_t port() const;
  // Serves until Stop() is called; runs io_threads threads (the caller's included).
  void Run();
  // Stops accepting and ends Run(). Safe to call from a signal-handling thread.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace studio
