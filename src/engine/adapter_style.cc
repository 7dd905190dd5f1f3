#include "engine/adapter_style.h"

#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "domain/instruments.h"

namespace studio {

namespace {

using nlohmann::json;

const std::set<std::string>& KnownModes() {
  static const std::set<std::string> kModes = {"major",    "minor",  "dorian",    "mixolydian",
                                               "phrygian", "lydian", "pentatonic"};
  return kModes;
}

// Effects that only colour the PCM cannot carry a melodic role.
bool IsPcmEffect(std::string_view name) {
  return name == "vinyl-noise" || name == "tape-saturation" || name == "ambient-noise";
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
    if (role != "lead" && role != "chords" && role != "bass" && role != "drums" &&
        role != "pad") {
      return Status::InvalidArgument(key +
                                     ": unknown role (use lead, chords, bass, drums or pad)");
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
    if (role != "drums" && (percussive || IsPcmEffect(name))) {
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
    double number = 0;
    if (key == "tempo_scale") {
      STUDIO_RETURN_IF_ERROR(NumberInRange(value, key, 0.5, 2.0, &out->tempo_scale));
    } else if (key == "transpose") {
      STUDIO_RETURN_IF_ERROR(IntegerInRange(value, key, -12, 12, &out->transpose));
    } else if (key == "swing") {
      STUDIO_RETURN_IF_ERROR(NumberInRange(value, key, 0.0, 0.5, &number));
      out->swing = number;
    } else if (key == "note_density") {
      STUDIO_RETURN_IF_ERROR(NumberInRange(value, key, 0.25, 2.0, &out->note_density));
    } else if (key == "velocity_scale") {
      STUDIO_RETURN_IF_ERROR(NumberInRange(value, key, 0.5, 1.5, &number));
      velocity_scale = number;
    } else if (key == "energy") {
      STUDIO_RETURN_IF_ERROR(NumberInRange(value, key, 0.5, 1.5, &number));
      energy = number;
    } else if (key == "reverb") {
      STUDIO_RETURN_IF_ERROR(NumberInRange(value, key, 0.0, 1.0, &number));
      out->reverb = number;
    } else if (key == "chorus") {
      STUDIO_RETURN_IF_ERROR(NumberInRange(value, key, 0.0, 1.0, &number));
      out->chorus = number;
    } else if (key == "mode") {
      if (!value.is_string() || KnownModes().count(value.get<std::string>()) == 0) {
        return Status::InvalidArgument(
            "config.mode must be one of major, minor, dorian, mixolydian, phrygian, lydian, "
            "pentatonic");
      }
      out->mode = value.get<std::string>();
    } else if (key == "instrument_overrides") {
      STUDIO_RETURN_IF_ERROR(ParseOverrides(value, &out->instrument_overrides));
    } else {
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
