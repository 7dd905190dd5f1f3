// The studio's vocabularies, each in one table: the instruments a prompt may
// name (SPEC section 2) with their family and what each maps to, the modes,
// the mood words and style names the built-in composer recognises, and the
// keys of an adapter's style config with their ranges and defaults.
//
// Request validation (domain/validation.cc), the engine (engine/composer/,
// engine/adapter_style.cc) and GET /api/vocabulary (and through it the web
// UI) read them from here and keep no copies. What the names *do* musically
// (voicings, grooves, scales) stays in the engine.
//
// Thread-safety: immutable tables built on first use (thread-safe static
// initialisation); every function may be called from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace studio {

// ---- Instruments ----

enum class InstrumentFamily { kKeys, kStrings, kDrums, kWinds, kSynths, kWorld, kTexture };
const std::vector<InstrumentFamily>& AllInstrumentFamilies();  // in display order
const char* InstrumentFamilyName(InstrumentFamily family);    // "keys", "winds", ...
const char* InstrumentFamilyLabel(InstrumentFamily family);   // "Keys", "Winds and brass", ...

// Effects the renderer applies to the PCM for the texture instruments that
// have no General MIDI sound of their own.
enum class PcmEffect { kVinylNoise, kTapeSaturation, kAmbientNoise };
const char* PcmEffectName(PcmEffect effect);  // "vinyl-noise", ...

// What an instrument maps to.
struct InstrumentSound {
  enum class Kind {
    kMelodic,    // a General MIDI program on a melodic channel
    kDrumKit,    // a kit (program of bank 128) on the drum channel
    kDrumPiece,  // one piece of a kit on the drum channel, played prominently
    kPcmEffect,  // DSP on the rendered audio
  };
  Kind kind = Kind::kMelodic;
  int program = 0;     // GM program 0..127 (0-based), or kit preset for kDrumKit/kDrumPiece
  int drum_note = -1;  // kDrumPiece: the GM percussion key it stands for
  PcmEffect effect = PcmEffect::kVinylNoise;  // kPcmEffect only
};
// "gm_program", "drum_kit", "drum_piece" or "effect".
const char* InstrumentSoundKindName(InstrumentSound::Kind kind);

struct InstrumentInfo {
  std::string_view name;
  InstrumentFamily family;
  InstrumentSound sound;
};

// The fixed list, grouped by family in display order.
const std::vector<InstrumentInfo>& AllInstruments();
// nullptr when `name` is not on the list.
const InstrumentInfo* FindInstrument(std::string_view name);

// ---- Modes ----

enum class Mode { kMajor, kMinor, kDorian, kMixolydian, kPhrygian, kLydian, kPentatonic };
const std::vector<Mode>& AllModes();
const char* ModeName(Mode mode);  // "major", "minor", ...
// nullopt when `name` is not a mode's name.
std::optional<Mode> ParseModeName(std::string_view name);

// ---- Mood words ----
// The mood attribute is free text; these are the words in it (or in the
// prompt text) that steer the composer.

struct MoodWord {
  enum class ModeLean { kNone, kMinor, kMajor };
  enum class TempoLean { kNone, kSlower, kFaster };
  std::string_view word;
  ModeLean mode;
  TempoLean tempo;
};
const std::vector<MoodWord>& AllMoodWords();

// ---- Styles ----
// The style attribute is free text; a style is recognised by its name or
// keywords (normalised phrases: lower case, words separated by one space).
// Order matters: the first style with a keyword in the text wins, so
// compound names ("drum and bass") come before their parts. A text that
// matches none is "pop".

struct StyleInfo {
  std::string_view name;
  std::vector<std::string_view> keywords;
};
const std::vector<StyleInfo>& AllStyles();  // in detection order
inline constexpr std::string_view kFallbackStyle = "pop";

// ---- Adapter style config ----
// The keys of Adapter::config_json (engine/adapter_style.h says what each
// does to the music). Numbers and integers are accepted within [min, max].

struct AdapterConfigKey {
  enum class Type { kNumber, kInteger, kMode, kInstrumentOverrides };
  std::string_view name;
  Type type;
  double min = 0;  // kNumber and kInteger only
  double max = 0;
  std::optional<double> default_value;  // nullopt: the prompt's or style's own value
  std::string_view description;
};
const char* AdapterConfigTypeName(AdapterConfigKey::Type type);  // "number", "integer", "mode", "instrument_overrides"
const std::vector<AdapterConfigKey>& AdapterConfigKeys();
// nullptr when `name` is not a key.
const AdapterConfigKey* FindAdapterConfigKey(std::string_view name);
// The roles instrument_overrides may name: lead, chords, bass, drums, pad.
const std::vector<std::string_view>& AdapterOverrideRoles();

}  // namespace studio
