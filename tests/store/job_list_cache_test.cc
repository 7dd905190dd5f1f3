// GET /api/jobs serves answers it kept in memory while the store's job list
// version is unchanged (http/job_list_cache.h). These tests walk through every
// kind of change a list item shows and check, after each one, that an Api
// which has served (and kept) every list answer before the change now answers
// byte for byte what a fresh Api answers, for each query: no answer is ever
// stale. Each change must also show in the answer (or, for a change a list
// cannot show, leave it alone). Both databases (STUDIO_TEST_BACKEND).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "http/api.h"
#include "store_fixture.h"

namespace studio::testing {
namespace {

using Query = std::unordered_map<std::string, std::string>;

class JobListCacheTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    cached_ = std::make_unique<Api>(lifecycle(), store(), ApiOptions{});
    adapter_id_ = NewAdapter("cache-style");
  }

  std::string NewAdapter(const std::string& name) {
    Adapter a;
    EXPECT_OK(lifecycle()->CreateAdapter(AdapterCreate{.name = name}, &a));
    return a.id;
  }

  // The queries the list is asked: unfiltered, by status, with the trash,
  // by adapter, and a later page.
  std::vector<Query> Queries() const {
    std::vector<Query> out = {{}, {{"include_deleted", "true"}}, {{"adapter_id", adapter_id_}},
                              {{"limit", "2"}, {"offset", "1"}}};
    for (const char* s : {"queued", "processing", "completed", "failed", "cancelled"}) {
      out.push_back({{"status", s}});
    }
    return out;
  }

  static std::string List(const Api& api, const Query& query) {
    HttpRequest req;
    req.method = "GET";
    req.path = "/jobs";
    req.query = query;
    HttpResponse r = api.Handle(req);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  }

  // Asks every query of the Api that keeps its answers; then `change`; then
  // checks each answer is a fresh Api's (and that the version moved when
  // the unfiltered answer did). Returns the unfiltered list after the change.
  nlohmann::json AfterChange(const std::string& what, const std::function<void()>& change) {
    for (const auto& q : Queries()) {
      List(*cached_, q);
      List(*cached_, q);  // the second is served from memory
    }
    int64_t before = 0, after = 0;
    EXPECT_OK(store()->GetJobListVersion(&before));
    const std::string unfiltered_before = List(Api(lifecycle(), store(), ApiOptions{}), {});
    change();
    EXPECT_OK(store()->GetJobListVersion(&after));
    const Api fresh(lifecycle(), store(), ApiOptions{});
    for (const auto& q : Queries()) {
      std::string label;
      for (const auto& [k, v] : q) label += k + "=" + v + " ";
      EXPECT_EQ(List(*cached_, q), List(fresh, q)) << "stale after " << what << ", query: " << label;
    }
    const std::string unfiltered = List(fresh, {});
    if (unfiltered != unfiltered_before) {
      EXPECT_NE(before, after) << what << " changed the list but not the version";
    }
    return nlohmann::json::parse(unfiltered);
  }

  static const nlohmann::json* Item(const nlohmann::json& list, const std::string& job_id) {
    for (const auto& item : list["items"]) {
      if (item["id"] == job_id) return &item;
    }
    return nullptr;
  }

  std::unique_ptr<Api> cached_;
  std::string adapter_id_;
};

TEST_F(JobListCacheTest, EveryChangeOfAJobShowsAtOnce) {
  const std::string prompt = NewPrompt("a calm lofi beat with soft keys");
  Job job;
  auto list = AfterChange("submit", [&] { job = Submit(prompt, 2, adapter_id_); });
  ASSERT_NE(Item(list, job.id), nullptr);
  EXPECT_EQ((*Item(list, job.id))["status"], "queued");
  EXPECT_EQ(list["total"], 1);

  Job claimed;
  list = AfterChange("claim", [&] { ASSERT_OK(lifecycle()->ClaimJob("w", &claimed)); });
  EXPECT_EQ((*Item(list, job.id))["status"], "processing");

  list = AfterChange("progress", [&] { ASSERT_OK(lifecycle()->ReportProgress(claimed, "w", 0.25)); });
  EXPECT_DOUBLE_EQ((*Item(list, job.id))["progress"].get<double>(), 0.25);

  std::string first_sample;
  list = AfterChange("new sample", [&] { first_sample = CommitFakeSample(claimed, "w", 0); });
  EXPECT_EQ((*Item(list, job.id))["audio_ids"], nlohmann::json::array({first_sample}));

  list = AfterChange("release", [&] { ASSERT_OK(lifecycle()->ReleaseJob(claimed, "w")); });
  EXPECT_EQ((*Item(list, job.id))["status"], "queued");

  list = AfterChange("claim again, second sample, finish", [&] {
    ASSERT_OK(lifecycle()->ClaimJob("w", &claimed));
    CommitFakeSample(claimed, "w", 1);
    ASSERT_OK(lifecycle()->FinishJob(claimed, "w", true, std::nullopt));
  });
  EXPECT_EQ((*Item(list, job.id))["status"], "completed");
  EXPECT_EQ((*Item(list, job.id))["audio_ids"].size(), 2u);
  EXPECT_FALSE((*Item(list, job.id))["completed_at"].is_null());

  AfterChange("feedback (not shown in a list)", [&] { AddRating(first_sample, 5); });

  Job failing = Submit(prompt, 1);
  Job claimed_failing;
  list = AfterChange("failure", [&] {
    ASSERT_OK(lifecycle()->ClaimJob("w", &claimed_failing));
    ASSERT_OK(lifecycle()->FinishJob(claimed_failing, "w", false, std::string("the render failed")));
  });
  EXPECT_EQ((*Item(list, failing.id))["status"], "failed");
  EXPECT_EQ((*Item(list, failing.id))["error"], "the render failed");

  Job cancelled;
  list = AfterChange("submit, then cancel", [&] {
    cancelled = Submit(prompt, 1);
    ASSERT_OK(lifecycle()->CancelJob(cancelled.id));
  });
  EXPECT_EQ((*Item(list, cancelled.id))["status"], "cancelled");

  list = AfterChange("a new prompt (not shown until used)", [&] { NewPrompt("an unused prompt"); });
  EXPECT_EQ(list["total"], 3);
}

TEST_F(JobListCacheTest, AdapterChangesShowInEveryJobAtOnce) {
  const std::string prompt = NewPrompt();
  Job a = Submit(prompt, 1, adapter_id_), b = Submit(prompt, 1, adapter_id_), c = Submit(prompt, 1);

  Adapter renamed;
  auto list = AfterChange("adapter rename", [&] {
    ASSERT_OK(lifecycle()->UpdateAdapter(adapter_id_, AdapterPatch{.name = "renamed-style"}, &renamed));
  });
  EXPECT_EQ((*Item(list, a.id))["adapter_name"], "renamed-style");

  list = AfterChange("adapter delete", [&] { ASSERT_OK(lifecycle()->DeleteAdapter(adapter_id_)); });
  for (const std::string& id : {a.id, b.id}) {
    EXPECT_EQ((*Item(list, id))["adapter_name"], "Deleted Adapter");
    EXPECT_EQ((*Item(list, id))["adapter_deleted"], true);
  }
  EXPECT_EQ((*Item(list, c.id))["adapter_deleted"], false);

  list = AfterChange("adapter restore", [&] {
    Adapter back;
    ASSERT_OK(lifecycle()->RestoreAdapter(adapter_id_, std::nullopt, &back));
  });
  EXPECT_EQ((*Item(list, a.id))["adapter_name"], "renamed-style");
  EXPECT_EQ((*Item(list, b.id))["adapter_deleted"], false);
}

TEST_F(JobListCacheTest, DeleteRestoreBulkAndPurgeShowAtOnce) {
  const std::string prompt = NewPrompt();
  Job a = Submit(prompt, 1), b = Submit(prompt, 1), c = Submit(prompt, 1);
  RenderAll();

  int64_t feedback = 0;
  auto list = AfterChange("job delete", [&] { ASSERT_OK(lifecycle()->DeleteJob(b.id, &feedback)); });
  EXPECT_EQ(Item(list, b.id), nullptr);
  EXPECT_EQ(list["total"], 2);

  Job restored;
  list = AfterChange("job restore", [&] { ASSERT_OK(lifecycle()->RestoreJob(b.id, &restored)); });
  ASSERT_NE(Item(list, b.id), nullptr);

  BulkJobDeleteResult bulk;
  list = AfterChange("bulk delete", [&] {
    ASSERT_OK(lifecycle()->BulkDeleteJobs(BulkJobDelete{.ids = IdList{a.id, c.id}}, &bulk));
  });
  EXPECT_EQ(list["total"], 1);

  int64_t restored_count = 0;
  list = AfterChange("bulk restore", [&] {
    ASSERT_OK(lifecycle()->BulkRestoreJobs(IdList{a.id}, &restored_count));
  });
  EXPECT_EQ(list["total"], 2);

  PurgeResult purged;
  AfterChange("purge", [&] {
    ASSERT_OK(lifecycle()->Purge(PurgeRequest{.ids = IdList{c.id}}, &purged));
  });
  EXPECT_EQ(purged.jobs, 1);
  HttpRequest req;
  req.method = "GET";
  req.path = "/jobs";
  req.query = {{"include_deleted", "true"}};
  auto all = nlohmann::json::parse(cached_->Handle(req).body);
  EXPECT_EQ(Item(all, c.id), nullptr);
  EXPECT_NE(Item(all, a.id), nullptr);
}

}  // namespace
}  // namespace studio::testing
