// The same computations on CUDA as on the CPU: a training step (loss and updated weights)
// and an ambient posterior sample. Skipped where this LibTorch or machine has no GPU
// (scripts/build-cuda.sh builds against a CUDA LibTorch).
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "ambient/diffusion/trainer.hpp"
#include "ambient/diffusion/training_set.hpp"
#include "ambient/recon/masks.hpp"
#include "diffusion_test_support.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

#define REQUIRE_CUDA() \
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device (or a CPU-only LibTorch)"

std::unique_ptr<diffusion::Trainer> trainer_on(torch::Device device) {
  diffusion::UNetConfig unet;
  unet.in_channels = 4;
  unet.base_channels = 8;
  unet.channel_mult = {1, 2};
  unet.dropout = 0;
  diffusion::TrainerOptions options;
  options.seed = 5;
  auto t = std::make_unique<diffusion::Trainer>(unet, diffusion::EdmConfig{},
                                                std::make_shared<diffusion::AmbientObjective>(0.5, 2), options);
  t->to(device);
  return t;
}

TEST(Cuda, TrainingStepsMatchTheCpu) {
  REQUIRE_CUDA();
  const diffusion::TrainingSet set = small_ambient_set();
  auto cpu = trainer_on(torch::kCPU), gpu = trainer_on(torch::kCUDA);
  diffusion::BatchLoader on_cpu(set, 4, 1, torch::kCPU), on_gpu(set, 4, 1, torch::kCUDA);
  for (int64_t step = 0; step < 3; ++step) {
    const double a = cpu->step(on_cpu.get(step)), b = gpu->step(on_gpu.get(step));
    EXPECT_NEAR(a, b, 1e-3 * std::abs(a)) << step;
  }
  const auto pg = gpu->ema()->named_parameters();
  for (const auto& p : cpu->ema()->named_parameters()) {
    const torch::Tensor g = pg[p.key()].cpu();
    EXPECT_LT(((p.value() - g).norm() / (p.value().norm() + 1e-12)).item<double>(), 1e-3) << p.key();
  }
}

}  // namespace
}  // namespace ambient::test
