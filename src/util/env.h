// Env: the one seam between the studio and the operating system's files and
// clock, after LevelDB's Env. Production code uses Env::Default(); tests
// derive from EnvWrapper and override a single call to inject a fault
// (a failing rename, a full disk) or to move the clock without sleeping.
//
// Thread-safety: every method may be called from any thread concurrently.
// Ownership: Env::Default() belongs to the process and must never be deleted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"
#include "util/time_format.h"

namespace studio {

// What GetFileInfo reports about a file.
struct FileInfo {
  int64_t size = 0;
  Micros modified_at = 0;  // last data modification
  bool is_directory = false;
};

class Env {
 public:
  Env() = default;
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;
  virtual ~Env() = default;

  static Env* Default();

  // Microseconds since the Unix epoch, UTC.
  virtual Micros NowMicros() = 0;

  // Writes `data` to `path` whole: to a temporary sibling first, then renamed,
  // so that readers see either nothing or the complete file.
  virtual Status WriteFileAtomically(const std::string& path, std::string_view data) = 0;
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  // NotFound is not an error here: removing a missing file succeeds. An
  // empty directory is removed too; a non-empty one is an IOError.
  virtual Status RemoveFile(const std::string& path) = 0;
  virtual Status CreateDirs(const std::string& path) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  virtual Status ReadFile(const std::string& path, std::string* out) = 0;
  // Names (not paths) of the entries of `dir`.
  virtual Status ListDir(const std::string& dir, std::vector<std::string>* names) = 0;
  // NotFound when `path` does not exist.
  virtual Status GetFileInfo(const std::string& path, FileInfo* out) = 0;
};

// Forwards every call to another Env; override what a test needs to change.
class EnvWrapper : public Env {
 public:
  // REQUIRES: target outlives this wrapper.
  explicit EnvWrapper(Env* target) : target_(target) {}
  Micros NowMicros() override { return target_->NowMicros(); }
  Status WriteFileAtomically(const std::string& p, std::string_view d) override {
    return target_->WriteFileAtomically(p, d);
  }
  Status RenameFile(const std::string& f, const std::string& t) override {
    return target_->RenameFile(f, t);
  }
  Status RemoveFile(const std::string& p) override { return target_->RemoveFile(p); }
  Status CreateDirs(const std::string& p) override { return target_->CreateDirs(p); }
  bool FileExists(const std::string& p) override { return target_->FileExists(p); }
  Status ReadFile(const std::string& p, std::string* out) override {
    return target_->ReadFile(p, out);
  }
  Status ListDir(const std::string& d, std::vector<std::string>* n) override {
    return target_->ListDir(d, n);
  }
  Status GetFileInfo(const std::string& p, FileInfo* out) override { return target_->GetFileInfo(p, out); }

 private:
  Env* target_;
};

// True when `err` (an errno value) says the disk or the quota is full.
bool IsDiskFullErrno(int err);

// A failed file operation as a Status: StorageFull when IsDiskFullErrno(err),
// else IOError; `what` names the operation and file, for the log.
Status FileError(const std::string& what, int err);

}  // namespace studio
