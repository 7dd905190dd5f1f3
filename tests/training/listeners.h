// Synthetic listeners for the trainer tests: samples with random styles (a
// seeded generator, so every run sees the same data) and listeners whose
// taste is a hidden function of those styles.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "training/trainer.h"

namespace studio::testing {

struct Style {
  double tempo_bpm, note_density, swing, energy, reverb, register_pitch, chorus;
  std::string key;
};

inline std::string StyleJson(const Style& s) {
  return nlohmann::json{{"genre", "lofi"},       {"tempo_bpm", s.tempo_bpm}, {"key", s.key},
                        {"mode", "minor"},       {"swing", s.swing},         {"note_density", s.note_density},
                        {"energy", s.energy},    {"register", s.register_pitch}, {"reverb", s.reverb},
                        {"chorus", s.chorus},    {"transpose", 0}}
      .dump();
}

class Listeners {
 public:
  explicit Listeners(uint64_t seed) : rng_(seed) {}

  double Uniform(double lo, double hi) { return lo + (hi - lo) * double(rng_() >> 11) * 0x1.0p-53; }
  // Roughly normal (sum of four uniforms), mean 0, sd `sd`.
  double Noise(double sd) {
    double s = 0;
    for (int i = 0; i < 4; ++i) s += Uniform(-0.5, 0.5);
    return s * sd / std::sqrt(4.0 / 12.0);
  }
  bool Coin(double p) { return Uniform(0, 1) < p; }

  Style RandomStyle() {
    static const char* kKeys[] = {"A", "C", "D", "E", "F", "G"};
    return {Uniform(60, 160),  Uniform(0.5, 1.5), Uniform(0.0, 0.3),  Uniform(0.7, 1.3),
            Uniform(0.1, 0.6), Uniform(55, 75),   Uniform(0.0, 0.5),  kKeys[rng_() % 6]};
  }

  // `count` rated samples; `rate` maps a style to a rating (clamped to 1..5).
  std::vector<RatedExample> Ratings(int count, const std::function<double(const Style&)>& rate,
                                    const std::string& id_prefix = "r") {
    std::vector<RatedExample> out;
    for (int i = 0; i < count; ++i) {
      const Style s = RandomStyle();
      const int rating = static_cast<int>(std::clamp(std::round(rate(s)), 1.0, 5.0));
      out.push_back({id_prefix + std::to_string(i), "audio-" + id_prefix + std::to_string(i), StyleJson(s), rating});
    }
    return out;
  }

  // `count` preference pairs; `p_first` is the chance the listener picks a over b.
  std::vector<PreferenceExample> Preferences(int count,
                                             const std::function<double(const Style& a, const Style& b)>& p_first,
                                             const std::string& id_prefix = "p") {
    std::vector<PreferenceExample> out;
    for (int i = 0; i < count; ++i) {
      const Style a = RandomStyle(), b = RandomStyle();
      const bool first = Coin(p_first(a, b));
      out.push_back({id_prefix + std::to_string(i), StyleJson(first ? a : b), StyleJson(first ? b : a)});
    }
    return out;
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

inline double Sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

}  // namespace studio::testing
