// A real store and lifecycle, for tests of the store and of the lifecycle
// rules: a SQLite file in a fresh temp folder, or (STUDIO_TEST_BACKEND=
// postgresql, support/test_backend.h) a fresh PostgreSQL database; files go
// to the temp folder either way. Both are removed again by TearDown.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <atomic>

#include <filesystem>
#include <memory>
#include <string>

#include "lifecycle/lifecycle.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"
#include "support/pg_test_database.h"
#include "support/status_matchers.h"
#include "support/test_backend.h"
#include "util/env.h"
#include "util/uuid.h"

namespace studio::testing {

// Moves the clock by hand, so lease expiry and retention need no sleeping.
class ManualClockEnv : public EnvWrapper {
 public:
  ManualClockEnv() : EnvWrapper(Env::Default()), now_(Env::Default()->NowMicros()) {}
  Micros NowMicros() override { return now_.load(); }
  void AdvanceSeconds(int64_t seconds) { now_ += seconds * 1'000'000LL; }

 private:
  std::atomic<Micros> now_;
};

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/studio-unit-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    if (OnPostgres()) {
      Status s;
      pg_database_ = PgTestDatabase::Create(&s);
      ASSERT_TRUE(pg_database_) << s.ToString();
    }
    Open(std::nullopt);
  }
  void TearDown() override {
    lifecycle_.reset();
    store_.reset();
    pg_database_.reset();
    std::filesystem::remove_all(dir_);
  }

  // (Re)opens the store and lifecycle on the same folder.
  void Open(std::optional<std::string> admin_token, Env* env = Env::Default(),
            int retention_days = 30) {
    lifecycle_.reset();
    store_.reset();
    Status s;
    if (pg_database_) {
      store_ = OpenPostgresStore({.url = pg_database_->url(), .pool_size = 32}, &s);
    } else {
      store_ = OpenSqliteStore({.path = dir_ + "/studio.db"}, &s);
    }
    ASSERT_TRUE(store_) << s.ToString();
    lifecycle_ = std::make_unique<Lifecycle>(
        store_.get(), env,
        LifecycleOptions{.data_dir = dir_, .admin_token = admin_token, .retention_days = retention_days});
  }

  // Runs SQL on the test database from outside the store: how a test
  // injects a real database fault (a trigger that raises).
  Status ExecSql(const std::string& sql) {
    if (pg_database_) {
      PGconn* c = PQconnectdb(pg_database_->url().c_str());
      PGresult* r = PQexec(c, sql.c_str());
      const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
      std::string error = PQerrorMessage(c);
      PQclear(r);
      PQfinish(c);
      return ok ? Status::Ok() : Status::IOError(error);
    }
    sqlite3* db = nullptr;
    sqlite3_open((dir_ + "/studio.db").c_str(), &db);
    sqlite3_busy_timeout(db, 10000);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    std::string error = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    return rc == SQLITE_OK ? Status::Ok() : Status::IOError(error);
  }

  std::string NewPrompt(const std::string& text = "a calm lofi beat") {
    Prompt p;
    Status s = lifecycle_->CreatePrompt(text, PromptAttributes{}, &p);
    EXPECT_OK(s);
    return p.id;
  }

  Job Submit(const std::string& prompt_id, int samples = 2,
             std::optional<std::string> adapter_id = std::nullopt) {
    GenerateRequest r;
    r.prompt_id = prompt_id;
    r.num_samples = samples;
    r.adapter_id = adapter_id;
    r.duration = 1;
    Job job;
    Status s = lifecycle_->SubmitJob(r, &job);
    EXPECT_OK(s);
    return job;
  }

  // Claims `job` as worker "w" and commits all its samples as a worker would.
  // Returns the sample ids in label order.
  std::vector<std::string> RenderAll(const std::string& worker = "w") {
    Job claimed;
    Status s = lifecycle_->ClaimJob(worker, &claimed);
    EXPECT_OK(s);
    std::vector<std::string> ids;
    for (int i = 0; i < claimed.num_samples; ++i) {
      ids.push_back(CommitFakeSample(claimed, worker, i));
    }
    s = lifecycle_->FinishJob(claimed, worker, true, std::nullopt);
    EXPECT_OK(s);
    return ids;
  }

  // Stages a small fake file as sample `index` of `job` and commits it.
  std::string CommitFakeSample(const Job& job, const std::string& worker, int index,
                               Status* result = nullptr) {
    StagedSample staged;
    Status s = lifecycle_->StageSample(job, index, /*duration_seconds=*/1, /*sample_rate=*/44100,
                                       FakeWav("RIFF fake wav"), &staged);
    EXPECT_OK(s);
    s = lifecycle_->CommitSample(job, worker, staged);
    if (result) *result = s;
    else EXPECT_OK(s);
    return staged.sample.id;
  }

  static SampleWriter FakeWav(std::string bytes) {
    return [bytes](Env* env, const std::string& path) { return env->WriteFileAtomically(path, bytes); };
  }

  std::string AddRating(const std::string& audio_id, int rating,
                        std::optional<std::string> preferred_over = std::nullopt) {
    Feedback f;
    f.audio_id = audio_id;
    f.rating = rating;
    f.preferred_over = preferred_over;
    Feedback out;
    Status s = lifecycle_->AddFeedback(f, &out);
    EXPECT_OK(s);
    return out.id;
  }

  int CountFiles(const std::string& suffix) {
    int n = 0;
    if (!std::filesystem::exists(dir_ + "/audio")) return 0;
    for (auto& e : std::filesystem::recursive_directory_iterator(dir_ + "/audio")) {
      const std::string name = e.path().filename().string();
      if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) ++n;
    }
    return n;
  }

  Store* store() { return store_.get(); }
  Lifecycle* lifecycle() { return lifecycle_.get(); }

  std::string dir_;
  std::unique_ptr<PgTestDatabase> pg_database_;  // null on SQLite
  std::unique_ptr<Store> store_;
  std::unique_ptr<Lifecycle> lifecycle_;
};

}  // namespace studio::testing
