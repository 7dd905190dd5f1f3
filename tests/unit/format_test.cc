// Text formats: timestamps and the streaming JSON writer.
#include <gtest/gtest.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <random>

#include "http/json_io.h"
#include "http/json_writer.h"
#include "util/time_format.h"

namespace studio {
namespace {

TEST(TimeFormat, RoundTripsAndAgreesWithGmtime) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    Micros t = static_cast<Micros>(rng() % (4102444800LL * 1000000));
    std::string text = FormatIsoMicros(t);
    ASSERT_EQ(text.size(), 27u);
    ASSERT_EQ(ParseIsoTime(text), t) << text;
    std::time_t secs = t / 1000000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char expected[32];
    std::strftime(expected, sizeof expected, "%Y-%m-%dT%H:%M:%S", &tm);
    ASSERT_EQ(text.substr(0, 19), expected);
  }
  EXPECT_EQ(FormatIsoMicros(1'795'764'961'123'456), "2026-11-27T07:36:01.123456Z");
  EXPECT_EQ(ParseIsoTime("2026-11-27"), ParseIsoTime("2026-11-27T00:00:00Z"));
  EXPECT_FALSE(ParseIsoTime("2026-13-01").has_value());
  EXPECT_FALSE(ParseIsoTime("yesterday").has_value());
}

TEST(TimeFormatTest, ParseIsoTimeChecksTheCalendar) {
  for (const char* impossible : {"2026-02-29", "2026-02-30", "2026-04-31", "2026-06-31",
                                 "2026-09-31", "2026-11-31", "2026-02-31T10:00:00Z",
                                 "1900-02-29", "2026-01-32", "2026-01-00"}) {
    EXPECT_FALSE(ParseIsoTime(impossible).has_value()) << impossible;
  }
  for (const char* real : {"2028-02-29", "2000-02-29", "2026-01-31", "2026-04-30",
                           "2026-12-31T23:59:59Z"}) {
    EXPECT_TRUE(ParseIsoTime(real).has_value()) << real;
  }
}

TEST(JsonWriter, WritesValidJsonWithEscapes) {
  std::string out;
  JsonWriter w(&out);
  std::string nasty = "quote\" backslash\\ newline\n tab\t bell\x07 é ✓";
  w.BeginObject()
      .Key("s").String(nasty)
      .Key("n").Int(-42)
      .Key("d").Double(0.25)
      .Key("inf").Double(1.0 / 0.0)
      .Key("b").Bool(true)
      .Key("z").Null()
      .Key("a").BeginArray().Int(1).BeginObject().EndObject().BeginArray().EndArray().EndArray()
      .Key("raw").Raw(R"({"x":[1,2]})")
      .EndObject();
  nlohmann::json parsed = nlohmann::json::parse(out);
  EXPECT_EQ(parsed["s"], nasty);
  EXPECT_EQ(parsed["n"], -42);
  EXPECT_EQ(parsed["d"], 0.25);
  EXPECT_TRUE(parsed["inf"].is_null());
  EXPECT_EQ(parsed["b"], true);
  EXPECT_TRUE(parsed["z"].is_null());
  EXPECT_EQ(parsed["a"].dump(), "[1,{},[]]");
  EXPECT_EQ(parsed["raw"]["x"].dump(), "[1,2]");
}

TEST(JobJson, HasEveryContractFieldAndLabelsDeletedAdapters) {
  Job job;
  job.id = "11111111-1111-4111-8111-111111111111";
  job.prompt_id = "22222222-2222-4222-8222-222222222222";
  job.adapter_id = "33333333-3333-4333-8333-333333333333";
  job.adapter_name = "lofi";
  job.adapter_deleted = true;
  job.audio_ids = {"a", "b"};
  job.created_at = 1'795'764'961'123'456;
  job.deleted_at = job.created_at + 5;
  nlohmann::json j = nlohmann::json::parse(JobJson(job, /*with_deleted_at=*/true));
  for (const char* key : {"id", "prompt_id", "prompt_preview", "adapter_id", "adapter_name",
                          "adapter_deleted", "status", "progress", "num_samples", "audio_ids",
                          "error", "generation_params", "duration_seconds", "created_at",
                          "completed_at", "deleted_at"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["adapter_name"], "Deleted Adapter");
  EXPECT_EQ(j["audio_ids"].size(), 2u);
  EXPECT_EQ(j["created_at"], "2026-11-27T07:36:01.123456Z");
  EXPECT_FALSE(nlohmann::json::parse(JobJson(job, false)).contains("deleted_at"));
}

}  // namespace
}  // namespace studio
