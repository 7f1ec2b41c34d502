// In-process timings of the classical toolbox (Google Benchmark). bench/run-benchmarks.sh
// runs this beside the bart command on the same data and writes docs/benchmarks.md.
//   AMBIENT_BENCH_KSPACE: fully sampled multi-coil k-space (any format), default the
//   autoespirit brain in ../shared/data-raw (read with --axes kx,ky,coil).
#include <ATen/ATen.h>
#include <benchmark/benchmark.h>
#include <fftw3.h>

#include <cstdlib>

#include "ambient/io/formats.hpp"
#include "ambient/recon/classical.hpp"
#include "ambient/recon/espirit.hpp"
#include "ambient/recon/fft.hpp"
#include "ambient/recon/masks.hpp"
#include "ambient/recon/reconstructor.hpp"

namespace {

using namespace ambient;

const io::KSpace& brain() {
  static const io::KSpace k = [] {
    const char* path = std::getenv("AMBIENT_BENCH_KSPACE");
    io::ReadOptions o;
    if (!path) o.axes = "kx,ky,coil";
    return io::read_kspace(path ? path : AMBIENT_SOURCE_DIR "/../shared/data-raw/autoespirit-brain-8ch/brain_clean.cfl", o);
  }();
  return k;
}

void BM_Espirit(benchmark::State& state) {
  const io::KSpace& k = brain();
  for (auto _ : state) benchmark::DoNotOptimize(recon::espirit(k.data[0], k.mask[0]).maps);
}
BENCHMARK(BM_Espirit)->Unit(benchmark::kMillisecond)->UseRealTime();

// CS at R = 4 (random lines, 24 ACS) with 60 FISTA iterations; maps precomputed, as
// `bart pics` is given its maps.
void BM_WaveletCs(benchmark::State& state) {
  io::KSpace k = brain();
  recon::MaskOptions m;
  m.acceleration = 4;
  k.mask = k.mask & recon::sampling_mask(k.ny(), k.nx(), m).unsqueeze(0);
  recon::ReconOptions o;
  o.maps = recon::espirit(k.data[0], k.mask[0]).maps;
  o.lambda = recon::kCsDefaults.lambda;  // a fixed weight: the solver alone, as bart pics -r 0.005
  o.iterations = 60;
  const auto cs = recon::make_reconstructor("cs", o);
  for (auto _ : state) benchmark::DoNotOptimize(cs->run(k, no_progress()).image);
}
BENCHMARK(BM_WaveletCs)->Unit(benchmark::kMillisecond)->UseRealTime();

// 2D FFTs of 16 x 320 x 320 complex: ATen's CPU FFT against an FFTW plan (FFTW_MEASURE,
// planned once outside the loop, as a plan cache would).
void BM_FftAten(benchmark::State& state) {
  const at::Tensor x = at::randn({16, 320, 320}, at::kComplexFloat);
  for (auto _ : state) benchmark::DoNotOptimize(at::fft_fft2(x));
}
BENCHMARK(BM_FftAten)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FftFftw(benchmark::State& state) {
  at::Tensor in = at::randn({16, 320, 320}, at::kComplexFloat), out = at::empty_like(in);
  int n[2] = {320, 320};
  auto* src = reinterpret_cast<fftwf_complex*>(in.data_ptr());
  auto* dst = reinterpret_cast<fftwf_complex*>(out.data_ptr());
  const at::Tensor saved = in.clone();
  fftwf_plan plan = fftwf_plan_many_dft(2, n, 16, src, nullptr, 1, 320 * 320, dst, nullptr, 1, 320 * 320,
                                        FFTW_FORWARD, FFTW_MEASURE);
  in.copy_(saved);  // FFTW_MEASURE overwrites its arrays while planning
  for (auto _ : state) fftwf_execute(plan);
  fftwf_destroy_plan(plan);
}
BENCHMARK(BM_FftFftw)->Unit(benchmark::kMillisecond)->UseRealTime();

// The centred orthonormal transforms as the code uses them: shifts, transform, scaling.
void BM_Fft2cAten(benchmark::State& state) {
  const at::Tensor x = at::randn({16, 320, 320}, at::kComplexFloat);
  for (auto _ : state) benchmark::DoNotOptimize(recon::fft2c_aten(x));
}
BENCHMARK(BM_Fft2cAten)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Fft2cFftw(benchmark::State& state) {
  const at::Tensor x = at::randn({16, 320, 320}, at::kComplexFloat);
  for (auto _ : state) benchmark::DoNotOptimize(recon::fft2c(x));
}
BENCHMARK(BM_Fft2cFftw)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
