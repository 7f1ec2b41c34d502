#pragma once
// EDM's deterministic sampler (Karras et al. 2022, Algorithm 1): noise levels
// sigma_i = (sigma_max^(1/rho) + i/(N-1) (sigma_min^(1/rho) - sigma_max^(1/rho)))^rho, then 0;
// Euler steps of the probability-flow ODE dx/dsigma = (x - D(x, sigma)) / sigma with Heun's
// second-order correction except on the last step. The denoiser is any function, so the
// same sampler serves networks, the ambient fixed-mask view, and closed forms in tests.
#include <torch/types.h>

#include <functional>
#include <vector>

#include "ambient/core/progress.hpp"

namespace ambient::diffusion {

struct SamplerOptions {
  int steps = 18;
  double sigma_min = 0.002, sigma_max = 80, rho = 7;
  bool heun = true;  // false: first-order Euler (one evaluation per step)
};

// The N noise levels followed by 0.
std::vector<double> edm_schedule(const SamplerOptions& options);

// D(x, sigma) for a batch x at one noise level.
using Denoiser = std::function<torch::Tensor(const torch::Tensor& x, double sigma)>;

// Integrates from `noise` (unit Gaussian, scaled by sigma_max here) down to sigma = 0.
torch::Tensor edm_sample(const Denoiser& denoiser, const torch::Tensor& noise, const SamplerOptions& options,
                         Progress& progress = no_progress());

}  // namespace ambient::diffusion
