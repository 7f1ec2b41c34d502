#include "ambient/recon/coil_preprocessing.hpp"

#include <ATen/ATen.h>

#include <cmath>

#include "ambient/core/error.hpp"
#include "ambient/recon/fft.hpp"
#include "ambient/recon/mask_analysis.hpp"

namespace ambient::recon {

at::Tensor whitening_matrix(const at::Tensor& noise) {
  const int64_t coils = noise.size(0), samples = noise.size(1);
  if (samples < 2 * coils)
    throw Error("noise prewhitening needs at least " + std::to_string(2 * coils) + " noise samples per coil, the scan has " +
                std::to_string(samples));
  const at::Tensor n = noise.to(at::kComplexDouble);
  const at::Tensor psi = at::matmul(n, n.conj().transpose(0, 1)) / static_cast<double>(samples);
  const auto [l, info] = at::linalg_cholesky_ex(psi);
  if (info.item<int64_t>() != 0) throw Error("the noise covariance is singular (a dead or duplicated coil?)");
  const double mean_power = at::real(at::diagonal(psi)).mean().item<double>();
  const at::Tensor eye = at::eye(coils, at::kComplexDouble);
  return (at::linalg_solve_triangular(l, eye, false) * std::sqrt(mean_power)).to(at::kComplexFloat);
}

double noise_sigma(const at::Tensor& noise) {
  if (!noise.defined() || noise.numel() == 0) return 0;
  return std::sqrt(at::abs(noise).pow(2).mean().item<double>() / 2);
}

at::Tensor apply_coil_matrix(const at::Tensor& matrix, const at::Tensor& data) {
  const auto coil_axis = data.dim() - 3;
  at::Tensor moved = data.movedim(coil_axis, -1);                     // [..., ky, kx, coil]
  return at::matmul(moved, matrix.transpose(0, 1)).movedim(-1, coil_axis).contiguous();
}

at::Tensor compression_matrix(const at::Tensor& kspace, const at::Tensor& mask, int64_t virtual_coils,
                              int64_t calibration, bool all_data) {
  const int64_t coils = kspace.size(1);
  if (virtual_coils < 1 || virtual_coils > coils)
    throw Error("virtual coils must be between 1 and " + std::to_string(coils));
  at::Tensor samples;  // [coil, n]
  if (all_data) {
    const at::Tensor m = mask.unsqueeze(1).expand_as(kspace);
    samples = kspace.masked_select(m).view({kspace.size(0), coils, -1}).permute({1, 0, 2}).reshape({coils, -1});
  } else {
    auto region = calibration_region(mask[0]);
    if (region.empty()) throw Error("coil compression needs a fully sampled centre (or use all data)");
    const int64_t cy = std::min(region.ky_size, calibration), cx = std::min(region.kx_size, calibration);
    const at::Tensor block = centre_crop(kspace, cy, cx);
    samples = block.permute({1, 0, 2, 3}).reshape({coils, -1});
  }
  const at::Tensor u = std::get<0>(at::linalg_svd(samples, false));  // [coil, coil]
  return u.narrow(1, 0, virtual_coils).conj().transpose(0, 1).contiguous();  // U_p^H
}

}  // namespace ambient::recon
