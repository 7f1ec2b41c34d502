// NIfTI volumes checked against nibabel, PNGs against Pillow; bad input.
#include <filesystem>

#include "ambient/core/error.hpp"
#include "ambient/io/nifti.hpp"
#include "ambient/io/png.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

TEST(Nifti, ReadsNibabelVolumesWithScaling) {
  TempDir dir;
  python(R"(
import sys, nibabel as nib, numpy as np
v = np.arange(4 * 3 * 2, dtype=np.int16).reshape(4, 3, 2)   # x, y, z
img = nib.Nifti1Image(v, np.diag([0.5, 0.7, 2.0, 1]))
img.header.set_slope_inter(2.0, 1.0)
nib.save(img, sys.argv[1])
)", dir / "v.nii.gz");
  const io::ImageVolume im = io::read_nifti(dir / "v.nii.gz");
  ASSERT_EQ(im.data.sizes(), (at::IntArrayRef{2, 3, 4}));  // [z, y, x]
  // voxel (x=3, y=1, z=0) holds 3*6 + 1*2 + 0 = 20, scaled 2*20+1
  EXPECT_FLOAT_EQ(im.data[0][1][3].item<float>(), 41.0f);
  EXPECT_FLOAT_EQ(im.voxel_mm[0], 0.5f);
  EXPECT_FLOAT_EQ(im.voxel_mm[2], 2.0f);
}

TEST(Nifti, NibabelReadsWhatWeWrite) {
  TempDir dir;
  io::ImageVolume im;
  im.data = at::complex(at::arange(24, at::kFloat), -at::arange(24, at::kFloat)).view({2, 3, 4});
  im.voxel_mm = {1.5f, 1.5f, 4.0f};
  io::write_nifti(dir / "c.nii", im, false);
  const std::string out = python(R"(
import sys, nibabel as nib, numpy as np
img = nib.load(sys.argv[1]); d = np.asarray(img.dataobj)
print(d.shape, d.dtype, d[3, 1, 0], img.header.get_zooms())
)", dir / "c.nii");
  EXPECT_EQ(out, "(4, 3, 2) complex64 (7-7j) (1.5, 1.5, 4.0)\n");
  EXPECT_TRUE(at::equal(io::read_nifti(dir / "c.nii").data, im.data));
}

TEST(Nifti, ColinVolumeFromMricronData) {
  const std::string colin = "/usr/share/mricron/templates/ch2better.nii.gz";
  if (!std::filesystem::exists(colin)) GTEST_SKIP() << "mricron-data not installed";
  const io::ImageVolume im = io::read_nifti(colin);
  EXPECT_EQ(im.data.sizes(), (at::IntArrayRef{316, 370, 301}));  // 0.5 mm isotropic
  EXPECT_FLOAT_EQ(im.voxel_mm[0], 0.5f);
  EXPECT_GT(im.data.max().item<float>(), 0);
}

TEST(NiftiBadInput, TruncatedFourDimensionalEmptyDirectory) {
  TempDir dir;
  python(R"(
import sys, nibabel as nib, numpy as np
nib.save(nib.Nifti1Image(np.ones((8, 8, 8), np.float32), np.eye(4)), sys.argv[1])
nib.save(nib.Nifti1Image(np.ones((4, 4, 4, 3), np.float32), np.eye(4)), sys.argv[2])
)", (dir / "ok.nii") + " " + (dir / "time.nii"));
  EXPECT_FILE_ERROR(io::read_nifti(dir / "time.nii"), "3 volumes along dimension 4");
  std::filesystem::resize_file(dir / "ok.nii", 1000);
  EXPECT_FILE_ERROR(io::read_nifti(dir / "ok.nii"), "truncated");
  std::filesystem::resize_file(dir / "ok.nii", 100);
  EXPECT_FILE_ERROR(io::read_nifti(dir / "ok.nii"), "not a readable NIfTI");
  expect_rejects_missing_empty_and_directory([](const std::string& p) { io::read_nifti(p); }, ".nii");
}

TEST(NiftiBadInput, AbsurdDimensionsAndUnsupportedType) {
  TempDir dir;
  python(R"(
import sys, struct, nibabel as nib, numpy as np
nib.save(nib.Nifti1Image(np.zeros((2, 2, 2), np.float32), np.eye(4)), sys.argv[1])
with open(sys.argv[1], 'r+b') as f:   # claim 32767^3 voxels in the header's dim[1..3]
    f.seek(42); f.write(struct.pack('<3h', 32767, 32767, 32767))
rgb = np.zeros((4, 4, 1), dtype=[('R', 'u1'), ('G', 'u1'), ('B', 'u1')])
nib.save(nib.Nifti1Image(rgb, np.eye(4)), sys.argv[2])
)", (dir / "huge.nii") + " " + (dir / "rgb.nii"));
  EXPECT_FILE_ERROR(io::read_nifti(dir / "huge.nii"), "GiB");
  EXPECT_FILE_ERROR(io::read_nifti(dir / "rgb.nii"), "is not supported");
}

TEST(Png, EightAndSixteenBitWithWindow) {
  TempDir dir;
  io::ImageVolume im;
  im.data = at::linspace(0, 2, 8).view({1, 2, 4});  // 0 .. 2
  io::PngOptions o;
  o.window_low = 0;
  o.window_high = 1;  // values above 1 saturate
  io::write_png(dir / "a.png", im, o, false);
  o.bits = 16;
  io::write_png(dir / "b.png", im, o, false);
  const std::string out = python(R"(
import sys, numpy as np
from PIL import Image
a, b = np.asarray(Image.open(sys.argv[1])), np.asarray(Image.open(sys.argv[2]))
print(a.shape, a.dtype, a.ravel().tolist(), int(b.max()), int(b.ravel()[2]))
)", (dir / "a.png") + " " + (dir / "b.png"));
  // 8 levels 0..2: 0, 2/7, 4/7, 6/7, then saturated
  EXPECT_EQ(out, "(2, 4) uint8 [0, 73, 146, 219, 255, 255, 255, 255] 65535 37449\n");
}

TEST(Png, SlicesBecomeAMontageAndNothingIsOverwritten) {
  TempDir dir;
  io::ImageVolume im;
  im.data = at::rand({5, 8, 6});
  io::write_png(dir / "m.png", im, {}, false);
  const std::string out = python("import sys\nfrom PIL import Image\nprint(Image.open(sys.argv[1]).size)\n",
                                 dir / "m.png");
  EXPECT_EQ(out, "(18, 16)\n");  // 3 columns x 2 rows of 6x8 tiles
  EXPECT_FILE_ERROR(io::write_png(dir / "m.png", im, {}, false), "already exists");
}

}  // namespace
}  // namespace ambient::test
