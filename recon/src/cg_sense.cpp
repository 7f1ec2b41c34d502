#include "ambient/recon/classical.hpp"

#include <ATen/ATen.h>

#include "ambient/recon/conjugate_gradient.hpp"
#include "ambient/recon/linear_operator.hpp"

namespace ambient::recon {

Reconstruction cg_sense(const io::KSpace& kspace, const ReconOptions& options, Progress& progress) {
  CgOptions cg;
  cg.lambda = options.lambda >= 0 ? options.lambda : 0.01;
  cg.iterations = options.iterations > 0 ? options.iterations : 30;
  progress.begin("cg-sense", kspace.slices());
  std::vector<at::Tensor> slices;
  for (int64_t s = 0; s < kspace.slices(); ++s) {
    progress.throw_if_cancelled();
    const SenseOperator a(coil_maps(kspace, s, options), kspace.mask[s]);
    const at::Tensor rhs = a.adjoint(kspace.data[s]);
    slices.push_back(conjugate_gradient([&](const at::Tensor& x) { return a.normal(x); }, rhs, {}, cg).x);
    progress.update(s + 1);
  }
  progress.end();
  return {at::stack(slices), {}, {}, 0};
}

}  // namespace ambient::recon
