// AdapterStyle: what an adapter changes in the built-in engine. In the
// reference system an adapter is a set of LoRA weights; here it is a small
// JSON object of style parameters (Adapter::config_json) that the composer
// and the renderer apply on top of what the prompt asks for.
//
// The keys, their types, ranges and defaults are listed once, in
// AdapterConfigKeys() (domain/vocabulary.h); all are optional, and an empty
// string, "null" or "{}" is the neutral style. What each does:
//   tempo_scale     multiplies the tempo (result clamped to the tempo range of domain/limits.h)
//   transpose       semitones added to every pitched note
//   swing           delays each off-beat eighth by this fraction of an eighth note (0.33 is
//                   triplet swing); replaces the style's own swing
//   note_density    scales how many notes the melody, comping, hats, bass and pulse play,
//                   continuously: the notes played at one density are played at every
//                   higher one (composer/density.h)
//   velocity_scale  scales every velocity (harder timbres) and, below 1, closes the
//                   filters (Composition::filter_offset_cents): the loudness normalisation
//                   takes the level away, so it is heard as brightness;
//   energy          the same thing under another name (if both are given they must agree)
//   reverb, chorus  FluidSynth reverb/chorus level and send; replace the style's
//   mode            a mode name (domain/vocabulary.h); overrides the mood's mode
//   instrument_overrides  object role -> instrument name from domain/vocabulary.h; roles
//                   AdapterOverrideRoles() ("lead", "chords", "bass", "drums", "pad").
//                   The override replaces whatever the prompt or the style chose for that
//                   role ("drums" takes a drum-family instrument or taiko-drums).
// Any other key, a wrong type or an out-of-range value is rejected with
// InvalidArgument naming the key, so that a typo in an adapter does not
// silently render the neutral style.
//
// Thread-safety: plain data and a pure function; safe from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "util/status.h"

namespace studio {

struct AdapterStyle {
  double tempo_scale = 1.0;
  int transpose = 0;
  std::optional<double> swing;  // nullopt: the style's own swing
  double note_density = 1.0;
  double velocity_scale = 1.0;
  std::optional<double> reverb;  // nullopt: the style's own level
  std::optional<double> chorus;
  std::optional<std::string> mode;                          // one of the names above
  std::map<std::string, std::string> instrument_overrides;  // role -> instrument
};

// Parses config_json into *out (which is reset to the neutral style first).
// Returns InvalidArgument, with a message naming the offending key, for
// malformed JSON, a non-object, an unknown key, a wrong type or a value out
// of range. Never throws.
Status ParseAdapterStyle(const std::string& config_json, AdapterStyle* out);

}  // namespace studio
