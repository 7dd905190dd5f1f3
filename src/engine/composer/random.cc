// Composer internals: the seeded random streams (splitmix64 Rng, sampling
// with temperature/top_k/top_p, and the seed mixing of the named streams).
#include "engine/composer/random.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "engine/composer.h"

namespace studio {

uint64_t Rng::NextU64() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double Rng::NextDouble() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }

int Rng::NextBelow(int n) { return static_cast<int>(NextDouble() * n); }

int SampleCandidate(const std::vector<double>& logits, double temperature, int top_k,
                    double top_p, Rng& rng) {
  const int n = static_cast<int>(logits.size());
  const double t = std::clamp(temperature, 0.05, 5.0);
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  // Ties keep index order so the result never depends on the sort's stability.
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return logits[a] != logits[b] ? logits[a] > logits[b] : a < b;
  });
  const double best = logits[order[0]];
  std::vector<double> weight(n);
  double total = 0;
  for (int i = 0; i < n; ++i) {
    weight[i] = std::exp((logits[order[i]] - best) / t);
    total += weight[i];
  }
  int keep = std::clamp(top_k, 1, n);
  if (top_p > 0) {
    double cumulative = 0;
    for (int i = 0; i < keep; ++i) {
      cumulative += weight[i] / total;
      if (cumulative >= top_p) {
        keep = i + 1;
        break;
      }
    }
  }
  double kept = 0;
  for (int i = 0; i < keep; ++i) kept += weight[i];
  double r = rng.NextDouble() * kept;
  for (int i = 0; i < keep; ++i) {
    r -= weight[i];
    if (r < 0) return order[i];
  }
  return order[keep - 1];
}

namespace composer_internal {

uint64_t Mix(uint64_t a, uint64_t b) {
  Rng r(a ^ (b * 0xd6e8feb86659fd93ULL) ^ (b >> 29));
  return r.NextU64();
}

}  // namespace composer_internal
}  // namespace studio
