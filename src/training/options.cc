// ParseTrainingOptions (training/trainer.h): one table of the numeric keys
// and their ranges.
#include <cmath>
#include <nlohmann/json.hpp>
#include <string_view>

#include "training/trainer.h"

namespace studio {
namespace {

struct NumericOption {
  std::string_view key;
  bool integer;
  double min, max;
  bool min_exclusive;
  double TrainingOptions::*number;  // exactly one of number/integer_value is set
  int TrainingOptions::*integer_value;
};

const NumericOption kOptions[] = {
    {"regularization", false, 0, 1000, true, &TrainingOptions::regularization, nullptr},
    {"heldout_fraction", false, 0.05, 0.5, false, &TrainingOptions::heldout_fraction, nullptr},
    {"steps", true, 10, 5000, false, nullptr, &TrainingOptions::steps},
    {"learning_rate", false, 0, 1, true, &TrainingOptions::learning_rate, nullptr},
    {"l2", false, 0, 10, false, &TrainingOptions::l2, nullptr},
};

// Keys of a run's config that belong to the caller (which adapter to start
// from and what to call the result).
constexpr std::string_view kCallerKeys[] = {"base_adapter_id", "adapter_name", "version_of"};

std::string RangeText(const NumericOption& o) {
  nlohmann::json min = o.min, max = o.max;
  if (o.integer) min = int64_t(o.min), max = int64_t(o.max);
  return std::string(o.integer ? "an integer" : "a number") +
         (o.min_exclusive ? " greater than " + min.dump() + " and at most " : " between " + min.dump() + " and ") +
         max.dump();
}

// False for NaN (a value of the wrong type).
bool InRange(const NumericOption& o, double v) {
  const bool above_min = o.min_exclusive ? v > o.min : v >= o.min;
  return above_min && v <= o.max && (!o.integer || v == std::floor(v));
}

}  // namespace

Status ParseTrainingOptions(const std::string& config_json, TrainingOptions* out) {
  *out = TrainingOptions{};
  if (config_json.empty()) return Status::Ok();
  const nlohmann::json config = nlohmann::json::parse(config_json, nullptr, /*allow_exceptions=*/false);
  if (config.is_discarded()) return Status::InvalidArgument("training config is not valid JSON");
  if (config.is_null()) return Status::Ok();
  if (!config.is_object()) return Status::InvalidArgument("training config must be a JSON object");
  for (const auto& [key, value] : config.items()) {
    bool known = false;
    for (std::string_view caller_key : kCallerKeys) known = known || key == caller_key;
    if (known) continue;
    const NumericOption* option = nullptr;
    for (const NumericOption& o : kOptions) {
      if (o.key == key) option = &o;
    }
    if (!option) return Status::InvalidArgument("unknown training config key \"" + key + "\"");
    const double v = value.is_number() ? value.get<double>() : NAN;
    if (!InRange(*option, v)) return Status::InvalidArgument(key + " must be " + RangeText(*option));
    if (option->integer) {
      out->*(option->integer_value) = static_cast<int>(v);
    } else {
      out->*(option->number) = v;
    }
  }
  return Status::Ok();
}

Status ValidateTrainingOptions(const TrainingOptions& options) {
  for (const NumericOption& o : kOptions) {
    const double v = o.integer ? double(options.*(o.integer_value)) : options.*(o.number);
    if (!InRange(o, v)) return Status::InvalidArgument(std::string(o.key) + " must be " + RangeText(o));
  }
  return Status::Ok();
}

}  // namespace studio
