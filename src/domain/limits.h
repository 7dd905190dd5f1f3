// The value ranges of SPEC section 2, in one place: request validation
// (domain/validation.cc), the engine's clamps (engine/composer/) and
// GET /api/vocabulary (which serves AllLimits() to the web UI) all read
// them from here. Lengths are in characters (UTF-8 code points), counts
// in list items.
//
// Thread-safety: constants and immutable tables; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace studio {

struct IntRange {
  int64_t min;
  int64_t max;
};
struct NumberRange {
  double min;
  double max;
};

namespace limits {

// Prompt attributes.
inline constexpr IntRange kPromptText{1, 2000};  // characters, after trimming
inline constexpr IntRange kTempo{40, 200};       // bpm
inline constexpr IntRange kDuration{1, 30};      // seconds; also a generation parameter
inline constexpr IntRange kStyleText{0, 100};    // characters
inline constexpr IntRange kMoodText{0, 100};     // characters
inline constexpr int64_t kMaxInstrumentsPerList = 10;

// Generation parameters, with the defaults used when a request leaves them out.
inline constexpr IntRange kNumSamples{1, 4};
inline constexpr IntRange kSeed{0, 4294967295LL};
inline constexpr NumberRange kTemperature{0.1, 2.0};
inline constexpr IntRange kTopK{1, 1000};
inline constexpr NumberRange kTopP{0.0, 1.0};
inline constexpr int kDefaultNumSamples = 1;
inline constexpr double kDefaultTemperature = 1.0;
inline constexpr int kDefaultTopK = 250;
inline constexpr double kDefaultTopP = 0.0;
inline constexpr int kDefaultDurationSeconds = 10;  // when neither request nor prompt gives one

// Adapters.
inline constexpr IntRange kAdapterName{1, 100};
inline constexpr IntRange kAdapterDescription{0, 2000};
inline constexpr IntRange kVersionName{1, 50};  // an adapter version's name
inline constexpr IntRange kBaseModel{1, 100};

// Feedback.
inline constexpr IntRange kRating{1, 5};
inline constexpr IntRange kRatingCriterion{1, 50};
inline constexpr int64_t kMaxTags = 20;
inline constexpr IntRange kTag{1, 50};
inline constexpr IntRange kNotes{0, 5000};

// POST /audio/compare.
inline constexpr IntRange kCompareAudioIds{1, 20};

// Datasets (SPEC section 8).
inline constexpr IntRange kDatasetName{1, 100};
inline constexpr IntRange kDatasetDescription{0, 2000};

// Bulk delete and restore, purge (SPEC section 7).
inline constexpr IntRange kBulkIds{1, 1000};             // ids named in one call
inline constexpr int64_t kMaxBulkFilterMatches = 10000;  // jobs (or feedback) one filter may cover
inline constexpr IntRange kOlderThanDays{0, 36500};

}  // namespace limits

// One row of GET /api/vocabulary's "limits": the range of a request field.
struct LimitInfo {
  std::string_view name;  // the field, as the API spells it ("tempo", "text", "tags")
  std::string_view kind;  // "integer", "number", "length" (characters) or "count" (items)
  double min;
  double max;
  std::optional<double> default_value;
  std::string_view applies_to;  // where the field is: "prompt", "generate", "adapter", ...
};

// Every range above, in a stable order.
const std::vector<LimitInfo>& AllLimits();

}  // namespace studio
