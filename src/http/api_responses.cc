#include "http/api_responses.h"

#include <spdlog/spdlog.h>

#include "lifecycle/messages.h"

namespace studio::api_internal {

using json = nlohmann::json;

HttpResponse JsonResponse(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

HttpResponse RawJsonResponse(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse Detail(int status, const std::string& detail) {
  return JsonResponse(status, {{"detail", detail}});
}

HttpResponse ErrorResponse(const Status& status) {
  const Status s = UserFacing(status);  // the Store's kinds of error, in words
  switch (s.code()) {
    case Status::Code::kNotFound: return Detail(404, s.message());
    case Status::Code::kInvalidArgument: return Detail(422, s.message());
    case Status::Code::kRuleViolation: return Detail(400, s.message());
    case Status::Code::kConflict: return Detail(409, s.message());
    case Status::Code::kForbidden: return Detail(403, s.message());
    case Status::Code::kUnavailable:
      // The store's message may name the database's host or socket path:
      // the log gets it, the client a fixed wording.
      spdlog::warn("answering 503: {}", s.message());
      return Detail(503, s.message().rfind("database busy", 0) == 0
                             ? "Service temporarily unavailable: the database is busy; try again"
                             : "Service temporarily unavailable: the database cannot be reached; "
                               "try again");
    case Status::Code::kStorageFull:
      spdlog::warn("storage full: {}", s.message());
      return Detail(507, "The studio's storage is full");
    default:
      spdlog::error("internal error: {}", s.ToString());
      return Detail(500, "Internal server error");
  }
}

Status ParseBody(const HttpRequest& req, json* out, bool allow_empty) {
  if (allow_empty && req.body.empty()) {
    *out = nullptr;
    return Status::Ok();
  }
  // nlohmann's parser stops at a NUL byte as if the input ended there; raw
  // NUL is never valid JSON, so "{...}\0garbage" must not parse as "{...}".
  if (req.body.find('\0') != std::string::npos) return Status::InvalidArgument("Malformed JSON body");
  *out = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded()) return Status::InvalidArgument("Malformed JSON body");
  return Status::Ok();
}

Visibility VisibilityOf(const RouteArgs& args) {
  return static_cast<Visibility>(args.Int("include_deleted"));
}

}  // namespace studio::api_internal
