#include "ambient/recon/coil_combine.hpp"

#include <ATen/ATen.h>

namespace ambient::recon {

at::Tensor rss(const at::Tensor& coil_images) {
  return at::sqrt(at::sum(at::real(coil_images * at::conj(coil_images)), -3));
}

at::Tensor combine_with_maps(const at::Tensor& coil_images, const at::Tensor& maps) {
  const at::Tensor energy = at::sum(at::real(maps * at::conj(maps)), -3);
  const at::Tensor numerator = at::sum(at::conj(maps) * coil_images, -3);
  return at::where(energy > 0, numerator / energy.clamp_min(1e-30), at::zeros_like(numerator));
}

}  // namespace ambient::recon
