// Black-box: soft-delete of jobs (SPEC section 3 "Jobs are soft-deleted",
// "Deleted means gone from every default view") and the hard-delete of
// feedback, against a real `studio serve`.
#include <chrono>
#include <iostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_server.h"
#include "util/uuid.h"

namespace studio::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

::testing::AssertionResult IsNotFound(const HttpResult& r) {
  if (r.status != 404) return ::testing::AssertionFailure() << "expected 404, got " << r.Describe();
  Json j = r.json();
  if (!j.is_object() || !j.contains("detail") || !j["detail"].is_string()) {
    return ::testing::AssertionFailure() << "404 without a JSON detail: " << r.body;
  }
  return ::testing::AssertionSuccess();
}

bool ListContains(const Json& list, const std::string& id) {
  if (!list.is_object() || !list.contains("items")) return false;
  for (const auto& item : list["items"]) {
    if (item.value("id", "") == id) return true;
  }
  return false;
}

Json FindItem(const Json& list, const std::string& id) {
  if (list.is_object() && list.contains("items")) {
    for (const auto& item : list["items"]) {
      if (item.value("id", "") == id) return item;
    }
  }
  return Json();
}

int64_t Count(const Json& j, const char* a, const char* b = nullptr) {
  if (!j.is_object() || !j.contains(a)) return -1;
  const Json& x = b ? j[a].value(b, Json()) : j[a];
  return x.is_number_integer() ? x.get<int64_t>() : -1;
}

class JobDeleteTest : public SharedServerTest<JobDeleteTest> {
 public:
  static TestServerOptions ServerOptions() {
    TestServerOptions o;
    o.workers = 1;  // so that a second job stays queued behind a long one
    // The longest job (4 x 30 s) renders in ~1.3 s with TimGM6mb, too close
    // to the 0.8 s this suite needs to act mid-render; FluidR3_GM takes ~2 s.
    o.soundfont = "/usr/share/sounds/sf2/FluidR3_GM.sf2";
    return o;
  }

};

TEST_F(JobDeleteTest, DeletingACompletedJobRemovesItFromEveryDefaultView) {
  Json job = server().RunCompletedJob(2, 1);
  ASSERT_TRUE(job.is_object());
  const std::string id = job["id"];
  ASSERT_EQ(job["audio_ids"].size(), 2u) << job.dump();
  const std::string a = job["audio_ids"][0], b = job["audio_ids"][1];

  Json f1 = server().AddFeedback({{"audio_id", a}, {"rating", 4}});
  Json f2 = server().AddFeedback({{"audio_id", b}, {"tags", {"warm"}}});
  Json f3 = server().AddFeedback({{"audio_id", a}, {"preferred_over", b}});
  ASSERT_FALSE(f1.is_null() || f2.is_null() || f3.is_null());

  Json stats_before = Get("/api/jobs/stats");
  Json summary_before = Get("/api/feedback/summary");
  ASSERT_TRUE(ListContains(Get("/api/jobs?limit=100"), id));

  // The confirmation dialog's numbers.
  HttpResult preview = api().Get("/api/jobs/" + id + "/delete-preview");
  ASSERT_EQ(preview.status, 200) << preview.Describe();
  EXPECT_EQ(preview.json(), Json({{"job_id", id},
                                  {"status", "completed"},
                                  {"feedback_count", 3},
                                  {"will_cancel", false},
                                  {"datasets_affected", Json::array()}}));

  HttpResult del = api().Delete("/api/jobs/" + id);
  ASSERT_EQ(del.status, 200) << del.Describe();
  EXPECT_EQ(del.json(), Json({{"status", "deleted"}, {"job_id", id}, {"feedback_deleted", 3}}));

  // Gone from every default read.
  EXPECT_TRUE(IsNotFound(api().Get("/api/jobs/" + id)));
  EXPECT_TRUE(IsNotFound(api().Get("/api/generate/" + id)));
  EXPECT_TRUE(IsNotFound(api().Get("/api/generate/" + id + "/feedback")));
  EXPECT_TRUE(IsNotFound(api().Get("/api/jobs/" + id + "/delete-preview")));
  for (const std::string& audio : {a, b}) {
    SCOPED_TRACE(audio);
    EXPECT_TRUE(IsNotFound(api().Get("/api/audio/" + audio)));
    EXPECT_TRUE(IsNotFound(api().Get("/api/audio/" + audio + "/stream")));
    EXPECT_TRUE(IsNotFound(api().Post("/api/audio/compare", {{"audio_ids", {audio}}})));
  }
  EXPECT_TRUE(IsNotFound(api().Get("/api/feedback?job_id=" + id)));
  EXPECT_FALSE(ListContains(Get("/api/jobs?limit=100"), id));
  EXPECT_FALSE(ListContains(Get("/api/jobs?limit=100&status=completed"), id));

  // The cascaded feedback is really gone, not just hidden.
  for (const Json& f : {f1, f2, f3}) {
    EXPECT_TRUE(IsNotFound(api().Delete("/api/feedback/" + f["id"].get<std::string>())));
  }
  HttpResult by_audio = api().Get("/api/feedback?audio_id=" + a);
  EXPECT_TRUE(by_audio.status == 404 ||
              (by_audio.status == 200 && by_audio.json().value("total", -1) == 0))
      << by_audio.Describe();

  // Counts and statistics exclude it.
  Json stats_after = Get("/api/jobs/stats");
  EXPECT_EQ(Count(stats_after, "status_counts", "completed"),
            Count(stats_before, "status_counts", "completed") - 1)
      << stats_before.dump() << " -> " << stats_after.dump();
  EXPECT_EQ(Count(stats_after, "total_jobs"), Count(stats_before, "total_jobs") - 1);
  Json summary_after = Get("/api/feedback/summary");
  EXPECT_EQ(Count(summary_after, "total_feedback"), Count(summary_before, "total_feedback") - 3)
      << summary_before.dump() << " -> " << summary_after.dump();
  EXPECT_EQ(Count(summary_after, "total_ratings"), Count(summary_before, "total_ratings") - 1);
  EXPECT_EQ(Count(summary_after, "total_preferences"),
            Count(summary_before, "total_preferences") - 1);
  EXPECT_EQ(Count(summary_after, "rating_distribution", "4"),
            Count(summary_before, "rating_distribution", "4") - 1);

  // Second delete and an unknown id: 404. Cancel of a deleted job: 404.
  EXPECT_TRUE(IsNotFound(api().Delete("/api/jobs/" + id)));
  EXPECT_TRUE(IsNotFound(api().Delete("/api/jobs/" + NewUuid())));
  EXPECT_TRUE(IsNotFound(api().Delete("/api/generate/" + id)));

  // Administrators still see it, marked.
  Json detail = server().GetJobIncludingDeleted(id);
  ASSERT_TRUE(detail.is_object());
  EXPECT_EQ(detail.value("status", ""), "completed");
  ASSERT_TRUE(detail.contains("deleted_at") && detail["deleted_at"].is_string()) << detail.dump();
  HttpResult all = api().Get("/api/jobs?limit=100&include_deleted=true", server().AdminHeaders());
  ASSERT_EQ(all.status, 200) << all.Describe();
  Json item = FindItem(all.json(), id);
  ASSERT_TRUE(item.is_object()) << "deleted job missing under include_deleted";
  EXPECT_TRUE(item["deleted_at"].is_string()) << item.dump();
}

TEST_F(JobDeleteTest, CascadeTakesPreferencesPointingAtTheJobAndSparesOtherJobs) {
  Json x = server().RunCompletedJob(2, 1);
  Json y = server().RunCompletedJob(2, 1);
  ASSERT_TRUE(x.is_object() && y.is_object());
  const std::string xa = x["audio_ids"][0], xb = x["audio_ids"][1];
  const std::string ya = y["audio_ids"][0], yb = y["audio_ids"][1];

  Json on_x = server().AddFeedback({{"audio_id", xb}, {"rating", 2}});
  // On Y's sample, but its preferred_over is X's sample: goes with X.
  Json y_over_x = server().AddFeedback({{"audio_id", ya}, {"preferred_over", xa}});
  Json on_y = server().AddFeedback({{"audio_id", yb}, {"rating", 5}, {"notes", "keep"}});
  Json y_over_y = server().AddFeedback({{"audio_id", ya}, {"preferred_over", yb}});
  ASSERT_FALSE(on_x.is_null() || y_over_x.is_null() || on_y.is_null() || y_over_y.is_null());

  HttpResult preview = api().Get("/api/jobs/" + x["id"].get<std::string>() + "/delete-preview");
  ASSERT_EQ(preview.status, 200) << preview.Describe();
  EXPECT_EQ(preview.json().value("feedback_count", -1), 2) << preview.body;

  Json summary_before = Get("/api/feedback/summary");
  HttpResult del = api().Delete("/api/jobs/" + x["id"].get<std::string>());
  ASSERT_EQ(del.status, 200) << del.Describe();
  EXPECT_EQ(del.json().value("feedback_deleted", -1), 2) << del.body;

  // Y's own feedback is untouched; the cross-job preference is gone.
  Json y_feedback = Get("/api/feedback?job_id=" + y["id"].get<std::string>() + "&limit=100");
  std::set<std::string> ids;
  for (const auto& f : y_feedback.value("items", Json::array())) ids.insert(f.value("id", ""));
  EXPECT_EQ(ids, (std::set<std::string>{on_y["id"], y_over_y["id"]})) << y_feedback.dump();
  EXPECT_EQ(y_feedback.value("total", -1), 2);
  EXPECT_TRUE(IsNotFound(api().Delete("/api/feedback/" + y_over_x["id"].get<std::string>())));

  Json grouped = Get("/api/generate/" + y["id"].get<std::string>() + "/feedback");
  EXPECT_EQ(grouped.value("total_feedback", -1), 2) << grouped.dump();
  Json summary_after = Get("/api/feedback/summary");
  EXPECT_EQ(Count(summary_after, "total_feedback"), Count(summary_before, "total_feedback") - 2);
  EXPECT_EQ(Count(summary_after, "total_preferences"),
            Count(summary_before, "total_preferences") - 1);

  // Y itself is live and complete.
  HttpResult y_detail = api().Get("/api/jobs/" + y["id"].get<std::string>());
  ASSERT_EQ(y_detail.status, 200) << y_detail.Describe();
  EXPECT_EQ(y_detail.json().value("status", ""), "completed");
  EXPECT_EQ(api().Get("/api/audio/" + ya + "/stream").status, 200);
}

TEST_F(JobDeleteTest, DeletingQueuedAndProcessingJobsCancelsThemWithoutPartialOutputs) {
  // A long job occupies the single worker; the next one waits in the queue.
  Json blocker = server().SubmitJob(4, 30);
  ASSERT_TRUE(blocker.is_object());
  const std::string blocker_id = blocker["id"];
  ASSERT_TRUE(server().WaitUntilRendering(blocker_id)) << "the long job never started rendering";
  const double seconds_left = server().EstimateSecondsLeft(blocker_id);
  ASSERT_GT(seconds_left, 0.8) << "the long job ended too soon for this test on this machine";
  Json queued = server().SubmitJob(2, 1);
  ASSERT_TRUE(queued.is_object());
  const std::string queued_id = queued["id"];
  EXPECT_EQ(Get("/api/generate/" + queued_id).value("status", ""), "queued");

  HttpResult preview = api().Get("/api/jobs/" + queued_id + "/delete-preview");
  ASSERT_EQ(preview.status, 200) << preview.Describe();
  EXPECT_EQ(preview.json(), Json({{"job_id", queued_id},
                                  {"status", "queued"},
                                  {"feedback_count", 0},
                                  {"will_cancel", true},
                                  {"datasets_affected", Json::array()}}));
  HttpResult del_queued = api().Delete("/api/jobs/" + queued_id);
  ASSERT_EQ(del_queued.status, 200) << del_queued.Describe();
  EXPECT_EQ(del_queued.json(),
            Json({{"status", "deleted"}, {"job_id", queued_id}, {"feedback_deleted", 0}}));

  HttpResult preview_processing = api().Get("/api/jobs/" + blocker_id + "/delete-preview");
  ASSERT_EQ(preview_processing.status, 200) << preview_processing.Describe();
  EXPECT_EQ(preview_processing.json().value("status", ""), "processing");
  EXPECT_EQ(preview_processing.json().value("will_cancel", false), true);
  HttpResult del_processing = api().Delete("/api/jobs/" + blocker_id);
  ASSERT_EQ(del_processing.status, 200) << del_processing.Describe();
  const auto deleted_at = Clock::now();

  Json blocker_samples_at_delete;
  for (const std::string& id : {queued_id, blocker_id}) {
    Json detail = server().GetJobIncludingDeleted(id);
    if (id == blocker_id) blocker_samples_at_delete = detail.value("audio_ids", Json::array());
    EXPECT_EQ(detail.value("status", ""), "cancelled") << detail.dump();
    EXPECT_TRUE(detail.contains("deleted_at") && detail["deleted_at"].is_string());
    EXPECT_TRUE(IsNotFound(api().Get("/api/generate/" + id)));
  }

  // The worker stops promptly: a short job submitted now (one second of
  // audio, ~1% of the long one) is served well before the rest of the
  // deleted job could have been rendered.
  Json sentinel = server().SubmitJob(1, 1);
  ASSERT_TRUE(sentinel.is_object());
  Json done = server().WaitForJob(sentinel["id"], {"completed", "failed"}, 30s);
  EXPECT_EQ(done.value("status", ""), "completed");
  const double waited = std::chrono::duration<double>(Clock::now() - deleted_at).count();
  std::cout << "[ prompt ] next job served " << waited << " s after the delete; the deleted job had "
            << seconds_left << " s left\n";
  EXPECT_LT(waited, 0.5 * seconds_left)
      << "the worker went on rendering the deleted job: the next job waited " << waited
      << " s, the deleted one had about " << seconds_left << " s of rendering left";

  // Nothing came back, nothing half-written is left.
  Json queued_after = server().GetJobIncludingDeleted(queued_id);
  EXPECT_EQ(queued_after.value("status", ""), "cancelled") << queued_after.dump();
  EXPECT_TRUE(queued_after.value("audio_ids", Json::array()).empty()) << queued_after.dump();
  EXPECT_TRUE(server().AudioFilesOfJob(queued_id).empty());
  std::vector<std::string> rows;
  EXPECT_TRUE(server().AudioStorageConsistent(queued_id, &rows));
  EXPECT_TRUE(rows.empty());

  Json blocker_after = server().GetJobIncludingDeleted(blocker_id);
  EXPECT_EQ(blocker_after.value("status", ""), "cancelled") << blocker_after.dump();
  EXPECT_TRUE(server().AudioStorageConsistent(blocker_id, &rows));
  EXPECT_LT(rows.size(), 4u) << "the deleted job was rendered to the end";
  EXPECT_EQ(blocker_after.value("audio_ids", Json::array()), blocker_samples_at_delete)
      << "samples were attached to the job after its delete";
  // Samples listed for the job are exactly its rows.
  std::set<std::string> listed;
  for (const auto& a : blocker_after.value("audio_ids", Json::array())) listed.insert(a);
  EXPECT_EQ(listed, std::set<std::string>(rows.begin(), rows.end()));
  EXPECT_TRUE(server().TmpFiles().empty()) << server().TmpFiles()[0];
}

TEST_F(JobDeleteTest, FeedbackCannotBeAttachedToASampleOfADeletedJob) {
  Json x = server().RunCompletedJob(1, 1);
  Json y = server().RunCompletedJob(1, 1);
  ASSERT_TRUE(x.is_object() && y.is_object());
  const std::string xa = x["audio_ids"][0], ya = y["audio_ids"][0];
  ASSERT_EQ(api().Delete("/api/jobs/" + x["id"].get<std::string>()).status, 200);
  Json summary_before = Get("/api/feedback/summary");

  EXPECT_TRUE(IsNotFound(api().Post("/api/feedback", {{"audio_id", xa}, {"rating", 5}})));
  EXPECT_TRUE(IsNotFound(api().Post("/api/feedback", {{"audio_id", xa}, {"tags", {"x"}}})));
  EXPECT_TRUE(IsNotFound(api().Post("/api/feedback", {{"audio_id", xa}, {"preferred_over", ya}})));
  EXPECT_TRUE(IsNotFound(api().Post("/api/feedback", {{"audio_id", ya}, {"preferred_over", xa}})));
  EXPECT_EQ(Get("/api/feedback/summary"), summary_before);
}

TEST_F(JobDeleteTest, FeedbackDeleteIsHardAndFinal) {
  Json job = server().RunCompletedJob(1, 1);
  ASSERT_TRUE(job.is_object());
  const std::string a = job["audio_ids"][0];
  Json keep = server().AddFeedback({{"audio_id", a}, {"rating", 3}});
  Json gone = server().AddFeedback({{"audio_id", a}, {"rating", 5}, {"tags", {"bright"}}});
  ASSERT_FALSE(keep.is_null() || gone.is_null());
  const std::string gone_id = gone["id"];
  Json summary_before = Get("/api/feedback/summary");

  HttpResult del = api().Delete("/api/feedback/" + gone_id);
  ASSERT_EQ(del.status, 200) << del.Describe();
  EXPECT_EQ(del.json(), Json({{"status", "deleted"}, {"feedback_id", gone_id}}));
  EXPECT_TRUE(IsNotFound(api().Delete("/api/feedback/" + gone_id)));
  EXPECT_TRUE(IsNotFound(api().Delete("/api/feedback/" + NewUuid())));

  Json listed = Get("/api/feedback?audio_id=" + a);
  EXPECT_EQ(listed.value("total", -1), 1) << listed.dump();
  EXPECT_FALSE(ListContains(listed, gone_id));
  EXPECT_TRUE(ListContains(listed, keep["id"]));
  Json summary_after = Get("/api/feedback/summary");
  EXPECT_EQ(Count(summary_after, "total_feedback"), Count(summary_before, "total_feedback") - 1);
  EXPECT_EQ(Count(summary_after, "rating_distribution", "5"),
            Count(summary_before, "rating_distribution", "5") - 1);
  Json grouped = Get("/api/generate/" + job["id"].get<std::string>() + "/feedback");
  EXPECT_EQ(grouped.value("total_feedback", -1), 1) << grouped.dump();

  // The job itself is untouched by a feedback delete.
  HttpResult preview = api().Get("/api/jobs/" + job["id"].get<std::string>() + "/delete-preview");
  EXPECT_EQ(preview.json().value("feedback_count", -1), 1) << preview.Describe();
}

TEST_F(JobDeleteTest, CancelIsNotDeleteAndOnlyAppliesToUnfinishedJobs) {
  Json done = server().RunCompletedJob(1, 1);
  ASSERT_TRUE(done.is_object());
  HttpResult cancel_done = api().Delete("/api/generate/" + done["id"].get<std::string>());
  EXPECT_EQ(cancel_done.status, 400) << cancel_done.Describe();

  Json blocker = server().SubmitJob(4, 30);
  ASSERT_TRUE(blocker.is_object());
  Json queued = server().SubmitJob(1, 1);
  ASSERT_TRUE(queued.is_object());
  const std::string qid = queued["id"];
  HttpResult cancel = api().Delete("/api/generate/" + qid);
  EXPECT_EQ(cancel.status, 204) << cancel.Describe();
  // Cancelled, not deleted: still visible everywhere.
  EXPECT_EQ(Get("/api/generate/" + qid).value("status", ""), "cancelled");
  Json detail = Get("/api/jobs/" + qid);
  EXPECT_EQ(detail.value("status", ""), "cancelled");
  EXPECT_TRUE(!detail.contains("deleted_at") || detail["deleted_at"].is_null()) << detail.dump();
  EXPECT_EQ(api().Delete("/api/generate/" + qid).status, 400);

  HttpResult cancel_processing = api().Delete("/api/generate/" + blocker["id"].get<std::string>());
  EXPECT_EQ(cancel_processing.status, 204) << cancel_processing.Describe();
  Json after = server().WaitForJob(blocker["id"], {"cancelled", "completed", "failed"}, 5s);
  EXPECT_EQ(after.value("status", ""), "cancelled");
  // A cancelled job can still be deleted.
  EXPECT_EQ(api().Delete("/api/jobs/" + qid).status, 200);
}

}  // namespace
}  // namespace studio::testing
