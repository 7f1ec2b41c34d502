#pragma once
// Coil-domain preprocessing: noise prewhitening from noise-only scans and SVD coil
// compression (`bart cc -S`).
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace ambient::recon {

// The whitening matrix W [coil, coil] for noise samples [coil, samples]: W Psi W^H is the
// identity times the mean noise power, so white noise passes unchanged and image scale is
// kept, while correlated or unequal coil noise becomes white. Throws Error for singular
// noise covariance or too few samples.
at::Tensor whitening_matrix(const at::Tensor& noise);

// Standard deviation per real component of complex noise samples (the convention of the
// diffusion objectives' sigma); 0 for undefined or empty noise.
double noise_sigma(const at::Tensor& noise);

// Applies a [out, coil] coil matrix to data [..., coil, ky, kx].
at::Tensor apply_coil_matrix(const at::Tensor& matrix, const at::Tensor& data);

// The SVD compression matrix [virtual, coil] from the calibration region of `kspace`
// [slice, coil, ky, kx] (all slices pooled), or from every measured sample with
// `all_data` (bart cc -A). Rows ordered by energy.
at::Tensor compression_matrix(const at::Tensor& kspace, const at::Tensor& mask, int64_t virtual_coils,
                              int64_t calibration = 24, bool all_data = false);

}  // namespace ambient::recon
