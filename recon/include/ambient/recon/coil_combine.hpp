#pragma once
// Coil combination of coil images [..., coil, y, x] (coil axis third from last).
#include <ATen/core/Tensor.h>

namespace ambient::recon {

// Root sum of squares: real, [..., y, x].
at::Tensor rss(const at::Tensor& coil_images);
// Sensitivity-weighted combination sum_c conj(S_c) x_c / sum_c |S_c|^2: complex, [..., y, x].
// Where the maps vanish (outside the object support) the result is 0.
at::Tensor combine_with_maps(const at::Tensor& coil_images, const at::Tensor& maps);

}  // namespace ambient::recon
