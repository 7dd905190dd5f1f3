// Writes rendered audio as a 16-bit PCM WAV file with libsndfile.
//
// The file appears at its final path whole or not at all: it is written to
// `path + ".tmp"` and renamed through the Env, and every failure removes the
// temporary file. A worker that crashes mid-write leaves at most a ".tmp"
// sibling, never a truncated WAV under the name the database points to.
// (The data is not fsync'ed: after a power loss the file may be missing,
// which the worker's lease recovery re-renders, but not half-visible.)
//
// Thread-safety: safe to call from several threads for different paths;
// two concurrent writes to the same path race on the temporary file.
#pragma once

#include <string>

#include "engine/engine.h"
#include "util/env.h"
#include "util/status.h"

namespace studio {

// Returns IOError when the file cannot be created, written or renamed
// (leaving neither `path` nor its temporary file behind), InvalidArgument
// for audio with no channels, no sample rate or a partial frame.
Status WriteWavFile(Env* env, const std::string& path, const PcmAudio& audio);

}  // namespace studio
