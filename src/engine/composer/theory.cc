// Composer internals: music theory — scales and modes, progressions, chord
// voicings.
#include "engine/composer/theory.h"

#include <algorithm>

namespace studio::composer_internal {

std::array<int, 7> ScaleSteps(Mode mode, bool minor_flavour) {
  switch (mode) {
    case Mode::kMajor: return {0, 2, 4, 5, 7, 9, 11};
    case Mode::kMinor: return {0, 2, 3, 5, 7, 8, 10};
    case Mode::kDorian: return {0, 2, 3, 5, 7, 9, 10};
    case Mode::kMixolydian: return {0, 2, 4, 5, 7, 9, 10};
    case Mode::kPhrygian: return {0, 1, 3, 5, 7, 8, 10};
    case Mode::kLydian: return {0, 2, 4, 6, 7, 9, 11};
    case Mode::kPentatonic:
      // Harmony of a pentatonic piece comes from its parent major/minor scale;
      // the melody keeps to the five notes (MelodyScale).
      return minor_flavour ? std::array<int, 7>{0, 2, 3, 5, 7, 8, 10}
                           : std::array<int, 7>{0, 2, 4, 5, 7, 9, 11};
  }
  return {0, 2, 4, 5, 7, 9, 11};
}

std::vector<int> MelodyScale(Mode mode, bool minor_flavour) {
  if (mode == Mode::kPentatonic) {
    return minor_flavour ? std::vector<int>{0, 3, 5, 7, 10} : std::vector<int>{0, 2, 4, 7, 9};
  }
  auto s = ScaleSteps(mode, minor_flavour);
  return std::vector<int>(s.begin(), s.end());
}

bool IsMinorLike(Mode mode, bool minor_flavour) {
  return mode == Mode::kMinor || mode == Mode::kDorian || mode == Mode::kPhrygian ||
         (mode == Mode::kPentatonic && minor_flavour);
}

// Scale-degree progressions (0 = tonic), most idiomatic first.
std::vector<std::vector<int>> ProgressionsFor(Mode mode, bool minor_flavour,
                                              const StyleProfile& style) {
  if (style.name == "jazz" || style.name == "lofi" || style.name == "rnb") {
    if (IsMinorLike(mode, minor_flavour)) {
      return {{0, 3, 0, 3}, {0, 3, 6, 2}, {1, 4, 0, 0}, {0, 5, 1, 4}};
    }
    return {{1, 4, 0, 0}, {1, 4, 0, 5}, {0, 5, 1, 4}, {3, 2, 1, 0}};
  }
  switch (mode) {
    case Mode::kMixolydian: return {{0, 6, 3, 0}, {0, 3, 6, 0}, {0, 4, 3, 0}};
    case Mode::kLydian: return {{0, 1, 0, 1}, {0, 1, 6, 0}, {0, 4, 1, 0}};
    case Mode::kPhrygian: return {{0, 1, 0, 6}, {0, 1, 6, 0}, {0, 5, 1, 0}};
    case Mode::kDorian: return {{0, 3, 0, 3}, {0, 3, 6, 0}, {0, 2, 3, 0}};
    default: break;
  }
  // Minor progressions lean on i, iv and V (with the leading tone, see
  // PlanHarmony): i-VI-III-VII would sound like the relative major.
  if (IsMinorLike(mode, minor_flavour)) {
    // The dominant comes last, as the phrase's cadence.
    return {{0, 3, 0, 4}, {0, 5, 3, 4}, {0, 3, 5, 4}, {0, 6, 5, 4}, {0, 5, 2, 4}};
  }
  return {{0, 4, 5, 3}, {0, 5, 3, 4}, {5, 3, 0, 4}, {0, 3, 4, 3}, {0, 2, 3, 4}};
}

Chord TriadOn(int key_root, const std::array<int, 7>& scale, int degree, bool seventh) {
  Chord c;
  for (int k = 0; k < (seventh ? 4 : 3); ++k) {
    c.pcs.push_back((key_root + scale[(degree + 2 * k) % 7]) % 12);
  }
  c.root_pc = c.pcs[0];
  return c;
}

// The note of pitch class `pc` nearest to `target`.
int NearestWithPc(int pc, int target) {
  int base = target - ((target - pc) % 12 + 12) % 12;  // at or below target
  return (target - base) <= (base + 12 - target) ? base : base + 12;
}

// The lowest note of pitch class `pc` at or above `low`.
int LowestAtOrAbove(int pc, int low) { return low + ((pc - low) % 12 + 12) % 12; }

// Close voicing of `pcs` around `center`, each tone within a fifth of it.
std::vector<int> Voicing(const std::vector<int>& pcs, int center) {
  std::vector<int> notes;
  for (int pc : pcs) notes.push_back(NearestWithPc(pc, center));
  std::sort(notes.begin(), notes.end());
  notes.erase(std::unique(notes.begin(), notes.end()), notes.end());
  return notes;
}

}  // namespace studio::composer_internal
