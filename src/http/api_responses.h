// The pieces every Api handler file shares (api.cc, api_trash.cc): JSON
// answers, the Status -> HTTP status mapping, body parsing. Internal to
// http/.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "domain/types.h"
#include "http/routes.h"
#include "http/server.h"
#include "util/status.h"

namespace studio::api_internal {

HttpResponse JsonResponse(int status, const nlohmann::json& body);
HttpResponse RawJsonResponse(int status, std::string body);
HttpResponse Detail(int status, const std::string& detail);
// NotFound 404, InvalidArgument 422, RuleViolation 400, Conflict 409,
// Forbidden 403, Unavailable 503, StorageFull 507, anything else 500.
HttpResponse ErrorResponse(const Status& status);
// The request's JSON body; InvalidArgument when it is not JSON. An empty
// body parses as null when `allow_empty`.
Status ParseBody(const HttpRequest& req, nlohmann::json* out, bool allow_empty = false);
// The include_deleted parameter as the dispatcher resolved it.
Visibility VisibilityOf(const RouteArgs& args);

}  // namespace studio::api_internal

#define RETURN_ERROR_RESPONSE(expr)                               \
  do {                                                            \
    ::studio::Status _s = (expr);                                 \
    if (!_s.ok()) return ::studio::api_internal::ErrorResponse(_s); \
  } while (0)
