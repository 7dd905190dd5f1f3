// RouteTable: every /api route as one declarative entry — method, path
// pattern, query parameters (types, ranges, defaults), request body schema,
// responses with their schemas, error statuses — and the handler. The one
// description that dispatch (Api::Handle), the 405 Allow header, the CORS
// preflight's allowed methods and the OpenAPI document
// (GET /api/openapi.json) all read, so none of them can drift from the
// others.
//
// Matching allocates nothing: a path is split into string_views on the
// stack and compared with each pattern. Literal segments win over "{id}"
// ("/jobs/stats" is not a job id): every pattern without a parameter is
// tried before any pattern with one.
//
// Thread-safety: a RouteTable is immutable after construction; any number of
// threads may call its const methods concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/server.h"
#include "util/status.h"
#include "util/time_format.h"

namespace studio {

// A query parameter of a route. Absent or empty values take the default
// (or stay absent when there is none); a malformed one is a 422 with
// `error` (or a message made from the type and range).
struct QueryParam {
  enum class Type {
    kInteger,     // [min, max]
    kBoolean,     // true/false/1/0
    kUuid,        // normalised to lower case
    kDateTime,    // ISO-8601 date or date-time (util/time_format.h)
    kEnum,        // one of `values`
    kCsv,         // a comma-separated list of strings, given as is
    kVisibility,  // include_deleted: a boolean resolved by the Lifecycle (403)
  };
  std::string name{};
  Type type = Type::kInteger;
  int64_t min = 0, max = 0;                 // kInteger
  std::vector<std::string> values{};        // kEnum
  std::optional<int64_t> default_int{};     // kInteger
  std::string description{};
  std::string error{};                      // overrides the made-up message
};

// One parsed query value; `present` is false when the parameter was absent
// or empty and has no default.
struct QueryValue {
  bool present = false;
  int64_t integer = 0;  // kInteger; kBoolean and kVisibility as 0/1
  std::string text;     // kUuid, kEnum, kCsv
  Micros time = 0;      // kDateTime
};

struct RouteResponse {
  int status;
  std::string description;
  // The JSON schema of the body; null for a body that is not JSON or absent.
  nlohmann::json schema;
  // Empty: no body (204). Default: application/json.
  std::string content_type = "application/json";
  // Other media types the same response may be sent as, each with its schema.
  std::vector<std::pair<std::string, nlohmann::json>> other_content_types{};
};

class Api;
struct RouteArgs;
using RouteHandler = HttpResponse (Api::*)(const HttpRequest&, const RouteArgs&) const;

struct Route {
  std::string method{};  // "GET", "POST", "PATCH", "DELETE"
  std::string path{};    // relative to /api: "/jobs/{id}/delete-preview"
  std::string operation_id{}, summary{}, tag{};
  std::vector<QueryParam> query{};  // in the order they are checked
  nlohmann::json request_body{};    // schema; null when the route takes none
  bool body_optional = false;       // the body may be left out
  std::vector<RouteResponse> responses{};  // the successful ones
  std::vector<int> errors{};  // statuses answered with {"detail": string}
  RouteHandler handler = nullptr;
};

constexpr size_t kMaxQueryParams = 8;
constexpr size_t kMaxPathSegments = 8;

// The raw text of a path's "{id}" segments, in order (views into the path).
struct PathIds {
  std::array<std::string_view, kMaxPathSegments> ids;
  size_t size = 0;
};

// What a handler gets: the validated {id} segments in path order and the
// route's query values, by the index in Route::query.
struct RouteArgs {
  const Route* route = nullptr;
  std::vector<std::string> ids;
  std::array<QueryValue, kMaxQueryParams> values;
  std::string request_id;  // X-Request-Id: the client's when well-formed, else a new one

  // The parameter named `name` of this route. REQUIRES: the route has it.
  const QueryValue& Query(std::string_view name) const;
  int64_t Int(std::string_view name) const { return Query(name).integer; }
  bool Has(std::string_view name) const { return Query(name).present; }
};

class RouteTable {
 public:
  // REQUIRES: paths start with '/', no two routes share method and path,
  // no route has more than kMaxQueryParams query parameters.
  explicit RouteTable(std::vector<Route> routes);
  RouteTable(const RouteTable&) = delete;
  RouteTable& operator=(const RouteTable&) = delete;

  enum class MatchResult { kFound, kMethodNotAllowed, kNotFound };
  // Finds the route for `method` (HEAD counts as GET) on `path` (relative to
  // the API prefix). kFound sets *route and the "{id}" segments' raw text in
  // *ids (not yet validated); kMethodNotAllowed sets *allow to the path's
  // methods; kNotFound when no pattern matches.
  MatchResult Match(std::string_view method, std::string_view path, const Route** route,
                    PathIds* ids, std::string_view* allow) const;

  // The methods served on `path` (relative to the API prefix) as an Allow
  // header value ("GET, HEAD, DELETE, OPTIONS"); empty for an unknown path.
  std::string_view AllowedMethods(std::string_view path) const;
  // Every method of every route, as an Allow value.
  std::string_view AllMethods() const { return all_methods_; }

  const std::vector<Route>& routes() const { return routes_; }

  // Parses req.query into *args per route.query (kVisibility is left to
  // `resolve_visibility`, which gets the boolean and returns 0/1 or an error).
  // Returns the first malformed parameter's InvalidArgument.
  Status ParseQuery(const Route& route, const HttpRequest& req,
                    const std::function<Status(bool include_deleted, int64_t* out)>& resolve_visibility,
                    RouteArgs* args) const;

  // The OpenAPI 3.1 document of the table; `components` are the shared
  // schemas it refers to ("#/components/schemas/Job").
  nlohmann::json OpenApi(const std::string& version, const nlohmann::json& components) const;

 private:
  struct Pattern {
    std::vector<std::string> segments;  // "{id}" matches any one segment
    bool has_param = false;
    std::vector<const Route*> routes;   // one per method
    std::string allow;
  };
  const Pattern* FindPattern(std::string_view path, PathIds* ids) const;

  std::vector<Route> routes_;
  std::vector<Pattern> patterns_;  // literal patterns first
  std::string all_methods_;
};

}  // namespace studio
