#include "engine/adapter_style.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/vocabulary.h"

namespace studio {

namespace {

using nlohmann::json;

// "a, b, c": the names of a vocabulary, for messages; `last` joins the final pair.
template <typename Names>
std::string JoinNames(const Names& names, const char* last) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? last : ", ";
    out += names[i];
  }
  return out;
}

std::string ModeList() {
  std::vector<std::string> names;
  for (Mode m : AllModes()) names.push_back(ModeName(m));
  return JoinNames(names, ", ");
}

// Effects that only colour the PCM cannot carry a melodic role.
bool IsPcmEffect(const InstrumentInfo& info) {
  return info.sound.kind == InstrumentSound::Kind::kPcmEffect;
}

Status NumberInRange(const json& value, const std::string& key, double lo, double hi,
                     double* out) {
  const std::string range = "config." + key + " must be a number between " +
                            nlohmann::json(lo).dump() + " and " + nlohmann::json(hi).dump();
  if (!value.is_number()) return Status::InvalidArgument(range);
  double v = value.get<double>();
  if (!std::isfinite(v) || v < lo || v > hi) return Status::InvalidArgument(range);
  *out = v;
  return Status::Ok();
}

Status IntegerInRange(const json& value, const std::string& key, int lo, int hi, int* out) {
  const std::string range = "config." + key + " must be an integer between " +
                            std::to_string(lo) + " and " + std::to_string(hi);
  if (!value.is_number()) return Status::InvalidArgument(range);
  double v = value.get<double>();
  // 3.0 is accepted as 3: JSON writers are not consistent about integral floats.
  if (!std::isfinite(v) || v != std::floor(v) || v < lo || v > hi) {
    return Status::InvalidArgument(range);
  }
  *out = static_cast<int>(v);
  return Status::Ok();
}

Status ParseOverrides(const json& value, std::map<std::string, std::string>* out) {
  if (!value.is_object()) {
    return Status::InvalidArgument(
        "config.instrument_overrides must be an object of role -> instrument");
  }
  for (const auto& [role, instrument] : value.items()) {
    const std::string key = "config.instrument_overrides." + role;
    const auto& roles = AdapterOverrideRoles();
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
      return Status::InvalidArgument(key + ": unknown role (use " + JoinNames(roles, " or ") + ")");
    }
    if (!instrument.is_string()) {
      return Status::InvalidArgument(key + " must be an instrument name");
    }
    const std::string name = instrument.get<std::string>();
    const InstrumentInfo* info = FindInstrument(name);
    if (info == nullptr) {
      return Status::InvalidArgument(key + ": unknown instrument \"" + name + "\"");
    }
    bool percussive = info->family == InstrumentFamily::kDrums || name == "taiko-drums";
    if (role == "drums" && !percussive) {
      return Status::InvalidArgument(key + " must be a drum instrument, not \"" + name + "\"");
    }
    if (role != "drums" && (percussive || IsPcmEffect(*info))) {
      return Status::InvalidArgument(key + " must be a pitched instrument, not \"" + name +
                                     "\"");
    }
    (*out)[role] = name;
  }
  return Status::Ok();
}

}  // namespace

Status ParseAdapterStyle(const std::string& config_json, AdapterStyle* out) {
  *out = AdapterStyle();
  if (config_json.find_first_not_of(" \t\r\n") == std::string::npos) return Status::Ok();

  json config;
  try {
    config = json::parse(config_json);
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("config is not valid JSON: ") + e.what());
  }
  if (config.is_null()) return Status::Ok();
  if (!config.is_object()) return Status::InvalidArgument("config must be a JSON object");

  std::optional<double> velocity_scale;
  std::optional<double> energy;
  for (const auto& [key, value] : config.items()) {
    const AdapterConfigKey* spec = FindAdapterConfigKey(key);
    if (spec == nullptr) {
      return Status::InvalidArgument("config." + key + " is not a known style parameter");
    }
    double number = 0;
    int integer = 0;
    switch (spec->type) {
      case AdapterConfigKey::Type::kNumber:
        STUDIO_RETURN_IF_ERROR(NumberInRange(value, key, spec->min, spec->max, &number));
        break;
      case AdapterConfigKey::Type::kInteger:
        STUDIO_RETURN_IF_ERROR(IntegerInRange(value, key, static_cast<int>(spec->min),
                                              static_cast<int>(spec->max), &integer));
        break;
      case AdapterConfigKey::Type::kMode:
        if (!value.is_string() || !ParseModeName(value.get<std::string>())) {
          return Status::InvalidArgument("config.mode must be one of " + ModeList());
        }
        break;
      case AdapterConfigKey::Type::kInstrumentOverrides:
        break;
    }
    if (key == "tempo_scale") {
      out->tempo_scale = number;
    } else if (key == "transpose") {
      out->transpose = integer;
    } else if (key == "swing") {
      out->swing = number;
    } else if (key == "note_density") {
      out->note_density = number;
    } else if (key == "velocity_scale") {
      velocity_scale = number;
    } else if (key == "energy") {
      energy = number;
    } else if (key == "reverb") {
      out->reverb = number;
    } else if (key == "chorus") {
      out->chorus = number;
    } else if (key == "mode") {
      out->mode = value.get<std::string>();
    } else if (key == "instrument_overrides") {
      STUDIO_RETURN_IF_ERROR(ParseOverrides(value, &out->instrument_overrides));
    } else {
      // A key domain/vocabulary.cc lists but this parser does not apply yet.
      return Status::InvalidArgument("config." + key + " is not a known style parameter");
    }
  }
  if (velocity_scale && energy && *velocity_scale != *energy) {
    return Status::InvalidArgument(
        "config.energy and config.velocity_scale are the same parameter; give one of them");
  }
  out->velocity_scale = velocity_scale.value_or(energy.value_or(1.0));
  return Status::Ok();
}

}  // namespace studio
