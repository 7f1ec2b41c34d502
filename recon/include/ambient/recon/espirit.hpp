#pragma once
// ESPIRiT coil sensitivities (Uecker et al. 2014) with `bart ecalib`'s parameters and
// defaults: calibration matrix of k x k patches from the fully sampled centre, SVD, the
// signal subspace where (sigma_i / sigma_0)^2 > threshold, the per-pixel C x C operator of
// the subspace kernels in the image domain, its leading eigenvector as the map, zero where
// the eigenvalue is below the crop value. One set of maps (`bart ecalib -m1`).
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace ambient::recon {

struct EspiritOptions {
  int64_t kernel = 6;          // -k
  int64_t calibration = 24;    // -r: largest calibration block used
  double threshold = 0.001;    // -t
  double crop = 0.8;           // -c
  bool rotate_phase = true;    // phase relative to the first principal component (not -P)
  // Rotate the maps by the phase of the low-resolution image they combine from the
  // calibration data, so the images they give are nearly real and positive: the smooth
  // phase (of the object and of the reference the maps are relative to, different for every
  // slice) moves into the maps, and A = M F S with the images they give is the same operator.
  // What a diffusion prior is spared learning.
  bool absorb_phase = false;
};

struct EspiritResult {
  at::Tensor maps;         // [coil, y, x] complex64
  at::Tensor eigenvalues;  // [y, x] float32, ~1 inside the object
  int64_t kernels = 0;     // signal-subspace size kept
};

// `kspace` [coil, ky, kx] of one slice, `mask` [ky, kx] what was measured. Throws Error
// when the fully sampled centre is smaller than the kernel, or the data are all zeros.
EspiritResult espirit(const at::Tensor& kspace, const at::Tensor& mask, const EspiritOptions& options = {});

// `maps` [coil, y, x] rotated by the phase of the low-resolution image they combine from
// the calibration data (at most `calibration` wide) of `kspace`: what absorb_phase does,
// for maps from elsewhere too (--maps).
at::Tensor absorb_image_phase(const at::Tensor& kspace, const at::Tensor& mask, const at::Tensor& maps,
                              int64_t calibration);

}  // namespace ambient::recon
