// The EDM sampler driven by the exact denoiser of Gaussian data, D(x, sigma) =
// S (S + sigma^2 I)^-1 x: the probability-flow ODE then carries N(0, sigma_max^2 I) to
// N(0, S), so the samples' covariance must be S.
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "ambient/core/error.hpp"
#include "ambient/diffusion/sampler.hpp"
#include "diffusion_test_support.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

torch::Tensor covariance_error(const diffusion::SamplerOptions& options) {
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(4);
  const GaussianImages data(g);
  const torch::Tensor s = data.covariance().to(torch::kDouble);
  const torch::Tensor eye = torch::eye(128, torch::kDouble);
  const diffusion::Denoiser exact = [&](const torch::Tensor& x, double sigma) {
    return torch::matmul(x, torch::matmul(s, torch::inverse(s + sigma * sigma * eye)).t());
  };
  const int64_t n = 20000;
  const torch::Tensor samples = diffusion::edm_sample(exact, at::normal(0.0, 1.0, {n, 128}, g).to(torch::kDouble), options);
  const torch::Tensor empirical = torch::matmul(samples.t(), samples) / n;
  return torch::linalg_norm(empirical - s) / torch::linalg_norm(s);
}

TEST(EdmSampler, ScheduleFollowsKarras) {
  const auto sigmas = diffusion::edm_schedule({});
  ASSERT_EQ(sigmas.size(), 19u);
  EXPECT_DOUBLE_EQ(sigmas.front(), 80);
  EXPECT_NEAR(sigmas[17], 0.002, 1e-12);
  EXPECT_EQ(sigmas.back(), 0);
  for (size_t i = 1; i < sigmas.size(); ++i) EXPECT_LT(sigmas[i], sigmas[i - 1]);
  diffusion::SamplerOptions bad;
  bad.sigma_min = 0;
  EXPECT_THROW(diffusion::edm_schedule(bad), Error);
}

TEST(EdmSampler, HeunWithTheExactDenoiserReproducesTheDataCovariance) {
  // 20000 samples of 128 dimensions: sampling error alone is about sqrt(128 / 20000) ~ 0.08.
  const double heun = covariance_error({}).item<double>();
  EXPECT_LT(heun, 0.12);
  // Euler with the same 18 steps is worse: the second-order step matters.
  diffusion::SamplerOptions euler;
  euler.heun = false;
  const double first_order = covariance_error(euler).item<double>();
  EXPECT_GT(first_order, heun) << "Heun " << heun << ", Euler " << first_order;
}

TEST(EdmSampler, ChurnKeepsTheDataCovarianceAndIsRefusedBelowZero) {
  // The stochastic sampler (Algorithm 2) targets the same distribution: with steps enough
  // for its raised noise levels, as close as the ODE's.
  diffusion::SamplerOptions churned;
  churned.steps = 64;
  churned.churn = 10;
  EXPECT_LT(covariance_error(churned).item<double>(), 0.12);
  // And the churn is there: the same start noise ends elsewhere than the ODE's.
  const diffusion::Denoiser shrink = [](const torch::Tensor& x, double sigma) { return x / (1 + sigma * sigma); };
  const torch::Tensor start = torch::randn({4, 8}, torch::kDouble);
  diffusion::SamplerOptions ode = churned;
  ode.churn = 0;
  EXPECT_FALSE(torch::allclose(diffusion::edm_sample(shrink, start, ode), diffusion::edm_sample(shrink, start, churned)));
  churned.churn = -1;
  EXPECT_THROW(covariance_error(churned), Error);
}

}  // namespace
}  // namespace ambient::test
