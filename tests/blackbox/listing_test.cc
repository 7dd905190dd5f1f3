// Black-box: the lists, filters, pages and statistics of SPEC section 4,
// each on a fresh server so that totals are exact, plus the accepted edges
// of every validated range and the UI's fallback for deep links.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_server.h"
#include "util/uuid.h"

namespace studio::testing {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> Ids(const Json& list) {
  std::vector<std::string> ids;
  if (list.is_object() && list.contains("items")) {
    for (const auto& item : list["items"]) ids.push_back(item.value("id", ""));
  }
  return ids;
}

class ListingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestServerOptions options;
    options.workers = 1;
    server_ = std::make_unique<TestServer>(options);
    ASSERT_TRUE(server_->Start());
  }
  Json Get(const std::string& target) {
    HttpResult r = server_->client().Get(target);
    EXPECT_EQ(r.status, 200) << "GET " << target << " -> " << r.Describe();
    return r.json();
  }
  TestServer& server() { return *server_; }
  const HttpClient& api() { return server_->client(); }

  std::unique_ptr<TestServer> server_;
};

TEST_F(ListingTest, JobListIsNewestFirstWithFiltersPagesAndStats) {
  Json adapter = server().CreateAdapter("list-style", {{"transpose", 1}});
  ASSERT_TRUE(adapter.is_object());
  const std::string adapter_id = adapter["id"];
  Json j1 = server().RunCompletedJob(1, 1);
  Json j2 = server().RunCompletedJob(1, 1, {{"adapter_id", adapter_id}});
  Json j3 = server().RunCompletedJob(1, 1);
  ASSERT_TRUE(j1.is_object() && j2.is_object() && j3.is_object());
  Json blocker = server().SubmitJob(4, 30);
  Json j4 = server().SubmitJob(1, 1);
  ASSERT_TRUE(blocker.is_object() && j4.is_object());
  ASSERT_EQ(api().Delete("/api/generate/" + j4["id"].get<std::string>()).status, 204);
  ASSERT_EQ(api().Delete("/api/jobs/" + blocker["id"].get<std::string>()).status, 200);
  const std::string id1 = j1["id"], id2 = j2["id"], id3 = j3["id"], id4 = j4["id"];

  Json all = Get("/api/jobs");
  EXPECT_EQ(Ids(all), (std::vector<std::string>{id4, id3, id2, id1})) << all.dump();
  EXPECT_EQ(all.value("total", -1), 4);
  EXPECT_EQ(all.value("limit", -1), 20);
  EXPECT_EQ(all.value("offset", -1), 0);
  Json page = Get("/api/jobs?limit=2&offset=1");
  EXPECT_EQ(Ids(page), (std::vector<std::string>{id3, id2}));
  EXPECT_EQ(page.value("total", -1), 4);
  EXPECT_EQ(page.value("limit", -1), 2);
  EXPECT_EQ(page.value("offset", -1), 1);
  EXPECT_TRUE(Ids(Get("/api/jobs?offset=4")).empty());

  EXPECT_EQ(Ids(Get("/api/jobs?status=completed")), (std::vector<std::string>{id3, id2, id1}));
  EXPECT_EQ(Get("/api/jobs?status=completed").value("total", -1), 3);
  EXPECT_EQ(Ids(Get("/api/jobs?status=cancelled")), (std::vector<std::string>{id4}));
  EXPECT_EQ(Ids(Get("/api/jobs?adapter_id=" + adapter_id)), (std::vector<std::string>{id2}));
  const std::string t2 = j2["created_at"];
  EXPECT_EQ(Ids(Get("/api/jobs?start_date=" + t2)), (std::vector<std::string>{id4, id3, id2}));
  EXPECT_EQ(Ids(Get("/api/jobs?end_date=" + t2)), (std::vector<std::string>{id2, id1}));
  EXPECT_EQ(Ids(Get("/api/jobs?start_date=" + t2 + "&end_date=" + t2)),
            (std::vector<std::string>{id2}));
  EXPECT_EQ(Get("/api/jobs?start_date=" + t2.substr(0, 10)).value("total", -1), 4)
      << "a date-only start_date is the start of that day";
  EXPECT_EQ(Get("/api/jobs?end_date=2000-01-01").value("total", -1), 0);

  // The deleted one appears only under include_deleted, marked.
  Json with_deleted = Get("/api/jobs?include_deleted=true");
  EXPECT_EQ(with_deleted.value("total", -1), 5);
  for (const auto& item : with_deleted["items"]) {
    const bool is_blocker = item.value("id", "") == blocker["id"].get<std::string>();
    EXPECT_EQ(item["deleted_at"].is_string(), is_blocker) << item.dump();
  }

  // Item fields for the list page.
  Json item2 = all["items"][2];
  EXPECT_EQ(item2.value("adapter_name", ""), "list-style");
  EXPECT_EQ(item2.value("adapter_deleted", true), false);
  EXPECT_FALSE(item2.value("prompt_preview", "").empty()) << item2.dump();
  EXPECT_TRUE(item2.contains("duration_seconds")) << item2.dump();
  EXPECT_TRUE(all["items"][3]["adapter_name"].is_null()) << all["items"][3].dump();

  Json stats = Get("/api/jobs/stats");
  EXPECT_EQ(stats["status_counts"], Json({{"queued", 0},
                                          {"processing", 0},
                                          {"completed", 3},
                                          {"failed", 0},
                                          {"cancelled", 1}}))
      << stats.dump();
  EXPECT_EQ(stats.value("active_jobs", -1), 0);
  EXPECT_EQ(stats.value("total_jobs", -1), 4);
  EXPECT_EQ(stats.value("jobs_today", -1), 4);
  EXPECT_TRUE(stats["avg_processing_time_seconds"].is_number()) << stats.dump();
  EXPECT_GT(stats.value("avg_processing_time_seconds", 0.0), 0.0);
}

TEST_F(ListingTest, PromptsAreTrimmedListedAndPaged) {
  const std::string id = server().CreatePrompt("   ambient drone   ", {{"mood", "calm"}});
  ASSERT_FALSE(id.empty());
  Json prompt = Get("/api/prompts/" + id);
  EXPECT_EQ(prompt.value("text", ""), "ambient drone");
  EXPECT_EQ(prompt["attributes"].value("mood", ""), "calm") << prompt.dump();
  EXPECT_TRUE(prompt.contains("created_at"));
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(server().CreatePrompt("p" + std::to_string(i)).empty());
  Json page = Get("/api/prompts?page=2&limit=2");
  EXPECT_EQ(page.value("total", -1), 5);
  EXPECT_EQ(page.value("page", -1), 2);
  EXPECT_EQ(page.value("limit", -1), 2);
  EXPECT_EQ(page["items"].size(), 2u);
  Json last = Get("/api/prompts?page=3&limit=2");
  EXPECT_EQ(last["items"].size(), 1u);
}

TEST_F(ListingTest, EveryRangeEdgeAndEveryListedInstrumentIsAccepted) {
  const std::vector<std::string> instruments = {
      "acoustic-piano", "electric-piano", "organ", "clavinet", "celesta", "acoustic-guitar",
      "electric-guitar-clean", "electric-guitar-distorted", "bass-guitar", "synth-bass",
      "violin", "viola", "cello", "double-bass", "harp", "acoustic-drum-kit",
      "electronic-drum-kit", "lofi-drum-kit", "808-drums", "909-drums", "kick-drum",
      "snare-drum", "hi-hat", "cymbals", "toms", "saxophone", "trumpet", "trombone",
      "french-horn", "flute", "piccolo", "clarinet", "oboe", "bassoon", "analog-synth-lead",
      "analog-synth-pad", "digital-synth", "fm-synth", "mono-synth-bass", "poly-synth",
      "arpeggiator-synth", "acoustic-strings-ensemble", "taiko-drums", "kalimba", "sitar",
      "shamisen", "erhu", "vocal-pad", "choir", "breath-fx", "vinyl-noise", "tape-saturation",
      "ambient-noise"};
  for (const auto& instrument : instruments) {
    SCOPED_TRACE(instrument);
    HttpResult r = api().Post("/api/prompts", {{"text", "x"},
                                               {"attributes", {{"primary_instruments", {instrument}}}}});
    EXPECT_EQ(r.status, 201) << r.Describe();
  }
  for (const Json& attributes :
       {Json{{"tempo", 40}}, Json{{"tempo", 200}}, Json{{"duration", 1}}, Json{{"duration", 30}}}) {
    SCOPED_TRACE(attributes.dump());
    EXPECT_EQ(api().Post("/api/prompts", {{"text", "x"}, {"attributes", attributes}}).status, 201);
  }
  EXPECT_EQ(api().Post("/api/prompts", {{"text", std::string(2000, 'z')}}).status, 201);
  EXPECT_EQ(api().Post("/api/adapters", {{"name", std::string(100, 'n')}}).status, 201);

  const std::string prompt_id = server().CreatePrompt("edges");
  const Json edges[] = {
      {{"num_samples", 4}, {"duration", 1}},  {{"temperature", 0.1}, {"duration", 1}},
      {{"temperature", 2.0}, {"duration", 1}}, {{"top_k", 1}, {"duration", 1}},
      {{"top_k", 1000}, {"duration", 1}},     {{"top_p", 0.0}, {"duration", 1}},
      {{"top_p", 1.0}, {"duration", 1}},      {{"duration", 30}},
  };
  for (Json body : edges) {
    body["prompt_id"] = prompt_id;
    SCOPED_TRACE(body.dump());
    HttpResult r = api().Post("/api/generate", body);
    EXPECT_EQ(r.status, 201) << r.Describe();
    if (r.status == 201) {
      // Not needed rendered.
      EXPECT_EQ(api().Delete("/api/jobs/" + r.json().value("id", "")).status, 200);
    }
  }
  for (const int rating : {1, 5}) {
    Json job = server().RunCompletedJob(1, 1);
    ASSERT_TRUE(job.is_object());
    EXPECT_EQ(api().Post("/api/feedback", {{"audio_id", job["audio_ids"][0]}, {"rating", rating}})
                  .status,
              201);
  }
}

TEST_F(ListingTest, FeedbackListFiltersPagesAndSummary) {
  Json job = server().RunCompletedJob(2, 1);
  ASSERT_TRUE(job.is_object());
  const std::string a = job["audio_ids"][0], b = job["audio_ids"][1];
  Json f1 = server().AddFeedback({{"audio_id", a}, {"rating", 5}, {"tags", {"warm"}}});
  Json f2 = server().AddFeedback({{"audio_id", a}, {"rating", 4}, {"rating_criterion", "melody"}});
  Json f3 = server().AddFeedback(
      {{"audio_id", b}, {"rating", 2}, {"tags", {"harsh", "loud"}}, {"notes", "too loud"}});
  Json f4 = server().AddFeedback({{"audio_id", b}, {"preferred_over", a}});
  Json f5 = server().AddFeedback({{"audio_id", a}, {"tags", {"warm"}}});
  ASSERT_FALSE(f1.is_null() || f2.is_null() || f3.is_null() || f4.is_null() || f5.is_null());
  EXPECT_EQ(f1.value("rating_criterion", ""), "overall");
  EXPECT_EQ(f2.value("rating_criterion", ""), "melody");
  EXPECT_EQ(f3["tags"], Json({"harsh", "loud"}));
  EXPECT_EQ(f3.value("notes", ""), "too loud");
  EXPECT_EQ(f4.value("preferred_over", ""), a);

  auto ids = [&](const std::string& query) {
    std::vector<std::string> v = Ids(Get("/api/feedback?" + query));
    return std::set<std::string>(v.begin(), v.end());
  };
  EXPECT_EQ(Get("/api/feedback").value("total", -1), 5);
  EXPECT_EQ(ids("audio_id=" + a), (std::set<std::string>{f1["id"], f2["id"], f5["id"]}));
  EXPECT_EQ(ids("job_id=" + job["id"].get<std::string>()).size(), 5u);
  EXPECT_EQ(ids("min_rating=4"), (std::set<std::string>{f1["id"], f2["id"]}));
  EXPECT_EQ(ids("max_rating=2"), (std::set<std::string>{f3["id"]}));
  EXPECT_EQ(ids("min_rating=2&max_rating=4"), (std::set<std::string>{f2["id"], f3["id"]}));
  EXPECT_EQ(ids("tags=warm"), (std::set<std::string>{f1["id"], f5["id"]}));
  Json page = Get("/api/feedback?page=1&limit=2");
  EXPECT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(page.value("total", -1), 5);
  EXPECT_EQ(Get("/api/feedback?page=3&limit=2")["items"].size(), 1u);

  Json summary = Get("/api/feedback/summary");
  EXPECT_EQ(summary.value("total_feedback", -1), 5);
  EXPECT_EQ(summary.value("total_ratings", -1), 3);
  EXPECT_EQ(summary.value("total_preferences", -1), 1);
  EXPECT_EQ(summary["rating_distribution"],
            Json({{"1", 0}, {"2", 1}, {"3", 0}, {"4", 1}, {"5", 1}}));
  EXPECT_EQ(summary.value("high_rated_samples", -1), 1) << "only A averages 4 or more";
}

TEST_F(ListingTest, AdapterListFiltersStatsVersionsAndPreviewCountLiveJobsOnly) {
  Json a1 = server().CreateAdapter("one", {{"swing", 0.1}});
  Json a2 = server().CreateAdapter("two", Json::object(), {{"is_active", false}});
  Json a3 = server().CreateAdapter("three");
  Json a4 = server().CreateAdapter("four");
  ASSERT_TRUE(a1.is_object() && a2.is_object() && a3.is_object() && a4.is_object());
  ASSERT_EQ(api().Patch("/api/adapters/" + a3["id"].get<std::string>(), {{"status", "archived"}})
                .status,
            200);
  ASSERT_EQ(api().Delete("/api/adapters/" + a4["id"].get<std::string>()).status, 200);

  Json all = Get("/api/adapters");
  EXPECT_EQ(all.value("total", -1), 3);
  std::vector<std::string> ids = Ids(all);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()),
            (std::set<std::string>{a1["id"], a2["id"], a3["id"]}));
  for (const auto& item : Get("/api/adapters?active_only=true")["items"]) {
    EXPECT_TRUE(item.value("is_active", false)) << item.dump();
    EXPECT_NE(item.value("id", ""), a2["id"].get<std::string>());
  }
  EXPECT_EQ(Ids(Get("/api/adapters?status=archived")), (std::vector<std::string>{a3["id"]}));
  Json paged = Get("/api/adapters?skip=1&limit=1");
  EXPECT_EQ(paged["items"].size(), 1u);
  EXPECT_EQ(paged.value("total", -1), 3);
  EXPECT_EQ(Get("/api/adapters?include_deleted=true").value("total", -1), 4);
  Json stats = Get("/api/adapters/stats");
  EXPECT_EQ(stats.value("total", -1), 3) << stats.dump();
  EXPECT_EQ(stats.value("archived", -1), 1) << stats.dump();
  EXPECT_EQ(stats.value("active", -1), 2) << stats.dump();

  // A config change is a new version of the style file.
  const std::string a1_id = a1["id"];
  HttpResult patched = api().Patch("/api/adapters/" + a1_id,
                                   {{"config", {{"swing", 0.4}}}, {"description", "more swing"}});
  ASSERT_EQ(patched.status, 200) << patched.Describe();
  Json p = patched.json();
  EXPECT_EQ(p["config"], Json({{"swing", 0.4}}));
  EXPECT_EQ(p.value("description", ""), "more swing");
  EXPECT_NE(p["current_version"], a1["current_version"]) << p.dump();
  EXPECT_GE(p.value("updated_at", ""), a1.value("updated_at", ""));
  if (p["storage_path"].is_string()) {
    std::filesystem::path stored(p["storage_path"].get<std::string>());
    bool exists = std::filesystem::exists(stored) ||
                  std::filesystem::exists(std::filesystem::path(server().data_dir()) / stored);
    EXPECT_TRUE(exists) << "adapter style file missing: " << stored;
  }

  // The delete preview counts the live jobs that used the adapter.
  Json used = server().RunCompletedJob(1, 1, {{"adapter_id", a1_id}});
  Json used_then_deleted = server().RunCompletedJob(1, 1, {{"adapter_id", a1_id}});
  ASSERT_TRUE(used.is_object() && used_then_deleted.is_object());
  ASSERT_EQ(api().Delete("/api/jobs/" + used_then_deleted["id"].get<std::string>()).status, 200);
  Json preview = Get("/api/adapters/" + a1_id + "/delete-preview");
  EXPECT_EQ(preview, Json({{"adapter_id", a1_id}, {"jobs_count", 1}}));
}

TEST_F(ListingTest, UiPathsServeTheAppAndApiPathsNever) {
  HttpResult root = api().Get("/");
  ASSERT_EQ(root.status, 200) << root.Describe();
  EXPECT_NE(root.Header("content-type").find("text/html"), std::string::npos);
  for (const std::string& deep :
       std::vector<std::string>{"/jobs/" + NewUuid(), "/adapters", "/feedback"}) {
    SCOPED_TRACE(deep);
    HttpResult r = api().Get(deep);
    EXPECT_EQ(r.status, 200) << r.Describe();
    EXPECT_TRUE(r.body == root.body) << "deep link did not fall back to index.html";
  }
  HttpResult api_miss = api().Get("/api/jobs/" + NewUuid() + "/nothing");
  EXPECT_EQ(api_miss.status, 404);
  EXPECT_EQ(api_miss.Header("content-type").find("text/html"), std::string::npos);
}

}  // namespace
}  // namespace studio::testing
