// JobListCache: GET /api/jobs answers kept in memory, each tagged with the
// job list version (Store::GetJobListVersion) that was read *before* the
// answer was built. An answer is served again only for a request that reads
// the very same version, so it reflects every change committed before that
// request arrived:
//
//   - every change that can alter a list answer changes the version in its
//     own transaction (migration 0006's triggers), so a change committed
//     before the request's version read is seen by that read;
//   - the version is read before the page, so a cached page is never older
//     than its version (a change committing between the two reads makes
//     the page newer than its tag, never older; the next read sees the
//     new version and rebuilds).
//
// With several processes on one PostgreSQL database each has its own cache,
// and each reads the version from the database on every request: a change
// committed by any process invalidates every process's answers at once.
//
// Thread-safety: safe for concurrent use from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "util/mutex.h"

namespace studio {

class JobListCache {
 public:
  // Holds at most `capacity` answers (distinct queries); 0 holds none.
  explicit JobListCache(size_t capacity) : capacity_(capacity) {}
  JobListCache(const JobListCache&) = delete;
  JobListCache& operator=(const JobListCache&) = delete;

  // True, with *body set, when the answer to `key` is kept at exactly `version`.
  bool Find(const std::string& key, int64_t version, std::string* body) const;
  // Keeps `body` as the answer to `key` at `version`, unless a newer one is
  // kept already (a slow request never replaces a faster, newer one). When
  // full, answers of older versions go first, then all.
  void Put(const std::string& key, int64_t version, std::string body);

 private:
  struct Entry {
    int64_t version = 0;
    std::shared_ptr<const std::string> body;
  };
  const size_t capacity_;
  mutable Mutex mu_;
  std::unordered_map<std::string, Entry> entries_ GUARDED_BY(mu_);
};

}  // namespace studio
