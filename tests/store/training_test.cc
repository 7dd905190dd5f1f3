// SPEC section 8's training rules at the lifecycle level, on a real SQLite
// file or PostgreSQL database: experiments and runs (the runs' queue with
// its claims, cancellation, deletion and leases; one adapter per run at
// most), adapter versions and the timeline, and their audit events. The
// worker and the trainer are exercised end to end by the black-box suite.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/metrics.h"
#include "store_fixture.h"

namespace studio::testing {
namespace {

using json = nlohmann::json;

class TrainingTest : public StoreFixture {
 protected:
  // A finished one-sample job whose sample carries `style_json`, rated `rating`.
  std::string RatedSample(const std::string& style_json, int rating) {
    Job job = Submit(NewPrompt(), 1);
    Job claimed;
    EXPECT_OK(lifecycle()->ClaimJob("w", &claimed));
    StagedSample staged;
    EXPECT_OK(lifecycle()->StageSample(claimed, 0, 1, 44100, FakeWav("RIFF fake"), &staged));
    staged.sample.style_json = style_json;
    EXPECT_OK(lifecycle()->CommitSample(claimed, "w", staged));
    EXPECT_OK(lifecycle()->FinishJob(claimed, "w", true, std::nullopt));
    AddRating(staged.sample.id, rating);
    return staged.sample.id;
  }

  Dataset NewDataset() {
    for (int i = 0; i < 3; ++i) RatedSample(R"({"tempo_bpm":100,"note_density":1})", 3 + i % 2);
    DatasetCreate request;
    request.name = "ratings";
    request.type = DatasetType::kSupervised;
    Dataset d;
    EXPECT_OK(lifecycle()->CreateDataset(request, &d));
    return d;
  }

  Experiment NewExperiment(const std::string& dataset_id, const std::string& config = "{}") {
    ExperimentCreate request;
    request.name = "slower";
    request.dataset_id = dataset_id;
    request.config_json = config;
    Experiment e;
    EXPECT_OK(lifecycle()->CreateExperiment(request, &e));
    return e;
  }

  TrainingRun NewRun(const std::string& experiment_id, const std::string& config = "{}") {
    RunCreate request;
    request.config_json = config;
    TrainingRun r;
    EXPECT_OK(lifecycle()->StartRun(experiment_id, request, &r));
    return r;
  }

  RunOutcome Learned(const std::string& config) {
    RunOutcome o;
    o.succeeded = true;
    o.metrics_json = R"({"heldout_accuracy":0.9})";
    o.final_loss = 0.25;
    o.explanation = "listeners preferred slower tempo";
    o.learned_config_json = config;
    o.member_count = 3;
    o.data_hash = "00112233aabbccdd";
    return o;
  }

  int64_t LiveAdapters() {
    std::vector<Adapter> list;
    int64_t total = 0;
    EXPECT_OK(store()->ListAdapters(AdapterQuery{}, &list, &total));
    return total;
  }

  std::vector<AuditEvent> EventsFor(const std::string& entity_id) {
    std::vector<AuditEvent> events;
    EXPECT_OK(store()->ListAuditEventsFor(entity_id, 100, &events));
    return events;
  }
};

TEST_F(TrainingTest, AFinishedRunCreatesOneActiveAdapterWithItsLineage) {
  Dataset d = NewDataset();
  Experiment e = NewExperiment(d.id);
  TrainingRun queued = NewRun(e.id);
  EXPECT_EQ(queued.status, RunStatus::kQueued);
  TrainingRun run;
  ASSERT_OK(lifecycle()->ClaimRun("w1", &run));
  EXPECT_EQ(run.status, RunStatus::kRunning);
  TrainingInputs inputs;
  ASSERT_OK(lifecycle()->PrepareTraining(run, &inputs));
  EXPECT_EQ(inputs.members.size(), 3u);
  ASSERT_OK(lifecycle()->AppendRunLog(run, "w1", "step 1"));
  ASSERT_OK(lifecycle()->FinishRun(run, "w1", Learned(R"({"tempo_scale":0.9})")));

  TrainingRun done;
  ASSERT_OK(store()->GetRun(run.id, &done));
  EXPECT_EQ(done.status, RunStatus::kCompleted);
  ASSERT_TRUE(done.adapter_id.has_value());
  EXPECT_EQ(done.member_count, 3);
  EXPECT_EQ(done.data_hash, "00112233aabbccdd");
  Adapter a;
  ASSERT_OK(store()->GetAdapter(*done.adapter_id, Visibility::kLive, &a));
  EXPECT_TRUE(a.is_active);
  EXPECT_EQ(json::parse(a.config_json), json::parse(R"({"tempo_scale":0.9})"));
  EXPECT_EQ(a.current_version, "1");
  std::vector<AdapterVersion> versions;
  ASSERT_OK(store()->ListAdapterVersions(a.id, &versions));
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(versions[0].source, VersionSource::kTraining);
  EXPECT_EQ(versions[0].run_id, run.id);
  EXPECT_EQ(versions[0].dataset_id, d.id);
  EXPECT_EQ(versions[0].member_count, 3);

  // A second finish of the same run changes nothing and creates nothing.
  const int64_t adapters = LiveAdapters();
  EXPECT_TRUE(lifecycle()->FinishRun(run, "w1", Learned("{}")).IsCancelled());
  EXPECT_EQ(LiveAdapters(), adapters);
  std::vector<RunLogLine> lines;
  ASSERT_OK(store()->ListRunLogs(run.id, 0, 100, &lines));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].message, "step 1");
}

TEST_F(TrainingTest, ARunDeletedWhileTrainingCreatesNothingAndStops) {
  Experiment e = NewExperiment(NewDataset().id);
  NewRun(e.id);
  TrainingRun run;
  ASSERT_OK(lifecycle()->ClaimRun("w1", &run));
  const int64_t adapters = LiveAdapters();
  ASSERT_OK(lifecycle()->DeleteRun(e.id, run.id));
  EXPECT_TRUE(lifecycle()->ReportRunProgress(run, "w1", 0.5).IsCancelled());
  EXPECT_TRUE(lifecycle()->AppendRunLog(run, "w1", "late").IsCancelled());
  EXPECT_TRUE(lifecycle()->FinishRun(run, "w1", Learned(R"({"tempo_scale":0.9})")).IsCancelled());
  EXPECT_EQ(LiveAdapters(), adapters);
  TrainingRun gone;
  EXPECT_TRUE(store()->GetRun(run.id, &gone).IsNotFound());
  std::vector<RunLogLine> lines;
  ASSERT_OK(store()->ListRunLogs(run.id, 0, 100, &lines));
  EXPECT_TRUE(lines.empty());
  ASSERT_FALSE(EventsFor(run.id).empty());
  EXPECT_EQ(EventsFor(run.id).back().action, "delete");
}

TEST_F(TrainingTest, AWorkerWhoseLeaseRanOutCannotFinishTheRunItLost) {
  ManualClockEnv clock;
  Open(std::nullopt, &clock);
  Experiment e = NewExperiment(NewDataset().id);
  NewRun(e.id);
  TrainingRun first;
  ASSERT_OK(lifecycle()->ClaimRun("dead", &first));
  TrainingRun none;
  EXPECT_TRUE(lifecycle()->ClaimRun("w2", &none).IsNotFound()) << "claimed while leased";
  clock.AdvanceSeconds(lifecycle()->options().lease_seconds + 1);
  TrainingRun second;
  ASSERT_OK(lifecycle()->ClaimRun("w2", &second));
  EXPECT_EQ(second.id, first.id);
  const int64_t adapters = LiveAdapters();
  EXPECT_TRUE(lifecycle()->FinishRun(first, "dead", Learned(R"({"tempo_scale":0.8})")).IsCancelled());
  ASSERT_OK(lifecycle()->FinishRun(second, "w2", Learned(R"({"tempo_scale":0.9})")));
  EXPECT_EQ(LiveAdapters(), adapters + 1) << "exactly one adapter from one run";
}

TEST_F(TrainingTest, DeletingAnExperimentCancelsItsRunsAndKeepsItsAdapters) {
  Experiment e = NewExperiment(NewDataset().id);
  NewRun(e.id);
  TrainingRun trained;
  ASSERT_OK(lifecycle()->ClaimRun("w", &trained));
  ASSERT_OK(lifecycle()->FinishRun(trained, "w", Learned(R"({"note_density":0.8})")));
  ASSERT_OK(store()->GetRun(trained.id, &trained));
  TrainingRun waiting = NewRun(e.id);

  ASSERT_OK(lifecycle()->DeleteExperiment(e.id));
  Experiment gone;
  EXPECT_TRUE(store()->GetExperiment(e.id, Visibility::kLive, &gone).IsNotFound());
  TrainingRun none;
  EXPECT_TRUE(lifecycle()->ClaimRun("w", &none).IsNotFound()) << "a deleted experiment's run was claimed";
  Adapter a;
  EXPECT_OK(store()->GetAdapter(*trained.adapter_id, Visibility::kLive, &a)) << "its adapter must stay";

  Experiment back;
  ASSERT_OK(lifecycle()->RestoreExperiment(e.id, &back));
  ASSERT_OK(store()->GetRun(waiting.id, &waiting));
  EXPECT_EQ(waiting.status, RunStatus::kCancelled) << "a restore brings runs back cancelled, never queued";
  EXPECT_EQ(back.run_count, 2);
  EXPECT_TRUE(back.best_run_id.has_value());
}

TEST_F(TrainingTest, ARunOnADeletedDatasetIsRefusedAndShowsDeletedDataset) {
  Dataset d = NewDataset();
  Experiment e = NewExperiment(d.id);
  ASSERT_OK(lifecycle()->DeleteDataset(d.id));
  RunCreate request;
  TrainingRun r;
  Status s = lifecycle()->StartRun(e.id, request, &r);
  EXPECT_EQ(s.code(), Status::Code::kRuleViolation) << s.ToString();
  EXPECT_EQ(s.message(), "Cannot train on a deleted dataset");
  Experiment now;
  ASSERT_OK(store()->GetExperiment(e.id, Visibility::kLive, &now));
  EXPECT_TRUE(now.dataset_deleted);
  EXPECT_EQ(now.run_count, 0);

  ExperimentCreate on_deleted{.name = "x", .dataset_id = d.id};
  Experiment refused;
  EXPECT_EQ(lifecycle()->CreateExperiment(on_deleted, &refused).code(), Status::Code::kRuleViolation);
}

TEST_F(TrainingTest, ARunQueuedBeforeItsDatasetWasDeletedFailsWithoutAnAdapter) {
  Dataset d = NewDataset();
  Experiment e = NewExperiment(d.id);
  NewRun(e.id);
  ASSERT_OK(lifecycle()->DeleteDataset(d.id));
  TrainingRun run;
  ASSERT_OK(lifecycle()->ClaimRun("w", &run));
  TrainingInputs inputs;
  Status s = lifecycle()->PrepareTraining(run, &inputs);
  EXPECT_EQ(s.code(), Status::Code::kRuleViolation) << s.ToString();
}

TEST_F(TrainingTest, AVersionOfRunAddsAVersionInsteadOfAnAdapter) {
  AdapterCreate create{.name = "lofi", .config_json = R"({"swing":0.2})"};
  Adapter a;
  ASSERT_OK(lifecycle()->CreateAdapter(create, &a));
  Experiment e = NewExperiment(NewDataset().id, json{{"version_of", a.id}}.dump());
  NewRun(e.id);
  TrainingRun run;
  ASSERT_OK(lifecycle()->ClaimRun("w", &run));
  const int64_t adapters = LiveAdapters();
  ASSERT_OK(lifecycle()->FinishRun(run, "w", Learned(R"({"swing":0.3})")));
  EXPECT_EQ(LiveAdapters(), adapters);
  Adapter now;
  ASSERT_OK(store()->GetAdapter(a.id, Visibility::kLive, &now));
  EXPECT_EQ(now.current_version, "2");
  EXPECT_EQ(json::parse(now.config_json), json::parse(R"({"swing":0.3})"));
  ASSERT_OK(store()->GetRun(run.id, &run));
  EXPECT_EQ(run.adapter_id, a.id);
}

TEST_F(TrainingTest, VersionsAreNumberedMadeCurrentAndActivatedBack) {
  Adapter a;
  ASSERT_OK(lifecycle()->CreateAdapter(AdapterCreate{.name = "house", .config_json = R"({"swing":0.1})"}, &a));
  EXPECT_EQ(a.current_version, "1");
  AdapterVersion v2;
  ASSERT_OK(lifecycle()->CreateAdapterVersion(a.id, VersionCreate{.config_json = R"({"swing":0.25})"}, &v2));
  EXPECT_EQ(v2.version, "2");
  AdapterVersion named;
  ASSERT_OK(lifecycle()->CreateAdapterVersion(a.id, VersionCreate{.version = "summer"}, &named));
  EXPECT_EQ(json::parse(named.config_json), json::parse(R"({"swing":0.25})")) << "defaults to the current config";
  AdapterVersion clash;
  Status s = lifecycle()->CreateAdapterVersion(a.id, VersionCreate{.version = "summer"}, &clash);
  EXPECT_EQ(s.code(), Status::Code::kConflict) << s.ToString();

  // A PATCH of the config is a version too.
  AdapterPatch patch;
  patch.config_json = R"({"swing":0.4})";
  Adapter patched;
  ASSERT_OK(lifecycle()->UpdateAdapter(a.id, patch, &patched));
  EXPECT_EQ(patched.current_version, "4");

  std::vector<AdapterVersion> versions;
  ASSERT_OK(store()->ListAdapterVersions(a.id, &versions));
  ASSERT_EQ(versions.size(), 4u);
  Adapter back;
  ASSERT_OK(lifecycle()->ActivateAdapterVersion(a.id, versions[0].id, &back));
  EXPECT_EQ(back.current_version, "1");
  EXPECT_EQ(json::parse(back.config_json), json::parse(R"({"swing":0.1})"));
  EXPECT_EQ(back.storage_path, versions[0].storage_path) << "rendering reads the version's own style file";

  AdapterTimeline t;
  ASSERT_OK(lifecycle()->GetAdapterTimeline(a.id, &t));
  EXPECT_EQ(t.total_versions, 4);
  std::vector<std::string> types;
  for (const auto& ev : t.events) types.push_back(ev.type);
  EXPECT_EQ(types, (std::vector<std::string>{"created", "version", "version", "version", "version", "activated"}));
  int64_t total = 0;
  ASSERT_OK(store()->CountAdapterVersions(&total));
  EXPECT_EQ(total, 4);
  ASSERT_OK(lifecycle()->DeleteAdapter(a.id));
  ASSERT_OK(store()->CountAdapterVersions(&total));
  EXPECT_EQ(total, 0) << "versions of deleted adapters are not counted";
}

TEST_F(TrainingTest, AVersionOfAnUnknownOrDeletedAdapterIsNotFound) {
  Adapter a;
  ASSERT_OK(lifecycle()->CreateAdapter(AdapterCreate{.name = "gone"}, &a));
  ASSERT_OK(lifecycle()->DeleteAdapter(a.id));
  AdapterVersion v;
  EXPECT_TRUE(lifecycle()->CreateAdapterVersion(a.id, VersionCreate{}, &v).IsNotFound());
  Adapter out;
  EXPECT_TRUE(lifecycle()->ActivateAdapterVersion(a.id, a.id, &out).IsNotFound());
}

TEST_F(TrainingTest, EveryChangeWritesOneAuditEvent) {
  Dataset d = NewDataset();
  Experiment e = NewExperiment(d.id);
  TrainingRun r = NewRun(e.id);
  ExperimentPatch patch;
  patch.name = "renamed";
  Experiment renamed;
  ASSERT_OK(lifecycle()->UpdateExperiment(e.id, patch, &renamed));
  EXPECT_EQ(renamed.name, "renamed");
  ASSERT_OK(lifecycle()->DeleteRun(e.id, r.id));
  ASSERT_OK(lifecycle()->DeleteExperiment(e.id));
  Experiment back;
  ASSERT_OK(lifecycle()->RestoreExperiment(e.id, &back));
  std::vector<std::string> actions;
  for (const auto& ev : EventsFor(e.id)) actions.push_back(ev.entity + ":" + ev.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"experiment:create", "experiment:update", "experiment:delete",
                                               "experiment:restore"}));
  std::vector<std::string> run_actions;
  for (const auto& ev : EventsFor(r.id)) run_actions.push_back(ev.entity + ":" + ev.action);
  EXPECT_EQ(run_actions, (std::vector<std::string>{"training_run:create", "training_run:delete"}));
}

TEST_F(TrainingTest, AnExperimentNeedsAKnownDatasetAndAValidConfig) {
  ExperimentCreate unknown{.name = "x", .dataset_id = "0b1c2d3e-0000-4000-8000-00000000ffff"};
  Experiment e;
  EXPECT_TRUE(lifecycle()->CreateExperiment(unknown, &e).IsNotFound());
  Experiment real = NewExperiment(NewDataset().id);
  ExperimentPatch patch;
  patch.name = "x";
  Experiment out;
  EXPECT_TRUE(lifecycle()->UpdateExperiment("0b1c2d3e-0000-4000-8000-00000000fffe", patch, &out).IsNotFound());
  TrainingRun r;
  RunCreate bad_base;
  bad_base.config_json = R"({"base_adapter_id":"0b1c2d3e-0000-4000-8000-00000000fffd"})";
  EXPECT_EQ(lifecycle()->StartRun(real.id, bad_base, &r).code(), Status::Code::kInvalidArgument);
  Experiment now;
  ASSERT_OK(store()->GetExperiment(real.id, Visibility::kLive, &now));
  EXPECT_EQ(now.run_count, 0) << "a refused run leaves nothing behind";
}

TEST_F(TrainingTest, PurgingATrashedExperimentRemovesItsRunsAndLogs) {
  Experiment e = NewExperiment(NewDataset().id);
  NewRun(e.id);
  TrainingRun run;
  ASSERT_OK(lifecycle()->ClaimRun("w", &run));
  ASSERT_OK(lifecycle()->AppendRunLog(run, "w", "line"));
  ASSERT_OK(lifecycle()->FinishRun(run, "w", Learned(R"({"note_density":1.2})")));
  ASSERT_OK(store()->GetRun(run.id, &run));
  ASSERT_OK(lifecycle()->DeleteExperiment(e.id));
  IdList ids;
  ASSERT_OK(store()->SelectTrashedExperimentIds(std::nullopt, std::nullopt, 10, &ids));
  ASSERT_EQ(ids, IdList{e.id});
  int64_t experiments = 0, runs = 0;
  ASSERT_OK(store()->PurgeExperimentRows(ids, &experiments, &runs));
  EXPECT_EQ(experiments, 1);
  EXPECT_EQ(runs, 1);
  std::vector<RunLogLine> lines;
  ASSERT_OK(store()->ListRunLogs(run.id, 0, 10, &lines));
  EXPECT_TRUE(lines.empty());
  Adapter a;
  EXPECT_OK(store()->GetAdapter(*run.adapter_id, Visibility::kLive, &a)) << "trained adapters outlive the purge";
  std::vector<AdapterVersion> versions;
  ASSERT_OK(store()->ListAdapterVersions(a.id, &versions));
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(versions[0].run_id, run.id) << "lineage keeps the run's id";
}

TEST_F(TrainingTest, TheOverviewCountsLiveDatasetsAndTheRunsOfLiveExperiments) {
  auto counters = [&] {
    MetricsCounters c;
    EXPECT_OK(store()->GetMetricsCounters(&c));
    return c;
  };
  Dataset d = NewDataset();
  EXPECT_EQ(counters().datasets_live, 1);
  EXPECT_EQ(counters().datasets_exported, 0);
  Dataset exported;
  ASSERT_OK(lifecycle()->ExportDataset(d.id, ExportFormat::kJsonl, &exported));
  ASSERT_OK(lifecycle()->ExportDataset(d.id, ExportFormat::kCsv, &exported));
  EXPECT_EQ(counters().datasets_exported, 1) << "a dataset counts once, however often exported";

  Experiment e = NewExperiment(d.id);
  NewRun(e.id);
  TrainingRun second = NewRun(e.id);
  EXPECT_EQ(counters().runs_total, 2);
  EXPECT_EQ(counters().runs_running, 2);
  TrainingRun claimed;
  ASSERT_OK(lifecycle()->ClaimRun("w", &claimed));
  ASSERT_OK(lifecycle()->FinishRun(claimed, "w", Learned(R"({"note_density":0.7})")));
  EXPECT_EQ(counters().runs_running, 1);
  ASSERT_OK(lifecycle()->DeleteExperiment(e.id));
  EXPECT_EQ(counters().runs_total, 0) << "a trashed experiment's runs are not live";
  EXPECT_EQ(counters().runs_running, 0);
  Experiment back;
  ASSERT_OK(lifecycle()->RestoreExperiment(e.id, &back));
  EXPECT_EQ(counters().runs_total, 2);
  EXPECT_EQ(counters().runs_running, 0) << "its queued run came back cancelled";
  ASSERT_OK(lifecycle()->DeleteRun(e.id, second.id));
  EXPECT_EQ(counters().runs_total, 1);

  ASSERT_OK(lifecycle()->DeleteDataset(d.id));
  EXPECT_EQ(counters().datasets_live, 0);
  EXPECT_EQ(counters().datasets_exported, 0);
  Dataset restored;
  ASSERT_OK(lifecycle()->RestoreDataset(d.id, &restored));
  EXPECT_EQ(counters().datasets_live, 1);
  EXPECT_EQ(counters().datasets_exported, 1);
  ASSERT_OK(lifecycle()->DeleteDataset(d.id));
  int64_t purged = 0;
  ASSERT_OK(store()->PurgeDatasetRows({d.id}, &purged));
  EXPECT_EQ(purged, 1);
  EXPECT_EQ(counters().datasets_live, 0);
}

}  // namespace
}  // namespace studio::testing
