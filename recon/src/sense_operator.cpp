#include <ATen/ATen.h>

#include "ambient/core/error.hpp"
#include "ambient/recon/fft.hpp"
#include "ambient/recon/linear_operator.hpp"

namespace ambient::recon {

SenseOperator::SenseOperator(at::Tensor maps, at::Tensor mask) : maps_(std::move(maps)) {
  if (maps_.dim() < 3) throw Error("coil maps must be [..., coil, y, x]");
  if (mask.size(-1) != maps_.size(-1) || mask.size(-2) != maps_.size(-2))
    throw Error("mask " + std::to_string(mask.size(-2)) + "x" + std::to_string(mask.size(-1)) +
                " does not match coil maps " + std::to_string(maps_.size(-2)) + "x" +
                std::to_string(maps_.size(-1)));
  mask_ = mask.to(maps_.scalar_type()).unsqueeze(-3);
}

at::Tensor SenseOperator::forward(const at::Tensor& image) const {
  return mask_ * fft2c(maps_ * image.unsqueeze(-3));
}

at::Tensor SenseOperator::adjoint(const at::Tensor& kspace) const {
  return at::sum(at::conj(maps_) * ifft2c(mask_ * kspace), -3);
}

at::Tensor SenseOperator::normal(const at::Tensor& image) const {
  return at::sum(at::conj(maps_) * ifft2c(mask_ * fft2c(maps_ * image.unsqueeze(-3))), -3);
}

}  // namespace ambient::recon
