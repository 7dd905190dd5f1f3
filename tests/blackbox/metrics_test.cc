// Black-box: GET /api/metrics/overview and GET /api/metrics/feedback (SPEC
// section 8 "Overview"), their shapes and how real changes move them,
// against a real `studio serve`. The suite shares its server with nothing
// else, so its counts start where the previous test of the suite left them:
// every check is on differences.
#include <string>

#include <gtest/gtest.h>

#include "support/test_server.h"

namespace studio::testing {
namespace {

class MetricsApiTest : public SharedServerTest<MetricsApiTest> {
 protected:
  static int64_t At(const Json& j, std::initializer_list<const char*> path) {
    const Json* x = &j;
    for (const char* key : path) {
      if (!x->is_object() || !x->contains(key)) return -1;
      x = &(*x)[key];
    }
    return x->is_number_integer() ? x->get<int64_t>() : -1;
  }
  static Json ByAdapter(const Json& metrics, const Json& adapter_id) {
    for (const Json& row : metrics["by_adapter"]) {
      if (row["adapter_id"] == adapter_id) return row;
    }
    return Json();
  }
};

TEST_F(MetricsApiTest, OverviewAndFeedbackMetricsHaveTheReferenceShape) {
  Json overview = Get("/api/metrics/overview");
  ASSERT_TRUE(overview.is_object()) << overview.dump();
  for (const char* stage : {"generation", "feedback", "dataset", "training"}) {
    EXPECT_TRUE(overview["pipeline"][stage].is_object()) << stage << ": " << overview.dump();
  }
  for (const char* key : {"total_generations", "total_samples", "active_adapters", "total_adapters",
                          "pending_feedback"}) {
    EXPECT_GE(At(overview, {"quick_stats", key}), 0) << key << ": " << overview.dump();
  }
  EXPECT_TRUE(overview["quick_stats"].contains("avg_rating"));
  EXPECT_EQ(At(overview, {"pipeline", "dataset", "total"}), 0);
  EXPECT_EQ(At(overview, {"pipeline", "training", "running"}), 0);

  Json feedback = Get("/api/metrics/feedback");
  ASSERT_TRUE(feedback.is_object()) << feedback.dump();
  for (const char* r : {"1", "2", "3", "4", "5"}) EXPECT_GE(At(feedback, {"rating_distribution", r}), 0) << r;
  EXPECT_TRUE(feedback["by_adapter"].is_array());
  EXPECT_GE(At(feedback, {"preference_comparisons"}), 0);
  EXPECT_GE(At(feedback, {"tagged_feedback"}), 0);
}

TEST_F(MetricsApiTest, CountsFollowJobsFeedbackAndAdapters) {
  const Json before = Get("/api/metrics/overview");
  const Json feedback_before = Get("/api/metrics/feedback");
  Json adapter = server().CreateAdapter(TestServer::UniqueName("metrics"));
  ASSERT_TRUE(adapter.is_object());
  const std::string adapter_id = adapter["id"];
  Json job = server().RunCompletedJob(2, 1, {{"adapter_id", adapter_id}});
  ASSERT_EQ(job["audio_ids"].size(), 2u) << job.dump();
  const std::string a = job["audio_ids"][0], b = job["audio_ids"][1];
  ASSERT_TRUE(server().AddFeedback({{"audio_id", a}, {"rating", 5}}).is_object());
  ASSERT_TRUE(server().AddFeedback({{"audio_id", a}, {"rating", 2}, {"preferred_over", b}, {"tags", {"x"}}})
                  .is_object());

  Json after = Get("/api/metrics/overview");
  EXPECT_EQ(At(after, {"pipeline", "generation", "total"}), At(before, {"pipeline", "generation", "total"}) + 1);
  EXPECT_EQ(At(after, {"pipeline", "generation", "completed"}),
            At(before, {"pipeline", "generation", "completed"}) + 1);
  EXPECT_EQ(At(after, {"pipeline", "feedback", "total"}), At(before, {"pipeline", "feedback", "total"}) + 2);
  EXPECT_EQ(At(after, {"pipeline", "feedback", "rated_samples"}),
            At(before, {"pipeline", "feedback", "rated_samples"}) + 1);
  // b has no feedback of its own (being preferred over is not feedback on it).
  EXPECT_EQ(At(after, {"pipeline", "feedback", "pending"}), At(before, {"pipeline", "feedback", "pending"}) + 1);
  EXPECT_EQ(At(after, {"quick_stats", "total_samples"}), At(before, {"quick_stats", "total_samples"}) + 2);
  EXPECT_EQ(At(after, {"quick_stats", "total_adapters"}), At(before, {"quick_stats", "total_adapters"}) + 1);
  EXPECT_EQ(At(after, {"quick_stats", "active_adapters"}), At(before, {"quick_stats", "active_adapters"}) + 1);
  EXPECT_TRUE(after["quick_stats"]["avg_rating"].is_number()) << after.dump();

  Json metrics = Get("/api/metrics/feedback");
  EXPECT_EQ(At(metrics, {"rating_distribution", "5"}), At(feedback_before, {"rating_distribution", "5"}) + 1);
  EXPECT_EQ(At(metrics, {"preference_comparisons"}), At(feedback_before, {"preference_comparisons"}) + 1);
  EXPECT_EQ(At(metrics, {"tagged_feedback"}), At(feedback_before, {"tagged_feedback"}) + 1);
  Json row = ByAdapter(metrics, adapter_id);
  EXPECT_EQ(row, Json({{"adapter_id", adapter_id}, {"adapter_name", adapter["name"]}, {"count", 2},
                       {"avg_rating", 3.5}}))
      << metrics.dump();

  // A soft-deleted adapter keeps its samples' feedback, as "Deleted Adapter".
  ASSERT_EQ(api().Delete("/api/adapters/" + adapter_id).status, 200);
  row = ByAdapter(Get("/api/metrics/feedback"), adapter_id);
  EXPECT_EQ(row.value("adapter_name", ""), "Deleted Adapter") << row.dump();
  EXPECT_EQ(row.value("count", -1), 2);
  Json deleted = Get("/api/metrics/overview");
  EXPECT_EQ(At(deleted, {"quick_stats", "total_adapters"}), At(before, {"quick_stats", "total_adapters"}));

  // The job's delete takes its samples and their feedback out of every count.
  ASSERT_EQ(api().Delete("/api/jobs/" + job["id"].get<std::string>()).status, 200);
  Json gone = Get("/api/metrics/overview");
  for (auto path : {std::initializer_list<const char*>{"pipeline", "generation", "total"},
                    {"pipeline", "feedback", "total"}, {"pipeline", "feedback", "rated_samples"},
                    {"pipeline", "feedback", "pending"}, {"quick_stats", "total_samples"}}) {
    EXPECT_EQ(At(gone, path), At(before, path)) << gone.dump() << " vs " << before.dump();
  }
  EXPECT_TRUE(ByAdapter(Get("/api/metrics/feedback"), adapter_id).is_null());
}

TEST_F(MetricsApiTest, BaseEngineSamplesAreOneRowWithANullAdapter) {
  Json job = server().RunCompletedJob(1, 1);
  ASSERT_EQ(job["audio_ids"].size(), 1u) << job.dump();
  ASSERT_TRUE(server().AddFeedback({{"audio_id", job["audio_ids"][0]}, {"rating", 4}}).is_object());
  Json row = ByAdapter(Get("/api/metrics/feedback"), nullptr);
  EXPECT_EQ(row.value("adapter_name", ""), "Base engine") << row.dump();
  EXPECT_GE(row.value("count", 0), 1);
}

}  // namespace
}  // namespace studio::testing
