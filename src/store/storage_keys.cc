#include "store/storage_keys.h"

#include <charconv>
#include <vector>

namespace studio {

namespace {

constexpr char kAudioExtension[] = ".wav";
constexpr char kStyleExtension[] = ".json";
constexpr char kMidiExtension[] = ".mid";

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool IsId(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::vector<std::string> Split(const std::string& key) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = key.find('/', start);
    parts.push_back(key.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) return parts;
    start = slash + 1;
  }
}

}  // namespace

std::string AudioKey(const std::string& job_id, const std::string& audio_id) {
  return JobAudioPrefix(job_id) + "/" + audio_id + kAudioExtension;
}

std::string MidiKeyForAudioKey(const std::string& wav_key) {
  if (!EndsWith(wav_key, kAudioExtension)) return wav_key + kMidiExtension;
  return wav_key.substr(0, wav_key.size() - (sizeof(kAudioExtension) - 1)) + kMidiExtension;
}

std::string JobAudioPrefix(const std::string& job_id) { return std::string(kAudioRoot) + "/" + job_id; }

std::string AdapterPrefix(const std::string& adapter_id) { return std::string(kAdaptersRoot) + "/" + adapter_id; }

std::string DatasetExportKey(const std::string& export_id, const std::string& extension) {
  return std::string(kExportsRoot) + "/" + export_id + "." + extension;
}

std::string AdapterStyleKey(const std::string& adapter_id, int version) {
  return AdapterPrefix(adapter_id) + "/v" + std::to_string(version) + kStyleExtension;
}

std::string StagedName(const std::string& name) { return name + kStagedSuffix; }

bool IsStagedName(const std::string& name) { return EndsWith(name, kStagedSuffix); }

// "v3" -> 3: the stem of a style file's name. False for anything else
// (including "v0", "v", "3", "v3x").
static bool ParseStyleFileStem(const std::string& name, int* version) {
  if (name.size() < 2 || name[0] != 'v' || name[1] == '0' || name[1] == '+' || name[1] == '-') return false;
  int n = 0;
  auto [end, ec] = std::from_chars(name.data() + 1, name.data() + name.size(), n);
  if (ec != std::errc() || end != name.data() + name.size() || n < 1) return false;
  *version = n;
  return true;
}

bool ParseStorageKey(const std::string& key, ParsedStorageKey* out) {
  const std::vector<std::string> parts = Split(key);
  if (parts.size() != 3 || !IsId(parts[1])) return false;
  const std::string& file = parts[2];
  if (parts[0] == kAudioRoot) {
    if (!EndsWith(file, kAudioExtension)) return false;
    std::string audio_id = file.substr(0, file.size() - (sizeof(kAudioExtension) - 1));
    if (!IsId(audio_id)) return false;
    *out = ParsedStorageKey{StorageKeyKind::kAudio, parts[1], std::move(audio_id), 0};
    return true;
  }
  if (parts[0] == kAdaptersRoot) {
    if (!EndsWith(file, kStyleExtension)) return false;
    int version = 0;
    if (!ParseStyleFileStem(file.substr(0, file.size() - (sizeof(kStyleExtension) - 1)), &version)) {
      return false;
    }
    *out = ParsedStorageKey{StorageKeyKind::kAdapterStyle, parts[1], "", version};
    return true;
  }
  return false;
}

}  // namespace studio
