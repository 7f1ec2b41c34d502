// Coil model, random phase and phantom properties that the simulator relies on.
#include <ATen/CPUGeneratorImpl.h>

#include "ambient/recon/coil_combine.hpp"
#include "ambient/recon/simulation.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

TEST(Birdcage, NormalisedAndDistinct) {
  const at::Tensor s = recon::birdcage_maps(8, 32, 40);
  ASSERT_EQ(s.sizes(), (at::IntArrayRef{8, 32, 40}));
  const at::Tensor energy = at::sum(s.abs().pow(2), 0);
  EXPECT_TRUE(at::allclose(energy, at::ones_like(energy), 1e-5, 1e-5));
  // Coils see different parts of the object: coil 0 sits at +x, coil 4 at -x.
  EXPECT_GT(s[0].select(1, 39).abs().mean().item<double>(), s[4].select(1, 39).abs().mean().item<double>());
}

TEST(Birdcage, CombinationRecoversTheObject) {
  const at::Tensor x = at::randn({16, 16}, at::kComplexFloat);
  const at::Tensor s = recon::birdcage_maps(4, 16, 16);
  EXPECT_LT(nrmse(recon::combine_with_maps(s * x, s), x), 1e-5);
  EXPECT_LT(nrmse(recon::rss(s * x), x.abs()), 1e-5);
}

TEST(RandomCoils, NormalisedSeededAndVaried) {
  auto gen = [](uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); };
  const at::Tensor s = recon::random_coil_maps(12, 32, 40, gen(3));
  ASSERT_EQ(s.sizes(), (at::IntArrayRef{12, 32, 40}));
  const at::Tensor energy = at::sum(s.abs().pow(2), 0);
  EXPECT_TRUE(at::allclose(energy, at::ones_like(energy), 1e-5, 1e-5));
  EXPECT_TRUE(at::equal(s, recon::random_coil_maps(12, 32, 40, gen(3))));
  // Another draw is another geometry: the coils' magnitudes differ, not only their phases.
  const at::Tensor other = recon::random_coil_maps(12, 32, 40, gen(4));
  EXPECT_GT((s.abs() - other.abs()).abs().mean().item<double>(), 0.02);
  // Each coil sees one side of the object more than the other: a localised sensitivity.
  const at::Tensor m = s.abs();
  const at::Tensor left = m.narrow(2, 0, 8).mean({1, 2}), right = m.narrow(2, 32, 8).mean({1, 2});
  EXPECT_GT((left / right).max().item<double>(), 2.0);
}

TEST(SmoothPhase, UnitModulusBoundedAndSeeded) {
  auto gen = [](uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); };
  const at::Tensor p = recon::smooth_random_phase(32, 32, 1.0, gen(7));
  EXPECT_TRUE(at::allclose(p.abs(), at::ones({32, 32}), 1e-5, 1e-5));
  EXPECT_LE(at::angle(p).abs().max().item<double>(), 1.0 + 1e-5);
  EXPECT_TRUE(at::equal(p, recon::smooth_random_phase(32, 32, 1.0, gen(7))));
  EXPECT_FALSE(at::equal(p, recon::smooth_random_phase(32, 32, 1.0, gen(8))));
  // Smooth: neighbouring pixels differ by a small angle.
  EXPECT_LT(at::angle(p.narrow(1, 1, 31) * p.narrow(1, 0, 31).conj()).abs().max().item<double>(), 0.2);
}

TEST(SheppLogan, KnownIntensities) {
  const at::Tensor im = recon::shepp_logan(128, 128);
  EXPECT_FLOAT_EQ(im[0][0].item<float>(), 0.0f);        // outside the skull
  EXPECT_NEAR(im[64][64].item<float>(), 0.2f, 1e-5);    // brain matter
  EXPECT_NEAR(im[64][2].item<float>(), 0.0f, 1e-5);
  EXPECT_NEAR(im.max().item<float>(), 1.0f, 1e-5);      // the skull
}

}  // namespace
}  // namespace ambient::test
