// FileStorage: where the studio keeps its files (rendered audio, adapter
// style versions), addressed by key ("audio/<job_id>/<audio_id>.wav",
// "adapters/<id>/v2.json") so that the rows store keys, never machine paths.
//
// Every process of a studio must see the same storage: with several API and
// worker processes (PostgreSQL deployments) the local implementation's root
// is a shared volume (docs/DEPLOYMENT.md). An object store can implement the
// same interface: staging stays a local file the renderer writes, Publish
// uploads it, and LocalPath returns nullopt so readers go through Read.
//
// Nothing half-written is ever visible under a key: new objects are staged
// and published whole.
//
// Thread-safety: every method may be called from any thread concurrently.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/env.h"
#include "util/status.h"

namespace studio {

class FileStorage {
 public:
  FileStorage() = default;
  FileStorage(const FileStorage&) = delete;
  FileStorage& operator=(const FileStorage&) = delete;
  virtual ~FileStorage() = default;

  // A local file the caller may write the new object `key` into, then
  // Publish (or DiscardStaged). Its folder exists when this returns ok.
  virtual Status PrepareStaging(const std::string& key, std::string* staging_path) = 0;
  // Makes the staged bytes of `key` visible under `key`, all at once.
  virtual Status Publish(const std::string& key) = 0;
  // Removes the staged, unpublished bytes of `key`. Best effort.
  virtual void DiscardStaged(const std::string& key) = 0;
  // Removes everything staged but unpublished one level below `prefix`
  // (a crashed writer's leftovers). Best effort.
  virtual void DiscardAllStaged(const std::string& prefix) = 0;
  // Writes a small object whole.
  virtual Status Put(const std::string& key, const std::string& bytes) = 0;
  virtual Status Read(const std::string& key, std::string* bytes) = 0;
  // Removing a missing object succeeds.
  virtual Status Remove(const std::string& key) = 0;
  // The object's bytes as a local file (for zero-copy serving with Range),
  // or nullopt when the storage is not local.
  virtual std::optional<std::string> LocalPath(const std::string& key) const = 0;
  // Names one level below `prefix` ("audio" → job ids). A missing prefix
  // has no names (ok, empty).
  virtual Status List(const std::string& prefix, std::vector<std::string>* names) = 0;
  // Size and modification time of the object (or folder) `key`; NotFound when absent.
  virtual Status Stat(const std::string& key, FileInfo* out) = 0;
};

// Files under `root` on a local (or mounted shared) file system, through
// `env`. REQUIRES: env outlives the storage.
std::unique_ptr<FileStorage> NewLocalFileStorage(Env* env, std::string root);

}  // namespace studio
