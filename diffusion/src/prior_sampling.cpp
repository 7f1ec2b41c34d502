#include "ambient/diffusion/prior_sampling.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "ambient/core/error.hpp"
#include "ambient/diffusion/objectives.hpp"
#include "ambient/recon/fft.hpp"
#include "ambient/recon/masks.hpp"

namespace ambient::diffusion {

torch::Tensor ambient_masks(const nlohmann::json& description, int64_t count, int64_t height, int64_t width,
                            uint64_t seed, double acceleration) {
  if (!description.contains("sampling_mask"))
    throw Error("the ambient prior does not say how to draw its masks (no \"sampling_mask\" in its description)");
  const nlohmann::json& rule = description["sampling_mask"];
  recon::MaskOptions o;
  o.kind = recon::parse_mask_kind(rule.at("kind").get<std::string>());
  o.acceleration = acceleration > 0 ? acceleration : rule.at("acceleration").get<double>();
  o.calibration = rule.at("calibration").get<int64_t>();
  std::vector<torch::Tensor> masks;
  for (int64_t i = 0; i < count; ++i) {
    o.seed = seed * 7919 + static_cast<uint64_t>(i);
    masks.push_back(recon::sampling_mask(height, width, o));
  }
  return torch::stack(masks);
}

torch::Tensor apply_prior(Prior& prior, const torch::Tensor& x, const torch::Tensor& sigma,
                          const torch::Tensor& masks, const torch::Tensor& maps) {
  if (prior.objective->condition_channels() == 0) return prior.denoiser->forward(x, sigma);
  if (!masks.defined()) throw Error("an ambient prior needs its masks Ã");
  const auto [input, condition] = ambient_input(x, masks.to(x.device()), maps.defined() ? maps.to(x.device()) : maps);
  return prior.denoiser->forward(input, sigma, condition);
}

Denoiser prior_denoiser(Prior& prior, const torch::Tensor& masks, const torch::Tensor& maps) {
  if (prior.objective->condition_channels() > 0 && !masks.defined()) throw Error("an ambient prior needs its masks Ã");
  return [&prior, masks, maps](const torch::Tensor& x, double sigma) {
    torch::NoGradGuard no_grad;
    return apply_prior(prior, x, torch::full({x.size(0)}, sigma, x.options()), masks, maps);
  };
}

torch::Tensor kept_line_estimate(Prior& prior, const torch::Tensor& x, double sigma, const torch::Tensor& masks,
                                 const torch::Tensor& maps) {
  if (masks.dim() != 4 || masks.size(1) != x.size(0)) throw Error("kept_line_estimate needs masks [draws, batch, H, W]");
  torch::NoGradGuard no_grad;
  const torch::Tensor coils =
      maps.defined() ? maps.to(x.device())
                     : torch::ones({x.size(0), 1, x.size(2), x.size(3)}, x.options().dtype(torch::kComplexFloat));
  torch::Tensor kept_sum, kept_count, all_sum;
  for (int64_t k = 0; k < masks.size(0); ++k) {
    const torch::Tensor m = masks[k].to(x.device());
    const torch::Tensor estimate = to_complex(prior_denoiser(prior, m, coils)(x, sigma)).unsqueeze(1);
    const torch::Tensor kspace = recon::fft2c(coils * estimate);
    const torch::Tensor kept = m.to(torch::kFloat).unsqueeze(1);
    if (k == 0) {
      kept_sum = kspace * kept;
      kept_count = kept;
      all_sum = kspace;
    } else {
      kept_sum += kspace * kept;
      kept_count += kept;
      all_sum += kspace;
    }
  }
  const torch::Tensor combined =
      torch::where(kept_count > 0, kept_sum / kept_count.clamp_min(1), all_sum / static_cast<double>(masks.size(0)));
  return to_channels((coils.conj() * recon::ifft2c(combined)).sum(1));
}

torch::Tensor sample_prior(Prior& prior, int64_t count, int64_t height, int64_t width, const SamplerOptions& options,
                           uint64_t seed, Progress& progress, const torch::Tensor& maps) {
  const int64_t factor = prior.denoiser->network()->config().downsampling();
  if (height % factor != 0 || width % factor != 0)
    throw Error("the prior's network needs sizes divisible by " + std::to_string(factor));
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(seed);
  const torch::Device device = prior.denoiser->parameters().front().device();
  const torch::Tensor noise = at::normal(0.0, 1.0, {count, 2, height, width}, g).to(device);
  torch::Tensor masks, per_sample_maps;
  if (prior.objective->condition_channels() > 0) {
    masks = ambient_masks(prior.description, count, height, width, seed);
    const torch::Tensor& pool = maps.defined() ? maps : prior.sampling_maps;
    if (!pool.defined())
      throw Error("the ambient prior holds no coil maps to sample with (written by an older Ambient); "
                  "give maps from a scan");
    if (pool.dim() != 4 || pool.size(2) != height || pool.size(3) != width)
      throw Error("the coil maps are " + std::to_string(pool.size(-2)) + " x " + std::to_string(pool.size(-1)) +
                  ", the samples " + std::to_string(height) + " x " + std::to_string(width));
    per_sample_maps = pool.index_select(0, torch::arange(count, torch::kLong).remainder(pool.size(0)).to(pool.device()))
                          .to(device);
    masks = masks.to(device);
  }
  const torch::Tensor x = edm_sample(prior_denoiser(prior, masks, per_sample_maps), noise, options, progress, seed + 1);
  return torch::view_as_complex(x.permute({0, 2, 3, 1}).contiguous()).cpu();
}

}  // namespace ambient::diffusion
