// `ambient simulate`: the physics must be exactly undone by the known coil maps.
#include "ambient/io/formats.hpp"
#include "ambient/jobs/coil_maps_file.hpp"
#include "ambient/recon/coil_combine.hpp"
#include "ambient/recon/fft.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

TEST(CliSimulate, CoilCombinationGivesBackTheComplexInput) {
  TempDir dir;
  io::ImageVolume input;
  input.data = at::randn({2, 40, 48}, at::kComplexFloat);
  io::write_image(dir / "x.cfl", input);
  const auto r = ambient("simulate " + (dir / "x.cfl") + " --coils 6 -o " + (dir / "k.h5") +
                         " --write-maps " + (dir / "maps.cfl"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const io::KSpace k = io::read_kspace(dir / "k.h5");
  ASSERT_EQ(k.data.sizes(), (at::IntArrayRef{2, 6, 40, 48}));
  const at::Tensor maps = jobs::read_coil_maps(dir / "maps.cfl");
  const at::Tensor combined = recon::combine_with_maps(recon::ifft2c(k.data), maps);
  const at::Tensor expected = input.data / input.data.abs().max();  // scaled to max 1
  EXPECT_LT(nrmse(combined, expected), 1e-5);
  EXPECT_LT(nrmse(k.reference, expected.abs()), 1e-5);
}

TEST(CliSimulate, MagnitudeInputGetsSmoothPhaseAndInfoDescribesIt) {
  TempDir dir;
  ASSERT_EQ(ambient("simulate --phantom-size 64 --coils 4 --seed 5 -o " + (dir / "a.h5") +
                    " --write-maps " + (dir / "maps.cfl")).exit_code, 0);
  const io::KSpace k = io::read_kspace(dir / "a.h5");
  const at::Tensor combined = recon::combine_with_maps(recon::ifft2c(k.data), jobs::read_coil_maps(dir / "maps.cfl"));
  EXPECT_LT(nrmse(combined.abs(), k.reference), 1e-5);  // input magnitude times a unit phase
  EXPECT_GT(at::angle(combined).abs().max().item<double>(), 0.5);
  const auto info = ambient("info " + (dir / "a.h5"));
  EXPECT_NE(info.output.find("coils: 4"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("acceleration: 1.0"), std::string::npos) << info.output;
}

TEST(CliSimulate, RandomCoilsDifferPerSliceAndStillCombineToTheImage) {
  TempDir dir;
  ASSERT_EQ(ambient("simulate --phantom-size 48 --coils 6 --random-coils --seed 3 -o " + (dir / "r.h5")).exit_code, 0);
  const io::KSpace k = io::read_kspace(dir / "r.h5");
  // The root sum of squares over coils is the object whatever the array (sum |S|^2 = 1).
  EXPECT_LT(nrmse(recon::rss(recon::ifft2c(k.data)), k.reference), 1e-4);
  const auto bad = ambient("simulate --phantom-size 48 --random-coils --write-maps " + (dir / "m.cfl") + " -o " +
                           (dir / "x.h5"));
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("random coil arrays"), std::string::npos) << bad.output;
}

TEST(CliSimulate, SlicesChooseWhatReconAndConvertRead) {
  TempDir dir;
  python("import sys, numpy as np\n"
         "np.save(sys.argv[1], np.random.rand(6, 32, 32).astype(np.float32))\n", dir / "v.npy");
  ASSERT_EQ(ambient("simulate " + (dir / "v.npy") + " --coils 2 -o " + (dir / "k.h5")).exit_code, 0);
  ASSERT_EQ(ambient("convert " + (dir / "k.h5") + " " + (dir / "sub.h5") + " --slices 1:6:2").exit_code, 0);
  const io::KSpace all = io::read_kspace(dir / "k.h5"), sub = io::read_kspace(dir / "sub.h5");
  ASSERT_EQ(sub.slices(), 3);
  EXPECT_TRUE(at::equal(sub.data[1], all.data[3]));
  EXPECT_TRUE(at::equal(sub.reference[2], all.reference[5]));
  ASSERT_EQ(ambient("recon --method zf " + (dir / "k.h5") + " --slices 4: -o " + (dir / "z.npy")).exit_code, 0);
  EXPECT_EQ(io::read_image(dir / "z.npy").slices(), 2);
  for (const std::string range : {"3", "a:b", "4:2", "0:5:0"}) {
    const auto r = ambient("recon --method zf " + (dir / "k.h5") + " --slices " + range + " -o " + (dir / "b.npy"));
    EXPECT_NE(r.exit_code, 0) << range;
    EXPECT_NE(r.output.find("slice range"), std::string::npos) << range << ": " << r.output;
  }
  const auto past = ambient("convert " + (dir / "k.h5") + " " + (dir / "p.h5") + " --slices 9:");
  EXPECT_NE(past.exit_code, 0);
  EXPECT_NE(past.output.find("k.h5"), std::string::npos) << past.output;
  EXPECT_NE(past.output.find("only 6 slices"), std::string::npos) << past.output;
}

TEST(CliSimulate, SeededAndNoisy) {
  TempDir dir;
  const std::string common = "simulate --phantom-size 32 --coils 2 --noise 0.1 ";
  ASSERT_EQ(ambient(common + "--seed 1 -o " + (dir / "a.npy")).exit_code, 0);
  ASSERT_EQ(ambient(common + "--seed 1 -o " + (dir / "b.npy")).exit_code, 0);
  ASSERT_EQ(ambient(common + "--seed 2 -o " + (dir / "c.npy")).exit_code, 0);
  const at::Tensor a = io::read_kspace(dir / "a.npy").data, b = io::read_kspace(dir / "b.npy").data;
  EXPECT_TRUE(at::equal(a, b));
  EXPECT_FALSE(at::equal(a, io::read_kspace(dir / "c.npy").data));
  ASSERT_EQ(ambient(common + "--seed 1 --noise-samples 20000 -o " + (dir / "n.h5")).exit_code, 0);
  const io::KSpace k = io::read_kspace(dir / "n.h5");
  ASSERT_TRUE(k.noise.defined());
  EXPECT_NEAR(k.noise.abs().pow(2).mean().sqrt().item<double>(), 0.1, 0.003);  // complex std
}

TEST(CliSimulate, VolumeOrientationsAndResampling) {
  TempDir dir;
  python("import sys, nibabel as nib, numpy as np\n"
         "nib.save(nib.Nifti1Image(np.random.rand(30, 20, 10).astype(np.float32), np.eye(4)), sys.argv[1])\n",
         dir / "v.nii");
  for (const auto& [orientation, slices] : {std::pair<std::string, int64_t>{"axial", 10}, {"coronal", 20}, {"sagittal", 30}}) {
    const std::string out = dir / (orientation + ".h5");
    ASSERT_EQ(ambient("simulate " + (dir / "v.nii") + " --orientation " + orientation +
                      " --matrix 16 --coils 2 -o " + out).exit_code, 0);
    EXPECT_EQ(io::read_kspace(out).data.sizes(), (at::IntArrayRef{slices, 2, 16, 16})) << orientation;
  }
  ASSERT_EQ(ambient("simulate " + (dir / "v.nii") + " --slices 2:8:3 --coils 2 -o " + (dir / "s.h5")).exit_code, 0);
  EXPECT_EQ(io::read_kspace(dir / "s.h5").slices(), 2);
}

}  // namespace
}  // namespace ambient::test
