// HttpClient: a small synchronous HTTP/1.1 client for black-box tests, on
// Boost.Beast. It talks to one host:port (the studio under test) and opens a
// fresh connection for every request ("Connection: close"), so that a test
// sees exactly what one request does, with no state carried between calls.
//
// Transport failures (refused connection, timeout, reset before a response)
// are not exceptions: they come back as HttpResult::status == 0 with
// HttpResult::error set, so a test can assert on them like any status.
//
// Thread-safety: an HttpClient is immutable after construction; any number
// of threads may call Request() on the same instance concurrently (each call
// has its own io_context and socket).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace studio::testing {

using Json = nlohmann::json;
// Extra request headers, sent as given (name, value).
using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResult {
  int status = 0;                              // 0 when no response was read
  std::string error;                           // transport error, empty when a response came
  std::map<std::string, std::string> headers;  // names lower-cased; last value wins
  std::string body;

  // The body parsed as JSON, or a discarded value (json().is_discarded())
  // when the body is not JSON. Never throws.
  Json json() const;
  // Empty when absent. `name` is matched case-insensitively.
  std::string Header(std::string_view name) const;
  // A one-line description for assertion messages: "404 {"detail":...}".
  std::string Describe() const;
};

class HttpClient {
 public:
  // `timeout` bounds one whole request: connect, write and read.
  HttpClient(std::string host, uint16_t port,
             std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Sends `method target`. With `json`, the body is its dump() and the
  // content type application/json. `target` is the path with its query.
  HttpResult Request(std::string_view method, std::string_view target,
                     const std::optional<Json>& json = std::nullopt,
                     const Headers& headers = {}) const;

  // Sends `body` as is with the given content type (empty: no Content-Type
  // header). Use for malformed JSON and odd content. When the server answers
  // before it has read the whole body (413), the write error is ignored and
  // the answer is still returned.
  HttpResult RequestRaw(std::string_view method, std::string_view target, std::string body,
                        std::string_view content_type = "application/json",
                        const Headers& headers = {}) const;

  // Sends the request head announcing `declared_length` body bytes but only
  // `sent_body` after it, then reads the answer. Shows whether the server
  // answers (413) without waiting for a body it will not read.
  HttpResult RequestTruncatedBody(std::string_view method, std::string_view target,
                                  size_t declared_length, std::string sent_body,
                                  const Headers& headers = {}) const;

  HttpResult Get(std::string_view target, const Headers& headers = {}) const {
    return Request("GET", target, std::nullopt, headers);
  }
  HttpResult Post(std::string_view target, const Json& json, const Headers& headers = {}) const {
    return Request("POST", target, json, headers);
  }
  HttpResult Patch(std::string_view target, const Json& json, const Headers& headers = {}) const {
    return Request("PATCH", target, json, headers);
  }
  HttpResult Delete(std::string_view target, const Headers& headers = {}) const {
    return Request("DELETE", target, std::nullopt, headers);
  }

  const std::string& host() const { return host_; }
  uint16_t port() const { return port_; }

 private:
  std::string host_;
  uint16_t port_;
  std::chrono::milliseconds timeout_;
};

// HttpConnection: one keep-alive connection for tests of the server's
// framing (several requests, errors among them, on one socket). Requests
// are sent one after another; after an answer with "Connection: close" or a
// transport error the connection is closed and open() turns false.
//
// Thread-safety: NOT thread-safe; use one HttpConnection per thread.
class HttpConnection {
 public:
  HttpConnection(std::string host, uint16_t port,
                 std::chrono::milliseconds timeout = std::chrono::seconds(30));
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;
  ~HttpConnection();

  bool open() const;
  HttpResult Request(std::string_view method, std::string_view target,
                     const std::optional<Json>& json = std::nullopt, const Headers& headers = {});
  HttpResult RequestRaw(std::string_view method, std::string_view target, std::string body,
                        std::string_view content_type = "application/json",
                        const Headers& headers = {});

 private:
  struct Impl;
  std::string host_;
  uint16_t port_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace studio::testing
