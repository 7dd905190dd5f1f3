#include "support/stored_files.h"

#include <filesystem>
#include <fstream>
#include <iterator>

namespace studio::testing {

namespace fs = std::filesystem;

StoredFiles ListStoredFiles(const std::string& data_dir, bool with_bytes) {
  StoredFiles out;
  const fs::path root(data_dir);
  for (const char* top : {"audio", "adapters"}) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root / top, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      std::error_code fec;
      if (!it->is_regular_file(fec)) continue;
      StoredFile f;
      const auto size = fs::file_size(it->path(), fec);
      if (fec) continue;  // gone since listed
      f.size = static_cast<int64_t>(size);
      if (with_bytes) {
        std::ifstream in(it->path(), std::ios::binary);
        if (!in) continue;
        f.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        f.size = static_cast<int64_t>(f.bytes.size());
      }
      out.emplace(fs::relative(it->path(), root, fec).generic_string(), std::move(f));
    }
  }
  return out;
}

int64_t TotalSize(const StoredFiles& files) {
  int64_t total = 0;
  for (const auto& [path, f] : files) total += f.size;
  return total;
}

std::string OwnerOf(const std::string& relative_path) {
  const size_t first = relative_path.find('/');
  if (first == std::string::npos) return "";
  const size_t second = relative_path.find('/', first + 1);
  return relative_path.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
}

}  // namespace studio::testing
