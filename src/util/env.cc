#include "util/env.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/uuid.h"

namespace studio {

namespace {
namespace fs = std::filesystem;

class PosixEnv final : public Env {
 public:
  Micros NowMicros() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  Status WriteFileAtomically(const std::string& path, std::string_view data) override {
    std::string tmp = path + ".tmp-" + NewUuid();
    {
      errno = 0;
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) return FileError("cannot create " + tmp, errno);
      out.write(data.data(), static_cast<std::streamsize>(data.size()));
      out.flush();
      if (!out) {
        int err = errno;
        std::error_code ignored;
        fs::remove(tmp, ignored);
        return FileError("cannot write " + tmp, err);
      }
    }
    Status s = RenameFile(tmp, path);
    if (!s.ok()) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
    }
    return s;
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    std::error_code ec;
    fs::rename(from, to, ec);
    if (ec) return FileError("rename " + from + " -> " + to, ec.value());
    return Status::Ok();
  }

  Status RemoveFile(const std::string& path) override {
    std::error_code ec;
    fs::remove(path, ec);
    if (ec) return Status::IOError("remove " + path + ": " + ec.message());
    return Status::Ok();
  }

  Status CreateDirs(const std::string& path) override {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec) return FileError("mkdir " + path, ec.value());
    return Status::Ok();
  }

  bool FileExists(const std::string& path) override {
    std::error_code ec;
    return fs::exists(path, ec);
  }

  Status ReadFile(const std::string& path, std::string* out) override {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::NotFound("cannot open " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    *out = ss.str();
    return Status::Ok();
  }

  Status GetFileInfo(const std::string& path, FileInfo* out) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) return Status::NotFound("no file " + path);
      return FileError("stat " + path, errno);
    }
    out->size = st.st_size;
    out->modified_at = static_cast<Micros>(st.st_mtim.tv_sec) * 1'000'000 + st.st_mtim.tv_nsec / 1000;
    out->is_directory = S_ISDIR(st.st_mode);
    return Status::Ok();
  }

  Status ListDir(const std::string& dir, std::vector<std::string>* names) override {
    names->clear();
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      names->push_back(it->path().filename().string());
    }
    if (ec) return Status::IOError("list " + dir + ": " + ec.message());
    return Status::Ok();
  }
};
}  // namespace

bool IsDiskFullErrno(int err) { return err == ENOSPC || err == EDQUOT; }

Status FileError(const std::string& what, int err) {
  std::string message = what + ": " + (err != 0 ? std::strerror(err) : "unknown error");
  if (IsDiskFullErrno(err)) return Status::StorageFull(std::move(message));
  return Status::IOError(std::move(message));
}

Env* Env::Default() {
  static PosixEnv* env = new PosixEnv();  // never deleted: outlives every thread
  return env;
}

}  // namespace studio
