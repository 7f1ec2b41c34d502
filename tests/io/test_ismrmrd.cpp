// ISMRMRD raw data: files from ISMRMRD's own tools, round trips checked by those tools, bad input.
#include <ismrmrd/dataset.h>
#include <ismrmrd/xml.h>

#include <cmath>
#include <filesystem>
#include <sstream>

#include "ambient/core/error.hpp"
#include "ambient/io/ismrmrd_file.hpp"
#include "ambient/recon/classical.hpp"
#include "ambient/recon/readout.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

std::string shepp_logan(const TempDir& dir, const std::string& args) {
  const std::string path = dir / "shepp_logan.h5";
  const auto r = run(std::string(AMBIENT_SHEPP_LOGAN) + " -o " + path + " " + args);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return path;
}

TEST(Ismrmrd, ReadsTheToolsSheppLogan) {
  TempDir dir;
  const std::string path = shepp_logan(dir, "-m 64 -c 4 -n 0");
  io::IsmrmrdCounts counts;
  const io::KSpace k = io::read_ismrmrd(path, {}, &counts);
  EXPECT_EQ(k.data.sizes(), (at::IntArrayRef{1, 4, 64, 128}));  // readout oversampled 2x
  EXPECT_EQ(k.geometry.recon_matrix[0], 64);
  EXPECT_EQ(k.geometry.encoded_matrix[0], 128);
  EXPECT_DOUBLE_EQ(k.acceleration(), 1.0);
  EXPECT_EQ(counts.acquisitions, 64);
}

TEST(Ismrmrd, ZeroFilledMatchesTheToolsOwnReconstruction) {
  TempDir dir;
  const std::string path = shepp_logan(dir, "-m 64 -c 4 -n 0.05");
  ASSERT_EQ(run(std::string(AMBIENT_ISMRMRD_RECON) + " " + path).exit_code, 0);
  const at::Tensor theirs = io::read_ismrmrd_images(path, "cpp").data[0];
  ASSERT_EQ(theirs.sizes(), (at::IntArrayRef{64, 64}));
  // The tool uses FFTW unnormalised: its image is ours times sqrt(number of samples).
  const double scale = std::sqrt(128.0 * 64.0);
  const at::Tensor full = recon::zero_filled_rss(io::read_ismrmrd(path))[0] * scale;
  EXPECT_LT(nrmse(full.narrow(1, 32, 64), theirs), 1e-4);
  io::KSpace k = io::read_ismrmrd(path);
  recon::remove_readout_oversampling(k);  // the crop `--remove-oversampling` asks for
  EXPECT_EQ(k.nx(), 64);
  EXPECT_LT(nrmse(recon::zero_filled_rss(k)[0] * scale, theirs), 1e-4);
}

TEST(Ismrmrd, KeepsNoiseScansAndCalibrationLines) {
  TempDir dir;
  const std::string path = shepp_logan(dir, "-m 64 -c 4 -C -a 2 -w 16 -n 0.05");
  io::IsmrmrdCounts counts;
  const io::KSpace k = io::read_ismrmrd(path, {}, &counts);
  ASSERT_TRUE(k.noise.defined());
  EXPECT_EQ(k.noise.size(0), 4);
  EXPECT_EQ(counts.noise, 1);
  EXPECT_EQ(k.calibration_lines.size(), 16u);
  // Repetition 0 measures every other line plus the 16 calibration lines around the centre.
  EXPECT_EQ(k.mask[0].any(-1).sum().item<int64_t>(), 32 + 8);
  EXPECT_TRUE(k.mask[0][32].all().item<bool>());
}

TEST(Ismrmrd, RoundTripIsReadByTheTools) {
  TempDir dir;
  const std::string source = shepp_logan(dir, "-m 64 -c 4 -C -n 0.05");
  io::KSpace k = io::read_ismrmrd(source);
  k.mask.select(1, 3).fill_(false);  // drop a line: undersampled output
  k.reference = at::rand({1, 64, 128});
  const std::string ours = dir / "ours.h5";
  io::write_ismrmrd(ours, k, false);

  const io::KSpace back = io::read_ismrmrd(ours);
  EXPECT_TRUE(at::equal(back.mask, k.mask));
  EXPECT_TRUE(at::equal(back.data, k.data * k.mask.unsqueeze(1)));
  EXPECT_TRUE(at::equal(back.noise, k.noise));
  EXPECT_TRUE(at::allclose(back.reference, k.reference));
  EXPECT_EQ(back.geometry.recon_matrix, k.geometry.recon_matrix);

  const auto tool = run(std::string(AMBIENT_ISMRMRD_RECON) + " " + ours);
  ASSERT_EQ(tool.exit_code, 0) << tool.output;
  EXPECT_NE(tool.output.find("Number of Channels          : 4"), std::string::npos) << tool.output;
  EXPECT_NE(tool.output.find("Reconstruction Matrix Size  : [64, 64, 1]"), std::string::npos);
  const at::Tensor theirs = io::read_ismrmrd_images(ours, "cpp").data[0];
  const at::Tensor mine = recon::zero_filled_rss(back)[0].narrow(1, 32, 64) * std::sqrt(128.0 * 64.0);
  EXPECT_LT(nrmse(mine, theirs), 1e-4);
}

// A minimal raw file written with libismrmrd: `xml` header and one 2-channel acquisition.
void write_raw(const std::string& path, const std::string& xml, float value = 1.0f) {
  ISMRMRD::Dataset d(path.c_str(), "dataset", true);
  d.writeHeader(xml);
  ISMRMRD::Acquisition acq(16, 2);
  for (auto it = acq.data_begin(); it != acq.data_end(); ++it) *it = {value, 0};
  acq.center_sample() = 8;
  acq.idx().kspace_encode_step_1 = 8;
  d.appendAcquisition(acq);
}

std::string header(const char* trajectory, int matrix) {
  ISMRMRD::IsmrmrdHeader h;
  h.experimentalConditions.H1resonanceFrequency_Hz = 63500000;
  ISMRMRD::Encoding e;
  e.trajectory = std::string(trajectory) == "radial" ? ISMRMRD::TrajectoryType::RADIAL
                                                       : ISMRMRD::TrajectoryType::CARTESIAN;
  e.encodedSpace.matrixSize = {static_cast<unsigned short>(matrix), static_cast<unsigned short>(matrix), 1};
  e.encodedSpace.fieldOfView_mm = {256, 256, 5};
  e.reconSpace = e.encodedSpace;
  ISMRMRD::Limit l;
  l.maximum = matrix - 1;
  l.center = matrix / 2;
  e.encodingLimits.kspace_encoding_step_1 = l;
  h.encoding.push_back(e);
  std::ostringstream out;
  ISMRMRD::serialize(h, out);
  return out.str();
}

TEST(IsmrmrdBadInput, NonCartesianIsRefused) {
  TempDir dir;
  write_raw(dir / "radial.h5", header("radial", 16));
  EXPECT_FILE_ERROR(io::read_ismrmrd(dir / "radial.h5"), "trajectory 'radial' is not supported");
}

TEST(IsmrmrdBadInput, AbsurdMatrixRefusedBeforeAllocating) {
  TempDir dir;
  write_raw(dir / "huge.h5", header("cartesian", 60000));
  ::setenv("AMBIENT_MAX_ARRAY_GB", "1", 1);
  EXPECT_FILE_ERROR(io::read_ismrmrd(dir / "huge.h5"), "GiB");
  ::unsetenv("AMBIENT_MAX_ARRAY_GB");
}

TEST(IsmrmrdBadInput, NanSamples) {
  TempDir dir;
  write_raw(dir / "nan.h5", header("cartesian", 16), std::nanf(""));
  EXPECT_FILE_ERROR(io::read_ismrmrd(dir / "nan.h5"), "NaN or Inf");
}

TEST(IsmrmrdBadInput, TruncatedNotHdf5MissingGroupEmptyDirectory) {
  TempDir dir;
  const std::string path = shepp_logan(dir, "-m 64 -c 4");
  EXPECT_FILE_ERROR(io::read_ismrmrd(path, {"nothere"}), "no ISMRMRD group 'nothere'");
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  EXPECT_THROW(io::read_ismrmrd(path), FileError);
  write_text(dir / "text.h5", "not hdf5 at all");
  EXPECT_FILE_ERROR(io::read_ismrmrd(dir / "text.h5"), "not an HDF5 file");
  expect_rejects_missing_empty_and_directory([](const std::string& p) { io::read_ismrmrd(p); }, ".h5");
}

TEST(IsmrmrdBadInput, MissingRepetition) {
  TempDir dir;
  const std::string path = shepp_logan(dir, "-m 32 -c 2");
  io::IsmrmrdReadOptions o;
  o.repetition = 5;
  EXPECT_FILE_ERROR(io::read_ismrmrd(path, o), "repetition 5 does not exist");
}

}  // namespace
}  // namespace ambient::test
