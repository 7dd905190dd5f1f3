#include "http/url.h"

namespace studio {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// Decodes %XX escapes; a malformed escape is kept literally (as Python's
// urllib.parse.unquote does, so clients of the reference system see the same).
void PercentDecode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%' && i + 2 < in.size()) {
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out->push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out->push_back(plus_is_space && c == '+' ? ' ' : c);
  }
}

void ParseQuery(std::string_view q, std::unordered_map<std::string, std::string>* out) {
  std::string key, value;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    PercentDecode(pair.substr(0, eq), true, &key);
    if (eq == std::string_view::npos) {
      value.clear();
    } else {
      PercentDecode(pair.substr(eq + 1), true, &value);
    }
    (*out)[key] = value;
  }
}

}  // namespace studio
