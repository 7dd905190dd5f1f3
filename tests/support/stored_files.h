// StoredFiles: what is on disk under a studio's data dir, for the tests of
// SPEC section 7 (purge, storage report, orphan sweep): every regular file
// under DATA_DIR/audio and DATA_DIR/adapters (the two folders that
// GET /api/admin/storage counts), keyed by its path relative to the data dir
// ("audio/<job_id>/<audio_id>.wav", "adapters/<id>/v1.json").
//
// Thread-safety: plain functions of their arguments; the walk races with a
// running server's writes (a file may vanish between listing and reading:
// it is then left out).
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace studio::testing {

struct StoredFile {
  int64_t size = 0;
  std::string bytes;  // the content, when read
};

using StoredFiles = std::map<std::string, StoredFile>;

// Walks DATA_DIR/audio and DATA_DIR/adapters; with_bytes reads every file.
StoredFiles ListStoredFiles(const std::string& data_dir, bool with_bytes = false);

// Sum of the sizes.
int64_t TotalSize(const StoredFiles& files);

// The first path segment under the root: "audio/<job>/x.wav" -> "<job>".
std::string OwnerOf(const std::string& relative_path);

}  // namespace studio::testing
