// What the SQLite and PostgreSQL stores share: how a statement names live
// or all rows, and how a result row becomes a domain struct. Both stores
// select the same columns in the same order (their kJobColumns, ...), so
// each row is decoded here, once, over a small per-database row view:
//
//   struct Row {                       // one result row
//     bool IsNull(int col) const;
//     std::string Text(int col) const;  // "" for NULL
//     int64_t Int(int col) const;
//     double Double(int col) const;
//     bool Bool(int col) const;
//     std::optional<Micros> Time(int col) const;
//   };
//
// Internal to src/store.
#pragma once

#include <optional>
#include <string>

#include "domain/types.h"
#include "store/store.h"
#include "util/status.h"

namespace studio::store_internal {

// {jobs}, {adapters}, {audio} and {datasets} in `sql` become the live_* views (kLive)
// or the base tables (kIncludeDeleted).
std::string SourceFor(std::string sql, Visibility v);

// Both visibility variants of a statement, built once rather than per call.
class VisibilitySql {
 public:
  explicit VisibilitySql(const std::string& tmpl)
      : live_(SourceFor(tmpl, Visibility::kLive)), all_(SourceFor(tmpl, Visibility::kIncludeDeleted)) {}
  const std::string& For(Visibility v) const { return v == Visibility::kLive ? live_ : all_; }

 private:
  std::string live_, all_;
};

// A Conflict from the live-name unique index, as the store_kind::kAdapterName kind.
Status NameConflictAware(Status s);

std::string PromptAttributesJson(const PromptAttributes& a);
PromptAttributes ParsePromptAttributes(const std::string& json_text);
std::vector<std::string> ParseTags(const std::string& json_array_text);
std::vector<std::string> SplitIds(const std::string& comma_separated);

template <typename Row>
std::optional<std::string> OptText(const Row& r, int col) {
  if (r.IsNull(col)) return std::nullopt;
  return r.Text(col);
}

// /feedback/summary's figures, all of them trigger-kept counters.
inline FeedbackSummary FeedbackSummaryOf(const MetricsCounters& c) {
  FeedbackSummary out;
  out.total_feedback = c.feedback_total;
  out.total_ratings = c.ratings_count;
  out.total_preferences = c.preferences;
  for (int i = 0; i < 5; ++i) out.rating_distribution[i] = c.rating_distribution[i];
  out.high_rated_samples = c.high_rated_samples;
  return out;
}

// Columns: adapter key (NULL for the base engine), name, deleted,
// feedback_count, rating_count, rating_sum.
template <typename Row>
void ReadAdapterFeedback(const Row& r, AdapterFeedbackCount* a) {
  a->adapter_id = OptText(r, 0);
  if (a->adapter_id) a->adapter_name = r.Text(1);
  a->adapter_deleted = r.Bool(2);
  a->feedback_count = r.Int(3);
  a->rating_count = r.Int(4);
  a->rating_sum = r.Int(5);
}

// Columns: id, text, attributes, created_at.
template <typename Row>
void ReadPrompt(const Row& r, Prompt* p) {
  p->id = r.Text(0);
  p->text = r.Text(1);
  p->attributes = ParsePromptAttributes(r.Text(2));
  p->created_at = r.Time(3).value_or(0);
}

// How many columns ReadAdapter and ReadJob read: a statement may add more after them.
inline constexpr int kAdapterColumnCount = 12;
inline constexpr int kJobColumnCount = 19;

// Columns: the stores' kAdapterColumns.
template <typename Row>
void ReadAdapter(const Row& r, Adapter* a) {
  a->id = r.Text(0);
  a->name = r.Text(1);
  a->description = OptText(r, 2);
  a->base_model = r.Text(3);
  a->storage_path = OptText(r, 4);
  a->config_json = r.Text(5);
  a->is_active = r.Bool(6);
  a->status = ParseAdapterStatus(r.Text(7)).value_or(AdapterStatus::kActive);
  a->current_version = OptText(r, 8);
  a->created_at = r.Time(9).value_or(0);
  a->updated_at = r.Time(10).value_or(0);
  a->deleted_at = r.Time(11);
}

// Columns: the stores' kJobColumns (job, prompt preview, adapter name and
// deletion, comma-separated audio ids in label order).
template <typename Row>
void ReadJob(const Row& r, Job* j) {
  j->id = r.Text(0);
  j->prompt_id = r.Text(1);
  j->adapter_id = OptText(r, 2);
  j->status = ParseJobStatus(r.Text(3)).value_or(JobStatus::kFailed);
  j->progress = r.Double(4);
  j->num_samples = static_cast<int>(r.Int(5));
  j->error = OptText(r, 6);
  j->params.seed = r.Int(7);
  j->params.temperature = r.Double(8);
  j->params.top_k = static_cast<int>(r.Int(9));
  j->params.top_p = r.Double(10);
  j->params.duration = static_cast<int>(r.Int(11));
  j->created_at = r.Time(12).value_or(0);
  j->completed_at = r.Time(13);
  j->deleted_at = r.Time(14);
  j->prompt_preview = r.Text(15);
  j->adapter_name = OptText(r, 16);
  j->adapter_deleted = j->adapter_id.has_value() && !r.IsNull(17) && r.Bool(17);
  j->audio_ids = SplitIds(r.Text(18));
}

// Columns: the stores' kAudioColumns (the sample, then its job's
// parameters, then its style features).
template <typename Row>
void ReadAudio(const Row& r, AudioSample* a) {
  a->id = r.Text(0);
  a->job_id = r.Text(1);
  a->prompt_id = r.Text(2);
  a->adapter_id = OptText(r, 3);
  a->sample_index = static_cast<int>(r.Int(4));
  a->storage_path = r.Text(5);
  a->duration_seconds = r.Double(6);
  a->sample_rate = static_cast<int>(r.Int(7));
  a->created_at = r.Time(8).value_or(0);
  a->params.seed = r.Int(9);
  a->params.temperature = r.Double(10);
  a->params.top_k = static_cast<int>(r.Int(11));
  a->params.top_p = r.Double(12);
  a->params.duration = static_cast<int>(r.Int(13));
  a->style_json = OptText(r, 14);
}

// Columns: the stores' kFeedbackColumns.
template <typename Row>
void ReadFeedback(const Row& r, Feedback* f) {
  f->id = r.Text(0);
  f->audio_id = r.Text(1);
  f->rating = r.IsNull(2) ? std::nullopt : std::optional<int>(static_cast<int>(r.Int(2)));
  f->rating_criterion = r.Text(3);
  f->preferred_over = OptText(r, 4);
  f->tags = ParseTags(r.Text(5));
  f->notes = OptText(r, 6);
  f->created_at = r.Time(7).value_or(0);
}

// Columns: the stores' kDatasetColumns (id, name, description, type,
// filter_query, sample_count, export_format, exported_at, created_at, deleted_at).
template <typename Row>
void ReadDataset(const Row& r, Dataset* d) {
  d->id = r.Text(0);
  d->name = r.Text(1);
  d->description = OptText(r, 2);
  d->type = ParseDatasetType(r.Text(3)).value_or(DatasetType::kSupervised);
  d->filter_query_json = r.Text(4);
  d->sample_count = r.Int(5);
  d->export_format = OptText(r, 6);
  d->exported_at = r.Time(7);
  d->created_at = r.Time(8).value_or(0);
  d->deleted_at = r.Time(9);
}

// Columns: the stores' kDatasetMemberColumns: kFeedbackColumns (0-7), the
// sample's style, storage_path, adapter_id, adapter name (8-11), the
// prompt's id, text, attributes (12-14), the job's parameters (15-19), and
// the rejected sample's id, style, storage_path, adapter_id, adapter name
// (20-24; NULL without preferred_over).
template <typename Row>
void ReadDatasetMember(const Row& r, DatasetMember* m) {
  ReadFeedback(r, &m->feedback);
  auto sample = [&](int at, const std::string& audio_id, DatasetMemberSample* s) {
    s->audio_id = audio_id;
    s->style_json = OptText(r, at);
    s->storage_path = r.Text(at + 1);
    s->adapter_id = OptText(r, at + 2);
    s->adapter_name = OptText(r, at + 3);
  };
  sample(8, m->feedback.audio_id, &m->sample);
  m->prompt_id = r.Text(12);
  m->prompt_text = r.Text(13);
  m->attributes = ParsePromptAttributes(r.Text(14));
  m->params.seed = r.Int(15);
  m->params.temperature = r.Double(16);
  m->params.top_k = static_cast<int>(r.Int(17));
  m->params.top_p = r.Double(18);
  m->params.duration = static_cast<int>(r.Int(19));
  m->rejected.reset();
  if (!r.IsNull(20)) sample(21, r.Text(20), &m->rejected.emplace());
}

// ListDatasetMembers' statement up to its WHERE, in both dialects: the
// feedback columns given (each store's kFeedbackColumns), then the rest
// of ReadDatasetMember's columns; m is dataset_members.
inline std::string DatasetMembersFrom(const std::string& feedback_columns) {
  return "SELECT " + feedback_columns + R"(,
         s.style, s.storage_path, s.adapter_id, sa.name,
         p.id, p.text, p.attributes, j.seed, j.temperature, j.top_k, j.top_p, j.duration,
         r.id, r.style, r.storage_path, r.adapter_id, ra.name
    FROM dataset_members m JOIN feedback f ON f.id = m.feedback_id
    JOIN audio_samples s ON s.id = f.audio_id JOIN generation_jobs j ON j.id = s.job_id
    JOIN prompts p ON p.id = s.prompt_id LEFT JOIN adapters sa ON sa.id = s.adapter_id
    LEFT JOIN audio_samples r ON r.id = f.preferred_over LEFT JOIN adapters ra ON ra.id = r.adapter_id)";
}

// The datasets (ReadDatasetImpact's columns) that losing the feedback
// records `feedback_ids_sql` selects would change, by name; both dialects.
inline std::string DatasetsAffectedSql(const std::string& feedback_ids_sql) {
  return "SELECT d.id, d.name, COUNT(*) FROM dataset_members m JOIN datasets d ON d.id = m.dataset_id"
         " WHERE m.feedback_id IN (" + feedback_ids_sql + ") GROUP BY d.id, d.name ORDER BY d.name, d.id";
}

// part / whole, or unset when whole is 0 (DatasetStats' shares).
inline std::optional<double> ShareOf(double part, double whole) {
  if (whole <= 0) return std::nullopt;
  return part / whole;
}

// Columns: dataset id, name, members removed.
template <typename Row>
void ReadDatasetImpact(const Row& r, DatasetImpact* d) {
  d->id = r.Text(0);
  d->name = r.Text(1);
  d->members_removed = r.Int(2);
}

// Typical list queries, for each store's query-plan check (ExplainQuery).
inline JobQuery ByStatus(JobStatus status) {
  JobQuery q;
  q.status = status;
  return q;
}
inline JobQuery ByAdapter(const std::string& adapter_id) {
  JobQuery q;
  q.adapter_id = adapter_id;
  return q;
}

// Columns: the stores' kAuditColumns (id, at, action, entity, entity_id,
// counts, actor, request_id).
template <typename Row>
void ReadAuditEvent(const Row& r, AuditEvent* e) {
  e->id = r.Text(0);
  e->at = r.Time(1).value_or(0);
  e->action = r.Text(2);
  e->entity = r.Text(3);
  e->entity_id = OptText(r, 4);
  e->counts_json = r.Text(5);
  e->actor = r.Text(6);
  e->request_id = r.Text(7);
}

template <typename Row>
std::optional<double> OptDouble(const Row& r, int col) {
  return r.IsNull(col) ? std::nullopt : std::optional<double>(r.Double(col));
}
template <typename Row>
std::optional<int64_t> OptInt(const Row& r, int col) {
  return r.IsNull(col) ? std::nullopt : std::optional<int64_t>(r.Int(col));
}

// Columns: the stores' kExperimentColumns: the experiment's own eight, then
// the dataset's name and whether it is gone, the run count, the best
// run's id and loss, and the newest run's status.
template <typename Row>
void ReadExperiment(const Row& r, Experiment* e) {
  e->id = r.Text(0);
  e->name = r.Text(1);
  e->description = OptText(r, 2);
  e->dataset_id = r.Text(3);
  e->config_json = r.Text(4);
  e->created_at = r.Time(5).value_or(0);
  e->updated_at = r.Time(6).value_or(0);
  e->deleted_at = r.Time(7);
  e->dataset_name = OptText(r, 8);
  e->dataset_deleted = r.IsNull(8) || r.Bool(9);
  e->run_count = r.Int(10);
  e->best_run_id = OptText(r, 11);
  e->best_loss = OptDouble(r, 12);
  e->latest_run_status = OptText(r, 13);
}
inline constexpr int kExperimentColumnCount = 14;

// Columns: the stores' kRunColumns: the run's seventeen, then its
// adapter's name and deletion, its dataset's name and whether it is gone.
template <typename Row>
void ReadRun(const Row& r, TrainingRun* run) {
  run->id = r.Text(0);
  run->experiment_id = r.Text(1);
  run->name = r.Text(2);
  run->status = ParseRunStatus(r.Text(3)).value_or(RunStatus::kFailed);
  run->progress = r.Double(4);
  run->config_json = r.Text(5);
  run->metrics_json = r.Text(6);
  run->final_loss = OptDouble(r, 7);
  run->error = OptText(r, 8);
  run->explanation = OptText(r, 9);
  run->adapter_id = OptText(r, 10);
  run->dataset_id = r.Text(11);
  run->member_count = OptInt(r, 12);
  run->data_hash = OptText(r, 13);
  run->created_at = r.Time(14).value_or(0);
  run->started_at = r.Time(15);
  run->completed_at = r.Time(16);
  run->adapter_name = OptText(r, 17);
  run->adapter_deleted = run->adapter_id.has_value() && !r.IsNull(18) && r.Bool(18);
  run->dataset_name = OptText(r, 19);
  run->dataset_deleted = r.IsNull(19) || r.Bool(20);
}

// Columns: the stores' kVersionColumns.
template <typename Row>
void ReadAdapterVersion(const Row& r, AdapterVersion* v) {
  v->id = r.Text(0);
  v->adapter_id = r.Text(1);
  v->number = static_cast<int>(r.Int(2));
  v->version = r.Text(3);
  v->description = OptText(r, 4);
  v->config_json = r.Text(5);
  v->storage_path = OptText(r, 6);
  v->source = r.Text(7) == "training" ? VersionSource::kTraining : VersionSource::kManual;
  v->run_id = OptText(r, 8);
  v->dataset_id = OptText(r, 9);
  v->member_count = OptInt(r, 10);
  v->data_hash = OptText(r, 11);
  v->explanation = OptText(r, 12);
  v->created_at = r.Time(13).value_or(0);
}

}  // namespace studio::store_internal
