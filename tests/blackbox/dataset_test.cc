// Black-box: the datasets API of docs/FEEDBACK_LOOP.md against the real
// server on both databases — create with a preview, list, get, delete,
// restore, trash, purge; export and download of every format (the JSON
// Lines, JSON and CSV parsed, the tar archives listed); datasets_affected in
// the delete previews and dry runs; 4xx with {"detail"} for bad input,
// changing nothing. Tests share one server, so each selects its own
// feedback by a tag no other test uses.
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/test_server.h"
#include "util/uuid.h"

namespace studio::testing {
namespace {

class DatasetApiTest : public SharedServerTest<DatasetApiTest> {
 protected:
  // A completed job of `samples` samples; their ids.
  static std::vector<std::string> Samples(int samples) {
    Json job = server().RunCompletedJob(samples, 1);
    EXPECT_FALSE(job.is_null());
    return job.is_null() ? std::vector<std::string>{} : job["audio_ids"].get<std::vector<std::string>>();
  }
  static std::string Feedback(const Json& body) {
    Json f = server().AddFeedback(body);
    return f.is_null() ? "" : f["id"].get<std::string>();
  }
  static Json Create(const Json& body) {
    HttpResult r = api().Post("/api/datasets", body);
    EXPECT_EQ(r.status, 201) << r.Describe();
    return r.json();
  }
  static Json Tagged(const std::string& tag) { return {{"required_tags", {tag}}}; }
  static void ExpectDetail(const HttpResult& r, int status) {
    EXPECT_EQ(r.status, status) << r.Describe();
    EXPECT_TRUE(r.json().is_object() && r.json().contains("detail")) << r.Describe();
  }
  static std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) out.push_back(line);
    }
    return out;
  }
  // The member names of a tar archive, as `tar -tf` lists them.
  static std::set<std::string> TarNames(const std::string& bytes) {
    const std::string dir = MakeTempDir("studio-tar");
    const std::string path = dir + "/export.tar";
    std::ofstream(path, std::ios::binary) << bytes;
    std::set<std::string> names;
    FILE* p = popen(("tar -tf " + path).c_str(), "r");
    char line[512];
    while (p && fgets(line, sizeof line, p)) {
      std::string s(line);
      while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
      names.insert(s);
    }
    if (p) EXPECT_EQ(pclose(p), 0) << "tar -tf failed";
    std::remove(path.c_str());
    std::remove(dir.c_str());
    return names;
  }
  static std::string TarMember(const std::string& bytes, const std::string& name) {
    const std::string dir = MakeTempDir("studio-tar");
    const std::string path = dir + "/export.tar";
    std::ofstream(path, std::ios::binary) << bytes;
    std::string out;
    FILE* p = popen(("tar -xOf " + path + " " + name).c_str(), "r");
    char buf[4096];
    for (size_t n; p && (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    if (p) pclose(p);
    std::remove(path.c_str());
    std::remove(dir.c_str());
    return out;
  }
};

TEST_F(DatasetApiTest, CreateListGetDeleteRestoreTrashPurge) {
  const std::string tag = TestServer::UniqueName("life");
  auto s = Samples(2);
  ASSERT_EQ(s.size(), 2u);
  Feedback({{"audio_id", s[0]}, {"rating", 5}, {"tags", {tag}}});
  Feedback({{"audio_id", s[1]}, {"rating", 2}, {"tags", {tag, "other"}}});

  HttpResult preview = api().Post("/api/datasets/preview", {{"type", "supervised"}, {"filter_query", Tagged(tag)}});
  ASSERT_EQ(preview.status, 200) << preview.Describe();
  EXPECT_EQ(preview.json()["count"], 2);
  Json narrowed = Tagged(tag);
  narrowed["min_rating"] = 3;
  EXPECT_EQ(api().Post("/api/datasets/preview", {{"type", "supervised"}, {"filter_query", narrowed}}).json()["count"], 1);

  Json d = Create({{"name", "Life " + tag}, {"description", "two ratings"}, {"type", "supervised"},
                   {"filter_query", Tagged(tag)}});
  ASSERT_TRUE(d.is_object());
  const std::string id = d["id"];
  EXPECT_EQ(d["sample_count"], 2);
  EXPECT_EQ(d["type"], "supervised");
  EXPECT_EQ(d["filter_query"], Tagged(tag));
  EXPECT_TRUE(d["export_path"].is_null());
  EXPECT_FALSE(d.contains("deleted_at"));
  EXPECT_EQ(Get("/api/datasets/" + id), d);

  Json list = Get("/api/datasets?limit=100");
  EXPECT_EQ(list["page"], 1);
  EXPECT_EQ(list["limit"], 100);
  ASSERT_FALSE(list["items"].empty());
  EXPECT_EQ(list["items"][0]["id"], id) << "newest first";

  Json del_preview = Get("/api/datasets/" + id + "/delete-preview");
  EXPECT_EQ(del_preview, (Json{{"dataset_id", id}, {"sample_count", 2}, {"experiments", 0}, {"runs", 0}}));
  HttpResult del = api().Delete("/api/datasets/" + id);
  ASSERT_EQ(del.status, 200) << del.Describe();
  EXPECT_EQ(del.json(), (Json{{"status", "deleted"}, {"dataset_id", id}}));
  ExpectDetail(api().Delete("/api/datasets/" + id), 404);
  ExpectDetail(api().Get("/api/datasets/" + id), 404);
  ExpectDetail(api().Get("/api/datasets/" + id + "/stats"), 404);
  Json with_deleted = Get("/api/datasets/" + id + "?include_deleted=true");
  EXPECT_TRUE(with_deleted["deleted_at"].is_string());
  for (const auto& item : Get("/api/datasets?limit=100")["items"]) EXPECT_NE(item["id"], id);

  Json trash = Get("/api/trash?type=datasets&limit=100");
  EXPECT_EQ(trash["type"], "datasets");
  bool found = false;
  for (const auto& item : trash["items"]) {
    if (item["id"] != id) continue;
    found = true;
    EXPECT_TRUE(item["deleted_at"].is_string());
    EXPECT_TRUE(item.contains("purge_after"));
    EXPECT_EQ(item["sample_count"], 2);
  }
  EXPECT_TRUE(found) << trash.dump();

  HttpResult restored = api().Post("/api/datasets/" + id + "/restore", Json::object());
  ASSERT_EQ(restored.status, 200) << restored.Describe();
  EXPECT_EQ(restored.json(), d);
  ExpectDetail(api().Post("/api/datasets/" + id + "/restore", Json::object()), 404);

  // Purge: only from the trash.
  ExpectDetail(api().Post("/api/admin/purge", {{"type", "datasets"}, {"ids", {id}}}), 404);
  ASSERT_EQ(api().Delete("/api/datasets/" + id).status, 200);
  HttpResult purged = api().Post("/api/admin/purge", {{"type", "datasets"}, {"ids", {id}}});
  ASSERT_EQ(purged.status, 200) << purged.Describe();
  EXPECT_EQ(purged.json()["datasets"], 1);
  ExpectDetail(api().Get("/api/datasets/" + id + "?include_deleted=true"), 404);
  std::string error;
  auto rows = server().QueryDb("SELECT COUNT(*) FROM dataset_members WHERE dataset_id = '" + id + "'", &error);
  ASSERT_TRUE(rows) << error;
  EXPECT_EQ((*rows)[0][0], "0") << "members went by cascade";
  Json audit = Get("/api/audit?entity=dataset&limit=5");
  ASSERT_GE(audit["items"].size(), 4u);
  EXPECT_EQ(audit["items"][0]["action"], "purge");
  EXPECT_EQ(audit["items"][0]["entity_id"], id);
}

TEST_F(DatasetApiTest, ExportAndDownloadEveryFormat) {
  const std::string tag = TestServer::UniqueName("export");
  auto s = Samples(2);
  ASSERT_EQ(s.size(), 2u);
  const std::string rated = Feedback({{"audio_id", s[0]}, {"rating", 4}, {"tags", {tag}}, {"notes", "a, \"quoted\" note"}});
  const std::string pref = Feedback({{"audio_id", s[0]}, {"preferred_over", s[1]}, {"tags", {tag}}});
  Json sup = Create({{"name", "Sup/ \"" + tag + "\""}, {"type", "supervised"}, {"filter_query", Tagged(tag)}});
  Json prf = Create({{"name", "pref-" + tag}, {"type", "preference"}, {"filter_query", Tagged(tag)}});
  const std::string sid = sup["id"], pid = prf["id"];
  ASSERT_EQ(sup["sample_count"], 1);
  ASSERT_EQ(prf["sample_count"], 1);

  for (const char* format : {"jsonl", "json", "csv", "huggingface", "tar"}) {
    SCOPED_TRACE(format);
    HttpResult e = api().Post("/api/datasets/" + sid + "/export", {{"format", format}});
    ASSERT_EQ(e.status, 200) << e.Describe();
    const std::string url = "/api/datasets/" + sid + "/download?format=" + format;
    EXPECT_EQ(e.json(), (Json{{"dataset_id", sid}, {"export_path", url}, {"sample_count", 1}, {"format", format}}));
    EXPECT_EQ(Get("/api/datasets/" + sid)["export_path"], url);
    HttpResult dl = api().Get(url);
    ASSERT_EQ(dl.status, 200) << dl.Describe();
    const std::string disposition = dl.Header("content-disposition");
    EXPECT_EQ(disposition.rfind("attachment; filename=\"Sup___", 0), 0u) << disposition;
    EXPECT_EQ(disposition.find('/'), std::string::npos) << disposition;
    const std::string f = format;
    if (f == "jsonl") {
      EXPECT_EQ(dl.Header("content-type"), "application/x-ndjson");
      auto lines = Lines(dl.body);
      ASSERT_EQ(lines.size(), 1u);
      Json row = Json::parse(lines[0]);
      EXPECT_EQ(row["feedback_id"], rated);
      EXPECT_EQ(row["audio_id"], s[0]);
      EXPECT_EQ(row["rating"], 4);
      EXPECT_EQ(row["prompt"], "calm lofi piano with soft drums");
      EXPECT_TRUE(row["prompt_attributes"].is_object());
      EXPECT_TRUE(row["generation_params"].contains("seed"));
      EXPECT_TRUE(row.contains("adapter"));
      EXPECT_TRUE(row.contains("style"));
      EXPECT_NE(disposition.find(".jsonl\""), std::string::npos);
    } else if (f == "json") {
      EXPECT_EQ(dl.Header("content-type"), "application/json");
      Json rows = dl.json();
      ASSERT_TRUE(rows.is_array()) << dl.body;
      ASSERT_EQ(rows.size(), 1u);
      EXPECT_EQ(rows[0]["notes"], "a, \"quoted\" note");
    } else if (f == "csv") {
      EXPECT_EQ(dl.Header("content-type").rfind("text/csv", 0), 0u);
      auto lines = Lines(dl.body);
      ASSERT_EQ(lines.size(), 2u) << dl.body;
      EXPECT_EQ(lines[0].rfind("feedback_id,audio_id,prompt,", 0), 0u) << lines[0];
      EXPECT_NE(lines[1].find("\"a, \"\"quoted\"\" note\""), std::string::npos) << lines[1];
    } else {
      EXPECT_EQ(dl.Header("content-type"), "application/x-tar");
      const std::string manifest = f == "huggingface" ? "metadata.jsonl" : "manifest.jsonl";
      EXPECT_EQ(TarNames(dl.body), (std::set<std::string>{manifest, "audio/" + s[0] + ".wav"}));
      auto lines = Lines(TarMember(dl.body, manifest));
      ASSERT_EQ(lines.size(), 1u);
      EXPECT_EQ(Json::parse(lines[0])["file_name"], "audio/" + s[0] + ".wav");
      EXPECT_EQ(TarMember(dl.body, "audio/" + s[0] + ".wav").substr(0, 4), "RIFF");
    }
  }

  // Preference rows: prompt, chosen, rejected; the tar holds both WAVs.
  HttpResult dl = api().Get("/api/datasets/" + pid + "/download?format=jsonl");
  ASSERT_EQ(dl.status, 200) << dl.Describe();
  Json row = Json::parse(Lines(dl.body).at(0));
  EXPECT_EQ(row["feedback_id"], pref);
  EXPECT_TRUE(row["prompt"].is_string());
  EXPECT_EQ(row["chosen"]["audio_id"], s[0]);
  EXPECT_EQ(row["rejected"]["audio_id"], s[1]);
  EXPECT_TRUE(row["chosen"].contains("style") && row["chosen"].contains("adapter"));
  dl = api().Get("/api/datasets/" + pid + "/download?format=tar");
  ASSERT_EQ(dl.status, 200);
  EXPECT_EQ(TarNames(dl.body),
            (std::set<std::string>{"manifest.jsonl", "audio/" + s[0] + ".wav", "audio/" + s[1] + ".wav"}));

  // Built at download time: a deleted feedback record is not in it.
  ASSERT_EQ(api().Delete("/api/feedback/" + rated).status, 200);
  EXPECT_EQ(Get("/api/datasets/" + sid)["sample_count"], 0);
  dl = api().Get("/api/datasets/" + sid + "/download?format=jsonl");
  ASSERT_EQ(dl.status, 200);
  EXPECT_TRUE(Lines(dl.body).empty()) << dl.body;
  EXPECT_TRUE(server().TmpFiles().empty()) << "no download is left behind";
}

TEST_F(DatasetApiTest, DeletePreviewsNameTheDatasetsAffected) {
  const std::string tag = TestServer::UniqueName("affected");
  Json job = server().RunCompletedJob(2, 1);
  ASSERT_FALSE(job.is_null());
  const std::string job_id = job["id"];
  auto s = job["audio_ids"].get<std::vector<std::string>>();
  const std::string a = Feedback({{"audio_id", s[0]}, {"rating", 4}, {"tags", {tag}}});
  const std::string b = Feedback({{"audio_id", s[1]}, {"rating", 3}, {"tags", {tag}}});
  Json d = Create({{"name", "Affected " + tag}, {"type", "supervised"}, {"filter_query", Tagged(tag)}});
  const Json expected_one = Json::array({{{"id", d["id"]}, {"name", d["name"]}, {"members_removed", 1}}});
  const Json expected_two = Json::array({{{"id", d["id"]}, {"name", d["name"]}, {"members_removed", 2}}});

  EXPECT_EQ(Get("/api/feedback/" + a + "/delete-preview"),
            (Json{{"feedback_id", a}, {"datasets_affected", expected_one}}));
  ExpectDetail(api().Get("/api/feedback/" + NewUuid() + "/delete-preview"), 404);
  EXPECT_EQ(Get("/api/jobs/" + job_id + "/delete-preview")["datasets_affected"], expected_two);
  HttpResult dry = api().Post("/api/jobs/bulk-delete", {{"ids", {job_id}}, {"dry_run", true}});
  ASSERT_EQ(dry.status, 200) << dry.Describe();
  EXPECT_EQ(dry.json()["datasets_affected"], expected_two);
  dry = api().Post("/api/feedback/bulk-delete", {{"ids", {a, b}}, {"dry_run", true}});
  ASSERT_EQ(dry.status, 200) << dry.Describe();
  EXPECT_EQ(dry.json()["datasets_affected"], expected_two);
  EXPECT_EQ(Get("/api/datasets/" + d["id"].get<std::string>())["sample_count"], 2) << "dry runs change nothing";

  HttpResult del = api().Delete("/api/jobs/" + job_id);
  ASSERT_EQ(del.status, 200);
  EXPECT_EQ(del.json()["feedback_deleted"], 2);
  EXPECT_EQ(Get("/api/datasets/" + d["id"].get<std::string>())["sample_count"], 0);
}

TEST_F(DatasetApiTest, BadInputIsA4xxThatChangesNothing) {
  const std::string tag = TestServer::UniqueName("bad");
  auto s = Samples(1);
  ASSERT_EQ(s.size(), 1u);
  Feedback({{"audio_id", s[0]}, {"rating", 4}, {"tags", {tag}}});
  const int64_t before = Get("/api/datasets?limit=1")["total"];
  ExpectDetail(api().Post("/api/datasets", {{"name", "x"}, {"type", "ranking"}}), 422);
  ExpectDetail(api().Post("/api/datasets", {{"type", "supervised"}}), 422);
  ExpectDetail(api().Post("/api/datasets/preview", {{"type", "supervised"}, {"filter_query", {{"min_ratin", 3}}}}), 422);
  ExpectDetail(api().Post("/api/datasets/preview", {{"type", "supervised"}, {"filter_query", {{"min_rating", 9}}}}), 422);
  ExpectDetail(api().Post("/api/datasets/preview",
                          {{"type", "supervised"}, {"filter_query", {{"min_rating", 4}, {"max_rating", 2}}}}),
               422);
  ExpectDetail(api().Post("/api/datasets/preview", {{"type", "supervised"}, {"filter_query", {{"adapter_id", "nope"}}}}), 422);
  ExpectDetail(api().Post("/api/datasets/preview", {{"type", "supervised"}, {"filter_query", {{"start_date", "yesterday"}}}}), 422);
  ExpectDetail(api().Post("/api/datasets/preview", {{"type", "supervised"}, {"filter_query", "min_rating=3"}}), 422);
  // Nothing matches: 400 and nothing created.
  HttpResult empty = api().Post("/api/datasets", {{"name", "empty"}, {"type", "preference"}, {"filter_query", Tagged(tag)}});
  ExpectDetail(empty, 400);
  EXPECT_EQ(empty.json()["detail"], "The filter matches no feedback");
  EXPECT_EQ(Get("/api/datasets?limit=1")["total"], before);

  const std::string unknown = NewUuid();
  ExpectDetail(api().Get("/api/datasets/" + unknown), 404);
  ExpectDetail(api().Get("/api/datasets/not-a-uuid"), 422);
  ExpectDetail(api().Post("/api/datasets/" + unknown + "/export", {{"format", "jsonl"}}), 404);
  ExpectDetail(api().Get("/api/datasets/" + unknown + "/download?format=jsonl"), 404);

  Json d = Create({{"name", "bad " + tag}, {"type", "supervised"}, {"filter_query", Tagged(tag)}});
  const std::string id = d["id"];
  ExpectDetail(api().Post("/api/datasets/" + id + "/export", {{"format", "xlsx"}}), 422);
  ExpectDetail(api().Get("/api/datasets/" + id + "/download"), 422);
  ExpectDetail(api().Get("/api/datasets/" + id + "/download?format=xlsx"), 422);
  EXPECT_TRUE(Get("/api/datasets/" + id)["export_path"].is_null()) << "a refused export records nothing";
  ASSERT_EQ(api().Delete("/api/datasets/" + id).status, 200);
  ExpectDetail(api().Post("/api/datasets/" + id + "/export", {{"format", "jsonl"}}), 404);
  ExpectDetail(api().Get("/api/datasets/" + id + "/download?format=jsonl"), 404);
}

TEST_F(DatasetApiTest, AudioCarriesItsStyleFeatures) {
  auto s = Samples(1);
  ASSERT_EQ(s.size(), 1u);
  Json audio = Get("/api/audio/" + s[0]);
  ASSERT_TRUE(audio.contains("style"));
  EXPECT_TRUE(audio["style"].is_null() || audio["style"].is_object()) << audio.dump();
}

}  // namespace
}  // namespace studio::testing
