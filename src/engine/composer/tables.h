// Composer internals: the tables. How the composer voices each instrument
// of the list (affinity and comfortable range; what it sounds as is the
// list's own mapping in domain/vocabulary.h) and the musical profile of
// each style (tempo, band, groove, comping, bass line, mix).
//
// Thread-safety: immutable tables built on first use.
#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/vocabulary.h"

namespace studio::composer_internal {

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

// Every instrument of the list, then the sounds a style adds.
const std::vector<InstrumentEntry>& InstrumentTable();
// nullptr when `name` is not in InstrumentTable().
const InstrumentEntry* FindEntry(std::string_view name);
bool IsKit(const InstrumentEntry& e);
bool IsPiece(const InstrumentEntry& e);
bool IsTaiko(const InstrumentEntry& e);

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

// One profile per style of AllStyles() (domain/vocabulary.h).
const std::vector<StyleProfile>& Styles();
// nullptr when no style has that name.
const StyleProfile* FindProfile(std::string_view name);
// The profile of kFallbackStyle.
const StyleProfile& PopStyle();
// The vocabulary's styles in detection order, each with its profile.
const std::vector<std::pair<const StyleInfo*, const StyleProfile*>>& DetectionOrder();

}  // namespace studio::composer_internal
