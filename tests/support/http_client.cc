#include "support/http_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace studio::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Runs one asynchronous operation to its end. Beast's stream timeouts
// (expires_after) only apply to asynchronous operations, so every step of
// a request goes through here instead of the blocking calls.
template <typename StartOp>
beast::error_code RunToEnd(asio::io_context& ioc, StartOp start) {
  beast::error_code result = asio::error::operation_aborted;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

beast::error_code Connect(asio::io_context& ioc, beast::tcp_stream& stream,
                          const std::string& host, uint16_t port,
                          std::chrono::milliseconds timeout) {
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return ec;
  stream.expires_after(timeout);
  return RunToEnd(ioc, [&](auto handler) {
    stream.async_connect(tcp::endpoint(address, port), std::move(handler));
  });
}

// Reads one response from `stream` into `result`. Returns false (with
// result->error set) when none could be read.
bool ReadResponse(asio::io_context& ioc, beast::tcp_stream& stream, beast::flat_buffer& buffer,
                  HttpResult* result) {
  http::response_parser<http::string_body> parser;
  parser.body_limit(256u << 20);  // audio files
  beast::error_code ec = RunToEnd(ioc, [&](auto handler) {
    http::async_read(stream, buffer, parser, std::move(handler));
  });
  if (ec && !(ec == http::error::end_of_stream && parser.is_done())) {
    if (!parser.is_header_done()) {
      result->error = "read: " + ec.message();
      return false;
    }
    // A header came but the body broke off: keep what we have, say so.
    result->error = "read body: " + ec.message();
  }
  auto& res = parser.get();
  result->status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    result->headers[Lower(std::string_view(field.name_string().data(),
                                           field.name_string().size()))] =
        std::string(field.value());
  }
  result->body = std::move(res.body());
  return true;
}

// With STUDIO_TEST_RECORD_RESPONSES=FILE, appends one JSON line per response
// to FILE: {method, target, status, content_type, allow, body} (body parsed
// when it is JSON, else null), for tests/openapi/check-responses.mjs to check
// against the OpenAPI document. One write(2) per line on an O_APPEND file,
// so lines of concurrent tests and processes do not interleave.
void Record(std::string_view method, std::string_view target, const HttpResult& r) {
  static const char* file = std::getenv("STUDIO_TEST_RECORD_RESPONSES");
  if (file == nullptr || *file == '\0' || r.status == 0) return;
  Json line = {{"method", std::string(method)},
               {"target", std::string(target)},
               {"status", r.status},
               {"content_type", r.Header("content-type")},
               {"allow", r.Header("allow")},
               {"body", nullptr}};
  if (r.Header("content-type").rfind("application/json", 0) == 0 && !r.body.empty()) {
    Json body = r.json();
    line["body"] = body.is_discarded() ? Json("<not JSON>") : body;
  }
  std::string text = line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  int fd = ::open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  ssize_t ignored = ::write(fd, text.data(), text.size());
  (void)ignored;
  ::close(fd);
}

}  // namespace

Json HttpResult::json() const { return Json::parse(body, nullptr, /*allow_exceptions=*/false); }

std::string HttpResult::Header(std::string_view name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string HttpResult::Describe() const {
  if (status == 0) return "no response (" + error + ")";
  std::string shown = body.size() > 600 ? body.substr(0, 600) + "..." : body;
  return std::to_string(status) + " " + shown;
}

HttpClient::HttpClient(std::string host, uint16_t port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

HttpResult HttpClient::Request(std::string_view method, std::string_view target,
                               const std::optional<Json>& json, const Headers& headers) const {
  if (json.has_value()) return RequestRaw(method, target, json->dump(), "application/json", headers);
  return RequestRaw(method, target, std::string(), "", headers);
}

namespace {

// Writes one request on `stream` and reads its answer into *result.
// Returns false when the connection can no longer be used.
bool Exchange(asio::io_context& ioc, beast::tcp_stream& stream, beast::flat_buffer& buffer,
              const std::string& host, uint16_t port, bool keep_alive, std::string_view method,
              std::string_view target, std::string body, std::string_view content_type,
              const Headers& headers, HttpResult* result) {
  http::request<http::string_body> req;
  req.method_string(beast::string_view(method.data(), method.size()));
  req.target(beast::string_view(target.data(), target.size()));
  req.version(11);
  req.set(http::field::host, host + ":" + std::to_string(port));
  req.set(http::field::connection, keep_alive ? "keep-alive" : "close");
  req.set(http::field::user_agent, "studio-blackbox-tests");
  if (!content_type.empty()) req.set(http::field::content_type, std::string(content_type));
  for (const auto& [name, value] : headers) req.set(name, value);
  const bool has_body = !body.empty() || method == "POST" || method == "PATCH" || method == "PUT";
  req.body() = std::move(body);
  if (has_body) req.prepare_payload();

  // Head and body are written separately so that a server that answers
  // early (413) and closes does not hide its answer behind our write error.
  http::request_serializer<http::string_body> serializer(req);
  beast::error_code ec = RunToEnd(ioc, [&](auto handler) {
    http::async_write_header(stream, serializer, std::move(handler));
  });
  if (!ec) {
    ec = RunToEnd(ioc, [&](auto handler) {
      http::async_write(stream, serializer, std::move(handler));
    });
  }
  const std::string write_error = ec ? "write: " + ec.message() : "";
  if (!ReadResponse(ioc, stream, buffer, result)) {
    if (!write_error.empty()) result->error = write_error + "; " + result->error;
    return false;
  }
  Record(method, target, *result);
  if (!write_error.empty() || !result->error.empty()) return false;
  const std::string connection = result->Header("connection");
  return connection.find("close") == std::string::npos;
}

}  // namespace

HttpResult HttpClient::RequestRaw(std::string_view method, std::string_view target,
                                  std::string body, std::string_view content_type,
                                  const Headers& headers) const {
  HttpResult result;
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec = Connect(ioc, stream, host_, port_, timeout_);
  if (ec) {
    result.error = "connect: " + ec.message();
    return result;
  }
  beast::flat_buffer buffer;
  Exchange(ioc, stream, buffer, host_, port_, /*keep_alive=*/false, method, target,
           std::move(body), content_type, headers, &result);
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return result;
}

// ---------------------------------------------------------------------------

struct HttpConnection::Impl {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool open = false;
};

HttpConnection::HttpConnection(std::string host, uint16_t port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout), impl_(std::make_unique<Impl>()) {
  beast::error_code ec = Connect(impl_->ioc, impl_->stream, host_, port_, timeout_);
  impl_->open = !ec;
}

HttpConnection::~HttpConnection() {
  beast::error_code ec;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

bool HttpConnection::open() const { return impl_->open; }

HttpResult HttpConnection::RequestRaw(std::string_view method, std::string_view target,
                                      std::string body, std::string_view content_type,
                                      const Headers& headers) {
  HttpResult result;
  if (!impl_->open) {
    result.error = "connection closed";
    return result;
  }
  impl_->stream.expires_after(timeout_);
  impl_->open = Exchange(impl_->ioc, impl_->stream, impl_->buffer, host_, port_,
                         /*keep_alive=*/true, method, target, std::move(body), content_type,
                         headers, &result);
  return result;
}

HttpResult HttpConnection::Request(std::string_view method, std::string_view target,
                                   const std::optional<Json>& json, const Headers& headers) {
  if (json.has_value()) return RequestRaw(method, target, json->dump(), "application/json", headers);
  return RequestRaw(method, target, std::string(), "", headers);
}

HttpResult HttpClient::RequestTruncatedBody(std::string_view method, std::string_view target,
                                            size_t declared_length, std::string sent_body,
                                            const Headers& headers) const {
  HttpResult result;
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec = Connect(ioc, stream, host_, port_, timeout_);
  if (ec) {
    result.error = "connect: " + ec.message();
    return result;
  }
  std::string head = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\n";
  head += "Host: " + host_ + ":" + std::to_string(port_) + "\r\n";
  head += "Connection: close\r\nContent-Type: application/json\r\n";
  head += "Content-Length: " + std::to_string(declared_length) + "\r\n";
  for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
  head += "\r\n";
  ec = RunToEnd(ioc, [&](auto handler) {
    asio::async_write(stream, asio::buffer(head), std::move(handler));
  });
  if (!ec && !sent_body.empty()) {
    ec = RunToEnd(ioc, [&](auto handler) {
      asio::async_write(stream, asio::buffer(sent_body), std::move(handler));
    });
  }
  // Whatever happened to the write, the answer is what matters.
  beast::flat_buffer buffer;
  ReadResponse(ioc, stream, buffer, &result);
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return result;
}

}  // namespace studio::testing
