#include "ambient/recon/fft.hpp"

#include <ATen/ATen.h>

namespace ambient::recon {

namespace {
const std::vector<int64_t> kLastTwo{-2, -1};
}

at::Tensor fft2c(const at::Tensor& image) {
  return at::fft_fftshift(at::fft_fft2(at::fft_ifftshift(image, kLastTwo), c10::nullopt, kLastTwo, "ortho"),
                          kLastTwo);
}

at::Tensor ifft2c(const at::Tensor& kspace) {
  return at::fft_fftshift(at::fft_ifft2(at::fft_ifftshift(kspace, kLastTwo), c10::nullopt, kLastTwo, "ortho"),
                          kLastTwo);
}

}  // namespace ambient::recon
