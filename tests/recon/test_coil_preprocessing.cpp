// Prewhitening on correlated noise; coil compression against `bart cc -S`.
#include "ambient/core/error.hpp"
#include "ambient/io/cfl.hpp"
#include "ambient/io/formats.hpp"
#include "ambient/recon/coil_preprocessing.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

TEST(Prewhitening, MakesCorrelatedNoiseWhiteAndLeavesWhiteNoiseAlone) {
  const at::Tensor mix = at::eye(4, at::kComplexFloat) + 0.4 * at::randn({4, 4}, at::kComplexFloat);
  const at::Tensor noise = at::matmul(mix, at::randn({4, 20000}, at::kComplexFloat));
  const at::Tensor w = recon::whitening_matrix(noise);
  const at::Tensor white = at::matmul(w, noise);
  const at::Tensor cov = at::matmul(white, white.conj().t()) / 20000;
  const double power = at::real(at::diagonal(cov)).mean().item<double>();
  EXPECT_LT(nrmse(cov / power, at::eye(4, at::kComplexFloat)), 1e-5);
  const at::Tensor plain = at::randn({3, 50000}, at::kComplexFloat);
  EXPECT_LT(nrmse(recon::whitening_matrix(plain), at::eye(3, at::kComplexFloat)), 0.02);
  EXPECT_THROW(recon::whitening_matrix(at::randn({8, 10}, at::kComplexFloat)), Error);
  at::Tensor dead = at::randn({3, 1000}, at::kComplexFloat);
  dead[2].zero_();
  EXPECT_THROW(recon::whitening_matrix(dead), Error);
}

TEST(CoilCompression, MatchesBartCc) {
  REQUIRE_BART();
  REQUIRE_DATA_RAW(npy, "sigpy-brain-8ch/cartesian_ksp.npy");
  TempDir dir;
  const io::KSpace k = read_kspace_as(npy, "coil,kx,ky");
  io::write_kspace(dir / "k.cfl", k);
  const auto r = run(bart() + " cc -p 4 -S " + (dir / "k") + " " + (dir / "cc"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const at::Tensor theirs = io::read_kspace(dir / "cc.cfl").data[0];  // [4, ky, kx]
  const at::Tensor ours = recon::apply_coil_matrix(recon::compression_matrix(k.data, k.mask, 4), k.data)[0];
  ASSERT_EQ(ours.sizes(), theirs.sizes());
  // Virtual coils are unique up to a phase each: compare normalised overlaps.
  for (int64_t c = 0; c < 4; ++c) {
    const double overlap = at::abs(at::sum(at::conj(ours[c]) * theirs[c])).item<double>() /
                           (at::linalg_vector_norm(ours[c]) * at::linalg_vector_norm(theirs[c])).item<double>();
    EXPECT_GT(overlap, 0.999) << "virtual coil " << c;
  }
  // Four virtual coils keep most of the energy of eight.
  EXPECT_GT(ours.abs().pow(2).sum().item<double>() / k.data.abs().pow(2).sum().item<double>(), 0.9);
}

}  // namespace
}  // namespace ambient::test
