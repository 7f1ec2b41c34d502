#include "ambient/diffusion/consistent_sampling.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "ambient/core/error.hpp"
#include "ambient/recon/cgls.hpp"
#include "ambient/recon/classical.hpp"
#include "ambient/recon/conjugate_gradient.hpp"
#include "ambient/recon/linear_operator.hpp"

namespace ambient::diffusion {

torch::Tensor data_consistent(const Measurement& m, const torch::Tensor& x0, double lambda, int iterations) {
  if (iterations <= 0) return x0;
  const recon::SenseOperator a(m.maps, m.mask);
  const torch::Tensor aty = a.adjoint(m.kspace * m.mask.unsqueeze(0));
  recon::CgOptions cg;
  cg.iterations = iterations;
  cg.lambda = lambda;
  std::vector<torch::Tensor> out;
  for (int64_t i = 0; i < x0.size(0); ++i)
    out.push_back(recon::conjugate_gradient([&a](const at::Tensor& x) { return a.normal(x); },
                                            aty + lambda * x0[i], x0[i], cg)
                      .x);
  return torch::stack(out);
}

double misfit_sigma(const Measurement& m) {
  const torch::Tensor fit =
      data_consistent(m, torch::zeros_like(m.kspace[0]).unsqueeze(0), recon::kSenseDefaults.lambda,
                      recon::kSenseDefaults.iterations)[0];
  const torch::Tensor residual = recon::SenseOperator(m.maps, m.mask).forward(fit) - m.kspace * m.mask.unsqueeze(0);
  return std::sqrt(residual.abs().pow(2).sum().item<double>() / (2 * measured_samples(m)));
}

double step_lambda(const Measurement& m, const PosteriorOptions& o) {
  if (!o.automatic_dc_lambda) return o.dc_lambda;
  const double s = misfit_sigma(m);
  return o.dc_misfit_weight * s * s;
}

int step_iterations(double lambda, const PosteriorOptions& o) {
  const int n = o.dc_iterations;
  if (!o.automatic_dc_lambda || !o.automatic_dc_iterations || !(lambda < o.dc_reference_lambda)) return n;
  const double scaled = n * std::sqrt(o.dc_reference_lambda / std::max(lambda, 1e-12));
  return static_cast<int>(std::lround(std::min(scaled, 4.0 * n)));
}

double warm_start_sigma(double lambda, const PosteriorOptions& o) {
  if (!o.automatic_dc_lambda || !o.automatic_sigma_start) return o.sigma_start;
  const double ratio = lambda / o.sigma_start_reference_lambda;
  const double level = ratio * ratio;
  return std::clamp(level, o.sigma_start_min, o.sigma_start_max);
}

torch::Tensor fit_to_noise(const Measurement& m, const torch::Tensor& x0, int max_iterations) {
  const double target = noise_norm(m);
  if (!(target > 0)) throw Error("fitting to the noise level needs the data's noise level");
  const recon::SenseOperator a(m.maps, m.mask);
  const torch::Tensor y = m.kspace * m.mask.unsqueeze(0);
  std::vector<torch::Tensor> out;
  for (int64_t i = 0; i < x0.size(0); ++i) out.push_back(recon::cgls(a, y, x0[i], max_iterations, target).x);
  return torch::stack(out);
}

torch::Tensor consistent_samples(const BatchDenoiser& denoiser, const Measurement& m, const PosteriorOptions& o,
                                 Progress& progress) {
  if (!(o.dc_lambda >= 0) || !(o.dc_misfit_weight >= 0))
    throw Error("the data-consistency weight lambda must be >= 0");
  if (!(o.eta >= 0 && o.eta <= 1)) throw Error("the sampler's stochasticity eta must lie in [0, 1]");
  if (o.dc_iterations < 0 || o.fit_iterations < 0) throw Error("the data-consistency CG iterations must be >= 0");
  const bool warm = m.start.defined() && o.sigma_start > 0;
  SamplerOptions schedule = o.schedule;
  if (warm) schedule.sigma_max = o.sigma_start;
  if (!(schedule.sigma_max > schedule.sigma_min))
    throw Error("the starting noise level must exceed the smallest (" + std::to_string(schedule.sigma_min) + ")");
  const std::vector<double> sigmas = edm_schedule(schedule);
  const int64_t n = o.samples, height = m.kspace.size(1), width = m.kspace.size(2);
  const torch::Device device = m.kspace.device();
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(o.seed);
  auto noise = [&] { return at::normal(0.0, 1.0, {n, 2, height, width}, g).to(device); };

  torch::NoGradGuard no_grad;
  const double lambda = step_lambda(m, o);
  const int iterations = step_iterations(lambda, o);
  torch::Tensor x = noise() * sigmas[0];
  if (warm) x = x + to_channels(m.start.to(device).unsqueeze(0));
  torch::Tensor estimate;
  progress.begin("posterior sampling", schedule.steps);
  for (int i = 0; i < schedule.steps; ++i) {
    progress.throw_if_cancelled();
    const double sigma = sigmas[i], next = sigmas[i + 1];
    const torch::Tensor denoised = denoiser(x, torch::full({n}, sigma, x.options())).detach();
    const bool last = !(next > 0);
    const torch::Tensor x0 = to_complex(denoised);
    estimate = last && m.noise_sigma > 0 ? fit_to_noise(m, x0, o.fit_iterations)
                                         : data_consistent(m, x0, lambda, iterations);
    if (!torch::isfinite(estimate).all().item<bool>())
      throw Error("posterior sampling produced NaN or Inf at step " + std::to_string(i + 1));
    if (!last) {
      const torch::Tensor direction = (x - denoised) / sigma;
      x = to_channels(estimate) + next * (std::sqrt(1 - o.eta * o.eta) * direction + o.eta * noise());
    }
    progress.update(i + 1);
  }
  progress.end();
  return estimate.cpu();
}

}  // namespace ambient::diffusion
