// `ambient convert` against the bart command and numpy, both directions.
#include <nlohmann/json.hpp>

#include <filesystem>

#include "ambient/io/formats.hpp"
#include "ambient/io/npy.hpp"
#include "ambient/recon/classical.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

TEST(CliConvert, BartReadsOurCflOfTheRealBrain) {
  REQUIRE_BART();
  REQUIRE_DATA_RAW(npy, "sigpy-brain-8ch/cartesian_ksp.npy");
  TempDir dir;
  const auto r = ambient("convert --axes coil,kx,ky " + npy + " " + (dir / "brain.cfl"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(run(bart() + " show -m " + (dir / "brain")).output.find("230\t180\t1\t8\t1"), std::string::npos);
  // Values as bart prints them equal the source array (coil, kx, ky) in BART's order.
  const at::Tensor source = io::read_npy(npy).permute({0, 2, 1}).flatten();
  EXPECT_TRUE(at::allclose(bart_show_values(dir / "brain"), source, 1e-6, 1e-6));
}

TEST(CliConvert, RemoveOversamplingCropsTheReadoutAsTheToolsReconDoes) {
  // ISMRMRD's generator oversamples the readout twice (128 for a 64 recon matrix); its own
  // reconstruction crops the image to 64. Ours crops k-space on reading (recon's 1D FFT).
  TempDir dir;
  const std::string raw = dir / "sl.h5";
  ASSERT_EQ(run(std::string(AMBIENT_SHEPP_LOGAN) + " -o " + raw + " -m 64 -c 4 -n 0").exit_code, 0);
  const auto info = ambient("--json info --remove-oversampling " + raw);
  ASSERT_EQ(info.exit_code, 0) << info.output;
  const auto geometry = nlohmann::json::parse(info.output.substr(info.output.find('{')))["geometry"];
  EXPECT_EQ(geometry["encoded_matrix"][0], 64) << info.output;
  EXPECT_EQ(geometry["encoded_fov_mm"][0], geometry["recon_fov_mm"][0]) << info.output;
  ASSERT_EQ(ambient("convert --remove-oversampling " + raw + " " + (dir / "cropped.npy")).exit_code, 0);
  const io::KSpace cropped = io::read_kspace(dir / "cropped.npy");
  EXPECT_EQ(cropped.nx(), 64);
  const at::Tensor full = recon::zero_filled_rss(io::read_kspace(raw))[0].narrow(1, 32, 64);
  // The cropped k-space's image is the full image's centre (orthonormal FFTs keep the scale).
  EXPECT_LT(nrmse(recon::zero_filled_rss(cropped)[0], full), 1e-5);
}

TEST(CliConvert, WeReadBartsPhantomExactly) {
  REQUIRE_BART();
  TempDir dir;
  ASSERT_EQ(run(bart() + " phantom -x 24 -s 4 -k " + (dir / "ph")).exit_code, 0);
  ASSERT_EQ(ambient("convert " + (dir / "ph.cfl") + " " + (dir / "ph.npy")).exit_code, 0);
  ASSERT_EQ(ambient("convert " + (dir / "ph.npy") + " " + (dir / "ph.h5")).exit_code, 0);
  ASSERT_EQ(ambient("convert " + (dir / "ph.h5") + " " + (dir / "back.cfl")).exit_code, 0);
  // Through npy and ISMRMRD and back, bart sees the same bytes it wrote.
  const auto diff = run(bart() + " nrmse " + (dir / "ph") + " " + (dir / "back"));
  ASSERT_EQ(diff.exit_code, 0) << diff.output;
  EXPECT_LT(std::stod(diff.output), 1e-7) << diff.output;
  EXPECT_EQ(io::read_npy(dir / "ph.npy").sizes(), (at::IntArrayRef{1, 4, 24, 24}));
}

TEST(CliConvert, ImagesBetweenNiftiCflAndPng) {
  TempDir dir;
  python("import sys, nibabel as nib, numpy as np\n"
         "nib.save(nib.Nifti1Image(np.random.rand(10, 12, 3).astype(np.float32), np.eye(4)), sys.argv[1])\n",
         dir / "v.nii");
  ASSERT_EQ(ambient("convert " + (dir / "v.nii") + " " + (dir / "v.cfl")).exit_code, 0);
  ASSERT_EQ(ambient("convert " + (dir / "v.cfl") + " " + (dir / "v.png") + " --as image").exit_code, 0);
  ASSERT_EQ(ambient("convert " + (dir / "v.cfl") + " " + (dir / "w.nii") + " --as image").exit_code, 0);
  const at::Tensor back = io::read_image(dir / "w.nii").data;  // cfl is complex, so is w.nii
  EXPECT_TRUE(at::equal(at::real(back), io::read_image(dir / "v.nii").data));
  EXPECT_TRUE(at::equal(at::imag(back), at::zeros_like(at::imag(back))));
}

TEST(CliConvert, AttachesAReferenceImageToKSpaceAndRefusesOneThatDoesNotFit) {
  TempDir dir;
  const at::Tensor kspace = at::randn({1, 2, 8, 6}, at::kComplexFloat);
  const at::Tensor clean = at::rand({1, 8, 6});
  io::write_npy(dir / "k.npy", kspace, false);
  io::write_npy(dir / "clean.npy", clean, false);
  io::write_npy(dir / "wrong.npy", at::rand({1, 6, 8}), false);
  const auto r = ambient("convert " + (dir / "k.npy") + " " + (dir / "k.h5") + " --reference " + (dir / "clean.npy"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const io::KSpace k = io::read_kspace(dir / "k.h5");
  ASSERT_TRUE(k.reference.defined());
  EXPECT_TRUE(at::allclose(k.reference, clean));
  EXPECT_TRUE(at::allclose(k.data, kspace));

  const auto wrong = ambient("convert " + (dir / "k.npy") + " " + (dir / "w.h5") + " --reference " + (dir / "wrong.npy"));
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.output.find("wrong.npy: is not a reference for this scan: its images are 1 x 6 x 8"), std::string::npos)
      << wrong.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "w.h5"));
  const auto cfl = ambient("convert " + (dir / "k.npy") + " " + (dir / "k.cfl") + " --reference " + (dir / "clean.npy"));
  EXPECT_NE(cfl.exit_code, 0);
  EXPECT_NE(cfl.output.find("cannot hold a reference image"), std::string::npos) << cfl.output;
}

}  // namespace
}  // namespace ambient::test
