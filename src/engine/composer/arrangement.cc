// Composer internals: the arrangement — who plays which role.
#include "engine/composer/arrangement.h"

#include <algorithm>

#include "engine/composer/prompt.h"

namespace studio::composer_internal {

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

namespace {

void AddUnique(std::vector<const InstrumentEntry*>* list, const InstrumentEntry* e) {
  if (std::find(list->begin(), list->end(), e) == list->end()) list->push_back(e);
}

}  // namespace

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

  // Naming instruments means exactly those play (a solo piano prompt is
  // solo piano, a drum kit alone is drums alone); the style's band fills
  // the roles only when the prompt names none. Texture effects colour the
  // music rather than play it, so naming only those still brings the band.
  const bool named_players = std::any_of(seen.begin(), seen.end(), [](const std::string& name) {
    const InstrumentEntry* e = FindEntry(name);
    return e != nullptr && e->affinity != Affinity::kEffect;
  });
  arr.style_band = !named_players;
  if (!arr.style_band) return arr;

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
  if (!arr.pad && primary.empty() && secondary.empty()) arr.pad = style_voice(style.pad);

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
  if (primary.empty() && secondary.empty() && !style.effect.empty()) {
    const InstrumentEntry* e = FindEntry(style.effect);
    if (e != nullptr) arr.effects.push_back(e->sound.effect);
  }
  return arr;
}

}  // namespace studio::composer_internal
