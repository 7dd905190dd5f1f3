#include "http/job_list_cache.h"

namespace studio {

bool JobListCache::Find(const std::string& key, int64_t version, std::string* body) const {
  std::shared_ptr<const std::string> found;
  {
    MutexLock lock(&mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.version != version) return false;
    found = it->second.body;
  }
  *body = *found;  // the copy outside the lock
  return true;
}

void JobListCache::Put(const std::string& key, int64_t version, std::string body) {
  if (capacity_ == 0) return;
  auto shared = std::make_shared<const std::string>(std::move(body));
  MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    if (it->second.version < version) it->second = Entry{version, std::move(shared)};
    return;
  }
  if (entries_.size() >= capacity_) {
    std::erase_if(entries_, [&](const auto& e) { return e.second.version < version; });
    if (entries_.size() >= capacity_) entries_.clear();
  }
  entries_.emplace(key, Entry{version, std::move(shared)});
}

}  // namespace studio
