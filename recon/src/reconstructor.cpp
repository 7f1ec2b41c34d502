#include "ambient/recon/reconstructor.hpp"

#include <ATen/ATen.h>

#include <cstdio>

#include "ambient/core/error.hpp"
#include "ambient/core/setting_error.hpp"
#include "ambient/recon/classical.hpp"
#include "ambient/recon/coil_combine.hpp"
#include "ambient/recon/fft.hpp"
#include "ambient/recon/mask_analysis.hpp"

namespace ambient::recon {

namespace {

using MethodFunction = Reconstruction (*)(const io::KSpace&, const ReconOptions&, Progress&);

// A stateless method: a function and the options it was made with.
class FunctionReconstructor : public Reconstructor {
 public:
  FunctionReconstructor(MethodFunction method, ReconOptions options) : method_(method), options_(std::move(options)) {}
  Reconstruction run(const io::KSpace& kspace, Progress& progress) const override {
    return method_(kspace, options_, progress);
  }

 private:
  MethodFunction method_;
  ReconOptions options_;
};

template <MethodFunction method>
std::unique_ptr<Reconstructor> make(const ReconOptions& options) {
  return std::make_unique<FunctionReconstructor>(method, options);
}

std::string stated(const MethodDefaults& d) {
  char text[96];
  if (d.automatic_lambda)
    std::snprintf(text, sizeof text, " (lambda chosen from the scan, %d iterations)", d.iterations);
  else
    std::snprintf(text, sizeof text, " (lambda %g, %d iterations)", d.lambda, d.iterations);
  return text;
}

}  // namespace

const std::vector<MethodInfo>& methods() {
  static const std::vector<MethodInfo> table = {
      {"zf", "zero-filled inverse FFT; coils by root sum of squares (or by the coil maps)",
       make<zero_filled>},
      {"sense", "CG-SENSE with Tikhonov regularisation and ESPIRiT maps" + stated(kSenseDefaults), make<cg_sense>,
       kSenseDefaults},
      {"cs", "L1-wavelet compressed sensing, FISTA with BART's wavelets" + stated(kCsDefaults), make<wavelet_cs>,
       kCsDefaults},
  };
  return table;
}

std::unique_ptr<Reconstructor> make_reconstructor(const std::string& name, const ReconOptions& options) {
  std::string known;
  for (const auto& m : methods()) {
    if (m.name == name) return m.make(options);
    known += (known.empty() ? "" : ", ") + m.name;
  }
  throw Error("unknown reconstruction method '" + name + "' (available: " + known + ")");
}

int checked_iterations(const ReconOptions& options, const MethodDefaults& defaults) {
  const int iterations = options.iterations.value_or(defaults.iterations);
  if (iterations < 1) throw SettingError("iterations", "a method needs at least one iteration");
  return iterations;
}

at::Tensor coil_maps(const io::KSpace& kspace, int64_t s, const ReconOptions& options) {
  if (!options.maps.defined()) return espirit(kspace.data[s], kspace.mask[s], options.espirit).maps;
  const at::Tensor maps = options.maps.dim() == 4 ? options.maps[s] : options.maps;
  if (maps.dim() != 3 || maps.size(0) != kspace.coils() || maps.size(1) != kspace.ny() ||
      maps.size(2) != kspace.nx())
    throw Error("coil maps do not match the k-space (" + std::to_string(kspace.coils()) + " coils, " +
                std::to_string(kspace.ny()) + " x " + std::to_string(kspace.nx()) + ")");
  // Given maps follow the same phase convention as estimated ones (a prior's, say).
  if (options.espirit.absorb_phase)
    return absorb_image_phase(kspace.data[s], kspace.mask[s], maps.to(at::kComplexFloat), options.espirit.calibration);
  return maps.to(at::kComplexFloat);
}

double normalisation_scale(const at::Tensor& kspace, const at::Tensor& mask) {
  const auto region = calibration_region(mask);
  if (region.empty())
    throw SettingError("calibration",
                       "k-space has no fully sampled centre (ACS) to calibrate and normalise by; measure or keep "
                       "calibration lines");
  at::Tensor centre = at::zeros_like(kspace);
  centre.narrow(1, region.ky_begin, region.ky_size).narrow(2, region.kx_begin, region.kx_size)
      .copy_(kspace.narrow(1, region.ky_begin, region.ky_size).narrow(2, region.kx_begin, region.kx_size));
  const double scale = at::quantile(rss(ifft2c(centre)).flatten(), 0.99).item<double>();
  if (!(scale > 0)) throw Error("k-space is all zeros in its calibration region");
  return scale;
}

}  // namespace ambient::recon
