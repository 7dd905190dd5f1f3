#include "http/static_files.h"

#include <cstdlib>
#include <cstring>

namespace studio {

bool LastSegmentHasExtension(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return last.find('.') != std::string_view::npos;
}

// True for "..", "." and hidden names (".git"): none is part of a built UI,
// and refusing them all closes traversal whatever the encoding was.
bool HasDotSegment(std::string_view path) {
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i && path[i] == '.') return true;
    i = j + 1;
  }
  return false;
}

bool RealPathInside(const std::string& path, const std::string& root) {
  // A symlink may still lead out of the folder: compare real paths.
  char* real = ::realpath(path.c_str(), nullptr);
  bool inside = real != nullptr && std::strncmp(real, root.c_str(), root.size()) == 0 &&
                real[root.size()] == '/';
  std::free(real);
  return inside;
}

}  // namespace studio
