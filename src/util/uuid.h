// UUID helpers. Ids are kept as canonical lower-case text
// ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx") everywhere: in the database,
// in JSON and in file names. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace studio {

// A new random (version 4) UUID.
std::string NewUuid();

// True when `text` is a UUID in 8-4-4-4-12 hex form (any case).
bool IsUuid(std::string_view text);

// Lower-cases a UUID accepted by IsUuid. REQUIRES: IsUuid(text).
std::string CanonicalUuid(std::string_view text);

}  // namespace studio
