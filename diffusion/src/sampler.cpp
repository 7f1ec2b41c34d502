#include "ambient/diffusion/sampler.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>

#include "ambient/core/error.hpp"
#include "ambient/core/setting_error.hpp"

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

double churn_factor(const SamplerOptions& o) {
  if (!(o.churn >= 0)) throw SettingError("churn", "the sampler's churn must be >= 0");
  return std::min(o.churn / o.steps, std::sqrt(2.0) - 1);
}

double raise_noise(torch::Tensor& x, double sigma, double gamma, at::Generator& generator) {
  if (!(gamma > 0)) return sigma;
  const double raised = sigma * (1 + gamma);
  x = x + std::sqrt(raised * raised - sigma * sigma) * at::normal(0.0, 1.0, x.sizes(), generator).to(x.options());
  return raised;
}

torch::Tensor edm_sample(const Denoiser& denoiser, const torch::Tensor& noise, const SamplerOptions& o,
                         Progress& progress, uint64_t seed) {
  const std::vector<double> sigmas = edm_schedule(o);
  const double gamma = churn_factor(o);
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(seed);
  torch::Tensor x = noise * sigmas[0];
  progress.begin("sampling", o.steps);
  for (int i = 0; i < o.steps; ++i) {
    progress.throw_if_cancelled();
    const double s = raise_noise(x, sigmas[i], gamma, g), next = sigmas[i + 1];
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
