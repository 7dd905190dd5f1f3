#include "engine/style_features.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

namespace studio {

namespace {

const char* const kPitchClassNames[12] = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};

// Rounded to 4 decimals: the record is for reading and learning, and the
// same request must give byte-identical JSON on every platform.
double Round4(double v) { return std::round(v * 10000.0) / 10000.0; }

double MeanPitch(const Composition& piece) {
  std::set<int> lead_channels;
  for (const Part& p : piece.parts)
    if (p.role == PartRole::kLead) lead_channels.insert(p.channel);
  double lead_sum = 0, all_sum = 0;
  int64_t lead_n = 0, all_n = 0;
  for (const NoteEvent& n : piece.notes) {
    if (n.channel == kDrumChannel) continue;
    all_sum += n.note;
    ++all_n;
    if (lead_channels.count(n.channel)) {
      lead_sum += n.note;
      ++lead_n;
    }
  }
  if (lead_n > 0) return lead_sum / static_cast<double>(lead_n);
  return all_n > 0 ? all_sum / static_cast<double>(all_n) : 0.0;
}

}  // namespace

std::string StyleFeaturesJson(const Composition& piece, const AdapterStyle& style) {
  const int key = ((piece.key_root + style.transpose) % 12 + 12) % 12;
  nlohmann::ordered_json j = {
      {"genre", piece.style},
      {"tempo_bpm", Round4(piece.tempo_bpm)},
      {"key", kPitchClassNames[key]},
      {"mode", ModeName(piece.mode)},
      {"swing", Round4(piece.swing)},
      {"note_density", Round4(style.note_density)},
      {"energy", Round4(style.velocity_scale)},
      {"register", Round4(MeanPitch(piece))},
      {"reverb", Round4(piece.reverb)},
      {"chorus", Round4(piece.chorus)},
      {"transpose", style.transpose},
  };
  return j.dump();
}

}  // namespace studio
