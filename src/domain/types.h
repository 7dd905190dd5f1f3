// Plain data types of the studio (SPEC section 2). No behaviour, no I/O.
// Ids are canonical UUID text; times are microseconds since the epoch (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/time_format.h"

namespace studio {

struct PromptAttributes {
  std::optional<std::string> style;
  std::optional<int> tempo;  // 40..200 bpm
  std::vector<std::string> primary_instruments;
  std::vector<std::string> secondary_instruments;
  std::optional<std::string> mood;
  std::optional<int> duration;  // 1..30 s
};

struct Prompt {
  std::string id;
  std::string text;  // 1..2000 chars, trimmed
  PromptAttributes attributes;
  Micros created_at = 0;
};

struct GenerationParams {
  int64_t seed = 0;
  double temperature = 1.0;  // 0.1..2.0
  int top_k = 250;           // 1..1000
  double top_p = 0.0;        // 0..1
  int duration = 10;         // 1..30 s
};

enum class JobStatus { kQueued, kProcessing, kCompleted, kFailed, kCancelled };
const char* JobStatusName(JobStatus s);
std::optional<JobStatus> ParseJobStatus(const std::string& name);
inline bool IsActive(JobStatus s) { return s == JobStatus::kQueued || s == JobStatus::kProcessing; }

struct Job {
  std::string id;
  std::string prompt_id;
  std::optional<std::string> adapter_id;
  JobStatus status = JobStatus::kQueued;
  double progress = 0.0;
  int num_samples = 1;
  std::vector<std::string> audio_ids;  // finished samples, in label order (A, B, ...)
  std::optional<std::string> error;
  GenerationParams params;
  Micros created_at = 0;
  std::optional<Micros> completed_at;
  std::optional<Micros> deleted_at;
  // Joined for display; filled by list/get reads.
  std::string prompt_preview;
  std::optional<std::string> adapter_name;
  bool adapter_deleted = false;
};

struct AudioSample {
  std::string id;
  std::string job_id;
  std::string prompt_id;
  std::optional<std::string> adapter_id;
  int sample_index = 0;  // 0 = A, 1 = B, ...
  std::string storage_path;  // relative to the data dir's audio folder
  double duration_seconds = 0;
  int sample_rate = 44100;
  GenerationParams params;
  Micros created_at = 0;
  // The style features the engine rendered it with (a JSON object, see
  // docs/FEEDBACK_LOOP.md); unset for samples rendered before they were recorded.
  std::optional<std::string> style_json;
};

// The label a sample is shown with: "A" for index 0, "B" for 1, ...
inline std::string SampleLabel(const AudioSample& sample) {
  return std::string(1, static_cast<char>('A' + sample.sample_index));
}

enum class AdapterStatus { kActive, kArchived };
const char* AdapterStatusName(AdapterStatus s);
std::optional<AdapterStatus> ParseAdapterStatus(const std::string& name);

struct Adapter {
  std::string id;
  std::string name;  // 1..100 chars; unique among live adapters
  std::optional<std::string> description;
  std::string base_model = "studio-composer-v1";
  std::optional<std::string> storage_path;  // style file, relative to the data dir
  std::string config_json = "{}";           // engine style parameters (engine/adapter_style.h)
  bool is_active = true;
  AdapterStatus status = AdapterStatus::kActive;
  std::optional<std::string> current_version;
  Micros created_at = 0;
  Micros updated_at = 0;
  std::optional<Micros> deleted_at;
};

struct Feedback {
  std::string id;
  std::string audio_id;
  std::optional<int> rating;  // 1..5
  std::string rating_criterion = "overall";
  std::optional<std::string> preferred_over;  // another sample's id
  std::vector<std::string> tags;
  std::optional<std::string> notes;
  Micros created_at = 0;
};

// ---- the feedback loop (SPEC section 8) ----

struct Experiment {
  std::string id;
  std::string name;
  std::optional<std::string> description;
  std::string dataset_id;
  std::string config_json = "{}";  // training options (training/trainer.h)
  Micros created_at = 0;
  Micros updated_at = 0;
  std::optional<Micros> deleted_at;
  // Joined for display; filled by list/get reads.
  std::optional<std::string> dataset_name;  // nullopt when the dataset is gone (purged)
  bool dataset_deleted = false;             // trashed or purged: "Deleted Dataset"
  int64_t run_count = 0;
  std::optional<std::string> best_run_id;  // the completed run with the lowest final loss
  std::optional<double> best_loss;
  std::optional<std::string> latest_run_status;  // of the newest run
};

enum class RunStatus { kQueued, kRunning, kCompleted, kFailed, kCancelled };
const char* RunStatusName(RunStatus s);
std::optional<RunStatus> ParseRunStatus(const std::string& name);
inline bool IsActive(RunStatus s) { return s == RunStatus::kQueued || s == RunStatus::kRunning; }

struct TrainingRun {
  std::string id;
  std::string experiment_id;
  std::string name;
  RunStatus status = RunStatus::kQueued;
  double progress = 0;
  std::string config_json = "{}";   // the experiment's config with the run's overrides
  std::string metrics_json = "{}";
  std::optional<double> final_loss;
  std::optional<std::string> error;
  std::optional<std::string> explanation;
  std::optional<std::string> adapter_id;  // what it created (or versioned)
  std::string dataset_id;                 // lineage
  std::optional<int64_t> member_count;
  std::optional<std::string> data_hash;
  Micros created_at = 0;
  std::optional<Micros> started_at, completed_at;
  // Joined for display.
  std::optional<std::string> adapter_name;
  bool adapter_deleted = false;
  std::optional<std::string> dataset_name;
  bool dataset_deleted = false;
};

struct RunLogLine {
  int64_t seq = 0;
  Micros at = 0;
  std::string message;
};

enum class VersionSource { kManual, kTraining };
inline const char* VersionSourceName(VersionSource s) {
  return s == VersionSource::kTraining ? "training" : "manual";
}

struct AdapterVersion {
  std::string id;
  std::string adapter_id;
  int number = 1;           // orders the versions; names the style file
  std::string version;      // the name shown: "1", "2", ... or what the user gave
  std::optional<std::string> description;
  std::string config_json = "{}";
  std::optional<std::string> storage_path;
  VersionSource source = VersionSource::kManual;
  std::optional<std::string> run_id, dataset_id, data_hash, explanation;
  std::optional<int64_t> member_count;
  Micros created_at = 0;
};
// ---- datasets (SPEC section 8) ----

enum class DatasetType { kSupervised, kPreference };
const char* DatasetTypeName(DatasetType t);  // "supervised", "preference"
std::optional<DatasetType> ParseDatasetType(const std::string& name);

// Which feedback records a dataset selects (besides its type: supervised
// takes rated records, preference those with preferred_over). Unset fields
// do not narrow.
struct DatasetFilter {
  std::optional<int> min_rating, max_rating;  // rating within [min, max]
  std::vector<std::string> required_tags;     // carries every one of them
  std::vector<std::string> excluded_tags;     // carries none of them
  std::optional<std::string> adapter_id;      // the rated sample was rendered with it
  std::optional<Micros> start_date, end_date;  // feedback created_at within [start, end]
};

struct Dataset {
  std::string id;
  std::string name;
  std::optional<std::string> description;
  DatasetType type = DatasetType::kSupervised;
  std::string filter_query_json = "{}";  // the filter as validated (DatasetFilterJson)
  int64_t sample_count = 0;              // its members now
  std::optional<std::string> export_format;  // set by the last export
  std::optional<Micros> exported_at;
  Micros created_at = 0;
  std::optional<Micros> deleted_at;
};

// The files a dataset exports to (docs/FEEDBACK_LOOP.md): JSON Lines, one
// JSON array, CSV, and two tar archives with the WAVs beside a JSON Lines
// manifest ("huggingface": the audiofolder layout, metadata.jsonl).
enum class ExportFormat { kJsonl, kJson, kCsv, kHuggingface, kTar };
const char* ExportFormatName(ExportFormat f);  // "jsonl", "json", "csv", "huggingface", "tar"
std::optional<ExportFormat> ParseExportFormat(const std::string& name);
const std::vector<ExportFormat>& AllExportFormats();

// Which rows a read may return. kLive is the default of every view of the
// product; kIncludeDeleted is for administrators (include_deleted=true).
enum class Visibility { kLive, kIncludeDeleted };

}  // namespace studio
