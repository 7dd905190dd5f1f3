// Composer internals: the tables — instrument voicings (affinity, range) and
// style profiles (tempo, band, groove, comping, bass line, mix).
#include "engine/composer/tables.h"

#include <initializer_list>

namespace studio::composer_internal {
namespace {

// How the composer voices each instrument of the list; what it sounds as
// (its GM program, kit or effect) is the list's own mapping in
// domain/vocabulary.cc.
struct Voicing {
  std::string_view name;
  Affinity affinity;
  int low;
  int high;
};

InstrumentSound Melodic(int program) {
  InstrumentSound s;
  s.kind = InstrumentSound::Kind::kMelodic;
  s.program = program;
  return s;
}

}  // namespace

const std::vector<InstrumentEntry>& InstrumentTable() {
  using A = Affinity;
  static const std::vector<InstrumentEntry> kTable = [] {
    static const Voicing kVoicings[] = {
      {"acoustic-piano", A::kChords, 36, 96},
      {"electric-piano", A::kChords, 40, 88},
      {"organ", A::kChords, 36, 96},
      {"clavinet", A::kChords, 40, 88},
      {"celesta", A::kPluck, 60, 100},
      {"acoustic-guitar", A::kChords, 40, 84},
      {"electric-guitar-clean", A::kChords, 40, 86},
      {"electric-guitar-distorted", A::kChords, 40, 86},
      {"bass-guitar", A::kBass, 28, 55},
      {"synth-bass", A::kBass, 28, 60},
      {"violin", A::kLead, 55, 98},
      {"viola", A::kLead, 48, 86},
      {"cello", A::kLead, 36, 74},
      {"double-bass", A::kBass, 28, 55},  // upright (plucked): walks, pulses
      {"harp", A::kPluck, 36, 96},
      {"acoustic-drum-kit", A::kDrum, 0, 127},
      {"electronic-drum-kit", A::kDrum, 0, 127},
      {"lofi-drum-kit", A::kDrum, 0, 127},
      {"808-drums", A::kDrum, 0, 127},
      {"909-drums", A::kDrum, 0, 127},
      {"kick-drum", A::kDrum, 0, 127},
      {"snare-drum", A::kDrum, 0, 127},
      {"hi-hat", A::kDrum, 0, 127},
      {"cymbals", A::kDrum, 0, 127},
      {"toms", A::kDrum, 0, 127},
      {"saxophone", A::kLead, 49, 81},
      {"trumpet", A::kLead, 55, 84},
      {"trombone", A::kLead, 40, 72},
      {"french-horn", A::kLead, 41, 77},
      {"flute", A::kLead, 60, 96},
      {"piccolo", A::kLead, 74, 105},
      {"clarinet", A::kLead, 50, 89},
      {"oboe", A::kLead, 58, 89},
      {"bassoon", A::kLead, 34, 72},
      {"analog-synth-lead", A::kLead, 48, 96},
      {"analog-synth-pad", A::kPad, 36, 96},
      {"digital-synth", A::kLead, 48, 96},
      {"fm-synth", A::kChords, 40, 96},
      {"mono-synth-bass", A::kBass, 28, 60},
      {"poly-synth", A::kPad, 36, 96},  // GM "Pad 3 (polysynth)"
      {"arpeggiator-synth", A::kPluck, 48, 96},
      {"acoustic-strings-ensemble", A::kPad, 36, 96},
      {"taiko-drums", A::kDrum, 36, 60},
      {"kalimba", A::kPluck, 60, 88},
      {"sitar", A::kLead, 48, 84},
      {"shamisen", A::kLead, 48, 84},
      {"erhu", A::kLead, 55, 93},
      {"vocal-pad", A::kPad, 48, 84},
      {"choir", A::kPad, 48, 81},
      {"breath-fx", A::kBreath, 48, 84},
      {"vinyl-noise", A::kEffect, 0, 127},
      {"tape-saturation", A::kEffect, 0, 127},
      {"ambient-noise", A::kEffect, 0, 127},
    };
    std::vector<InstrumentEntry> table;
    for (const Voicing& v : kVoicings) {
      const InstrumentInfo* info = FindInstrument(v.name);
      table.push_back({v.name, info != nullptr ? info->sound : InstrumentSound{}, v.affinity,
                       v.low, v.high});
    }
    // Sounds a style adds that are not on the prompt's list (GM programs, 0-based).
    for (InstrumentEntry e : std::initializer_list<InstrumentEntry>{
          {"pizzicato-strings", Melodic(45), A::kPluck, 40, 84},
          {"timpani", Melodic(47), A::kPluck, 38, 55},
         }) {
      table.push_back(e);
    }
    return table;
  }();
  return kTable;
}

const InstrumentEntry* FindEntry(std::string_view name) {
  for (const auto& e : InstrumentTable()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

bool IsKit(const InstrumentEntry& e) { return e.sound.kind == InstrumentSound::Kind::kDrumKit; }
bool IsPiece(const InstrumentEntry& e) {
  return e.sound.kind == InstrumentSound::Kind::kDrumPiece;
}
bool IsTaiko(const InstrumentEntry& e) { return e.name == "taiko-drums"; }

const std::vector<StyleProfile>& Styles() {
  using D = DrumPattern;
  using C = CompStyle;
  using B = BassStyle;
  // The musical profile of each style of AllStyles() (domain/vocabulary.h),
  // which owns the names, the keywords and their detection order.
  static const std::vector<StyleProfile> kStyles = {
      {"lofi", 80,
       "electric-piano", "electric-piano", "bass-guitar", "", "lofi-drum-kit", D::kBoomBap,
       C::kLaidBack, B::kBoomBap, 0.16, Mode::kDorian, 0.35, 0.2, true, 0.8, "", "vinyl-noise"},
      {"dnb", 170, "analog-synth-lead", "analog-synth-pad", "mono-synth-bass", "",
       "electronic-drum-kit", D::kBreakbeat, C::kSustain, B::kSustained, 0.0, Mode::kMinor, 0.3,
       0.15, false, 0.6, "", ""},
      {"trap", 140, "digital-synth", "poly-synth", "synth-bass", "",
       "808-drums", D::kTrap, C::kSustain, B::kBoomBap, 0.0, Mode::kMinor, 0.25, 0.1, false,
       0.7, "", ""},
      {"hiphop", 90, "acoustic-piano",
       "electric-piano", "bass-guitar", "", "acoustic-drum-kit", D::kBoomBap, C::kLaidBack,
       B::kBoomBap, 0.08, Mode::kMinor, 0.2, 0.1, true, 0.8, "", ""},
      {"house", 124, "analog-synth-lead",
       "electric-piano", "synth-bass", "", "909-drums", D::kFourOnFloor, C::kOffbeatStabs,
       B::kOffbeat, 0.0, std::nullopt, 0.3, 0.2, true, 0.9, "", ""},
      {"techno", 130, "analog-synth-lead", "poly-synth",
       "mono-synth-bass", "", "909-drums", D::kFourOnFloor, C::kOffbeatStabs, B::kOffbeat, 0.0,
       Mode::kMinor, 0.25, 0.1, false, 0.8, "", ""},
      {"trance", 138, "analog-synth-lead",
       "arpeggiator-synth", "synth-bass", "analog-synth-pad", "909-drums", D::kFourOnFloor,
       C::kArpeggio, B::kOffbeat, 0.0, Mode::kMinor, 0.45, 0.2, false, 0.9, "", ""},
      {"dubstep", 140, "digital-synth", "poly-synth",
       "mono-synth-bass", "", "electronic-drum-kit", D::kBackbeat, C::kSustain, B::kSustained,
       0.0, Mode::kMinor, 0.25, 0.1, false, 0.7, "", ""},
      {"synthwave", 100,
       "analog-synth-lead", "poly-synth", "mono-synth-bass", "", "electronic-drum-kit",
       D::kBackbeat, C::kSustain, B::kRootEighths, 0.0, std::nullopt,
       0.45, 0.4, false, 0.9, "", ""},
      {"chiptune", 140,
       "digital-synth", "arpeggiator-synth", "mono-synth-bass", "", "electronic-drum-kit",
       D::kBackbeat, C::kArpeggio, B::kRootEighths, 0.0, std::nullopt, 0.1, 0.0, false, 1.1,
       "", ""},
      {"edm", 128,
       "analog-synth-lead", "poly-synth", "synth-bass", "", "electronic-drum-kit",
       D::kFourOnFloor, C::kQuarters, B::kOffbeat, 0.0, std::nullopt,
       0.3, 0.2, false, 1.0, "", ""},
      {"ambient", 70, "celesta", "analog-synth-pad", "synth-bass", "", "", D::kBackbeat,
       C::kSustain, B::kSustained, 0.0, Mode::kLydian, 0.8, 0.3, true, 0.5, "kalimba",
       "ambient-noise"},
      {"cinematic", 90, "french-horn", "acoustic-strings-ensemble", "double-bass", "choir", "", D::kBackbeat,
       C::kSustain, B::kSustained, 0.0, std::nullopt, 0.6, 0.1, false, 0.7, "timpani", ""},
      {"classical", 90, "violin", "acoustic-piano", "cello", "", "", D::kBackbeat, C::kArpeggio,
       B::kSustained, 0.0, std::nullopt, 0.5, 0.0, false, 0.9, "timpani", ""},
      {"japanese", 85, "shamisen", "harp",
       "double-bass", "", "taiko-drums", D::kBackbeat, C::kArpeggio, B::kSustained, 0.0,
       Mode::kPentatonic, 0.4, 0.0, false, 0.8, "", ""},
      {"chinese", 85, "erhu", "harp", "cello", "", "",
       D::kBackbeat, C::kArpeggio, B::kSustained, 0.0, Mode::kPentatonic, 0.45, 0.0, false,
       0.8, "kalimba", ""},
      {"indian", 95, "sitar", "acoustic-strings-ensemble",
       "synth-bass", "", "acoustic-drum-kit", D::kBackbeat, C::kSustain, B::kRootFifth, 0.0,
       Mode::kPhrygian, 0.35, 0.0, false, 1.0, "", ""},
      {"jazz", 120, "saxophone",
       "acoustic-piano", "double-bass", "", "acoustic-drum-kit", D::kShuffle, C::kLaidBack,
       B::kWalking, 0.3, Mode::kDorian, 0.3, 0.0, true, 1.0, "", ""},
      {"latin", 100,
       "flute", "acoustic-guitar", "bass-guitar", "", "acoustic-drum-kit", D::kBackbeat,
       C::kStrum, B::kSyncopated, 0.0, std::nullopt, 0.3, 0.1, true, 1.0, "", ""},
      {"blues", 90, "electric-guitar-clean", "acoustic-piano",
       "bass-guitar", "", "acoustic-drum-kit", D::kShuffle, C::kQuarters, B::kWalking, 0.3,
       Mode::kMixolydian, 0.25, 0.0, true, 1.0, "", ""},
      {"funk", 105, "saxophone", "clavinet", "bass-guitar", "",
       "acoustic-drum-kit", D::kBackbeat, C::kOffbeatStabs, B::kSyncopated, 0.05,
       Mode::kDorian, 0.2, 0.1, true, 1.2, "", ""},
      {"disco", 118, "acoustic-strings-ensemble",
       "electric-guitar-clean", "bass-guitar", "", "acoustic-drum-kit", D::kFourOnFloor,
       C::kOffbeatStabs, B::kOffbeat, 0.0, std::nullopt, 0.3, 0.2, true, 1.0, "", ""},
      {"metal", 150,
       "electric-guitar-distorted", "electric-guitar-distorted", "bass-guitar", "",
       "acoustic-drum-kit", D::kBackbeat, C::kPowerChords, B::kRootEighths, 0.0,
       Mode::kPhrygian, 0.15, 0.0, false, 1.1, "", ""},
      {"punk", 170, "electric-guitar-distorted",
       "electric-guitar-distorted", "bass-guitar", "", "acoustic-drum-kit", D::kBackbeat,
       C::kPowerChords, B::kRootEighths, 0.0, std::nullopt, 0.15, 0.0, false, 0.9, "", ""},
      {"rock", 120,
       "electric-guitar-clean", "electric-guitar-distorted", "bass-guitar", "",
       "acoustic-drum-kit", D::kBackbeat, C::kPowerChords, B::kRootEighths, 0.0, std::nullopt,
       0.2, 0.1, false, 1.0, "", ""},
      {"reggae", 80, "organ",
       "electric-guitar-clean", "bass-guitar", "", "acoustic-drum-kit", D::kSteppers,
       C::kOffbeatStabs, B::kRootFifth, 0.1, std::nullopt, 0.3, 0.0, false, 0.9, "", ""},
      {"rnb", 90, "saxophone",
       "electric-piano", "bass-guitar", "", "acoustic-drum-kit", D::kBoomBap, C::kLaidBack,
       B::kBoomBap, 0.1, std::nullopt, 0.3, 0.15, true, 0.9, "", ""},
      {"folk", 104, "violin", "acoustic-guitar", "bass-guitar", "", "acoustic-drum-kit", D::kBackbeat,
       C::kStrum, B::kRootFifth, 0.0, Mode::kMajor, 0.25, 0.0, false, 1.0, "", ""},
      {"ballad", 72, "acoustic-piano", "acoustic-piano", "bass-guitar",
       "acoustic-strings-ensemble", "acoustic-drum-kit", D::kBackbeat, C::kArpeggio,
       B::kSustained, 0.0, std::nullopt, 0.4, 0.1, false, 0.7, "", ""},
      {"pop", 110,
       "analog-synth-lead", "acoustic-piano", "bass-guitar", "", "acoustic-drum-kit",
       D::kBackbeat, C::kQuarters, B::kRootFifth, 0.0, std::nullopt, 0.3,
       0.2, false, 1.0, "", ""},
  };
  return kStyles;
}

const StyleProfile* FindProfile(std::string_view name) {
  for (const auto& s : Styles()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const StyleProfile& PopStyle() {
  static const StyleProfile* pop = FindProfile(kFallbackStyle);
  return pop != nullptr ? *pop : Styles().back();
}

// The vocabulary's styles in detection order, each with its profile.
const std::vector<std::pair<const StyleInfo*, const StyleProfile*>>& DetectionOrder() {
  static const auto kOrder = [] {
    std::vector<std::pair<const StyleInfo*, const StyleProfile*>> order;
    for (const StyleInfo& info : AllStyles()) {
      if (const StyleProfile* profile = FindProfile(info.name)) order.emplace_back(&info, profile);
    }
    return order;
  }();
  return kOrder;
}

}  // namespace studio::composer_internal
