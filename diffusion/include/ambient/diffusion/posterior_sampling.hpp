#pragma once
// Posterior sampling: one slice's image from its measured k-space y = A x + noise
// (A = M F S) with a trained prior. Diffusion posterior sampling (DPS, Chung et al. 2023)
// on EDM's schedule: each step the prior's denoiser D(x, sigma), the probability-flow ODE
// step, and a guidance step -zeta/||r|| grad_x ||r||^2 with r = y - A D, the gradient taken
// through the network. An ambient prior (A-DPS, Aali et al. 2024) sees x only as
// Ã^H Ã x (AmbientView says how Ã is drawn). Several samples run as one batch; their mean is
// the reconstruction and their standard deviation a pixel-wise uncertainty.
#include <torch/types.h>

#include <nlohmann/json.hpp>

#include <string>

#include "ambient/core/progress.hpp"
#include "ambient/diffusion/checkpoint.hpp"
#include "ambient/diffusion/sampler.hpp"

namespace ambient::diffusion {

// One slice's measurement in the prior's normalised units (k-space divided by the slice's
// normalisation constant).
struct Measurement {
  torch::Tensor kspace;  // [coil, H, W] complex64, zero where unmeasured
  torch::Tensor mask;    // [H, W] bool, what was measured
  torch::Tensor maps;    // [coil, H, W] complex64 coil maps
  // Standard deviation of the k-space noise per real component (normalised units); 0:
  // unknown. Known, it fades the guidance as ||r|| nears the noise's own norm, so the
  // samples do not fit the noise.
  double noise_sigma = 0;
  // A first image [H, W] complex64 (e.g. CG-SENSE or CS) for a warm start (see
  // PosteriorOptions::sigma_start); undefined: start from noise.
  torch::Tensor start;
};

// How strongly each step pulls toward the data, r = y - A D(x, sigma):
//  - dps: -zeta/||r|| grad ||r||^2, the step of DPS and the A-DPS paper (zeta ~ 1 at their
//    500-1000 steps); its length does not shrink as r does, so it needs many small steps.
//  - flow: the likelihood's score added to the probability-flow ODE step,
//    -zeta (sigma - sigma_next) sigma / (sigma_n^2 + c_out^2) grad ||r||^2 / 2, with a Gaussian
//    likelihood whose variance is the data noise sigma_n^2 plus c_out^2 = sigma^2 sigma_data^2 /
//    (sigma^2 + sigma_data^2), EDM's posterior variance of an image of variance sigma_data^2.
//    Each step then removes about the fraction (sigma - sigma_next) / sigma of the residual,
//    as the ODE step itself does of the noise: the same total pull at any number of steps.
//  - dc: data consistency inside every step, no gradient through the network (the decomposed
//    diffusion sampler, Chung, Lee, Ye 2024; consistent_sampling.hpp): the denoised estimate
//    x0 = D(x, sigma) is moved to argmin ||A x - y||^2 + lambda ||x - x0||^2 by a few CG steps,
//    and the next state is that estimate plus sigma_next times a DDIM mix of the step's noise
//    direction and fresh noise. Half the cost of a guided step, and the samples agree with
//    the measurements whatever the prior.
enum class Guidance { dps, flow, dc };

// Which lines of x an ambient prior sees at each network evaluation:
//  - fixed: one random Ã per sample, drawn by the prior's own mask rule (its training
//    acceleration plus the further subsampling) and kept for the whole trajectory, as in the
//    A-DPS paper. The lines outside Ã and A are never seen: the network only inpaints them.
//  - fresh: a new random Ã at every evaluation, at view_acceleration, joined with the
//    measured lines, where guidance makes x most trustworthy. Over the trajectory every line
//    is seen and denoised. On 4 tuning slices (2 samples, the 4000-step prior) against fixed: +0.51 dB at R = 8,
//    +0.66 at R = 4; a view at R = 2 / 3 / 4 / 5 / 7 gave 20.57 / 20.72 / 20.67 / 20.63 / 20.58 dB
//    at R = 8 and 23.02 / 22.90 / 22.79 / 22.71 / 22.64 at R = 4 (docs/reconstruction.md).
enum class AmbientView { fixed, fresh };

struct PosteriorOptions {
  // steps, sigma_min, sigma_max, rho, heun, churn. 10 Euler steps of the dc sampler from a
  // warm start (below; at sigma 1 when chosen, automatic_sigma_start since): on validation
  // subjects no prior saw (R = 4) as good as 20 steps from noise at half the network
  // evaluations, and 0.75 dB better than 5 on their brains.
  // sigma_min 0.05, not EDM's 0.002: the last denoising then still removes the noise the
  // data-consistency steps let in (+0.3 to +1.4 dB and higher SSIM on those subjects; aos gains
  // 0.4-0.5 dB too), docs/reconstruction.md. The flow and dps guidance want more steps (50;
  // the paper's 500, with --sigma-min 0.002).
  SamplerOptions schedule{10, 0.05, 80, 7, false};
  Guidance guidance = Guidance::dc;
  double zeta = 1.0;   // guidance weight (see Guidance)
  double sigma_data = 0.5;  // the prior's (flow guidance); posterior_samples takes the prior's own
  int64_t samples = 4;  // their mean is the image, their spread the uncertainty
  uint64_t seed = 0;
  AmbientView view = AmbientView::fresh;
  double view_acceleration = 3;  // fresh: the random lines' acceleration (the prior's ACS kept)
  // An ambient prior on a scan larger than its training grid: the central k-space band also from
  // the network on a grid near the training size, blended in (coarse_band.hpp).
  bool coarse_band = true;
  // Guidance::dc: each step's CG iterations, the weight lambda of ||x - x0||^2 (normalised
  // units), and the DDIM stochasticity eta (0: the step's own noise direction only, 1: fresh
  // noise only). automatic_dc_lambda: lambda = dc_misfit_weight s^2, s the scan's own misfit
  // (misfit_sigma: noise plus what the coil maps cannot explain), so a scan the forward model
  // fits well is held to its data harder than one it fits badly; dc_lambda otherwise. Chosen on
  // the validation subjects (docs/reconstruction.md): a fixed lambda strong enough for the
  // brains (0.01) cost the spines, whose maps miss tissue, 1.4-1.6 dB; weight 300 with 15
  // iterations (30 gave the same) and eta 0.25 gained 0.1-0.6 dB over lambda 0.05, 5 iterations,
  // eta 0.5 on every anatomy at R = 4 and 8 but the R = 4 spines (-0.04). 10 iterations give
  // the same images as 15 to 0.01 dB on the 128 x 128 validation slices at a third less CG.
  // With the automatic weight and automatic_dc_iterations, dc_iterations holds at the validation
  // brains' lambda (about dc_reference_lambda) and a weaker pull gets more (step_iterations);
  // a count the caller gives (automatic_dc_iterations false) is used as it is.
  int dc_iterations = 10;
  bool automatic_dc_iterations = true;
  double dc_reference_lambda = 0.02;
  bool automatic_dc_lambda = true;
  double dc_misfit_weight = 300;
  double dc_lambda = 0.05;
  double eta = 0.25;
  // Whether the caller chose the dc step (automatic_dc_lambda, dc_lambda, dc_iterations, eta);
  // if not, a clean prior samples with clean_prior_dc_step's instead of these.
  bool dc_step_given = false;
  // Guidance::dc, last step: at most this many CGLS iterations from the denoised estimate toward
  // the data, stopped early where the residual reaches the noise level (fit_to_noise). One by
  // validation: on undersampled scans the residual is still 2-3x the noise norm after 5 and
  // every further iteration brings more noise than signal (semi-convergence; 1 / 2 / 3 / 5 / 10
  // compared in docs/reconstruction.md).
  int fit_iterations = 1;
  // Warm start (Chung et al. 2022, "Come-closer-diffuse-faster"): with a Measurement::start
  // image and sigma_start > 0, the schedule runs from sigma_start (not sigma_max) and begins at
  // the start image plus noise of that level, so a few steps suffice.
  double sigma_start = 1;
  // With the automatic step weight lambda, sigma_start from it instead (warm_start_sigma):
  // (lambda / 0.04)^2 within [0.3, 2]. The weight grows with what the coil maps cannot explain,
  // and so does how far the SENSE start lies from the image: a scan its maps fit closely
  // (lambda 0.01-0.03: brains, tumours, knees) starts near its SENSE image, one they fit badly
  // (lambda above 0.05: spines, whose maps miss tissue) forgets more of it. Chosen on the
  // validation subjects (docs/reconstruction.md): +0.04 to +0.24 dB on every anatomy at R = 4
  // and 8 against sigma_start 1 at the same 10 steps.
  bool automatic_sigma_start = true;
  double sigma_start_reference_lambda = 0.04;
  double sigma_start_min = 0.3;
  double sigma_start_max = 2;
};

// `options` with the dc step a clean prior (dps) samples with unless the caller chose one: the
// fixed weight 0.05, 5 CG iterations, eta 0.5 (the default of every prior until 2026-12-04). On
// the validation subjects the misfit-weighted step tuned for ambient priors lost 0.25 dB for
// the open clean prior at R = 4 (mean of the four anatomies, SSIM 0.01-0.10 lower) and gained
// 0.09 dB at R = 8 (docs/reconstruction.md).
PosteriorOptions clean_prior_dc_step(PosteriorOptions options);

Guidance parse_guidance(const std::string& name);        // "dps", "flow" or "dc"; Error otherwise
AmbientView parse_ambient_view(const std::string& name);  // "fixed" or "fresh"; Error otherwise

// The fresh view of an ambient prior: `count` masks [count, H, W], each a random mask of the
// prior's kind and calibration at `acceleration`, joined with the measured `mask` [H, W].
torch::Tensor fresh_view_masks(const nlohmann::json& description, const torch::Tensor& mask, int64_t count,
                               double acceleration, uint64_t seed);

// `options.samples` posterior samples [samples, H, W] complex64 in normalised units.
// Throws Error when the prior does not fit the measurement (sizes, channels) and when a
// sample turns NaN or Inf (the step it happened at is named).
torch::Tensor posterior_samples(Prior& prior, const Measurement& measurement, const PosteriorOptions& options,
                                Progress& progress = no_progress());

// The sampler itself, for any denoiser that autograd can differentiate (a prior's network,
// a closed form in tests): D(x [b, 2, H, W], sigma [b]) with b = options.samples.
torch::Tensor guided_samples(const BatchDenoiser& denoiser, const Measurement& measurement,
                             const PosteriorOptions& options, Progress& progress = no_progress());

// A-OS, the one-step ambient estimate h(A^H y, sigma, A): the ambient network applied once
// to the measured data with the measurement's own mask [H, W] complex64. sigma: the
// noise level the data are read at (the larger of sigma_min and the data's noise).
torch::Tensor one_step_estimate(Prior& prior, const Measurement& measurement, double sigma);

// The norm of the measurement noise itself, ||A x_true - y|| in expectation (0: noise unknown).
double noise_norm(const Measurement& measurement);

// How many complex k-space samples the measurement holds: its measured positions times its coils.
double measured_samples(const Measurement& measurement);

// Network evaluations (forward passes) per sample of posterior_samples.
int64_t network_evaluations(const PosteriorOptions& options);

}  // namespace ambient::diffusion
