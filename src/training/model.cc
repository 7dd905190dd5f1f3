#include "training/model.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace studio::training {

FeatureVector Standardiser::Z(const FeatureVector& x) const {
  FeatureVector z{};
  for (int j = 0; j < kFeatureCount; ++j) z[j] = active[j] ? (x[j] - mean[j]) / sd[j] : 0.0;
  return z;
}

Standardiser FitStandardiser(const std::vector<FeatureVector>& rows, bool use_chorus) {
  Standardiser s;
  if (rows.empty()) return s;
  const double n = static_cast<double>(rows.size());
  for (const auto& x : rows) {
    for (int j = 0; j < kFeatureCount; ++j) s.mean[j] += x[j];
  }
  for (int j = 0; j < kFeatureCount; ++j) s.mean[j] /= n;
  for (const auto& x : rows) {
    for (int j = 0; j < kFeatureCount; ++j) s.sd[j] += (x[j] - s.mean[j]) * (x[j] - s.mean[j]);
  }
  for (int j = 0; j < kFeatureCount; ++j) {
    s.sd[j] = std::sqrt(s.sd[j] / n);
    const bool used = use_chorus || Features()[j].feature != Feature::kChorus;
    s.active[j] = used && s.sd[j] > 1e-9 * std::max(1.0, std::abs(s.mean[j]));
  }
  return s;
}

double Model::Score(const FeatureVector& z) const {
  double s = 0;
  for (int j = 0; j < kFeatureCount; ++j) s += w[j] * z[j];
  return s;
}

namespace {

// log(1 + e^-s) without overflow.
double LogisticLoss(double s) { return s > 0 ? std::log1p(std::exp(-s)) : -s + std::log1p(std::exp(s)); }

// The loss and, when `grad` is not null, its gradient (w then intercept).
double LossAndGradient(const Model& m, const ModelData& data, double l2, FeatureVector* grad_w,
                       double* grad_b) {
  const size_t count = data.size();
  if (grad_w) *grad_w = {};
  if (grad_b) *grad_b = 0;
  if (count == 0) return 0;
  double total = 0;
  for (size_t i = 0; i < data.rated_z.size(); ++i) {
    const double r = m.intercept + m.Score(data.rated_z[i]) - data.rated_y[i];
    total += 0.5 * r * r;
    if (grad_w) {
      for (int j = 0; j < kFeatureCount; ++j) (*grad_w)[j] += r * data.rated_z[i][j];
      *grad_b += r;
    }
  }
  for (const auto& d : data.pref_d) {
    const double s = m.Score(d);
    total += LogisticLoss(s);
    if (grad_w) {
      const double g = -1.0 / (1.0 + std::exp(s));  // d/ds log(1 + e^-s)
      for (int j = 0; j < kFeatureCount; ++j) (*grad_w)[j] += g * d[j];
    }
  }
  const double n = static_cast<double>(count);
  double penalty = 0;
  for (int j = 0; j < kFeatureCount; ++j) {
    penalty += 0.5 * l2 * m.w[j] * m.w[j];
    if (grad_w) (*grad_w)[j] = (*grad_w)[j] / n + l2 * m.w[j];
  }
  if (grad_b) *grad_b /= n;
  return total / n + penalty;
}

}  // namespace

double Loss(const Model& model, const ModelData& data, double l2) {
  return LossAndGradient(model, data, l2, nullptr, nullptr);
}

bool Fit(const ModelData& data, int steps, double learning_rate, double l2,
         const std::function<bool(int step, double loss)>& on_step, Model* model) {
  // One pass over the data per step: the loss after step s is computed with
  // the gradient of step s + 1.
  FeatureVector grad_w;
  double grad_b;
  for (int step = 1; step <= steps; ++step) {
    const double loss = LossAndGradient(*model, data, l2, &grad_w, &grad_b);
    if (step > 1 && !on_step(step - 1, loss)) return false;
    for (int j = 0; j < kFeatureCount; ++j) model->w[j] -= learning_rate * grad_w[j];
    model->intercept -= learning_rate * grad_b;
  }
  return on_step(steps, Loss(*model, data, l2));
}

namespace {

using Matrix = std::array<FeatureVector, kFeatureCount>;

void AddOuter(double scale, const FeatureVector& v, Matrix* m) {
  for (int a = 0; a < kFeatureCount; ++a) {
    for (int b = 0; b < kFeatureCount; ++b) (*m)[a][b] += scale * v[a] * v[b];
  }
}

// Gauss–Jordan with partial pivoting; false when singular.
bool Invert(Matrix m, Matrix* inverse) {
  Matrix& inv = *inverse;
  inv = {};
  for (int i = 0; i < kFeatureCount; ++i) inv[i][i] = 1;
  for (int col = 0; col < kFeatureCount; ++col) {
    int pivot = col;
    for (int r = col + 1; r < kFeatureCount; ++r) {
      if (std::abs(m[r][col]) > std::abs(m[pivot][col])) pivot = r;
    }
    if (std::abs(m[pivot][col]) < 1e-12) return false;
    std::swap(m[col], m[pivot]);
    std::swap(inv[col], inv[pivot]);
    const double d = m[col][col];
    for (int k = 0; k < kFeatureCount; ++k) m[col][k] /= d, inv[col][k] /= d;
    for (int r = 0; r < kFeatureCount; ++r) {
      if (r == col || m[r][col] == 0) continue;
      const double f = m[r][col];
      for (int k = 0; k < kFeatureCount; ++k) m[r][k] -= f * m[col][k], inv[r][k] -= f * inv[col][k];
    }
  }
  return true;
}

}  // namespace

FeatureVector StandardErrors(const Model& model, const ModelData& data, double l2,
                             const std::array<bool, kFeatureCount>& active) {
  FeatureVector se;
  se.fill(std::numeric_limits<double>::infinity());
  const double n = static_cast<double>(data.size());
  if (n == 0) return se;
  Matrix hessian{}, spread{};
  for (size_t i = 0; i < data.rated_z.size(); ++i) {
    const FeatureVector& z = data.rated_z[i];
    const double r = model.intercept + model.Score(z) - data.rated_y[i];
    AddOuter(1 / n, z, &hessian);
    AddOuter(r * r / (n * n), z, &spread);
  }
  for (const auto& d : data.pref_d) {
    const double p = 1 / (1 + std::exp(-model.Score(d)));
    AddOuter(p * (1 - p) / n, d, &hessian);
    AddOuter((1 - p) * (1 - p) / (n * n), d, &spread);
  }
  for (int j = 0; j < kFeatureCount; ++j) hessian[j][j] += active[j] ? l2 : 1.0;
  Matrix h_inv;
  if (!Invert(hessian, &h_inv)) return se;
  for (int j = 0; j < kFeatureCount; ++j) {
    if (!active[j]) continue;
    double var = 0;  // (H⁻¹ B H⁻¹)_jj
    for (int a = 0; a < kFeatureCount; ++a) {
      for (int b = 0; b < kFeatureCount; ++b) var += h_inv[j][a] * spread[a][b] * h_inv[b][j];
    }
    se[j] = std::sqrt(std::max(var, 0.0));
  }
  return se;
}

double BinomialUpperTail(int64_t k, int64_t n) {
  if (k <= 0) return 1.0;
  if (k > n) return 0.0;
  // Sum the terms in log space from the largest (i = k) down; lgamma keeps
  // C(n, i) / 2^n representable for any n.
  const double log_half_n = static_cast<double>(n) * std::log(0.5);
  const auto log_term = [&](int64_t i) {
    return std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(double(n - i) + 1.0) + log_half_n;
  };
  const double first = log_term(k);
  double sum = 0;
  for (int64_t i = k; i <= n; ++i) {
    const double rel = log_term(i) - first;
    if (i > k && rel < -50) break;  // the terms only shrink past the mode
    sum += std::exp(rel);
  }
  return std::min(1.0, std::exp(first) * sum);
}

}  // namespace studio::training
