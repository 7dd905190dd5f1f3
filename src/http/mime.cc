#include "http/mime.h"

#include "http/ascii.h"

namespace studio {

std::string_view ContentTypeFor(std::string_view path) {
  struct Entry {
    std::string_view ext, type;
  };
  static constexpr Entry kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"wav", "audio/wav"},
      {"mp3", "audio/mpeg"},
      {"txt", "text/plain; charset=utf-8"},
      {"woff2", "font/woff2"},
      {"woff", "font/woff"},
      {"webmanifest", "application/manifest+json"},
  };
  size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  if (dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash)) {
    std::string_view ext = path.substr(dot + 1);
    for (const Entry& e : kTypes) {
      if (IEquals(e.ext, ext)) return e.type;
    }
  }
  return "application/octet-stream";
}

}  // namespace studio
