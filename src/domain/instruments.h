// The fixed list of instruments a prompt may name (SPEC section 2), grouped
// by family. How each one sounds is the engine's business
// (engine/composer.cc maps them to General MIDI programs, drum kits or effects).
#pragma once

#include <string_view>
#include <vector>

namespace studio {

enum class InstrumentFamily { kKeys, kStrings, kDrums, kWinds, kSynths, kWorld, kTexture };

struct InstrumentInfo {
  std::string_view name;
  InstrumentFamily family;
};

const std::vector<InstrumentInfo>& AllInstruments();
// nullptr when `name` is not on the list.
const InstrumentInfo* FindInstrument(std::string_view name);

}  // namespace studio
