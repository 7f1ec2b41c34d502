// SENSE operator adjointness and the CG solver against a closed-form solution.
#include "ambient/core/error.hpp"
#include "ambient/recon/conjugate_gradient.hpp"
#include "ambient/recon/linear_operator.hpp"
#include "ambient/recon/masks.hpp"
#include "ambient/recon/simulation.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

at::Tensor inner_product(const at::Tensor& a, const at::Tensor& b) { return at::sum(at::conj(a) * b); }

TEST(SenseOperator, AdjointTestWithBatch) {
  const at::Tensor maps = at::randn({2, 5, 24, 20}, at::kComplexFloat);  // batch of 2
  const at::Tensor mask = at::rand({2, 24, 20}) > 0.5;
  const recon::SenseOperator a(maps, mask);
  const at::Tensor x = at::randn({2, 24, 20}, at::kComplexFloat);
  const at::Tensor y = at::randn({2, 5, 24, 20}, at::kComplexFloat);
  const auto lhs = inner_product(a.forward(x), y).item<c10::complex<float>>();
  const auto rhs = inner_product(x, a.adjoint(y)).item<c10::complex<float>>();
  EXPECT_NEAR(std::abs(lhs - rhs) / std::abs(lhs), 0, 1e-5);
  EXPECT_LT(nrmse(a.normal(x), a.adjoint(a.forward(x))), 1e-5);
  EXPECT_THROW(recon::SenseOperator(maps, at::ones({10, 10}, at::kBool)), Error);
}

TEST(ConjugateGradient, SolvesTikhonovSenseInClosedForm) {
  // Fully sampled with normalised maps, A^H A = I: the solution of (I + l I) x = A^H y is
  // A^H y / (1 + l), reached in one step.
  const at::Tensor maps = recon::birdcage_maps(4, 16, 16);
  const recon::SenseOperator a(maps, at::ones({16, 16}, at::kBool));
  const at::Tensor x = at::randn({16, 16}, at::kComplexFloat);
  recon::CgOptions o;
  o.lambda = 0.5;
  const auto r = recon::conjugate_gradient([&](const at::Tensor& v) { return a.normal(v); },
                                           a.adjoint(a.forward(x)), {}, o);
  EXPECT_LT(nrmse(r.x, x / 1.5), 1e-5);
  EXPECT_LE(r.iterations, 2);
}

TEST(ConjugateGradient, ConvergesOnUndersampledSense) {
  recon::MaskOptions m;
  m.acceleration = 2;
  m.calibration = 8;
  const recon::SenseOperator a(recon::birdcage_maps(8, 32, 32), recon::sampling_mask(32, 32, m));
  const at::Tensor y = a.forward(at::randn({32, 32}, at::kComplexFloat));
  recon::CgOptions o;
  o.iterations = 300;
  o.tolerance = 1e-6;
  const auto r = recon::conjugate_gradient([&](const at::Tensor& v) { return a.normal(v); }, a.adjoint(y), {}, o);
  EXPECT_LE(r.relative_residual, 1e-4);  // float32 and an ill-conditioned system
  EXPECT_LT(nrmse(a.forward(r.x), y), 1e-3);  // consistent with every measured sample
}

}  // namespace
}  // namespace ambient::test
