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

TEST(EspiritBadInput, TooSmallCalibrationOrNoData) {
  at::Tensor mask = at::zeros({32, 32}, at::kBool);
  mask.narrow(0, 14, 4).fill_(true);  // only 4 ACS lines
  EXPECT_THROW(recon::espirit(at::randn({4, 32, 32}, at::kComplexFloat), mask), Error);
  EXPECT_THROW(recon::espirit(at::zeros({4, 32, 32}, at::kComplexFloat), at::ones({32, 32}, at::kBool)), Error);
  EXPECT_THROW(recon::espirit(at::randn({4, 8, 8}, at::kComplexFloat), at::ones({8, 8}, at::kBool)), Error);
}

}  // namespace
}  // namespace ambient::test
