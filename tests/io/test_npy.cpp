// NumPy .npy: files written by numpy itself, in every supported dtype and order; bad input.
#include <filesystem>

#include "ambient/core/error.hpp"
#include "ambient/io/formats.hpp"
#include "ambient/io/npy.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

// numpy writes a 2x3x4 ramp (value = index + index/10 i) in the given dtype and order.
const char* kWriteRamp = R"(
import sys, numpy as np
dtype, order, path = sys.argv[1], sys.argv[2], sys.argv[3]
a = np.arange(24).reshape(2, 3, 4).astype(np.float64)
if dtype.startswith('complex'): a = a + 1j * a / 10
np.save(path, np.asarray(a.astype(dtype), order=order))
)";

at::Tensor ramp(bool complex) {
  const at::Tensor r = at::arange(24, at::kFloat).view({2, 3, 4});
  return complex ? at::complex(r, r / 10) : r;
}

class NpyFromNumpy : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(NpyFromNumpy, ReadsExactly) {
  const auto [dtype, order] = GetParam();
  TempDir dir;
  python(kWriteRamp, dtype + " " + order + " " + (dir / "a.npy"));
  const at::Tensor a = io::read_npy(dir / "a.npy");
  const bool complex = dtype.rfind("complex", 0) == 0;
  EXPECT_EQ(a.scalar_type(), complex ? at::kComplexFloat : at::kFloat);
  EXPECT_TRUE(at::allclose(a, ramp(complex))) << dtype << " " << order;
}

INSTANTIATE_TEST_SUITE_P(DtypesAndOrders, NpyFromNumpy,
                         ::testing::Combine(::testing::Values("complex64", "complex128", "float32",
                                                              "float64"),
                                            ::testing::Values("C", "F")));

TEST(Npy, NumpyReadsWhatWeWrite) {
  TempDir dir;
  io::write_npy(dir / "ours.npy", ramp(true), false);
  const std::string out = python(
      "import sys, numpy as np\n"
      "a = np.load(sys.argv[1])\n"
      "r = np.arange(24).reshape(2,3,4)\n"
      "print(a.dtype, a.shape, np.allclose(a, r + 1j*r/10))\n",
      dir / "ours.npy");
  EXPECT_EQ(out, "complex64 (2, 3, 4) True\n");
}

TEST(Npy, RealBrainFromSigpy) {
  REQUIRE_DATA_RAW(path, "sigpy-brain-8ch/cartesian_ksp.npy");
  EXPECT_EQ(io::read_npy_shape(path), (std::vector<int64_t>{8, 230, 180}));
  const io::KSpace k = read_kspace_as(path, "coil,kx,ky");
  EXPECT_EQ(k.data.sizes(), (at::IntArrayRef{1, 8, 180, 230}));
  // SOURCE.md: 12.4 % of the grid measured, a 24x24 fully sampled centre.
  EXPECT_NEAR(1.0 / k.acceleration(), 0.124, 0.001);
}

class NpyBadInput : public ::testing::Test {
 protected:
  TempDir dir;
  std::string make(const std::string& numpy_expr) {
    const std::string path = dir / "bad.npy";
    python("import sys, numpy as np\nnp.save(sys.argv[1], " + numpy_expr + ")\n", path);
    return path;
  }
};

TEST_F(NpyBadInput, WrongDtype) {
  EXPECT_FILE_ERROR(io::read_npy(make("np.zeros(4, np.int32)")), "dtype '<i4' is not supported");
  EXPECT_FILE_ERROR(io::read_npy(make("np.zeros(4, '>f4')")), "dtype '>f4'");
}

TEST_F(NpyBadInput, Truncated) {
  const std::string path = make("np.zeros((64, 64), np.complex64)");
  std::filesystem::resize_file(path, 1000);
  EXPECT_FILE_ERROR(io::read_npy(path), "truncated");
  std::filesystem::resize_file(path, 9);
  EXPECT_FILE_ERROR(io::read_npy(path), "truncated");
}

TEST_F(NpyBadInput, AbsurdShapeRefusedBeforeAllocating) {
  const std::string header = "{'descr': '<c8', 'fortran_order': False, 'shape': (99999999, 99999999), }\n";
  write_text(dir / "huge.npy", std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size()) +
                                   std::string(1, '\0') + header);
  EXPECT_FILE_ERROR(io::read_npy(dir / "huge.npy"), "GiB");
}

TEST_F(NpyBadInput, NotNumpyEmptyOrDirectory) {
  write_text(dir / "text.npy", "hello world, not numpy");
  EXPECT_FILE_ERROR(io::read_npy(dir / "text.npy"), "bad magic");
  expect_rejects_missing_empty_and_directory([](const std::string& p) { io::read_npy(p); }, ".npy");
}

TEST_F(NpyBadInput, NanSamplesAreReported) {
  const std::string path = make("np.array([[1, np.nan], [np.inf, 4]], np.complex64)");
  EXPECT_FILE_ERROR(io::read_kspace(path), "2 NaN or Inf");
}

TEST_F(NpyBadInput, RealArrayIsNotKspace) {
  EXPECT_FILE_ERROR(io::read_kspace(make("np.ones((4, 4), np.float32)")), "k-space must be complex");
}

}  // namespace
}  // namespace ambient::test
