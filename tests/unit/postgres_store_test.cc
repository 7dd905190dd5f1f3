// PostgreSQL-specific behaviour of PostgresStore: exact times, reconnects,
// the pool's bound, concurrent claims, concurrent migrations, counters under
// concurrent status changes, and index use at 100k jobs. The Store contract
// itself is covered by the store/lifecycle suites run against both backends.
//
// Each test gets a fresh database on STUDIO_TEST_PG_URL (support/pg_test_database.h);
// without that variable the tests fail, unless STUDIO_TEST_SKIP_PG=1.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "store/migrations.h"
#include "store/postgres_store.h"
#include "support/pg_test_database.h"
#include "support/status_matchers.h"
#include "util/uuid.h"

namespace studio::testing {
namespace {

constexpr Micros kDay = 86'400'000'000;
constexpr Micros kBase = 1'764'201'600'000'000;  // 2025-11-27T00:00:00Z

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PgTestsEnabled()) GTEST_SKIP() << "STUDIO_TEST_SKIP_PG=1";
    Status s;
    db_ = PgTestDatabase::Create(&s);
    ASSERT_TRUE(db_) << s.ToString();
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
  }

  void Open(PostgresStoreOptions options = {}) {
    options.url = db_->url();
    Status s;
    store_ = OpenPostgresStore(options, &s);
    ASSERT_TRUE(store_) << s.ToString();
  }

  // Rows of `sql` run on the test database from outside the store.
  int Rows(const std::string& sql) {
    PGconn* c = PQconnectdb(db_->url().c_str());
    EXPECT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
    PGresult* r = PQexec(c, sql.c_str());
    EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQerrorMessage(c);
    int n = PQntuples(r);
    PQclear(r);
    PQfinish(c);
    return n;
  }
  int64_t Scalar(const std::string& sql) {
    PGconn* c = PQconnectdb(db_->url().c_str());
    PGresult* r = PQexec(c, sql.c_str());
    EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQerrorMessage(c);
    int64_t v = PQntuples(r) > 0 ? std::strtoll(PQgetvalue(r, 0, 0), nullptr, 10) : -1;
    PQclear(r);
    PQfinish(c);
    return v;
  }
  void Exec(const std::string& sql) {
    PGconn* c = PQconnectdb(db_->url().c_str());
    PGresult* r = PQexec(c, sql.c_str());
    EXPECT_TRUE(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK)
        << PQerrorMessage(c);
    PQclear(r);
    PQfinish(c);
  }

  // Terminates every connection the store has open (application "studio")
  // and waits until they are gone.
  void KillStoreConnections() {
    Status s = PgTestDatabase::AdminExec(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = '" +
        db_->name() + "' AND application_name = 'studio'");
    ASSERT_OK(s);
  }

  std::string NewPrompt(const std::string& text = "a calm lofi beat", Micros at = kBase) {
    Prompt p;
    p.id = NewUuid();
    p.text = text;
    p.created_at = at;
    Status s = store_->InsertPrompt(p);
    EXPECT_OK(s);
    return p.id;
  }

  std::string NewJob(const std::string& prompt_id, Micros at, std::optional<std::string> adapter = {}) {
    Job j;
    j.id = NewUuid();
    j.prompt_id = prompt_id;
    j.adapter_id = adapter;
    j.created_at = at;
    Status s = store_->InsertJob(j);
    EXPECT_OK(s);
    return j.id;
  }

  std::unique_ptr<PgTestDatabase> db_;
  std::unique_ptr<Store> store_;
};

TEST_F(PostgresStoreTest, TimesRoundTripExactlyToTheMicrosecond) {
  Open();
  const Micros times[] = {0, 1, -1, kBase + 123'457, 1'798'362'961'999'999, 4'102'444'799'999'999,
                          -2'208'988'800'000'001};
  std::string prompt = NewPrompt();
  for (Micros t : times) {
    Prompt p;
    p.id = NewUuid();
    p.text = "t";
    p.created_at = t;
    ASSERT_OK(store_->InsertPrompt(p));
    Prompt got;
    ASSERT_OK(store_->GetPrompt(p.id, &got));
    EXPECT_EQ(got.created_at, t);

    Job j;
    j.id = NewUuid();
    j.prompt_id = prompt;
    j.status = JobStatus::kCompleted;
    j.created_at = t;
    j.completed_at = t + 1;
    j.deleted_at = t + 999'999;
    ASSERT_OK(store_->InsertJob(j));
    Job back;
    ASSERT_OK(store_->GetJob(j.id, Visibility::kIncludeDeleted, &back));
    EXPECT_EQ(back.created_at, t);
    EXPECT_EQ(back.completed_at, t + 1);
    EXPECT_EQ(back.deleted_at, t + 999'999);
  }
  // Date filters compare at microsecond precision: a bound one microsecond
  // past the job excludes it.
  std::string id = NewJob(prompt, kBase + 7);
  std::vector<Job> jobs;
  int64_t total = 0;
  ASSERT_OK(store_->ListJobs({.start_date = kBase + 7, .end_date = kBase + 7}, &jobs, &total));
  ASSERT_EQ(total, 1);
  EXPECT_EQ(jobs[0].id, id);
  ASSERT_OK(store_->ListJobs({.start_date = kBase + 8}, &jobs, &total));
  EXPECT_EQ(total, 0);
}

TEST_F(PostgresStoreTest, DisplayFieldsAsOnSqlite) {
  Open();
  std::string long_text(150, 'x');
  std::string prompt = NewPrompt(long_text);
  Adapter a;
  a.id = NewUuid();
  a.name = "lofi";
  a.config_json = R"({"b":1,"a":[2, 3]})";
  a.created_at = a.updated_at = kBase;
  ASSERT_OK(store_->InsertAdapter(a));
  std::string job = NewJob(prompt, kBase, a.id);
  std::vector<std::string> samples;
  for (int i : {2, 0, 1}) {
    AudioSample s;
    s.id = NewUuid();
    s.job_id = job;
    s.prompt_id = prompt;
    s.sample_index = i;
    s.storage_path = "x.wav";
    s.created_at = kBase;
    ASSERT_OK(store_->InsertAudioSample(s));
    samples.push_back(s.id);
  }
  ASSERT_OK(store_->MarkAdapterDeleted(a.id, kBase + 1));
  Job j;
  ASSERT_OK(store_->GetJob(job, Visibility::kLive, &j));
  EXPECT_EQ(j.prompt_preview, std::string(100, 'x') + "...");
  EXPECT_EQ(j.adapter_name, "lofi");
  EXPECT_TRUE(j.adapter_deleted);
  EXPECT_EQ(j.audio_ids, (std::vector<std::string>{samples[1], samples[2], samples[0]}));
  Adapter back;
  ASSERT_OK(store_->GetAdapter(a.id, Visibility::kIncludeDeleted, &back));
  EXPECT_EQ(back.config_json, a.config_json);  // byte for byte
  EXPECT_FALSE(back.is_active);
  // The name is free again once deleted; a live clash is a Conflict.
  Adapter again = a;
  again.id = NewUuid();
  ASSERT_OK(store_->InsertAdapter(again));
  again.id = NewUuid();
  Status s = store_->InsertAdapter(again);
  EXPECT_EQ(s.code(), Status::Code::kConflict);
  EXPECT_EQ(s.message(), store_kind::kAdapterName);  // a kind; lifecycle/messages.h words it
}

TEST_F(PostgresStoreTest, MalformedIdIsNotFoundAndDoesNotAbortTheTransaction) {
  Open();
  Job j;
  EXPECT_TRUE(store_->GetJob("not-a-uuid", Visibility::kLive, &j).IsNotFound());
  Adapter a;
  EXPECT_TRUE(store_->GetAdapter("1234", Visibility::kIncludeDeleted, &a).IsNotFound());
  AudioSample s;
  EXPECT_TRUE(store_->GetAudioSample("x'; DROP TABLE prompts; --", Visibility::kLive, &s).IsNotFound());
  int64_t n = -1;
  EXPECT_OK(store_->MarkJobsDeleted({"zzz"}, 1, &n));
  EXPECT_EQ(n, 0);
  EXPECT_TRUE(store_->DeleteFeedback("").IsNotFound());
  // A malformed id that reaches the server (22P02) is NotFound too.
  Job bad;
  bad.id = NewUuid();
  bad.prompt_id = "not-a-uuid";
  EXPECT_TRUE(store_->InsertJob(bad).IsNotFound());
  // Inside a transaction a malformed lookup leaves the transaction usable.
  std::string prompt;
  Status st = store_->InTransaction([&] {
    Prompt p;
    EXPECT_TRUE(store_->GetPrompt("nope", &p).IsNotFound());
    prompt = NewPrompt();
    return Status::Ok();
  });
  ASSERT_OK(st);
  Prompt p;
  EXPECT_OK(store_->GetPrompt(prompt, &p));
}

TEST_F(PostgresStoreTest, ReconnectsAfterItsConnectionsAreKilled) {
  Open({.pool_size = 4});
  // Open all four connections.
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 20; ++k) EXPECT_OK(store_->Ping());
    });
  }
  for (auto& t : threads) t.join();
  std::string prompt = NewPrompt();
  KillStoreConnections();
  // Each call either succeeds on a fresh connection or says Unavailable;
  // it never hangs or crashes, and the store is whole again right after.
  for (int i = 0; i < 8; ++i) {
    Prompt p;
    Status s = store_->GetPrompt(prompt, &p);
    EXPECT_TRUE(s.ok() || s.code() == Status::Code::kUnavailable) << s.ToString();
  }
  for (int i = 0; i < 20; ++i) {
    Prompt p;
    Status s = store_->GetPrompt(prompt, &p);
    EXPECT_OK(s);
  }

  // Lost inside a transaction: the whole transaction fails with
  // Unavailable, nothing of it is kept, and the next call works.
  std::string lost_prompt;
  Status s = store_->InTransaction([&] {
    lost_prompt = NewPrompt();
    KillStoreConnections();
    Prompt p;
    Status inner = store_->GetPrompt(lost_prompt, &p);
    EXPECT_EQ(inner.code(), Status::Code::kUnavailable) << inner.ToString();
    return inner;
  });
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_EQ(s.message().rfind("database unavailable: ", 0), 0u) << s.message();
  Prompt p;
  EXPECT_TRUE(store_->GetPrompt(lost_prompt, &p).IsNotFound());
  EXPECT_OK(store_->Ping());
}

TEST_F(PostgresStoreTest, UnreachableServerIsUnavailableNotAHang) {
  Status s;
  auto start = std::chrono::steady_clock::now();
  auto store = OpenPostgresStore({.url = "postgresql://studio@127.0.0.1:1/none", .connect_timeout_s = 1}, &s);
  EXPECT_FALSE(store);
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(PostgresStoreTest, ExhaustedPoolIsUnavailableAfterTheAcquireTimeout) {
  Open({.pool_size = 2, .acquire_timeout_ms = 300});
  std::mutex mu;
  std::condition_variable cv;
  int holding = 0;
  bool release = false;
  std::vector<std::thread> holders;
  for (int i = 0; i < 2; ++i) {
    holders.emplace_back([&] {
      Status s = store_->InTransaction([&] {
        std::unique_lock<std::mutex> lock(mu);
        ++holding;
        cv.notify_all();
        cv.wait(lock, [&] { return release; });
        return Status::Ok();
      });
      EXPECT_OK(s);
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return holding == 2; });
  }
  auto start = std::chrono::steady_clock::now();
  Status s = store_->Ping();
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_GE(waited, std::chrono::milliseconds(250));
  EXPECT_LT(waited, std::chrono::seconds(3));
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  for (auto& t : holders) t.join();
  EXPECT_OK(store_->Ping());
}

TEST_F(PostgresStoreTest, EightWorkersClaimEachJobExactlyOnce) {
  Open({.pool_size = 8});
  std::string prompt = NewPrompt();
  for (int i = 0; i < 200; ++i) NewJob(prompt, kBase + i);
  std::mutex mu;
  std::vector<std::string> claimed;
  std::atomic<int> errors{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 8; ++w) {
    workers.emplace_back([&, w] {
      const std::string worker = "worker-" + std::to_string(w);
      for (;;) {
        Job job;
        Status s = store_->ClaimNextJob(worker, kBase + kDay, kBase + 2 * kDay, &job);
        if (s.IsNotFound()) return;
        if (!s.ok()) {
          ++errors;
          ADD_FAILURE() << s.ToString();
          return;
        }
        EXPECT_EQ(job.status, JobStatus::kProcessing);
        std::lock_guard<std::mutex> lock(mu);
        claimed.push_back(job.id);
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(claimed.size(), 200u);
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(), 200u);
  JobStats stats;
  ASSERT_OK(store_->GetJobStats(kBase, &stats));
  EXPECT_EQ(stats.processing, 200);
  EXPECT_EQ(stats.queued, 0);
  // Leases not yet expired: nothing to claim. Expired: claimed again.
  Job job;
  EXPECT_TRUE(store_->ClaimNextJob("late", kBase + kDay, kBase + 3 * kDay, &job).IsNotFound());
  ASSERT_OK(store_->ClaimNextJob("late", kBase + 3 * kDay, kBase + 4 * kDay, &job));
}

TEST_F(PostgresStoreTest, ConcurrentMigrationsApplyEachOnce) {
  std::atomic<int> applied{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&] {
      int n = 0;
      Status s = MigratePostgresDatabase(db_->url(), &n);
      EXPECT_OK(s);
      applied += n;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(applied.load(), static_cast<int>(postgresqlMigrations().size()));
  EXPECT_EQ(Rows("SELECT version FROM schema_migrations"), static_cast<int>(postgresqlMigrations().size()));
  // Two stores opening at once on the migrated database: nothing applied twice.
  std::vector<std::thread> openers;
  for (int i = 0; i < 2; ++i) {
    openers.emplace_back([&] {
      Status s;
      auto store = OpenPostgresStore({.url = db_->url()}, &s);
      EXPECT_TRUE(store) << s.ToString();
    });
  }
  for (auto& t : openers) t.join();
  EXPECT_EQ(Rows("SELECT version FROM schema_migrations"), static_cast<int>(postgresqlMigrations().size()));
}

TEST_F(PostgresStoreTest, CountersStayExactUnderConcurrentStatusChanges) {
  Open({.pool_size = 8});
  std::string prompt = NewPrompt();
  std::vector<std::string> jobs;
  for (int i = 0; i < 120; ++i) jobs.push_back(NewJob(prompt, kBase + (i % 3) * kDay + i));
  std::atomic<int> failures{0};
  auto check = [&](const Status& s) {
    if (!s.ok() && !s.IsNotFound() && !s.IsCancelled()) {
      ++failures;
      ADD_FAILURE() << s.ToString();  // a deadlock would show up here as Unavailable
    }
  };
  std::vector<std::thread> threads;
  // Workers claim and finish; cancellers and deleters race them; a requeue
  // statement moves many jobs at once.
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      const std::string worker = "w" + std::to_string(w);
      for (int k = 0; k < 40; ++k) {
        Job job;
        Status s = store_->ClaimNextJob(worker, kBase + 10 * kDay, kBase + 20 * kDay, &job);
        if (s.IsNotFound()) return;
        check(s);
        if (!s.ok()) return;
        check(store_->ReportProgress(job.id, worker, 0.5, kBase + 20 * kDay));
        check(store_->FinishJob(job.id, worker, k % 3 ? JobStatus::kCompleted : JobStatus::kFailed,
                                std::nullopt, job.created_at + 1500 + k));
      }
    });
  }
  for (int c = 0; c < 2; ++c) {
    threads.emplace_back([&, c] {
      for (size_t i = c; i < jobs.size(); i += 5) {
        int64_t changed = 0;
        check(store_->CancelJobs({jobs[i]}, kBase + 11 * kDay, &changed));
      }
    });
  }
  threads.emplace_back([&] {
    for (size_t i = 2; i < jobs.size(); i += 7) {
      check(store_->InTransaction([&] {
        IdList live;
        STUDIO_RETURN_IF_ERROR(store_->LockLiveJobs({jobs[i]}, RowLock::kExclusive, &live));
        int64_t changed = 0;
        STUDIO_RETURN_IF_ERROR(store_->CancelJobs({jobs[i]}, kBase + 11 * kDay, &changed));
        return store_->MarkJobsDeleted({jobs[i]}, kBase + 11 * kDay, &changed);
      }));
    }
  });
  threads.emplace_back([&] {
    for (int i = 0; i < 5; ++i) {
      int64_t n = 0;
      check(store_->RequeueAllProcessing(&n));
    }
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);

  JobStats stats;
  ASSERT_OK(store_->GetJobStats(kBase + kDay, &stats));
  auto count = [&](const char* status) {
    return Scalar(std::string("SELECT COUNT(*) FROM live_jobs WHERE status = '") + status + "'");
  };
  EXPECT_EQ(stats.queued, count("queued"));
  EXPECT_EQ(stats.processing, count("processing"));
  EXPECT_EQ(stats.completed, count("completed"));
  EXPECT_EQ(stats.failed, count("failed"));
  EXPECT_EQ(stats.cancelled, count("cancelled"));
  EXPECT_EQ(stats.total(), Scalar("SELECT COUNT(*) FROM live_jobs"));
  EXPECT_EQ(stats.jobs_today,
            Scalar("SELECT COUNT(*) FROM live_jobs WHERE created_at >= micros_to_ts(" +
                   std::to_string(kBase + kDay) + ") AND created_at < micros_to_ts(" +
                   std::to_string(kBase + 2 * kDay) + ")"));
  if (stats.completed > 0) {
    int64_t ms = Scalar("SELECT COALESCE(SUM(job_processing_ms(status, created_at, completed_at)), 0) "
                        "FROM live_jobs WHERE status = 'completed'");
    ASSERT_TRUE(stats.avg_processing_seconds);
    EXPECT_DOUBLE_EQ(*stats.avg_processing_seconds, ms / 1000.0 / stats.completed);
  }
  // The list totals from the counters agree with a count of the rows.
  std::vector<Job> page;
  int64_t from_counters = 0, from_rows = 0;
  ASSERT_OK(store_->ListJobs({.status = JobStatus::kCompleted}, &page, &from_counters));
  ASSERT_OK(store_->ListJobs({.status = JobStatus::kCompleted, .start_date = 0}, &page, &from_rows));
  EXPECT_EQ(from_counters, from_rows);
}

TEST_F(PostgresStoreTest, LiveReadsUseAnIndexAt100kJobs) {
  Open();
  std::string prompt = NewPrompt();
  Adapter a;
  a.id = NewUuid();
  a.name = "style";
  a.created_at = a.updated_at = kBase;
  ASSERT_OK(store_->InsertAdapter(a));
  // 100k jobs over 100 days, mostly finished, every tenth with the adapter,
  // one sample each, some feedback; then fresh statistics.
  Exec("INSERT INTO generation_jobs (id, prompt_id, adapter_id, status, num_samples, seed, "
       "temperature, top_k, top_p, duration, created_at, completed_at) "
       "SELECT gen_random_uuid(), '" + prompt + "', CASE WHEN g % 10 = 0 THEN '" + a.id +
       "'::uuid END, CASE WHEN g % 100 = 0 THEN 'queued' WHEN g % 7 = 0 THEN 'failed' "
       "ELSE 'completed' END, 1, g, 1, 250, 0, 10, micros_to_ts(" + std::to_string(kBase) +
       " + g::bigint * 86400000), micros_to_ts(" + std::to_string(kBase) + " + g::bigint * 86400000 + 5000000) "
       "FROM generate_series(1, 100000) g");
  Exec("INSERT INTO audio_samples (job_id, sample_index, id, prompt_id, storage_path, "
       "duration_seconds, sample_rate, created_at) SELECT id, 0, gen_random_uuid(), prompt_id, "
       "'x.wav', 10, 44100, created_at FROM generation_jobs");
  Exec("INSERT INTO feedback (id, audio_id, rating, created_at) SELECT gen_random_uuid(), id, 4, "
       "created_at FROM audio_samples WHERE sample_index = 0 AND random() < 0.2");
  // A tenth in the trash, as the bench seeds it: the trash reads must use their partial index.
  Exec("UPDATE generation_jobs SET deleted_at = created_at + interval '1 day' WHERE seed % 10 = 3");
  // 2,000 datasets (a tenth trashed), every feedback record a member of one.
  Exec("INSERT INTO datasets (id, name, type, created_at, deleted_at) SELECT gen_random_uuid(), "
       "'d' || g, 'supervised', micros_to_ts(" + std::to_string(kBase) + " + g::bigint * 1000000), "
       "CASE WHEN g % 10 = 0 THEN micros_to_ts(" + std::to_string(kBase) + " + g::bigint * 2000000) END "
       "FROM generate_series(1, 2000) g");
  Exec("INSERT INTO dataset_members (dataset_id, feedback_id) SELECT d.id, f.id "
       "FROM (SELECT id, row_number() OVER () AS n FROM feedback) f "
       "JOIN (SELECT id, row_number() OVER () AS n FROM datasets) d ON d.n = 1 + f.n % 2000");
  Exec("ANALYZE");
  for (const char* name : {"get_job", "list_jobs", "list_jobs_by_status", "list_jobs_by_adapter",
                           "count_jobs_by_adapter", "jobs_today", "list_adapters", "adapter_stats",
                           "claim_job", "requeue_processing", "delete_feedback_touching_job",
                           "get_audio", "list_trashed_jobs", "count_trashed_jobs", "purge_candidates",
                           "list_trashed_adapters", "list_audit", "mark_jobs_deleted",
                           "list_datasets", "list_trashed_datasets", "dataset_members",
                           "datasets_affected_by_feedback", "datasets_affected_by_jobs", "metrics_counters", "feedback_by_adapter"}) {
    std::vector<std::string> lines;
    Status s = ExplainPostgresQuery(store_.get(), name, &lines);
    ASSERT_OK(s) << name;
    std::string plan;
    for (const auto& l : lines) plan += l + "\n";
    // job_day_counters is left out: one row per day, and at a few hundred
    // rows reading its one page beats its primary key.
    if (std::getenv("STUDIO_TEST_SHOW_PLANS")) std::cout << "== " << name << "\n" << plan;
    for (const char* table : {"generation_jobs", "audio_samples", "feedback", "datasets", "dataset_members"}) {
      EXPECT_EQ(plan.find(std::string("Seq Scan on ") + table), std::string::npos)
          << name << " scans " << table << ":\n" << plan;
    }
  }
}

}  // namespace
}  // namespace studio::testing
