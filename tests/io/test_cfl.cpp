// BART .cfl/.hdr: round trips, bit compatibility with the bart command, bad input.
#include <cmath>
#include <filesystem>
#include <sstream>

#include "ambient/core/error.hpp"
#include "ambient/io/cfl.hpp"
#include "ambient/io/formats.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

TEST(Cfl, RoundTripKeepsShapeAndValues) {
  TempDir dir;
  const at::Tensor a = at::randn({3, 5, 7}, at::kComplexFloat);
  io::write_cfl(dir / "a", a, false);
  EXPECT_EQ(io::read_cfl_dims(dir / "a.hdr"), (std::vector<int64_t>{7, 5, 3}));
  EXPECT_TRUE(at::equal(io::read_cfl(dir / "a.cfl"), a));
}

TEST(Cfl, ReadsWhatBartWrites) {
  REQUIRE_BART();
  TempDir dir;
  ASSERT_EQ(run(bart() + " phantom -x 16 -s 3 -k " + (dir / "ph")).exit_code, 0);
  EXPECT_EQ(io::read_cfl_dims(dir / "ph"),
            (std::vector<int64_t>{16, 16, 1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}));
  const at::Tensor ours = io::read_cfl(dir / "ph");
  EXPECT_TRUE(at::allclose(ours.flatten(), bart_show_values(dir / "ph"), 1e-6, 1e-3));
  // As k-space: BART's COIL dimension (3) becomes our coil axis.
  EXPECT_EQ(io::read_kspace(dir / "ph.cfl").data.sizes(), (at::IntArrayRef{1, 3, 16, 16}));
}

TEST(Cfl, BartReadsWhatWeWrite) {
  REQUIRE_BART();
  TempDir dir;
  const at::Tensor a = at::randn({2, 4, 6}, at::kComplexFloat);
  io::write_cfl(dir / "ours", a, false);
  const auto meta = run(bart() + " show -m " + (dir / "ours"));
  EXPECT_NE(meta.output.find("6\t4\t2\t1"), std::string::npos) << meta.output;
  EXPECT_TRUE(at::allclose(bart_show_values(dir / "ours"), a.flatten(), 1e-6, 1e-6));
  // bart can compute on it: its own FFT of our file must match reading it back.
  ASSERT_EQ(run(bart() + " scale 2 " + (dir / "ours") + " " + (dir / "twice")).exit_code, 0);
  EXPECT_TRUE(at::allclose(io::read_cfl(dir / "twice"), a * 2, 1e-6, 1e-6));
}

TEST(Cfl, RefusesToOverwrite) {
  TempDir dir;
  const at::Tensor a = at::ones({2}, at::kComplexFloat);
  io::write_cfl(dir / "a", a, false);
  EXPECT_FILE_ERROR(io::write_cfl(dir / "a", a * 2, false), "already exists");
  EXPECT_TRUE(at::equal(io::read_cfl(dir / "a"), a));  // nothing lost
  io::write_cfl(dir / "a", a * 2, true);
  EXPECT_TRUE(at::equal(io::read_cfl(dir / "a"), a * 2));
}

class CflBadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    io::write_cfl(dir / "good", at::ones({4, 4}, at::kComplexFloat), false);
  }
  TempDir dir;
};

TEST_F(CflBadInput, TruncatedData) {
  std::filesystem::resize_file(dir / "good.cfl", 70);
  EXPECT_FILE_ERROR(io::read_cfl(dir / "good"), "truncated");
}

TEST_F(CflBadInput, AbsurdDimensionsRefusedBeforeAllocating) {
  write_text(dir / "good.hdr", "# Dimensions\n100000 100000 100000 1\n");
  EXPECT_FILE_ERROR(io::read_cfl(dir / "good"), "GiB");
}

TEST_F(CflBadInput, GarbageDimensions) {
  write_text(dir / "good.hdr", "# Dimensions\n4 four\n");
  EXPECT_FILE_ERROR(io::read_cfl(dir / "good"), "not an integer");
  write_text(dir / "good.hdr", "# Dimensions\n4 -4\n");
  EXPECT_FILE_ERROR(io::read_cfl(dir / "good"), ">= 1");
  write_text(dir / "good.hdr", "hello\n");
  EXPECT_FILE_ERROR(io::read_cfl(dir / "good"), "not a BART header");
}

TEST_F(CflBadInput, NanSamplesAreReported) {
  at::Tensor a = at::ones({4, 4}, at::kComplexFloat);
  a[2][3] = c10::complex<float>(0, INFINITY);
  io::write_cfl(dir / "nan", a, false);
  EXPECT_FILE_ERROR(io::read_kspace(dir / "nan.cfl"), "1 NaN or Inf");
  EXPECT_FILE_ERROR(io::read_image(dir / "nan.cfl"), "1 NaN or Inf");
}

TEST_F(CflBadInput, MissingEmptyOrDirectory) {
  expect_rejects_missing_empty_and_directory([](const std::string& p) { io::read_cfl(p); }, ".hdr");
  std::filesystem::remove(dir / "good.cfl");
  EXPECT_FILE_ERROR(io::read_cfl(dir / "good"), "no such file");
}

}  // namespace
}  // namespace ambient::test
