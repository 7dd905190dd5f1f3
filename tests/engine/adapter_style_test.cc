// Adapter configs: every key is checked, and a config the engine cannot
// honour is rejected with a message that names the key.
#include "engine/adapter_style.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/vocabulary.h"

namespace studio {
namespace {

TEST(AdapterStyleTest, EmptyConfigsAreTheNeutralStyle) {
  for (const char* config : {"", "  ", "{}", "null"}) {
    AdapterStyle style;
    style.transpose = 5;  // must be reset
    ASSERT_TRUE(ParseAdapterStyle(config, &style).ok()) << config;
    EXPECT_EQ(style.tempo_scale, 1.0);
    EXPECT_EQ(style.transpose, 0);
    EXPECT_FALSE(style.swing.has_value());
    EXPECT_EQ(style.note_density, 1.0);
    EXPECT_EQ(style.velocity_scale, 1.0);
    EXPECT_FALSE(style.reverb.has_value());
    EXPECT_FALSE(style.chorus.has_value());
    EXPECT_FALSE(style.mode.has_value());
    EXPECT_TRUE(style.instrument_overrides.empty());
  }
}

TEST(AdapterStyleTest, ParsesEveryKey) {
  AdapterStyle style;
  Status s = ParseAdapterStyle(R"({
      "tempo_scale": 1.25, "transpose": -3, "swing": 0.33, "note_density": 0.5,
      "velocity_scale": 1.2, "reverb": 0.7, "chorus": 0, "mode": "dorian",
      "instrument_overrides": {"lead": "flute", "bass": "synth-bass", "drums": "808-drums",
                               "pad": "choir", "chords": "harp"}})",
                               &style);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(style.tempo_scale, 1.25);
  EXPECT_EQ(style.transpose, -3);
  EXPECT_EQ(style.swing, 0.33);
  EXPECT_EQ(style.note_density, 0.5);
  EXPECT_EQ(style.velocity_scale, 1.2);
  EXPECT_EQ(style.reverb, 0.7);
  EXPECT_EQ(style.chorus, 0.0);
  EXPECT_EQ(style.mode, "dorian");
  EXPECT_EQ(style.instrument_overrides.at("lead"), "flute");
  EXPECT_EQ(style.instrument_overrides.at("drums"), "808-drums");
  EXPECT_EQ(style.instrument_overrides.size(), 5u);
}

TEST(AdapterStyleTest, EnergyIsAnAliasOfVelocityScale) {
  AdapterStyle style;
  ASSERT_TRUE(ParseAdapterStyle(R"({"energy": 0.8})", &style).ok());
  EXPECT_EQ(style.velocity_scale, 0.8);
  ASSERT_TRUE(ParseAdapterStyle(R"({"energy": 0.8, "velocity_scale": 0.8})", &style).ok());
  EXPECT_EQ(style.velocity_scale, 0.8);
}

TEST(AdapterStyleTest, IntegralFloatTransposeIsAccepted) {
  AdapterStyle style;
  ASSERT_TRUE(ParseAdapterStyle(R"({"transpose": 2.0})", &style).ok());
  EXPECT_EQ(style.transpose, 2);
}

TEST(AdapterStyleTest, BoundaryValuesAreAccepted) {
  AdapterStyle style;
  for (const char* config :
       {R"({"tempo_scale": 0.5})", R"({"tempo_scale": 2})", R"({"transpose": -12})",
        R"({"transpose": 12})", R"({"swing": 0})", R"({"swing": 0.5})",
        R"({"note_density": 0.25})", R"({"note_density": 2.0})", R"({"velocity_scale": 0.5})",
        R"({"energy": 1.5})", R"({"reverb": 1})", R"({"chorus": 1.0})",
        R"({"mode": "pentatonic"})", R"({"instrument_overrides": {}})",
        R"({"instrument_overrides": {"drums": "taiko-drums"}})"}) {
    Status s = ParseAdapterStyle(config, &style);
    EXPECT_TRUE(s.ok()) << config << ": " << s.ToString();
  }
}

struct BadConfig {
  const char* json;
  const char* names;  // the message must mention this
};

TEST(AdapterStyleTest, BadConfigsAreRejectedNamingTheKey) {
  const std::vector<BadConfig> cases = {
      {"{", "JSON"},
      {"[1, 2]", "object"},
      {"\"lofi\"", "object"},
      {"42", "object"},
      {R"({"tempo": 120})", "config.tempo"},
      {R"({"Tempo_Scale": 1.0})", "config.Tempo_Scale"},
      {R"({"tempo_scale": 0.49})", "config.tempo_scale must be a number between 0.5 and 2.0"},
      {R"({"tempo_scale": 2.01})", "config.tempo_scale"},
      {R"({"tempo_scale": "fast"})", "config.tempo_scale"},
      {R"({"tempo_scale": null})", "config.tempo_scale"},
      {R"({"tempo_scale": true})", "config.tempo_scale"},
      {R"({"transpose": 13})", "config.transpose"},
      {R"({"transpose": -13})", "config.transpose"},
      {R"({"transpose": 1.5})", "config.transpose must be an integer"},
      {R"({"transpose": "2"})", "config.transpose"},
      {R"({"swing": 0.6})", "config.swing"},
      {R"({"swing": -0.1})", "config.swing"},
      {R"({"note_density": 0.2})", "config.note_density"},
      {R"({"note_density": 3})", "config.note_density"},
      {R"({"velocity_scale": 1.6})", "config.velocity_scale"},
      {R"({"energy": 0.4})", "config.energy"},
      {R"({"energy": 0.8, "velocity_scale": 1.2})", "config.energy"},
      {R"({"reverb": 1.5})", "config.reverb"},
      {R"({"reverb": -0.1})", "config.reverb"},
      {R"({"chorus": 2})", "config.chorus"},
      {R"({"mode": "locrian"})", "config.mode"},
      {R"({"mode": 1})", "config.mode"},
      {R"({"mode": "Minor"})", "config.mode"},
      {R"({"instrument_overrides": ["lead", "flute"]})", "config.instrument_overrides"},
      {R"({"instrument_overrides": {"melody": "flute"}})", "config.instrument_overrides.melody"},
      {R"({"instrument_overrides": {"lead": "kazoo"}})", "config.instrument_overrides.lead"},
      {R"({"instrument_overrides": {"lead": 7}})", "config.instrument_overrides.lead"},
      {R"({"instrument_overrides": {"drums": "flute"}})", "config.instrument_overrides.drums"},
      {R"({"instrument_overrides": {"bass": "808-drums"}})", "config.instrument_overrides.bass"},
      {R"({"instrument_overrides": {"pad": "vinyl-noise"}})", "config.instrument_overrides.pad"},
  };
  for (const BadConfig& c : cases) {
    AdapterStyle style;
    Status s = ParseAdapterStyle(c.json, &style);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << c.json;
    EXPECT_NE(s.message().find(c.names), std::string::npos)
        << c.json << " -> " << s.message() << " (expected to mention " << c.names << ")";
  }
}

// The parser honours every key of domain/vocabulary.h's table at both ends
// of its range, refuses just past them, and its neutral values are the
// table's defaults.
TEST(AdapterStyleTest, FollowsTheVocabularyTable) {
  using nlohmann::json;
  const AdapterStyle neutral;
  for (const AdapterConfigKey& k : AdapterConfigKeys()) {
    const std::string key(k.name);
    AdapterStyle style;
    switch (k.type) {
      case AdapterConfigKey::Type::kNumber:
      case AdapterConfigKey::Type::kInteger: {
        const double step = k.type == AdapterConfigKey::Type::kInteger ? 1 : 0.001;
        for (double v : {k.min, k.max}) {
          EXPECT_TRUE(ParseAdapterStyle(json{{key, v}}.dump(), &style).ok()) << key << " " << v;
        }
        for (double v : {k.min - step, k.max + step}) {
          Status s = ParseAdapterStyle(json{{key, v}}.dump(), &style);
          EXPECT_FALSE(s.ok()) << key << " " << v;
          EXPECT_NE(s.message().find("config." + key), std::string::npos) << s.message();
        }
        break;
      }
      case AdapterConfigKey::Type::kMode:
        for (Mode m : AllModes()) {
          EXPECT_TRUE(ParseAdapterStyle(json{{key, ModeName(m)}}.dump(), &style).ok());
          EXPECT_EQ(style.mode, ModeName(m));
        }
        break;
      case AdapterConfigKey::Type::kInstrumentOverrides:
        for (std::string_view role : AdapterOverrideRoles()) {
          const char* instrument = role == "drums" ? "808-drums" : "flute";
          EXPECT_TRUE(
              ParseAdapterStyle(json{{key, {{std::string(role), instrument}}}}.dump(), &style).ok())
              << role;
        }
        break;
    }
  }
  EXPECT_EQ(*FindAdapterConfigKey("tempo_scale")->default_value, neutral.tempo_scale);
  EXPECT_EQ(*FindAdapterConfigKey("transpose")->default_value, neutral.transpose);
  EXPECT_EQ(*FindAdapterConfigKey("note_density")->default_value, neutral.note_density);
  EXPECT_EQ(*FindAdapterConfigKey("velocity_scale")->default_value, neutral.velocity_scale);
  EXPECT_EQ(*FindAdapterConfigKey("energy")->default_value, neutral.velocity_scale);
  EXPECT_FALSE(FindAdapterConfigKey("swing")->default_value.has_value());
  EXPECT_FALSE(FindAdapterConfigKey("reverb")->default_value.has_value());
}

}  // namespace
}  // namespace studio
