#pragma once
// Smooth stationary Gaussian images [n, 2, 8, 8] with a known covariance S = K K^T (white
// noise blurred by a fixed kernel), scaled near EDM's sigma_data: for such data the best
// denoisers are linear and known in closed form.
#include <torch/torch.h>

#include <cmath>
#include <vector>

namespace ambient::test {

struct GaussianImages {
  torch::Tensor k;  // [128, 128]
  explicit GaussianImages(at::Generator g) {
    const torch::Tensor w = at::normal(0.0, 1.0, {128, 128}, g);
    const torch::Tensor idx = torch::arange(64);
    const torch::Tensor y = torch::div(idx, 8, "floor"), x = torch::remainder(idx, 8);
    const torch::Tensor d2 = (y.unsqueeze(1) - y.unsqueeze(0)).pow(2) + (x.unsqueeze(1) - x.unsqueeze(0)).pow(2);
    const torch::Tensor blur = torch::exp(-d2 / 4.0);
    k = torch::block_diag({blur, blur}) * 0.12 + 0.02 * w;
  }
  torch::Tensor covariance() const { return torch::matmul(k, k.t()); }
  torch::Tensor sample(int64_t n, at::Generator g) const {
    return torch::matmul(at::normal(0.0, 1.0, {n, 128}, g), k.t()).reshape({n, 2, 8, 8});
  }
};

// Gaussian images from a few fixed localised blobs with random complex weights, plus a weak
// white floor: S = B B^T + floor^2 I has low rank, so k-space lines are strongly correlated
// and unmeasured lines are predictable from measured ones (unlike stationary images, whose
// Fourier coefficients are nearly uncorrelated). The test of learning to extrapolate.
struct BlobImages {
  torch::Tensor basis;  // [128, rank]
  double floor = 0.02;
  BlobImages(int64_t rank, at::Generator g) {
    const torch::Tensor idx = torch::arange(64);
    const torch::Tensor y = torch::div(idx, 8, "floor"), x = torch::remainder(idx, 8);
    std::vector<torch::Tensor> columns;
    for (int64_t r = 0; r < rank; ++r) {
      const torch::Tensor centre = at::rand({2}, g) * 7;
      const torch::Tensor bump = torch::exp(-((y - centre[0]).pow(2) + (x - centre[1]).pow(2)) / 2.0);
      const double phase = at::rand({1}, g).item<double>() * 2 * M_PI;
      columns.push_back(torch::cat({bump * std::cos(phase), bump * std::sin(phase)}) * 0.5);
    }
    basis = torch::stack(columns, 1);
  }
  torch::Tensor covariance() const { return torch::matmul(basis, basis.t()) + floor * floor * torch::eye(128); }
  torch::Tensor sample(int64_t n, at::Generator g) const {
    return (torch::matmul(at::normal(0.0, 1.0, {n, basis.size(1)}, g), basis.t()) +
            floor * at::normal(0.0, 1.0, {n, 128}, g)).reshape({n, 2, 8, 8});
  }
};

}  // namespace ambient::test
