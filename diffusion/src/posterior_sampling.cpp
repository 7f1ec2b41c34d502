#include "ambient/diffusion/posterior_sampling.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "ambient/core/error.hpp"
#include "ambient/core/setting_error.hpp"
#include "ambient/diffusion/coarse_band.hpp"
#include "ambient/diffusion/consistent_sampling.hpp"
#include "ambient/diffusion/prior_sampling.hpp"
#include "ambient/recon/linear_operator.hpp"

namespace ambient::diffusion {

namespace {

bool is_ambient(const Prior& prior) { return prior.objective->condition_channels() > 0; }

torch::Device device_of(Prior& prior) { return prior.denoiser->parameters().front().device(); }

void check_shapes(const Measurement& m) {
  if (m.kspace.dim() != 3 || m.maps.sizes() != m.kspace.sizes() || m.mask.dim() != 2 ||
      m.mask.size(0) != m.kspace.size(1) || m.mask.size(1) != m.kspace.size(2))
    throw Error("posterior sampling needs k-space and coil maps [coil, H, W] and a mask [H, W] of one size");
}

void check_fits(Prior& prior, const Measurement& m) {
  check_shapes(m);
  const int64_t factor = prior.denoiser->network()->config().downsampling();
  if (m.kspace.size(1) % factor != 0 || m.kspace.size(2) % factor != 0)
    throw Error("the prior's network needs image sizes divisible by " + std::to_string(factor) + "; the scan is " +
                std::to_string(m.kspace.size(1)) + " x " + std::to_string(m.kspace.size(2)));
}

void check_finite(const torch::Tensor& x, int step) {
  if (!torch::isfinite(x).all().item<bool>())
    throw Error("posterior sampling produced NaN or Inf at step " + std::to_string(step + 1) +
                " (the prior diverged on this scan; try a smaller guidance weight or more steps)");
}

}  // namespace

Guidance parse_guidance(const std::string& name) {
  if (name == "dps") return Guidance::dps;
  if (name == "flow") return Guidance::flow;
  if (name == "dc") return Guidance::dc;
  throw Error("unknown guidance '" + name + "' (dps, flow or dc)");
}

AmbientView parse_ambient_view(const std::string& name) {
  if (name == "fixed") return AmbientView::fixed;
  if (name == "fresh") return AmbientView::fresh;
  throw Error("unknown ambient view '" + name + "' (fixed or fresh)");
}

torch::Tensor fresh_view_masks(const nlohmann::json& description, const torch::Tensor& mask, int64_t count,
                               double acceleration, uint64_t seed) {
  const torch::Tensor random = ambient_masks(description, count, mask.size(0), mask.size(1), seed, acceleration);
  return (random.to(torch::kBool) | mask.cpu().to(torch::kBool).unsqueeze(0)).to(random.scalar_type());
}

PosteriorOptions clean_prior_dc_step(PosteriorOptions o) {
  o.automatic_dc_lambda = false;
  o.dc_lambda = 0.05;
  o.dc_iterations = 5;
  o.eta = 0.5;
  return o;
}

double measured_samples(const Measurement& m) {
  return m.mask.sum().item<double>() * static_cast<double>(m.kspace.size(0));
}

double noise_norm(const Measurement& m) { return m.noise_sigma * std::sqrt(2 * measured_samples(m)); }

int64_t network_evaluations(const PosteriorOptions& o) {
  return o.schedule.heun ? 2 * int64_t{o.schedule.steps} - 1 : o.schedule.steps;
}

torch::Tensor posterior_samples(Prior& prior, const Measurement& m, const PosteriorOptions& o, Progress& progress) {
  check_fits(prior, m);
  const bool fresh = is_ambient(prior) && o.view == AmbientView::fresh;
  if (fresh && !(o.view_acceleration >= 1)) throw SettingError("view_acceleration", "the fresh view's acceleration must be at least 1");
  const torch::Tensor fixed = is_ambient(prior) && !fresh ? ambient_masks(prior.description, o.samples,
                                                                          m.kspace.size(1), m.kspace.size(2), o.seed)
                                                          : torch::Tensor();
  const torch::Device device = device_of(prior);
  const torch::Tensor maps = m.maps.to(device).unsqueeze(0).expand({o.samples, -1, -1, -1});
  const BandGrid band = is_ambient(prior) && o.coarse_band
                            ? coarse_band_grid(prior.description, m.kspace.size(1), m.kspace.size(2),
                                               prior.denoiser->network()->config().downsampling())
                            : BandGrid{};
  const auto estimate = [&prior, maps, band](const torch::Tensor& x, const torch::Tensor& sigma,
                                             const torch::Tensor& masks) {
    return band.any() ? band_split_estimate(prior, x, sigma, masks, maps, band)
                      : apply_prior(prior, x, sigma, masks, maps);
  };
  // Each evaluation draws its views from its own seed (the run's and its count): runs repeat exactly.
  auto evaluations = std::make_shared<uint64_t>(0);
  const BatchDenoiser denoiser = [&prior, &m, &o, fresh, fixed, estimate, evaluations](const torch::Tensor& x,
                                                                                     const torch::Tensor& sigma) {
    if (!fresh) return estimate(x, sigma, fixed);
    const uint64_t seed = o.seed + 1000003 * ++*evaluations;
    return estimate(x, sigma, fresh_view_masks(prior.description, m.mask, o.samples, o.view_acceleration, seed));
  };
  PosteriorOptions options = o;
  options.sigma_data = prior.denoiser->edm().sigma_data;
  Measurement on_device = m;
  on_device.kspace = m.kspace.to(device);
  on_device.mask = m.mask.to(device);
  on_device.maps = m.maps.to(device);
  return guided_samples(denoiser, on_device, options, progress);
}

torch::Tensor guided_samples(const BatchDenoiser& denoiser, const Measurement& m, const PosteriorOptions& o,
                             Progress& progress) {
  check_shapes(m);
  if (o.samples < 1) throw SettingError("samples", "the number of posterior samples must be at least 1");
  if (o.guidance == Guidance::dc) return consistent_samples(denoiser, m, o, progress);
  if (!(o.zeta >= 0)) throw SettingError("zeta", "the guidance weight zeta must be >= 0");
  const std::vector<double> sigmas = edm_schedule(o.schedule);
  const int64_t n = o.samples, height = m.kspace.size(1), width = m.kspace.size(2);
  const torch::Device device = m.kspace.device();
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(o.seed);
  const recon::SenseOperator a(m.maps, m.mask);  // broadcast over the samples
  const torch::Tensor y = m.kspace * m.mask.unsqueeze(0);
  const double noise_level = noise_norm(m);
  // EDM's stochastic sampler: re-inject noise to raise sigma by a factor 1 + gamma per step.
  const double gamma = churn_factor(o.schedule);

  torch::Tensor x = at::normal(0.0, 1.0, {n, 2, height, width}, g).to(device) * sigmas[0];
  progress.begin("posterior sampling", o.schedule.steps);
  for (int i = 0; i < o.schedule.steps; ++i) {
    progress.throw_if_cancelled();
    const double sigma = raise_noise(x, sigmas[i], gamma, g), next = sigmas[i + 1];
    // The denoised estimate and the gradient of its data misfit, through the network.
    const torch::Tensor x_in = x.detach().requires_grad_(true);
    const torch::Tensor denoised = denoiser(x_in, torch::full({n}, sigma, x.options()));
    const torch::Tensor residual = y - a.forward(to_complex(denoised));
    const torch::Tensor misfit = torch::view_as_real(residual).pow(2).sum({1, 2, 3, 4});  // ||r||^2 per sample
    const torch::Tensor gradient = torch::autograd::grad({misfit.sum()}, {x_in})[0];

    torch::NoGradGuard no_grad;
    const torch::Tensor slope = (x - denoised.detach()) / sigma;
    torch::Tensor stepped = x + (next - sigma) * slope;
    if (o.schedule.heun && next > 0) {
      const torch::Tensor denoised_next = denoiser(stepped, torch::full({n}, next, x.options()));
      stepped = x + (next - sigma) * 0.5 * (slope + (stepped - denoised_next) / next);
    }
    const torch::Tensor norm = torch::sqrt(misfit.detach()).clamp_min(1e-12);
    torch::Tensor weight;
    if (o.guidance == Guidance::dps) {
      // zeta/||r|| along -grad ||r||^2, faded out as ||r|| nears the noise's own norm.
      weight = o.zeta / norm * (1 - noise_level / norm).clamp(0, 1);
    } else {  // the likelihood's score in the ODE step, variance sigma_n^2 + c_out^2 (Guidance::flow)
      const double sd2 = o.sigma_data * o.sigma_data;
      const double variance = m.noise_sigma * m.noise_sigma + sigma * sigma * sd2 / (sigma * sigma + sd2);
      weight = torch::full({n}, o.zeta * (sigma - next) * sigma / (2 * variance), x.options());
    }
    x = stepped - weight.reshape({-1, 1, 1, 1}) * gradient;
    check_finite(x, i);
    progress.update(i + 1, "residual " + std::to_string(norm.mean().item<double>()));
  }
  progress.end();
  return to_complex(x).cpu();
}

torch::Tensor one_step_estimate(Prior& prior, const Measurement& m, double sigma) {
  check_fits(prior, m);
  if (!is_ambient(prior)) throw Error("the one-step estimate (aos) needs an ambient prior");
  torch::NoGradGuard no_grad;
  const torch::Device device = device_of(prior);
  const recon::SenseOperator a(m.maps.to(device), m.mask.to(device));
  const torch::Tensor input = to_channels(a.adjoint(m.kspace.to(device)).unsqueeze(0));
  const torch::Tensor mask = m.mask.to(device).unsqueeze(0);
  const torch::Tensor estimate = apply_prior(prior, input, torch::full({1}, sigma, input.options()), mask,
                                             m.maps.to(device).unsqueeze(0));
  check_finite(estimate, 0);
  return to_complex(estimate)[0].cpu();
}

}  // namespace ambient::diffusion
