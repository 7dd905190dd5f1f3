// URL decoding of request targets: the path's percent-escapes and the query
// string's name=value pairs, as HttpRequest::path and HttpRequest::query
// promise them (server.h). Pure functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

namespace studio {

// Replaces *out with `in` with its %XX escapes decoded (either case of hex
// digit). A malformed or truncated escape ("%zz", "%4") is kept literally,
// as Python's urllib.parse.unquote does, so clients of the reference system
// see the same. With plus_is_space, '+' decodes to ' ' (query strings);
// otherwise it stays '+' (paths). Decoded bytes may be anything, NUL
// included: callers check what they accept.
void PercentDecode(std::string_view in, bool plus_is_space, std::string* out);

// Adds the pairs of query string `q` (without the '?') to *out, each name
// and value decoded with plus_is_space. "a&b=" gives a="" and b=""; empty
// pairs ("&&") are skipped; a repeated name keeps its last value.
void ParseQuery(std::string_view q, std::unordered_map<std::string, std::string>* out);

}  // namespace studio
