// Training throughput of the diffusion priors (Google Benchmark; nothing asserts on time).
// BM_LargeConvolution is the yardstick: one big 3x3 convolution, forward and backward, the
// best case for this machine's convolution kernels. The training steps report images/s and
// the network's achieved GFLOP/s (3x its counted forward FLOPs per image); their ratio to
// the yardstick is the efficiency bench/run-training-benchmarks.sh writes down.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "ambient/diffusion/trainer.hpp"
#include "ambient/recon/masks.hpp"

namespace {

using namespace ambient;

// args {bfloat16 0/1}: the yardstick of each precision.
void BM_LargeConvolution(benchmark::State& state) {
  torch::manual_seed(0);
  const auto type = state.range(0) == 1 ? torch::kBFloat16 : torch::kFloat;
  const torch::Tensor x = torch::randn({8, 64, 64, 64}, type).requires_grad_(true);
  const torch::Tensor w = torch::randn({64, 64, 3, 3}, type).requires_grad_(true);
  for (auto _ : state) {
    const torch::Tensor y = torch::conv2d(x, w, {}, 1, 1);
    y.sum().backward();
    benchmark::DoNotOptimize(w.grad().data_ptr());
  }
  const double flops = 3 * 2.0 * 8 * 64 * 64 * 64 * 64 * 9;  // forward + two backward products
  state.counters["GFLOP/s"] = benchmark::Counter(flops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_LargeConvolution)->Arg(0)->Arg(1)->ArgName("bfloat16")->Unit(benchmark::kMillisecond)->UseRealTime();

// One ambient training step at 128 x 128 with 8 coils, R = 4 masks: args {preset 0 cpu / 1
// gpu, batch, objective 0 ambient / 1 clean, precision 0 float32 / 1 bfloat16}.
void BM_TrainStep(benchmark::State& state) {
  const bool gpu_preset = state.range(0) == 1, clean = state.range(2) == 1;
  const int64_t batch = state.range(1), size = 128, coils = 8;
  diffusion::UNetConfig unet = gpu_preset ? diffusion::UNetConfig::gpu_preset() : diffusion::UNetConfig::cpu_preset();
  std::shared_ptr<const diffusion::Objective> objective =
      clean ? std::shared_ptr<const diffusion::Objective>(std::make_shared<diffusion::CleanObjective>())
            : std::make_shared<diffusion::AmbientObjective>(1.0, 12);
  unet.in_channels = 2 + objective->condition_channels();
  diffusion::Trainer trainer(unet, diffusion::EdmConfig{}, objective, diffusion::TrainerOptions{});
  trainer.set_precision(state.range(3) == 1 ? diffusion::Precision::bfloat16 : diffusion::Precision::float32);
  torch::manual_seed(1);
  std::vector<torch::Tensor> masks;
  for (int64_t i = 0; i < batch; ++i) {
    recon::MaskOptions o;
    o.acceleration = 4;
    o.calibration = 12;
    o.seed = static_cast<uint64_t>(i);
    masks.push_back(recon::sampling_mask(size, size, o));
  }
  torch::Tensor maps = torch::randn({batch, coils, size, size}, torch::kComplexFloat);
  maps = maps / torch::sqrt((maps.abs().pow(2)).sum(1, true));
  const diffusion::TrainingBatch data{torch::randn({batch, 2, size, size}) * 0.5, torch::stack(masks), maps,
                                      torch::zeros({batch})};
  for (auto _ : state) benchmark::DoNotOptimize(trainer.step(data));
  const double images = static_cast<double>(batch);
  state.counters["images/s"] = benchmark::Counter(images, benchmark::Counter::kIsIterationInvariantRate);
  const double flops = 3 * trainer.model()->network()->forward_flops(size, size) * images;
  state.counters["GFLOP/s"] = benchmark::Counter(flops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GFLOP/image"] = trainer.model()->network()->forward_flops(size, size) / 1e9;
}
BENCHMARK(BM_TrainStep)
    ->Args({0, 8, 0, 0})
    ->Args({0, 8, 1, 0})
    ->Args({0, 8, 0, 1})
    ->Args({0, 8, 1, 1})
    ->Args({1, 2, 0, 0})
    ->Args({1, 2, 0, 1})
    ->ArgNames({"gpu_preset", "batch", "clean", "bfloat16"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
