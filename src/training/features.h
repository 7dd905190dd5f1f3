// Trainer internals: the style features the listener model learns over, how
// they are read from a sample's recorded style, and the held-out split. One
// table (Features()) says which style number is which feature; trainer.cc's
// kControls says which adapter control each one moves.
//
// Thread-safety: an immutable table and pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace studio::training {

enum class Feature { kLog2Tempo, kNoteDensity, kSwing, kEnergy, kReverb, kRegister, kChorus };
inline constexpr int kFeatureCount = 7;

struct FeatureInfo {
  Feature feature;
  std::string_view name;       // in weights_json, e.g. "log2_tempo_bpm"
  std::string_view style_key;  // in the recorded style, e.g. "tempo_bpm"
  bool required;               // false: chorus, used only when every example has it
};
// In Feature order.
const std::array<FeatureInfo, kFeatureCount>& Features();

using FeatureVector = std::array<double, kFeatureCount>;

struct StyleFeatures {
  FeatureVector values{};  // log2 of tempo_bpm; the others as recorded
  bool has_chorus = false;
};

// Reads the features from a recorded style. False when style_json is not a
// JSON object or a required feature is missing or not a number (tempo_bpm
// must also be > 0).
bool ParseStyleFeatures(const std::string& style_json, StyleFeatures* out);

// Whether the example with this feedback id is in the held-out share: a
// function of the id alone, so the split does not depend on the examples'
// order or on what else is in the dataset.
bool IsHeldOut(std::string_view feedback_id, double heldout_fraction);

}  // namespace studio::training
