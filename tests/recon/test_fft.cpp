// Centred orthonormal FFT against a naive DFT and against `bart fft -u`.
#include <ATen/CPUGeneratorImpl.h>

#include <array>
#include <atomic>
#include <cmath>
#include <thread>

#include "ambient/io/cfl.hpp"
#include "ambient/recon/fft.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

// Direct evaluation of the centred orthonormal DFT: k[u] = sum_x x[n] e^{-2 pi i (u-N/2)(n-N/2)/N} / sqrt(N).
at::Tensor naive_centred_dft2(const at::Tensor& image) {
  const int64_t ny = image.size(-2), nx = image.size(-1);
  auto matrix = [](int64_t n) {
    const auto idx = at::arange(n, at::kDouble) - n / 2;
    const auto phase = -2 * M_PI * at::outer(idx, idx) / n;
    return at::polar(at::full({n, n}, 1.0 / std::sqrt(n), at::kDouble), phase);
  };
  const auto x = image.to(at::kComplexDouble);
  return at::matmul(at::matmul(matrix(ny), x), matrix(nx).transpose(0, 1)).to(at::kComplexFloat);
}

TEST(Fft, MatchesNaiveDftForOddAndEvenSizes) {
  for (auto [ny, nx] : {std::pair<int64_t, int64_t>{8, 8}, {7, 10}, {9, 5}}) {
    const at::Tensor x = at::randn({ny, nx}, at::kComplexFloat);
    EXPECT_LT(nrmse(recon::fft2c(x), naive_centred_dft2(x)), 1e-5) << ny << "x" << nx;
    EXPECT_LT(nrmse(recon::ifft2c(recon::fft2c(x)), x), 1e-6);
  }
}

TEST(Fft, OrthonormalAndBatched) {
  const at::Tensor x = at::randn({2, 3, 16, 12}, at::kComplexFloat);
  const at::Tensor k = recon::fft2c(x);
  EXPECT_NEAR(k.abs().pow(2).sum().item<double>(), x.abs().pow(2).sum().item<double>(), 1e-2);
  EXPECT_LT(nrmse(k[1][2], recon::fft2c(x[1][2])), 1e-6);
  // A point at the centre has a flat spectrum: DC lives at N/2.
  at::Tensor delta = at::zeros({8, 8}, at::kComplexFloat);
  delta[4][4] = 1;
  EXPECT_LT(nrmse(recon::fft2c(delta), at::full({8, 8}, 1.0 / 8, at::kComplexFloat)), 1e-6);
}

TEST(Fft, AgreesWithBartFftUnitary) {
  REQUIRE_BART();
  TempDir dir;
  const at::Tensor x = at::randn({12, 10}, at::kComplexFloat);  // BART dims 10 12
  io::write_cfl(dir / "x", x, false);
  // bart's centred unitary FFT over dims 0 and 1 (bitmask 3)
  ASSERT_EQ(run(bart() + " fft -u 3 " + (dir / "x") + " " + (dir / "k")).exit_code, 0);
  EXPECT_LT(nrmse(recon::fft2c(x), io::read_cfl(dir / "k")), 1e-5);
}

TEST(Fft, Differentiable) {
  const at::Tensor x = at::randn({6, 6}, at::kComplexFloat).requires_grad_();
  recon::fft2c(x).abs().pow(2).sum().backward();
  // d/dx ||F x||^2 = 2x for unitary F (PyTorch's conjugate Wirtinger convention)
  EXPECT_LT(nrmse(x.grad(), 2 * x.detach()), 1e-5);
}

TEST(Fft, FftwBackendMatchesAtenIncludingGradients) {
  for (auto shape : {std::vector<int64_t>{3, 20, 30}, std::vector<int64_t>{2, 2, 17, 9}}) {
    const at::Tensor x = at::randn(shape, at::kComplexFloat);
    EXPECT_LT(nrmse(recon::fft2c(x), recon::fft2c_aten(x)), 1e-6);
    EXPECT_LT(nrmse(recon::ifft2c(x), recon::ifft2c_aten(x)), 1e-6);
  }
  // Gradients through a non-trivial loss agree with ATen's autograd.
  const at::Tensor w = at::randn({12, 10}, at::kComplexFloat);
  auto gradient = [&](auto transform) {
    const at::Tensor x = at::randn({12, 10}, at::make_generator<at::CPUGeneratorImpl>(3), at::kComplexFloat)
                             .requires_grad_();
    at::real(at::sum(w * transform(transform(x).conj()))).backward();
    return x.grad();
  };
  EXPECT_LT(nrmse(gradient([](const at::Tensor& v) { return recon::ifft2c(v); }),
                  gradient([](const at::Tensor& v) { return recon::ifft2c_aten(v); })), 1e-5);
  // Other dtypes take the ATen path.
  const at::Tensor d = at::randn({8, 8}, at::kComplexDouble);
  EXPECT_EQ(recon::fft2c(d).scalar_type(), at::kComplexDouble);
}

TEST(Fft, CentreCropKeepsTheTransformsCentreAtItsCentre) {
  // A constant image has all its energy at DC, index N/2; a crop of its k-space keeps it at the
  // crop's own N/2, for even and odd sizes alike (8 -> 3: a naive (N - n) / 2 start would miss it).
  for (const auto& [ny, nx, cy, cx] : {std::array<int64_t, 4>{8, 7, 4, 3}, std::array<int64_t, 4>{9, 6, 5, 2},
                                    std::array<int64_t, 4>{8, 6, 3, 5}}) {
    const at::Tensor kspace = recon::fft2c(at::ones({2, ny, nx}, at::kComplexFloat));
    const at::Tensor block = recon::centre_crop(kspace, cy, cx);
    ASSERT_EQ(block.sizes(), (at::IntArrayRef{2, cy, cx}));
    const at::Tensor peak = block.abs()[0].flatten().argmax();
    EXPECT_EQ(peak.item<int64_t>(), (cy / 2) * cx + cx / 2) << ny << "x" << nx << " -> " << cy << "x" << cx;
  }
  const at::Tensor t = at::arange(56, at::kFloat).reshape({8, 7});
  EXPECT_TRUE(at::equal(recon::centre_crop(t, 0, 7), t)) << "a size <= 0 or the axis's own keeps it";
  EXPECT_TRUE(at::equal(recon::centre_crop(t, 9, -1), t));
  recon::centre_crop(t, 2, 3).fill_(-1);  // a view: writes reach the tensor
  EXPECT_EQ(t.lt(0).sum().item<int64_t>(), 6);
  EXPECT_EQ(t[4][3].item<float>(), -1);
}

TEST(Fft, PlanCacheIsThreadSafe) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const at::Tensor x = at::randn({2, 16 + (i + t) % 5, 12 + t}, at::kComplexFloat);
        if (nrmse(recon::fft2c(x), recon::fft2c_aten(x)) > 1e-6) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace ambient::test
