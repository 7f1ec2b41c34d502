#include "ambient/recon/classical.hpp"

#include <ATen/ATen.h>

#include "ambient/recon/coil_combine.hpp"
#include "ambient/recon/fft.hpp"

namespace ambient::recon {

Reconstruction zero_filled(const io::KSpace& kspace, const ReconOptions& options, Progress& progress) {
  progress.begin("zero-filled", kspace.slices());
  std::vector<at::Tensor> slices;
  for (int64_t s = 0; s < kspace.slices(); ++s) {
    progress.throw_if_cancelled();
    const at::Tensor coil_images = ifft2c(kspace.data[s] * kspace.mask[s].unsqueeze(0));
    slices.push_back(options.combine_with_maps ? combine_with_maps(coil_images, coil_maps(kspace, s, options))
                                                : rss(coil_images));
    progress.update(s + 1);
  }
  progress.end();
  return {at::stack(slices), {}, {}, 0};
}

at::Tensor zero_filled_rss(const io::KSpace& kspace) {
  return rss(ifft2c(kspace.data * kspace.mask.unsqueeze(1))).to(at::kFloat);
}

}  // namespace ambient::recon
