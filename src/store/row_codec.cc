#include "store/row_codec.h"

#include <nlohmann/json.hpp>

namespace studio::store_internal {

using json = nlohmann::json;

std::string SourceFor(std::string sql, Visibility v) {
  const bool live = v == Visibility::kLive;
  auto replace = [&](const std::string& key, const char* live_name, const char* all_name) {
    for (size_t pos; (pos = sql.find(key)) != std::string::npos;) {
      sql.replace(pos, key.size(), live ? live_name : all_name);
    }
  };
  replace("{jobs}", "live_jobs", "generation_jobs");
  replace("{adapters}", "live_adapters", "adapters");
  replace("{audio}", "live_audio_samples", "audio_samples");
  replace("{datasets}", "live_datasets", "datasets");
  return sql;
}

Status NameConflictAware(Status s) {
  if (s.code() == Status::Code::kConflict) {
    return Status::Conflict(store_kind::kAdapterName);
  }
  return s;
}

std::string PromptAttributesJson(const PromptAttributes& a) {
  json j = json::object();
  if (a.style) j["style"] = *a.style;
  if (a.tempo) j["tempo"] = *a.tempo;
  j["primary_instruments"] = a.primary_instruments;
  j["secondary_instruments"] = a.secondary_instruments;
  if (a.mood) j["mood"] = *a.mood;
  if (a.duration) j["duration"] = *a.duration;
  return j.dump();
}

PromptAttributes ParsePromptAttributes(const std::string& json_text) {
  PromptAttributes out;
  json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return out;
  if (j.contains("style") && j["style"].is_string()) out.style = j["style"].get<std::string>();
  if (j.contains("tempo") && j["tempo"].is_number_integer()) out.tempo = j["tempo"].get<int>();
  if (j.contains("mood") && j["mood"].is_string()) out.mood = j["mood"].get<std::string>();
  if (j.contains("duration") && j["duration"].is_number_integer()) out.duration = j["duration"].get<int>();
  for (const auto& v : j.value("primary_instruments", json::array()))
    if (v.is_string()) out.primary_instruments.push_back(v.get<std::string>());
  for (const auto& v : j.value("secondary_instruments", json::array()))
    if (v.is_string()) out.secondary_instruments.push_back(v.get<std::string>());
  return out;
}

std::vector<std::string> ParseTags(const std::string& json_array_text) {
  std::vector<std::string> tags;
  json j = json::parse(json_array_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_array())
    for (const auto& t : j)
      if (t.is_string()) tags.push_back(t.get<std::string>());
  return tags;
}

std::vector<std::string> SplitIds(const std::string& ids) {
  std::vector<std::string> out;
  for (size_t start = 0; start < ids.size();) {
    size_t comma = ids.find(',', start);
    if (comma == std::string::npos) comma = ids.size();
    out.push_back(ids.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

}  // namespace studio::store_internal
