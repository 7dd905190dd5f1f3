// Fnv1a: a 64-bit hash that is the same on every run, build and platform,
// for seeds derived from names (engine/composer) and for stable data hashes
// and splits (training). Not for security, not for hash tables under attack.
//
// Thread-safety: a pure function.
#pragma once

#include <cstdint>
#include <string_view>

namespace studio {

// 64-bit FNV-1a of `text`.
inline uint64_t Fnv1a(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace studio
