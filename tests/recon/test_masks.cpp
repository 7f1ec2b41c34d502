// Sampling masks: acceleration as measured, ACS kept, seeds, density; Poisson disc
// against `bart poisson`; further subsampling for ambient training.
#include "ambient/core/error.hpp"
#include "ambient/io/cfl.hpp"
#include "ambient/recon/mask_analysis.hpp"
#include "ambient/recon/masks.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

recon::MaskOptions options(recon::MaskKind kind, double r, int64_t acs, uint64_t seed = 0) {
  recon::MaskOptions o;
  o.kind = kind;
  o.acceleration = r;
  o.calibration = acs;
  o.seed = seed;
  return o;
}

class LineMasks : public ::testing::TestWithParam<recon::MaskKind> {};

TEST_P(LineMasks, ExactLineCountAcsAndSeeds) {
  for (double r : {2.0, 4.0, 8.0}) {
    const at::Tensor m = recon::sampling_mask(320, 50, options(GetParam(), r, 24, 3));
    EXPECT_TRUE(recon::is_line_mask(m));
    EXPECT_EQ(m.any(1).sum().item<int64_t>(), std::llround(320 / r));  // as many lines as R asks
    EXPECT_NEAR(recon::acceleration_of(m), r, 0.02 * r);
    EXPECT_TRUE(m.narrow(0, 160 - 12, 24).all().item<bool>());  // ACS around DC
    EXPECT_TRUE(at::equal(m, recon::sampling_mask(320, 50, options(GetParam(), r, 24, 3))));
    EXPECT_FALSE(at::equal(m, recon::sampling_mask(320, 50, options(GetParam(), r, 24, 4))));
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, LineMasks,
                         ::testing::Values(recon::MaskKind::equispaced, recon::MaskKind::random,
                                           recon::MaskKind::gaussian));

TEST(Masks, EquispacedIsRegularAndGaussianIsDenseAtTheCentre) {
  const at::Tensor eq = recon::sampling_mask(200, 8, options(recon::MaskKind::equispaced, 4, 10));
  const at::Tensor outer = eq.narrow(0, 0, 90).any(1).nonzero().flatten();
  const at::Tensor gaps = outer.narrow(0, 1, outer.numel() - 1) - outer.narrow(0, 0, outer.numel() - 1);
  EXPECT_LE(gaps.max().item<int64_t>() - gaps.min().item<int64_t>(), 1);
  at::Tensor centre = at::zeros({}), edge = at::zeros({});
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const at::Tensor g = recon::sampling_mask(200, 8, options(recon::MaskKind::gaussian, 4, 10, seed)).any(1);
    centre += g.narrow(0, 60, 30).sum() + g.narrow(0, 110, 30).sum();
    edge += g.narrow(0, 0, 30).sum() + g.narrow(0, 170, 30).sum();
  }
  EXPECT_GT(centre.item<double>(), 2 * edge.item<double>());
}

TEST(Masks, PoissonDiscLikeBartPoisson) {
  REQUIRE_BART();
  TempDir dir;
  ASSERT_EQ(run(bart() + " poisson -Y 180 -Z 230 -y 2 -z 2 -C 24 -v -e -s 1 " + (dir / "bart")).exit_code, 0);
  const at::Tensor theirs = at::real(io::read_cfl(dir / "bart").squeeze()).t() > 0.5;  // [ky, kx]
  const double r = recon::acceleration_of(theirs);
  const at::Tensor ours = recon::sampling_mask(180, 230, options(recon::MaskKind::poisson, r, 24, 1));
  EXPECT_NEAR(recon::acceleration_of(ours), r, 0.01 * r);
  EXPECT_FALSE(recon::is_line_mask(ours));
  const auto calib = recon::calibration_region(ours);
  EXPECT_GE(calib.ky_size, 24);
  EXPECT_GE(calib.kx_size, 24);
  // The same variable density: sampled fraction in elliptical rings agrees with bart's.
  const at::Tensor y = (at::arange(180) - 90).div(90.0).view({-1, 1});
  const at::Tensor x = (at::arange(230) - 115).div(115.0).view({1, -1});
  const at::Tensor radius = at::sqrt(y * y + x * x);
  for (double lo : {0.0, 0.25, 0.5, 0.75}) {
    const at::Tensor ring = (radius >= lo) & (radius < lo + 0.25);
    const double a = (ours & ring).sum().item<double>() / ring.sum().item<double>();
    const double b = (theirs & ring).sum().item<double>() / ring.sum().item<double>();
    EXPECT_NEAR(a / b, 1.0, 0.25) << "ring " << lo << ": ours " << a << ", bart " << b;
  }
  EXPECT_EQ((ours & (radius > 1.0)).sum().item<int64_t>(), 0);  // elliptical scanning
}

TEST(Masks, ImpossibleRequestsAreRefused) {
  EXPECT_THROW(recon::sampling_mask(64, 64, options(recon::MaskKind::random, 0.5, 8)), Error);
  EXPECT_THROW(recon::sampling_mask(64, 64, options(recon::MaskKind::random, 8, 24)), Error);  // ACS > budget
  EXPECT_THROW(recon::sampling_mask(64, 64, options(recon::MaskKind::poisson, 4, 80)), Error);
  EXPECT_THROW(recon::acceleration_of(at::zeros({4, 4}, at::kBool)), Error);
}

TEST(FurtherSubsample, NestedKeepsCalibrationAndReachesTheTarget) {
  for (auto kind : {recon::MaskKind::random, recon::MaskKind::poisson}) {
    const at::Tensor a = recon::sampling_mask(128, 96, options(kind, 4, 16, 2));
    const at::Tensor b = recon::further_subsample(a, 6, 9);
    EXPECT_TRUE(at::equal(b & a, b));  // Ã ⊂ A
    EXPECT_GE(recon::acceleration_of(b), 6.0);
    EXPECT_LT(recon::acceleration_of(b), 6.0 * 1.1);
    const auto cb = recon::calibration_region(b);
    EXPECT_GE(cb.ky_size, 16);
    EXPECT_GE(cb.kx_size, kind == recon::MaskKind::random ? 96 : 16);
    EXPECT_FALSE(at::equal(b, recon::further_subsample(a, 6, 10)));  // seeded
  }
}

TEST(FurtherSubsample, ProtectsTheNominalAcsNotWhatTouchesIt) {
  // ACS rows 3-4 and a random line at row 5 next to them: the detected block is 3 lines,
  // the nominal ACS 2, so row 5 may still be dropped.
  at::Tensor a = recon::calibration_block(8, 8, 2, true);
  a[5].fill_(true), a[0].fill_(true);
  const at::Tensor protect = recon::calibration_block(8, 8, 2, true);
  bool dropped_five = false;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const at::Tensor b = recon::further_subsample(a, 64.0 / 24.0, seed, protect);
    EXPECT_TRUE(b.narrow(0, 3, 2).all().item<bool>());
    dropped_five |= !b[5].any().item<bool>();
  }
  EXPECT_TRUE(dropped_five);
}

TEST(FurtherSubsample, RefusesImpossibleTargets) {
  const at::Tensor a = recon::sampling_mask(64, 32, options(recon::MaskKind::random, 4, 8));
  EXPECT_THROW(recon::further_subsample(a, 3, 0), Error);   // not beyond A
  EXPECT_THROW(recon::further_subsample(a, 16, 0), Error);  // would eat the ACS lines
}

}  // namespace
}  // namespace ambient::test
