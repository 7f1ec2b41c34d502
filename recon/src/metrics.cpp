#include "ambient/recon/metrics.hpp"

#include <ATen/ATen.h>

#include <cmath>

#include "ambient/core/error.hpp"
#include "ambient/recon/fft.hpp"

namespace ambient::recon {

namespace {

constexpr int64_t kWindow = 7;

// Mean over each 7x7 window that lies fully inside the image. scikit-image filters with
// padding and then drops a 3-pixel border before averaging; that border is exactly where
// padding would matter, so the valid windows give the same numbers.
at::Tensor window_mean(const at::Tensor& image) {
  return at::avg_pool2d(image.unsqueeze(0).unsqueeze(0), {kWindow, kWindow}, {1, 1}).squeeze(0).squeeze(0);
}

at::Tensor as_magnitude_volume(const at::Tensor& t) {
  at::Tensor m = at::isComplexType(t.scalar_type()) ? at::abs(t) : t;
  m = m.to(at::kDouble);
  return m.dim() == 2 ? m.unsqueeze(0) : m;
}

}  // namespace

double ssim(const at::Tensor& reference, const at::Tensor& image, double data_range) {
  const at::Tensor x = reference.to(at::kDouble), y = image.to(at::kDouble);
  if (x.size(-1) < kWindow || x.size(-2) < kWindow) throw Error("SSIM needs images of at least 7 x 7");
  constexpr double np = kWindow * kWindow, cov_norm = np / (np - 1), k1 = 0.01, k2 = 0.03;
  const at::Tensor ux = window_mean(x), uy = window_mean(y);
  const at::Tensor vx = cov_norm * (window_mean(x * x) - ux * ux);
  const at::Tensor vy = cov_norm * (window_mean(y * y) - uy * uy);
  const at::Tensor vxy = cov_norm * (window_mean(x * y) - ux * uy);
  const double c1 = std::pow(k1 * data_range, 2), c2 = std::pow(k2 * data_range, 2);
  const at::Tensor s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
  return s.mean().item<double>();
}

Metrics compare_images(const at::Tensor& reference, const at::Tensor& image, const MetricOptions& o) {
  if (reference.sizes() != image.sizes())
    throw Error("metrics need images of the same shape (reference " + std::to_string(reference.numel()) +
                " pixels, image " + std::to_string(image.numel()) + ")");
  const at::Tensor gt = centre_crop(as_magnitude_volume(reference), o.crop_y, o.crop_x);
  const at::Tensor pred = centre_crop(as_magnitude_volume(image), o.crop_y, o.crop_x);
  const double energy = gt.pow(2).sum().item<double>();
  if (energy == 0) throw Error("the reference image is all zeros");
  Metrics m;
  const at::Tensor err = gt - pred;
  m.nmse = err.pow(2).sum().item<double>() / energy;
  m.nrmse = std::sqrt(m.nmse);
  const double volume_max = gt.max().item<double>();
  double ssim_sum = 0, mse_db_sum = 0;
  for (int64_t s = 0; s < gt.size(0); ++s) {
    const double range = o.per_slice_range ? gt[s].max().item<double>() : volume_max;
    ssim_sum += ssim(gt[s], pred[s], range);
    if (o.per_slice_range)
      mse_db_sum += 20 * std::log10(range) - 10 * std::log10(err[s].pow(2).mean().item<double>());
  }
  m.ssim = ssim_sum / gt.size(0);
  m.psnr = o.per_slice_range ? mse_db_sum / gt.size(0)
                             : 20 * std::log10(volume_max) - 10 * std::log10(err.pow(2).mean().item<double>());
  return m;
}

}  // namespace ambient::recon
