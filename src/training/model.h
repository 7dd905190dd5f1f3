// Trainer internals: the listener model. A linear score s(x) = w · z(x) over
// standardised features z; ratings are fitted by ridge regression of the
// standardised rating on z (with an unpenalised intercept), preference pairs
// by Bradley–Terry (logistic regression of "chosen beats rejected" on
// z(chosen) − z(rejected), no intercept). Both losses are summed per example
// and divided by the total count, so each feedback record weighs the same
// whichever kind it is; l2/2 · |w|² is added. Fitted by full-batch gradient
// descent from w = 0.
//
// Thread-safety: pure functions over their arguments.
#pragma once

#include <functional>
#include <vector>

#include "training/features.h"

namespace studio::training {

// Per-feature mean and standard deviation of the training split. A feature
// that is constant there (or not used) is inactive: its z is always 0.
struct Standardiser {
  FeatureVector mean{}, sd{};
  std::array<bool, kFeatureCount> active{};
  FeatureVector Z(const FeatureVector& x) const;
};
// `rows` are every feature vector of the training split (rated samples and
// both sides of preference pairs); `use_chorus` switches the optional feature.
Standardiser FitStandardiser(const std::vector<FeatureVector>& rows, bool use_chorus);

// The training split in standardised units.
struct ModelData {
  std::vector<FeatureVector> rated_z;
  std::vector<double> rated_y;        // standardised ratings
  std::vector<FeatureVector> pref_d;  // z(chosen) - z(rejected)
  size_t size() const { return rated_z.size() + pref_d.size(); }
};

struct Model {
  FeatureVector w{};
  double intercept = 0;  // ratings only
  double Score(const FeatureVector& z) const;
};

// The loss of `model` on `data` (0 for empty data).
double Loss(const Model& model, const ModelData& data, double l2);

// Runs `steps` gradient steps on *model. After each step calls
// on_step(step, loss_after_step); stops early when it returns false and
// returns false then.
bool Fit(const ModelData& data, int steps, double learning_rate, double l2,
         const std::function<bool(int step, double loss)>& on_step, Model* model);

// Standard errors of the fitted weights (the sandwich estimate H⁻¹ B H⁻¹,
// H the loss's Hessian, B the spread of the per-example gradients, the
// intercept treated as known), for telling which weights are distinguishable
// from zero. Infinity for an inactive feature or a singular H.
FeatureVector StandardErrors(const Model& model, const ModelData& data, double l2,
                             const std::array<bool, kFeatureCount>& active);

// P(X >= k) for X ~ Binomial(n, 1/2): the one-sided exact p of k successes.
double BinomialUpperTail(int64_t k, int64_t n);

}  // namespace studio::training
