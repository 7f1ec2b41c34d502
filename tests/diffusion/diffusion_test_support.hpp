#pragma once
// What the objective tests share: Gaussian image models whose best denoisers are known in
// closed form, and the small network they train.
//
// Smooth stationary Gaussian images [n, 2, 8, 8] with a known covariance S = K K^T (white
// noise blurred by a fixed kernel), scaled near EDM's sigma_data: for such data the best
// denoisers are linear and known in closed form.
#include <torch/torch.h>

#include <ATen/CPUGeneratorImpl.h>

#include "ambient/diffusion/edm.hpp"
#include "ambient/diffusion/objectives.hpp"
#include "ambient/diffusion/training_set.hpp"
#include "ambient/recon/masks.hpp"

#include <cmath>
#include <memory>
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

// The small EDM denoiser the closed-form tests train (8 x 8 images, seconds per 100 steps),
// with `condition_channels` extra inputs, and its optimiser.
struct TinyDenoiser {
  diffusion::EdmDenoiser model{nullptr};
  std::unique_ptr<torch::optim::Adam> adam;
  explicit TinyDenoiser(int64_t condition_channels) {
    diffusion::UNetConfig c;
    c.in_channels = 2 + condition_channels;
    c.base_channels = 16;
    c.channel_mult = {1, 2};
    model = diffusion::EdmDenoiser(c, diffusion::EdmConfig{});
    adam = std::make_unique<torch::optim::Adam>(model->parameters(), torch::optim::AdamOptions(3e-3));
  }
  void step(const torch::Tensor& loss) {
    adam->zero_grad();
    loss.backward();
    adam->step();
  }
};

// Twelve 8 x 8 blob images seen through their own random R = 2 line masks (x_A = A^H A x),
// with noise level 0.05: a training set for the ambient objective in milliseconds.
inline diffusion::TrainingSet small_ambient_set() {
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(3);
  const BlobImages blobs(4, g);
  std::vector<torch::Tensor> masks;
  for (uint64_t seed = 0; seed < 12; ++seed) {
    recon::MaskOptions o;
    o.acceleration = 2;
    o.calibration = 2;
    o.seed = seed;
    masks.push_back(recon::sampling_mask(8, 8, o));
  }
  diffusion::TrainingSet set;
  set.masks = torch::stack(masks);
  set.images = diffusion::ambient_input(blobs.sample(12, g), set.masks, {}).first.contiguous();
  set.data_sigma = torch::full({12}, 0.05);
  return set;
}

}  // namespace ambient::test
