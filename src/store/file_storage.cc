#include "store/file_storage.h"

#include "store/storage_keys.h"

namespace studio {

namespace {

std::string ParentOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// Staged files sit next to their final name (StagedName), so Publish is a
// rename within one folder: atomic on a local or shared POSIX file system.
class LocalFileStorage : public FileStorage {
 public:
  LocalFileStorage(Env* env, std::string root) : env_(env), root_(std::move(root)) {}

  Status PrepareStaging(const std::string& key, std::string* staging_path) override {
    const std::string path = Path(key);
    STUDIO_RETURN_IF_ERROR(env_->CreateDirs(ParentOf(path)));
    *staging_path = StagedName(path);
    return Status::Ok();
  }

  Status Publish(const std::string& key) override {
    const std::string path = Path(key);
    return env_->RenameFile(StagedName(path), path);
  }

  void DiscardStaged(const std::string& key) override { env_->RemoveFile(StagedName(Path(key))); }

  void DiscardAllStaged(const std::string& prefix) override {
    const std::string dir = Path(prefix);
    std::vector<std::string> names;
    if (!env_->ListDir(dir, &names).ok()) return;
    for (const auto& name : names) {
      if (IsStagedName(name)) env_->RemoveFile(dir + "/" + name);
    }
  }

  Status Put(const std::string& key, const std::string& bytes) override {
    const std::string path = Path(key);
    STUDIO_RETURN_IF_ERROR(env_->CreateDirs(ParentOf(path)));
    return env_->WriteFileAtomically(path, bytes);
  }

  Status Read(const std::string& key, std::string* bytes) override {
    return env_->ReadFile(Path(key), bytes);
  }

  Status Remove(const std::string& key) override { return env_->RemoveFile(Path(key)); }

  std::optional<std::string> LocalPath(const std::string& key) const override { return Path(key); }

  Status List(const std::string& prefix, std::vector<std::string>* names) override {
    names->clear();
    if (!env_->FileExists(Path(prefix))) return Status::Ok();
    return env_->ListDir(Path(prefix), names);
  }

  Status Stat(const std::string& key, FileInfo* out) override { return env_->GetFileInfo(Path(key), out); }

 private:
  std::string Path(const std::string& key) const { return root_ + "/" + key; }

  Env* const env_;
  const std::string root_;
};

}  // namespace

std::unique_ptr<FileStorage> NewLocalFileStorage(Env* env, std::string root) {
  return std::make_unique<LocalFileStorage>(env, std::move(root));
}

}  // namespace studio
