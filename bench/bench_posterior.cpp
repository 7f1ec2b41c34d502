// Cost of one posterior-sampling step against the bare network (Google Benchmark; nothing
// asserts on time). BM_NetworkForwardBackward is the floor: the ambient network's forward
// pass on a batch of samples and the backward pass to its input. BM_GuidedStep is one whole
// A-DPS step at the same batch: the view Ã^H Ã x, the network, the data residual through
// 8 coils and its gradient, the ODE update. Their ratio is the step's overhead
// (bench/run-posterior-benchmarks.sh writes it down). Both run in each network precision
// (the second argument: 1 = bfloat16 under autocast, `ambient recon --precision`).
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "ambient/diffusion/objectives.hpp"
#include "ambient/diffusion/posterior_sampling.hpp"
#include "ambient/recon/masks.hpp"

namespace {

using namespace ambient;

constexpr int64_t kSize = 128, kCoils = 8;

diffusion::EdmDenoiser ambient_network(bool bfloat16) {
  diffusion::UNetConfig unet = diffusion::UNetConfig::cpu_preset();
  unet.in_channels = 4;
  diffusion::EdmDenoiser d(unet, diffusion::EdmConfig{});
  d->eval();
  d->set_precision(bfloat16 ? diffusion::Precision::bfloat16 : diffusion::Precision::float32);
  return d;
}

torch::Tensor masks(int64_t n, double acceleration) {
  std::vector<torch::Tensor> all;
  for (int64_t i = 0; i < n; ++i) {
    recon::MaskOptions o;
    o.acceleration = acceleration;
    o.calibration = 12;
    o.seed = static_cast<uint64_t>(i);
    all.push_back(recon::sampling_mask(kSize, kSize, o));
  }
  return torch::stack(all);
}

torch::Tensor unit_maps() {
  torch::manual_seed(2);
  const torch::Tensor maps = torch::randn({kCoils, kSize, kSize}, torch::kComplexFloat);
  return maps / torch::sqrt(maps.abs().pow(2).sum(0, true));
}

// Forward on [Re, Im, mask, 1] inputs and backward to the image channels.
void BM_NetworkForwardBackward(benchmark::State& state) {
  const int64_t n = state.range(0);
  diffusion::EdmDenoiser d = ambient_network(state.range(1) == 1);
  const torch::Tensor condition = torch::cat({masks(n, 5).to(torch::kFloat).unsqueeze(1), torch::ones({n, 1, kSize, kSize})}, 1);
  const torch::Tensor sigma = torch::full({n}, 1.0);
  for (auto _ : state) {
    const torch::Tensor x = torch::randn({n, 2, kSize, kSize}).requires_grad_(true);
    const torch::Tensor out = d->forward(x, sigma, condition);
    benchmark::DoNotOptimize(torch::autograd::grad({out.sum()}, {x})[0].data_ptr());
  }
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_NetworkForwardBackward)
    ->ArgsProduct({{1, 4}, {0, 1}})
    ->ArgNames({"batch", "bfloat16"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// One A-DPS step (Euler) for a batch of samples of one 8-coil R = 4 slice.
void BM_GuidedStep(benchmark::State& state) {
  const int64_t n = state.range(0);
  diffusion::EdmDenoiser d = ambient_network(state.range(1) == 1);
  const torch::Tensor a_tilde = masks(n, 5);
  diffusion::Measurement m;
  m.maps = unit_maps();
  m.mask = masks(1, 4)[0];
  m.kspace = torch::randn({kCoils, kSize, kSize}, torch::kComplexFloat) * m.mask;
  const torch::Tensor maps = m.maps.unsqueeze(0).expand({n, -1, -1, -1});
  const diffusion::BatchDenoiser denoiser = [&](const torch::Tensor& x, const torch::Tensor& sigma) {
    const auto [input, condition] = diffusion::ambient_input(x, a_tilde, maps);
    return d->forward(input, sigma, condition);
  };
  diffusion::PosteriorOptions o;
  o.samples = n;
  o.schedule.steps = 1;
  o.guidance = diffusion::Guidance::flow;  // a guided step: forward and backward through the network
  for (auto _ : state) benchmark::DoNotOptimize(diffusion::guided_samples(denoiser, m, o).data_ptr());
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_GuidedStep)
    ->ArgsProduct({{1, 4}, {0, 1}})
    ->ArgNames({"batch", "bfloat16"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
