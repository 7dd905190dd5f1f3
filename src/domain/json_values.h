// The JSON shapes of domain values that more than one layer writes: the
// API's responses (http/json_io.h) and dataset exports (lifecycle/datasets.cc)
// show a prompt's attributes and a job's generation parameters the same way.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "domain/types.h"

namespace studio {

// The value, or null when unset.
template <typename T>
nlohmann::json OrNull(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// {style, tempo, primary_instruments, secondary_instruments, mood, duration}; unset ones null.
nlohmann::json PromptAttributesJsonValue(const PromptAttributes& attributes);
// {seed, temperature, top_k, top_p, duration}.
nlohmann::json GenerationParamsJsonValue(const GenerationParams& params);
// A stored JSON object (a sample's style features): parsed, or null when
// unset or not a JSON object.
nlohmann::json StoredObjectJson(const std::optional<std::string>& json_text);
// A stored JSON object that is always present (a config, metrics, audit
// counts): parsed, or {} when it is not a JSON object.
nlohmann::json StoredObjectOrEmpty(const std::string& json_text);

}  // namespace studio
