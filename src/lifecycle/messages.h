// The words a user reads for the Store's kinds of error: the Store says
// what was missing or clashed (store_kind in store/store.h), this says it
// once, in the API's words ("Job not found", "An adapter with this name
// already exists"). Lifecycle returns worded statuses; the Api words the
// statuses of the reads it makes on the Store directly with the same call.
//
// Thread-safety: a plain function.
#pragma once

#include "util/status.h"

namespace studio {

// `status` with a store_kind message replaced by its words; any other
// status (ok, already worded, or not about a row) is returned unchanged.
Status UserFacing(Status status);

}  // namespace studio
