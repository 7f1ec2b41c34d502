// The `ambient` command end to end: help as manual, info, recon, and bad input.
#include <nlohmann/json.hpp>

#include <filesystem>

#include "test_support.hpp"

namespace ambient::test {
namespace {

TEST(Cli, EveryCommandHasAManual) {
  for (const std::string cmd : {"", "info", "convert", "recon", "simulate"}) {
    const auto r = ambient(cmd + " --help");
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.output.find("Usage:"), std::string::npos) << cmd;
  }
  EXPECT_NE(ambient("--version").output.find("ambient 0.1"), std::string::npos);
  EXPECT_NE(ambient("").exit_code, 0);  // a subcommand is required
}

TEST(Cli, InfoOnTheToolsSheppLoganAsJson) {
  TempDir dir;
  ASSERT_EQ(run(std::string(AMBIENT_SHEPP_LOGAN) + " -m 96 -c 6 -C -o " + (dir / "sl.h5")).exit_code, 0);
  const auto r = ambient("--json info " + (dir / "sl.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["format"], "ismrmrd");
  EXPECT_EQ(j["shape"]["coils"], 6);
  EXPECT_EQ(j["shape"]["ky"], 96);
  EXPECT_EQ(j["geometry"]["recon_matrix"][0], 96);
  EXPECT_EQ(j["sampling"]["acceleration"], 1.0);
  EXPECT_EQ(j["noise_scans"]["samples_per_coil"], 192);
  // The text form says the same for a person.
  EXPECT_NE(ambient("info " + (dir / "sl.h5")).output.find("coils: 6"), std::string::npos);
}

TEST(Cli, ZeroFilledReconWritesEveryRequestedFormat) {
  TempDir dir;
  ASSERT_EQ(run(std::string(AMBIENT_SHEPP_LOGAN) + " -m 64 -c 4 -o " + (dir / "sl.h5")).exit_code, 0);
  const auto r = ambient("recon " + (dir / "sl.h5") + " -o " + (dir / "zf.png") + " -o " +
                         (dir / "zf.cfl") + " -o " + (dir / "zf.nii.gz") + " -o " + (dir / "zf.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string out = python(R"(
import sys, numpy as np, nibabel as nib
from PIL import Image
png = np.asarray(Image.open(sys.argv[1]))
nii = np.asarray(nib.load(sys.argv[2]).dataobj)
print(png.shape, png.max(), nii.shape)
)", (dir / "zf.png") + " " + (dir / "zf.nii.gz"));
  EXPECT_EQ(out, "(64, 64) 255 (64, 64, 1)\n");  // cropped to the recon matrix
  EXPECT_NE(ambient("info " + (dir / "zf.h5")).output.find("kind: image"), std::string::npos);
}

class CliBadInput : public ::testing::Test {
 protected:
  TempDir dir;
  // Runs ambient and expects a clean failure that names `file`.
  void expect_failure(const std::string& args, const std::string& file, const std::string& text) {
    const auto r = ambient(args);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find(file), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(text), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("internal error"), std::string::npos) << r.output;
  }
};

TEST_F(CliBadInput, EachReaderFailsCleanly) {
  write_text(dir / "empty.h5", "");
  expect_failure("info " + (dir / "empty.h5"), "empty.h5", "is empty");
  write_text(dir / "junk.h5", std::string(4096, 'x'));
  expect_failure("recon " + (dir / "junk.h5") + " -o " + (dir / "o.png"), "junk.h5", "not an HDF5 file");
  std::filesystem::create_directory(dir / "folder.npy");
  expect_failure("info " + (dir / "folder.npy"), "folder.npy", "is a directory");
  write_text(dir / "k.hdr", "# Dimensions\n8 8 1 2\n");
  write_text(dir / "k.cfl", std::string(100, '\0'));
  expect_failure("recon " + (dir / "k.cfl") + " -o " + (dir / "o.png"), "k.cfl", "truncated");
  EXPECT_FALSE(std::filesystem::exists(dir / "o.png"));
}

TEST_F(CliBadInput, OutputsAreNeverSilentlyReplaced) {
  ASSERT_EQ(run(std::string(AMBIENT_SHEPP_LOGAN) + " -m 32 -c 2 -o " + (dir / "sl.h5")).exit_code, 0);
  write_text(dir / "old.png", "keep me");
  expect_failure("recon " + (dir / "sl.h5") + " -o " + (dir / "old.png"), "old.png", "--force");
  EXPECT_EQ(std::filesystem::file_size(dir / "old.png"), 7u);
  EXPECT_EQ(ambient("recon " + (dir / "sl.h5") + " -o " + (dir / "old.png") + " --force").exit_code, 0);
  expect_failure("recon " + (dir / "sl.h5") + " -o " + (dir / "nowhere/x.png"), "nowhere/x.png", "does not exist");
}

}  // namespace
}  // namespace ambient::test
