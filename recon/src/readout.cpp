#include "ambient/recon/readout.hpp"

#include <ATen/ATen.h>

#include "ambient/recon/fft.hpp"

namespace ambient::recon {

void remove_readout_oversampling(io::KSpace& k) {
  const int64_t nx = k.nx(), keep = k.geometry.recon_matrix[0];
  if (!(keep > 0 && keep < nx)) return;
  const at::Tensor image = centre_crop(ifft1c(k.data, -1), 0, keep);
  k.data = fft1c(image, -1).contiguous();
  k.mask = k.mask.any(-1, true).expand({k.mask.size(0), k.mask.size(1), keep}).contiguous();
  k.geometry.encoded_matrix[0] = keep;
  k.geometry.encoded_fov_mm[0] = k.geometry.recon_fov_mm[0];
}

}  // namespace ambient::recon
