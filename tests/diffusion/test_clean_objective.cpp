// The clean objective against the closed form: for Gaussian data x0 ~ N(0, S) the best
// denoiser is linear, E[x0 | x0 + sigma n] = S (S + sigma^2 I)^-1 (x0 + sigma n).
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "ambient/diffusion/objectives.hpp"
#include "diffusion_test_support.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

TEST(CleanObjective, ApproachesTheClosedFormDenoiserOnGaussianData) {
  torch::manual_seed(0);
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(0);
  const GaussianImages data(g);
  TinyDenoiser tiny(0);
  diffusion::EdmDenoiser& d = tiny.model;
  const diffusion::CleanObjective objective;
  for (int step = 0; step < 300; ++step) tiny.step(objective.loss(d, {data.sample(64, g), {}, {}, {}}, g));
  d->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor s = data.covariance();
  // Noise levels where EDM's training distribution (median 0.3) puts its mass.
  for (double sigma : {0.2, 0.5, 1.0}) {
    const torch::Tensor x0 = data.sample(512, g);
    const torch::Tensor noisy = x0 + sigma * at::normal(0.0, 1.0, x0.sizes(), g);
    const torch::Tensor optimal_map = torch::matmul(s, torch::inverse(s + sigma * sigma * torch::eye(128)));
    const torch::Tensor optimal = torch::matmul(noisy.reshape({512, 128}), optimal_map.t()).reshape(x0.sizes());
    const double mse_optimal = (optimal - x0).pow(2).mean().item<double>();
    const double mse_noisy = (noisy - x0).pow(2).mean().item<double>();
    const double mse_model = (d->forward(noisy, torch::full({512}, sigma)) - x0).pow(2).mean().item<double>();
    // The model closes most of the gap between doing nothing and the best possible denoiser.
    EXPECT_LT(mse_model - mse_optimal, 0.3 * (mse_noisy - mse_optimal))
        << "sigma " << sigma << ": model " << mse_model << ", optimal " << mse_optimal << ", noisy " << mse_noisy;
  }
}

}  // namespace
}  // namespace ambient::test
