#pragma once
// Centred orthonormal 2D FFT over the last two axes of any batch: DC at index N/2,
// image = fftshift(ifft2(ifftshift(k))) scaled by 1/sqrt(N). Differentiable (autograd runs
// through it) and device-agnostic: it uses ATen's FFT on CPU and CUDA alike.
#include <ATen/core/Tensor.h>

namespace ambient::recon {

at::Tensor fft2c(const at::Tensor& image);
at::Tensor ifft2c(const at::Tensor& kspace);

}  // namespace ambient::recon
