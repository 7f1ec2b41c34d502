// ESPIRiT against `bart ecalib -m1` on real brains, and its failure modes.
#include "ambient/core/error.hpp"
#include "ambient/io/cfl.hpp"
#include "ambient/io/formats.hpp"
#include "ambient/recon/espirit.hpp"
#include "ambient/recon/simulation.hpp"
#include "ambient/recon/fft.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

// Per-pixel |<s_ours, s_bart>| over the pixels where bart's map is non-zero and the
// object is (coil-combined magnitude above 10 % of its maximum).
at::Tensor agreement(const at::Tensor& ours, const at::Tensor& bart_maps, const at::Tensor& kspace) {
  const at::Tensor rss = at::sqrt(at::sum(recon::ifft2c(kspace).abs().pow(2), 0));
  const at::Tensor inside = (rss > 0.1 * rss.max()) & (bart_maps.abs().sum(0) > 0);
  const at::Tensor overlap = at::abs(at::sum(at::conj(ours) * bart_maps, 0));
  return overlap.masked_select(inside);
}

void compare_with_bart(const std::string& kspace_cfl_stem, const io::KSpace& k) {
  TempDir dir;
  const auto r = run(bart() + " ecalib -m1 " + kspace_cfl_stem + " " + (dir / "maps"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const at::Tensor theirs = io::read_cfl(dir / "maps").reshape({k.coils(), k.ny(), k.nx()});  // BART X Y 1 C
  const auto ours = recon::espirit(k.data[0], k.mask[0]);
  const at::Tensor a = agreement(ours.maps, theirs, k.data[0]);
  ASSERT_GT(a.numel(), 1000);
  EXPECT_GE(a.min().item<float>(), 0.95) << "mean " << a.mean().item<float>();
  EXPECT_GT(ours.eigenvalues.max().item<float>(), 0.95);
}

TEST(Espirit, AgreesWithBartOnTheFullySampledBrain) {
  REQUIRE_BART();
  REQUIRE_DATA_RAW(cfl, "autoespirit-brain-8ch/brain_clean.cfl");
  TempDir dir;
  const io::KSpace k = read_kspace_as(cfl, "kx,ky,coil");
  io::write_kspace(dir / "k.cfl", k);  // BART's own layout: X Y 1 C
  compare_with_bart(dir / "k", k);
}

TEST(Espirit, AgreesWithBartOnThePoissonSampledBrain) {
  REQUIRE_BART();
  REQUIRE_DATA_RAW(npy, "sigpy-brain-8ch/cartesian_ksp.npy");
  TempDir dir;
  const io::KSpace k = read_kspace_as(npy, "coil,kx,ky");
  io::write_kspace(dir / "k.cfl", k);
  compare_with_bart(dir / "k", k);
}

TEST(Espirit, RecoversKnownMapsUpToPhase) {
  const at::Tensor truth = recon::birdcage_maps(6, 48, 48);
  at::Tensor image = at::zeros({48, 48}, at::kComplexFloat);
  image.narrow(0, 8, 32).narrow(1, 8, 32).fill_(1);
  const at::Tensor k = recon::fft2c(truth * image);
  const auto r = recon::espirit(k, at::ones({48, 48}, at::kBool));
  const at::Tensor overlap = at::abs(at::sum(at::conj(r.maps) * truth, 0)).narrow(0, 12, 24).narrow(1, 12, 24);
  EXPECT_GT(overlap.min().item<float>(), 0.98);
}

// --absorb-phase: the object's smooth phase moves from the images into the maps; what the
// maps do to an image (S x, each coil's view) is unchanged.
TEST(Espirit, AbsorbedPhaseLeavesNearlyRealImagesAndTheSameCoilImages) {
  const at::Tensor truth = recon::birdcage_maps(6, 48, 48);
  const at::Tensor y = at::arange(48, at::kFloat).unsqueeze(1), x = at::arange(48, at::kFloat).unsqueeze(0);
  at::Tensor object = at::zeros({48, 48}, at::kComplexFloat);
  object.narrow(0, 8, 32).narrow(1, 8, 32).fill_(1);
  object = object * at::polar(at::ones({48, 48}), 2.0 + 0.06 * y - 0.04 * x);  // a smooth phase
  const at::Tensor coil_images = truth * object;
  at::Tensor mask = at::zeros({48, 48}, at::kBool);
  mask.narrow(0, 16, 16).fill_(true);                // 16 ACS lines
  mask.slice(0, 0, 48, 3).fill_(true);               // and every third line
  const at::Tensor kspace = recon::fft2c(coil_images) * mask;
  recon::EspiritOptions keep, absorb;
  absorb.absorb_phase = true;
  const at::Tensor s_keep = recon::espirit(kspace, mask, keep).maps, s_absorb = recon::espirit(kspace, mask, absorb).maps;
  EXPECT_TRUE(at::allclose(s_keep.abs(), s_absorb.abs(), 1e-4, 1e-5));

  const at::Tensor image_keep = (s_keep.conj() * coil_images).sum(0), image_absorb = (s_absorb.conj() * coil_images).sum(0);
  at::Tensor inside = at::zeros({48, 48}, at::kBool);  // the object less its edges, where the low
  inside.narrow(0, 11, 26).narrow(1, 11, 26).fill_(true);  // resolution phase rings

  const at::Tensor phase_keep = at::angle(image_keep.masked_select(inside)),
                   phase_absorb = at::angle(image_absorb.masked_select(inside));
  EXPECT_GT(at::abs(phase_keep).max().item<float>(), 1.0);
  EXPECT_LT(at::abs(phase_absorb).max().item<float>(), 0.1) << "mean " << phase_absorb.mean().item<float>();
  EXPECT_TRUE(at::allclose(s_absorb * image_absorb, s_keep * image_keep, 1e-4, 1e-5));
  // Maps from elsewhere (--maps) get the same rotation.
  EXPECT_TRUE(at::allclose(recon::absorb_image_phase(kspace, mask, s_keep, absorb.calibration), s_absorb, 1e-4, 1e-5));
}

TEST(EspiritBadInput, TooSmallCalibrationOrNoData) {
  at::Tensor mask = at::zeros({32, 32}, at::kBool);
  mask.narrow(0, 14, 4).fill_(true);  // only 4 ACS lines
  EXPECT_THROW(recon::espirit(at::randn({4, 32, 32}, at::kComplexFloat), mask), Error);
  EXPECT_THROW(recon::espirit(at::zeros({4, 32, 32}, at::kComplexFloat), at::ones({32, 32}, at::kBool)), Error);
  EXPECT_THROW(recon::espirit(at::randn({4, 8, 8}, at::kComplexFloat), at::ones({8, 8}, at::kBool)), Error);
}

}  // namespace
}  // namespace ambient::test
