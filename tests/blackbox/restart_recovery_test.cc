// Black-box: the studio survives its own death. A server killed (SIGKILL)
// or stopped (SIGTERM) in the middle of a render comes back on the same data
// dir, finishes the interrupted job and leaves no temp files; a job deleted
// before the crash stays deleted.
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_server.h"

namespace studio::testing {
namespace {

using namespace std::chrono_literals;

// After a restart: the job completes with all its samples, each with its
// row and file, and nothing half-written is left anywhere.
void ExpectRecovered(TestServer& server, const std::string& job_id, int num_samples) {
  Json done = server.WaitForJob(job_id, {"completed", "failed", "cancelled"}, 120s);
  ASSERT_EQ(done.value("status", ""), "completed") << done.dump() << "\nlog:\n"
                                                   << server.ReadLog();
  std::set<std::string> listed;
  for (const auto& a : done["audio_ids"]) listed.insert(a);
  EXPECT_EQ(listed.size(), static_cast<size_t>(num_samples)) << done.dump();
  std::vector<std::string> rows;
  EXPECT_TRUE(server.AudioStorageConsistent(job_id, &rows));
  EXPECT_EQ(std::set<std::string>(rows.begin(), rows.end()), listed)
      << "rows of the job differ from its audio_ids (duplicate samples after the retry?)";
  std::vector<std::string> tmp = server.TmpFiles();
  EXPECT_TRUE(tmp.empty()) << "left over: " << tmp[0];
  for (const auto& a : listed) {
    EXPECT_EQ(server.client().Get("/api/audio/" + a + "/stream").status, 200) << a;
  }
}

TEST(RestartRecoveryTest, JobKilledMidRenderCompletesAfterRestart) {
  TestServerOptions options;
  options.workers = 1;
  TestServer server(options);
  ASSERT_TRUE(server.Start());
  Json job = server.SubmitJob(4, 30);
  ASSERT_TRUE(job.is_object());
  const std::string id = job["id"];
  ASSERT_TRUE(server.WaitUntilRendering(id));
  Json adapter = server.CreateAdapter(TestServer::UniqueName("survivor"));
  ASSERT_TRUE(adapter.is_object());

  server.Kill();
  ASSERT_TRUE(server.Start());
  ExpectRecovered(server, id, 4);
  // Everything else survived too.
  EXPECT_EQ(server.client().Get("/api/adapters/" + adapter["id"].get<std::string>()).status, 200);
  EXPECT_EQ(server.client().Get("/api/prompts/" + job["prompt_id"].get<std::string>()).status,
            200);
}

TEST(RestartRecoveryTest, JobStoppedBySigtermMidRenderCompletesAfterRestart) {
  TestServerOptions options;
  options.workers = 1;
  TestServer server(options);
  ASSERT_TRUE(server.Start());
  Json job = server.SubmitJob(3, 30);
  ASSERT_TRUE(job.is_object());
  const std::string id = job["id"];
  ASSERT_TRUE(server.WaitUntilRendering(id));
  auto start = std::chrono::steady_clock::now();
  server.Stop();  // fails the test itself when SIGTERM takes over 5 s
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  ASSERT_TRUE(server.Start());
  ExpectRecovered(server, id, 3);
}

TEST(RestartRecoveryTest, JobDeletedBeforeACrashStaysDeleted) {
  TestServerOptions options;
  options.workers = 1;
  TestServer server(options);
  ASSERT_TRUE(server.Start());
  Json job = server.SubmitJob(4, 30);
  ASSERT_TRUE(job.is_object());
  const std::string id = job["id"];
  ASSERT_TRUE(server.WaitUntilRendering(id));
  Json queued = server.SubmitJob(1, 1);
  ASSERT_TRUE(queued.is_object());
  const std::string queued_id = queued["id"];
  ASSERT_EQ(server.client().Delete("/api/jobs/" + id).status, 200);
  ASSERT_EQ(server.client().Delete("/api/jobs/" + queued_id).status, 200);
  server.Kill();

  ASSERT_TRUE(server.Start());
  // Give a (wrong) recovery every chance to pick them up again.
  Json sentinel = server.SubmitJob(1, 1);
  ASSERT_TRUE(sentinel.is_object());
  Json done = server.WaitForJob(sentinel["id"], {"completed", "failed"}, 60s);
  ASSERT_EQ(done.value("status", ""), "completed");
  for (const std::string& deleted : {id, queued_id}) {
    SCOPED_TRACE(deleted);
    EXPECT_EQ(server.client().Get("/api/jobs/" + deleted).status, 404);
    Json detail = server.GetJobIncludingDeleted(deleted);
    EXPECT_EQ(detail.value("status", ""), "cancelled") << detail.dump();
    EXPECT_TRUE(detail["deleted_at"].is_string());
    EXPECT_TRUE(server.AudioStorageConsistent(deleted));
  }
  EXPECT_TRUE(server.AudioFilesOfJob(queued_id).empty());
  EXPECT_TRUE(server.TmpFiles().empty());
  Json stats = server.client().Get("/api/jobs/stats").json();
  EXPECT_EQ(stats.value("total_jobs", -1), 1) << stats.dump();
}

}  // namespace
}  // namespace studio::testing
