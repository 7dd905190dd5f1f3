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

// Text the WAV carries in its LIST/INFO chunk (libsndfile string fields:
// INAM, ICMT, ISFT), so that a downloaded file still says where it came
// from. Empty fields are left out.
struct WavTags {
  std::string title;     // the prompt text
  std::string comment;   // "seed=1234 sample=0 adapter=<id> adapter_version=v2"
  std::string software;  // "Song Studio <version>"
};

// Returns IOError when the file cannot be created, written or renamed
// (leaving neither `path` nor its temporary file behind), InvalidArgument
// for audio with no channels, no sample rate or a partial frame.
Status WriteWavFile(Env* env, const std::string& path, const PcmAudio& audio,
                    const WavTags& tags = {});

}  // namespace studio
