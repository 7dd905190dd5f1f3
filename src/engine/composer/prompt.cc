// Composer internals: reading the prompt — normalised text, style detection,
// mood words, explicit key and tempo, instrument words.
#include "engine/composer/prompt.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <utility>

#include "domain/limits.h"

namespace studio::composer_internal {

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

namespace {

// The mood words of domain/vocabulary.h that lean one way.
template <typename Pred>
std::vector<std::string_view> MoodWordsWhere(Pred pred) {
  std::vector<std::string_view> words;
  for (const MoodWord& m : AllMoodWords()) {
    if (pred(m)) words.push_back(m.word);
  }
  return words;
}

}  // namespace

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

PromptReading ReadPrompt(const RenderRequest& request) {
  PromptReading reading;
  reading.text = Normalize(request.prompt_text);
  reading.style_text = Normalize(request.attributes.style.value_or(""));
  reading.mood_text = Normalize(request.attributes.mood.value_or(""));
  reading.style = &DetectStyle(reading.style_text, reading.text);
  return reading;
}

}  // namespace studio::composer_internal
