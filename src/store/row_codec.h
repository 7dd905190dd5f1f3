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

// {jobs}, {adapters} and {audio} in `sql` become the live_* views (kLive)
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

// Columns: the stores' kAudioColumns (the sample, then its job's parameters).
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

}  // namespace studio::store_internal
