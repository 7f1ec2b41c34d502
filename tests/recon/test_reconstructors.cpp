// CG-SENSE and L1-wavelet CS on problems with known answers, and their failure modes.
#include "ambient/core/error.hpp"
#include "ambient/recon/fft.hpp"
#include "ambient/recon/masks.hpp"
#include "ambient/recon/metrics.hpp"
#include "ambient/recon/reconstructor.hpp"
#include "ambient/recon/simulation.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

// The Shepp-Logan phantom seen by 8 birdcage coils, undersampled with random lines.
io::KSpace phantom_scan(double acceleration, at::Tensor* truth, at::Tensor* maps) {
  *truth = recon::shepp_logan(96, 96).to(at::kComplexFloat);
  *maps = recon::birdcage_maps(8, 96, 96);
  recon::MaskOptions m;
  m.acceleration = acceleration;
  m.calibration = 16;
  io::KSpace k;
  k.data = recon::fft2c(*maps * *truth).unsqueeze(0);
  k.mask = recon::sampling_mask(96, 96, m).unsqueeze(0);
  k.data = k.data * k.mask.unsqueeze(1);
  return k;
}

double psnr_of(const std::string& method, const io::KSpace& k, const at::Tensor& truth, recon::ReconOptions o) {
  const auto r = recon::make_reconstructor(method, o)->run(k, no_progress());
  return recon::compare_images(truth.abs().unsqueeze(0), r.image.abs()).psnr;
}

TEST(Reconstructors, CsBeatsSenseBeatsZeroFilledOnThePhantom) {
  at::Tensor truth, maps;
  const io::KSpace k = phantom_scan(4, &truth, &maps);
  recon::ReconOptions known;
  known.maps = maps;
  const double zf = psnr_of("zf", k, truth, known);
  const double sense = psnr_of("sense", k, truth, known);
  const double cs = psnr_of("cs", k, truth, known);
  EXPECT_GT(sense, zf + 1) << "zf " << zf << " sense " << sense;
  EXPECT_GT(cs, sense + 3) << "sense " << sense << " cs " << cs;
  // ESPIRiT maps from the 16 ACS lines do nearly as well as the true maps.
  EXPECT_GT(psnr_of("sense", k, truth, {}), sense - 2);
}

TEST(Reconstructors, FullySampledSenseIsExact) {
  at::Tensor truth, maps;
  io::KSpace k = phantom_scan(1, &truth, &maps);
  recon::ReconOptions o;
  o.maps = maps;
  o.lambda = 0;
  const auto r = recon::make_reconstructor("sense", o)->run(k, no_progress());
  EXPECT_LT(nrmse(r.image[0], truth), 1e-4);
  o.combine_with_maps = true;
  EXPECT_LT(nrmse(recon::make_reconstructor("zf", o)->run(k, no_progress()).image[0], truth), 1e-5);
}

TEST(Reconstructors, CsIsSeededAndScaleInvariant) {
  at::Tensor truth, maps;
  io::KSpace k = phantom_scan(4, &truth, &maps);
  recon::ReconOptions o;
  o.maps = maps;
  o.iterations = 10;
  const auto cs = recon::make_reconstructor("cs", o);
  const at::Tensor a = cs->run(k, no_progress()).image;
  EXPECT_TRUE(at::equal(a, cs->run(k, no_progress()).image));
  io::KSpace louder = k;
  louder.data = k.data * 1000;
  EXPECT_LT(nrmse(cs->run(louder, no_progress()).image / 1000, a), 1e-4);  // lambda follows the data
}

TEST(ReconstructorsBadInput, MismatchedMapsAndEmptyCalibration) {
  at::Tensor truth, maps;
  io::KSpace k = phantom_scan(4, &truth, &maps);
  recon::ReconOptions o;
  o.maps = maps.narrow(0, 0, 4);  // 4 maps for 8 coils
  EXPECT_THROW(recon::make_reconstructor("sense", o)->run(k, no_progress()), Error);
  io::KSpace nothing = k;
  nothing.data = at::zeros_like(k.data);
  EXPECT_THROW(recon::make_reconstructor("cs", {})->run(nothing, no_progress()), Error);
  EXPECT_THROW(recon::make_reconstructor("magic", {}), Error);
}

}  // namespace
}  // namespace ambient::test
