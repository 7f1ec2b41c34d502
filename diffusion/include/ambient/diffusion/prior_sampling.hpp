#pragma once
// Drawing images from a trained prior. A clean or Tweedie prior is EDM's denoiser as it is;
// an ambient prior only ever saw further-subsampled inputs, so it is sampled with the
// fixed-mask sampler of Daras et al. 2023: one random Ã per image, drawn by the prior's own
// mask rule (its training acceleration plus the further subsampling) and kept for the
// whole trajectory; the denoiser at each step is h(Ã^H Ã x, σ, Ã).
#include <nlohmann/json.hpp>

#include "ambient/diffusion/checkpoint.hpp"
#include "ambient/diffusion/sampler.hpp"

namespace ambient::diffusion {

// The masks Ã [count, H, W] an ambient prior is evaluated with: description's
// "sampling_mask" {kind, acceleration, calibration}, one seed per image; `acceleration` > 0
// replaces the rule's own.
torch::Tensor ambient_masks(const nlohmann::json& description, int64_t count, int64_t height, int64_t width,
                            uint64_t seed, double acceleration = 0);

// D(x, sigma) of `prior` for a batch x [b, 2, H, W] at noise levels sigma [b], differentiable
// (the posterior samplers take gradients through it); `masks` and `maps` as below.
torch::Tensor apply_prior(Prior& prior, const torch::Tensor& x, const torch::Tensor& sigma,
                          const torch::Tensor& masks = {}, const torch::Tensor& maps = {});

// D(x, sigma) of `prior` for a batch, without gradients; `masks` [b, H, W] are the fixed Ã of an ambient
// prior and `maps` [b, coil, H, W] the coil maps its view Ã^H Ã x goes through (both
// ignored for clean and Tweedie priors).
Denoiser prior_denoiser(Prior& prior, const torch::Tensor& masks = {}, const torch::Tensor& maps = {});

// An ambient prior's estimate of x0 from an image x_σ [b, 2, H, W] seen whole, as in
// denoising a fully sampled scan. The network only ever saw Ã^H Ã x_σ, so it is run once per
// mask draw in `masks` [draws, b, H, W], and the estimates are combined in each coil's k-space
// (`maps` [b, coil, H, W]; undefined: one coil of ones): a sample takes the mean of the draws
// whose Ã kept it, where the network saw it (noisy) and denoised it, and the mean of all draws
// where no Ã kept it, where the network could only inpaint. The plain mean of the draws
// throws away what x_σ says about the lines each Ã hides.
torch::Tensor kept_line_estimate(Prior& prior, const torch::Tensor& x, double sigma, const torch::Tensor& masks,
                                 const torch::Tensor& maps);

// `count` prior samples [count, H, W] complex64, in normalised units. An ambient prior's
// sample i sees the coil maps maps[i % K] of `maps` [K, coil, H, W], by default its own
// sampling_maps; Error when it has none.
torch::Tensor sample_prior(Prior& prior, int64_t count, int64_t height, int64_t width, const SamplerOptions& options,
                           uint64_t seed, Progress& progress = no_progress(), const torch::Tensor& maps = {});

}  // namespace ambient::diffusion
