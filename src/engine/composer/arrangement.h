// Composer internals: the arrangement — which instrument takes which role
// (lead, chords, bass, pad, colour parts, drum kits and pieces, texture
// effects), from the prompt's instruments, the adapter's overrides and the
// style's band.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/vocabulary.h"
#include "engine/adapter_style.h"
#include "engine/composer/tables.h"
#include "engine/engine.h"

namespace studio::composer_internal {

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
  // True when the prompt named no instrument that plays, so the style's
  // band (and, without drums, its plucked pulse) fills the roles.
  bool style_band = true;
};

ColorKind ColorKindFor(Affinity a);

// The band for `request`: primary instruments take the main roles, secondary
// ones add colour, the adapter's overrides replace; the style fills the
// rest only when the prompt names no instrument that plays.
// `text` is the normalized prompt text (for instrument words).
Arrangement Arrange(const RenderRequest& request, const AdapterStyle& adapter,
                    const StyleProfile& style, const std::string& text);

}  // namespace studio::composer_internal
