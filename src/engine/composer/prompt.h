// Composer internals: reading the prompt — normalised text and whole-word
// search, the style named by the style attribute or the text, mood words,
// an explicit key ("in A minor") or tempo ("90 bpm"), instrument words.
//
// Thread-safety: pure functions (the word lists are built on first use).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/vocabulary.h"
#include "engine/composer/tables.h"
#include "engine/engine.h"

namespace studio::composer_internal {

// Lower case, every run of non-alphanumerics one space, padded with spaces so
// that " word " finds whole words only ("rock" must not match "rocky").
std::string Normalize(std::string_view text);
// Position of the whole-word phrase `word` (already normalized, no padding)
// in normalized `text`, or npos.
size_t FindWord(const std::string& text, std::string_view word);
bool HasWord(const std::string& text, std::string_view word);

// The first style of DetectionOrder() with a keyword in style_text, else in
// prompt_text (both normalized); else PopStyle().
const StyleProfile& DetectStyle(const std::string& style_text, const std::string& prompt_text);

// The mood words of domain/vocabulary.h that lean one way.
const std::vector<std::string_view>& MinorWords();
const std::vector<std::string_view>& MajorWords();
const std::vector<std::string_view>& FastWords();
const std::vector<std::string_view>& SlowWords();
// How many of `words` occur in normalized `text`.
int CountWords(const std::string& text, const std::vector<std::string_view>& words);

struct KeyHint {
  int root = 0;
  std::optional<Mode> mode;
};

// "in A minor", "in F# major", "key of Eb": an explicit key in the prompt.
std::optional<KeyHint> ParseKey(const std::string& raw_text);
// "90 bpm" in normalized text, when within limits::kTempo.
std::optional<int> ParseBpm(const std::string& normalized_text);

// Instrument words of a prompt that names no instruments in its attributes,
// in the order they appear.
std::vector<std::string> InstrumentsFromText(const std::string& text);

// What the composer reads from the request's words.
struct PromptReading {
  std::string text;        // the prompt text, normalized
  std::string style_text;  // the style attribute, normalized
  std::string mood_text;   // the mood attribute, normalized
  const StyleProfile* style = nullptr;
};
PromptReading ReadPrompt(const RenderRequest& request);

}  // namespace studio::composer_internal
