// The HTTP Range request header (RFC 9110 section 14), for file responses.
// One byte range is honoured; several ranges, other units and syntax errors
// are ignored (the whole file is sent), which the RFC allows. Pure
// functions, safe from any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace studio {

struct ByteRange {
  // kNone: send the whole file (200). kSatisfiable: send [first, last]
  // (206). kUnsatisfiable: 416 with "Content-Range: bytes */size".
  enum Kind { kNone, kSatisfiable, kUnsatisfiable } kind = kNone;
  uint64_t first = 0, last = 0;  // inclusive; last < size when kSatisfiable
};

// Parses a decimal with no sign, no spaces and at least one digit into *v;
// a value over UINT64_MAX saturates at UINT64_MAX. Returns false (and leaves
// *v unspecified) on anything else.
bool ParseU64(std::string_view s, uint64_t* v);

// The range that header value `header` asks of a file of `size` bytes:
// "bytes=a-b", "bytes=a-" or the suffix form "bytes=-n" (the last n bytes),
// case-insensitive unit, spaces and tabs allowed around the parts. A start at
// or past the end, a zero-length suffix, or any range of an empty file is
// unsatisfiable; an end past the end is clipped.
ByteRange ParseRange(std::string_view header, uint64_t size);

}  // namespace studio
