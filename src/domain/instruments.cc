#include "domain/instruments.h"

namespace studio {

const std::vector<InstrumentInfo>& AllInstruments() {
  using F = InstrumentFamily;
  static const std::vector<InstrumentInfo> kAll = {
      {"acoustic-piano", F::kKeys}, {"electric-piano", F::kKeys}, {"organ", F::kKeys},
      {"clavinet", F::kKeys}, {"celesta", F::kKeys},
      {"acoustic-guitar", F::kStrings}, {"electric-guitar-clean", F::kStrings},
      {"electric-guitar-distorted", F::kStrings}, {"bass-guitar", F::kStrings},
      {"synth-bass", F::kStrings}, {"violin", F::kStrings}, {"viola", F::kStrings},
      {"cello", F::kStrings}, {"double-bass", F::kStrings}, {"harp", F::kStrings},
      {"acoustic-drum-kit", F::kDrums}, {"electronic-drum-kit", F::kDrums},
      {"lofi-drum-kit", F::kDrums}, {"808-drums", F::kDrums}, {"909-drums", F::kDrums},
      {"kick-drum", F::kDrums}, {"snare-drum", F::kDrums}, {"hi-hat", F::kDrums},
      {"cymbals", F::kDrums}, {"toms", F::kDrums},
      {"saxophone", F::kWinds}, {"trumpet", F::kWinds}, {"trombone", F::kWinds},
      {"french-horn", F::kWinds}, {"flute", F::kWinds}, {"piccolo", F::kWinds},
      {"clarinet", F::kWinds}, {"oboe", F::kWinds}, {"bassoon", F::kWinds},
      {"analog-synth-lead", F::kSynths}, {"analog-synth-pad", F::kSynths},
      {"digital-synth", F::kSynths}, {"fm-synth", F::kSynths}, {"mono-synth-bass", F::kSynths},
      {"poly-synth", F::kSynths}, {"arpeggiator-synth", F::kSynths},
      {"acoustic-strings-ensemble", F::kWorld}, {"taiko-drums", F::kWorld},
      {"kalimba", F::kWorld}, {"sitar", F::kWorld}, {"shamisen", F::kWorld}, {"erhu", F::kWorld},
      {"vocal-pad", F::kTexture}, {"choir", F::kTexture}, {"breath-fx", F::kTexture},
      {"vinyl-noise", F::kTexture}, {"tape-saturation", F::kTexture},
      {"ambient-noise", F::kTexture},
  };
  return kAll;
}

const InstrumentInfo* FindInstrument(std::string_view name) {
  for (const auto& info : AllInstruments()) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

}  // namespace studio
