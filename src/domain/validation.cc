#include "domain/validation.h"

#include <cmath>

#include "domain/limits.h"
#include "domain/vocabulary.h"
#include "util/time_format.h"
#include "util/uuid.h"

namespace studio {

using json = nlohmann::json;

const char* JobStatusName(JobStatus s) {
  switch (s) {
    case JobStatus::kQueued: return "queued";
    case JobStatus::kProcessing: return "processing";
    case JobStatus::kCompleted: return "completed";
    case JobStatus::kFailed: return "failed";
    case JobStatus::kCancelled: return "cancelled";
  }
  return "failed";
}

std::optional<JobStatus> ParseJobStatus(const std::string& name) {
  for (JobStatus s : {JobStatus::kQueued, JobStatus::kProcessing, JobStatus::kCompleted,
                      JobStatus::kFailed, JobStatus::kCancelled}) {
    if (name == JobStatusName(s)) return s;
  }
  return std::nullopt;
}

const char* AdapterStatusName(AdapterStatus s) {
  return s == AdapterStatus::kActive ? "active" : "archived";
}

std::optional<AdapterStatus> ParseAdapterStatus(const std::string& name) {
  if (name == "active") return AdapterStatus::kActive;
  if (name == "archived") return AdapterStatus::kArchived;
  return std::nullopt;
}

const char* RunStatusName(RunStatus s) {
  switch (s) {
    case RunStatus::kQueued: return "queued";
    case RunStatus::kRunning: return "running";
    case RunStatus::kCompleted: return "completed";
    case RunStatus::kFailed: return "failed";
    case RunStatus::kCancelled: return "cancelled";
  }
  return "failed";
}

std::optional<RunStatus> ParseRunStatus(const std::string& name) {
  for (RunStatus s : {RunStatus::kQueued, RunStatus::kRunning, RunStatus::kCompleted, RunStatus::kFailed,
                      RunStatus::kCancelled}) {
    if (name == RunStatusName(s)) return s;
  }
  return std::nullopt;
}

const char* DatasetTypeName(DatasetType t) {
  return t == DatasetType::kPreference ? "preference" : "supervised";
}

std::optional<DatasetType> ParseDatasetType(const std::string& name) {
  if (name == "supervised") return DatasetType::kSupervised;
  if (name == "preference") return DatasetType::kPreference;
  return std::nullopt;
}

const std::vector<ExportFormat>& AllExportFormats() {
  static const std::vector<ExportFormat> kAll = {ExportFormat::kJsonl, ExportFormat::kJson, ExportFormat::kCsv,
                                                 ExportFormat::kHuggingface, ExportFormat::kTar};
  return kAll;
}

const char* ExportFormatName(ExportFormat f) {
  switch (f) {
    case ExportFormat::kJsonl: return "jsonl";
    case ExportFormat::kJson: return "json";
    case ExportFormat::kCsv: return "csv";
    case ExportFormat::kHuggingface: return "huggingface";
    case ExportFormat::kTar: return "tar";
  }
  return "jsonl";
}

std::optional<ExportFormat> ParseExportFormat(const std::string& name) {
  for (ExportFormat f : AllExportFormats())
    if (name == ExportFormatName(f)) return f;
  return std::nullopt;
}

namespace {

std::string Trim(const std::string& s) {
  const char* ws = " \t\r\n\f\v";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// Characters, not bytes: limits are stated to users in characters.
size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Status RequireObject(const json& body) {
  if (!body.is_object()) return Status::InvalidArgument("Request body must be a JSON object");
  return Status::Ok();
}

// Present and not null.
bool Has(const json& o, const char* key) { return o.contains(key) && !o[key].is_null(); }

Status IntInRange(const json& o, const char* key, IntRange range, int64_t* out) {
  const int64_t lo = range.min, hi = range.max;
  const json& v = o[key];
  bool integral = v.is_number_integer() ||
                  (v.is_number_float() && std::isfinite(v.get<double>()) &&
                   v.get<double>() == std::floor(v.get<double>()));
  if (!integral || v.is_boolean()) {
    return Status::InvalidArgument(std::string(key) + " must be an integer between " +
                                   std::to_string(lo) + " and " + std::to_string(hi));
  }
  double d = v.get<double>();
  if (d < static_cast<double>(lo) || d > static_cast<double>(hi)) {
    return Status::InvalidArgument(std::string(key) + " must be an integer between " +
                                   std::to_string(lo) + " and " + std::to_string(hi));
  }
  *out = v.is_number_integer() ? v.get<int64_t>() : static_cast<int64_t>(d);
  return Status::Ok();
}

Status NumberInRange(const json& o, const char* key, NumberRange r, double* out) {
  const double lo = r.min, hi = r.max;
  const json& v = o[key];
  char range[64];
  std::snprintf(range, sizeof range, " must be a number between %g and %g", lo, hi);
  if (!v.is_number() || !std::isfinite(v.get<double>())) return Status::InvalidArgument(key + std::string(range));
  double d = v.get<double>();
  if (d < lo || d > hi) return Status::InvalidArgument(key + std::string(range));
  *out = d;
  return Status::Ok();
}

Status StringField(const json& o, const char* key, IntRange length, std::string* out) {
  const size_t min_len = static_cast<size_t>(length.min), max_len = static_cast<size_t>(length.max);
  const json& v = o[key];
  if (!v.is_string()) return Status::InvalidArgument(std::string(key) + " must be a string");
  std::string s = Trim(v.get<std::string>());
  size_t n = Utf8Length(s);
  if (n < min_len || n > max_len) {
    return Status::InvalidArgument(std::string(key) + " must be " + std::to_string(min_len) +
                                   " to " + std::to_string(max_len) + " characters");
  }
  *out = std::move(s);
  return Status::Ok();
}

Status InstrumentList(const json& o, const char* key, std::vector<std::string>* out) {
  out->clear();
  if (!Has(o, key)) return Status::Ok();
  const json& v = o[key];
  if (!v.is_array()) return Status::InvalidArgument(std::string(key) + " must be a list of instruments");
  if (v.size() > static_cast<size_t>(limits::kMaxInstrumentsPerList)) {
    return Status::InvalidArgument(std::string(key) + " may name at most " +
                                   std::to_string(limits::kMaxInstrumentsPerList) + " instruments");
  }
  for (const json& item : v) {
    if (!item.is_string() || !FindInstrument(item.get<std::string>())) {
      return Status::InvalidArgument("Unknown instrument in " + std::string(key) + ": " + item.dump());
    }
    out->push_back(item.get<std::string>());
  }
  return Status::Ok();
}

Status RequiredUuid(const json& o, const char* key, std::string* out) {
  if (!Has(o, key)) return Status::InvalidArgument(std::string(key) + " is required");
  std::optional<std::string> id;
  STUDIO_RETURN_IF_ERROR(OptionalUuidField(o, key, &id));
  *out = *id;
  return Status::Ok();
}

Status ConfigObject(const json& o, std::string* out) {
  if (!Has(o, "config")) return Status::Ok();
  if (!o["config"].is_object()) return Status::InvalidArgument("config must be a JSON object");
  *out = o["config"].dump();
  return Status::Ok();
}

Status BoolField(const json& o, const char* key, bool* out) {
  if (!o[key].is_boolean()) return Status::InvalidArgument(std::string(key) + " must be true or false");
  *out = o[key].get<bool>();
  return Status::Ok();
}

}  // namespace

Status OptionalUuidField(const json& o, const char* key, std::optional<std::string>* out) {
  out->reset();
  if (!Has(o, key)) return Status::Ok();
  if (!o[key].is_string()) return Status::InvalidArgument(std::string(key) + " must be a UUID string");
  std::string id;
  STUDIO_RETURN_IF_ERROR(ParseUuidValue(o[key].get<std::string>(), key, &id));
  *out = std::move(id);
  return Status::Ok();
}


Status ParseUuidValue(const std::string& text, const char* what, std::string* out) {
  if (!IsUuid(text)) return Status::InvalidArgument(std::string(what) + " must be a valid UUID");
  *out = CanonicalUuid(text);
  return Status::Ok();
}

Status ParsePromptCreate(const json& body, std::string* text, PromptAttributes* attrs) {
  STUDIO_RETURN_IF_ERROR(RequireObject(body));
  if (!Has(body, "text")) return Status::InvalidArgument("text is required");
  STUDIO_RETURN_IF_ERROR(StringField(body, "text", limits::kPromptText, text));
  *attrs = PromptAttributes{};
  if (!Has(body, "attributes")) return Status::Ok();
  const json& a = body["attributes"];
  if (!a.is_object()) return Status::InvalidArgument("attributes must be a JSON object");
  std::string s;
  if (Has(a, "style")) {
    STUDIO_RETURN_IF_ERROR(StringField(a, "style", limits::kStyleText, &s));
    if (!s.empty()) attrs->style = s;
  }
  if (Has(a, "mood")) {
    STUDIO_RETURN_IF_ERROR(StringField(a, "mood", limits::kMoodText, &s));
    if (!s.empty()) attrs->mood = s;
  }
  int64_t n;
  if (Has(a, "tempo")) {
    STUDIO_RETURN_IF_ERROR(IntInRange(a, "tempo", limits::kTempo, &n));
    attrs->tempo = static_cast<int>(n);
  }
  if (Has(a, "duration")) {
    STUDIO_RETURN_IF_ERROR(IntInRange(a, "duration", limits::kDuration, &n));
    attrs->duration = static_cast<int>(n);
  }
  STUDIO_RETURN_IF_ERROR(InstrumentList(a, "primary_instruments", &attrs->primary_instruments));
  return InstrumentList(a, "secondary_instruments", &attrs->secondary_instruments);
}

Status ParseGenerateRequest(const json& body, GenerateRequest* out) {
  STUDIO_RETURN_IF_ERROR(RequireObject(body));
  GenerateRequest r;
  STUDIO_RETURN_IF_ERROR(RequiredUuid(body, "prompt_id", &r.prompt_id));
  STUDIO_RETURN_IF_ERROR(OptionalUuidField(body, "adapter_id", &r.adapter_id));
  int64_t n;
  if (Has(body, "num_samples")) {
    STUDIO_RETURN_IF_ERROR(IntInRange(body, "num_samples", limits::kNumSamples, &n));
    r.num_samples = static_cast<int>(n);
  }
  if (Has(body, "seed")) {
    STUDIO_RETURN_IF_ERROR(IntInRange(body, "seed", limits::kSeed, &n));
    r.seed = n;
  }
  if (Has(body, "temperature")) STUDIO_RETURN_IF_ERROR(NumberInRange(body, "temperature", limits::kTemperature, &r.temperature));
  if (Has(body, "top_k")) {
    STUDIO_RETURN_IF_ERROR(IntInRange(body, "top_k", limits::kTopK, &n));
    r.top_k = static_cast<int>(n);
  }
  if (Has(body, "top_p")) STUDIO_RETURN_IF_ERROR(NumberInRange(body, "top_p", limits::kTopP, &r.top_p));
  if (Has(body, "duration")) {
    STUDIO_RETURN_IF_ERROR(IntInRange(body, "duration", limits::kDuration, &n));
    r.duration = static_cast<int>(n);
  }
  *out = std::move(r);
  return Status::Ok();
}

Status ParseAdapterCreate(const json& body, AdapterCreate* out) {
  STUDIO_RETURN_IF_ERROR(RequireObject(body));
  AdapterCreate a;
  if (!Has(body, "name")) return Status::InvalidArgument("name is required");
  STUDIO_RETURN_IF_ERROR(StringField(body, "name", limits::kAdapterName, &a.name));
  std::string s;
  if (Has(body, "description")) {
    STUDIO_RETURN_IF_ERROR(StringField(body, "description", limits::kAdapterDescription, &s));
    a.description = s;
  }
  if (Has(body, "base_model")) {
    STUDIO_RETURN_IF_ERROR(StringField(body, "base_model", limits::kBaseModel, &s));
    a.base_model = s;
  }
  STUDIO_RETURN_IF_ERROR(ConfigObject(body, &a.config_json));
  if (Has(body, "is_active")) STUDIO_RETURN_IF_ERROR(BoolField(body, "is_active", &a.is_active));
  *out = std::move(a);
  return Status::Ok();
}

Status ParseAdapterPatch(const json& body, AdapterPatch* out) {
  STUDIO_RETURN_IF_ERROR(RequireObject(body));
  AdapterPatch p;
  std::string s;
  if (Has(body, "name")) {
    STUDIO_RETURN_IF_ERROR(StringField(body, "name", limits::kAdapterName, &s));
    p.name = s;
  }
  if (body.contains("description")) {
    if (body["description"].is_null()) {
      p.description = std::optional<std::string>();
    } else {
      STUDIO_RETURN_IF_ERROR(StringField(body, "description", limits::kAdapterDescription, &s));
      p.description = std::optional<std::string>(s);
    }
  }
  if (Has(body, "config")) {
    std::string config;
    STUDIO_RETURN_IF_ERROR(ConfigObject(body, &config));
    p.config_json = config;
  }
  if (Has(body, "is_active")) {
    bool b;
    STUDIO_RETURN_IF_ERROR(BoolField(body, "is_active", &b));
    p.is_active = b;
  }
  if (Has(body, "status")) {
    if (!body["status"].is_string() || !ParseAdapterStatus(body["status"].get<std::string>())) {
      return Status::InvalidArgument("status must be \"active\" or \"archived\"");
    }
    p.status = ParseAdapterStatus(body["status"].get<std::string>());
  }
  *out = std::move(p);
  return Status::Ok();
}

Status ParseFeedbackCreate(const json& body, Feedback* out) {
  STUDIO_RETURN_IF_ERROR(RequireObject(body));
  Feedback f;
  STUDIO_RETURN_IF_ERROR(RequiredUuid(body, "audio_id", &f.audio_id));
  STUDIO_RETURN_IF_ERROR(OptionalUuidField(body, "preferred_over", &f.preferred_over));
  if (f.preferred_over && *f.preferred_over == f.audio_id) {
    return Status::InvalidArgument("preferred_over must name a different sample than audio_id");
  }
  int64_t n;
  if (Has(body, "rating")) {
    STUDIO_RETURN_IF_ERROR(IntInRange(body, "rating", limits::kRating, &n));
    f.rating = static_cast<int>(n);
  }
  if (Has(body, "rating_criterion")) {
    STUDIO_RETURN_IF_ERROR(StringField(body, "rating_criterion", limits::kRatingCriterion, &f.rating_criterion));
  }
  if (Has(body, "tags")) {
    const json& t = body["tags"];
    const std::string list_message =
        "tags must be a list of at most " + std::to_string(limits::kMaxTags) + " strings";
    if (!t.is_array() || t.size() > static_cast<size_t>(limits::kMaxTags)) {
      return Status::InvalidArgument(list_message);
    }
    for (const json& tag : t) {
      if (!tag.is_string()) return Status::InvalidArgument(list_message);
      std::string v = Trim(tag.get<std::string>());
      size_t n = Utf8Length(v);
      if (n < static_cast<size_t>(limits::kTag.min) || n > static_cast<size_t>(limits::kTag.max)) {
        return Status::InvalidArgument("each tag must be " + std::to_string(limits::kTag.min) +
                                       " to " + std::to_string(limits::kTag.max) + " characters");
      }
      f.tags.push_back(v);
    }
  }
  if (Has(body, "notes")) {
    std::string notes;
    STUDIO_RETURN_IF_ERROR(StringField(body, "notes", limits::kNotes, &notes));
    if (!notes.empty()) f.notes = notes;
  }
  if (!f.rating && !f.preferred_over && f.tags.empty()) {
    return Status::InvalidArgument("Feedback needs at least one of: rating, preferred_over, tags");
  }
  *out = std::move(f);
  return Status::Ok();
}

Status ParseAudioCompare(const json& body, std::vector<std::string>* ids) {
  STUDIO_RETURN_IF_ERROR(RequireObject(body));
  const IntRange count = limits::kCompareAudioIds;
  if (!Has(body, "audio_ids") || !body["audio_ids"].is_array() ||
      body["audio_ids"].size() < static_cast<size_t>(count.min) ||
      body["audio_ids"].size() > static_cast<size_t>(count.max)) {
    return Status::InvalidArgument("audio_ids must be a list of " + std::to_string(count.min) +
                                   " to " + std::to_string(count.max) + " sample ids");
  }
  ids->clear();
  for (const json& v : body["audio_ids"]) {
    if (!v.is_string()) return Status::InvalidArgument("audio_ids must contain UUID strings");
    std::string id;
    STUDIO_RETURN_IF_ERROR(ParseUuidValue(v.get<std::string>(), "audio_ids[]", &id));
    ids->push_back(id);
  }
  return Status::Ok();
}

Status ParseAdapterRestore(const json& body, std::optional<std::string>* name) {
  name->reset();
  if (body.is_null()) return Status::Ok();  // no body
  STUDIO_RETURN_IF_ERROR(RequireObject(body));
  if (!Has(body, "name")) return Status::Ok();
  std::string s;
  STUDIO_RETURN_IF_ERROR(StringField(body, "name", limits::kAdapterName, &s));
  *name = std::move(s);
  return Status::Ok();
}

Status OptionalIntField(const json& o, const char* key, IntRange range, std::optional<int64_t>* out) {
  out->reset();
  if (!Has(o, key)) return Status::Ok();
  int64_t v = 0;
  STUDIO_RETURN_IF_ERROR(IntInRange(o, key, range, &v));
  *out = v;
  return Status::Ok();
}

Status OptionalBoolField(const json& o, const char* key, std::optional<bool>* out) {
  out->reset();
  if (!Has(o, key)) return Status::Ok();
  bool v = false;
  STUDIO_RETURN_IF_ERROR(BoolField(o, key, &v));
  *out = v;
  return Status::Ok();
}

Status OptionalTimeField(const json& o, const char* key, std::optional<Micros>* out) {
  out->reset();
  if (!Has(o, key)) return Status::Ok();
  std::optional<Micros> t;
  if (o[key].is_string()) t = ParseIsoTime(o[key].get<std::string>());
  if (!t) return Status::InvalidArgument(std::string(key) + " must be an ISO-8601 date-time");
  *out = t;
  return Status::Ok();
}

Status OptionalUuidList(const json& o, const char* key, IntRange count,
                        std::optional<std::vector<std::string>>* out) {
  out->reset();
  if (!Has(o, key)) return Status::Ok();
  const json& v = o[key];
  if (!v.is_array() || v.size() < static_cast<size_t>(count.min) || v.size() > static_cast<size_t>(count.max)) {
    return Status::InvalidArgument(std::string(key) + " must be a list of " + std::to_string(count.min) +
                                   " to " + std::to_string(count.max) + " ids");
  }
  std::vector<std::string> ids;
  for (const json& item : v) {
    if (!item.is_string()) return Status::InvalidArgument(std::string(key) + " must contain UUID strings");
    std::string id;
    STUDIO_RETURN_IF_ERROR(ParseUuidValue(item.get<std::string>(), key, &id));
    ids.push_back(std::move(id));
  }
  *out = std::move(ids);
  return Status::Ok();
}

Status OptionalStringList(const json& o, const char* key, int64_t max_items, IntRange length,
                          std::optional<std::vector<std::string>>* out) {
  out->reset();
  if (!Has(o, key)) return Status::Ok();
  const json& v = o[key];
  if (!v.is_array() || v.size() > static_cast<size_t>(max_items)) {
    return Status::InvalidArgument(std::string(key) + " must be a list of at most " +
                                   std::to_string(max_items) + " strings");
  }
  std::vector<std::string> items;
  for (const json& item : v) {
    const size_t n = item.is_string() ? Utf8Length(item.get<std::string>()) : 0;
    if (!item.is_string() || n < static_cast<size_t>(length.min) || n > static_cast<size_t>(length.max)) {
      return Status::InvalidArgument(std::string(key) + " must contain strings of " +
                                     std::to_string(length.min) + " to " + std::to_string(length.max) +
                                     " characters");
    }
    items.push_back(item.get<std::string>());
  }
  *out = std::move(items);
  return Status::Ok();
}

// ---- the feedback loop ----

namespace {

// An optional string field of `range` characters, null or absent leaving *out unset.
Status OptionalText(const json& o, const char* key, IntRange range, std::optional<std::string>* out) {
  if (!Has(o, key) || o[key].is_null()) return Status::Ok();
  std::string s;
  STUDIO_RETURN_IF_ERROR(StringField(o, key, range, &s));
  *out = std::move(s);
  return Status::Ok();
}

// Keys of `body` outside `known` are refused: a typo must not be ignored.
Status OnlyKeys(const json& body, std::initializer_list<const char*> known) {
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok) return Status::InvalidArgument("Unknown field: " + it.key());
  }
  return Status::Ok();
}

}  // namespace

Status ParseExperimentCreate(const json& body, ExperimentCreate* out) {
  STUDIO_RETURN_IF_ERROR(RequireObject(body));
  STUDIO_RETURN_IF_ERROR(OnlyKeys(body, {"name", "description", "dataset_id", "config"}));
  ExperimentCreate e;
  if (!Has(body, "name")) return Status::InvalidArgument("name is required");
  STUDIO_RETURN_IF_ERROR(StringField(body, "name", limits::kAdapterName, &e.name));
  STUDIO_RETURN_IF_ERROR(OptionalText(body, "description", limits::kAdapterDescription, &e.description));
  std::optional<std::string> dataset;
  STUDIO_RETURN_IF_ERROR(OptionalUuidField(body, "dataset_id", &dataset));
  if (!dataset) return Status::InvalidArgument("dataset_id is required");
  e.dataset_id = *dataset;
  STUDIO_RETURN_IF_ERROR(ConfigObject(body, &e.config_json));
  *out = std::move(e);
  return Status::Ok();
}

Status ParseExperimentPatch(const json& body, ExperimentPatch* out) {
  STUDIO_RETURN_IF_ERROR(RequireObject(body));
  STUDIO_RETURN_IF_ERROR(OnlyKeys(body, {"name", "description", "config"}));
  ExperimentPatch p;
  STUDIO_RETURN_IF_ERROR(OptionalText(body, "name", limits::kAdapterName, &p.name));
  if (body.contains("description")) {
    std::optional<std::string> d;
    STUDIO_RETURN_IF_ERROR(OptionalText(body, "description", limits::kAdapterDescription, &d));
    p.description = d;
  }
  if (Has(body, "config")) {
    std::string config;
    STUDIO_RETURN_IF_ERROR(ConfigObject(body, &config));
    p.config_json = config;
  }
  *out = std::move(p);
  return Status::Ok();
}

Status ParseRunCreate(const json& body, RunCreate* out) {
  STUDIO_RETURN_IF_ERROR(RequireObject(body));
  STUDIO_RETURN_IF_ERROR(OnlyKeys(body, {"name", "config"}));
  RunCreate r;
  STUDIO_RETURN_IF_ERROR(OptionalText(body, "name", limits::kAdapterName, &r.name));
  STUDIO_RETURN_IF_ERROR(ConfigObject(body, &r.config_json));
  *out = std::move(r);
  return Status::Ok();
}

Status ParseVersionCreate(const json& body, VersionCreate* out) {
  STUDIO_RETURN_IF_ERROR(RequireObject(body));
  STUDIO_RETURN_IF_ERROR(OnlyKeys(body, {"version", "description", "config"}));
  VersionCreate v;
  STUDIO_RETURN_IF_ERROR(OptionalText(body, "version", limits::kVersionName, &v.version));
  STUDIO_RETURN_IF_ERROR(OptionalText(body, "description", limits::kAdapterDescription, &v.description));
  if (Has(body, "config")) {
    std::string config;
    STUDIO_RETURN_IF_ERROR(ConfigObject(body, &config));
    v.config_json = config;
  }
  *out = std::move(v);
  return Status::Ok();
}

// ---- datasets ----

Status ParseDatasetFilter(const json& q, DatasetFilter* out) {
  *out = DatasetFilter{};
  if (q.is_null()) return Status::Ok();
  if (!q.is_object()) return Status::InvalidArgument("filter_query must be an object");
  static const char* const kKeys[] = {"min_rating", "max_rating", "required_tags", "excluded_tags",
                                      "adapter_id", "start_date", "end_date"};
  for (const auto& [key, value] : q.items()) {
    bool known = false;
    for (const char* k : kKeys) known |= key == k;
    if (!known) {
      return Status::InvalidArgument("filter_query has an unknown key \"" + key +
                                     "\" (known: min_rating, max_rating, required_tags, excluded_tags, "
                                     "adapter_id, start_date, end_date)");
    }
  }
  DatasetFilter f;
  std::optional<int64_t> rating;
  STUDIO_RETURN_IF_ERROR(OptionalIntField(q, "min_rating", limits::kRating, &rating));
  if (rating) f.min_rating = static_cast<int>(*rating);
  STUDIO_RETURN_IF_ERROR(OptionalIntField(q, "max_rating", limits::kRating, &rating));
  if (rating) f.max_rating = static_cast<int>(*rating);
  if (f.min_rating && f.max_rating && *f.min_rating > *f.max_rating) {
    return Status::InvalidArgument("min_rating must not be greater than max_rating");
  }
  std::optional<std::vector<std::string>> tags;
  STUDIO_RETURN_IF_ERROR(OptionalStringList(q, "required_tags", limits::kMaxTags, limits::kTag, &tags));
  if (tags) f.required_tags = *tags;
  STUDIO_RETURN_IF_ERROR(OptionalStringList(q, "excluded_tags", limits::kMaxTags, limits::kTag, &tags));
  if (tags) f.excluded_tags = *tags;
  STUDIO_RETURN_IF_ERROR(OptionalUuidField(q, "adapter_id", &f.adapter_id));
  STUDIO_RETURN_IF_ERROR(OptionalTimeField(q, "start_date", &f.start_date));
  STUDIO_RETURN_IF_ERROR(OptionalTimeField(q, "end_date", &f.end_date));
  if (f.start_date && f.end_date && *f.start_date > *f.end_date) {
    return Status::InvalidArgument("start_date must not be after end_date");
  }
  *out = std::move(f);
  return Status::Ok();
}

std::string DatasetFilterJson(const DatasetFilter& f) {
  json j = json::object();
  if (f.min_rating) j["min_rating"] = *f.min_rating;
  if (f.max_rating) j["max_rating"] = *f.max_rating;
  if (!f.required_tags.empty()) j["required_tags"] = f.required_tags;
  if (!f.excluded_tags.empty()) j["excluded_tags"] = f.excluded_tags;
  if (f.adapter_id) j["adapter_id"] = *f.adapter_id;
  if (f.start_date) j["start_date"] = FormatIsoMicros(*f.start_date);
  if (f.end_date) j["end_date"] = FormatIsoMicros(*f.end_date);
  return j.dump();
}

Status ParseDatasetPreview(const json& body, DatasetType* type, DatasetFilter* filter) {
  STUDIO_RETURN_IF_ERROR(RequireObject(body));
  std::optional<DatasetType> t;
  if (Has(body, "type") && body["type"].is_string()) t = ParseDatasetType(body["type"].get<std::string>());
  if (!t) return Status::InvalidArgument("type must be \"supervised\" or \"preference\"");
  DatasetFilter f;
  STUDIO_RETURN_IF_ERROR(ParseDatasetFilter(body.contains("filter_query") ? body["filter_query"] : json(), &f));
  *type = *t;
  *filter = std::move(f);
  return Status::Ok();
}

Status ParseDatasetCreate(const json& body, DatasetCreate* out) {
  STUDIO_RETURN_IF_ERROR(RequireObject(body));
  DatasetCreate d;
  if (!Has(body, "name")) return Status::InvalidArgument("name is required");
  STUDIO_RETURN_IF_ERROR(StringField(body, "name", limits::kDatasetName, &d.name));
  if (Has(body, "description")) {
    std::string description;
    STUDIO_RETURN_IF_ERROR(StringField(body, "description", limits::kDatasetDescription, &description));
    d.description = std::move(description);
  }
  STUDIO_RETURN_IF_ERROR(ParseDatasetPreview(body, &d.type, &d.filter));
  *out = std::move(d);
  return Status::Ok();
}

Status ParseDatasetExport(const json& body, ExportFormat* out) {
  STUDIO_RETURN_IF_ERROR(RequireObject(body));
  std::optional<ExportFormat> f;
  if (Has(body, "format") && body["format"].is_string()) f = ParseExportFormat(body["format"].get<std::string>());
  if (!f) return Status::InvalidArgument("format must be one of jsonl, json, csv, huggingface, tar");
  *out = *f;
  return Status::Ok();
}

}  // namespace studio
