// Every read of live rows is served by an index: EXPLAIN QUERY PLAN of the
// statements behind the job list, job get, adapter list, stats, the queue
// claim and the delete cascade shows no full scan of a table.
#include <set>

#include "store/store_fixture.h"
#include "support/status_matchers.h"

namespace studio::testing {
namespace {

class QueryPlanTest : public StoreFixture,
                      public ::testing::WithParamInterface<const char*> {};

TEST_P(QueryPlanTest, UsesAnIndexNeverAFullScan) {
  if (OnPostgres()) {
    GTEST_SKIP() << "PostgreSQL's planner picks indexes only at realistic sizes: its plans are "
                    "checked on 100k jobs by unit.PostgresStoreTest.LiveReadsUseAnIndexAt100kJobs";
  }
  // Some rows, and fresh statistics, so the planner decides as in production.
  std::string prompt = NewPrompt();
  for (int i = 0; i < 30; ++i) Submit(prompt, 1);
  std::vector<std::string> lines;
  Status s = ExplainSqliteQuery(store(), GetParam(), &lines);
  ASSERT_OK(s);
  ASSERT_FALSE(lines.empty());
  std::string plan;
  for (const auto& l : lines) plan += "  " + l + "\n";
  // A co-routine is a subquery's own result (here: one job's few samples),
  // not a table; scanning it is fine.
  std::set<std::string> coroutines;
  for (const auto& line : lines) {
    if (line.rfind("CO-ROUTINE ", 0) == 0) coroutines.insert(line.substr(11));
    if (line.rfind("MATERIALIZE ", 0) == 0) coroutines.insert(line.substr(12));  // a CTE's own rows
  }
  for (const auto& line : lines) {
    // "SCAN t" without "USING ... INDEX" reads every row of t. The five-row
    // job_counters table, the fixed set of metrics_counters rows, the one
    // row per adapter of adapter_feedback_counts and json_each are not
    // tables that grow with jobs or feedback.
    bool full_scan = line.rfind("SCAN ", 0) == 0 && line.find("USING") == std::string::npos &&
                     line.find("job_counters") == std::string::npos &&
                     line.find("metrics_counters") == std::string::npos &&
                     line.find("adapter_feedback_counts") == std::string::npos &&
                     line.find("json_each") == std::string::npos &&
                     !coroutines.count(line.substr(5));
    EXPECT_FALSE(full_scan) << GetParam() << " scans a whole table:\n" << plan;
  }
}

INSTANTIATE_TEST_SUITE_P(LiveReads, QueryPlanTest,
                         ::testing::Values("get_job", "list_jobs", "list_jobs_by_status",
                                           "list_jobs_by_adapter", "count_jobs_by_adapter",
                                           "jobs_today", "list_adapters", "adapter_stats",
                                           "claim_job", "requeue_processing", "delete_feedback_touching_job",
                                           "get_audio", "list_trashed_jobs", "count_trashed_jobs",
                                           "purge_candidates", "list_trashed_adapters", "list_audit",
                                           "mark_jobs_deleted", "list_datasets", "list_trashed_datasets",
                                           "dataset_members", "datasets_affected_by_feedback",
                                           "datasets_affected_by_jobs", "metrics_counters", "feedback_by_adapter",
                                           "job_list_version"));

}  // namespace
}  // namespace studio::testing
