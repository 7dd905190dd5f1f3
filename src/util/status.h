// Status: the result of an operation that can fail, carried as a value.
//
// Errors never cross a layer as exceptions: store, lifecycle, engine and
// worker return Status; the HTTP layer maps Status::Code to an HTTP status
// (see http/api.cc). A Status is cheap to copy when ok().
#pragma once

#include <string>
#include <utility>

namespace studio {

class Status {
 public:
  enum class Code {
    kOk,
    kNotFound,         // the thing does not exist, or is deleted (404)
    kInvalidArgument,  // malformed or out-of-range input (422)
    kRuleViolation,    // well-formed but forbidden by a lifecycle rule (400)
    kConflict,         // clashes with existing state, e.g. a live name (409)
    kForbidden,        // not allowed for this caller (403)
    kUnavailable,      // a dependency is away for now; retrying may work (503)
    kCancelled,        // work stopped because its job was cancelled/deleted
    kStorageFull,      // the disk or the database has no room left (507)
    kIOError,          // file system or database failure (500)
    kInternal,         // a bug (500)
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status NotFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status InvalidArgument(std::string m) { return Status(Code::kInvalidArgument, std::move(m)); }
  static Status RuleViolation(std::string m) { return Status(Code::kRuleViolation, std::move(m)); }
  static Status Conflict(std::string m) { return Status(Code::kConflict, std::move(m)); }
  static Status Forbidden(std::string m) { return Status(Code::kForbidden, std::move(m)); }
  static Status Unavailable(std::string m) { return Status(Code::kUnavailable, std::move(m)); }
  static Status Cancelled(std::string m) { return Status(Code::kCancelled, std::move(m)); }
  static Status StorageFull(std::string m) { return Status(Code::kStorageFull, std::move(m)); }
  static Status IOError(std::string m) { return Status(Code::kIOError, std::move(m)); }
  static Status Internal(std::string m) { return Status(Code::kInternal, std::move(m)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsCancelled() const { return code_ == Code::kCancelled; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }
  bool IsStorageFull() const { return code_ == Code::kStorageFull; }
  const std::string& message() const { return message_; }
  std::string ToString() const;
  // The same status with "context: " before its message (ok stays ok).
  Status WithContext(const std::string& context) const {
    return ok() ? *this : Status(code_, context + ": " + message_);
  }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace studio

// Returns early from the enclosing function when `expr` is not ok.
#define STUDIO_RETURN_IF_ERROR(expr)          \
  do {                                        \
    ::studio::Status _st = (expr);            \
    if (!_st.ok()) return _st;                \
  } while (0)
