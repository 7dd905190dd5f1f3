// Storage keys: the one place that builds and parses the names of the
// studio's files (like LevelDB's db/filename.h). Rows store these keys,
// FileStorage maps them to bytes; nothing else spells them out.
//
//   audio/<job_id>/<audio_id>.wav    a rendered sample
//   audio/<job_id>/<audio_id>.mid    its score, a Standard MIDI File
//   adapters/<adapter_id>/v<N>.json  version N (>= 1) of an adapter's style file
//   exports/<export_id>.<ext>        a dataset download being built (staged only:
//                                    served from its staged file, never published)
//   <key>.tmp                        staged, unpublished bytes of <key>
//
// An id is one non-empty path segment of letters, digits and '-' (the
// studio's ids are UUIDs), so a key never escapes its folder.
//
// Thread-safety: plain functions of their arguments.
#pragma once

#include <string>

namespace studio {

// The folder of every job's audio, and of every adapter's style files.
inline constexpr char kAudioRoot[] = "audio";
inline constexpr char kAdaptersRoot[] = "adapters";
// Where dataset downloads are built (lifecycle/datasets.cc).
inline constexpr char kExportsRoot[] = "exports";
// What a staged (unpublished) file's name ends with.
inline constexpr char kStagedSuffix[] = ".tmp";

// audio/<job_id>/<audio_id>.wav
std::string AudioKey(const std::string& job_id, const std::string& audio_id);
// The MIDI file stored next to a sample: `wav_key` with its trailing ".wav"
// replaced by ".mid" (".mid" appended when it does not end in ".wav").
std::string MidiKeyForAudioKey(const std::string& wav_key);
// audio/<job_id>: the folder of a job's samples (and their staged files).
std::string JobAudioPrefix(const std::string& job_id);
// adapters/<adapter_id>: the folder of an adapter's style files.
std::string AdapterPrefix(const std::string& adapter_id);
// adapters/<adapter_id>/v<number>.json: the style file of the adapter's
// version `number` (adapter_versions.number). REQUIRES: version >= 1.
std::string AdapterStyleKey(const std::string& adapter_id, int version);

// exports/<export_id>.<extension>: one dataset download.
std::string DatasetExportKey(const std::string& export_id, const std::string& extension);

// "v<version>", as stored in adapters.current_version. REQUIRES: version >= 1.
std::string AdapterVersionName(int version);
// "v3" -> 3. False for anything else (including "v0", "v", "3", "v3x").
bool ParseAdapterVersionName(const std::string& name, int* version);
// The version after `current` ("v1" when there is none or it does not parse).
int NextAdapterVersion(const std::string* current);

// The staged name of `name` (a key or a local path to one): name + ".tmp".
std::string StagedName(const std::string& name);
// True when a file name (or key) is a staged one.
bool IsStagedName(const std::string& name);

enum class StorageKeyKind { kAudio, kAdapterStyle };

struct ParsedStorageKey {
  StorageKeyKind kind = StorageKeyKind::kAudio;
  std::string owner_id;   // the job (audio) or the adapter (style file)
  std::string object_id;  // the sample (audio); empty for style files
  int version = 0;        // the style file's version; 0 for audio
};

// Parses a published key; false for anything not built by the functions
// above (staged names, extra segments, bad ids, bad versions).
bool ParseStorageKey(const std::string& key, ParsedStorageKey* out);

}  // namespace studio
