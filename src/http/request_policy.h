// RequestPolicy: who may talk to the server, decided from a request's
// headers before any handler runs (docs/SECURITY.md has the threat model).
//
//  - Host: the Host header must name the address the server listens on,
//    "localhost", an IP literal when listening on a wildcard address, or a
//    name given with --allowed-host. Anything else is a DNS-rebinding attempt
//    (a name the attacker controls resolving to our address) and gets 421.
//  - Origin: a browser names the page's origin on cross-origin requests and
//    on every POST/PATCH/PUT/DELETE. Same-origin requests (Origin equal to
//    the Host it was sent to) and requests without Origin (curl, the tests,
//    server-to-server) pass. A cross-origin request passes only when its
//    origin was configured with --cors-origin; then it gets CORS headers.
//    "*" allows any origin for reads; for writes only when `wildcard_writes`
//    (the operator configured an admin token). A refused origin gets no CORS
//    headers, and a refused write or preflight gets 403.
//  - Bodies: a request with a body must say `Content-Type: application/json`
//    (415 otherwise), so a cross-site "simple request" (text/plain, form
//    posts) can never reach a handler.
//
// Thread-safety: immutable after construction; any thread may call it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace studio {

struct RequestPolicyOptions {
  // The address or name the server listens on (--host). A wildcard
  // ("0.0.0.0", "::") lets every IP literal through.
  std::string listen_host = "127.0.0.1";
  // Further names the Host header may carry (--allowed-host), for example
  // the public name nginx forwards. Compared case-insensitively, no port.
  std::vector<std::string> allowed_hosts;
  // Origins that may call the API cross-site (--cors-origin), each
  // "scheme://host[:port]", or "*".
  std::vector<std::string> cors_origins;
  // With "*" among cors_origins: whether cross-site writes are allowed too.
  bool wildcard_writes = false;
  // False turns the Host check off (the server's own unit tests).
  bool check_host = true;
};

// What to do with a request's Origin.
struct OriginDecision {
  enum Kind {
    kNoCors,    // no Origin, or same-origin: serve, no CORS headers
    kCors,      // configured cross-site origin: serve with CORS headers
    kRefused,   // cross-site origin not allowed for this method: 403
  } kind = kNoCors;
  // For kCors: the value of Access-Control-Allow-Origin.
  std::string allow_origin;
  // For kCors: the origin may only read (GET, HEAD, OPTIONS): "*" without
  // wildcard_writes. A preflight lists those methods alone.
  bool reads_only = false;
};

class RequestPolicy {
 public:
  explicit RequestPolicy(RequestPolicyOptions options);

  // Checks an option set before the server starts: every CORS origin must be
  // "*" or "scheme://host[:port]" with no path. Returns an error message, or
  // "" when the options are usable.
  static std::string Validate(const RequestPolicyOptions& options);
  // True when "*" is among the CORS origins.
  static bool AllowsAnyOrigin(const RequestPolicyOptions& options);

  // True when `host_header` (the Host header as sent, maybe with a port) may
  // reach this server. An empty header (HTTP/1.0) passes: it cannot carry a
  // rebinding name.
  bool HostAllowed(std::string_view host_header) const;

  // Decides for a request with this Origin and Host, about to use `method`
  // (for a preflight: the Access-Control-Request-Method).
  OriginDecision DecideOrigin(std::string_view origin, std::string_view host_header,
                              std::string_view method) const;

  // True when a request of this content type may carry a body:
  // "application/json", with or without parameters, in any case.
  static bool IsJsonContentType(std::string_view content_type);

 private:
  RequestPolicyOptions options_;
  bool listen_wildcard_ = false;
  bool any_origin_ = false;
  std::vector<std::string> origins_;  // normalised, without "*"
};

// The credentials of an "Authorization: Bearer <token>" header: the scheme
// in any case, whitespace around it and the token ignored (RFC 7235); empty
// when the header is absent, names another scheme or carries no token.
std::string BearerToken(std::string_view authorization);

// Lower-case host of a Host header value: "[::1]:8000" -> "::1",
// "Example.COM:80" -> "example.com". Exposed for tests.
std::string HostOfHostHeader(std::string_view host_header);

}  // namespace studio
