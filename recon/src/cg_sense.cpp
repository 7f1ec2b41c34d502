#include <ATen/ATen.h>

#include "ambient/recon/classical.hpp"
#include "ambient/recon/conjugate_gradient.hpp"
#include "ambient/recon/lambda_selection.hpp"
#include "ambient/recon/linear_operator.hpp"

namespace ambient::recon {

namespace {

// --lambda auto for the Tikhonov weight walks from the former fixed default (0.01) in steps
// of 4: a useful Tikhonov weight spans more decades than an L1 one.
const LambdaSearch kSearch{0.01, 4, 5, 0.2};

at::Tensor solve(const SenseOperator& a, const at::Tensor& rhs, double lambda, int iterations, const at::Tensor& x0) {
  CgOptions cg;
  cg.lambda = lambda;
  cg.iterations = iterations;
  return conjugate_gradient([&](const at::Tensor& x) { return a.normal(x); }, rhs, x0, cg).x;
}

// Each trial is the solve the chosen weight will get, on the fit samples (lambda_selection.hpp).
double cross_validated_lambda(const at::Tensor& maps, const at::Tensor& mask, const at::Tensor& y, int iterations,
                              uint64_t seed) {
  const HoldoutProblem p = holdout_problem(maps, mask, y, kSearch.holdout, seed);
  return choose_lambda(kSearch, [&](double lambda) {
           return p.squared_error(solve(p.fit, p.fit_adjoint_y, lambda, iterations, {}));
         }).lambda;
}

}  // namespace

Reconstruction cg_sense(const io::KSpace& kspace, const ReconOptions& options, Progress& progress) {
  const int iterations = checked_iterations(options, kSenseDefaults);
  progress.begin("cg-sense", kspace.slices());
  Reconstruction result;
  std::vector<at::Tensor> slices;
  for (int64_t s = 0; s < kspace.slices(); ++s) {
    progress.throw_if_cancelled();
    const at::Tensor maps = coil_maps(kspace, s, options);
    const at::Tensor y = kspace.data[s] * kspace.mask[s].unsqueeze(0);
    const double lambda = options.automatic_lambda
                              ? cross_validated_lambda(maps, kspace.mask[s], y, iterations, options.seed + s)
                              : options.lambda.value_or(kSenseDefaults.lambda);
    const SenseOperator a(maps, kspace.mask[s]);
    slices.push_back(solve(a, a.adjoint(y), lambda, iterations, {}));
    result.lambdas.push_back(lambda);
    progress.update(s + 1);
  }
  progress.end();
  result.image = at::stack(slices);
  return result;
}

}  // namespace ambient::recon
