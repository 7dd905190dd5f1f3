#include "util/status.h"

namespace studio {

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kNotFound: name = "NotFound"; break;
    case Code::kInvalidArgument: name = "InvalidArgument"; break;
    case Code::kRuleViolation: name = "RuleViolation"; break;
    case Code::kConflict: name = "Conflict"; break;
    case Code::kForbidden: name = "Forbidden"; break;
    case Code::kUnavailable: name = "Unavailable"; break;
    case Code::kCancelled: name = "Cancelled"; break;
    case Code::kStorageFull: name = "StorageFull"; break;
    case Code::kIOError: name = "IOError"; break;
    case Code::kInternal: name = "Internal"; break;
  }
  return std::string(name) + ": " + message_;
}

}  // namespace studio
