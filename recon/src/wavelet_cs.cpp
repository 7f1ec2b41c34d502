#include "ambient/recon/classical.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "ambient/core/error.hpp"
#include "ambient/recon/lambda_selection.hpp"
#include "ambient/recon/linear_operator.hpp"
#include "bart_wavelet.h"

namespace ambient::recon {

namespace {

// --lambda auto walks from the former fixed default (0.005) in steps of 4: the best weights of
// the sweeps in docs/benchmarks-lambda.md lie between 0.0005 (or below, with Poisson masks) and
// 0.05, at most two steps away, so 3 trials (each a full reconstruction of the fit samples)
// bracket the best and keep auto within about 3x one reconstruction. Steps of 3 needed a
// fourth trial on Poisson masks (3.2-3.4x) and chose no better (docs/reconstruction.md).
const LambdaSearch kSearch{0.005, 4, 3, 0.2};
// Line masks: where no slice holds out this many lines, the fit keeps so few lines besides the
// calibration block (128 lines at R = 8 with 12 ACS lines: 4, one held out) that the held-out
// error does not rank the weights (validation spines: -2.65 dB against the fixed default), so
// auto keeps the fixed default (docs/reconstruction.md, "--lambda auto").
constexpr int64_t kMinHeldLines = 2;
// Auto pools the held-out errors of at most this many slices, spread evenly over the volume:
// enough lines for a steady estimate, while a volume of hundreds of slices costs little more
// than its reconstruction and holds no more than these slices' problems at once.
constexpr int64_t kChoiceSlices = 8;

// libbart's wavelet soft-threshold for one image size, freed with the object.
class WaveletThreshold {
 public:
  WaveletThreshold(int64_t ny, int64_t nx, float lambda, int seed)
      : ny_(ny), nx_(nx), op_(ambient_wavelet_threshold_create(nx, ny, lambda)) {
    ambient_wavelet_threshold_seed(op_, seed);
  }
  ~WaveletThreshold() { ambient_wavelet_threshold_free(op_); }
  WaveletThreshold(const WaveletThreshold&) = delete;
  WaveletThreshold& operator=(const WaveletThreshold&) = delete;

  // Soft-thresholds the wavelet coefficients of `image` [ny, nx] by lambda * mu.
  at::Tensor apply(const at::Tensor& image, float mu) const {
    const at::Tensor src = image.contiguous();
    at::Tensor dst = at::empty_like(src);
    // A C-order [ny, nx] image is BART's column-major (nx, ny): the same bytes.
    ambient_wavelet_threshold_apply(op_, mu, nx_, ny_, dst.data_ptr(), src.data_ptr());
    return dst;
  }

 private:
  int64_t ny_, nx_;
  const void* op_;
};

// Largest eigenvalue of A^H A by power iteration, from a fixed start so runs repeat.
double max_eigenvalue(const SenseOperator& a, int64_t ny, int64_t nx) {
  at::Tensor v = at::randn({ny, nx}, at::make_generator<at::CPUGeneratorImpl>(1), at::kComplexFloat);
  double value = 1;
  for (int i = 0; i < 20; ++i) {
    const at::Tensor w = a.normal(v);
    value = at::linalg_vector_norm(w).item<double>();
    if (value == 0) return 1;
    v = w / value;
  }
  return value;
}

// FISTA on ||A x - y||^2 / 2 + lambda ||W x||_1 from `x`, with the wavelet shifts of `seed`.
at::Tensor fista(const SenseOperator& a, const at::Tensor& aty, double lambda, float step, int iterations,
                 at::Tensor x, int seed, const std::function<void(int)>& after_iteration) {
  const WaveletThreshold prox(x.size(-2), x.size(-1), static_cast<float>(lambda), seed);
  at::Tensor z = x;
  double t = 1;
  for (int k = 0; k < iterations; ++k) {
    const at::Tensor next = prox.apply(z - step * (a.normal(z) - aty), step);
    const double t_next = (1 + std::sqrt(1 + 4 * t * t)) / 2;
    z = next + ((t - 1) / t_next) * (next - x);
    x = next;
    t = t_next;
    after_iteration(k);
  }
  return x;
}

// One slice's problem, normalised: data y / scale, its operator and FISTA step.
struct SliceProblem {
  at::Tensor maps, mask, y;
  double scale = 1;
  float step = 1;
  int seed = 0;
};

SliceProblem slice_problem(const io::KSpace& kspace, int64_t s, const ReconOptions& options) {
  SliceProblem p;
  p.scale = normalisation_scale(kspace.data[s], kspace.mask[s]);
  p.mask = kspace.mask[s];
  p.y = kspace.data[s] * p.mask.unsqueeze(0) / p.scale;
  p.maps = coil_maps(kspace, s, options);
  p.step = static_cast<float>(0.95 / max_eigenvalue(SenseOperator(p.maps, p.mask), kspace.ny(), kspace.nx()));
  p.seed = static_cast<int>(options.seed + s);
  return p;
}

// --lambda auto: cross-validation (lambda_selection.hpp), one weight for the volume from the
// held-out errors of `slices` pooled (one slice's few held-out lines make a noisy estimate).
// Each trial is the reconstruction the chosen weight will get (FISTA from A^H y, `iterations`
// steps) on the fit samples alone, so the choice suits the solver as it runs.
double cross_validated_lambda(const std::map<int64_t, SliceProblem>& slices, int iterations,
                              const std::function<void(int)>& after_iteration) {
  std::vector<std::pair<const SliceProblem*, HoldoutProblem>> trials;
  int64_t most_lines = 0;
  for (const auto& [s, p] : slices) {
    trials.emplace_back(&p, holdout_problem(p.maps, p.mask, p.y, kSearch.holdout, static_cast<uint64_t>(p.seed)));
    most_lines = std::max(most_lines, trials.back().second.held_lines);
  }
  if (most_lines > 0 && most_lines < kMinHeldLines) return kCsDefaults.lambda;  // 0: a 2D mask
  return choose_lambda(kSearch, [&](double lambda) {
           double squared = 0;
           for (const auto& [p, t] : trials)
             squared += t.squared_error(
                 fista(t.fit, t.fit_adjoint_y, lambda, p->step, iterations, t.fit_adjoint_y, p->seed, after_iteration));
           return squared;
         }).lambda;
}

}  // namespace

Reconstruction wavelet_cs(const io::KSpace& kspace, const ReconOptions& options, Progress& progress) {
  const bool automatic = options.automatic_lambda || (!options.lambda && kCsDefaults.automatic_lambda);
  const int iterations = checked_iterations(options, kCsDefaults);
  // The slices auto chooses from (their problems kept for their own reconstruction) and their count.
  std::map<int64_t, SliceProblem> problems;
  const int64_t chosen_from = automatic ? std::min(kspace.slices(), kChoiceSlices) : 0;
  progress.begin("l1-wavelet", (kspace.slices() + chosen_from * kSearch.trials) * iterations);  // at most
  int64_t done = 0;
  std::string where = automatic ? "choosing lambda" : "";  // the note beside the count
  auto after_iteration = [&](int) {
    progress.throw_if_cancelled();
    progress.update(++done, where);
  };
  for (int64_t i = 0; i < chosen_from; ++i) {
    const int64_t s = (2 * i + 1) * kspace.slices() / (2 * chosen_from);  // the middle of each of equal parts
    problems.emplace(s, slice_problem(kspace, s, options));
  }
  const double lambda = automatic ? cross_validated_lambda(problems, iterations, after_iteration)
                                  : options.lambda.value_or(kCsDefaults.lambda);
  Reconstruction result;
  std::vector<at::Tensor> slices;
  for (int64_t s = 0; s < kspace.slices(); ++s) {
    where = "slice " + std::to_string(s + 1) + "/" + std::to_string(kspace.slices());
    const auto kept = problems.find(s);
    const SliceProblem p = kept != problems.end() ? std::move(kept->second) : slice_problem(kspace, s, options);
    if (kept != problems.end()) problems.erase(kept);
    const SenseOperator a(p.maps, p.mask);
    const at::Tensor aty = a.adjoint(p.y);
    slices.push_back(fista(a, aty, lambda, p.step, iterations, aty, p.seed, after_iteration) * p.scale);
    result.lambdas.push_back(lambda);
  }
  progress.end();
  result.image = at::stack(slices);
  return result;
}

}  // namespace ambient::recon
