#include "training/features.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "util/hash.h"

namespace studio::training {

const std::array<FeatureInfo, kFeatureCount>& Features() {
  static const std::array<FeatureInfo, kFeatureCount> kAll = {{
      {Feature::kLog2Tempo, "log2_tempo_bpm", "tempo_bpm", true},
      {Feature::kNoteDensity, "note_density", "note_density", true},
      {Feature::kSwing, "swing", "swing", true},
      {Feature::kEnergy, "energy", "energy", true},
      {Feature::kReverb, "reverb", "reverb", true},
      {Feature::kRegister, "register", "register", true},
      {Feature::kChorus, "chorus", "chorus", false},
  }};
  return kAll;
}

bool ParseStyleFeatures(const std::string& style_json, StyleFeatures* out) {
  *out = StyleFeatures{};
  const nlohmann::json style = nlohmann::json::parse(style_json, nullptr, /*allow_exceptions=*/false);
  if (!style.is_object()) return false;
  for (const FeatureInfo& info : Features()) {
    auto it = style.find(info.style_key);
    const bool present = it != style.end() && it->is_number();
    if (!present) {
      if (info.required) return false;
      continue;
    }
    double value = it->get<double>();
    if (info.feature == Feature::kLog2Tempo) {
      if (!(value > 0)) return false;
      value = std::log2(value);
    }
    if (!std::isfinite(value)) return false;
    out->values[static_cast<int>(info.feature)] = value;
    if (info.feature == Feature::kChorus) out->has_chorus = true;
  }
  return true;
}

bool IsHeldOut(std::string_view feedback_id, double heldout_fraction) {
  // FNV-1a's low bits mix poorly for short keys; take the top 53 bits after a
  // final avalanche (the splitmix64 finaliser).
  uint64_t h = Fnv1a(feedback_id);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return static_cast<double>(h >> 11) * 0x1.0p-53 < heldout_fraction;
}

}  // namespace studio::training
