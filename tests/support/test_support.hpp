#pragma once
// Shared test helpers: temporary folders, running commands, error measures, and the
// external oracles (Python with numpy/h5py/nibabel/scikit-image, bart, ISMRMRD's tools).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <functional>

#include "ambient/io/formats.hpp"
#include <string>

namespace ambient::test {

// A fresh folder under the system temp dir, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};
CommandResult run(const std::string& command);

// Runs `ambient ARGS` (the built binary).
CommandResult ambient(const std::string& args);

// Runs Debian's python3 on `code` with `args` (sys.argv[1:]); fails the test on error.
std::string python(const std::string& code, const std::string& args = "");

// ||a - b|| / ||b|| over all elements (complex or real).
double nrmse(const at::Tensor& a, const at::Tensor& b);

// Path under ../shared/data-raw next to the source tree, or "" when it is absent.
std::string data_raw(const std::string& relative);

std::string bart();  // the bart command, or "" when not installed
// Every complex value `bart show` prints for a .cfl, in file (column-major) order.
at::Tensor bart_show_values(const std::string& stem);

// Expects `read` to reject a missing file, an empty file and a directory, each named
// "<stem><extension>", with a FileError saying so.
void expect_rejects_missing_empty_and_directory(const std::function<void(const std::string&)>& read,
                                                const std::string& extension);

// A k-space file whose plain-array axes need naming (e.g. "coil,kx,ky").
io::KSpace read_kspace_as(const std::string& path, const std::string& axes);

// Writes `content` to `path` (bytes as they are).
void write_text(const std::string& path, const std::string& content);

// A loopback TCP port nobody listens on right now (the kernel picks it).
int free_port();

// Three tiny training scans in `folder`: 32 x 32 phantoms, 4 coils, noise 0.01, seeds 1-3
// (`ambient simulate`), named scan1.h5 .. scan3.h5.
void simulate_training_scans(const std::string& folder);

}  // namespace ambient::test

// Skips the current test (with a message) unless the real-data folder is present.
#define REQUIRE_DATA_RAW(path_var, relative)                                   \
  const std::string path_var = ::ambient::test::data_raw(relative);            \
  if (path_var.empty()) GTEST_SKIP() << "../shared/data-raw/" << relative << " absent"

#define REQUIRE_BART()                                              \
  if (::ambient::test::bart().empty()) GTEST_SKIP() << "bart command not installed"

// Expects `statement` to throw ambient::FileError whose message contains `text`.
#define EXPECT_FILE_ERROR(statement, text)                                               \
  do {                                                                                   \
    try {                                                                                \
      statement;                                                                         \
      ADD_FAILURE() << "expected a FileError mentioning '" << (text) << "'";             \
    } catch (const ::ambient::FileError& e) {                                            \
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();        \
    }                                                                                    \
  } while (0)
