#include "domain/json_values.h"

namespace studio {

using json = nlohmann::json;

json PromptAttributesJsonValue(const PromptAttributes& a) {
  return {{"style", OrNull(a.style)},
          {"tempo", OrNull(a.tempo)},
          {"primary_instruments", a.primary_instruments},
          {"secondary_instruments", a.secondary_instruments},
          {"mood", OrNull(a.mood)},
          {"duration", OrNull(a.duration)}};
}

json GenerationParamsJsonValue(const GenerationParams& p) {
  return {{"seed", p.seed},
          {"temperature", p.temperature},
          {"top_k", p.top_k},
          {"top_p", p.top_p},
          {"duration", p.duration}};
}

json StoredObjectJson(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : json(nullptr);
}

json StoredObjectOrEmpty(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : json::object();
}

}  // namespace studio
