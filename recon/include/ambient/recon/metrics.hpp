#pragma once
// Image-quality metrics exactly as fastMRI's evaluate.py defines them on magnitude images
// [slice, y, x] (a volume): NMSE and PSNR over the whole volume with the reference volume's
// maximum as data range, SSIM per slice (scikit-image's structural_similarity: 7x7 uniform
// window, K1 0.01, K2 0.03, sample covariance) averaged over slices. Computed in float64.
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace ambient::recon {

struct MetricOptions {
  bool per_slice_range = false;  // SSIM/PSNR data range from each slice's own maximum
  int64_t crop_y = 0, crop_x = 0;  // centre-crop both images first (0: no crop)
};

struct Metrics {
  double nmse = 0, nrmse = 0, psnr = 0, ssim = 0;
};

// `reference` and `image` are magnitudes of the same shape (complex inputs: |.| is taken).
Metrics compare_images(const at::Tensor& reference, const at::Tensor& image,
                       const MetricOptions& options = {});

// scikit-image's structural_similarity of two 2D images with the given data range.
double ssim(const at::Tensor& reference, const at::Tensor& image, double data_range);

}  // namespace ambient::recon
