#include "engine/composer.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <cctype>
#include <cmath>
#include <map>
#include <numeric>
#include <regex>

#include "domain/limits.h"
#include "domain/vocabulary.h"

namespace studio {

// ---------------------------------------------------------------------------
// Randomness

uint64_t Rng::NextU64() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double Rng::NextDouble() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }

int Rng::NextBelow(int n) { return static_cast<int>(NextDouble() * n); }

int SampleCandidate(const std::vector<double>& logits, double temperature, int top_k,
                    double top_p, Rng& rng) {
  const int n = static_cast<int>(logits.size());
  const double t = std::clamp(temperature, 0.05, 5.0);
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  // Ties keep index order so the result never depends on the sort's stability.
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return logits[a] != logits[b] ? logits[a] > logits[b] : a < b;
  });
  const double best = logits[order[0]];
  std::vector<double> weight(n);
  double total = 0;
  for (int i = 0; i < n; ++i) {
    weight[i] = std::exp((logits[order[i]] - best) / t);
    total += weight[i];
  }
  int keep = std::clamp(top_k, 1, n);
  if (top_p > 0) {
    double cumulative = 0;
    for (int i = 0; i < keep; ++i) {
      cumulative += weight[i] / total;
      if (cumulative >= top_p) {
        keep = i + 1;
        break;
      }
    }
  }
  double kept = 0;
  for (int i = 0; i < keep; ++i) kept += weight[i];
  double r = rng.NextDouble() * kept;
  for (int i = 0; i < keep; ++i) {
    r -= weight[i];
    if (r < 0) return order[i];
  }
  return order[keep - 1];
}

namespace {

uint64_t Mix(uint64_t a, uint64_t b) {
  Rng r(a ^ (b * 0xd6e8feb86659fd93ULL) ^ (b >> 29));
  return r.NextU64();
}

uint64_t Fnv1a(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// Lower case, every run of non-alphanumerics one space, padded with spaces so
// that " word " finds whole words only ("rock" must not match "rocky").
std::string Normalize(std::string_view text) {
  std::string out = " ";
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      out.push_back(static_cast<char>(std::tolower(c)));
    } else if (out.back() != ' ') {
      out.push_back(' ');
    }
  }
  if (out.back() != ' ') out.push_back(' ');
  return out;
}

// Position of the whole-word phrase `word` (already normalized, no padding)
// in normalized `text`, or npos.
size_t FindWord(const std::string& text, std::string_view word) {
  std::string needle = " ";
  needle.append(word);
  needle.push_back(' ');
  return text.find(needle);
}
bool HasWord(const std::string& text, std::string_view word) {
  return FindWord(text, word) != std::string::npos;
}

// ---------------------------------------------------------------------------
// Instruments

enum class Affinity { kLead, kChords, kBass, kPad, kPluck, kBreath, kDrum, kEffect };

struct InstrumentEntry {
  std::string_view name;
  InstrumentSound sound;
  Affinity affinity;
  int low;   // comfortable MIDI range
  int high;
};

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

// ---------------------------------------------------------------------------
// Styles

enum class DrumPattern {
  kBackbeat,
  kFourOnFloor,
  kBoomBap,
  kBreakbeat,
  kTrap,
  kShuffle,
  kSteppers
};
enum class CompStyle {
  kSustain,
  kQuarters,
  kOffbeatStabs,
  kLaidBack,
  kArpeggio,
  kStrum,
  kPowerChords
};
enum class BassStyle {
  kRootEighths, kRootFifth, kOffbeat, kBoomBap, kWalking, kSustained, kSyncopated, kPulsing
};

struct StyleProfile {
  std::string_view name;  // a style of domain/vocabulary.h (which has its keywords)
  int tempo;
  std::string_view lead, chords, bass, pad;  // "" = none
  std::string_view kit;  // "" = drumless style; "taiko-drums" = taiko percussion
  DrumPattern drums;
  CompStyle comp;
  BassStyle bass_style;
  double swing;
  std::optional<Mode> mode;
  double reverb, chorus;
  bool sevenths;
  double density;           // melodic note density before the adapter's
  std::string_view pulse;   // drumless styles: what plays on every beat
  std::string_view effect;  // texture added when the prompt names no instruments
};

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

const StyleProfile& DetectStyle(const std::string& style_text, const std::string& prompt_text) {
  for (const std::string* text : {&style_text, &prompt_text}) {
    for (const auto& [info, profile] : DetectionOrder()) {
      for (std::string_view kw : info->keywords) {
        if (HasWord(*text, kw)) return *profile;
      }
    }
  }
  return PopStyle();
}

// ---------------------------------------------------------------------------
// Mood, mode, key, tempo

// The mood words of domain/vocabulary.h that lean one way.
template <typename Pred>
std::vector<std::string_view> MoodWordsWhere(Pred pred) {
  std::vector<std::string_view> words;
  for (const MoodWord& m : AllMoodWords()) {
    if (pred(m)) words.push_back(m.word);
  }
  return words;
}

const std::vector<std::string_view>& MinorWords() {
  static const auto kWords =
      MoodWordsWhere([](const MoodWord& m) { return m.mode == MoodWord::ModeLean::kMinor; });
  return kWords;
}

const std::vector<std::string_view>& MajorWords() {
  static const auto kWords =
      MoodWordsWhere([](const MoodWord& m) { return m.mode == MoodWord::ModeLean::kMajor; });
  return kWords;
}

const std::vector<std::string_view>& FastWords() {
  static const auto kWords =
      MoodWordsWhere([](const MoodWord& m) { return m.tempo == MoodWord::TempoLean::kFaster; });
  return kWords;
}

const std::vector<std::string_view>& SlowWords() {
  static const auto kWords =
      MoodWordsWhere([](const MoodWord& m) { return m.tempo == MoodWord::TempoLean::kSlower; });
  return kWords;
}

int CountWords(const std::string& text, const std::vector<std::string_view>& words) {
  int n = 0;
  for (std::string_view w : words) n += HasWord(text, w) ? 1 : 0;
  return n;
}

struct KeyHint {
  int root = 0;
  std::optional<Mode> mode;
};

// "in A minor", "in F# major", "key of Eb": an explicit key in the prompt.
std::optional<KeyHint> ParseKey(const std::string& raw_text) {
  std::string text;
  for (unsigned char c : raw_text) text.push_back(static_cast<char>(std::tolower(c)));
  static const std::regex kKey(
      R"((?:\bin|\bkey of)\s+([a-g])(#|b|-sharp|-flat| sharp| flat)?(?:\s+(major|minor)\b|\b))");
  std::smatch m;
  auto begin = text.cbegin();
  while (std::regex_search(begin, text.cend(), m, kKey)) {
    const bool key_of = m[0].str().rfind("key of", 0) == 0;
    if (m[3].matched || key_of) {
      static const int kNatural[7] = {9, 11, 0, 2, 4, 5, 7};  // a..g
      KeyHint hint;
      hint.root = kNatural[m[1].str()[0] - 'a'];
      std::string accidental = m[2].matched ? m[2].str() : "";
      if (accidental == "#" || accidental.find("sharp") != std::string::npos) hint.root += 1;
      if (accidental == "b" || accidental.find("flat") != std::string::npos) hint.root += 11;
      hint.root %= 12;
      if (m[3].matched) hint.mode = m[3].str() == "major" ? Mode::kMajor : Mode::kMinor;
      return hint;
    }
    begin = m[0].second;
  }
  return std::nullopt;
}

std::optional<int> ParseBpm(const std::string& normalized_text) {
  static const std::regex kBpm(R"( (\d{2,3}) ?bpm )");
  std::smatch m;
  if (std::regex_search(normalized_text, m, kBpm)) {
    int bpm = std::stoi(m[1].str());
    if (bpm >= limits::kTempo.min && bpm <= limits::kTempo.max) return bpm;
  }
  return std::nullopt;
}

std::array<int, 7> ScaleSteps(Mode mode, bool minor_flavour) {
  switch (mode) {
    case Mode::kMajor: return {0, 2, 4, 5, 7, 9, 11};
    case Mode::kMinor: return {0, 2, 3, 5, 7, 8, 10};
    case Mode::kDorian: return {0, 2, 3, 5, 7, 9, 10};
    case Mode::kMixolydian: return {0, 2, 4, 5, 7, 9, 10};
    case Mode::kPhrygian: return {0, 1, 3, 5, 7, 8, 10};
    case Mode::kLydian: return {0, 2, 4, 6, 7, 9, 11};
    case Mode::kPentatonic:
      // Harmony of a pentatonic piece comes from its parent major/minor scale;
      // the melody keeps to the five notes (MelodyScale).
      return minor_flavour ? std::array<int, 7>{0, 2, 3, 5, 7, 8, 10}
                           : std::array<int, 7>{0, 2, 4, 5, 7, 9, 11};
  }
  return {0, 2, 4, 5, 7, 9, 11};
}

std::vector<int> MelodyScale(Mode mode, bool minor_flavour) {
  if (mode == Mode::kPentatonic) {
    return minor_flavour ? std::vector<int>{0, 3, 5, 7, 10} : std::vector<int>{0, 2, 4, 7, 9};
  }
  auto s = ScaleSteps(mode, minor_flavour);
  return std::vector<int>(s.begin(), s.end());
}

bool IsMinorLike(Mode mode, bool minor_flavour) {
  return mode == Mode::kMinor || mode == Mode::kDorian || mode == Mode::kPhrygian ||
         (mode == Mode::kPentatonic && minor_flavour);
}

// Scale-degree progressions (0 = tonic), most idiomatic first.
std::vector<std::vector<int>> ProgressionsFor(Mode mode, bool minor_flavour,
                                              const StyleProfile& style) {
  if (style.name == "jazz" || style.name == "lofi" || style.name == "rnb") {
    if (IsMinorLike(mode, minor_flavour)) {
      return {{0, 3, 0, 3}, {0, 3, 6, 2}, {1, 4, 0, 0}, {0, 5, 1, 4}};
    }
    return {{1, 4, 0, 0}, {1, 4, 0, 5}, {0, 5, 1, 4}, {3, 2, 1, 0}};
  }
  switch (mode) {
    case Mode::kMixolydian: return {{0, 6, 3, 0}, {0, 3, 6, 0}, {0, 4, 3, 0}};
    case Mode::kLydian: return {{0, 1, 0, 1}, {0, 1, 6, 0}, {0, 4, 1, 0}};
    case Mode::kPhrygian: return {{0, 1, 0, 6}, {0, 1, 6, 0}, {0, 5, 1, 0}};
    case Mode::kDorian: return {{0, 3, 0, 3}, {0, 3, 6, 0}, {0, 2, 3, 0}};
    default: break;
  }
  if (IsMinorLike(mode, minor_flavour)) {
    return {{0, 5, 2, 6}, {0, 3, 6, 2}, {0, 6, 5, 6}, {0, 5, 3, 4}, {0, 3, 4, 0}};
  }
  return {{0, 4, 5, 3}, {0, 5, 3, 4}, {5, 3, 0, 4}, {0, 3, 4, 3}, {0, 2, 3, 4}};
}

struct Chord {
  int root_pc = 0;
  std::vector<int> pcs;  // pitch classes, root first
};

// The note of pitch class `pc` nearest to `target`.
int NearestWithPc(int pc, int target) {
  int base = target - ((target - pc) % 12 + 12) % 12;  // at or below target
  return (target - base) <= (base + 12 - target) ? base : base + 12;
}

// The lowest note of pitch class `pc` at or above `low`.
int LowestAtOrAbove(int pc, int low) { return low + ((pc - low) % 12 + 12) % 12; }

// Close voicing of `pcs` around `center`, each tone within a fifth of it.
std::vector<int> Voicing(const std::vector<int>& pcs, int center) {
  std::vector<int> notes;
  for (int pc : pcs) notes.push_back(NearestWithPc(pc, center));
  std::sort(notes.begin(), notes.end());
  notes.erase(std::unique(notes.begin(), notes.end()), notes.end());
  return notes;
}

// ---------------------------------------------------------------------------
// Arrangement

struct Voice {
  const InstrumentEntry* entry = nullptr;
  bool requested = false;
};

enum class ColorKind { kCounter, kArpeggio, kPad, kBreath, kLowLine };

struct ColorVoice {
  Voice voice;
  ColorKind kind = ColorKind::kCounter;
};

struct Arrangement {
  std::optional<Voice> lead, chords, bass, pad;
  std::vector<ColorVoice> colors;
  std::vector<const InstrumentEntry*> kits;    // rotate per phrase when several
  std::vector<const InstrumentEntry*> pieces;  // drum pieces asked for by name
  bool kit_requested = false;
  bool taiko = false;
  bool taiko_requested = false;
  std::vector<PcmEffect> effects;
};

ColorKind ColorKindFor(Affinity a) {
  switch (a) {
    case Affinity::kLead: return ColorKind::kCounter;
    case Affinity::kChords: return ColorKind::kArpeggio;
    case Affinity::kPluck: return ColorKind::kArpeggio;
    case Affinity::kPad: return ColorKind::kPad;
    case Affinity::kBreath: return ColorKind::kBreath;
    case Affinity::kBass: return ColorKind::kLowLine;
    default: return ColorKind::kCounter;
  }
}

// Instrument words of a prompt that names no instruments in its attributes.
std::vector<std::string> InstrumentsFromText(const std::string& text) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kAliases = {
      {"piano", "acoustic-piano"},        {"grand piano", "acoustic-piano"},
      {"electric piano", "electric-piano"}, {"rhodes", "electric-piano"},
      {"wurlitzer", "electric-piano"},    {"organ", "organ"},
      {"clavinet", "clavinet"},           {"clav", "clavinet"},
      {"celesta", "celesta"},             {"celeste", "celesta"},
      {"music box", "celesta"},           {"guitar", "acoustic-guitar"},
      {"acoustic guitar", "acoustic-guitar"}, {"electric guitar", "electric-guitar-clean"},
      {"distorted guitar", "electric-guitar-distorted"},
      {"heavy guitar", "electric-guitar-distorted"},
      {"bass guitar", "bass-guitar"},     {"electric bass", "bass-guitar"},
      {"synth bass", "synth-bass"},       {"sub bass", "synth-bass"},
      {"violin", "violin"},               {"fiddle", "violin"},
      {"viola", "viola"},                 {"cello", "cello"},
      {"double bass", "double-bass"},     {"upright bass", "double-bass"},
      {"contrabass", "double-bass"},      {"harp", "harp"},
      {"808", "808-drums"},               {"909", "909-drums"},
      {"sax", "saxophone"},               {"saxophone", "saxophone"},
      {"trumpet", "trumpet"},             {"trombone", "trombone"},
      {"french horn", "french-horn"},     {"horns", "french-horn"},
      {"flute", "flute"},                 {"piccolo", "piccolo"},
      {"clarinet", "clarinet"},           {"oboe", "oboe"},
      {"bassoon", "bassoon"},             {"synth lead", "analog-synth-lead"},
      {"lead synth", "analog-synth-lead"}, {"synth pad", "analog-synth-pad"},
      {"synth pads", "analog-synth-pad"}, {"arpeggio", "arpeggiator-synth"},
      {"arpeggios", "arpeggiator-synth"}, {"arpeggiated", "arpeggiator-synth"},
      {"strings", "acoustic-strings-ensemble"}, {"string section", "acoustic-strings-ensemble"},
      {"taiko", "taiko-drums"},           {"kalimba", "kalimba"},
      {"thumb piano", "kalimba"},         {"sitar", "sitar"},
      {"shamisen", "shamisen"},           {"erhu", "erhu"},
      {"choir", "choir"},                 {"choral", "choir"},
      {"vocal pad", "vocal-pad"},         {"vinyl", "vinyl-noise"},
      {"crackle", "vinyl-noise"},         {"tape", "tape-saturation"},
      {"cassette", "tape-saturation"},    {"rain", "ambient-noise"},
      {"field recording", "ambient-noise"}};
  std::vector<std::pair<size_t, std::string>> found;
  auto add = [&](size_t pos, std::string_view name) {
    for (auto& f : found) {
      if (f.second == name) {
        f.first = std::min(f.first, pos);
        return;
      }
    }
    found.emplace_back(pos, std::string(name));
  };
  for (const auto& info : AllInstruments()) {
    std::string words(info.name);
    std::replace(words.begin(), words.end(), '-', ' ');
    size_t pos = FindWord(text, words);
    if (pos != std::string::npos) add(pos, info.name);
  }
  for (const auto& [alias, name] : kAliases) {
    size_t pos = FindWord(text, alias);
    if (pos != std::string::npos) add(pos, name);
  }
  // "electric guitar" also contains "guitar": keep the more specific one.
  auto drop_if = [&](std::string_view general, std::string_view specific) {
    bool has_specific = std::any_of(found.begin(), found.end(),
                                    [&](const auto& f) { return f.second == specific; });
    if (!has_specific) return;
    found.erase(std::remove_if(found.begin(), found.end(),
                               [&](const auto& f) { return f.second == general; }),
                found.end());
  };
  drop_if("acoustic-guitar", "electric-guitar-clean");
  drop_if("acoustic-guitar", "electric-guitar-distorted");
  drop_if("acoustic-piano", "electric-piano");
  drop_if("electric-guitar-clean", "electric-guitar-distorted");
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> names;
  for (auto& f : found) names.push_back(f.second);
  return names;
}

void AddUnique(std::vector<const InstrumentEntry*>* list, const InstrumentEntry* e) {
  if (std::find(list->begin(), list->end(), e) == list->end()) list->push_back(e);
}

Arrangement Arrange(const RenderRequest& request, const AdapterStyle& adapter,
                    const StyleProfile& style, const std::string& text) {
  Arrangement arr;
  std::vector<std::string> primary = request.attributes.primary_instruments;
  std::vector<std::string> secondary = request.attributes.secondary_instruments;
  const bool none_named = primary.empty() && secondary.empty();
  if (none_named) primary = InstrumentsFromText(text);

  auto is_free = [&](const std::optional<Voice>& slot) { return !slot.has_value(); };
  std::vector<std::string> seen;
  auto first_time = [&](const std::string& name) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) return false;
    seen.push_back(name);
    return true;
  };

  auto place_non_melodic = [&](const InstrumentEntry* e) {
    if (e->affinity == Affinity::kEffect) {
      if (std::find(arr.effects.begin(), arr.effects.end(), e->sound.effect) ==
          arr.effects.end()) {
        arr.effects.push_back(e->sound.effect);
      }
      return true;
    }
    if (IsTaiko(*e)) {
      arr.taiko = arr.taiko_requested = true;
      return true;
    }
    if (IsKit(*e)) {
      AddUnique(&arr.kits, e);
      arr.kit_requested = true;
      return true;
    }
    if (IsPiece(*e)) {
      AddUnique(&arr.pieces, e);
      return true;
    }
    return false;
  };

  // Primary instruments: each takes the first main role it suits that is
  // still free; what is left over plays a colour part.
  std::vector<const InstrumentEntry*> leftovers;
  for (const std::string& name : primary) {
    const InstrumentEntry* e = FindEntry(name);
    if (e == nullptr || !first_time(name) || place_non_melodic(e)) continue;
    Voice v{e, true};
    switch (e->affinity) {
      case Affinity::kLead:
        if (is_free(arr.lead)) { arr.lead = v; continue; }
        break;
      case Affinity::kChords:
      case Affinity::kPluck:
        if (is_free(arr.chords)) { arr.chords = v; continue; }
        if (is_free(arr.lead)) { arr.lead = v; continue; }
        break;
      case Affinity::kBass:
        if (is_free(arr.bass)) { arr.bass = v; continue; }
        break;
      case Affinity::kPad:
        if (is_free(arr.pad)) { arr.pad = v; continue; }
        if (is_free(arr.chords)) { arr.chords = v; continue; }
        break;
      default: break;
    }
    leftovers.push_back(e);
  }
  // A requested keyboard/guitar with no requested lead plays the melody too,
  // rather than the style adding a lead nobody asked for.
  if (!arr.lead && arr.chords && arr.chords->requested) arr.lead = arr.chords;
  // Leftover primaries may still take a free lead before becoming colour.
  for (const InstrumentEntry* e : leftovers) {
    if (!arr.lead && e->affinity != Affinity::kBass && e->affinity != Affinity::kBreath) {
      arr.lead = Voice{e, true};
    } else {
      arr.colors.push_back({Voice{e, true}, ColorKindFor(e->affinity)});
    }
  }

  // Secondary instruments add colour; a bass or pad may fill the role the
  // style would otherwise fill.
  for (const std::string& name : secondary) {
    const InstrumentEntry* e = FindEntry(name);
    if (e == nullptr || !first_time(name) || place_non_melodic(e)) continue;
    if (e->affinity == Affinity::kBass && !arr.bass) {
      arr.bass = Voice{e, true};
    } else if (e->affinity == Affinity::kPad && !arr.pad) {
      arr.pad = Voice{e, true};
    } else {
      arr.colors.push_back({Voice{e, true}, ColorKindFor(e->affinity)});
    }
  }

  // The adapter's overrides replace what the prompt or the style chose; a
  // requested instrument they displace keeps playing as colour.
  auto displace = [&](std::optional<Voice>& slot) {
    if (slot && slot->requested) {
      bool still_used = false;
      for (auto* other : {&arr.lead, &arr.chords, &arr.bass, &arr.pad}) {
        if (other != &slot && *other && (*other)->entry == slot->entry) still_used = true;
      }
      if (!still_used) arr.colors.push_back({*slot, ColorKindFor(slot->entry->affinity)});
    }
  };
  for (const auto& [role, name] : adapter.instrument_overrides) {
    const InstrumentEntry* e = FindEntry(name);
    if (e == nullptr) continue;
    Voice v{e, true};
    if (role == "lead") { displace(arr.lead); arr.lead = v; }
    if (role == "chords") { displace(arr.chords); arr.chords = v; }
    if (role == "bass") { displace(arr.bass); arr.bass = v; }
    if (role == "pad") { displace(arr.pad); arr.pad = v; }
    if (role == "drums") {
      if (IsTaiko(*e)) {
        arr.taiko = arr.taiko_requested = true;
        if (!arr.kit_requested) arr.kits.clear();
      } else if (IsKit(*e)) {
        arr.kits.erase(std::remove(arr.kits.begin(), arr.kits.end(), e), arr.kits.end());
        arr.kits.insert(arr.kits.begin(), e);
        arr.kit_requested = true;
      } else if (IsPiece(*e)) {
        AddUnique(&arr.pieces, e);
      }
    }
  }

  // The style fills whatever is still empty.
  auto style_voice = [&](std::string_view name) -> std::optional<Voice> {
    if (name.empty()) return std::nullopt;
    const InstrumentEntry* e = FindEntry(name);
    if (e == nullptr) return std::nullopt;
    return Voice{e, false};
  };
  if (!arr.lead) arr.lead = style_voice(style.lead);
  if (!arr.chords) arr.chords = style_voice(style.chords);
  if (!arr.bass) arr.bass = style_voice(style.bass);
  if (!arr.pad && none_named && primary.empty()) arr.pad = style_voice(style.pad);

  const bool drums_overridden_to_taiko =
      adapter.instrument_overrides.count("drums") &&
      adapter.instrument_overrides.at("drums") == "taiko-drums";
  if (arr.kits.empty() && !drums_overridden_to_taiko) {
    if (style.kit == "taiko-drums") {
      arr.taiko = true;
    } else if (!style.kit.empty()) {
      arr.kits.push_back(FindEntry(style.kit));
    }
  }
  if (none_named && primary.empty() && !style.effect.empty()) {
    const InstrumentEntry* e = FindEntry(style.effect);
    if (e != nullptr) arr.effects.push_back(e->sound.effect);
  }
  return arr;
}

// ---------------------------------------------------------------------------
// Writing notes

class Score {
 public:
  Score(double tempo, double swing, int sample_rate, int64_t total_frames, double velocity_scale)
      : frames_per_beat_(60.0 * sample_rate / tempo),
        swing_delay_(swing * 0.5),
        sample_rate_(sample_rate),
        total_frames_(total_frames),
        velocity_scale_(velocity_scale) {}

  // Frame of a position in beats. Off-beat eighths move later by the swing;
  // everything between moves proportionally, so sixteenths swing too.
  int64_t FrameAt(double beat) const {
    double whole = std::floor(beat);
    double frac = beat - whole;
    double mid = 0.5 + swing_delay_;
    double warped = frac < 0.5 ? frac * (mid / 0.5) : mid + (frac - 0.5) * ((1.0 - mid) / 0.5);
    return std::llround((whole + warped) * frames_per_beat_);
  }

  double total_beats() const { return total_frames_ / frames_per_beat_; }
  int sample_rate() const { return sample_rate_; }

  // `offset_seconds` humanises timing; notes that would start in the last
  // 50 ms are dropped because the fade-out would swallow them anyway.
  void Add(int channel, int program, int note, int velocity, double start_beat,
           double length_beats, double offset_seconds = 0) {
    if (note < 0 || note > 127) return;
    int64_t offset = std::llround(offset_seconds * sample_rate_);
    int64_t start = std::max<int64_t>(0, FrameAt(start_beat) + offset);
    int64_t end = FrameAt(start_beat + length_beats) + offset;
    if (start >= total_frames_ - sample_rate_ / 20) return;
    end = std::min(end, total_frames_);
    if (end <= start) return;
    int v = static_cast<int>(std::lround(velocity * velocity_scale_));
    notes_.push_back(NoteEvent{channel, program, note, std::clamp(v, 1, 127), start, end});
  }

  std::vector<NoteEvent>& notes() { return notes_; }

 private:
  double frames_per_beat_;
  double swing_delay_;
  int sample_rate_;
  int64_t total_frames_;
  double velocity_scale_;
  std::vector<NoteEvent> notes_;
};

struct Context {
  const StyleProfile* style;
  Mode mode;
  bool minor_flavour;
  int key_root;
  std::vector<Chord> progression;  // one per chord slot
  int bars_per_chord = 1;
  int bars = 0;
  int phrase_bars = 4;
  // The melody enters after this many bars. The opening bar belongs to the
  // groove: a listener (and a beat tracker) finds the beat before the tune
  // starts competing with it.
  int intro_bars = 0;
  double tempo_bpm = 120;
  double temperature = 1.0;
  int top_k = 250;
  double top_p = 0;
  double density = 1.0;  // style x adapter
  uint64_t seed = 0;
  std::vector<int> melody_steps;  // pitch classes relative to key

  const Chord& ChordAt(int bar) const {
    return progression[(bar / bars_per_chord) % progression.size()];
  }
  const Chord& ChordAfter(int bar) const { return ChordAt(bar + 1); }
  // Bars from `bar` (inclusive) until the chord changes, at most until `limit`.
  int BarsOfSameChord(int bar, int limit) const {
    int n = 1;
    while (bar + n < limit && (bar + n) % bars_per_chord != 0) ++n;
    return n;
  }
  Rng Stream(std::string_view tag, uint64_t salt = 0) const {
    return Rng(Mix(seed, Fnv1a(tag) + salt));
  }
  // Beats between the pulses a listener taps along to: above 160 bpm that
  // is every other beat (drum and bass is felt at half time).
  int FeltBeat() const { return tempo_bpm >= 160 ? 2 : 1; }
  int Humanize(Rng& rng, int velocity) const {
    double spread = 2 + 4 * temperature;
    return velocity + static_cast<int>(std::lround((rng.NextDouble() * 2 - 1) * spread));
  }
  double Jitter(Rng& rng) const { return (rng.NextDouble() * 2 - 1) * 0.004 * temperature; }
  bool IsMelodyTone(int note) const {
    int rel = ((note - key_root) % 12 + 12) % 12;
    return std::find(melody_steps.begin(), melody_steps.end(), rel) != melody_steps.end();
  }
};

std::pair<int, int> RangeOf(const InstrumentEntry& e) { return {e.low, e.high}; }

// std::clamp, except that an empty range (an instrument too narrow for the
// preferred register) gives its middle instead of undefined behaviour.
int SafeClamp(int v, int lo, int hi) { return lo > hi ? (lo + hi) / 2 : std::clamp(v, lo, hi); }

// ---- Melody ----

struct MelodyNote {
  double beat;    // from the phrase start
  double length;
  int note;
  int velocity;
};

// Rhythm templates of one bar in sixteenths: {start, length}.
using Rhythm = std::vector<std::pair<int, int>>;

const std::vector<Rhythm>& RhythmsFor(double density) {
  static const std::vector<Rhythm> kSparse = {
      {{0, 8}, {8, 8}}, {{0, 12}, {12, 4}}, {{0, 16}}, {{0, 6}, {6, 10}}, {{4, 4}, {8, 8}}};
  static const std::vector<Rhythm> kMedium = {
      {{0, 4}, {4, 4}, {8, 6}, {14, 2}}, {{0, 6}, {6, 2}, {8, 4}, {12, 4}},
      {{0, 4}, {6, 2}, {8, 8}},          {{0, 2}, {2, 2}, {4, 4}, {8, 4}, {12, 4}},
      {{2, 2}, {4, 4}, {8, 2}, {10, 6}}, {{0, 3}, {3, 3}, {6, 2}, {8, 8}}};
  static const std::vector<Rhythm> kDense = {
      {{0, 2}, {2, 2}, {4, 2}, {6, 2}, {8, 2}, {10, 2}, {12, 4}},
      {{0, 1}, {1, 1}, {2, 2}, {4, 2}, {6, 2}, {8, 4}, {12, 2}, {14, 2}},
      {{0, 2}, {2, 1}, {3, 1}, {4, 4}, {8, 2}, {10, 2}, {12, 2}, {14, 2}},
      {{0, 3}, {3, 3}, {6, 2}, {8, 2}, {10, 2}, {12, 2}, {14, 2}}};
  if (density < 0.7) return kSparse;
  if (density < 1.3) return kMedium;
  return kDense;
}

const std::vector<Rhythm>& EndingRhythms() {
  static const std::vector<Rhythm> kEnd = {{{0, 4}, {4, 12}}, {{0, 16}}, {{0, 2}, {2, 2}, {4, 12}}};
  return kEnd;
}

std::vector<MelodyNote> ComposePhrase(const Context& ctx, int phrase_bars, int center, int low,
                                      int high, double density, Rng& rng, int base_velocity,
                                      bool sustained_voice) {
  const auto& rhythms = RhythmsFor(sustained_voice ? density * 0.5 : density);
  // A two-bar motif repeats; higher temperature varies it more often.
  Rhythm motif_a = rhythms[rng.NextBelow(static_cast<int>(rhythms.size()))];
  Rhythm motif_b = rhythms[rng.NextBelow(static_cast<int>(rhythms.size()))];
  const double vary = std::clamp(0.08 + 0.22 * ctx.temperature, 0.0, 0.7);

  std::vector<int> candidates;
  for (int n = std::max(low, center - 9); n <= std::min(high, center + 10); ++n) {
    candidates.push_back(n);
  }
  if (candidates.empty()) candidates.push_back(std::clamp(center, 0, 127));

  std::vector<MelodyNote> out;
  int prev = center;
  int prev_interval = 0;
  for (int bar = 0; bar < phrase_bars; ++bar) {
    const bool last_bar = bar == phrase_bars - 1;
    Rhythm rhythm = bar % 2 == 0 ? motif_a : motif_b;
    if (last_bar && phrase_bars > 1 && rng.Chance(0.7)) {
      rhythm = EndingRhythms()[rng.NextBelow(static_cast<int>(EndingRhythms().size()))];
    } else if (rng.Chance(vary)) {
      rhythm = rhythms[rng.NextBelow(static_cast<int>(rhythms.size()))];
    }
    const Chord& chord = ctx.ChordAt(bar);
    for (size_t i = 0; i < rhythm.size(); ++i) {
      const auto [start, length] = rhythm[i];
      const bool strong = start % 8 == 0;
      const bool phrase_end = last_bar && i + 1 == rhythm.size();
      std::vector<double> logits;
      logits.reserve(candidates.size());
      for (int c : candidates) {
        const int pc = ((c % 12) + 12) % 12;
        const bool chord_tone =
            std::find(chord.pcs.begin(), chord.pcs.end(), pc) != chord.pcs.end();
        const bool in_scale = ctx.IsMelodyTone(c);
        const int interval = c - prev;
        double score = -0.35 * std::abs(interval);
        if (std::abs(interval) > 7) score -= 1.0;
        if (chord_tone) score += strong ? 2.0 : 0.8;
        if (!in_scale) score -= strong ? 6.0 : 3.0;  // chromatic: passing notes only
        if (interval == 0) score -= 0.6;
        if (std::abs(prev_interval) > 4 && interval != 0 &&
            (interval > 0) != (prev_interval > 0)) {
          score += 1.0;  // a leap is answered by a step back
        }
        score -= 0.06 * std::abs(c - center);
        if (phrase_end) score += pc == chord.root_pc ? 2.5 : (chord_tone ? 0.8 : -2.0);
        logits.push_back(score);
      }
      int note = candidates[SampleCandidate(logits, ctx.temperature, ctx.top_k, ctx.top_p, rng)];
      prev_interval = note - prev;
      prev = note;
      int velocity = base_velocity + (strong ? 8 : 0);
      out.push_back({bar * 4.0 + start / 4.0, length / 4.0, note, velocity});
    }
  }
  return out;
}

void WriteMelody(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
                 int center_shift, double density, int base_velocity, std::string_view tag) {
  auto [low, high] = RangeOf(e);
  const bool sustained = e.affinity == Affinity::kPad;
  // Melodies sit between A3 and A5 when the instrument can reach there.
  int center = SafeClamp((low + high) / 2, std::max(low, 57), std::min(high, 81)) + center_shift;
  // Phrases follow A A B A: the piece has a recognisable tune, and the
  // returning A comes back with small changes when temperature is high.
  std::map<char, std::vector<MelodyNote>> bank;
  Rng timing = ctx.Stream(std::string(tag) + ":timing");
  const int phrases = (ctx.bars + ctx.phrase_bars - 1) / ctx.phrase_bars;
  for (int p = 0; p < phrases; ++p) {
    const char letter = "AABA"[p % 4];
    auto it = bank.find(letter);
    if (it == bank.end()) {
      Rng rng = ctx.Stream(std::string(tag) + ":" + letter);
      int c = letter == 'B' ? center + 3 : center;
      it = bank.emplace(letter, ComposePhrase(ctx, ctx.phrase_bars, c, low, high, density, rng,
                                              base_velocity, sustained))
               .first;
    }
    Rng vary = ctx.Stream(std::string(tag) + ":vary", p);
    const double mutate = p < 2 ? 0.0 : 0.06 * ctx.temperature;
    const double phrase_start = p * ctx.phrase_bars * 4.0;
    for (const MelodyNote& m : it->second) {
      if (phrase_start + m.beat < ctx.intro_bars * 4.0) continue;
      int note = m.note;
      if (vary.Chance(mutate)) {
        int step = vary.Chance(0.5) ? 1 : -1;
        do note += step;
        while (!ctx.IsMelodyTone(note));
        if (note < low || note > high) note = m.note;
      }
      const double legato = sustained ? 1.0 : 0.92;
      score.Add(part.channel, part.program, note, ctx.Humanize(timing, m.velocity),
                phrase_start + m.beat, m.length * legato, ctx.Jitter(timing));
    }
  }
}

// ---- Chords ----

// Four-note figures over a chord voicing. Four, not three: a three-note
// cycle of eighths repeats every 1.5 beats and pulls the felt (and the
// detected) beat away from the tempo.
std::vector<int> ArpeggioFigure(const std::vector<int>& voicing, int shape) {
  const int lo = voicing.front();
  const int mid = voicing.size() > 1 ? voicing[1] : lo + 7;
  const int hi = voicing.size() > 2 ? voicing[2] : lo + 12;
  const int top = voicing.size() > 3 ? voicing[3] : lo + 12;
  switch (shape % 4) {
    case 0: return {lo, hi, mid, hi};   // Alberti
    case 1: return {lo, mid, hi, top};  // rising
    case 2: return {lo, mid, hi, mid};  // up and back
    default: return {lo, lo + 12, hi, mid + 12};
  }
}

CompStyle CompFor(const StyleProfile& style, const InstrumentEntry& e) {
  if (e.name == "electric-guitar-distorted") return CompStyle::kPowerChords;
  if (e.affinity == Affinity::kPluck) return CompStyle::kArpeggio;
  if (e.affinity == Affinity::kPad) return CompStyle::kSustain;
  if (e.name == "acoustic-guitar" && style.comp != CompStyle::kArpeggio) return CompStyle::kStrum;
  if (style.comp == CompStyle::kPowerChords) return CompStyle::kQuarters;
  return style.comp;
}

void WriteChords(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
                 CompStyle comp, int base_velocity, int first_bar) {
  Rng rng = ctx.Stream("chords");
  auto [low, high] = RangeOf(e);
  const int center = SafeClamp(e.name.find("guitar") != std::string_view::npos ? 57 : 62,
                               low + 6, high - 6);
  const double d = ctx.density;
  const CompStyle groove = comp;
  for (int bar = first_bar; bar < ctx.bars; ++bar) {
    // The intro holds the chord and leaves the rhythm to the beat.
    const bool intro = bar < ctx.intro_bars;
    comp = intro && groove != CompStyle::kPowerChords ? CompStyle::kSustain : groove;
    const Chord& chord = ctx.ChordAt(bar);
    const double b0 = bar * 4.0;
    std::vector<int> voicing = Voicing(chord.pcs, center);
    auto hit = [&](double beat, double length, int velocity, double stagger_s, bool up = false) {
      double jitter = ctx.Jitter(rng);
      for (size_t i = 0; i < voicing.size(); ++i) {
        size_t idx = up ? voicing.size() - 1 - i : i;
        score.Add(part.channel, part.program, voicing[idx], ctx.Humanize(rng, velocity),
                  b0 + beat, length, jitter + stagger_s * i);
      }
    };
    switch (comp) {
      case CompStyle::kSustain:
        // Held until the chord changes: a re-struck pad only piles up voices
        // (and CPU) in its long release.
        if (bar == first_bar || bar % ctx.bars_per_chord == 0) {
          const int limit =
              groove == CompStyle::kSustain ? ctx.bars : std::max(ctx.intro_bars, bar + 1);
          hit(0, ctx.BarsOfSameChord(bar, limit) * 4.0 - 0.05, base_velocity - 6, 0);
        }
        break;
      case CompStyle::kQuarters: {
        const double step = d < 0.7 ? 2.0 : (d > 1.4 ? 0.5 : 1.0);
        for (double b = 0; b < 4; b += step)
          hit(b, step * 0.85, base_velocity + (b == 0 ? 8 : 0), 0);
        break;
      }
      case CompStyle::kOffbeatStabs: {
        for (double b = 0.5; b < 4; b += 1.0) hit(b, 0.3, base_velocity, 0);
        if (d > 1.1) {
          hit(0.75, 0.2, base_velocity - 12, 0);
          hit(2.75, 0.2, base_velocity - 12, 0);
        }
        break;
      }
      case CompStyle::kLaidBack:
        if (d < 0.7) {
          hit(0, 3.9, base_velocity, 0.015);
        } else {
          hit(0, 1.9, base_velocity, 0.015);
          hit(rng.Chance(0.5) ? 2.5 : 2.0, 1.4, base_velocity - 8, 0.015);
        }
        break;
      case CompStyle::kArpeggio: {
        const std::vector<int> figure = ArpeggioFigure(voicing, rng.NextBelow(4));
        const double step = d < 0.7 ? 1.0 : (d > 1.4 ? 0.25 : 0.5);
        int i = 0;
        for (double b = 0; b < 4 - 1e-9; b += step, ++i) {
          const bool on_beat = std::fmod(b, 1.0) == 0;
          score.Add(part.channel, part.program, figure[i % figure.size()],
                    ctx.Humanize(rng, base_velocity + (on_beat ? 10 : -10)), b0 + b, step * 1.6,
                    ctx.Jitter(rng));
        }
        break;
      }
      case CompStyle::kStrum: {
        // Down, down-up, up-down-up: the campfire pattern.
        const std::array<std::pair<double, bool>, 6> strokes = {
            {{0, false}, {1, false}, {1.5, true}, {2.5, true}, {3, false}, {3.5, true}}};
        for (auto [beat, up] : strokes) {
          if (d < 0.7 && std::fmod(beat, 1.0) != 0) continue;
          hit(beat, 0.9, base_velocity - (up ? 10 : 0), 0.012, up);
        }
        break;
      }
      case CompStyle::kPowerChords: {
        int root = LowestAtOrAbove(chord.root_pc, std::max(low, 40));
        std::vector<int> power = {root, root + 7, root + 12};
        const double step = d < 0.7 || intro ? 1.0 : 0.5;  // the intro chugs on the beat
        for (double b = 0; b < 4; b += step) {
          for (int n : power) {
            score.Add(part.channel, part.program, n,
                      ctx.Humanize(rng, base_velocity + (std::fmod(b, 1.0) == 0 ? 10 : 0)),
                      b0 + b, step * 0.8);
          }
        }
        break;
      }
    }
  }
}

// ---- Bass ----

void WriteBass(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
               BassStyle style, int base_velocity) {
  Rng rng = ctx.Stream("bass");
  const int low = std::max(e.low, 33);
  if (ctx.density < 0.6 && style != BassStyle::kSustained) style = BassStyle::kRootFifth;
  const double passing = 0.08 * ctx.temperature;
  for (int bar = 0; bar < ctx.bars; ++bar) {
    const Chord& chord = ctx.ChordAt(bar);
    const int root = LowestAtOrAbove(chord.root_pc, low);
    const int fifth = root + 7;
    const int octave = root + 12;
    const int next_root = LowestAtOrAbove(ctx.ChordAfter(bar).root_pc, low);
    const int approach = next_root + (next_root > root ? -1 : (next_root < root ? 1 : 2));
    const double b0 = bar * 4.0;
    auto n = [&](double beat, double length, int note, int velocity_offset = 0) {
      score.Add(part.channel, part.program, note,
                ctx.Humanize(rng, base_velocity + velocity_offset), b0 + beat, length);
    };
    auto maybe = [&](int note) {
      return rng.Chance(passing) ? (rng.Chance(0.5) ? fifth : octave) : note;
    };
    // In the intro the bass marks the beats with the drums (see WriteDrums).
    const BassStyle bar_style =
        bar < ctx.intro_bars && style != BassStyle::kSustained ? BassStyle::kPulsing : style;
    switch (bar_style) {
      case BassStyle::kRootEighths:
        for (int i = 0; i < 8; ++i) {
          int note = i == 7 && rng.Chance(0.5) ? approach : maybe(root);
          n(i * 0.5, 0.45, note, i % 2 == 0 ? 6 : 0);
        }
        break;
      case BassStyle::kRootFifth:
        n(0, 1.45, root, 8);
        n(1.5, 0.45, root);
        n(2, 1.45, fifth, 4);
        n(3.5, 0.45, rng.Chance(0.5) ? approach : octave);
        break;
      case BassStyle::kOffbeat:
        for (int i = 0; i < 4; ++i)
          n(i + 0.5, 0.4, i == 3 && rng.Chance(0.4) ? octave : maybe(root), 4);
        break;
      case BassStyle::kBoomBap:
        n(0, 1.5, root, 8);
        n(1.75, 0.5, root);
        n(2.5, 1.0, rng.Chance(0.5) || octave > e.high ? fifth : octave);
        n(3.5, 0.45, approach, -6);
        break;
      case BassStyle::kWalking: {
        const int third = NearestWithPc(chord.pcs.size() > 1 ? chord.pcs[1] : root, root + 4);
        const int fifth_tone =
            NearestWithPc(chord.pcs.size() > 2 ? chord.pcs[2] : root + 7, root + 7);
        n(0, 0.95, root, 8);
        n(1, 0.95, rng.Chance(0.5) ? third : fifth_tone);
        n(2, 0.95, rng.Chance(0.5) ? fifth_tone : octave);
        n(3, 0.95, approach);
        break;
      }
      case BassStyle::kSustained:
        n(0, 3.9, root, 4);
        break;
      case BassStyle::kPulsing: {
        const int felt = ctx.FeltBeat();
        for (int beat = 0; beat < 4; beat += felt) {
          n(beat, 0.9 * felt, beat == 2 && rng.Chance(0.3) ? fifth : root, beat == 0 ? 8 : 0);
        }
        break;
      }
      case BassStyle::kSyncopated:
        n(0, 0.7, root, 10);
        n(0.75, 0.25, octave, -10);
        n(1.5, 0.45, root);
        n(2, 0.45, octave, 2);
        n(2.75, 0.25, fifth, -6);
        n(3.5, 0.45, approach);
        break;
    }
  }
}

// ---- Pad, colour, pulse, breath ----

void WritePad(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
              int base_velocity, int bar_from = 0, int bar_to = -1, std::string_view tag = "pad") {
  Rng rng = ctx.Stream(tag);
  const int center = SafeClamp(64, e.low + 6, e.high - 6);
  if (bar_to < 0) bar_to = ctx.bars;
  for (int bar = bar_from; bar < bar_to;) {
    const int bars = ctx.BarsOfSameChord(bar, bar_to);
    // A triad: GM pads layer several samples per note, and a fourth note
    // costs more CPU than it adds colour under a sustained wash.
    std::vector<int> triad = ctx.ChordAt(bar).pcs;
    triad.resize(std::min<size_t>(triad.size(), 3));
    for (int note : Voicing(triad, center)) {
      score.Add(part.channel, part.program, note, ctx.Humanize(rng, base_velocity), bar * 4.0,
                bars * 4.0);
    }
    bar += bars;
  }
}

void WriteArpeggio(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
                   int base_velocity, int bar_from, int bar_to, std::string_view tag) {
  Rng rng = ctx.Stream(tag);
  const int center = SafeClamp(72, e.low + 6, e.high - 6);
  const double step = ctx.density < 0.7 ? 1.0 : (ctx.density > 1.4 ? 0.25 : 0.5);
  const int shape = rng.NextBelow(4);
  for (int bar = bar_from; bar < bar_to; ++bar) {
    const std::vector<int> figure = ArpeggioFigure(Voicing(ctx.ChordAt(bar).pcs, center), shape);
    int i = 0;
    for (double b = 0; b < 4 - 1e-9; b += step, ++i) {
      int note = figure[i % figure.size()];
      if (note > e.high) note -= 12;
      const bool on_beat = std::fmod(b, 1.0) == 0;
      score.Add(part.channel, part.program, note,
                ctx.Humanize(rng, base_velocity + (on_beat ? 8 : 0)), bar * 4.0 + b, step * 1.5,
                ctx.Jitter(rng));
    }
  }
}

void WriteCounterLine(const Context& ctx, Score& score, const Part& part,
                      const InstrumentEntry& e, int base_velocity, int bar_from, int bar_to,
                      std::string_view tag) {
  Rng rng = ctx.Stream(tag);
  const int center = SafeClamp((e.low + e.high) / 2, e.low + 4, e.high - 4);
  int prev = center;
  for (int bar = bar_from; bar < bar_to; ++bar) {
    const Chord& chord = ctx.ChordAt(bar);
    for (double b : {0.0, 2.0}) {
      // Long notes on chord tones other than the root: they colour the
      // harmony without competing with the lead's rhythm.
      std::vector<int> candidates;
      std::vector<double> logits;
      for (int n = std::max(e.low, center - 7); n <= std::min(e.high, center + 7); ++n) {
        int pc = ((n % 12) + 12) % 12;
        bool tone = std::find(chord.pcs.begin(), chord.pcs.end(), pc) != chord.pcs.end();
        if (!tone && !ctx.IsMelodyTone(n)) continue;
        candidates.push_back(n);
        logits.push_back((tone ? 1.5 : 0) + (pc == chord.root_pc ? -0.5 : 0) -
                         0.4 * std::abs(n - prev));
      }
      if (candidates.empty()) continue;
      int note = candidates[SampleCandidate(logits, ctx.temperature, ctx.top_k, ctx.top_p, rng)];
      prev = note;
      score.Add(part.channel, part.program, note, ctx.Humanize(rng, base_velocity), bar * 4.0 + b,
                1.9, ctx.Jitter(rng));
    }
  }
}

void WriteLowLine(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
                  int base_velocity, int bar_from, int bar_to, std::string_view tag) {
  Rng rng = ctx.Stream(tag);
  for (int bar = bar_from; bar < bar_to; ++bar) {
    const Chord& chord = ctx.ChordAt(bar);
    int root = LowestAtOrAbove(chord.root_pc, std::max(e.low, 36) + 5);
    score.Add(part.channel, part.program, root, ctx.Humanize(rng, base_velocity), bar * 4.0, 1.9);
    score.Add(part.channel, part.program, root + 7, ctx.Humanize(rng, base_velocity - 6),
              bar * 4.0 + 2, 1.9);
  }
}

void WriteBreath(const Context& ctx, Score& score, const Part& part, int base_velocity,
                 int bar_from, int bar_to, std::string_view tag) {
  Rng rng = ctx.Stream(tag);
  for (int bar = bar_from; bar < bar_to; ++bar) {
    if (bar % 2 != 0 && bar_to - bar_from > 1) continue;
    int note = 60 + ctx.ChordAt(bar).root_pc;
    score.Add(part.channel, part.program, note, ctx.Humanize(rng, base_velocity), bar * 4.0 + 0.5,
              1.5);
  }
}

// A plucked note on every beat: drumless styles still let a listener (and
// `aubio tempo`) feel the pulse.
void WritePulse(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e) {
  Rng rng = ctx.Stream("pulse");
  const int low = std::max(e.low, 40);
  const int beats = static_cast<int>(std::ceil(score.total_beats()));
  for (int beat = 0; beat < beats; beat += ctx.FeltBeat()) {
    const Chord& chord = ctx.ChordAt(beat / 4);
    int root = LowestAtOrAbove(chord.root_pc, low);
    int note = beat % 2 == 0 ? root : root + 7;
    if (note > e.high) note -= 12;
    int velocity = beat % 4 == 0 ? 114 : 102;
    score.Add(part.channel, part.program, note, ctx.Humanize(rng, velocity), beat, 0.6);
  }
}

void WriteTaiko(const Context& ctx, Score& score, const Part& part, bool requested) {
  Rng rng = ctx.Stream("taiko");
  const int boost = requested ? 8 : 0;
  for (int bar = 0; bar < ctx.bars; ++bar) {
    const double b0 = bar * 4.0;
    // Every beat, heavy on 1 and 3; the off-beat "ka" strokes only when the
    // piece is dense, so that they never outweigh the beat.
    const std::array<std::tuple<double, int, int>, 6> hits = {
        {{0, 43, 112}, {1, 48, 96}, {1.5, 48, 64}, {2, 43, 106}, {3, 48, 96}, {3.5, 48, 62}}};
    for (auto [beat, note, velocity] : hits) {
      if (ctx.density < 1.2 && std::fmod(beat, 1.0) != 0) continue;
      score.Add(part.channel, part.program, note, ctx.Humanize(rng, velocity + boost), b0 + beat,
                0.9);
    }
  }
}

// ---- Drums ----

constexpr int kKick = 36, kSideStick = 37, kSnare = 38, kClap = 39, kClosedHat = 42,
              kPedalHat = 44, kOpenHat = 46, kCrash = 49, kRide = 51;
constexpr std::array<int, 4> kFillToms = {50, 48, 45, 41};

struct DrumSetup {
  std::vector<const InstrumentEntry*> kits;  // empty: pieces only
  bool kick = true, snare = true, hats = true;
  bool kick_loud = false, snare_loud = false, hats_loud = false;
  bool cymbals = false, toms = false;
  bool crash_on_phrases = false;
  double intensity = 1.0;  // below 1 for a kit nobody asked for
};

void WriteDrums(const Context& ctx, Score& score, const DrumSetup& setup, DrumPattern pattern) {
  Rng rng = ctx.Stream("drums");
  const int phrases = (ctx.bars + ctx.phrase_bars - 1) / ctx.phrase_bars;
  const bool rotate_by_bar = setup.kits.size() > 1 && phrases < static_cast<int>(setup.kits.size());
  const double d = ctx.density;
  const double fill_chance = setup.toms ? 1.0 : std::clamp(0.2 + 0.25 * ctx.temperature, 0.0, 0.8);
  for (int bar = 0; bar < ctx.bars; ++bar) {
    const int phrase = bar / ctx.phrase_bars;
    const int program =
        setup.kits.empty()
            ? 0
            : setup.kits[(rotate_by_bar ? bar : phrase) % setup.kits.size()]->sound.program;
    const double b0 = bar * 4.0;
    const bool phrase_start = bar % ctx.phrase_bars == 0;
    const bool phrase_end = bar % ctx.phrase_bars == ctx.phrase_bars - 1;
    // Fills lead into the next phrase; the last bar just keeps time to the end.
    const bool fill = phrase_end && bar > 0 && bar + 1 < ctx.bars && rng.Chance(fill_chance);
    auto hit = [&](double step16, int note, int velocity) {
      double v = velocity * setup.intensity;
      score.Add(kDrumChannel, program, note, ctx.Humanize(rng, static_cast<int>(v)),
                b0 + step16 / 4.0, 0.25);
    };
    const int kick_boost = setup.kick_loud ? 12 : 0;
    const int snare_boost = setup.snare_loud ? 12 : 0;
    const int hat_boost = setup.hats_loud ? 12 : 0;
    auto kick = [&](double s, int v) { if (setup.kick) hit(s, kKick, v + kick_boost); };
    auto snare = [&](double s, int v, int note = kSnare) {
      if (setup.snare && !(fill && s >= 12)) hit(s, note, v + snare_boost);
    };
    auto hat = [&](double s, int v, int note = kClosedHat) {
      if (setup.hats && !(fill && s >= 12)) hit(s, note, v + hat_boost);
    };
    // Hat subdivision follows density; a requested hi-hat plays sixteenths.
    const int hat_step = setup.hats_loud || d > 1.4 ? 1 : (d < 0.6 ? 4 : 2);

    if (bar < ctx.intro_bars) {
      // Count-in: the pulse alone, before the groove's subdivisions come in,
      // at the level a listener (and a beat tracker) will keep feeling it
      // through the piece: every beat in the middle range, every other beat
      // for very fast tempos, eighths for very slow ones.
      if (ctx.tempo_bpm >= 160) {
        kick(0, 112);
        kick(8, 108);
      } else {
        for (int s = 0; s < 16; s += 4) {
          kick(s, s % 8 == 0 ? 112 : 100);
          if (s % 8 == 4) snare(s, 100);
          hat(s, 70);
          if (ctx.tempo_bpm <= 75) hat(s + 2, 62);
        }
      }
      if (setup.cymbals) hit(0, kCrash, 104);
      continue;
    }
    switch (pattern) {
      case DrumPattern::kBackbeat:
        kick(0, 108);
        kick(8, 100);
        if (rng.Chance(0.2 + 0.15 * ctx.temperature)) kick(10, 84);
        snare(4, 104);
        snare(12, 104);
        for (int s = 0; s < 16; s += hat_step) hat(s, s % 4 == 0 ? 78 : 60);
        break;
      case DrumPattern::kFourOnFloor:
        for (int s = 0; s < 16; s += 4) kick(s, 112);
        snare(4, 92, kClap);
        snare(12, 92, kClap);
        for (int s = 2; s < 16; s += 4) hat(s, 78, kOpenHat);
        if (hat_step <= 2) {
          for (int s = 1; s < 16; s += 2) hat(s, 48);
        }
        break;
      case DrumPattern::kBoomBap:
        kick(0, 110);
        kick(10, 96);
        if (rng.Chance(0.3)) kick(7, 80);
        snare(4, 104);
        snare(12, 104);
        if (rng.Chance(0.25 * ctx.temperature)) snare(15, 50);
        for (int s = 0; s < 16; s += hat_step) hat(s, s % 4 == 0 ? 74 : 56);
        break;
      case DrumPattern::kBreakbeat:
        kick(0, 112);
        kick(10, 104);
        snare(4, 110);
        snare(12, 110);
        if (rng.Chance(0.3 * ctx.temperature)) snare(7, 52);
        if (rng.Chance(0.3 * ctx.temperature)) snare(9, 48);
        for (int s = 0; s < 16; s += std::max(hat_step, 2)) hat(s, s % 4 == 0 ? 76 : 58);
        break;
      case DrumPattern::kTrap:
        kick(0, 112);
        kick(7, 96);
        kick(10, 100);
        snare(4, 100, kClap);
        snare(12, 100, kClap);
        for (int s = 0; s < 16; s += std::min(hat_step, 2)) hat(s, s % 4 == 0 ? 76 : 58);
        if (bar % 2 == 1 && rng.Chance(0.4 * ctx.temperature)) {
          for (double s = 14; s < 16; s += 0.5) hat(s, 62);  // hat roll
        }
        break;
      case DrumPattern::kShuffle:
        kick(0, 96);
        kick(8, 88);
        snare(4, 92);
        snare(12, 92);
        for (int s = 0; s < 16; s += 4) hit(s, kRide, 84);
        for (int s = 2; s < 16; s += 8) hit(s + 4, kRide, 62);  // the swung skip note
        hat(4, 66, kPedalHat);
        hat(12, 66, kPedalHat);
        break;
      case DrumPattern::kSteppers:
        for (int s = 0; s < 16; s += 4) kick(s, 100);
        snare(4, 96, kSideStick);
        snare(12, 96, kSideStick);
        for (int s = 0; s < 16; s += std::max(hat_step, 2)) hat(s, s % 4 == 0 ? 70 : 58);
        break;
    }
    if (setup.cymbals) {
      for (int s = 0; s < 16; s += 4) hit(s, kRide, 80);
    }
    if ((setup.cymbals || setup.crash_on_phrases) && phrase_start) hit(0, kCrash, 104);
    if (fill) {
      for (int i = 0; i < 4; ++i) {
        int note = setup.toms ? kFillToms[i] : kSnare;
        hit(12 + i, note, 84 + 6 * i);
      }
    } else if (setup.toms && bar % 2 == 1) {
      hit(14, kFillToms[2], 92);
    }
  }
}

int ClampNote(int note) {
  while (note > 127) note -= 12;
  while (note < 0) note += 12;
  return note;
}

}  // namespace

// ---------------------------------------------------------------------------
// Public

const char* PartRoleName(PartRole role) {
  switch (role) {
    case PartRole::kLead: return "lead";
    case PartRole::kChords: return "chords";
    case PartRole::kBass: return "bass";
    case PartRole::kPad: return "pad";
    case PartRole::kDrums: return "drums";
    case PartRole::kPercussion: return "percussion";
    case PartRole::kPulse: return "pulse";
    case PartRole::kColor: return "color";
  }
  return "color";
}

std::optional<InstrumentSound> SoundForInstrument(std::string_view name) {
  if (FindInstrument(name) == nullptr) return std::nullopt;
  const InstrumentEntry* e = FindEntry(name);
  if (e == nullptr) return std::nullopt;
  return e->sound;
}

Composition Compose(const RenderRequest& request, const AdapterStyle& adapter, int sample_rate) {
  Composition out;
  out.sample_rate = sample_rate;
  const int duration = std::clamp(request.params.duration, static_cast<int>(limits::kDuration.min),
                                  static_cast<int>(limits::kDuration.max));
  out.total_frames = static_cast<int64_t>(duration) * sample_rate;

  const std::string text = Normalize(request.prompt_text);
  const std::string style_text = Normalize(request.attributes.style.value_or(""));
  const std::string mood_text = Normalize(request.attributes.mood.value_or(""));
  const StyleProfile& style = DetectStyle(style_text, text);
  out.style = std::string(style.name);

  const uint64_t base =
      Mix(static_cast<uint64_t>(request.params.seed + request.sample_index), 0x5eedULL);
  out.seed = Mix(base, Fnv1a(text));
  Rng choices(Mix(out.seed, Fnv1a("choices")));

  // Tempo.
  double tempo;
  if (request.attributes.tempo) {
    tempo = *request.attributes.tempo;
  } else if (auto bpm = ParseBpm(text)) {
    tempo = *bpm;
  } else {
    const std::string words = mood_text + text;
    const int energy = CountWords(words, FastWords()) - CountWords(words, SlowWords());
    tempo = style.tempo * (1.0 + 0.06 * std::clamp(energy, -2, 2));
    tempo += choices.NextBelow(5) - 2;  // samples of one style are not all at one tempo
  }
  const double min_tempo = limits::kTempo.min, max_tempo = limits::kTempo.max;
  out.tempo_bpm = std::clamp(
      std::round(std::clamp(tempo, min_tempo, max_tempo) * adapter.tempo_scale * 100) / 100,
      min_tempo, max_tempo);

  // Mode and key.
  const int minor_votes = 2 * CountWords(mood_text, MinorWords()) + CountWords(text, MinorWords());
  const int major_votes = 2 * CountWords(mood_text, MajorWords()) + CountWords(text, MajorWords());
  const std::optional<KeyHint> key_hint = ParseKey(request.prompt_text);
  Mode mode;
  if (adapter.mode) {
    mode = *ParseModeName(*adapter.mode);
  } else if (key_hint && key_hint->mode) {
    mode = *key_hint->mode;
  } else if (minor_votes > major_votes) {
    mode = Mode::kMinor;
  } else if (major_votes > minor_votes) {
    mode = Mode::kMajor;
  } else if (style.mode) {
    mode = *style.mode;
  } else {
    mode = choices.Chance(0.5) ? Mode::kMajor : Mode::kMinor;
  }
  const bool minor_flavour = minor_votes > major_votes ||
                             (minor_votes == major_votes && style.mode &&
                              IsMinorLike(*style.mode, false));
  out.mode = mode;
  out.key_root = key_hint ? key_hint->root : choices.NextBelow(12);

  // Harmony.
  Context ctx;
  ctx.style = &style;
  ctx.mode = mode;
  ctx.minor_flavour = minor_flavour;
  ctx.key_root = out.key_root;
  ctx.temperature =
      std::clamp(request.params.temperature, limits::kTemperature.min, limits::kTemperature.max);
  ctx.top_k = std::max(1, request.params.top_k);
  ctx.top_p = std::clamp(request.params.top_p, limits::kTopP.min, limits::kTopP.max);
  ctx.density = std::clamp(style.density * adapter.note_density, 0.2, 2.5);
  ctx.seed = out.seed;
  for (int s : MelodyScale(mode, minor_flavour)) ctx.melody_steps.push_back(s);
  {
    const auto progressions = ProgressionsFor(mode, minor_flavour, style);
    std::vector<double> prior;
    for (size_t i = 0; i < progressions.size(); ++i) prior.push_back(-0.5 * i);
    const auto& degrees =
        progressions[SampleCandidate(prior, ctx.temperature, ctx.top_k, ctx.top_p, choices)];
    const auto scale = ScaleSteps(mode, minor_flavour);
    const bool sevenths = style.sevenths;
    for (int d : degrees) {
      Chord c;
      for (int k = 0; k < (sevenths ? 4 : 3); ++k) {
        c.pcs.push_back((out.key_root + scale[(d + 2 * k) % 7]) % 12);
      }
      c.root_pc = c.pcs[0];
      ctx.progression.push_back(c);
    }
  }

  out.swing = adapter.swing.value_or(style.swing);
  Score score(out.tempo_bpm, out.swing, sample_rate, out.total_frames, adapter.velocity_scale);
  ctx.bars_per_chord = out.tempo_bpm >= 140 ? 2 : 1;
  ctx.phrase_bars = static_cast<int>(ctx.progression.size()) * ctx.bars_per_chord;
  ctx.bars = std::max(1, static_cast<int>(std::ceil(score.total_beats() / 4.0 - 1e-9)));
  ctx.tempo_bpm = out.tempo_bpm;
  // About two seconds of intro (at least a bar) when the piece is long
  // enough to spare it.
  {
    const double bar_seconds = 240.0 / out.tempo_bpm;
    const int wanted = std::max(1, static_cast<int>(std::lround(2.0 / bar_seconds)));
    ctx.intro_bars = ctx.bars >= 4 ? std::min(wanted, ctx.bars / 4) : 0;
  }

  // Instruments and channels.
  Arrangement arr = Arrange(request, adapter, style, text);
  out.effects = arr.effects;
  out.reverb = adapter.reverb.value_or(style.reverb);
  out.chorus = adapter.chorus.value_or(style.chorus);

  std::vector<int> free_channels;
  for (int c = 0; c < 16; ++c) {
    if (c != kDrumChannel) free_channels.push_back(c);
  }
  size_t next_channel = 0;
  auto new_part = [&](const InstrumentEntry& e, PartRole role, bool requested, int volume,
                      int pan) -> Part& {
    Part p;
    p.instrument = std::string(e.name);
    p.role = role;
    p.channel = free_channels[std::min(next_channel, free_channels.size() - 1)];
    ++next_channel;
    p.program = e.sound.program;
    p.volume = volume;
    p.pan = pan;
    p.requested = requested;
    out.parts.push_back(p);
    return out.parts.back();
  };

  // Without a drum kit the beat rests on taiko or on a plucked pulse; the
  // bass pulses with it and the sustained parts step back, so that the beat
  // stays clear.
  const bool no_kit = arr.kits.empty();
  const bool pulse_carries_beat = no_kit && !arr.taiko;
  const int sustained_volume = no_kit ? 76 : 92;

  // Parts are copied out of out.parts before writing because later
  // push_backs may move the vector.
  if (arr.lead) {
    Part p = new_part(*arr.lead->entry, PartRole::kLead, arr.lead->requested, 108, 64);
    WriteMelody(ctx, score, p, *arr.lead->entry, 0, ctx.density, 92, "lead");
  }
  if (arr.chords) {
    const CompStyle comp = CompFor(style, *arr.chords->entry);
    Part& chords = new_part(*arr.chords->entry, PartRole::kChords, arr.chords->requested,
                            sustained_volume, 48);
    if (comp == CompStyle::kArpeggio) chords.release_offset = -2400;
    Part p = chords;
    // Without a kit the chords wait out the intro too: the opening bar is
    // pulse, bass and pad only, and the beat is unmistakable from the start.
    WriteChords(ctx, score, p, *arr.chords->entry, comp, 74, no_kit ? ctx.intro_bars : 0);
  }
  if (arr.bass) {
    Part p = new_part(*arr.bass->entry, PartRole::kBass, arr.bass->requested, 106, 64);
    WriteBass(ctx, score, p, *arr.bass->entry,
              no_kit ? BassStyle::kPulsing : style.bass_style, 96);
  }
  if (arr.pad) {
    Part p = new_part(*arr.pad->entry, PartRole::kPad, arr.pad->requested,
                      sustained_volume - 8, 80);
    WritePad(ctx, score, p, *arr.pad->entry, 60);
  }
  if (arr.taiko) {
    Part p =
        new_part(*FindEntry("taiko-drums"), PartRole::kPercussion, arr.taiko_requested, 110, 64);
    WriteTaiko(ctx, score, p, arr.taiko_requested);
  }
  if (pulse_carries_beat) {
    const std::string_view pulse = style.pulse.empty() ? "timpani" : style.pulse;
    Part& pulse_part = new_part(*FindEntry(pulse), PartRole::kPulse, false, 120, 60);
    pulse_part.release_offset = -2400;
    Part p = pulse_part;
    WritePulse(ctx, score, p, *FindEntry(pulse));
  }

  // Colour parts: with many of them they take turns phrase by phrase, so the
  // mix stays clear and every one of them is heard.
  const int colors = static_cast<int>(arr.colors.size());
  if (colors > 0) {
    const int groups = (colors + 2) / 3;
    const int phrases = (ctx.bars + ctx.phrase_bars - 1) / ctx.phrase_bars;
    const bool by_bar = phrases < groups;
    const int unit = by_bar ? 1 : ctx.phrase_bars;
    const size_t first_color_channel = next_channel;
    for (int i = 0; i < colors; ++i) {
      const ColorVoice& cv = arr.colors[i];
      const int group = i % groups;
      const int slot = i / groups;
      // Same-group colours play together and need their own channels;
      // colours of different groups alternate and may share one.
      next_channel = first_color_channel + slot;
      const int pan = i % 2 == 0 ? 36 : 92;
      Part& color = new_part(*cv.voice.entry, PartRole::kColor, cv.voice.requested, 96, pan);
      if (cv.kind == ColorKind::kArpeggio) color.release_offset = -2400;
      Part p = color;
      const std::string tag = "color" + std::to_string(i);
      for (int slot_start = group * unit; slot_start < ctx.bars; slot_start += groups * unit) {
        const int end = std::min(ctx.bars, slot_start + unit);
        // Colour enters after the intro, unless its turn is only one bar long.
        const int start = unit > ctx.intro_bars ? std::max(slot_start, ctx.intro_bars) : slot_start;
        switch (cv.kind) {
          case ColorKind::kCounter:
            WriteCounterLine(ctx, score, p, *cv.voice.entry, 76, start, end, tag);
            break;
          case ColorKind::kArpeggio:
            WriteArpeggio(ctx, score, p, *cv.voice.entry, 66, start, end, tag);
            break;
          case ColorKind::kPad:
            WritePad(ctx, score, p, *cv.voice.entry, 62, start, end, tag);
            break;
          case ColorKind::kBreath: WriteBreath(ctx, score, p, 84, start, end, tag); break;
          case ColorKind::kLowLine:
            WriteLowLine(ctx, score, p, *cv.voice.entry, 80, start, end, tag);
            break;
        }
      }
    }
    next_channel = first_color_channel + std::min(colors, 3);
  }

  // Drums last: their channel is fixed.
  if (!no_kit || !arr.pieces.empty()) {
    DrumSetup setup;
    setup.kits = arr.kits;
    if (no_kit) {
      // A drumless style with only some pieces named plays just those pieces.
      setup.kick = setup.snare = setup.hats = false;
    }
    for (const InstrumentEntry* piece : arr.pieces) {
      switch (piece->sound.drum_note) {
        case kKick: setup.kick = setup.kick_loud = true; break;
        case kSnare: setup.snare = setup.snare_loud = true; break;
        case kClosedHat: setup.hats = setup.hats_loud = true; break;
        case kCrash: setup.cymbals = true; break;
        default: setup.toms = true; break;
      }
    }
    setup.intensity = arr.kit_requested || !arr.pieces.empty() ? 1.0 : 0.9;
    setup.crash_on_phrases = arr.kit_requested;
    Part drums;
    drums.instrument = std::string(no_kit ? arr.pieces[0]->name : arr.kits[0]->name);
    drums.role = PartRole::kDrums;
    drums.channel = kDrumChannel;
    drums.bank = kDrumKitBank;
    drums.program = no_kit ? 0 : arr.kits[0]->sound.program;
    drums.volume = 112;
    drums.pan = 64;
    drums.requested = arr.kit_requested || !arr.pieces.empty();
    drums.release_offset = 0;  // kit pieces are one-shots with their own decay
    out.parts.push_back(drums);
    WriteDrums(ctx, score, setup, style.drums);
  }

  // Transpose pitched parts; drum keys name sounds, not pitches.
  std::vector<NoteEvent> notes = std::move(score.notes());
  for (NoteEvent& n : notes) {
    if (n.channel != kDrumChannel) n.note = ClampNote(n.note + adapter.transpose);
  }
  std::sort(notes.begin(), notes.end(), [](const NoteEvent& a, const NoteEvent& b) {
    if (a.start_frame != b.start_frame) return a.start_frame < b.start_frame;
    if (a.channel != b.channel) return a.channel < b.channel;
    if (a.note != b.note) return a.note < b.note;
    if (a.end_frame != b.end_frame) return a.end_frame < b.end_frame;
    if (a.velocity != b.velocity) return a.velocity < b.velocity;
    return a.program < b.program;
  });
  out.notes = std::move(notes);
  return out;
}

}  // namespace studio
