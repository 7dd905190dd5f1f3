// ParseTrainingOptions (src/training/trainer.h): a table of good and bad
// run configs.
#include <gtest/gtest.h>

#include "support/status_matchers.h"
#include "training/trainer.h"

namespace studio {
namespace {

TEST(TrainingOptionsTest, DefaultsAndEmptyConfigs) {
  for (const char* text : {"", "null", "{}"}) {
    TrainingOptions o;
    o.steps = 7;
    ASSERT_OK(ParseTrainingOptions(text, &o)) << text;
    EXPECT_EQ(o.steps, 200) << text;
    EXPECT_EQ(o.regularization, 1.0);
    EXPECT_EQ(o.heldout_fraction, 0.2);
    EXPECT_EQ(o.learning_rate, 0.1);
    EXPECT_EQ(o.l2, 0.01);
  }
}

TEST(TrainingOptionsTest, ReadsEveryKeyAndAcceptsTheCallersKeys) {
  TrainingOptions o;
  ASSERT_OK(ParseTrainingOptions(R"({"regularization":2.5,"heldout_fraction":0.3,"steps":1000,
      "learning_rate":0.05,"l2":0,"base_adapter_id":"1b4e28ba-2fa1-11d2-883f-0016d3cca427",
      "adapter_name":"slow lofi","version_of":"0b1c2d3e-0000-4000-8000-000000000001"})", &o));
  EXPECT_EQ(o.regularization, 2.5);
  EXPECT_EQ(o.heldout_fraction, 0.3);
  EXPECT_EQ(o.steps, 1000);
  EXPECT_EQ(o.learning_rate, 0.05);
  EXPECT_EQ(o.l2, 0);
  ASSERT_OK(ParseTrainingOptions(R"({"steps":300.0})", &o));
  EXPECT_EQ(o.steps, 300);
}

TEST(TrainingOptionsTest, BadValuesNameTheirKey) {
  const struct {
    const char* config;
    const char* key;
  } kBad[] = {
      {R"({"regularization":0})", "regularization"},     {R"({"regularization":-1})", "regularization"},
      {R"({"regularization":"high"})", "regularization"}, {R"({"heldout_fraction":0.6})", "heldout_fraction"},
      {R"({"heldout_fraction":0.01})", "heldout_fraction"}, {R"({"steps":5})", "steps"},
      {R"({"steps":5001})", "steps"},                      {R"({"steps":20.5})", "steps"},
      {R"({"steps":true})", "steps"},                      {R"({"learning_rate":0})", "learning_rate"},
      {R"({"learning_rate":2})", "learning_rate"},         {R"({"l2":-0.1})", "l2"},
      {R"({"l2":null})", "l2"},                            {R"({"epochs":3})", "epochs"},
      {R"([1])", "object"},                                {R"({"steps":)", "JSON"},
  };
  for (const auto& bad : kBad) {
    TrainingOptions o;
    const Status st = ParseTrainingOptions(bad.config, &o);
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << bad.config;
    EXPECT_NE(st.message().find(bad.key), std::string::npos) << bad.config << " -> " << st.message();
  }
}

TEST(TrainingOptionsTest, ValidateChecksHandBuiltOptions) {
  TrainingOptions o;
  EXPECT_OK(ValidateTrainingOptions(o));
  o.heldout_fraction = 0.9;
  const Status st = ValidateTrainingOptions(o);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("heldout_fraction must be a number between 0.05 and 0.5"), std::string::npos)
      << st.message();
}

}  // namespace
}  // namespace studio
