#include "http/range.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdint>

#include "http/ascii.h"

namespace studio {

// Parses a decimal with no sign; saturates at UINT64_MAX.
bool ParseU64(std::string_view s, uint64_t* v) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
  if (r.ec == std::errc::result_out_of_range) *v = UINT64_MAX;
  return true;
}

// RFC 9110 section 14: one range is honoured; several ranges, other units and
// syntax errors are ignored (the whole file is sent), which the RFC allows.
ByteRange ParseRange(std::string_view header, uint64_t size) {
  ByteRange r;
  header = Trim(header);
  if (header.size() < 6 || !IEquals(header.substr(0, 6), "bytes=")) return r;
  std::string_view spec = Trim(header.substr(6));
  if (spec.find(',') != std::string_view::npos) return r;
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return r;
  std::string_view a = Trim(spec.substr(0, dash));
  std::string_view b = Trim(spec.substr(dash + 1));
  if (a.empty()) {
    uint64_t n;
    if (!ParseU64(b, &n)) return r;
    if (n == 0 || size == 0) {
      r.kind = ByteRange::kUnsatisfiable;
      return r;
    }
    r.kind = ByteRange::kSatisfiable;
    r.first = n >= size ? 0 : size - n;
    r.last = size - 1;
    return r;
  }
  uint64_t first, last = UINT64_MAX;
  if (!ParseU64(a, &first)) return r;
  if (!b.empty() && !ParseU64(b, &last)) return r;
  if (last < first) return r;
  if (first >= size) {
    r.kind = ByteRange::kUnsatisfiable;
    return r;
  }
  r.kind = ByteRange::kSatisfiable;
  r.first = first;
  r.last = std::min(last, size - 1);
  return r;
}

}  // namespace studio
