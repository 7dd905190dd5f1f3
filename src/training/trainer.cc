// Train (training/trainer.h): gathers the usable examples, splits, fits the
// model (training/model.h), tests it on the held-out share and turns its
// weights into an adapter config and an explanation.
#include "training/trainer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>

#include "domain/vocabulary.h"
#include "training/features.h"
#include "training/model.h"
#include "util/hash.h"

namespace studio {
namespace {

using json = nlohmann::json;
using training::Feature;
using training::FeatureVector;
using training::Features;
using training::kFeatureCount;

// The most the config moves along one feature: one standard deviation of the
// training data, so the model is not trusted beyond the spread it saw.
constexpr double kMaxShiftSd = 1.0;
// A move smaller than this share of its key's range is left out.
constexpr double kNegligibleShare = 0.02;
// A control moves only when its weight is at least this many standard
// errors from zero, so that a feature the taste does not depend on is not
// moved by the noise in its weight.
constexpr double kMinWeightZ = 2.7;
// Significance: one-sided exact binomial p below this over at least
// kMinTestPairs independent held-out pairs.
constexpr double kSignificance = 0.05;
constexpr int64_t kMinTestPairs = 10;
// At most about this many loss points are recorded and logged.
constexpr int kMaxLossPoints = 200;

// How a feature's move becomes a change of an adapter control.
struct Control {
  Feature feature;
  std::string_view key;  // AdapterConfigKeys() name
  enum class Kind {
    kScale,     // base · 2^Δ (the feature is a log2)
    kAdd,       // base + Δ
    kSemitone,  // base + round(Δ)
    kAbsolute,  // the training samples' mean + Δ (the engine's value replaces the style's)
  } kind;
  const char* more;  // words for a positive and a negative move
  const char* less;
  const char* unit;  // after the signed amount in the explanation
};

constexpr Control kControls[] = {
    {Feature::kLog2Tempo, "tempo_scale", Control::Kind::kScale, "faster tempo", "slower tempo", " %"},
    {Feature::kNoteDensity, "note_density", Control::Kind::kAdd, "denser music", "sparser music",
     " note density"},
    {Feature::kSwing, "swing", Control::Kind::kAbsolute, "more swing", "less swing", ""},
    {Feature::kEnergy, "energy", Control::Kind::kAdd, "more energy", "less energy", ""},
    {Feature::kReverb, "reverb", Control::Kind::kAbsolute, "more reverb", "less reverb", ""},
    {Feature::kRegister, "transpose", Control::Kind::kSemitone, "a higher register", "a lower register",
     " semitones"},
    {Feature::kChorus, "chorus", Control::Kind::kAbsolute, "more chorus", "less chorus", ""},
};

struct Rated {
  const RatedExample* source;
  FeatureVector x;
  bool heldout;
};
struct Preference {
  const PreferenceExample* source;
  FeatureVector chosen, rejected;
  bool heldout;
};

// printf of up to three numbers, of any length.
std::string Format(const char* format, double a, double b = 0, double c = 0) {
  std::string s(std::snprintf(nullptr, 0, format, a, b, c), '\0');
  std::snprintf(s.data(), s.size() + 1, format, a, b, c);
  return s;
}

// "+0.08" / "−0.08" (a real minus sign, as in running text).
std::string Signed(double v, const char* format) {
  return (v < 0 ? "\u2212" : "+") + Format(format, std::abs(v));
}

double Round3(double v) { return std::round(v * 1000) / 1000; }

// The base config as an object; InvalidArgument for a non-object or a numeric
// key this file reads that is not a number within the engine's bounds.
Status ParseBase(const std::string& text, json* out) {
  *out = json::object();
  if (text.empty()) return Status::Ok();
  json base = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (base.is_null()) return Status::Ok();
  if (!base.is_object()) return Status::InvalidArgument("base config must be a JSON object");
  for (const auto& [key, value] : base.items()) {
    const AdapterConfigKey* info = FindAdapterConfigKey(key);
    if (!info) return Status::InvalidArgument("base config: unknown key \"" + key + "\"");
    if (info->type != AdapterConfigKey::Type::kNumber && info->type != AdapterConfigKey::Type::kInteger) continue;
    if (!value.is_number() || value.get<double>() < info->min || value.get<double>() > info->max) {
      return Status::InvalidArgument("base config: " + key + " must be a number between " +
                                     json(info->min).dump() + " and " + json(info->max).dump());
    }
  }
  *out = std::move(base);
  return Status::Ok();
}

std::string FeatureText(const FeatureVector& x) {
  std::string s;
  for (double v : x) s += Format("|%.17g", v);
  return s;
}

// Held-out evaluation: accuracy over every pair, and the significance test
// over independent pairs (each sample in at most one).
struct Evaluation {
  double accuracy = 0.5;
  int64_t pairs = 0;                   // pairs behind `accuracy`
  int64_t test_pairs = 0, test_correct = 0;
  double p_value = 1.0;
};

void EvaluateRatings(const std::vector<Rated>& heldout, const training::Standardiser& st,
                     const training::Model& model, double* credit, int64_t* pairs, int64_t* test_pairs,
                     int64_t* test_correct) {
  std::vector<std::pair<int, double>> scored;  // rating, score
  for (const Rated& r : heldout) scored.emplace_back(r.source->rating, model.Score(st.Z(r.x)));
  for (size_t i = 0; i < scored.size(); ++i) {
    for (size_t j = i + 1; j < scored.size(); ++j) {
      if (scored[i].first == scored[j].first) continue;
      const bool i_higher = scored[i].first > scored[j].first;
      const double diff = (scored[i].second - scored[j].second) * (i_higher ? 1 : -1);
      *credit += diff > 0 ? 1.0 : diff == 0 ? 0.5 : 0.0;
      ++*pairs;
    }
  }
  // Independent pairs: the samples in rating order (ties by id, which the
  // caller sorted by), the i-th of the lower half against the i-th of the
  // upper half; pairs with equal ratings are dropped. The pairing looks at
  // ratings only, never at the model, so under "no relation" each pair is a
  // fair coin. A tied score counts as wrong.
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  const size_t half = scored.size() / 2;
  for (size_t i = 0; i < half; ++i) {
    const auto& low = scored[i];
    const auto& high = scored[i + half];
    if (low.first == high.first) continue;
    ++*test_pairs;
    if (high.second > low.second) ++*test_correct;
  }
}

Evaluation Evaluate(const std::vector<Rated>& rated_heldout, const std::vector<Preference>& pref_heldout,
                    const training::Standardiser& st, const training::Model& model) {
  Evaluation e;
  double rated_credit = 0;
  int64_t rated_pairs = 0;
  EvaluateRatings(rated_heldout, st, model, &rated_credit, &rated_pairs, &e.test_pairs, &e.test_correct);
  double pref_credit = 0;
  for (const Preference& p : pref_heldout) {
    const double s = model.Score(st.Z(p.chosen)) - model.Score(st.Z(p.rejected));
    pref_credit += s > 0 ? 1.0 : s == 0 ? 0.5 : 0.0;
    ++e.test_pairs;
    if (s > 0) ++e.test_correct;
  }
  const int64_t pref_pairs = static_cast<int64_t>(pref_heldout.size());
  e.pairs = rated_pairs + pref_pairs;
  // Each kind's accuracy weighs by its number of held-out records, so the
  // quadratic number of rating pairs does not drown the preferences.
  const double rated_weight = rated_pairs > 0 ? double(rated_heldout.size()) : 0;
  const double pref_weight = double(pref_pairs);
  if (rated_weight + pref_weight > 0) {
    const double rated_acc = rated_pairs > 0 ? rated_credit / double(rated_pairs) : 0;
    const double pref_acc = pref_pairs > 0 ? pref_credit / double(pref_pairs) : 0;
    e.accuracy = (rated_weight * rated_acc + pref_weight * pref_acc) / (rated_weight + pref_weight);
  }
  e.p_value = training::BinomialUpperTail(e.test_correct, e.test_pairs);
  return e;
}

struct Move {
  const Control* control;
  double shift_sd;     // Δz, capped
  double from, to;     // the key's reference value and its learned value
};

// The base's value of a numeric key, or its default; nullopt when the key
// has no default (its value then comes from the style).
std::optional<double> BaseValue(const json& base, std::string_view key) {
  auto it = base.find(std::string(key));
  if (it != base.end()) return it->get<double>();
  return FindAdapterConfigKey(key)->default_value;
}

// The energy control's key: whichever of energy / velocity_scale the base uses.
std::vector<std::string> EnergyKeys(const json& base) {
  std::vector<std::string> keys;
  if (base.contains("energy")) keys.push_back("energy");
  if (base.contains("velocity_scale")) keys.push_back("velocity_scale");
  if (keys.empty()) keys.push_back("energy");
  return keys;
}

// Whether feature j's weight is distinguishable from zero.
bool WeightSignificant(const training::Standardiser& st, const training::Model& model, const FeatureVector& se,
                       int j) {
  return st.active[j] && std::abs(model.w[j]) >= kMinWeightZ * se[j];
}

std::vector<Move> ComputeMoves(const json& base, const training::Standardiser& st,
                               const training::Model& model, const FeatureVector& se, double regularization) {
  std::vector<Move> moves;
  for (const Control& c : kControls) {
    const int j = static_cast<int>(c.feature);
    if (!WeightSignificant(st, model, se, j)) continue;
    const double shift_sd = std::clamp(model.w[j] / regularization, -kMaxShiftSd, kMaxShiftSd);
    const double delta = shift_sd * st.sd[j];
    const std::string key = c.feature == Feature::kEnergy ? EnergyKeys(base).front() : std::string(c.key);
    const AdapterConfigKey* info = FindAdapterConfigKey(key);
    const auto clamp = [&](double v) { return std::clamp(v, info->min, info->max); };
    Move m{&c, shift_sd, 0, 0};
    switch (c.kind) {
      case Control::Kind::kScale:
        m.from = *BaseValue(base, key);
        m.to = clamp(Round3(m.from * std::exp2(delta)));
        break;
      case Control::Kind::kAdd:
        m.from = *BaseValue(base, key);
        m.to = clamp(Round3(m.from + delta));
        break;
      case Control::Kind::kSemitone:
        m.from = *BaseValue(base, key);
        m.to = clamp(m.from + std::round(delta));
        break;
      case Control::Kind::kAbsolute:
        m.from = st.mean[j];
        m.to = clamp(Round3(m.from + delta));
        break;
    }
    const double negligible = c.kind == Control::Kind::kSemitone ? 0.5 : kNegligibleShare * (info->max - info->min);
    if (std::abs(m.to - m.from) >= negligible) moves.push_back(m);
  }
  std::stable_sort(moves.begin(), moves.end(),
                   [](const Move& a, const Move& b) { return std::abs(a.shift_sd) > std::abs(b.shift_sd); });
  return moves;
}

std::string MoveText(const Move& m) {
  const Control& c = *m.control;
  const double change = c.kind == Control::Kind::kScale ? 100 * (m.to / m.from - 1) : m.to - m.from;
  const char* format = c.kind == Control::Kind::kScale || c.kind == Control::Kind::kSemitone ? "%.0f" : "%.2f";
  return std::string(change > 0 ? c.more : c.less) + " (" + Signed(change, format) + c.unit + ")";
}

std::string JoinWords(const std::vector<std::string>& parts) {
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) s += i + 1 == parts.size() ? " and " : ", ";
    s += parts[i];
  }
  return s;
}

std::string TestText(const Evaluation& e) {
  return Format("held-out accuracy %.2f against chance 0.50; p = %.2g over %.0f independent held-out pairs",
                e.accuracy, e.p_value, double(e.test_pairs));
}

std::string Explain(const Evaluation& e, bool any_weight_significant, const std::vector<Move>& moves) {
  if (e.test_pairs < kMinTestPairs) {
    return Format("listeners' choices could not be tested against the style features: only %.0f "
                  "independent held-out pairs, at least %.0f are needed; nothing was changed",
                  double(e.test_pairs), double(kMinTestPairs));
  }
  if (e.p_value >= kSignificance) {
    return "listeners' choices could not be predicted from the style features (" + TestText(e) +
           "); nothing was changed";
  }
  if (!any_weight_significant) {
    return "listeners' choices could not be predicted from the style features (" + TestText(e) +
           ", but no feature's weight stands out from the noise); nothing was changed";
  }
  if (moves.empty()) {
    return "listeners' choices follow the style features (" + TestText(e) +
           ") but the changes the model suggests are too small to matter; nothing was changed";
  }
  std::vector<std::string> parts;
  for (const Move& m : moves) parts.push_back(MoveText(m));
  return "listeners preferred " + JoinWords(parts) + " (" + TestText(e) + ")";
}

json LearnedConfig(json config, const std::vector<Move>& moves) {
  for (const Move& m : moves) {
    if (m.control->feature == Feature::kEnergy) {
      for (const std::string& key : EnergyKeys(config)) config[key] = m.to;
    } else if (m.control->kind == Control::Kind::kSemitone) {
      config[std::string(m.control->key)] = static_cast<int64_t>(m.to);
    } else {
      config[std::string(m.control->key)] = m.to;
    }
  }
  return config;
}

}  // namespace

Status Train(const TrainingInput& input, const TrainingOptions& options, const TrainingLogFn& log,
             const TrainingProgressFn& progress, TrainingReport* out) {
  *out = TrainingReport{};
  STUDIO_RETURN_IF_ERROR(ValidateTrainingOptions(options));
  json base;
  STUDIO_RETURN_IF_ERROR(ParseBase(input.base_config_json, &base));
  const auto say = [&](const std::string& line) {
    if (log) log(line);
  };

  // The usable examples, in a canonical order (so that the result does not
  // depend on the order they came in).
  std::vector<Rated> rated;
  std::vector<Preference> prefs;
  bool all_have_chorus = true;
  for (const RatedExample& r : input.ratings) {
    training::StyleFeatures f;
    if (!training::ParseStyleFeatures(r.style_json, &f)) {
      ++out->skipped_without_style;
      continue;
    }
    all_have_chorus = all_have_chorus && f.has_chorus;
    rated.push_back({&r, f.values, training::IsHeldOut(r.feedback_id, options.heldout_fraction)});
  }
  for (const PreferenceExample& p : input.preferences) {
    training::StyleFeatures chosen, rejected;
    if (!training::ParseStyleFeatures(p.chosen_style_json, &chosen) ||
        !training::ParseStyleFeatures(p.rejected_style_json, &rejected)) {
      ++out->skipped_without_style;
      continue;
    }
    all_have_chorus = all_have_chorus && chosen.has_chorus && rejected.has_chorus;
    prefs.push_back({&p, chosen.values, rejected.values,
                     training::IsHeldOut(p.feedback_id, options.heldout_fraction)});
  }
  const int64_t usable = static_cast<int64_t>(rated.size() + prefs.size());
  if (usable < kMinTrainingExamples) {
    return Status::RuleViolation(
        "Training needs at least " + std::to_string(kMinTrainingExamples) +
        " rated samples or preference pairs with style features; the dataset has " + std::to_string(usable) +
        (out->skipped_without_style > 0
             ? " (" + std::to_string(out->skipped_without_style) + " more have no style features)"
             : ""));
  }
  std::sort(rated.begin(), rated.end(), [](const Rated& a, const Rated& b) {
    const RatedExample &x = *a.source, &y = *b.source;
    return std::tie(x.feedback_id, x.audio_id, x.rating, x.style_json) <
           std::tie(y.feedback_id, y.audio_id, y.rating, y.style_json);
  });
  std::sort(prefs.begin(), prefs.end(), [](const Preference& a, const Preference& b) {
    const PreferenceExample &x = *a.source, &y = *b.source;
    return std::tie(x.feedback_id, x.chosen_style_json, x.rejected_style_json) <
           std::tie(y.feedback_id, y.chosen_style_json, y.rejected_style_json);
  });

  // The data hash, over what training uses.
  std::string canonical;
  for (const Rated& r : rated) {
    canonical += "R|" + r.source->feedback_id + "|" + r.source->audio_id + "|" +
                 std::to_string(r.source->rating) + FeatureText(r.x) + "\n";
  }
  for (const Preference& p : prefs) {
    canonical += "P|" + p.source->feedback_id + FeatureText(p.chosen) + FeatureText(p.rejected) + "\n";
  }
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx",
                static_cast<unsigned long long>(Fnv1a(canonical)));
  out->data_hash = hash;

  // The split and the standardisation of the training share.
  std::vector<Rated> rated_train, rated_heldout;
  std::vector<Preference> pref_train, pref_heldout;
  for (const Rated& r : rated) (r.heldout ? rated_heldout : rated_train).push_back(r);
  for (const Preference& p : prefs) (p.heldout ? pref_heldout : pref_train).push_back(p);
  out->train_size = static_cast<int64_t>(rated_train.size() + pref_train.size());
  out->heldout_size = static_cast<int64_t>(rated_heldout.size() + pref_heldout.size());

  std::vector<FeatureVector> rows;
  for (const Rated& r : rated_train) rows.push_back(r.x);
  for (const Preference& p : pref_train) {
    rows.push_back(p.chosen);
    rows.push_back(p.rejected);
  }
  const training::Standardiser st = training::FitStandardiser(rows, all_have_chorus);
  double rating_mean = 0, rating_sd = 0;
  for (const Rated& r : rated_train) rating_mean += r.source->rating;
  if (!rated_train.empty()) rating_mean /= double(rated_train.size());
  for (const Rated& r : rated_train) rating_sd += (r.source->rating - rating_mean) * (r.source->rating - rating_mean);
  if (!rated_train.empty()) rating_sd = std::sqrt(rating_sd / double(rated_train.size()));

  training::ModelData data;
  for (const Rated& r : rated_train) {
    data.rated_z.push_back(st.Z(r.x));
    data.rated_y.push_back(rating_sd > 0 ? (r.source->rating - rating_mean) / rating_sd : 0.0);
  }
  for (const Preference& p : pref_train) {
    FeatureVector d = st.Z(p.chosen);
    const FeatureVector zr = st.Z(p.rejected);
    for (int j = 0; j < kFeatureCount; ++j) d[j] -= zr[j];
    data.pref_d.push_back(d);
  }
  say(Format("training on %.0f examples (%.0f held out, %.0f skipped without style features)",
             double(out->train_size), double(out->heldout_size), double(out->skipped_without_style)));

  // The fit.
  const int every = (options.steps + kMaxLossPoints - 1) / kMaxLossPoints;
  training::Model model;
  const bool finished = training::Fit(
      data, options.steps, options.learning_rate, options.l2,
      [&](int step, double loss) {
        if (step != 1 && step % every != 0 && step != options.steps) return true;
        out->loss.push_back({step, loss});
        say(Format("step %.0f/%.0f loss %.6f", step, options.steps, loss));
        return !progress || progress(double(step) / options.steps);
      },
      &model);
  if (!finished) return Status::Cancelled("training cancelled after step " + std::to_string(out->loss.back().step));

  // The test and the result.
  const Evaluation e = Evaluate(rated_heldout, pref_heldout, st, model);
  out->heldout_accuracy = e.accuracy;
  // A direction needs both: the model predicts held-out choices above
  // chance, and at least one feature's weight stands out from its noise.
  // Under "no relation" both must happen by chance, so a taste the features
  // cannot express rarely passes.
  const FeatureVector se = training::StandardErrors(model, data, options.l2, st.active);
  bool any_weight_significant = false;
  for (int j = 0; j < kFeatureCount; ++j) any_weight_significant |= WeightSignificant(st, model, se, j);
  out->direction_found = e.test_pairs >= kMinTestPairs && e.p_value < kSignificance && any_weight_significant;
  const std::vector<Move> moves =
      out->direction_found ? ComputeMoves(base, st, model, se, options.regularization) : std::vector<Move>{};
  out->learned_config_json = LearnedConfig(base, moves).dump();
  out->explanation = Explain(e, any_weight_significant, moves);

  json weights = json::object();
  for (const auto& info : Features()) {
    const int j = static_cast<int>(info.feature);
    weights[std::string(info.name)] = {{"weight", model.w[j]},
                                       {"mean", st.mean[j]},
                                       {"sd", st.sd[j]},
                                       {"standard_error", std::isfinite(se[j]) ? json(se[j]) : json(nullptr)},
                                       {"active", bool(st.active[j])},
                                       {"shift_sd", std::clamp(model.w[j] / options.regularization,
                                                               -kMaxShiftSd, kMaxShiftSd)}};
  }
  out->weights_json = json{{"model", rated.empty() ? "bradley_terry" : prefs.empty() ? "ridge" : "ridge+bradley_terry"},
                           {"features", weights},
                           {"intercept", model.intercept},
                           {"rating_mean", rating_mean},
                           {"rating_sd", rating_sd},
                           {"heldout_pairs", e.pairs},
                           {"test_pairs", e.test_pairs},
                           {"test_correct", e.test_correct},
                           {"p_value", e.p_value}}
                          .dump();
  say(out->explanation);
  return Status::Ok();
}

}  // namespace studio
