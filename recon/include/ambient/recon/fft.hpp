#pragma once
// Centred orthonormal 2D FFT over the last two axes of any batch: DC at index N/2,
// image = fftshift(ifft2(ifftshift(k))) scaled by 1/sqrt(N). Differentiable (autograd runs
// through it: the gradient of the unitary transform is its inverse). complex64 CPU tensors
// use FFTW with plans cached per shape (about twice ATen's CPU FFT here, see
// docs/benchmarks.md); CUDA and other dtypes use ATen's FFT.
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace ambient::recon {

at::Tensor fft2c(const at::Tensor& image);
at::Tensor ifft2c(const at::Tensor& kspace);

// The centred orthonormal 1D transforms along one axis (ATen's FFT), e.g. the readout.
at::Tensor fft1c(const at::Tensor& image, int64_t dim);
at::Tensor ifft1c(const at::Tensor& kspace, int64_t dim);

// Where the centred block of n samples starts in an axis of `size`: the transforms' centre,
// index size / 2, is the block's centre, index n / 2 (for cropping and zero-padding alike).
inline int64_t centre_start(int64_t size, int64_t n) { return size / 2 - n / 2; }

// The central ny x nx block of t [..., y, x] on the centred grid: index y/2, the transforms'
// centre, stays the centre (the block starts at y/2 - ny/2). A size <= 0 or not below the axis's
// keeps that axis whole. A view: no copy.
at::Tensor centre_crop(const at::Tensor& t, int64_t ny, int64_t nx);

// The same transforms through ATen only, for comparison and as the reference backend.
at::Tensor fft2c_aten(const at::Tensor& image);
at::Tensor ifft2c_aten(const at::Tensor& kspace);

}  // namespace ambient::recon
