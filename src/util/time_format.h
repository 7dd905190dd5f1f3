// Timestamps are microseconds since the Unix epoch (UTC) in memory and
// ISO-8601 text with microseconds ("2026-11-27T07:36:01.123456Z") in the
// database and in JSON. The text form sorts in time order, which is what
// the created_at indexes rely on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace studio {

using Micros = int64_t;

std::string FormatIsoMicros(Micros t);

// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS[.ffffff][Z|+00:00]".
// Returns nullopt for anything else.
std::optional<Micros> ParseIsoTime(std::string_view text);

// Start of the UTC day containing t.
Micros StartOfUtcDay(Micros t);

}  // namespace studio
