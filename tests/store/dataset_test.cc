// Datasets at the store and lifecycle level, on a real SQLite file or
// PostgreSQL database (SPEC section 8, docs/FEEDBACK_LOOP.md): frozen at
// creation; every hard delete of feedback (direct, bulk, a job's cascade)
// removes membership and lowers sample_count in its own transaction, and a
// rolled-back delete leaves both; soft delete, restore and purge with their
// audit events; the filter's semantics; the stats figures; the members
// export and training read; the style features of a sample.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "store_fixture.h"

namespace studio::testing {
namespace {

using json = nlohmann::json;

class DatasetTest : public StoreFixture {
 protected:
  // A finished job of `samples` samples; their ids.
  std::vector<std::string> Samples(int samples = 2, std::optional<std::string> adapter_id = std::nullopt,
                                   const std::string& prompt_text = "a calm lofi beat") {
    Submit(NewPrompt(prompt_text), samples, adapter_id);
    return RenderAll();
  }

  std::string AddFeedback(const std::string& audio_id, std::optional<int> rating,
                          std::vector<std::string> tags = {},
                          std::optional<std::string> preferred_over = std::nullopt) {
    Feedback f;
    f.audio_id = audio_id;
    f.rating = rating;
    f.tags = std::move(tags);
    f.preferred_over = preferred_over;
    Feedback out;
    EXPECT_OK(lifecycle()->AddFeedback(f, &out));
    return out.id;
  }

  Dataset Create(DatasetType type, DatasetFilter filter = {}, const std::string& name = "set") {
    DatasetCreate request{.name = name, .type = type, .filter = std::move(filter)};
    Dataset d;
    EXPECT_OK(lifecycle()->CreateDataset(request, &d));
    return d;
  }

  int64_t SampleCount(const std::string& id) {
    Dataset d;
    EXPECT_OK(store()->GetDataset(id, Visibility::kIncludeDeleted, &d));
    return d.sample_count;
  }

  // The members' feedback ids, read page by page (pages of `page`).
  std::vector<std::string> MemberIds(const std::string& dataset_id, int page = 1000) {
    std::vector<std::string> ids;
    std::string after;
    for (;;) {
      std::vector<DatasetMember> members;
      EXPECT_OK(store()->ListDatasetMembers(dataset_id, after, page, &members));
      for (const auto& m : members) ids.push_back(m.feedback.id);
      if (members.size() < static_cast<size_t>(page)) break;
      after = members.back().feedback.id;
    }
    return ids;
  }

  int64_t Preview(DatasetType type, const DatasetFilter& filter = {}) {
    int64_t n = -1;
    EXPECT_OK(lifecycle()->PreviewDataset(type, filter, &n));
    return n;
  }

  static std::vector<std::string> Sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  }
};

TEST_F(DatasetTest, MembersAreFrozenAtCreation) {
  auto s = Samples(2);
  const std::string a = AddFeedback(s[0], 4), b = AddFeedback(s[1], 2);
  Dataset d = Create(DatasetType::kSupervised);
  EXPECT_EQ(d.sample_count, 2);
  EXPECT_EQ(Sorted(MemberIds(d.id)), Sorted({a, b}));
  AddFeedback(s[0], 5);  // after creation: never joins
  EXPECT_EQ(SampleCount(d.id), 2);
  EXPECT_EQ(MemberIds(d.id).size(), 2u);
  EXPECT_EQ(Preview(DatasetType::kSupervised), 3) << "a new dataset would take it";
}

TEST_F(DatasetTest, AFilterMatchingNothingIsRefusedAndCreatesNothing) {
  auto s = Samples(1);
  AddFeedback(s[0], 3);
  DatasetCreate request{.name = "none", .type = DatasetType::kPreference};
  Dataset d;
  Status st = lifecycle()->CreateDataset(request, &d);
  EXPECT_EQ(st.code(), Status::Code::kRuleViolation) << st.ToString();
  EXPECT_EQ(st.message(), "The filter matches no feedback");
  std::vector<Dataset> all;
  int64_t total = -1;
  ASSERT_OK(store()->ListDatasets(0, 20, &all, &total));
  EXPECT_EQ(total, 0);
}

TEST_F(DatasetTest, FilterSemantics) {
  AdapterCreate ac{.name = "lofi"};
  Adapter adapter;
  ASSERT_OK(lifecycle()->CreateAdapter(ac, &adapter));
  auto base = Samples(2);
  auto styled = Samples(2, adapter.id);
  AddFeedback(base[0], 1, {"calm"});
  const std::string r3 = AddFeedback(base[1], 3, {"calm", "warm"});
  const std::string r5 = AddFeedback(styled[0], 5, {"warm", "noisy"});
  AddFeedback(styled[1], std::nullopt, {"calm"});             // tags only: in neither type
  AddFeedback(styled[0], std::nullopt, {"calm"}, styled[1]);  // a preference, unrated
  AddFeedback(base[0], 4, {}, base[1]);                       // rated and a preference: in both

  // How many records the filter selects; creation takes exactly what the preview counts.
  auto members = [&](DatasetType type, const DatasetFilter& f) {
    const int64_t preview = Preview(type, f);
    const Dataset d = Create(type, f);
    EXPECT_EQ(d.sample_count, preview);
    EXPECT_EQ(static_cast<int64_t>(MemberIds(d.id).size()), preview);
    return preview;
  };
  // Supervised takes rated records (whatever else they carry); preference those with preferred_over.
  EXPECT_EQ(members(DatasetType::kSupervised, {}), 4);
  EXPECT_EQ(members(DatasetType::kPreference, {}), 2);
  EXPECT_EQ(members(DatasetType::kSupervised, {.min_rating = 3}), 3);
  EXPECT_EQ(members(DatasetType::kSupervised, {.min_rating = 2, .max_rating = 4}), 2);
  // Required: all of them; excluded: none of them.
  EXPECT_EQ(members(DatasetType::kSupervised, {.required_tags = {"calm"}}), 2);
  EXPECT_EQ(members(DatasetType::kSupervised, {.required_tags = {"calm", "warm"}}), 1);
  EXPECT_EQ(members(DatasetType::kSupervised, {.excluded_tags = {"noisy"}}), 3);
  EXPECT_EQ(members(DatasetType::kSupervised, {.excluded_tags = {"noisy", "calm"}}), 1) << "only the untagged one";
  EXPECT_EQ(members(DatasetType::kSupervised, {.required_tags = {"warm"}, .excluded_tags = {"noisy"}}), 1);
  // The rated sample's adapter.
  EXPECT_EQ(members(DatasetType::kSupervised, {.adapter_id = adapter.id}), 1);
  EXPECT_EQ(members(DatasetType::kPreference, {.adapter_id = adapter.id}), 1);
  // Dates on the feedback's created_at, both ends included.
  Feedback first, last;
  ASSERT_OK(store()->GetFeedback(r3, &first));
  ASSERT_OK(store()->GetFeedback(r5, &last));
  EXPECT_EQ(members(DatasetType::kSupervised, {.start_date = first.created_at, .end_date = last.created_at}), 2);
}

TEST_F(DatasetTest, EveryFeedbackDeleteRemovesMembershipAndLowersTheCount) {
  auto s = Samples(3);
  auto other = Samples(2);
  std::vector<std::string> fb;
  for (const auto& id : s) fb.push_back(AddFeedback(id, 4));
  const std::string on_other = AddFeedback(other[0], 3);
  AddFeedback(other[1], 5, {}, s[0]);  // preferred_over a sample of the job: its cascade takes it
  Dataset d = Create(DatasetType::kSupervised, {}, "all");
  Dataset p = Create(DatasetType::kPreference, {}, "prefs");
  ASSERT_EQ(d.sample_count, 5);
  ASSERT_EQ(p.sample_count, 1);

  // Direct delete; the preview said which dataset changes.
  std::vector<DatasetImpact> impact;
  ASSERT_OK(lifecycle()->PreviewFeedbackDelete(fb[2], &impact));
  ASSERT_EQ(impact.size(), 1u);
  EXPECT_EQ(impact[0].id, d.id);
  EXPECT_EQ(impact[0].name, "all");
  EXPECT_EQ(impact[0].members_removed, 1);
  ASSERT_OK(lifecycle()->DeleteFeedback(fb[2]));
  EXPECT_EQ(SampleCount(d.id), 4);
  EXPECT_EQ(MemberIds(d.id).size(), 4u);

  // Bulk delete (its dry run names the dataset and changes nothing).
  BulkFeedbackDelete bulk{.ids = IdList{on_other}, .dry_run = true};
  int64_t deleted = 0;
  ASSERT_OK(lifecycle()->BulkDeleteFeedback(bulk, &deleted, {}, &impact));
  EXPECT_EQ(deleted, 1);
  ASSERT_EQ(impact.size(), 1u);
  EXPECT_EQ(impact[0].members_removed, 1);
  EXPECT_EQ(SampleCount(d.id), 4);
  bulk.dry_run = false;
  ASSERT_OK(lifecycle()->BulkDeleteFeedback(bulk, &deleted));
  EXPECT_EQ(SampleCount(d.id), 3);

  // A job's cascade: its own samples' records and the one preferring over its sample.
  AudioSample sample;
  ASSERT_OK(store()->GetAudioSample(s[0], Visibility::kLive, &sample));
  JobDeletePreview preview;
  ASSERT_OK(lifecycle()->PreviewJobDelete(sample.job_id, &preview));
  ASSERT_EQ(preview.datasets_affected.size(), 2u);
  EXPECT_EQ(preview.datasets_affected[0].name, "all");
  EXPECT_EQ(preview.datasets_affected[0].members_removed, 3) << "fb[0], fb[1] and the one preferring over s[0]";
  EXPECT_EQ(preview.datasets_affected[1].name, "prefs");
  EXPECT_EQ(preview.datasets_affected[1].members_removed, 1);
  BulkJobDeleteResult dry;
  ASSERT_OK(lifecycle()->BulkDeleteJobs(BulkJobDelete{.ids = IdList{sample.job_id}, .dry_run = true}, &dry));
  ASSERT_EQ(dry.datasets_affected.size(), 2u);
  EXPECT_EQ(dry.datasets_affected[0].members_removed, 3);
  EXPECT_EQ(SampleCount(d.id), 3) << "a dry run changes nothing";
  int64_t feedback_deleted = 0;
  ASSERT_OK(lifecycle()->DeleteJob(sample.job_id, &feedback_deleted));
  EXPECT_EQ(feedback_deleted, 3);
  EXPECT_EQ(SampleCount(d.id), 0);
  EXPECT_TRUE(MemberIds(d.id).empty());
  EXPECT_EQ(SampleCount(p.id), 0);
}

TEST_F(DatasetTest, ARolledBackJobDeleteLeavesMembersAndCount) {
  auto s = Samples(2);
  for (const auto& id : s) AddFeedback(id, 4);
  Dataset d = Create(DatasetType::kSupervised);
  AudioSample sample;
  ASSERT_OK(store()->GetAudioSample(s[0], Visibility::kLive, &sample));
  // A real fault at the very end of the delete: its audit event cannot be written.
  if (pg_database_) {
    ASSERT_OK(ExecSql("CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                      "RAISE EXCEPTION 'injected fault'; END $$; "
                      "CREATE TRIGGER inject BEFORE INSERT ON audit_events FOR EACH ROW "
                      "EXECUTE FUNCTION fail_audit();"));
  } else {
    ASSERT_OK(ExecSql("CREATE TRIGGER inject BEFORE INSERT ON audit_events "
                      "BEGIN SELECT RAISE(ABORT, 'injected fault'); END;"));
  }
  int64_t n = 0;
  EXPECT_FALSE(lifecycle()->DeleteJob(sample.job_id, &n).ok());
  EXPECT_EQ(SampleCount(d.id), 2);
  EXPECT_EQ(MemberIds(d.id).size(), 2u);
}

TEST_F(DatasetTest, DeleteRestoreAndPurge) {
  auto s = Samples(2);
  for (const auto& id : s) AddFeedback(id, 4);
  Dataset d = Create(DatasetType::kSupervised, {}, "keep");
  Dataset gone = Create(DatasetType::kSupervised, {}, "gone");
  ASSERT_OK(lifecycle()->DeleteDataset(d.id));
  EXPECT_EQ(lifecycle()->DeleteDataset(d.id).code(), Status::Code::kNotFound) << "a second delete";
  Dataset read;
  EXPECT_EQ(store()->GetDataset(d.id, Visibility::kLive, &read).code(), Status::Code::kNotFound);
  std::vector<Dataset> list;
  int64_t total = 0;
  ASSERT_OK(store()->ListDatasets(0, 20, &list, &total));
  EXPECT_EQ(total, 1);
  ASSERT_OK(store()->ListTrashedDatasets(0, 20, &list, &total));
  ASSERT_EQ(total, 1);
  EXPECT_EQ(list[0].id, d.id);
  EXPECT_TRUE(list[0].deleted_at.has_value());
  // A delete while trashed still takes the member away.
  std::vector<Feedback> fb;
  int64_t fb_total = 0;
  ASSERT_OK(store()->ListFeedback(FeedbackQuery{.audio_id = s[0]}, &fb, &fb_total));
  ASSERT_OK(lifecycle()->DeleteFeedback(fb[0].id));
  Dataset restored;
  ASSERT_OK(lifecycle()->RestoreDataset(d.id, &restored));
  EXPECT_FALSE(restored.deleted_at.has_value());
  EXPECT_EQ(restored.sample_count, 1);
  EXPECT_EQ(MemberIds(d.id).size(), 1u);
  EXPECT_EQ(lifecycle()->RestoreDataset(d.id, &restored).code(), Status::Code::kNotFound);

  // Purge: a live dataset named is refused and nothing changes; a trashed one goes with its members.
  PurgeResult r;
  EXPECT_EQ(lifecycle()->Purge(PurgeRequest{.kind = TrashKind::kDatasets, .ids = IdList{gone.id}}, &r).code(),
            Status::Code::kNotFound);
  ASSERT_OK(lifecycle()->DeleteDataset(gone.id));
  ASSERT_OK(lifecycle()->Purge(PurgeRequest{.kind = TrashKind::kDatasets, .ids = IdList{gone.id}, .dry_run = true}, &r));
  EXPECT_EQ(r.datasets, 1);
  ASSERT_OK(store()->GetDataset(gone.id, Visibility::kIncludeDeleted, &read)) << "a dry run keeps it";
  ASSERT_OK(lifecycle()->Purge(PurgeRequest{.kind = TrashKind::kDatasets, .ids = IdList{gone.id}}, &r));
  EXPECT_EQ(r.datasets, 1);
  EXPECT_EQ(store()->GetDataset(gone.id, Visibility::kIncludeDeleted, &read).code(), Status::Code::kNotFound);
  EXPECT_TRUE(MemberIds(gone.id).empty()) << "its members went by cascade";
  EXPECT_EQ(MemberIds(d.id).size(), 1u) << "the other dataset keeps its own";
  // Audit: delete, restore, delete, purge of datasets.
  std::vector<AuditEvent> events;
  int64_t n = 0;
  ASSERT_OK(store()->ListAuditEvents(AuditQuery{.entity = "dataset"}, &events, &n));
  std::vector<std::string> actions;
  for (const auto& e : events) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"purge", "delete", "restore", "delete"}));
}

TEST_F(DatasetTest, StatsOnAHandBuiltSet) {
  AdapterCreate ac{.name = "warm"};
  Adapter adapter;
  ASSERT_OK(lifecycle()->CreateAdapter(ac, &adapter));
  auto x = Samples(2, std::nullopt, "first prompt");
  auto y = Samples(1, adapter.id, "second prompt");
  // Ratings of x[0]: 5, 4, 2 -> pairs (5,4) within one, (5,2) and (4,2) not: 1/3.
  AddFeedback(x[0], 5, {"calm"});
  AddFeedback(x[0], 4, {"calm", "warm"});
  AddFeedback(x[0], 2);
  AddFeedback(x[1], 3, {"warm"});  // one rating only: no pair
  AddFeedback(y[0], 1);
  Dataset d = Create(DatasetType::kSupervised);
  DatasetStats s;
  ASSERT_OK(store()->GetDatasetStats(d.id, &s));
  EXPECT_EQ(s.sample_count, 5);
  EXPECT_EQ(std::vector<int64_t>(s.rating_distribution, s.rating_distribution + 5),
            (std::vector<int64_t>{1, 1, 1, 1, 1}));
  EXPECT_EQ(s.unique_prompts, 2);
  EXPECT_EQ(s.unique_adapters, 1) << "the base engine is not an adapter";
  EXPECT_EQ(s.tag_frequency, (std::vector<std::pair<std::string, int64_t>>{{"calm", 2}, {"warm", 2}}));
  ASSERT_TRUE(s.inter_rater_agreement.has_value());
  EXPECT_DOUBLE_EQ(*s.inter_rater_agreement, 1.0 / 3);
  EXPECT_FALSE(s.preference_consistency.has_value()) << "no preferences";

  // Preferences: (a over b) x2 and (b over a) x1 -> 2/3; (a over c) once: not counted.
  auto z = Samples(3, std::nullopt, "third prompt");
  AddFeedback(z[0], std::nullopt, {}, z[1]);
  AddFeedback(z[0], std::nullopt, {}, z[1]);
  AddFeedback(z[1], std::nullopt, {}, z[0]);
  AddFeedback(z[0], std::nullopt, {}, z[2]);
  Dataset p = Create(DatasetType::kPreference);
  ASSERT_OK(store()->GetDatasetStats(p.id, &s));
  EXPECT_EQ(s.sample_count, 4);
  ASSERT_TRUE(s.preference_consistency.has_value());
  EXPECT_DOUBLE_EQ(*s.preference_consistency, 2.0 / 3);
  EXPECT_FALSE(s.inter_rater_agreement.has_value());
}

TEST_F(DatasetTest, MembersCarryWhatExportAndTrainingNeed) {
  AdapterCreate ac{.name = "bright"};
  Adapter adapter;
  ASSERT_OK(lifecycle()->CreateAdapter(ac, &adapter));
  Job job = Submit(NewPrompt("sunny ukulele"), 2, adapter.id);
  Job claimed;
  ASSERT_OK(lifecycle()->ClaimJob("w", &claimed));
  std::vector<std::string> ids;
  for (int i = 0; i < 2; ++i) {
    StagedSample staged;
    ASSERT_OK(lifecycle()->StageSample(claimed, i, 1, 44100, FakeWav("RIFF"), &staged));
    if (i == 0) staged.sample.style_json = R"({"tempo_bpm":82.0,"mode":"minor"})";
    ASSERT_OK(lifecycle()->CommitSample(claimed, "w", staged));
    ids.push_back(staged.sample.id);
  }
  ASSERT_OK(lifecycle()->FinishJob(claimed, "w", true, std::nullopt));
  AudioSample read;
  ASSERT_OK(store()->GetAudioSample(ids[0], Visibility::kLive, &read));
  EXPECT_EQ(read.style_json, R"({"tempo_bpm":82.0,"mode":"minor"})");
  ASSERT_OK(store()->GetAudioSample(ids[1], Visibility::kLive, &read));
  EXPECT_FALSE(read.style_json.has_value()) << "a sample without style features";

  const std::string f = AddFeedback(ids[0], 4, {"sunny"}, ids[1]);
  Dataset d = Create(DatasetType::kPreference);
  std::vector<DatasetMember> members;
  ASSERT_OK(store()->ListDatasetMembers(d.id, "", 10, &members));
  ASSERT_EQ(members.size(), 1u);
  const DatasetMember& m = members[0];
  EXPECT_EQ(m.feedback.id, f);
  EXPECT_EQ(m.feedback.tags, std::vector<std::string>{"sunny"});
  EXPECT_EQ(m.prompt_text, "sunny ukulele");
  EXPECT_EQ(m.prompt_id, job.prompt_id);
  EXPECT_EQ(m.params.seed, job.params.seed);
  EXPECT_EQ(m.sample.audio_id, ids[0]);
  EXPECT_EQ(m.sample.style_json, R"({"tempo_bpm":82.0,"mode":"minor"})");
  EXPECT_EQ(m.sample.adapter_id, adapter.id);
  EXPECT_EQ(m.sample.adapter_name, "bright");
  EXPECT_FALSE(m.sample.storage_path.empty());
  ASSERT_TRUE(m.rejected.has_value());
  EXPECT_EQ(m.rejected->audio_id, ids[1]);
  EXPECT_FALSE(m.rejected->style_json.has_value());
  EXPECT_EQ(m.rejected->adapter_id, adapter.id);
}

TEST_F(DatasetTest, MembersPageInFeedbackIdOrder) {
  auto s = Samples(4);
  std::vector<std::string> fb;
  for (int round = 0; round < 3; ++round)
    for (const auto& id : s) fb.push_back(AddFeedback(id, 1 + round));
  Dataset d = Create(DatasetType::kSupervised);
  ASSERT_EQ(d.sample_count, 12);
  const auto paged = MemberIds(d.id, 5);
  EXPECT_EQ(paged, Sorted(fb)) << "pages of 5: every member once, in id order";
}

}  // namespace
}  // namespace studio::testing
