// k-space cross-validation for --lambda auto: the split it validates on, the search over
// weights, and the weight it chooses against a sweep on a noisy phantom.
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "ambient/core/error.hpp"
#include "ambient/recon/classical.hpp"
#include "ambient/recon/fft.hpp"
#include "ambient/recon/lambda_selection.hpp"
#include "ambient/recon/mask_analysis.hpp"
#include "ambient/recon/masks.hpp"
#include "ambient/recon/metrics.hpp"
#include "ambient/recon/reconstructor.hpp"
#include "ambient/recon/simulation.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

at::Tensor mask_of(const std::string& pattern, double acceleration, int calibration) {
  recon::MaskOptions m;
  m.kind = recon::parse_mask_kind(pattern);
  m.acceleration = acceleration;
  m.calibration = calibration;
  return recon::sampling_mask(96, 80, m);
}

void expect_partition(const recon::HoldoutSplit& split, const at::Tensor& mask) {
  const at::Tensor measured = mask.to(at::kBool);
  EXPECT_TRUE(at::equal(split.fit | split.held_out, measured));
  EXPECT_FALSE((split.fit & split.held_out).any().item<bool>());
  EXPECT_TRUE(split.held_out.any().item<bool>());
  const recon::CalibrationRegion acs = recon::calibration_region(measured);
  EXPECT_FALSE(split.held_out.slice(0, acs.ky_begin, acs.ky_begin + acs.ky_size)
                   .slice(1, acs.kx_begin, acs.kx_begin + acs.kx_size).any().item<bool>());
}

TEST(LambdaSelection, LineMasksLoseWholeLinesOutsideTheCalibrationRegion) {
  const at::Tensor mask = mask_of("random", 4, 12);
  const recon::HoldoutSplit split = recon::holdout_split(mask, 0.2, 3);
  expect_partition(split, mask);
  EXPECT_TRUE(recon::is_line_mask(split.held_out));
  EXPECT_TRUE(recon::is_line_mask(split.fit));
  // Every 5th line outside the ACS block in order of distance from the centre, from the seed's offset.
  const int64_t outside_lines = mask.to(at::kBool).any(1).sum().item<int64_t>() - 12;
  EXPECT_NEAR(split.held_out.any(1).sum().item<double>(), outside_lines / 5.0, 1.0);
  EXPECT_TRUE(at::equal(split.held_out, recon::holdout_split(mask, 0.2, 3).held_out));  // seeded
  EXPECT_FALSE(at::equal(split.held_out, recon::holdout_split(mask, 0.2, 4).held_out));
}

TEST(LambdaSelection, TheLineNearestTheCalibrationBlockIsNeverHeldOut) {
  const at::Tensor mask = mask_of("random", 4, 12).to(at::kBool);
  const recon::CalibrationRegion acs = recon::calibration_region(mask);
  const at::Tensor lines = mask.any(1);
  const int64_t centre = mask.size(0) / 2;
  int64_t nearest = -1, second = -1;  // measured lines outside the ACS block, by distance from the centre
  for (int64_t i = 0; i < mask.size(0); ++i) {
    if (!lines[i].item<bool>() || (i >= acs.ky_begin && i < acs.ky_begin + acs.ky_size)) continue;
    if (nearest < 0 || std::abs(i - centre) < std::abs(nearest - centre)) {
      second = nearest, nearest = i;
    } else if (second < 0 || std::abs(i - centre) < std::abs(second - centre)) {
      second = i;
    }
  }
  ASSERT_GE(second, 0);
  bool second_held = false;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    const recon::HoldoutSplit split = recon::holdout_split(mask, 0.2, seed);
    EXPECT_FALSE(split.held_out[nearest].any().item<bool>()) << "seed " << seed;
    second_held = second_held || split.held_out[second].any().item<bool>();
  }
  EXPECT_TRUE(second_held);  // the next line is a candidate like any other
}

TEST(LambdaSelection, TwoDimensionalMasksLoseSamplesAndFullSamplingKeepsItsCentre) {
  const at::Tensor poisson = mask_of("poisson", 6, 16);
  const recon::HoldoutSplit split = recon::holdout_split(poisson, 0.1, 0);
  expect_partition(split, poisson);
  EXPECT_FALSE(recon::is_line_mask(split.held_out));
  const at::Tensor full = at::ones({96, 80}, at::kBool);
  const recon::HoldoutSplit all = recon::holdout_split(full, 0.1, 0);
  EXPECT_TRUE(at::equal(all.fit | all.held_out, full));
  EXPECT_TRUE(all.fit[48][40].item<bool>());
  EXPECT_NEAR(all.held_out.sum().item<double>() / full.numel(), 0.1, 0.01);
}

TEST(LambdaSelection, WalkFindsTheMinimumOfAQuadraticInLogLambdaInThreeTrials) {
  std::vector<double> asked;
  auto error_for = [&](double lambda) {
    asked.push_back(lambda);
    return std::pow(std::log(lambda / 0.003), 2) + 1;
  };
  const recon::LambdaChoice c = recon::choose_lambda({0.005, 3, 5, 0.2}, error_for);
  // 0.005 beats 0.005 / 3, so the walk turns up, and 0.015 is worse: three trials, and the
  // parabola through three points of a parabola is exact.
  ASSERT_EQ(asked.size(), 3u);
  EXPECT_NEAR(asked[1], 0.005 / 3, 1e-12);
  EXPECT_NEAR(asked[2], 0.015, 1e-12);
  EXPECT_NEAR(c.lambda, 0.003, 1e-6);
  EXPECT_EQ(c.errors.size(), 3u);
}

TEST(LambdaSelection, WalkStopsAfterItsTrialsAndRefusesABadSearch) {
  // Error falling without end: five weights down, the last kept as it is (no lower neighbour).
  const recon::LambdaChoice c = recon::choose_lambda({0.005, 3, 5, 0.2}, [](double l) { return l; });
  EXPECT_EQ(c.errors.size(), 5u);
  EXPECT_NEAR(c.lambda, 0.005 / 81, 1e-12);
  EXPECT_THROW(recon::choose_lambda({0.005, 1, 5, 0.2}, [](double l) { return l; }), Error);
  EXPECT_THROW(recon::choose_lambda({0.005, 3, 2, 0.2}, [](double l) { return l; }), Error);
  EXPECT_THROW(recon::holdout_split(at::ones({4, 4, 4}, at::kBool), 0.2, 0), Error);
}

// A noisy phantom: the weight cross-validation picks must reconstruct nearly as well as the
// best weight of a sweep that knows the truth.
TEST(LambdaSelection, AutomaticWeightIsNearTheBestOfASweep) {
  const at::Tensor truth = recon::shepp_logan(96, 80).to(at::kComplexFloat);
  const at::Tensor maps = recon::birdcage_maps(8, 96, 80);
  io::KSpace k;
  k.mask = mask_of("random", 4, 12).unsqueeze(0);
  const at::Tensor noise = 0.02 * at::randn({1, 8, 96, 80}, at::make_generator<at::CPUGeneratorImpl>(5), at::kComplexFloat);
  k.data = (recon::fft2c(maps * truth).unsqueeze(0) + noise) * k.mask.unsqueeze(1);
  for (const std::string method : {"cs", "sense"}) {
    recon::ReconOptions o;
    o.maps = maps;
    auto psnr = [&](double lambda) {
      o.lambda = lambda;
      o.automatic_lambda = lambda < 0;
      const auto r = recon::make_reconstructor(method, o)->run(k, no_progress());
      return std::make_pair(recon::compare_images(truth.abs().unsqueeze(0), r.image.abs()).psnr, r.lambdas);
    };
    double best = -1e9;
    for (double lambda : {1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0}) best = std::max(best, psnr(lambda).first);
    const auto [automatic, lambdas] = psnr(-1);
    ASSERT_EQ(lambdas.size(), 1u);
    EXPECT_GT(automatic, best - 0.5) << method << ": auto chose " << lambdas[0];
  }
}

// 128 lines (48 readout points, for speed) at R = 8 with 12 ACS lines leave 4 lines besides them, one held out: too little to
// choose a weight from (on the validation spines the choice lost 2.65 dB), so cs keeps its
// fixed default, for one slice or many (at R = 4, 20 lines, 4 held out: it chooses).
TEST(LambdaSelection, CsKeepsItsDefaultWhenOneLineIsAllItCouldHoldOut) {
  const at::Tensor truth = recon::shepp_logan(128, 48).to(at::kComplexFloat);
  const at::Tensor maps = recon::birdcage_maps(8, 128, 48);
  recon::MaskOptions m;
  m.kind = recon::parse_mask_kind("random");
  m.calibration = 12;
  recon::ReconOptions o;
  o.maps = maps;
  o.automatic_lambda = true;
  m.acceleration = 4;
  const at::Tensor r4 = recon::sampling_mask(128, 48, m);
  EXPECT_EQ(recon::holdout_problem(maps, r4, recon::fft2c(maps * truth) * r4, 0.2, 1).held_lines, 4);
  m.acceleration = 8;
  const at::Tensor mask = recon::sampling_mask(128, 48, m);
  EXPECT_EQ(recon::holdout_problem(maps, mask, recon::fft2c(maps * truth) * mask, 0.2, 1).held_lines, 1);
  for (int64_t slices : {1, 2}) {
    io::KSpace k;
    k.mask = mask.unsqueeze(0).expand({slices, 128, 48}).contiguous();
    k.data = (recon::fft2c(maps * truth).unsqueeze(0) * k.mask.unsqueeze(1)).contiguous();
    const auto r = recon::make_reconstructor("cs", o)->run(k, no_progress());
    ASSERT_EQ(static_cast<int64_t>(r.lambdas.size()), slices);  // one weight per slice, the same
    EXPECT_EQ(r.lambdas[0], recon::kCsDefaults.lambda) << slices << " slices";
  }
}

}  // namespace
}  // namespace ambient::test
