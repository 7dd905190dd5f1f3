// The trigger-kept metrics counters (migrations/*/0003_metrics_counters.sql,
// docs/FEEDBACK_LOOP_METRICS.md): after every kind of change they equal a
// full recount of the rows done here in plain SQL, and the migration's
// backfill gives the same on a database that already holds rows.
#include <libpq-fe.h>
#include <sqlite3.h>

#include <map>
#include <string>
#include <vector>

#include "store/store_fixture.h"
#include "support/status_matchers.h"

namespace studio::testing {
namespace {

using Rows = std::vector<std::vector<std::string>>;

class MetricsTest : public StoreFixture {
 protected:
  // Runs a query on the test database from outside the store; NULL reads as "".
  Rows Query(const std::string& sql) {
    Rows rows;
    if (pg_database_) {
      PGconn* c = PQconnectdb(pg_database_->url().c_str());
      PGresult* r = PQexec(c, sql.c_str());
      EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << sql << ": " << PQerrorMessage(c);
      for (int i = 0; i < PQntuples(r); ++i) {
        auto& row = rows.emplace_back();
        for (int j = 0; j < PQnfields(r); ++j) row.push_back(PQgetvalue(r, i, j));
      }
      PQclear(r);
      PQfinish(c);
      return rows;
    }
    sqlite3* db = nullptr;
    sqlite3_open((dir_ + "/studio.db").c_str(), &db);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql << ": " << sqlite3_errmsg(db);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
      auto& row = rows.emplace_back();
      for (int j = 0; j < sqlite3_column_count(st); ++j) {
        auto text = reinterpret_cast<const char*>(sqlite3_column_text(st, j));
        row.push_back(text ? text : "");
      }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rows;
  }
  int64_t Count(const std::string& sql) {
    Rows rows = Query(sql);
    return rows.empty() || rows[0].empty() || rows[0][0].empty() ? 0 : std::stoll(rows[0][0]);
  }

  // Every counter against a recount of the rows, and the per-adapter list
  // against a GROUP BY.
  void ExpectCountersMatchRecount(const std::string& after) {
    SCOPED_TRACE("after " + after);
    MetricsCounters c;
    ASSERT_OK(lifecycle()->GetMetricsCounters(&c));
    EXPECT_EQ(c.jobs_total, Count("SELECT COUNT(*) FROM live_jobs"));
    EXPECT_EQ(c.jobs_completed, Count("SELECT COUNT(*) FROM live_jobs WHERE status = 'completed'"));
    EXPECT_EQ(c.jobs_active, Count("SELECT COUNT(*) FROM live_jobs WHERE status IN ('queued', 'processing')"));
    EXPECT_EQ(c.live_samples, Count("SELECT COUNT(*) FROM live_audio_samples"));
    EXPECT_EQ(c.feedback_total, Count("SELECT COUNT(*) FROM feedback"));
    EXPECT_EQ(c.ratings_count, Count("SELECT COUNT(rating) FROM feedback"));
    EXPECT_EQ(c.ratings_sum, Count("SELECT COALESCE(SUM(rating), 0) FROM feedback"));
    for (int r = 1; r <= 5; ++r) {
      EXPECT_EQ(c.rating_distribution[r - 1],
                Count("SELECT COUNT(*) FROM feedback WHERE rating = " + std::to_string(r)))
          << "rating " << r;
    }
    EXPECT_EQ(c.preferences, Count("SELECT COUNT(preferred_over) FROM feedback"));
    EXPECT_EQ(c.tagged, Count("SELECT COUNT(*) FROM feedback WHERE tags <> '[]'"));
    EXPECT_EQ(c.rated_samples, Count("SELECT COUNT(DISTINCT f.audio_id) FROM feedback f "
                                     "JOIN live_audio_samples s ON s.id = f.audio_id WHERE f.rating IS NOT NULL"));
    EXPECT_EQ(c.pending_feedback(), Count("SELECT COUNT(*) FROM live_audio_samples s "
                                          "WHERE NOT EXISTS (SELECT 1 FROM feedback f WHERE f.audio_id = s.id)"));
    EXPECT_EQ(c.high_rated_samples, Count("SELECT COUNT(*) FROM (SELECT audio_id FROM feedback WHERE rating "
                                          "IS NOT NULL GROUP BY audio_id HAVING AVG(rating) >= 4) h"));
    EXPECT_EQ(c.adapters_live, Count("SELECT COUNT(*) FROM live_adapters"));
    EXPECT_EQ(c.adapters_active,
              Count("SELECT COALESCE(SUM(CASE WHEN is_active THEN 1 ELSE 0 END), 0) FROM live_adapters"));
    EXPECT_EQ(c.datasets_live + c.datasets_exported + c.runs_total + c.runs_running, 0);

    FeedbackSummary summary;
    ASSERT_OK(store()->GetFeedbackSummary(&summary));
    EXPECT_EQ(summary.total_feedback, c.feedback_total);
    EXPECT_EQ(summary.high_rated_samples, c.high_rated_samples);

    // adapter id ("" for the base engine) -> "count/ratings/sum/deleted"
    std::map<std::string, std::string> expected, got;
    for (const auto& row : Query("SELECT s.adapter_id, COUNT(*), COUNT(f.rating), COALESCE(SUM(f.rating), 0), "
                                 "MAX(CASE WHEN a.deleted_at IS NULL THEN 0 ELSE 1 END) "
                                 "FROM feedback f JOIN audio_samples s ON s.id = f.audio_id "
                                 "LEFT JOIN adapters a ON a.id = s.adapter_id GROUP BY s.adapter_id")) {
      expected[row[0]] = row[1] + "/" + row[2] + "/" + row[3] + "/" + (row[0].empty() ? "0" : row[4]);
    }
    std::vector<AdapterFeedbackCount> by_adapter;
    ASSERT_OK(lifecycle()->ListFeedbackByAdapter(&by_adapter));
    for (size_t i = 0; i < by_adapter.size(); ++i) {
      const auto& a = by_adapter[i];
      got[a.adapter_id.value_or("")] = std::to_string(a.feedback_count) + "/" + std::to_string(a.rating_count) +
                                       "/" + std::to_string(a.rating_sum) + "/" + (a.adapter_deleted ? "1" : "0");
      EXPECT_EQ(a.adapter_id.has_value(), a.adapter_name.has_value());
      if (i > 0) {
        EXPECT_GE(by_adapter[i - 1].feedback_count, a.feedback_count) << "most feedback first";
      }
    }
    EXPECT_EQ(got, expected);
  }

  std::string NewAdapter(const std::string& name, bool active = true) {
    Adapter a;
    AdapterCreate request;
    request.name = name;
    request.is_active = active;
    EXPECT_OK(lifecycle()->CreateAdapter(request, &a));
    return a.id;
  }

  std::string AddFeedback(const std::string& audio_id, std::optional<int> rating,
                          std::optional<std::string> preferred_over, std::vector<std::string> tags) {
    Feedback f, out;
    f.audio_id = audio_id;
    f.rating = rating;
    f.preferred_over = preferred_over;
    f.tags = std::move(tags);
    EXPECT_OK(lifecycle()->AddFeedback(f, &out));
    return out.id;
  }

  // A job of `samples` rendered samples; returns the sample ids.
  std::vector<std::string> RenderedJob(const std::string& prompt, int samples,
                                       std::optional<std::string> adapter, std::string* job_id) {
    *job_id = Submit(prompt, samples, adapter).id;
    return RenderAll();
  }

  Actor admin_;
};

TEST_F(MetricsTest, CountersEqualARecountAfterEveryKindOfChange) {
  ExpectCountersMatchRecount("nothing");
  const std::string lofi = NewAdapter("lofi");
  const std::string jazz = NewAdapter("jazz", /*active=*/false);
  ExpectCountersMatchRecount("adapter inserts");

  const std::string prompt = NewPrompt();
  std::string j1, j2;
  const auto s1 = RenderedJob(prompt, 2, lofi, &j1);
  const auto s2 = RenderedJob(prompt, 3, std::nullopt, &j2);
  ExpectCountersMatchRecount("sample inserts");

  AddFeedback(s1[0], 5, std::nullopt, {});
  ExpectCountersMatchRecount("a first rating");
  const std::string second = AddFeedback(s1[0], 3, std::nullopt, {"warm"});
  ExpectCountersMatchRecount("a second rating, tagged (the average drops below 4)");
  AddFeedback(s2[0], 4, s1[1], {});
  ExpectCountersMatchRecount("a rated preference");
  const std::string tags_only = AddFeedback(s2[1], std::nullopt, std::nullopt, {"dull", "slow"});
  AddFeedback(s2[1], std::nullopt, s2[2], {});
  ExpectCountersMatchRecount("tags only and a preference only");

  ASSERT_OK(lifecycle()->DeleteFeedback(second));
  ExpectCountersMatchRecount("a feedback delete");
  ASSERT_OK(lifecycle()->DeleteFeedback(tags_only));
  ExpectCountersMatchRecount("a feedback delete leaving a preference");

  AddFeedback(s2[2], 2, std::nullopt, {});
  AddFeedback(s2[2], 1, std::nullopt, {});
  int64_t deleted = 0;
  BulkFeedbackDelete bulk;
  bulk.filter.max_rating = 2;
  ASSERT_OK(lifecycle()->BulkDeleteFeedback(bulk, &deleted, admin_));
  EXPECT_EQ(deleted, 2);
  ExpectCountersMatchRecount("a bulk feedback delete");

  // j1's delete cascades to feedback on its samples, and to s2[0]'s
  // preference over s1[1] (a record on another job's sample).
  int64_t cascaded = 0;
  ASSERT_OK(lifecycle()->DeleteJob(j1, &cascaded));
  EXPECT_EQ(cascaded, 2);
  ExpectCountersMatchRecount("a job delete's cascade");
  Job restored;
  ASSERT_OK(lifecycle()->RestoreJob(j1, &restored));
  ExpectCountersMatchRecount("a job restore");
  AddFeedback(s1[1], 4, std::nullopt, {});
  ExpectCountersMatchRecount("feedback on a restored job");

  // lofi soft-deleted: its samples' feedback still counts, as a deleted adapter.
  ASSERT_OK(lifecycle()->DeleteAdapter(lofi));
  ExpectCountersMatchRecount("an adapter delete");
  Adapter back;
  ASSERT_OK(lifecycle()->RestoreAdapter(lofi, std::nullopt, &back));
  ExpectCountersMatchRecount("an adapter restore (inactive)");
  Adapter updated;
  AdapterPatch activate, describe;
  activate.is_active = true;
  describe.description = std::optional<std::string>("x");
  ASSERT_OK(lifecycle()->UpdateAdapter(lofi, activate, &updated));
  ASSERT_OK(lifecycle()->UpdateAdapter(jazz, describe, &updated));
  ExpectCountersMatchRecount("adapter updates");

  ASSERT_OK(lifecycle()->DeleteJob(j1, &cascaded));
  ASSERT_OK(lifecycle()->DeleteAdapter(lofi));
  ASSERT_OK(lifecycle()->DeleteAdapter(jazz));
  PurgeResult purged;
  PurgeRequest purge_jobs, purge_adapters;
  purge_jobs.ids = IdList{j1};
  purge_adapters.kind = TrashKind::kAdapters;
  purge_adapters.ids = IdList{lofi, jazz};
  ASSERT_OK(lifecycle()->Purge(purge_jobs, &purged, admin_));
  EXPECT_EQ(purged.samples, 2);
  ExpectCountersMatchRecount("a job purge");
  ASSERT_OK(lifecycle()->Purge(purge_adapters, &purged, admin_));
  EXPECT_EQ(purged.adapters, 2);
  ExpectCountersMatchRecount("an adapter purge");

  // A sample committed to a job that was then deleted and restored, and a bulk job delete.
  std::string j4;
  const auto s4 = RenderedJob(prompt, 1, std::nullopt, &j4);
  AddFeedback(s4[0], 5, s2[0], {"bright"});
  BulkJobDeleteResult bulk_jobs;
  BulkJobDelete bulk_delete;
  bulk_delete.ids = IdList{j2, j4};
  ASSERT_OK(lifecycle()->BulkDeleteJobs(bulk_delete, &bulk_jobs, admin_));
  EXPECT_EQ(bulk_jobs.jobs_deleted, 2);
  ExpectCountersMatchRecount("a bulk job delete");
  int64_t restored_n = 0;
  ASSERT_OK(lifecycle()->BulkRestoreJobs(IdList{j2, j4}, &restored_n, admin_));
  ExpectCountersMatchRecount("a bulk restore");
  Submit(prompt, 1);  // stays queued: active
  ExpectCountersMatchRecount("a queued job");
}

// The migration's backfill: 0003 run again (its objects dropped, its
// version forgotten) on a database that holds rows counts them all.
TEST_F(MetricsTest, MigrationBackfillsTheCountersFromExistingRows) {
  const std::string lofi = NewAdapter("lofi");
  NewAdapter("off", /*active=*/false);
  const std::string prompt = NewPrompt();
  std::string j1, j2, j3;
  const auto s1 = RenderedJob(prompt, 2, lofi, &j1);
  const auto s2 = RenderedJob(prompt, 2, std::nullopt, &j2);
  const auto s3 = RenderedJob(prompt, 1, std::nullopt, &j3);
  AddFeedback(s1[0], 5, std::nullopt, {"warm"});
  AddFeedback(s1[0], 4, s2[0], {});
  AddFeedback(s2[1], std::nullopt, std::nullopt, {"dull"});
  AddFeedback(s3[0], 2, std::nullopt, {});
  int64_t cascaded = 0;
  ASSERT_OK(lifecycle()->DeleteJob(j3, &cascaded));  // a trashed job's samples do not count
  ExpectCountersMatchRecount("the changes, counted by the triggers");

  const std::string drop =
      OnPostgres()
          ? "SET client_min_messages = warning;"
            "DROP TABLE metrics_counters, sample_feedback_counts, adapter_feedback_counts;"
            "DROP FUNCTION feedback_metrics, audio_metrics, jobs_sample_metrics, adapters_metrics CASCADE;"
            "DROP FUNCTION metrics_counters_add, sample_feedback_flags;"
            "DELETE FROM schema_migrations WHERE version = 3;"
          : "DROP TABLE metrics_counters; DROP TABLE sample_feedback_counts; DROP TABLE adapter_feedback_counts;"
            "DROP VIEW feedback_metric_changes;"
            "DROP TRIGGER feedback_metrics_insert; DROP TRIGGER feedback_metrics_delete;"
            "DROP TRIGGER audio_metrics_insert; DROP TRIGGER audio_metrics_delete;"
            "DROP TRIGGER jobs_sample_metrics; DROP TRIGGER adapters_metrics_insert;"
            "DROP TRIGGER adapters_metrics_update; DROP TRIGGER adapters_metrics_delete;"
            "DELETE FROM schema_migrations WHERE version = 3;";
  lifecycle_.reset();
  store_.reset();
  ASSERT_OK(ExecSql(drop));
  Open(std::nullopt);  // applies 0003 again
  EXPECT_EQ(Count("SELECT COUNT(*) FROM schema_migrations WHERE version = 3"), 1);
  ExpectCountersMatchRecount("the backfill");
  MetricsCounters c;
  ASSERT_OK(lifecycle()->GetMetricsCounters(&c));
  EXPECT_EQ(c.feedback_total, 3);
  EXPECT_EQ(c.live_samples, 4);
  EXPECT_EQ(c.rated_samples, 1);
  EXPECT_EQ(c.pending_feedback(), 2);
  EXPECT_EQ(c.adapters_live, 2);
  EXPECT_EQ(c.adapters_active, 1);
  // And the triggers work after it.
  AddFeedback(s2[0], 3, std::nullopt, {});
  ExpectCountersMatchRecount("feedback after the backfill");
}

}  // namespace
}  // namespace studio::testing
