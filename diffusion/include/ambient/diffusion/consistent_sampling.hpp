#pragma once
// The data-consistent posterior sampler (Guidance::dc): the decomposed diffusion sampler of
// Chung, Lee and Ye (2024) on EDM's noise levels. Each step
//   x0  = D(x, sigma)                                  the prior's denoised estimate
//   x0' = argmin ||A z - y||^2 + lambda ||z - x0||^2    a few CG steps from x0 (SENSE normal equations)
//   x   = x0' + sigma_next (sqrt(1 - eta^2) (x - x0) / sigma + eta n),  n ~ N(0, I)
// so every estimate agrees with the measured k-space whatever the prior, without a gradient
// through the network. The last step returns x0' itself, fitted to the noise level when the
// noise is known (fit_to_noise). With a start image and sigma_start, the trajectory begins at
// start + sigma_start n (a warm start).
#include <torch/types.h>

#include "ambient/core/progress.hpp"
#include "ambient/diffusion/objectives.hpp"
#include "ambient/diffusion/posterior_sampling.hpp"

namespace ambient::diffusion {

// options.samples samples [samples, H, W] complex64 of the measurement, from the denoiser
// D(x [b, 2, H, W], sigma [b]).
torch::Tensor consistent_samples(const BatchDenoiser& denoiser, const Measurement& measurement,
                                 const PosteriorOptions& options, Progress& progress = no_progress());

// argmin ||A z - y||^2 + lambda ||z - x0||^2 for each image of x0 [b, H, W], by `iterations`
// CG steps started at x0 (A = the measurement's M F S; y its k-space).
torch::Tensor data_consistent(const Measurement& measurement, const torch::Tensor& x0, double lambda, int iterations);

// How far the measurement lies from what its own forward model can explain: the rms residual
// per real component of its CG-SENSE fit (recon::kSenseDefaults), sqrt(||A z - y||^2 / 2M) over
// the M measured samples of all coils. Where the coil maps cover the object, the noise level
// times sqrt(1 - N/M) (N pixels; less where the fit is under-determined, plus what the
// regularised fit leaves); larger where the maps miss tissue the data hold.
double misfit_sigma(const Measurement& measurement);

// The weight lambda of each dc step: options.dc_misfit_weight * misfit_sigma^2 when
// options.automatic_dc_lambda, options.dc_lambda otherwise.
double step_lambda(const Measurement& measurement, const PosteriorOptions& options);

// The CG iterations of each dc step at weight `lambda`: options.dc_iterations, and with the
// automatic weight and count below options.dc_reference_lambda, dc_iterations sqrt(reference /
// lambda) (at most 4x). CG's error falls by a factor set by sqrt(kappa) per iteration, and the step's
// system A^H A + lambda I has kappa about 1 / lambda, so this keeps a weak pull (a scan its
// coil maps fit closely) as converged as the pull the count was chosen at.
int step_iterations(double lambda, const PosteriorOptions& options);

// The warm start's noise level at the automatic step weight `lambda`:
// (lambda / sigma_start_reference_lambda)^2 within [sigma_start_min, sigma_start_max];
// options.sigma_start where the weight or the level is not automatic.
double warm_start_sigma(double lambda, const PosteriorOptions& options);

// Noise-aware data consistency (the discrepancy principle): for each image of x0 [b, H, W],
// CGLS on ||A z - y|| from x0, stopped where the residual reaches the noise's own norm
// (noise_norm; on that point of the last step, recon/cgls.hpp) or after max_iterations, so a
// sample fits the data to the noise level and no further. An x0 already within it stays as it
// is. Needs a known noise level (measurement.noise_sigma > 0).
torch::Tensor fit_to_noise(const Measurement& measurement, const torch::Tensor& x0, int max_iterations);

}  // namespace ambient::diffusion
