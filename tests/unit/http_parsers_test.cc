// The HTTP server's small parsers, each with a table of good and bad inputs:
// URL decoding and query strings (http/url.h), the Range header
// (http/range.h), content types (http/mime.h), the static-file path policy
// (http/static_files.h) and the one JSON escaper (http/json_writer.h).
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "http/json_writer.h"
#include "http/mime.h"
#include "http/range.h"
#include "http/static_files.h"
#include "http/url.h"

namespace studio {
namespace {

TEST(Url, PercentDecode) {
  struct Case {
    std::string in;
    bool plus_is_space;
    std::string want;
  } cases[] = {
      {"", false, ""},
      {"/jobs/1", false, "/jobs/1"},
      {"%41%62c", false, "Abc"},
      {"%2f%2F", false, "//"},             // either case of hex digit
      {"a+b", false, "a+b"},               // paths keep '+'
      {"a+b", true, "a b"},                // queries read it as a space
      {"%2B", true, "+"},                  // an escaped '+' stays '+'
      {"%", false, "%"},                   // truncated escapes are kept
      {"%4", false, "%4"},
      {"a%4", false, "a%4"},
      {"%zz", false, "%zz"},               // malformed escapes are kept
      {"%4g", false, "%4g"},
      {"%%41", false, "%A"},
      {"%00", false, std::string(1, '\0')},  // NUL decodes; callers check
      {"%C3%A9", false, "\xC3\xA9"},
      {"%41%", false, "A%"},
  };
  for (const Case& c : cases) {
    std::string out = "junk";
    PercentDecode(c.in, c.plus_is_space, &out);
    EXPECT_EQ(out, c.want) << "in: " << c.in << " plus_is_space: " << c.plus_is_space;
  }
}

TEST(Url, ParseQuery) {
  using Map = std::unordered_map<std::string, std::string>;
  struct Case {
    std::string in;
    Map want;
  } cases[] = {
      {"", {}},
      {"a=1", {{"a", "1"}}},
      {"a=1&b=2", {{"a", "1"}, {"b", "2"}}},
      {"a&b=", {{"a", ""}, {"b", ""}}},
      {"&&a=1&&", {{"a", "1"}}},
      {"a=1&a=2", {{"a", "2"}}},                   // last value wins
      {"q=a+b%20c", {{"q", "a b c"}}},
      {"k%3Dx=v%26w", {{"k=x", "v&w"}}},           // escaped separators are data
      {"a=b=c", {{"a", "b=c"}}},                   // only the first '=' splits
      {"=v", {{"", "v"}}},
      {"tags=x,y", {{"tags", "x,y"}}},
      {"bad=%zz", {{"bad", "%zz"}}},
  };
  for (const Case& c : cases) {
    Map out;
    ParseQuery(c.in, &out);
    EXPECT_EQ(out, c.want) << "in: " << c.in;
  }
}

TEST(Range, ParseU64) {
  struct Case {
    std::string in;
    bool ok;
    uint64_t want;
  } cases[] = {
      {"0", true, 0},
      {"42", true, 42},
      {"007", true, 7},
      {"18446744073709551615", true, UINT64_MAX},
      {"18446744073709551616", true, UINT64_MAX},  // saturates
      {"99999999999999999999999", true, UINT64_MAX},
      {"", false, 0},
      {"-1", false, 0},
      {"+1", false, 0},
      {" 1", false, 0},
      {"1 ", false, 0},
      {"1a", false, 0},
      {"0x10", false, 0},
  };
  for (const Case& c : cases) {
    uint64_t v = 12345;
    EXPECT_EQ(ParseU64(c.in, &v), c.ok) << "in: " << c.in;
    if (c.ok) {
      EXPECT_EQ(v, c.want) << "in: " << c.in;
    }
  }
}

TEST(Range, ParseRange) {
  using K = ByteRange::Kind;
  struct Case {
    std::string header;
    uint64_t size;
    K kind;
    uint64_t first, last;
  } cases[] = {
      {"bytes=0-99", 1000, K::kSatisfiable, 0, 99},
      {"bytes=100-", 1000, K::kSatisfiable, 100, 999},
      {"bytes=-100", 1000, K::kSatisfiable, 900, 999},   // the last 100 bytes
      {"bytes=-5000", 1000, K::kSatisfiable, 0, 999},    // more than the file
      {"bytes=0-99999", 1000, K::kSatisfiable, 0, 999},  // clipped
      {"bytes=999-999", 1000, K::kSatisfiable, 999, 999},
      {"BYTES=1-2", 1000, K::kSatisfiable, 1, 2},         // unit is case-insensitive
      {"  bytes= 1 - 2 ", 1000, K::kSatisfiable, 1, 2},   // spaces around parts
      {"bytes=0-18446744073709551616", 10, K::kSatisfiable, 0, 9},
      {"bytes=1000-", 1000, K::kUnsatisfiable, 0, 0},    // starts at the end
      {"bytes=5000-6000", 1000, K::kUnsatisfiable, 0, 0},
      {"bytes=-0", 1000, K::kUnsatisfiable, 0, 0},       // empty suffix
      {"bytes=0-", 0, K::kUnsatisfiable, 0, 0},          // empty file
      {"bytes=-1", 0, K::kUnsatisfiable, 0, 0},
      {"", 1000, K::kNone, 0, 0},                        // ignored: whole file
      {"bytes=", 1000, K::kNone, 0, 0},
      {"bytes=-", 1000, K::kNone, 0, 0},
      {"bytes=5", 1000, K::kNone, 0, 0},
      {"bytes=9-1", 1000, K::kNone, 0, 0},               // reversed
      {"bytes=0-1,5-6", 1000, K::kNone, 0, 0},           // several ranges
      {"items=0-1", 1000, K::kNone, 0, 0},               // other unit
      {"bytes=a-b", 1000, K::kNone, 0, 0},
      {"bytes=-1-2", 1000, K::kNone, 0, 0},
      {"bytes=+1-2", 1000, K::kNone, 0, 0},
      {"bytes 0-1", 1000, K::kNone, 0, 0},
  };
  for (const Case& c : cases) {
    ByteRange r = ParseRange(c.header, c.size);
    EXPECT_EQ(r.kind, c.kind) << "header: '" << c.header << "' size " << c.size;
    if (c.kind == K::kSatisfiable) {
      EXPECT_EQ(r.first, c.first) << c.header;
      EXPECT_EQ(r.last, c.last) << c.header;
    }
  }
}

TEST(Mime, ContentTypeFor) {
  struct Case {
    std::string path, want;
  } cases[] = {
      {"/index.html", "text/html; charset=utf-8"},
      {"/assets/app-1a2b.js", "text/javascript; charset=utf-8"},
      {"/m.mjs", "text/javascript; charset=utf-8"},
      {"/assets/x.CSS", "text/css; charset=utf-8"},  // case-insensitive
      {"/a.json", "application/json"},
      {"/a.js.map", "application/json"},
      {"/logo.svg", "image/svg+xml"},
      {"/a.png", "image/png"},
      {"/a.JPG", "image/jpeg"},
      {"/a.jpeg", "image/jpeg"},
      {"/a.webp", "image/webp"},
      {"/favicon.ico", "image/x-icon"},
      {"/s.wav", "audio/wav"},
      {"/s.mp3", "audio/mpeg"},
      {"/robots.txt", "text/plain; charset=utf-8"},
      {"/f.woff2", "font/woff2"},
      {"/f.woff", "font/woff"},
      {"/site.webmanifest", "application/manifest+json"},
      {"/unknown.xyz", "application/octet-stream"},
      {"/noext", "application/octet-stream"},
      {"/dir.html/file", "application/octet-stream"},  // the dot is in a folder name
      {"/trailing.", "application/octet-stream"},
      {"", "application/octet-stream"},
      {"plain.css", "text/css; charset=utf-8"},
  };
  for (const Case& c : cases) EXPECT_EQ(ContentTypeFor(c.path), c.want) << c.path;
}

TEST(StaticFiles, HasDotSegment) {
  struct Case {
    std::string path;
    bool want;
  } cases[] = {
      {"/", false},
      {"/index.html", false},
      {"/assets/app.js", false},
      {"/jobs/abc", false},
      {"/a..b", false},  // dots inside a name are fine
      {"/a/b.", false},
      {"/..", true},
      {"/../etc/passwd", true},
      {"/assets/../../x", true},
      {"/.", true},
      {"/./index.html", true},
      {"/.git/config", true},
      {"/assets/.hidden", true},
      {"//..//", true},
      {"..", true},
  };
  for (const Case& c : cases) EXPECT_EQ(HasDotSegment(c.path), c.want) << c.path;
}

TEST(StaticFiles, LastSegmentHasExtension) {
  struct Case {
    std::string path;
    bool want;
  } cases[] = {
      {"/assets/gone.js", true},
      {"/index.html", true},
      {"/a.b/c", false},
      {"/jobs/abc", false},
      {"/", false},
      {"", false},
      {"file.txt", true},
      {"/trailing.", true},
  };
  for (const Case& c : cases) EXPECT_EQ(LastSegmentHasExtension(c.path), c.want) << c.path;
}

TEST(StaticFiles, RealPathInside) {
  namespace fs = std::filesystem;
  fs::path base = fs::temp_directory_path() / ("studio-static-" + std::to_string(::getpid()));
  fs::remove_all(base);
  fs::create_directories(base / "root/sub");
  fs::create_directories(base / "outside");
  std::ofstream(base / "root/in.txt") << "x";
  std::ofstream(base / "root/sub/deep.txt") << "x";
  std::ofstream(base / "outside/secret.txt") << "x";
  std::ofstream(base / "rootsibling.txt") << "x";
  fs::create_symlink(base / "outside/secret.txt", base / "root/link-out.txt");
  fs::create_symlink(base / "root/in.txt", base / "root/link-in.txt");
  const std::string root = fs::canonical(base / "root").string();
  struct Case {
    std::string rel;
    bool want;
  } cases[] = {
      {"root/in.txt", true},
      {"root/sub/deep.txt", true},
      {"root/link-in.txt", true},     // a symlink that stays inside
      {"root/link-out.txt", false},   // a symlink that leads out
      {"root/missing.txt", false},
      {"root/../outside/secret.txt", false},
      {"rootsibling.txt", false},     // shares the prefix, not the folder
      {"root", false},                // the folder itself is not under it
  };
  for (const Case& c : cases) EXPECT_EQ(RealPathInside((base / c.rel).string(), root), c.want) << c.rel;
  fs::remove_all(base);
}

TEST(JsonEscape, AppendJsonEscaped) {
  struct Case {
    std::string in, want;
  } cases[] = {
      {"", ""},
      {"plain", "plain"},
      {"q\"b\\", "q\\\"b\\\\"},
      {"\n\r\t", "\\n\\r\\t"},
      {std::string("\0\x01\x1f", 3), "\\u0000\\u0001\\u001f"},
      {"\x7f", "\x7f"},                    // DEL is not a control character for JSON
      {"\xC3\xA9 \xE2\x9C\x93", "\xC3\xA9 \xE2\x9C\x93"},  // UTF-8 copied
      {"/", "/"},
  };
  for (const Case& c : cases) {
    std::string out = "<";
    AppendJsonEscaped(c.in, &out);
    EXPECT_EQ(out, "<" + c.want) << c.in;
    // What nlohmann reads back is the input.
    std::string quoted = "\"" + c.want + "\"";
    EXPECT_EQ(nlohmann::json::parse(quoted).get<std::string>(), c.in);
  }
}

}  // namespace
}  // namespace studio
