#include "http/json_io.h"

#include "domain/json_values.h"
#include "domain/limits.h"
#include "domain/vocabulary.h"
#include "lifecycle/lifecycle.h"
#include "util/time_format.h"

namespace studio {

using json = nlohmann::json;

json GenerationParamsJson(const GenerationParams& p) { return GenerationParamsJsonValue(p); }

void WriteJobFields(JsonWriter& w, const Job& job, bool with_deleted_at) {
  auto optional_string = [&](const std::optional<std::string>& v) {
    if (v) w.String(*v);
    else w.Null();
  };
  auto optional_time = [&](const std::optional<Micros>& t) {
    if (t) w.String(FormatIsoMicros(*t));
    else w.Null();
  };
  w.Key("id").String(job.id);
  w.Key("prompt_id").String(job.prompt_id);
  w.Key("prompt_preview").String(job.prompt_preview);
  w.Key("adapter_id");
  optional_string(job.adapter_id);
  w.Key("adapter_name");
  if (job.adapter_deleted) w.String(kDeletedAdapterName);
  else optional_string(job.adapter_name);
  w.Key("adapter_deleted").Bool(job.adapter_deleted);
  w.Key("status").String(JobStatusName(job.status));
  w.Key("progress").Double(job.progress);
  w.Key("num_samples").Int(job.num_samples);
  w.Key("audio_ids").BeginArray();
  for (const auto& id : job.audio_ids) w.String(id);
  w.EndArray();
  w.Key("error");
  optional_string(job.error);
  w.Key("generation_params").BeginObject();
  w.Key("seed").Int(job.params.seed);
  w.Key("temperature").Double(job.params.temperature);
  w.Key("top_k").Int(job.params.top_k);
  w.Key("top_p").Double(job.params.top_p);
  w.Key("duration").Int(job.params.duration);
  w.EndObject();
  w.Key("duration_seconds").Int(job.params.duration);
  w.Key("created_at").String(FormatIsoMicros(job.created_at));
  w.Key("completed_at");
  optional_time(job.completed_at);
  if (with_deleted_at) {
    w.Key("deleted_at");
    optional_time(job.deleted_at);
  }
}

void WriteJob(JsonWriter& w, const Job& job, bool with_deleted_at) {
  w.BeginObject();
  WriteJobFields(w, job, with_deleted_at);
  w.EndObject();
}

std::string JobJson(const Job& job, bool with_deleted_at) {
  std::string out;
  out.reserve(640);
  JsonWriter w(&out);
  WriteJob(w, job, with_deleted_at);
  return out;
}

json JobStatusJson(const Job& job) {
  return {{"id", job.id},
          {"status", JobStatusName(job.status)},
          {"progress", job.progress},
          {"audio_ids", job.audio_ids},
          {"error", OrNull(job.error)},
          {"created_at", FormatIsoMicros(job.created_at)}};
}

json PromptJson(const Prompt& p) {
  return {{"id", p.id},
          {"text", p.text},
          {"attributes", PromptAttributesJsonValue(p.attributes)},
          {"created_at", FormatIsoMicros(p.created_at)}};
}

void WriteAdapterFields(JsonWriter& w, const Adapter& a, bool with_deleted_at) {
  auto optional_string = [&](const std::optional<std::string>& v) {
    if (v) w.String(*v);
    else w.Null();
  };
  w.Key("id").String(a.id);
  w.Key("name").String(a.name);
  w.Key("description");
  optional_string(a.description);
  w.Key("base_model").String(a.base_model);
  w.Key("storage_path");
  optional_string(a.storage_path);
  w.Key("config").Raw(a.config_json.empty() ? "{}" : a.config_json);
  w.Key("is_active").Bool(a.is_active);
  w.Key("status").String(AdapterStatusName(a.status));
  w.Key("current_version");
  optional_string(a.current_version);
  w.Key("created_at").String(FormatIsoMicros(a.created_at));
  w.Key("updated_at").String(FormatIsoMicros(a.updated_at));
  if (with_deleted_at) {
    w.Key("deleted_at");
    if (a.deleted_at) w.String(FormatIsoMicros(*a.deleted_at));
    else w.Null();
  }
}

void WriteAdapter(JsonWriter& w, const Adapter& adapter, bool with_deleted_at) {
  w.BeginObject();
  WriteAdapterFields(w, adapter, with_deleted_at);
  w.EndObject();
}

std::string AdapterJson(const Adapter& a, bool with_deleted_at) {
  std::string out;
  JsonWriter w(&out);
  WriteAdapter(w, a, with_deleted_at);
  return out;
}

json AudioJson(const AudioSample& s) {
  return {{"id", s.id},
          {"job_id", s.job_id},
          {"prompt_id", s.prompt_id},
          {"adapter_id", OrNull(s.adapter_id)},
          {"label", SampleLabel(s)},
          {"storage_path", s.storage_path},
          {"duration_seconds", s.duration_seconds},
          {"sample_rate", s.sample_rate},
          {"generation_params", GenerationParamsJson(s.params)},
          {"style", StoredObjectJson(s.style_json)},
          {"created_at", FormatIsoMicros(s.created_at)}};
}

json FeedbackJson(const Feedback& f) {
  return {{"id", f.id},
          {"audio_id", f.audio_id},
          {"rating", OrNull(f.rating)},
          {"rating_criterion", f.rating_criterion},
          {"preferred_over", OrNull(f.preferred_over)},
          {"tags", f.tags},
          {"notes", OrNull(f.notes)},
          {"created_at", FormatIsoMicros(f.created_at)}};
}

json JobStatsJson(const JobStats& s) {
  return {{"status_counts",
           {{"queued", s.queued},
            {"processing", s.processing},
            {"completed", s.completed},
            {"failed", s.failed},
            {"cancelled", s.cancelled}}},
          {"active_jobs", s.queued + s.processing},
          {"avg_processing_time_seconds", OrNull(s.avg_processing_seconds)},
          {"jobs_today", s.jobs_today},
          {"total_jobs", s.total()}};
}

json AdapterStatsJson(const AdapterStats& s) {
  return {{"total", s.total}, {"active", s.active}, {"archived", s.archived}};
}

namespace {
// {"1": n, ..., "5": n}; index 0 is rating 1.
json RatingDistributionJson(const int64_t (&counts)[5]) {
  json dist = json::object();
  for (int i = 0; i < 5; ++i) dist[std::to_string(i + 1)] = counts[i];
  return dist;
}
}  // namespace

json FeedbackSummaryJson(const FeedbackSummary& s) {
  return {{"total_feedback", s.total_feedback},
          {"total_ratings", s.total_ratings},
          {"total_preferences", s.total_preferences},
          {"rating_distribution", RatingDistributionJson(s.rating_distribution)},
          {"high_rated_samples", s.high_rated_samples}};
}

std::string DatasetDownloadUrl(const std::string& dataset_id, const std::string& format) {
  return "/api/datasets/" + dataset_id + "/download?format=" + format;
}

json DatasetJson(const Dataset& d, bool with_deleted_at) {
  json filter = json::parse(d.filter_query_json, nullptr, /*allow_exceptions=*/false);
  json out = {{"id", d.id},
              {"name", d.name},
              {"description", OrNull(d.description)},
              {"type", DatasetTypeName(d.type)},
              {"filter_query", filter.is_object() ? filter : json::object()},
              {"sample_count", d.sample_count},
              {"export_path", d.export_format ? json(DatasetDownloadUrl(d.id, *d.export_format)) : json(nullptr)},
              {"created_at", FormatIsoMicros(d.created_at)}};
  if (with_deleted_at) out["deleted_at"] = d.deleted_at ? json(FormatIsoMicros(*d.deleted_at)) : json(nullptr);
  return out;
}

json DatasetsAffectedJson(const std::vector<DatasetImpact>& impacts) {
  json out = json::array();
  for (const auto& d : impacts) out.push_back({{"id", d.id}, {"name", d.name}, {"members_removed", d.members_removed}});
  return out;
}

// A time as ISO text, or null.
static json TimeOrNull(const std::optional<Micros>& t) { return t ? json(FormatIsoMicros(*t)) : json(nullptr); }

// "draft" before any run; "running" while the newest run is queued or
// running; else the newest run's status.
static const char* ExperimentStatus(const Experiment& e) {
  if (!e.latest_run_status) return "draft";
  if (*e.latest_run_status == "queued" || *e.latest_run_status == "running") return "running";
  return e.latest_run_status->c_str();
}

json ExperimentJson(const Experiment& e, bool with_deleted_at) {
  json j = {{"id", e.id},
            {"name", e.name},
            {"description", OrNull(e.description)},
            {"dataset_id", e.dataset_id},
            {"dataset_name", e.dataset_deleted ? json(kDeletedDatasetName) : OrNull(e.dataset_name)},
            {"dataset_deleted", e.dataset_deleted},
            {"status", ExperimentStatus(e)},
            {"config", StoredObjectOrEmpty(e.config_json)},
            {"best_run_id", OrNull(e.best_run_id)},
            {"best_loss", OrNull(e.best_loss)},
            {"run_count", e.run_count},
            {"created_at", FormatIsoMicros(e.created_at)},
            {"updated_at", FormatIsoMicros(e.updated_at)}};
  if (with_deleted_at) j["deleted_at"] = TimeOrNull(e.deleted_at);
  return j;
}

json RunJson(const TrainingRun& r) {
  json lineage = nullptr;
  if (r.data_hash) {
    lineage = {{"dataset_id", r.dataset_id},
               {"dataset_name", r.dataset_deleted ? json(kDeletedDatasetName) : OrNull(r.dataset_name)},
               {"dataset_deleted", r.dataset_deleted},
               {"member_count", r.member_count.value_or(0)},
               {"data_hash", *r.data_hash}};
  }
  json adapter_name = nullptr;
  if (r.adapter_id) adapter_name = r.adapter_deleted ? json(kDeletedAdapterName) : OrNull(r.adapter_name);
  return {{"id", r.id},
          {"experiment_id", r.experiment_id},
          {"adapter_id", OrNull(r.adapter_id)},
          {"adapter_name", adapter_name},
          {"name", r.name},
          {"status", RunStatusName(r.status)},
          {"progress", r.progress},
          {"config", StoredObjectOrEmpty(r.config_json)},
          {"metrics", StoredObjectOrEmpty(r.metrics_json)},
          {"final_loss", OrNull(r.final_loss)},
          {"error", OrNull(r.error)},
          {"explanation", OrNull(r.explanation)},
          {"lineage", lineage},
          {"started_at", TimeOrNull(r.started_at)},
          {"completed_at", TimeOrNull(r.completed_at)},
          {"created_at", FormatIsoMicros(r.created_at)}};
}

json VersionJson(const AdapterVersion& v, const std::optional<std::string>& current) {
  return {{"id", v.id},
          {"adapter_id", v.adapter_id},
          {"version", v.version},
          {"description", OrNull(v.description)},
          {"config", StoredObjectOrEmpty(v.config_json)},
          {"source", VersionSourceName(v.source)},
          {"run_id", OrNull(v.run_id)},
          {"is_current", current && *current == v.version},
          {"created_at", FormatIsoMicros(v.created_at)}};
}

json MetricsOverviewJson(const MetricsCounters& c) {
  return {{"pipeline",
           {{"generation", {{"total", c.jobs_total}, {"completed", c.jobs_completed}, {"active", c.jobs_active}}},
            {"feedback",
             {{"total", c.feedback_total}, {"rated_samples", c.rated_samples}, {"pending", c.pending_feedback()}}},
            {"dataset", {{"total", c.datasets_live}, {"exported", c.datasets_exported}}},
            {"training", {{"total", c.runs_total}, {"running", c.runs_running}}}}},
          {"quick_stats",
           {{"total_generations", c.jobs_total},
            {"total_samples", c.live_samples},
            {"avg_rating", OrNull(c.avg_rating())},
            {"active_adapters", c.adapters_active},
            {"total_adapters", c.adapters_live},
            {"pending_feedback", c.pending_feedback()}}}};
}

json FeedbackMetricsJson(const MetricsCounters& c, const std::vector<AdapterFeedbackCount>& by_adapter) {
  json adapters = json::array();
  for (const AdapterFeedbackCount& a : by_adapter) {
    const char* name = !a.adapter_id ? kBaseEngineName : a.adapter_deleted ? kDeletedAdapterName : nullptr;
    adapters.push_back({{"adapter_id", OrNull(a.adapter_id)},
                        {"adapter_name", name ? json(name) : json(a.adapter_name.value_or(""))},
                        {"count", a.feedback_count},
                        {"avg_rating", OrNull(a.avg_rating())}});
  }
  return {{"rating_distribution", RatingDistributionJson(c.rating_distribution)},
          {"by_adapter", adapters},
          {"preference_comparisons", c.preferences},
          {"tagged_feedback", c.tagged}};
}

namespace {

json InstrumentSoundJson(const InstrumentSound& sound) {
  json out = {{"kind", InstrumentSoundKindName(sound.kind)}};
  switch (sound.kind) {
    case InstrumentSound::Kind::kMelodic: out["program"] = sound.program; break;
    case InstrumentSound::Kind::kDrumKit: out["program"] = sound.program; break;
    case InstrumentSound::Kind::kDrumPiece: out["note"] = sound.drum_note; break;
    case InstrumentSound::Kind::kPcmEffect: out["effect"] = PcmEffectName(sound.effect); break;
  }
  return out;
}

// Integral ranges as JSON integers, so 40 reads as 40 and not 40.0.
json RangeValue(double v, bool integral) {
  if (integral) return static_cast<int64_t>(v);
  return v;
}

json OptionalRangeValue(const std::optional<double>& v, bool integral) {
  if (!v) return nullptr;
  return RangeValue(*v, integral);
}

}  // namespace

json VocabularyJson() {
  json families = json::array();
  for (InstrumentFamily f : AllInstrumentFamilies()) {
    families.push_back({{"id", InstrumentFamilyName(f)}, {"label", InstrumentFamilyLabel(f)}});
  }
  json instruments = json::array();
  for (const InstrumentInfo& i : AllInstruments()) {
    instruments.push_back({{"name", i.name},
                           {"family", InstrumentFamilyName(i.family)},
                           {"maps_to", InstrumentSoundJson(i.sound)}});
  }
  json modes = json::array();
  for (Mode m : AllModes()) modes.push_back(ModeName(m));
  json moods = json::array();
  for (const MoodWord& m : AllMoodWords()) {
    json mode = nullptr, tempo = nullptr;
    if (m.mode == MoodWord::ModeLean::kMinor) mode = "minor";
    if (m.mode == MoodWord::ModeLean::kMajor) mode = "major";
    if (m.tempo == MoodWord::TempoLean::kSlower) tempo = "slower";
    if (m.tempo == MoodWord::TempoLean::kFaster) tempo = "faster";
    moods.push_back({{"word", m.word}, {"mode", mode}, {"tempo", tempo}});
  }
  json styles = json::array();
  for (const StyleInfo& s : AllStyles()) {
    json keywords = json::array();
    for (std::string_view k : s.keywords) keywords.push_back(k);
    styles.push_back({{"name", s.name}, {"keywords", keywords}});
  }
  json adapter_config = json::array();
  for (const AdapterConfigKey& k : AdapterConfigKeys()) {
    using T = AdapterConfigKey::Type;
    const bool ranged = k.type == T::kNumber || k.type == T::kInteger;
    const bool integral = k.type == T::kInteger;
    json entry = {{"key", k.name},
                  {"type", AdapterConfigTypeName(k.type)},
                  {"min", ranged ? RangeValue(k.min, integral) : json(nullptr)},
                  {"max", ranged ? RangeValue(k.max, integral) : json(nullptr)},
                  {"default", OptionalRangeValue(k.default_value, integral)},
                  {"description", k.description}};
    if (k.type == T::kMode) entry["choices"] = modes;
    if (k.type == T::kInstrumentOverrides) {
      json roles = json::array();
      for (std::string_view r : AdapterOverrideRoles()) roles.push_back(r);
      entry["roles"] = roles;
    }
    adapter_config.push_back(std::move(entry));
  }
  json limits = json::object();
  for (const LimitInfo& l : AllLimits()) {
    const bool integral = l.kind != "number";
    limits[std::string(l.name)] = {{"kind", l.kind},
                                   {"min", RangeValue(l.min, integral)},
                                   {"max", RangeValue(l.max, integral)},
                                   {"default", OptionalRangeValue(l.default_value, integral)},
                                   {"applies_to", l.applies_to}};
  }
  return {{"instrument_families", families}, {"instruments", instruments}, {"modes", modes},
          {"moods", moods}, {"styles", styles}, {"adapter_config", adapter_config},
          {"limits", limits}};
}

}  // namespace studio
