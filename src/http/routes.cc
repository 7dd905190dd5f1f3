#include "http/routes.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "domain/validation.h"
#include "http/ascii.h"

namespace studio {

using json = nlohmann::json;

namespace {

constexpr size_t kMaxSegments = kMaxPathSegments;

// Splits `path` into its non-empty segments; false when there are more than
// kMaxSegments (no route has that many).
bool SplitPath(std::string_view path, std::array<std::string_view, kMaxSegments>* out, size_t* n) {
  *n = 0;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) {
      if (*n == kMaxSegments) return false;
      (*out)[(*n)++] = path.substr(start, end - start);
    }
    start = end + 1;
  }
  return true;
}

std::string JoinValues(const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + values[i];
  return out;
}

}  // namespace

const QueryValue& RouteArgs::Query(std::string_view name) const {
  for (size_t i = 0; i < route->query.size(); ++i) {
    if (route->query[i].name == name) return values[i];
  }
  throw std::logic_error("route " + route->path + " has no query parameter " + std::string(name));
}

RouteTable::RouteTable(std::vector<Route> routes) : routes_(std::move(routes)) {
  static const char* kOrder[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  bool used[5] = {};
  for (const Route& r : routes_) {
    if (r.query.size() > kMaxQueryParams) throw std::logic_error("too many query parameters: " + r.path);
    std::vector<std::string> segments;
    std::array<std::string_view, kMaxSegments> parts;
    size_t n;
    if (r.path.empty() || r.path[0] != '/' || !SplitPath(r.path, &parts, &n)) {
      throw std::logic_error("bad route path: " + r.path);
    }
    for (size_t i = 0; i < n; ++i) segments.emplace_back(parts[i]);
    auto it = std::find_if(patterns_.begin(), patterns_.end(),
                           [&](const Pattern& p) { return p.segments == segments; });
    if (it == patterns_.end()) {
      Pattern p;
      p.segments = segments;
      p.has_param = std::any_of(segments.begin(), segments.end(),
                                [](const std::string& s) { return s.front() == '{'; });
      patterns_.push_back(std::move(p));
      it = patterns_.end() - 1;
    }
    for (const Route* other : it->routes) {
      if (other->method == r.method) throw std::logic_error("duplicate route " + r.method + " " + r.path);
    }
    it->routes.push_back(&r);
    for (int m = 0; m < 5; ++m) used[m] |= r.method == kOrder[m];
  }
  std::stable_partition(patterns_.begin(), patterns_.end(), [](const Pattern& p) { return !p.has_param; });
  // Allow values list methods in one order: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS.
  auto allow = [](auto has) {
    std::string out;
    for (const char* m : kOrder) {
      if (!has(m)) continue;
      out += out.empty() ? "" : ", ";
      out += m;
      if (std::string_view(m) == "GET") out += ", HEAD";
    }
    out += out.empty() ? "OPTIONS" : ", OPTIONS";
    return out;
  };
  for (Pattern& p : patterns_) {
    p.allow = allow([&](std::string_view m) {
      return std::any_of(p.routes.begin(), p.routes.end(), [&](const Route* r) { return r->method == m; });
    });
  }
  all_methods_ = allow([&](std::string_view m) {
    for (int i = 0; i < 5; ++i) {
      if (kOrder[i] == m) return used[i];
    }
    return false;
  });
}

const RouteTable::Pattern* RouteTable::FindPattern(std::string_view path, PathIds* ids) const {
  std::array<std::string_view, kMaxSegments> parts;
  size_t n;
  if (!SplitPath(path, &parts, &n)) return nullptr;
  for (const Pattern& p : patterns_) {
    if (p.segments.size() != n) continue;
    bool match = true;
    for (size_t i = 0; i < n && match; ++i) {
      const std::string& s = p.segments[i];
      match = s.front() == '{' || s == parts[i];
    }
    if (!match) continue;
    if (ids != nullptr) {
      ids->size = 0;
      for (size_t i = 0; i < n; ++i) {
        if (p.segments[i].front() == '{') ids->ids[ids->size++] = parts[i];
      }
    }
    return &p;
  }
  return nullptr;
}

RouteTable::MatchResult RouteTable::Match(std::string_view method, std::string_view path,
                                          const Route** route, PathIds* ids,
                                          std::string_view* allow) const {
  const Pattern* p = FindPattern(path, ids);
  if (p == nullptr) return MatchResult::kNotFound;
  if (method == "HEAD") method = "GET";
  for (const Route* r : p->routes) {
    if (r->method == method) {
      *route = r;
      return MatchResult::kFound;
    }
  }
  *allow = p->allow;
  return MatchResult::kMethodNotAllowed;
}

std::string_view RouteTable::AllowedMethods(std::string_view path) const {
  const Pattern* p = FindPattern(path, nullptr);
  return p == nullptr ? std::string_view() : std::string_view(p->allow);
}

Status RouteTable::ParseQuery(const Route& route, const HttpRequest& req,
                              const std::function<Status(bool, int64_t*)>& resolve_visibility,
                              RouteArgs* args) const {
  using T = QueryParam::Type;
  args->route = &route;
  for (size_t i = 0; i < route.query.size(); ++i) {
    const QueryParam& q = route.query[i];
    QueryValue& v = args->values[i];
    v = QueryValue();
    auto it = req.query.find(q.name);
    const bool given = it != req.query.end() && (!it->second.empty() || q.type == T::kCsv);
    auto fail = [&](std::string made_up) {
      return Status::InvalidArgument(q.error.empty() ? std::move(made_up) : q.error);
    };
    if (!given) {
      if (q.default_int) v.present = true, v.integer = *q.default_int;
      if (q.type == T::kVisibility) {
        STUDIO_RETURN_IF_ERROR(resolve_visibility(false, &v.integer));
      }
      continue;
    }
    const std::string& text = it->second;
    v.present = true;
    switch (q.type) {
      case T::kInteger: {
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v.integer);
        if (ec != std::errc() || end != text.data() + text.size() || v.integer < q.min || v.integer > q.max) {
          return fail(q.name + " must be an integer between " + std::to_string(q.min) + " and " +
                      std::to_string(q.max));
        }
        break;
      }
      case T::kBoolean:
      case T::kVisibility: {
        // Any case: clients write TRUE, True and true alike.
        if (IEquals(text, "true") || text == "1") v.integer = 1;
        else if (IEquals(text, "false") || text == "0") v.integer = 0;
        else return fail(q.name + " must be true or false");
        if (q.type == T::kVisibility) {
          STUDIO_RETURN_IF_ERROR(resolve_visibility(v.integer != 0, &v.integer));
        }
        break;
      }
      case T::kUuid:
        STUDIO_RETURN_IF_ERROR(ParseUuidValue(text, q.name.c_str(), &v.text));
        break;
      case T::kDateTime: {
        std::optional<Micros> t = ParseIsoTime(text);
        if (!t) return fail(q.name + " must be an ISO-8601 date or time");
        v.time = *t;
        break;
      }
      case T::kEnum:
        if (std::find(q.values.begin(), q.values.end(), text) == q.values.end()) {
          return fail(q.name + " must be one of " + JoinValues(q.values));
        }
        v.text = text;
        break;
      case T::kCsv:
        v.text = text;
        break;
    }
  }
  return Status::Ok();
}

// ---- OpenAPI ----

namespace {

json ParamSchema(const QueryParam& q) {
  using T = QueryParam::Type;
  json s;
  switch (q.type) {
    case T::kInteger:
      s = {{"type", "integer"}, {"minimum", q.min}, {"maximum", q.max}};
      if (q.default_int) s["default"] = *q.default_int;
      break;
    case T::kBoolean:
    case T::kVisibility: s = {{"type", "boolean"}, {"default", false}}; break;
    case T::kUuid: s = {{"type", "string"}, {"format", "uuid"}}; break;
    case T::kDateTime: s = {{"type", "string"}, {"description", "ISO-8601 date or date-time"}}; break;
    case T::kEnum: s = {{"type", "string"}, {"enum", q.values}}; break;
    case T::kCsv: s = {{"type", "string"}, {"description", "comma-separated"}}; break;
  }
  return s;
}

const char* ReasonFor(int status) {
  switch (status) {
    case 400: return "Rule violation";
    case 403: return "Forbidden: include_deleted needs the admin token";
    case 404: return "Not found";
    case 409: return "Conflict";
    case 413: return "Request body too large";
    case 416: return "Range not satisfiable";
    case 422: return "Invalid input";
    case 500: return "Internal server error";
    case 501: return "Not implemented";
    case 503: return "Database busy or unavailable";
    default: return "Error";
  }
}

}  // namespace

json RouteTable::OpenApi(const std::string& version, const json& components) const {
  json paths = json::object();
  for (const Route& r : routes_) {
    json op = {{"operationId", r.operation_id}, {"summary", r.summary}, {"tags", {r.tag}}};
    json params = json::array();
    for (const std::string& seg : FindPattern(r.path, nullptr)->segments) {
      if (seg.front() != '{') continue;
      params.push_back({{"name", seg.substr(1, seg.size() - 2)},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "string"}, {"format", "uuid"}}}});
    }
    for (const QueryParam& q : r.query) {
      json p = {{"name", q.name}, {"in", "query"}, {"required", false}, {"schema", ParamSchema(q)}};
      if (!q.description.empty()) p["description"] = q.description;
      params.push_back(std::move(p));
    }
    if (!params.empty()) op["parameters"] = std::move(params);
    if (!r.request_body.is_null()) {
      op["requestBody"] = {{"required", !r.body_optional},
                           {"content", {{"application/json", {{"schema", r.request_body}}}}}};
    }
    json responses = json::object();
    for (const RouteResponse& res : r.responses) {
      json out = {{"description", res.description}};
      if (!res.content_type.empty()) {
        json media = json::object();
        if (!res.schema.is_null()) media["schema"] = res.schema;
        out["content"] = {{res.content_type, media}};
        for (const auto& [type, schema] : res.other_content_types) out["content"][type] = {{"schema", schema}};
      }
      responses[std::to_string(res.status)] = std::move(out);
    }
    for (int status : r.errors) {
      responses[std::to_string(status)] = {
          {"description", ReasonFor(status)},
          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
    }
    op["responses"] = std::move(responses);
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    paths[r.path][method] = std::move(op);
  }
  return {{"openapi", "3.1.0"},
          {"info",
           {{"title", "Song Studio API"},
            {"version", version},
            {"description",
             "Text-to-music studio: prompts, generation jobs, audio samples, adapters, feedback. "
             "Errors are {\"detail\": string}. Generated from the server's route table."}}},
          {"servers", {{{"url", "/api"}}}},
          {"paths", std::move(paths)},
          {"components", {{"schemas", components}}}};
}

}  // namespace studio
