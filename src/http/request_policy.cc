#include "http/request_policy.h"

#include <boost/asio/ip/address.hpp>

#include "http/ascii.h"

namespace studio {
namespace {

bool IsWildcard(const std::string& host) {
  return host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]";
}

bool IsReadMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

// "HTTP://Example.com:8080/" -> "http://example.com:8080"; "" when it is not
// an origin (no scheme, a path, a query).
std::string NormaliseOrigin(std::string_view origin) {
  origin = Trim(origin);
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
  return AsciiLower(scheme) + "://" + AsciiLower(authority);
}

}  // namespace

std::string HostOfHostHeader(std::string_view host_header) {
  std::string_view h = Trim(host_header);
  if (!h.empty() && h.front() == '[') {
    size_t close = h.find(']');
    return AsciiLower(close == std::string_view::npos ? h.substr(1) : h.substr(1, close - 1));
  }
  size_t colon = h.rfind(':');
  // Only one colon can separate a port; an unbracketed IPv6 literal has several.
  if (colon != std::string_view::npos && h.find(':') == colon) h = h.substr(0, colon);
  if (!h.empty() && h.back() == '.') h.remove_suffix(1);  // "localhost." is localhost
  return AsciiLower(h);
}

std::string BearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer";
  std::string_view h = Trim(authorization);
  if (h.size() <= kScheme.size() || !IEquals(h.substr(0, kScheme.size()), kScheme)) return "";
  std::string_view rest = h.substr(kScheme.size());
  if (rest.front() != ' ' && rest.front() != '\t') return "";  // "Bearerxyz" is another scheme
  return std::string(Trim(rest));
}

RequestPolicy::RequestPolicy(RequestPolicyOptions options) : options_(std::move(options)) {
  listen_wildcard_ = IsWildcard(options_.listen_host);
  options_.listen_host = HostOfHostHeader(options_.listen_host);
  for (std::string& name : options_.allowed_hosts) name = HostOfHostHeader(name);
  any_origin_ = AllowsAnyOrigin(options_);
  for (const std::string& origin : options_.cors_origins) {
    if (std::string o = NormaliseOrigin(origin); !o.empty()) origins_.push_back(std::move(o));
  }
}

bool RequestPolicy::AllowsAnyOrigin(const RequestPolicyOptions& options) {
  for (const std::string& origin : options.cors_origins) {
    if (Trim(origin) == "*") return true;
  }
  return false;
}

std::string RequestPolicy::Validate(const RequestPolicyOptions& options) {
  for (const std::string& origin : options.cors_origins) {
    if (Trim(origin) == "*") continue;
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
  if (Trim(host_header).empty()) return true;
  const std::string host = HostOfHostHeader(host_header);
  if (host == "localhost" || host == options_.listen_host) return true;
  // An IP literal names no DNS record an attacker could rebind: any passes
  // a wildcard listener, and a loopback one a listener on "localhost".
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (!ec && (listen_wildcard_ || (address.is_loopback() && options_.listen_host == "localhost"))) {
    return true;
  }
  for (const std::string& name : options_.allowed_hosts) {
    if (host == name) return true;
  }
  return false;
}

OriginDecision RequestPolicy::DecideOrigin(std::string_view origin, std::string_view host_header,
                                           std::string_view method) const {
  OriginDecision d;
  origin = Trim(origin);
  if (origin.empty()) return d;
  std::string normalised = NormaliseOrigin(origin);
  // Same-origin: the page was loaded from the very authority it now calls.
  if (!normalised.empty()) {
    std::string authority = normalised.substr(normalised.find("://") + 3);
    if (IEquals(authority, Trim(host_header))) return d;
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
    d.reads_only = !options_.wildcard_writes;
    return d;
  }
  // A foreign page may still read what a plain GET shows it (without CORS
  // headers the browser hides the answer), but never change anything.
  d.kind = IsReadMethod(method) ? OriginDecision::kNoCors : OriginDecision::kRefused;
  return d;
}

bool RequestPolicy::IsJsonContentType(std::string_view content_type) {
  std::string_view t = Trim(content_type.substr(0, content_type.find(';')));
  return IEquals(t, "application/json");
}

}  // namespace studio
