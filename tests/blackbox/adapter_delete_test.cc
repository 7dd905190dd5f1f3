// Black-box: soft-delete of adapters with no cascade (SPEC section 3
// "Adapters are soft-deleted, with no cascade") against a real server.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "support/test_server.h"
#include "util/uuid.h"

namespace studio::testing {
namespace {

using namespace std::chrono_literals;

const char kDeletedAdapterDetail[] = "Cannot use deleted adapter for generation";

Json FindItem(const Json& list, const std::string& id) {
  if (list.is_object() && list.contains("items")) {
    for (const auto& item : list["items"]) {
      if (item.value("id", "") == id) return item;
    }
  }
  return Json();
}

// The largest difference between two WAV files' 16-bit samples (after the
// 44-byte canonical header); a huge value when their sizes differ.
// Where the WAV's "data" chunk starts (after the INFO chunk that tags each
// sample with its prompt, seed and adapter), or 0 when there is none.
size_t DataOffset(const std::string& wav) {
  size_t at = 12;
  while (at + 8 <= wav.size()) {
    uint32_t size;
    std::memcpy(&size, wav.data() + at + 4, 4);
    if (wav.compare(at, 4, "data") == 0) return at + 8;
    at += 8 + size + (size & 1);
  }
  return 0;
}

int MaxSampleDifference(const std::string& a, const std::string& b) {
  const size_t da = DataOffset(a), db = DataOffset(b);
  if (da == 0 || db == 0 || a.size() - da != b.size() - db) return 1 << 20;
  int max_diff = 0;
  for (size_t i = 0; da + i + 1 < a.size(); i += 2) {
    int16_t x, y;
    std::memcpy(&x, a.data() + da + i, 2);
    std::memcpy(&y, b.data() + db + i, 2);
    max_diff = std::max(max_diff, std::abs(static_cast<int>(x) - static_cast<int>(y)));
  }
  return max_diff;
}

class AdapterDeleteTest : public SharedServerTest<AdapterDeleteTest> {
 public:
  static TestServerOptions ServerOptions() {
    TestServerOptions o;
    o.workers = 1;
    return o;
  }

 protected:
  std::string NewPrompt() { return server().CreatePrompt("warm jazz trio at night"); }
};

TEST_F(AdapterDeleteTest, DeletedAdapterIsGoneForNewWorkButJobsKeepTheirReference) {
  Json adapter = server().CreateAdapter(TestServer::UniqueName("lofi"),
                                        {{"tempo_scale", 1.2}, {"transpose", 2}});
  ASSERT_TRUE(adapter.is_object());
  const std::string adapter_id = adapter["id"];
  EXPECT_EQ(adapter.value("is_active", false), true);
  EXPECT_EQ(adapter.value("status", ""), "active");

  Json job = server().RunCompletedJob(1, 1, {{"adapter_id", adapter_id}});
  ASSERT_TRUE(job.is_object());
  const std::string job_id = job["id"];
  EXPECT_EQ(job.value("adapter_name", ""), adapter["name"].get<std::string>());
  EXPECT_EQ(job.value("adapter_deleted", true), false);

  HttpResult preview = api().Get("/api/adapters/" + adapter_id + "/delete-preview");
  ASSERT_EQ(preview.status, 200) << preview.Describe();
  EXPECT_EQ(preview.json(), Json({{"adapter_id", adapter_id}, {"jobs_count", 1}}));

  Json stats_before = Get("/api/adapters/stats");
  HttpResult del = api().Delete("/api/adapters/" + adapter_id);
  ASSERT_EQ(del.status, 200) << del.Describe();
  EXPECT_EQ(del.json(), Json({{"status", "deleted"}, {"adapter_id", adapter_id}}));

  // Gone from the default views.
  EXPECT_EQ(api().Get("/api/adapters/" + adapter_id).status, 404);
  EXPECT_FALSE(FindItem(Get("/api/adapters?limit=100"), adapter_id).is_object());
  EXPECT_FALSE(FindItem(Get("/api/adapters?limit=100&active_only=true"), adapter_id).is_object());
  Json stats_after = Get("/api/adapters/stats");
  EXPECT_EQ(stats_after.value("total", -1), stats_before.value("total", -1) - 1)
      << stats_before.dump() << " -> " << stats_after.dump();
  EXPECT_EQ(stats_after.value("active", -1), stats_before.value("active", -1) - 1);
  // Second delete, unknown id, edits of a deleted adapter: 404.
  EXPECT_EQ(api().Delete("/api/adapters/" + adapter_id).status, 404);
  EXPECT_EQ(api().Delete("/api/adapters/" + NewUuid()).status, 404);
  EXPECT_EQ(api().Patch("/api/adapters/" + adapter_id, {{"description", "x"}}).status, 404);
  EXPECT_EQ(api().Get("/api/adapters/" + adapter_id + "/delete-preview").status, 404);

  // Administrators see it, deleted and inactive.
  HttpResult all = api().Get("/api/adapters?limit=100&include_deleted=true",
                             server().AdminHeaders());
  ASSERT_EQ(all.status, 200) << all.Describe();
  Json item = FindItem(all.json(), adapter_id);
  ASSERT_TRUE(item.is_object()) << "deleted adapter missing under include_deleted";
  EXPECT_TRUE(item["deleted_at"].is_string()) << item.dump();
  EXPECT_EQ(item.value("is_active", true), false) << item.dump();
  HttpResult one = api().Get("/api/adapters/" + adapter_id + "?include_deleted=true",
                             server().AdminHeaders());
  ASSERT_EQ(one.status, 200) << one.Describe();
  EXPECT_TRUE(one.json()["deleted_at"].is_string()) << one.body;

  // No new generation with it: exactly this answer.
  HttpResult gen = api().Post("/api/generate", {{"prompt_id", NewPrompt()},
                                                {"num_samples", 1},
                                                {"duration", 1},
                                                {"adapter_id", adapter_id}});
  EXPECT_EQ(gen.status, 400) << gen.Describe();
  EXPECT_EQ(gen.json(), Json({{"detail", kDeletedAdapterDetail}}));

  // No cascade: the job keeps its reference and shows "Deleted Adapter".
  Json detail = Get("/api/jobs/" + job_id);
  EXPECT_EQ(detail.value("adapter_id", ""), adapter_id);
  EXPECT_EQ(detail.value("adapter_name", ""), "Deleted Adapter");
  EXPECT_EQ(detail.value("adapter_deleted", false), true);
  EXPECT_EQ(detail.value("status", ""), "completed");
  Json listed = FindItem(Get("/api/jobs?limit=100"), job_id);
  ASSERT_TRUE(listed.is_object());
  EXPECT_EQ(listed.value("adapter_name", ""), "Deleted Adapter");
  EXPECT_EQ(listed.value("adapter_deleted", false), true);
  Json filtered = FindItem(Get("/api/jobs?limit=100&adapter_id=" + adapter_id), job_id);
  EXPECT_TRUE(filtered.is_object()) << "jobs filtered by a deleted adapter lost the job";
  const std::string audio_id = detail["audio_ids"][0];
  Json audio = Get("/api/audio/" + audio_id);
  EXPECT_EQ(audio.value("adapter_id", ""), adapter_id);
  EXPECT_EQ(api().Get("/api/audio/" + audio_id + "/stream").status, 200);
}

TEST_F(AdapterDeleteTest, UnknownAdapterIs404AndInactiveAdapterIs400) {
  const std::string prompt_id = NewPrompt();
  auto generate = [&](const std::string& adapter_id) {
    return api().Post("/api/generate", {{"prompt_id", prompt_id},
                                        {"num_samples", 1},
                                        {"duration", 1},
                                        {"adapter_id", adapter_id}});
  };
  Json stats_before = Get("/api/jobs/stats");
  HttpResult unknown = generate(NewUuid());
  EXPECT_EQ(unknown.status, 404) << unknown.Describe();

  Json created_inactive = server().CreateAdapter(TestServer::UniqueName("off"), Json::object(),
                                                 {{"is_active", false}});
  ASSERT_TRUE(created_inactive.is_object());
  EXPECT_EQ(created_inactive.value("is_active", true), false);
  HttpResult inactive = generate(created_inactive["id"]);
  EXPECT_EQ(inactive.status, 400) << inactive.Describe();
  EXPECT_TRUE(inactive.json().contains("detail"));

  Json deactivated = server().CreateAdapter(TestServer::UniqueName("soon-off"));
  ASSERT_TRUE(deactivated.is_object());
  HttpResult patch = api().Patch("/api/adapters/" + deactivated["id"].get<std::string>(),
                                 {{"is_active", false}});
  ASSERT_EQ(patch.status, 200) << patch.Describe();
  EXPECT_EQ(patch.json().value("is_active", true), false);
  EXPECT_EQ(generate(deactivated["id"]).status, 400);
  EXPECT_EQ(Get("/api/jobs/stats"), stats_before) << "a refused generation created a job";

  // Re-activated, it works again.
  ASSERT_EQ(api().Patch("/api/adapters/" + deactivated["id"].get<std::string>(),
                        {{"is_active", true}})
                .status,
            200);
  HttpResult ok = generate(deactivated["id"]);
  EXPECT_EQ(ok.status, 201) << ok.Describe();
}

TEST_F(AdapterDeleteTest, JobQueuedBeforeTheDeleteStillRunsWithTheAdapter) {
  // Two adapters with the same style: a job on the one deleted while the job
  // waits must sound exactly like a job on the live twin (same prompt, seed).
  const Json style = {{"tempo_scale", 1.3}, {"transpose", -3}, {"swing", 0.3}};
  Json doomed = server().CreateAdapter(TestServer::UniqueName("doomed"), style);
  Json twin = server().CreateAdapter(TestServer::UniqueName("twin"), style);
  ASSERT_TRUE(doomed.is_object() && twin.is_object());
  const std::string prompt_id = NewPrompt();
  ASSERT_FALSE(prompt_id.empty());

  Json blocker = server().SubmitJob(2, 20);
  ASSERT_TRUE(blocker.is_object());
  Json queued = server().Generate({{"prompt_id", prompt_id},
                                   {"num_samples", 1},
                                   {"duration", 2},
                                   {"seed", 4242},
                                   {"adapter_id", doomed["id"]}});
  ASSERT_TRUE(queued.is_object());
  EXPECT_EQ(queued.value("adapter_name", ""), doomed["name"].get<std::string>());
  ASSERT_EQ(api().Delete("/api/adapters/" + doomed["id"].get<std::string>()).status, 200);
  EXPECT_EQ(Get("/api/generate/" + queued["id"].get<std::string>()).value("status", ""), "queued")
      << "the test needs the job to be still queued when its adapter is deleted";
  // Free the worker.
  ASSERT_EQ(api().Delete("/api/jobs/" + blocker["id"].get<std::string>()).status, 200);

  Json done = server().WaitForJob(queued["id"], {"completed", "failed", "cancelled"});
  ASSERT_EQ(done.value("status", ""), "completed") << done.dump();
  Json detail = Get("/api/jobs/" + queued["id"].get<std::string>());
  EXPECT_EQ(detail.value("adapter_id", ""), doomed["id"].get<std::string>());
  EXPECT_EQ(detail.value("adapter_name", ""), "Deleted Adapter");
  EXPECT_EQ(detail.value("adapter_deleted", false), true);

  auto render = [&](const Json& extra) {
    Json body = {{"prompt_id", prompt_id}, {"num_samples", 1}, {"duration", 2}, {"seed", 4242}};
    body.update(extra);
    Json job = server().Generate(body);
    if (!job.is_object()) return std::string();
    Json d = server().WaitForJob(job["id"], {"completed", "failed"});
    if (d.value("status", "") != "completed") return std::string();
    return api().Get("/api/audio/" + d["audio_ids"][0].get<std::string>() + "/stream").body;
  };
  Json done_detail = Get("/api/jobs/" + queued["id"].get<std::string>());
  const std::string doomed_audio =
      api().Get("/api/audio/" + done_detail["audio_ids"][0].get<std::string>() + "/stream").body;
  const std::string twin_audio = render({{"adapter_id", twin["id"]}});
  const std::string twin_again = render({{"adapter_id", twin["id"]}});
  const std::string plain_audio = render(Json::object());
  // FluidSynth's dither may differ by a least significant bit between two
  // renders; a different style changes the music itself.
  ASSERT_LE(MaxSampleDifference(twin_audio, twin_again), 4)
      << "two identical requests gave different audio, so this test cannot tell which style a "
         "job was rendered with (see AudioTest.SameRequestGivesTheSameAudio)";
  EXPECT_LE(MaxSampleDifference(doomed_audio, twin_audio), 4)
      << "the job queued before its adapter was deleted was not rendered with that adapter";
  EXPECT_GT(MaxSampleDifference(doomed_audio, plain_audio), 1000)
      << "the adapter style made no audible difference";
}

TEST_F(AdapterDeleteTest, NameIsUniqueAmongLiveAdaptersOnly) {
  const std::string name = TestServer::UniqueName("lofi");
  Json first = server().CreateAdapter(name);
  ASSERT_TRUE(first.is_object());
  HttpResult clash = api().Post("/api/adapters", {{"name", name}});
  EXPECT_EQ(clash.status, 409) << clash.Describe();
  EXPECT_TRUE(clash.json().contains("detail"));

  // Renaming another live adapter onto the name clashes too.
  Json other = server().CreateAdapter(TestServer::UniqueName("other"));
  ASSERT_TRUE(other.is_object());
  HttpResult rename = api().Patch("/api/adapters/" + other["id"].get<std::string>(),
                                  {{"name", name}});
  EXPECT_EQ(rename.status, 409) << rename.Describe();

  ASSERT_EQ(api().Delete("/api/adapters/" + first["id"].get<std::string>()).status, 200);
  HttpResult reuse = api().Post("/api/adapters", {{"name", name}});
  ASSERT_EQ(reuse.status, 201) << reuse.Describe();
  EXPECT_NE(reuse.json().value("id", ""), first["id"].get<std::string>());
  EXPECT_EQ(reuse.json().value("name", ""), name);
  // And once more: the live holder blocks it again.
  EXPECT_EQ(api().Post("/api/adapters", {{"name", name}}).status, 409);
  // The old row keeps its name under include_deleted.
  HttpResult old = api().Get("/api/adapters/" + first["id"].get<std::string>() +
                                 "?include_deleted=true",
                             server().AdminHeaders());
  ASSERT_EQ(old.status, 200) << old.Describe();
  EXPECT_EQ(old.json().value("name", ""), name);
}

TEST_F(AdapterDeleteTest, AdapterShapeAndConfigValidation) {
  Json adapter = server().CreateAdapter(TestServer::UniqueName("shape"), {{"swing", 0.2}},
                                        {{"description", "swingy"}});
  ASSERT_TRUE(adapter.is_object());
  for (const char* key : {"id", "name", "description", "base_model", "storage_path", "config",
                          "is_active", "status", "current_version", "created_at",
                          "updated_at"}) {
    EXPECT_TRUE(adapter.contains(key)) << key << " missing: " << adapter.dump();
  }
  EXPECT_EQ(adapter["config"], Json({{"swing", 0.2}}));
  HttpResult bad = api().Post("/api/adapters", {{"name", TestServer::UniqueName("bad")},
                                                {"config", {{"no_such_knob", 1}}}});
  EXPECT_EQ(bad.status, 422) << bad.Describe();
  HttpResult archived = api().Patch("/api/adapters/" + adapter["id"].get<std::string>(),
                                    {{"status", "archived"}});
  ASSERT_EQ(archived.status, 200) << archived.Describe();
  EXPECT_EQ(archived.json().value("status", ""), "archived");
  Json listed = Get("/api/adapters?status=archived&limit=100");
  EXPECT_TRUE(FindItem(listed, adapter["id"]).is_object());
}

}  // namespace
}  // namespace studio::testing
