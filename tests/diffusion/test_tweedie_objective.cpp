// The Tweedie objective learns the clean E[x0 | x_sigma] from noisy data x0 + sigma_n n:
// for Gaussian x0 ~ N(0, S), E[x0 | x_sigma] = S (S + sigma^2 I)^-1 x_sigma, while a clean
// objective fed the noisy data would learn E[x_n | x_sigma] = (S + sigma_n^2 I)(S + sigma^2 I)^-1 x_sigma.
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>

#include "ambient/diffusion/objectives.hpp"
#include "diffusion_test_support.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

TEST(TweedieObjective, LearnsTheCleanPosteriorMeanFromNoisyData) {
  torch::manual_seed(0);
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(2);
  const GaussianImages data(g);
  const double sigma_n = 0.3;
  TinyDenoiser tiny(0);
  diffusion::EdmDenoiser& d = tiny.model;
  const diffusion::TweedieObjective objective;
  for (int step = 0; step < 300; ++step) {
    const torch::Tensor x0 = data.sample(64, g);
    const torch::Tensor x_n = x0 + sigma_n * at::normal(0.0, 1.0, x0.sizes(), g);  // all it sees
    tiny.step(objective.loss(d, {x_n, {}, {}, torch::full({64}, sigma_n)}, g));
  }
  d->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor s = data.covariance();
  const torch::Tensor eye = torch::eye(128);
  for (double sigma : {0.4, 0.5}) {  // where the training noise levels concentrate
    const torch::Tensor x0 = data.sample(512, g);
    const torch::Tensor noisy = x0 + sigma * at::normal(0.0, 1.0, x0.sizes(), g);
    const torch::Tensor flat = noisy.reshape({512, 128});
    const torch::Tensor inverse = torch::inverse(s + sigma * sigma * eye);
    const torch::Tensor clean = torch::matmul(flat, torch::matmul(s, inverse).t()).reshape(x0.sizes());
    const torch::Tensor naive = torch::matmul(flat, torch::matmul(s + sigma_n * sigma_n * eye, inverse).t()).reshape(x0.sizes());
    const double mse_clean = (clean - x0).pow(2).mean().item<double>();
    const double mse_naive = (naive - x0).pow(2).mean().item<double>();
    const double mse_model = (d->forward(noisy, torch::full({512}, sigma)) - x0).pow(2).mean().item<double>();
    // Nearer the clean posterior mean than the noisy-data one is to it.
    if (std::getenv("AMBIENT_TEST_DEBUG")) std::printf("sigma %.1f: model %.5f clean %.5f naive %.5f\n", sigma, mse_model, mse_clean, mse_naive);
    EXPECT_LT(mse_model - mse_clean, 0.5 * (mse_naive - mse_clean))
        << "sigma " << sigma << ": model " << mse_model << ", clean " << mse_clean << ", naive " << mse_naive;
  }
}

// The consistency target averages to D(x, sigma) for the true posterior mean (Gaussian data:
// the closed form) and not for a wrong denoiser: what makes its loss pull toward the truth.
TEST(TweedieConsistency, TargetAveragesToTheTruePosteriorMeanOnly) {
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(4);
  const GaussianImages data(g);
  const torch::Tensor s = data.covariance();
  auto exact = [&s](double scale) {
    return [&s, scale](const torch::Tensor& x, const torch::Tensor& sigma) {
      const double v = sigma[0].item<double>();  // one level per call in this test
      const torch::Tensor map = torch::matmul(s, torch::inverse(s + v * v * torch::eye(128)));
      return scale * torch::matmul(x.reshape({x.size(0), 128}), map.t()).reshape(x.sizes());
    };
  };
  const int64_t n = 20000;
  const double sigma = 0.2;
  // One noisy image, repeated: the average over the step's randomness alone.
  const torch::Tensor x0 = data.sample(1, g);
  const torch::Tensor x = (x0 + sigma * at::normal(0.0, 1.0, x0.sizes(), g)).expand({n, 2, 8, 8}).contiguous();
  const torch::Tensor levels = torch::full({n}, sigma), next = torch::full({n}, 0.1);
  for (double scale : {1.0, 0.7}) {
    const diffusion::BatchDenoiser d = exact(scale);
    const torch::Tensor residual = d(x, levels) - diffusion::consistency_target(d, x, levels, next, at::normal(0.0, 1.0, x.sizes(), g));
    const double bias = residual.mean(0).norm().item<double>() / d(x, levels)[0].norm().item<double>();
    if (scale == 1.0)
      EXPECT_LT(bias, 0.01) << "the true posterior mean is consistent";
    else
      EXPECT_GT(bias, 0.05) << "a shrunk denoiser is not";
  }
}

TEST(TweedieConsistency, AddsToTheLossAndTrains) {
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(5);
  const GaussianImages data(g);
  TinyDenoiser tiny(0);
  const diffusion::TweedieObjective plain, consistent(1.0);
  const torch::Tensor x_n = data.sample(16, g) + 0.3 * at::normal(0.0, 1.0, {16, 2, 8, 8}, g);
  const diffusion::TrainingBatch batch{x_n, {}, {}, torch::full({16}, 0.3)};
  at::Generator g1 = at::make_generator<at::CPUGeneratorImpl>(9), g2 = at::make_generator<at::CPUGeneratorImpl>(9);
  const double without = plain.loss(tiny.model, batch, g1).item<double>();
  const torch::Tensor with = consistent.loss(tiny.model, batch, g2);
  EXPECT_GT(with.item<double>(), without);  // same draws for the Tweedie part, plus a positive term
  tiny.step(with);  // and it back-propagates
  EXPECT_EQ(consistent.describe()["consistency_weight"], 1.0);
}

}  // namespace
}  // namespace ambient::test
