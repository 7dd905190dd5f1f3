// Trainer: learns an adapter config from listeners' feedback (SPEC section 8,
// "Experiments and training runs"; docs/TRAINING.md explains the model).
//
// A pure computation: it reads the style features the engine recorded for
// each rated or compared sample, fits a linear model of the listener's
// preference over them (ratings: ridge regression; preference pairs:
// Bradley–Terry, i.e. logistic regression on feature differences; one shared
// weight vector when both exist), tests it on a held-out share of the data,
// and, only when its held-out accuracy is significantly above chance, moves
// the base adapter config along the model's weights that are themselves
// distinguishable from zero, within the engine's bounds (AdapterConfigKeys(), domain/vocabulary.h). No I/O, no database, no
// engine, no clock, no unseeded randomness: the same input and options give
// the same report, bit for bit, whatever the order of the examples.
//
// Errors are Status values; nothing here throws across the interface.
//
// Thread-safety: pure functions over their arguments; any number of calls may
// run concurrently. Train calls `log` and `progress` on the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "util/status.h"

namespace studio {

// One rated sample. style_json is the sample's style as the engine recorded
// it, a JSON object such as
//   {"genre":"lofi","tempo_bpm":82.0,"key":"A","mode":"minor","swing":0.12,
//    "note_density":1.0,"energy":1.0,"register":67.5,"reverb":0.4,
//    "chorus":0.2,"transpose":0}
// (register = mean MIDI pitch of the melody). The numbers training reads are
// tempo_bpm, note_density, swing, energy, reverb, register and, when every
// usable example has it, chorus. An example whose style is not an object or
// lacks one of the others (a sample rendered before styles were recorded has
// "null") is skipped and counted in TrainingReport::skipped_without_style.
struct RatedExample {
  std::string feedback_id, audio_id, style_json;
  int rating = 3;
};

// One preference: the sample the listener chose over the one it rejected.
struct PreferenceExample {
  std::string feedback_id, chosen_style_json, rejected_style_json;
};

struct TrainingInput {
  std::vector<RatedExample> ratings;
  std::vector<PreferenceExample> preferences;
  // The adapter config training starts from (keys of engine/adapter_style.h).
  // REQUIRES: valid for the engine (the caller checks it with
  // ParseAdapterStyle); Train itself re-checks only the numeric keys it reads.
  std::string base_config_json = "{}";
};

// Parsed from a run's merged config JSON by ParseTrainingOptions.
struct TrainingOptions {
  // "regularization" (0, 1000]: how strongly the learned config is held near
  // the base: the move is weight / regularization standard deviations.
  double regularization = 1.0;
  double heldout_fraction = 0.2;  // "heldout_fraction" [0.05, 0.5]
  int steps = 200;                // "steps" [10, 5000]: full-batch gradient steps
  double learning_rate = 0.1;     // "learning_rate" (0, 1]
  double l2 = 0.01;               // "l2" [0, 10]: ridge penalty on the model weights
};

// Parses `config_json` (a JSON object; "" and "null" mean {}) into *out,
// which is reset to the defaults first. The caller's keys "base_adapter_id",
// "adapter_name" and "version_of" are accepted and ignored. Returns
// InvalidArgument naming the key for a wrong type, an out-of-range value or
// an unknown key, and for malformed JSON or a non-object.
Status ParseTrainingOptions(const std::string& config_json, TrainingOptions* out);
// InvalidArgument naming the first field of `options` out of the ranges above.
Status ValidateTrainingOptions(const TrainingOptions& options);

struct LossPoint {
  int step;  // 1-based
  double value;
};

struct TrainingReport {
  // The training loss after each of at most ~200 evenly spaced steps (every
  // step when steps <= 200), always including the first and the last.
  std::vector<LossPoint> loss;
  // Share of held-out pairs the model orders as the listener did (pairs of
  // preference records; pairs of rated samples with different ratings).
  double heldout_accuracy = 0, chance_accuracy = 0.5;
  int64_t train_size = 0, heldout_size = 0, skipped_without_style = 0;
  // Held-out accuracy significantly above chance (one-sided exact binomial
  // p < 0.05 over at least 10 independent held-out pairs) and at least one
  // feature's weight 2.7 standard errors or more from zero.
  bool direction_found = false;
  // A valid adapter config within the engine's bounds; == base when
  // !direction_found or when every move is too small to matter.
  std::string learned_config_json;
  // In words, e.g. "listeners preferred slower tempo (−12 %) and more swing
  // (+0.08) (held-out accuracy 0.81 against chance 0.50; p = 0.0003 over 40
  // independent held-out pairs)"; when nothing changed it says so and why.
  std::string explanation;
  // The fitted model per feature (weight, mean, sd, move) and the test, for
  // the run's metrics. A JSON object.
  std::string weights_json;
  // Stable hash of the usable examples (ids, ratings, features), 16 hex digits;
  // independent of the examples' order.
  std::string data_hash;
};

using TrainingLogFn = std::function<void(const std::string& line)>;
// Called with the fraction done (0..1); returning false stops training.
using TrainingProgressFn = std::function<bool(double fraction)>;

// Trains on `input` and fills *out. `log` receives a line per recorded loss
// point and a summary; `progress` is called at each recorded loss point.
// Either may be empty.
// Returns:
//   RuleViolation when fewer than kMinTrainingExamples examples have style
//     features (the message says how many are needed and how many there are);
//   Cancelled when `progress` returned false (*out is then unspecified);
//   InvalidArgument for invalid options or a base config that is not an
//     object or has an out-of-range numeric key.
// A dataset that teaches nothing (noise, or a taste the features cannot
// express) is not an error: it gives Ok with direction_found == false and the
// base config unchanged.
inline constexpr int64_t kMinTrainingExamples = 20;
Status Train(const TrainingInput& input, const TrainingOptions& options, const TrainingLogFn& log,
             const TrainingProgressFn& progress, TrainingReport* out);

}  // namespace studio
