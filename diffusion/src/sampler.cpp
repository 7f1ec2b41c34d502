#include "ambient/diffusion/sampler.hpp"

#include <torch/torch.h>

#include <cmath>

#include "ambient/core/error.hpp"

namespace ambient::diffusion {

std::vector<double> edm_schedule(const SamplerOptions& o) {
  if (o.steps < 1 || !(o.sigma_min > 0) || !(o.sigma_max > o.sigma_min))
    throw Error("sampler needs steps >= 1 and 0 < sigma_min < sigma_max");
  std::vector<double> sigmas;
  const double a = std::pow(o.sigma_max, 1 / o.rho), b = std::pow(o.sigma_min, 1 / o.rho);
  for (int i = 0; i < o.steps; ++i)
    sigmas.push_back(std::pow(a + (o.steps == 1 ? 0.0 : static_cast<double>(i) / (o.steps - 1)) * (b - a), o.rho));
  sigmas.push_back(0);
  return sigmas;
}

torch::Tensor edm_sample(const Denoiser& denoiser, const torch::Tensor& noise, const SamplerOptions& o,
                         Progress& progress) {
  const std::vector<double> sigmas = edm_schedule(o);
  torch::Tensor x = noise * sigmas[0];
  progress.begin("sampling", o.steps);
  for (int i = 0; i < o.steps; ++i) {
    progress.throw_if_cancelled();
    const double s = sigmas[i], next = sigmas[i + 1];
    const torch::Tensor slope = (x - denoiser(x, s)) / s;
    torch::Tensor stepped = x + (next - s) * slope;
    if (o.heun && next > 0) {
      const torch::Tensor slope_next = (stepped - denoiser(stepped, next)) / next;
      stepped = x + (next - s) * 0.5 * (slope + slope_next);
    }
    x = stepped;
    progress.update(i + 1);
  }
  progress.end();
  return x;
}

}  // namespace ambient::diffusion
