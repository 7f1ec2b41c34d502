#include "ambient/diffusion/posterior_reconstructor.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "ambient/core/error.hpp"
#include "ambient/core/setting_error.hpp"
#include "ambient/core/volume_progress.hpp"
#include "ambient/diffusion/coarse_band.hpp"
#include "ambient/diffusion/consistent_sampling.hpp"
#include "ambient/recon/coil_preprocessing.hpp"
#include "ambient/recon/fft.hpp"
#include "ambient/recon/linear_operator.hpp"

namespace ambient::diffusion {

namespace {

bool is_ambient(const Prior& prior) { return prior.objective->condition_channels() > 0; }

// Centred zero-padding of k-space up to the network's grid (sizes divisible by its
// down-sampling factor): the same field of view on a finer pixel grid, the padded k-space
// unmeasured. The result is cropped back in k-space, so it lies on the scan's own grid.
// {x before, x after, y before, y after}; all zero where the scan fits.
std::vector<int64_t> grid_padding(int64_t ny, int64_t nx, int64_t factor) {
  const int64_t py = (ny + factor - 1) / factor * factor, px = (nx + factor - 1) / factor * factor;
  return band_padding(ny, nx, py, px);
}

io::KSpace pad_kspace(const io::KSpace& k, const std::vector<int64_t>& pad) {
  io::KSpace out = k;
  out.data = torch::constant_pad_nd(k.data, pad);
  out.mask = torch::constant_pad_nd(k.mask.to(torch::kUInt8), pad).to(torch::kBool);
  for (auto& line : out.calibration_lines) line += pad[2];
  return out;
}

torch::Tensor crop_to_scan_grid(const torch::Tensor& images, int64_t ny, int64_t nx) {
  return recon::ifft2c(central_band(recon::fft2c(images), ny, nx).contiguous());
}

class PosteriorReconstructor : public recon::Reconstructor {
 public:
  PosteriorReconstructor(std::string method, std::shared_ptr<Prior> prior, PosteriorReconOptions options,
                         recon::ReconOptions recon_options)
      : method_(std::move(method)), prior_(std::move(prior)), options_(std::move(options)),
        recon_options_(std::move(recon_options)) {
    recon_options_.espirit = training_espirit_options(prior_->description, recon_options_.espirit);
    if (options_.warm_start != "none") recon::make_reconstructor(options_.warm_start);  // an unknown name fails now
  }

  recon::Reconstruction run(const io::KSpace& scan, Progress& progress) const override {
    const std::vector<int64_t> padding =
        grid_padding(scan.ny(), scan.nx(), prior_->denoiser->network()->config().downsampling());
    const bool padded = std::any_of(padding.begin(), padding.end(), [](int64_t p) { return p > 0; });
    const io::KSpace kspace = padded ? pad_kspace(scan, padding) : scan;
    std::vector<torch::Tensor> means, spreads, all;
    recon::Reconstruction r;
    VolumeProgress volume(progress, kspace.slices());  // one bar over every slice's steps
    for (int64_t s = 0; s < kspace.slices(); ++s) {
      progress.throw_if_cancelled();
      volume.set_slice(s);
      const double scale = recon::normalisation_scale(kspace.data[s], kspace.mask[s]);
      torch::Tensor samples = slice_samples(measurement(kspace, s, scale), s, r.lambdas, volume) * scale;
      if (padded) samples = crop_to_scan_grid(samples, scan.ny(), scan.nx());
      means.push_back(samples.mean(0));
      spreads.push_back(samples.size(0) > 1 ? torch::abs(samples - samples.mean(0, true)).pow(2).mean(0).sqrt()
                                            : torch::zeros(samples.sizes().slice(1), torch::kFloat));
      if (options_.keep_samples) all.push_back(samples);
    }
    r.image = torch::stack(means);
    if (!one_step()) r.uncertainty = torch::stack(spreads);
    if (options_.keep_samples) r.samples = torch::stack(all);
    r.evaluations = one_step() ? 1 : network_evaluations(options_.sampling);
    return r;
  }

 private:
  bool one_step() const { return method_ == "aos"; }
  // The dc sampler starts warm and its samples agree with the data already (to the noise level
  // where known): no final consistency step after it.
  bool dc_sampler() const { return !one_step() && options_.sampling.guidance == Guidance::dc; }

  // Slice s in the prior's units (divided by `scale`): its data, mask, coil maps, noise level and,
  // for the dc sampler, the classical image it starts from.
  Measurement measurement(const io::KSpace& kspace, int64_t s, double scale) const {
    Measurement m;
    m.mask = kspace.mask[s];
    m.kspace = kspace.data[s] * m.mask.unsqueeze(0) / scale;
    m.maps = recon::coil_maps(kspace, s, recon_options_);
    m.noise_sigma = recon::noise_sigma(kspace.noise) / scale;
    if (dc_sampler() && options_.warm_start != "none" && options_.sampling.sigma_start > 0)
      m.start = classical_start(kspace, s, m.maps) / scale;
    return m;
  }

  // Slice s's samples [samples, y, x] in the prior's units; the dc sampler's step weight, chosen
  // once per slice, joins `lambdas` (reported like cs's lambda).
  torch::Tensor slice_samples(const Measurement& m, int64_t s, std::vector<double>& lambdas, Progress& progress) const {
    if (one_step())
      return one_step_estimate(*prior_, m, std::max(options_.sampling.schedule.sigma_min, m.noise_sigma)).unsqueeze(0);
    PosteriorOptions o = method_ == "dps" && !options_.sampling.dc_step_given ? clean_prior_dc_step(options_.sampling)
                                                                                : options_.sampling;
    o.seed = options_.sampling.seed * 1000003 + static_cast<uint64_t>(s);  // each slice its own draws
    if (dc_sampler()) {
      o.dc_lambda = step_lambda(m, o);
      o.dc_iterations = step_iterations(o.dc_lambda, o);
      o.sigma_start = warm_start_sigma(o.dc_lambda, o);
      o.automatic_dc_lambda = false;
      lambdas.push_back(o.dc_lambda);
    }
    const torch::Tensor samples = posterior_samples(*prior_, m, o, progress);
    if (options_.consistency_lambda > 0 && !dc_sampler())
      return data_consistent(m, samples, options_.consistency_lambda, options_.consistency_iterations);
    return samples;
  }

  // Slice s of `kspace` reconstructed by the warm-start method with the slice's coil maps.
  torch::Tensor classical_start(const io::KSpace& kspace, int64_t s, const torch::Tensor& maps) const {
    io::KSpace one = kspace;
    one.data = kspace.data.narrow(0, s, 1);
    one.mask = kspace.mask.narrow(0, s, 1);
    recon::ReconOptions o = recon_options_;
    o.maps = maps;
    o.combine_with_maps = true;  // zf: the complex image the maps combine, not RSS
    const torch::Tensor image = recon::make_reconstructor(options_.warm_start, o)->run(one, no_progress()).image[0];
    return image.to(torch::kComplexFloat);
  }

  std::string method_;
  std::shared_ptr<Prior> prior_;
  PosteriorReconOptions options_;
  recon::ReconOptions recon_options_;
};

}  // namespace

const std::vector<recon::MethodInfo>& posterior_methods() {
  static const std::vector<recon::MethodInfo> table = {
      {"adps", "A-DPS posterior sampling with an ambient prior: the mean of the samples, their std as uncertainty", {}, {}},
      {"dps", "DPS posterior sampling with a clean or Tweedie prior (the fully sampled baseline)", {}, {}},
      {"aos", "one-step ambient estimate h(A^H y, A) of an ambient prior: one network evaluation", {}, {}},
  };
  return table;
}

bool is_posterior_method(const std::string& name) {
  for (const auto& m : posterior_methods())
    if (m.name == name) return true;
  return false;
}

std::unique_ptr<recon::Reconstructor> make_posterior_reconstructor(const std::string& method,
                                                                   std::shared_ptr<Prior> prior,
                                                                   const PosteriorReconOptions& options,
                                                                   const recon::ReconOptions& recon_options) {
  if (!is_posterior_method(method)) throw Error("'" + method + "' is not a diffusion-prior method");
  if (!prior) throw SettingError("prior", method + " needs a prior");
  const std::string kind = prior->objective->name();
  if ((method == "adps" || method == "aos") && !is_ambient(*prior))
    throw SettingError("prior", method + " needs an ambient prior; this one is a " + kind + " prior (dps takes it)");
  if (method == "dps" && is_ambient(*prior))
    throw SettingError("prior", "dps needs a clean or Tweedie prior; this one is an ambient prior (adps takes it)");
  return std::make_unique<PosteriorReconstructor>(method, std::move(prior), options, recon_options);
}

}  // namespace ambient::diffusion
