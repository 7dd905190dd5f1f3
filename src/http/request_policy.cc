#include "http/request_policy.h"

#include <boost/asio/ip/address.hpp>

namespace studio {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsIpLiteral(const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

bool IsWildcard(const std::string& host) {
  return host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]";
}

bool IsReadMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

// "HTTP://Example.com:8080/" -> "http://example.com:8080"; "" when it is not
// an origin (no scheme, a path, a query).
std::string NormaliseOrigin(std::string_view origin) {
  origin = TrimSpaces(origin);
  size_t scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return "";
  std::string_view scheme = origin.substr(0, scheme_end);
  std::string_view authority = origin.substr(scheme_end + 3);
  if (!authority.empty() && authority.back() == '/') authority.remove_suffix(1);
  if (authority.empty() || authority.find_first_of("/?#@ ") != std::string_view::npos) return "";
  for (char c : scheme) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '-' || c == '.';
    if (!ok) return "";
  }
  return Lower(scheme) + "://" + Lower(authority);
}

}  // namespace

std::string HostOfHostHeader(std::string_view host_header) {
  std::string_view h = TrimSpaces(host_header);
  if (!h.empty() && h.front() == '[') {
    size_t close = h.find(']');
    return Lower(close == std::string_view::npos ? h.substr(1) : h.substr(1, close - 1));
  }
  size_t colon = h.rfind(':');
  // Only one colon can separate a port; an unbracketed IPv6 literal has several.
  if (colon != std::string_view::npos && h.find(':') == colon) h = h.substr(0, colon);
  if (!h.empty() && h.back() == '.') h.remove_suffix(1);  // "localhost." is localhost
  return Lower(h);
}

RequestPolicy::RequestPolicy(RequestPolicyOptions options) : options_(std::move(options)) {
  listen_wildcard_ = IsWildcard(options_.listen_host);
  options_.listen_host = HostOfHostHeader(options_.listen_host);
  for (std::string& name : options_.allowed_hosts) name = HostOfHostHeader(name);
  for (const std::string& origin : options_.cors_origins) {
    if (TrimSpaces(origin) == "*") {
      any_origin_ = true;
    } else if (std::string o = NormaliseOrigin(origin); !o.empty()) {
      origins_.push_back(std::move(o));
    }
  }
}

std::string RequestPolicy::Validate(const RequestPolicyOptions& options) {
  for (const std::string& origin : options.cors_origins) {
    if (TrimSpaces(origin) == "*") continue;
    if (NormaliseOrigin(origin).empty()) {
      return "--cors-origin " + origin +
             " is not an origin: give scheme://host[:port] (no path), or *";
    }
  }
  for (const std::string& name : options.allowed_hosts) {
    if (HostOfHostHeader(name).empty()) return "--allowed-host must not be empty";
  }
  return "";
}

bool RequestPolicy::HostAllowed(std::string_view host_header) const {
  if (!options_.check_host) return true;
  if (TrimSpaces(host_header).empty()) return true;
  const std::string host = HostOfHostHeader(host_header);
  if (host == "localhost" || host == options_.listen_host) return true;
  // An IP literal names no DNS record an attacker could rebind. On a
  // loopback listener only loopback literals can reach us anyway.
  if (IsIpLiteral(host)) {
    if (listen_wildcard_) return true;
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(host, ec);
    if (!ec && address.is_loopback() && options_.listen_host == "localhost") return true;
  }
  for (const std::string& name : options_.allowed_hosts) {
    if (host == name) return true;
  }
  return false;
}

OriginDecision RequestPolicy::DecideOrigin(std::string_view origin, std::string_view host_header,
                                           std::string_view method) const {
  OriginDecision d;
  origin = TrimSpaces(origin);
  if (origin.empty()) return d;
  std::string normalised = NormaliseOrigin(origin);
  // Same-origin: the page was loaded from the very authority it now calls.
  if (!normalised.empty()) {
    std::string authority = normalised.substr(normalised.find("://") + 3);
    if (authority == Lower(TrimSpaces(host_header))) return d;
  }
  for (const std::string& allowed : origins_) {
    if (normalised == allowed) {
      d.kind = OriginDecision::kCors;
      d.allow_origin = normalised;
      return d;
    }
  }
  if (any_origin_ && (IsReadMethod(method) || options_.wildcard_writes)) {
    d.kind = OriginDecision::kCors;
    d.allow_origin = "*";
    return d;
  }
  // A foreign page may still read what a plain GET shows it (without CORS
  // headers the browser hides the answer), but never change anything.
  d.kind = IsReadMethod(method) ? OriginDecision::kNoCors : OriginDecision::kRefused;
  return d;
}

bool RequestPolicy::IsJsonContentType(std::string_view content_type) {
  std::string_view t = TrimSpaces(content_type.substr(0, content_type.find(';')));
  return Lower(t) == "application/json";
}

}  // namespace studio
