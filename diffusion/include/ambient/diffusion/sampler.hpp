#pragma once
// EDM's sampler (Karras et al. 2022, Algorithm 1; with churn, Algorithm 2): noise levels
// sigma_i = (sigma_max^(1/rho) + i/(N-1) (sigma_min^(1/rho) - sigma_max^(1/rho)))^rho, then 0;
// Euler steps of the probability-flow ODE dx/dsigma = (x - D(x, sigma)) / sigma with Heun's
// second-order correction except on the last step. The denoiser is any function, so the
// same sampler serves networks, the ambient fixed-mask view, and closed forms in tests.
#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <functional>
#include <vector>

#include "ambient/core/progress.hpp"

namespace ambient::diffusion {

struct SamplerOptions {
  int steps = 18;
  double sigma_min = 0.002, sigma_max = 80, rho = 7;
  bool heun = true;  // false: first-order Euler (one evaluation per step)
  // EDM's S_churn: before each step, fresh noise raises sigma by the factor 1 + gamma,
  // gamma = min(churn / steps, sqrt 2 - 1), so the denoiser's own errors are partly
  // forgotten instead of carried to the end; 0 is the deterministic ODE.
  double churn = 0;
};

// gamma of `options` (Error when churn < 0).
double churn_factor(const SamplerOptions& options);

// The churn of one step: adds fresh noise to x so its level rises from sigma to
// sigma (1 + gamma), and returns that level (sigma itself when gamma is 0).
double raise_noise(torch::Tensor& x, double sigma, double gamma, at::Generator& generator);

// The N noise levels followed by 0.
std::vector<double> edm_schedule(const SamplerOptions& options);

// D(x, sigma) for a batch x at one noise level.
using Denoiser = std::function<torch::Tensor(const torch::Tensor& x, double sigma)>;

// Integrates from `noise` (unit Gaussian, scaled by sigma_max here) down to sigma = 0;
// `seed` seeds the churn's noise.
torch::Tensor edm_sample(const Denoiser& denoiser, const torch::Tensor& noise, const SamplerOptions& options,
                         Progress& progress = no_progress(), uint64_t seed = 0);

}  // namespace ambient::diffusion
