// Format detection, array layouts and the atomic, no-overwrite output rule.
#include <filesystem>

#include "ambient/core/error.hpp"
#include "ambient/io/cfl.hpp"
#include "ambient/io/formats.hpp"
#include "ambient/io/npy.hpp"
#include "ambient/io/output_file.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

io::KSpace small_kspace(int64_t slices) {
  io::KSpace k;
  k.data = at::randn({slices, 3, 8, 10}, at::kComplexFloat);
  k.mask = at::rand({slices, 8, 10}) > 0.3;
  k.data = k.data * k.mask.unsqueeze(1);
  return k;
}

TEST(Formats, DetectsByContentNotJustName) {
  TempDir dir;
  io::write_kspace(dir / "a.h5", small_kspace(1));
  io::write_kspace(dir / "b.h5", small_kspace(1), {false, "fastmri"});
  EXPECT_EQ(io::detect_format(dir / "a.h5"), io::FileFormat::ismrmrd);
  EXPECT_EQ(io::detect_format(dir / "b.h5"), io::FileFormat::fastmri);
  write_text(dir / "c.h5", "not hdf5");
  EXPECT_FILE_ERROR(io::detect_format(dir / "c.h5"), "not an HDF5 file");
  write_text(dir / "d.xyz", "whatever");
  EXPECT_FILE_ERROR(io::detect_format(dir / "d.xyz"), "unknown file type");
}

TEST(Formats, KspaceSurvivesEveryKspaceFormat) {
  TempDir dir;
  for (int64_t slices : {1, 3}) {
    const io::KSpace k = small_kspace(slices);
    for (const std::string name : {"k.h5", "k.cfl", "k.npy", "fm.h5"}) {
      const std::string path = dir / (std::to_string(slices) + name);
      io::write_kspace(path, k, {false, name == "fm.h5" ? "fastmri" : ""});
      const io::KSpace back = io::read_kspace(path);
      EXPECT_TRUE(at::equal(back.data, k.data)) << path;
      EXPECT_TRUE(at::equal(back.mask, k.mask)) << path;
    }
  }
}

TEST(Formats, MultiSliceCflUsesBartSliceDimension) {
  TempDir dir;
  io::write_kspace(dir / "k.cfl", small_kspace(3));
  EXPECT_EQ(io::read_cfl_dims(dir / "k"),
            (std::vector<int64_t>{10, 8, 1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3}));
}

TEST(Formats, AxesNameTheLayout) {
  TempDir dir;
  const at::Tensor a = at::randn({4, 6, 5}, at::kComplexFloat);  // coil, kx, ky
  io::write_npy(dir / "a.npy", a, false);
  io::ReadOptions o;
  o.axes = "coil,kx,ky";
  EXPECT_TRUE(at::equal(io::read_kspace(dir / "a.npy", o).data[0], a.transpose(1, 2)));
  o.axes = "coil,kx,kx";
  EXPECT_FILE_ERROR(io::read_kspace(dir / "a.npy", o), "named twice");
  o.axes = "coil,kx";
  EXPECT_FILE_ERROR(io::read_kspace(dir / "a.npy", o), "names 2");
  o.axes = "coil,kx,banana";
  EXPECT_FILE_ERROR(io::read_kspace(dir / "a.npy", o), "unknown axis name 'banana'");
}

TEST(OutputFile, NothingHalfWrittenOnFailure) {
  TempDir dir;
  {
    io::OutputFile out(dir / "x.bin", false);
    write_text(out.temp_path(), "partial");
    // no commit: as if the writer threw
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  EXPECT_FILE_ERROR(io::OutputFile(dir / "missing/x.bin", false), "does not exist");
  EXPECT_FILE_ERROR(io::OutputFile(dir.path(), true), "is a directory");
}

TEST(OutputFile, WriterErrorLeavesTheOldFileIntact) {
  TempDir dir;
  write_text(dir / "k.npy", "precious");
  io::KSpace bad = small_kspace(1);
  bad.data[0][0][0][0] = c10::complex<float>(NAN, 0);
  EXPECT_FILE_ERROR(io::write_kspace(dir / "k.npy", bad, {true, ""}), "NaN");
  EXPECT_EQ(std::filesystem::file_size(dir / "k.npy"), 8u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

}  // namespace
}  // namespace ambient::test
