// SENSE operator adjointness, and the CG and CGLS solvers against closed-form solutions.
#include "ambient/core/error.hpp"
#include "ambient/recon/cgls.hpp"
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


// A dense complex matrix as an operator: vectors [n] to [m].
class MatrixOperator : public recon::LinearOperator {
 public:
  explicit MatrixOperator(at::Tensor m) : m_(std::move(m)) {}
  at::Tensor forward(const at::Tensor& x) const override { return at::matmul(m_, x); }
  at::Tensor adjoint(const at::Tensor& y) const override { return at::matmul(m_.conj().t(), y); }

 private:
  at::Tensor m_;
};

TEST(Cgls, ReachesTheLeastSquaresSolutionInAsManyIterationsAsUnknowns) {
  at::manual_seed(3);
  const at::Tensor m = at::randn({12, 6}, at::kComplexDouble);
  const at::Tensor y = at::randn({12}, at::kComplexDouble);  // not in the range: a residual remains
  const at::Tensor expected = at::matmul(at::linalg_pinv(m), y);
  const auto r = recon::cgls(MatrixOperator(m), y, {}, 6);
  EXPECT_LT(nrmse(r.x, expected), 1e-8);
  EXPECT_NEAR(r.residual, at::linalg_vector_norm(at::matmul(m, expected) - y).item<double>(), 1e-8);
}

TEST(Cgls, StopsWhereTheResidualReachesTheTarget) {
  recon::MaskOptions mo;
  mo.acceleration = 3;
  mo.calibration = 8;
  const recon::SenseOperator a(recon::birdcage_maps(8, 32, 32), recon::sampling_mask(32, 32, mo));
  at::manual_seed(4);
  const at::Tensor truth = at::randn({32, 32}, at::kComplexFloat);
  const at::Tensor y = a.forward(truth) + 0.05 * at::randn({8, 32, 32}, at::kComplexFloat) * a.mask();
  const double start = recon::cgls(a, y, {}, 0).residual;
  const double floor = recon::cgls(a, y, {}, 300).residual;  // the noise outside A's range
  const double target = floor + 0.05 * (start - floor);
  const auto r = recon::cgls(a, y, {}, 100, target);
  ASSERT_GT(r.iterations, 1);
  EXPECT_LT(r.iterations, 100);
  EXPECT_NEAR(r.residual, target, 1e-6 * target);  // the last step ends on the target
  EXPECT_GT(recon::cgls(a, y, {}, r.iterations - 1).residual, target);  // one fewer is not enough
  EXPECT_NEAR(r.residual, at::linalg_vector_norm(a.forward(r.x) - y).item<double>(), 1e-3 * start);
}

}  // namespace
}  // namespace ambient::test
