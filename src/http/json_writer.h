// JsonWriter: appends JSON text to a string as it goes, with no document
// tree in between. Used for the hot responses (job lists and details),
// where building nlohmann objects cost more than the database query.
// Commas are placed automatically; the caller keeps keys and values paired.
//
// Not thread-safe; one writer per response.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace studio {

// Appends `s` escaped as the inside of a JSON string (no quotes): '"', '\\'
// and control characters are escaped (\n, \r, \t, else \u00XX); every other
// byte, UTF-8 included, is copied as is. The one JSON escaper of the code
// base: JsonWriter and the HTTP server's error bodies both use it.
void AppendJsonEscaped(std::string_view s, std::string* out);

class JsonWriter {
 public:
  // REQUIRES: out outlives the writer.
  explicit JsonWriter(std::string* out) : out_(out) {}
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Double(double value);  // non-finite values are written as null
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Splices text that is already valid JSON.
  JsonWriter& Raw(std::string_view json);

 private:
  JsonWriter& Open(char c);
  JsonWriter& Close(char c);
  void BeforeValue();

  std::string* out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace studio
