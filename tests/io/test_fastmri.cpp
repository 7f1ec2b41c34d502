// fastMRI HDF5: files written with h5py exactly as fastMRI's are, round trips, bad input.
#include <filesystem>

#include "ambient/core/error.hpp"
#include "ambient/io/fastmri.hpp"
#include "ambient/io/formats.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

// A fastMRI-style multi-coil file: kspace [slice, coil, readout=12, phase=10] complex64
// (value = slice + coil/10 + readout i + phase/100), optional 1D mask over the phase axis
// applied to the data, reconstruction_rss [slice, 6, 5], ismrmrd_header.
const char* kWriteFastmri = R"(
import sys, h5py, numpy as np
path, with_mask = sys.argv[1], sys.argv[2] == 'mask'
s, c, r, p = np.meshgrid(np.arange(2), np.arange(3), np.arange(12), np.arange(10), indexing='ij')
k = (s + c / 10 + 1j * (r + 1) + p / 100).astype(np.complex64)
mask = np.zeros(10, np.float32); mask[[0, 3, 4, 5, 6, 9]] = 1
with h5py.File(path, 'w') as f:
    f.create_dataset('kspace', data=k * mask if with_mask else k)
    f.create_dataset('reconstruction_rss', data=np.arange(60, dtype=np.float32).reshape(2, 6, 5) * np.ones((2, 1, 1), np.float32))
    f['ismrmrd_header'] = b'<?xml version="1.0"?><ismrmrdHeader xmlns="http://www.ismrm.org/ISMRMRD"><experimentalConditions><H1resonanceFrequency_Hz>63500000</H1resonanceFrequency_Hz></experimentalConditions><encoding><encodedSpace><matrixSize><x>12</x><y>10</y><z>1</z></matrixSize><fieldOfView_mm><x>240</x><y>200</y><z>3</z></fieldOfView_mm></encodedSpace><reconSpace><matrixSize><x>6</x><y>5</y><z>1</z></matrixSize><fieldOfView_mm><x>120</x><y>100</y><z>3</z></fieldOfView_mm></reconSpace><encodingLimits><kspace_encoding_step_1><minimum>0</minimum><maximum>9</maximum><center>5</center></kspace_encoding_step_1></encodingLimits><trajectory>cartesian</trajectory></encoding></ismrmrdHeader>'
    if with_mask:
        f.create_dataset('mask', data=mask)
        f.attrs['acceleration'] = 2
        f.attrs['num_low_frequency'] = 4
)";

TEST(Fastmri, ReadsLayoutHeaderAndReference) {
  TempDir dir;
  python(kWriteFastmri, (dir / "f.h5") + " full");
  EXPECT_EQ(io::detect_format(dir / "f.h5"), io::FileFormat::fastmri);
  const io::KSpace k = io::read_fastmri(dir / "f.h5");
  ASSERT_EQ(k.data.sizes(), (at::IntArrayRef{2, 3, 10, 12}));  // phase encode is ky
  // value at slice 1, coil 2, ky (phase) 7, kx (readout) 4
  const auto v = k.data[1][2][7][4].item<c10::complex<float>>();
  EXPECT_FLOAT_EQ(v.real(), 1 + 0.2f + 0.07f);
  EXPECT_FLOAT_EQ(v.imag(), 5);
  EXPECT_DOUBLE_EQ(k.acceleration(), 1.0);
  EXPECT_EQ(k.geometry.recon_matrix[0], 6);
  ASSERT_TRUE(k.reference.defined());
  EXPECT_EQ(k.reference.sizes(), (at::IntArrayRef{2, 5, 6}));  // transposed like the k-space
  EXPECT_FLOAT_EQ(k.reference[0][1][0].item<float>(), 1.0f);  // rss[0, 0, 1]
}

TEST(Fastmri, MaskDatasetAndZeroInferredMaskAgree) {
  TempDir dir;
  python(kWriteFastmri, (dir / "m.h5") + " mask");
  const io::KSpace k = io::read_fastmri(dir / "m.h5");
  EXPECT_NEAR(k.acceleration(), 10.0 / 6.0, 1e-9);
  EXPECT_EQ(k.calibration_lines, (std::vector<int64_t>{3, 4, 5, 6}));
  // The same data without the mask dataset: the zeros tell the same story.
  python("import sys, h5py\nwith h5py.File(sys.argv[1], 'a') as f: del f['mask']\n", dir / "m.h5");
  EXPECT_TRUE(at::equal(io::read_fastmri(dir / "m.h5").mask, k.mask));
}

TEST(Fastmri, H5pyReadsWhatWeWrite) {
  TempDir dir;
  python(kWriteFastmri, (dir / "m.h5") + " mask");
  const io::KSpace k = io::read_fastmri(dir / "m.h5");
  io::write_fastmri(dir / "ours.h5", k, false);
  const std::string out = python(R"(
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], 'r'), h5py.File(sys.argv[2], 'r')
print(np.array_equal(a['kspace'][()], b['kspace'][()]), np.array_equal(a['mask'][()], b['mask'][()]),
      np.array_equal(a['reconstruction_rss'][()], b['reconstruction_rss'][()]),
      int(b.attrs['acceleration']), int(b.attrs['num_low_frequency']), b['kspace'].dtype)
)", (dir / "m.h5") + " " + (dir / "ours.h5"));
  EXPECT_EQ(out, "True True True 2 4 complex64\n");
}

TEST(FastmriBadInput, NotComplexMissingKspaceWrongRank) {
  TempDir dir;
  python("import sys, h5py, numpy as np\n"
         "h5py.File(sys.argv[1], 'w').create_dataset('kspace', data=np.ones((2, 4, 4), np.float32))\n"
         "h5py.File(sys.argv[2], 'w').create_dataset('other', data=np.ones(3))\n"
         "h5py.File(sys.argv[3], 'w').create_dataset('kspace', data=np.ones((2, 2), np.complex64))\n",
         (dir / "real.h5") + " " + (dir / "none.h5") + " " + (dir / "rank.h5"));
  EXPECT_FILE_ERROR(io::read_fastmri(dir / "real.h5"), "not complex");
  EXPECT_FILE_ERROR(io::read_fastmri(dir / "none.h5"), "no 'kspace' dataset");
  EXPECT_FILE_ERROR(io::read_fastmri(dir / "rank.h5"), "has 2 dimensions");
}

TEST(FastmriBadInput, AbsurdDimensionsRefusedBeforeAllocating) {
  TempDir dir;
  // An unwritten chunked dataset: tiny on disk, terabytes if anyone allocated it.
  python("import sys, h5py, numpy as np\n"
         "h5py.File(sys.argv[1], 'w').create_dataset('kspace', shape=(100, 64, 30000, 30000), "
         "dtype=np.complex64, chunks=(1, 1, 64, 64))\n", dir / "huge.h5");
  EXPECT_FILE_ERROR(io::read_fastmri(dir / "huge.h5"), "GiB");
}

TEST(FastmriBadInput, MissingEmptyAndDirectory) {
  expect_rejects_missing_empty_and_directory([](const std::string& p) { io::read_fastmri(p); }, ".h5");
}

TEST(FastmriBadInput, TruncatedAndNan) {
  TempDir dir;
  python(kWriteFastmri, (dir / "f.h5") + " full");
  python("import sys, h5py, numpy as np\n"
         "with h5py.File(sys.argv[1], 'a') as f:\n"
         "    k = f['kspace'][()]; k[0, 0, 0, 0] = np.nan; f['kspace'][...] = k\n",
         dir / "f.h5");
  EXPECT_FILE_ERROR(io::read_fastmri(dir / "f.h5"), "NaN or Inf");
  std::filesystem::resize_file(dir / "f.h5", 3000);
  EXPECT_THROW(io::read_fastmri(dir / "f.h5"), FileError);
}

}  // namespace
}  // namespace ambient::test
