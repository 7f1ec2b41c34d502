#include "ambient/recon/lambda_selection.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "ambient/core/error.hpp"
#include "ambient/recon/mask_analysis.hpp"

namespace ambient::recon {

namespace {

// Marks `fraction` of the true entries of `candidates` (1D bool), at least one, at random, seeded.
at::Tensor pick(const at::Tensor& candidates, double fraction, uint64_t seed) {
  const at::Tensor index = candidates.nonzero().flatten();
  const int64_t n = index.numel();
  at::Tensor chosen = at::zeros_like(candidates);
  if (n == 0) return chosen;
  const int64_t count = std::clamp<int64_t>(std::llround(fraction * static_cast<double>(n)), 1, n);
  const at::Tensor order = at::randperm(n, at::make_generator<at::CPUGeneratorImpl>(seed), at::kLong);
  chosen.index_put_({index.index_select(0, order.narrow(0, 0, count))}, true);
  return chosen;
}

// Every k-th candidate line (k = 1 / fraction) in order of distance from the centre, from a
// seeded offset: the held-out lines sample low and high frequencies alike, so the error
// they measure does not hinge on whether a line near the centre happened to be drawn. The
// nearest candidate is never held out: its error is 20-100x each other line's, so alone it
// would decide the weight, and it favours one far heavier than suits the image
// (docs/reconstruction.md, "Choosing lambda").
at::Tensor stratified(const at::Tensor& candidates, double fraction, uint64_t seed) {
  const int64_t n = candidates.size(0), centre = n / 2;
  std::vector<int64_t> lines;
  for (int64_t i = 0; i < n; ++i)
    if (candidates[i].item<bool>()) lines.push_back(i);
  std::stable_sort(lines.begin(), lines.end(),
                   [&](int64_t a, int64_t b) { return std::abs(a - centre) < std::abs(b - centre); });
  if (lines.size() > 1) lines.erase(lines.begin());
  const auto every = std::max<int64_t>(1, std::llround(1 / fraction));
  at::Tensor chosen = at::zeros_like(candidates);
  for (size_t i = seed % every; i < lines.size(); i += every) chosen[lines[i]] = true;
  if (!chosen.any().item<bool>() && !lines.empty()) chosen[lines.back()] = true;
  return chosen;
}

}  // namespace

HoldoutSplit holdout_split(const at::Tensor& mask2d, double fraction, uint64_t seed) {
  if (mask2d.dim() != 2) throw Error("holdout_split needs a [ky, kx] mask");
  const at::Tensor measured = mask2d.to(at::kBool);
  const int64_t ny = measured.size(0), nx = measured.size(1);
  const CalibrationRegion acs = calibration_region(measured);
  at::Tensor outside = measured.clone();
  if (!acs.empty()) outside.slice(0, acs.ky_begin, acs.ky_begin + acs.ky_size)
                        .slice(1, acs.kx_begin, acs.kx_begin + acs.kx_size).fill_(false);
  at::Tensor held;
  if (is_line_mask(measured) && outside.any().item<bool>()) {
    const at::Tensor lines = stratified(outside.any(1), fraction, seed);
    held = lines.unsqueeze(1).expand({ny, nx}) & measured;
    if (!acs.empty()) held.slice(0, acs.ky_begin, acs.ky_begin + acs.ky_size).fill_(false);
  } else {
    if (!outside.any().item<bool>()) {  // fully sampled: anywhere but the centre
      outside = measured.clone();
      outside[ny / 2][nx / 2] = false;
    }
    held = pick(outside.flatten(), fraction, seed).reshape({ny, nx});
  }
  if (!held.any().item<bool>()) throw Error("the mask has no sample to hold out for choosing lambda");
  return {measured & ~held, held};
}

HoldoutProblem holdout_problem(const at::Tensor& maps, const at::Tensor& mask, const at::Tensor& y, double fraction,
                               uint64_t seed) {
  const HoldoutSplit split = holdout_split(mask, fraction, seed);
  const SenseOperator fit(maps, split.fit);
  const int64_t lines = is_line_mask(mask.to(at::kBool)) ? split.held_out.any(1).sum().item<int64_t>() : 0;
  return {fit, SenseOperator(maps, split.held_out), fit.adjoint(y), y * split.held_out.unsqueeze(0), lines};
}

double HoldoutProblem::squared_error(const at::Tensor& image) const {
  return at::linalg_vector_norm(held.forward(image) - held_y).pow(2).item<double>();
}

LambdaChoice choose_lambda(const LambdaSearch& search, const std::function<double(double)>& error_for) {
  if (!(search.start > 0) || !(search.factor > 1) || search.trials < 3)
    throw Error("lambda search needs a positive start, a step factor above 1 and at least three trials");
  LambdaChoice c;
  auto error_at = [&](double lambda) {
    auto found = c.errors.find(lambda);
    if (found == c.errors.end()) found = c.errors.emplace(lambda, error_for(lambda)).first;
    return found->second;
  };
  double best = search.start;
  double best_error = error_at(best);
  for (double step : {1 / search.factor, search.factor}) {  // down first, then up if down did not help
    bool moved = false;
    for (double next = best * step; static_cast<int>(c.errors.size()) < search.trials; next = best * step) {
      const double e = error_at(next);
      if (e >= best_error) break;
      best = next, best_error = e, moved = true;
    }
    if (moved || static_cast<int>(c.errors.size()) >= search.trials) break;
  }
  c.lambda = best;
  auto tried = [&](double lambda) {  // the weight tried nearest `lambda`, if within rounding
    const auto found = c.errors.lower_bound(lambda * (1 - 1e-9));
    return found != c.errors.end() && found->first <= lambda * (1 + 1e-9) ? found : c.errors.end();
  };
  const auto lower = tried(best / search.factor), upper = tried(best * search.factor);
  if (lower == c.errors.end() || upper == c.errors.end()) return c;
  // Equal steps h = log(factor): the parabola through (-h, e0), (0, e1), (h, e2) has its vertex
  // at h (e0 - e2) / (2 (e0 - 2 e1 + e2)); e1 is the least, so that is within h / 2.
  const double e0 = lower->second, e1 = best_error, e2 = upper->second;
  const double curvature = e0 - 2 * e1 + e2;
  if (curvature > 0) c.lambda = best * std::pow(search.factor, (e0 - e2) / (2 * curvature));
  return c;
}

}  // namespace ambient::recon
