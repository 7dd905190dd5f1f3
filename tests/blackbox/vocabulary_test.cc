// Black-box: GET /api/vocabulary says exactly what validation accepts. Every
// listed instrument is accepted by POST /api/prompts and an unlisted one is
// 422; every range of "limits" is accepted at its ends and refused just past
// them; every adapter_config key is accepted at its min and max (and its
// choices), refused past them, and an unlisted key is 422.
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "support/test_server.h"

namespace studio::testing {
namespace {

class VocabularyTest : public SharedServerTest<VocabularyTest> {
 public:
  static TestServerOptions ServerOptions() {
    TestServerOptions o;
    o.workers = 0;  // nothing here renders
    return o;
  }

 protected:

  static int PostPrompt(const Json& attributes) {
    return api().Post("/api/prompts", {{"text", "vocabulary check"}, {"attributes", attributes}}).status;
  }
  static int PostAdapter(const Json& config) {
    return api()
        .Post("/api/adapters", {{"name", TestServer::UniqueName("vocab")}, {"config", config}})
        .status;
  }
};

TEST_F(VocabularyTest, ShapeAndStableAnswer) {
  Json v = Get("/api/vocabulary");
  ASSERT_TRUE(v.is_object());
  for (const char* key : {"instrument_families", "instruments", "modes", "moods", "styles",
                          "adapter_config", "limits"}) {
    EXPECT_TRUE(v.contains(key)) << key;
  }
  EXPECT_EQ(v["instruments"].size(), 53u);  // SPEC section 2's list
  std::set<std::string> families;
  for (const Json& f : v["instrument_families"]) families.insert(f["id"].get<std::string>());
  for (const Json& i : v["instruments"]) {
    EXPECT_TRUE(families.count(i["family"].get<std::string>())) << i.dump();
    EXPECT_TRUE(i["maps_to"].contains("kind")) << i.dump();
  }
  EXPECT_EQ(api().Get("/api/vocabulary").body, api().Get("/api/vocabulary").body);
}

TEST_F(VocabularyTest, EveryListedInstrumentIsAcceptedAndNoOther) {
  Json v = Get("/api/vocabulary");
  ASSERT_TRUE(v.is_object());
  for (const Json& i : v["instruments"]) {
    const std::string name = i["name"];
    EXPECT_EQ(PostPrompt({{"primary_instruments", {name}}}), 201) << name;
    EXPECT_EQ(PostPrompt({{"secondary_instruments", {name}}}), 201) << name;
  }
  EXPECT_EQ(PostPrompt({{"primary_instruments", {"kazoo"}}}), 422);
  EXPECT_EQ(PostPrompt({{"secondary_instruments", {"Acoustic-Piano"}}}), 422);
  // A style-only sound of the engine is not a prompt instrument.
  EXPECT_EQ(PostPrompt({{"primary_instruments", {"timpani"}}}), 422);
  // At most limits.instruments.max names per list.
  const int max = v["limits"]["instruments"]["max"];
  Json names = Json::array();
  for (int k = 0; k <= max; ++k) names.push_back(v["instruments"][k % 5]["name"]);
  EXPECT_EQ(PostPrompt({{"primary_instruments", names}}), 422);
  names.erase(names.size() - 1);
  EXPECT_EQ(PostPrompt({{"primary_instruments", names}}), 201);
}

TEST_F(VocabularyTest, PromptLimitsMatchValidation) {
  Json l = Get("/api/vocabulary")["limits"];
  ASSERT_TRUE(l.is_object());
  for (const char* key : {"tempo", "duration"}) {
    const int lo = l[key]["min"], hi = l[key]["max"];
    EXPECT_EQ(PostPrompt({{key, lo}}), 201) << key;
    EXPECT_EQ(PostPrompt({{key, hi}}), 201) << key;
    EXPECT_EQ(PostPrompt({{key, lo - 1}}), 422) << key;
    EXPECT_EQ(PostPrompt({{key, hi + 1}}), 422) << key;
  }
  EXPECT_EQ(l["tempo"]["min"], 40);
  EXPECT_EQ(l["tempo"]["max"], 200);
  const size_t text_max = l["text"]["max"];
  EXPECT_EQ(api().Post("/api/prompts", {{"text", std::string(text_max, 'a')}}).status, 201);
  EXPECT_EQ(api().Post("/api/prompts", {{"text", std::string(text_max + 1, 'a')}}).status, 422);
  EXPECT_EQ(api().Post("/api/prompts", {{"text", " "}}).status, 422);
}

TEST_F(VocabularyTest, GenerationLimitsMatchValidation) {
  Json l = Get("/api/vocabulary")["limits"];
  ASSERT_TRUE(l.is_object());
  const std::string prompt = server().CreatePrompt("limits of generation");
  ASSERT_FALSE(prompt.empty());
  auto submit = [&](const char* key, const Json& value) {
    Json body = {{"prompt_id", prompt}, {"duration", 1}};
    body[key] = value;
    return api().Post("/api/generate", body).status;
  };
  for (const char* key : {"num_samples", "top_k", "duration"}) {
    const int lo = l[key]["min"], hi = l[key]["max"];
    EXPECT_EQ(submit(key, lo), 201) << key;
    EXPECT_EQ(submit(key, hi), 201) << key;
    EXPECT_EQ(submit(key, lo - 1), 422) << key;
    EXPECT_EQ(submit(key, hi + 1), 422) << key;
  }
  for (const char* key : {"temperature", "top_p"}) {
    const double lo = l[key]["min"], hi = l[key]["max"];
    EXPECT_EQ(submit(key, lo), 201) << key;
    EXPECT_EQ(submit(key, hi), 201) << key;
    EXPECT_EQ(submit(key, lo - 0.01), 422) << key;
    EXPECT_EQ(submit(key, hi + 0.01), 422) << key;
  }
}

TEST_F(VocabularyTest, AdapterConfigKeysMatchValidation) {
  Json v = Get("/api/vocabulary");
  ASSERT_TRUE(v.is_object());
  for (const Json& k : v["adapter_config"]) {
    const std::string key = k["key"], type = k["type"];
    if (type == "number" || type == "integer") {
      const double lo = k["min"], hi = k["max"];
      const double step = type == "integer" ? 1 : 0.01;
      EXPECT_EQ(PostAdapter({{key, k["min"]}}), 201) << key;
      EXPECT_EQ(PostAdapter({{key, k["max"]}}), 201) << key;
      EXPECT_EQ(PostAdapter({{key, lo - step}}), 422) << key;
      EXPECT_EQ(PostAdapter({{key, hi + step}}), 422) << key;
    } else if (type == "mode") {
      ASSERT_EQ(k["choices"], v["modes"]);
      for (const Json& mode : k["choices"]) EXPECT_EQ(PostAdapter({{key, mode}}), 201) << mode;
      EXPECT_EQ(PostAdapter({{key, "locrian"}}), 422);
    } else if (type == "instrument_overrides") {
      for (const Json& role : k["roles"]) {
        const std::string r = role;
        const std::string instrument = r == "drums" ? "909-drums" : "cello";
        EXPECT_EQ(PostAdapter({{key, {{r, instrument}}}}), 201) << r;
      }
      EXPECT_EQ(PostAdapter({{key, {{"solo", "cello"}}}}), 422);
    } else {
      ADD_FAILURE() << "unexpected type " << type << " of " << key;
    }
  }
  EXPECT_EQ(PostAdapter({{"tempo_scael", 1.0}}), 422);
  // PATCH validates the same way.
  Json adapter = server().CreateAdapter(TestServer::UniqueName("vocab-patch"));
  ASSERT_TRUE(adapter.is_object());
  const std::string target = "/api/adapters/" + adapter["id"].get<std::string>();
  EXPECT_EQ(api().Patch(target, {{"config", {{"transpose", 13}}}}).status, 422);
  EXPECT_EQ(api().Patch(target, {{"config", {{"transpose", 12}}}}).status, 200);
}

}  // namespace
}  // namespace studio::testing
