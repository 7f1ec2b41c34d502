#include "ambient/io/output_file.hpp"

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "ambient/core/error.hpp"
#include "ambient/core/setting_error.hpp"

namespace fs = std::filesystem;

namespace ambient::io {

void check_writable(const std::string& path, bool overwrite) {
  const fs::path p(path);
  std::error_code ec;
  if (fs::is_directory(p, ec)) throw FileError(path, "is a directory, expected a file name");
  if (fs::exists(p, ec) && !overwrite)
    throw FileSettingError("overwrite", path, "already exists and is not overwritten unless asked");
  const fs::path folder = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::is_directory(folder, ec))
    throw FileError(path, "folder " + folder.string() + " does not exist");
}

OutputFile::OutputFile(std::string path, bool overwrite) : path_(std::move(path)) {
  check_writable(path_, overwrite);
  const fs::path p(path_);
  const std::string name = p.filename().string();
  temp_ = (p.parent_path() / (".partial-" + std::to_string(::getpid()) + "-" + name)).string();
}

OutputFile::~OutputFile() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_, ec);
  }
}

void OutputFile::commit() {
  std::error_code ec;
  fs::rename(temp_, path_, ec);
  if (ec) throw FileError(path_, "cannot move finished output into place: " + ec.message());
  committed_ = true;
}

}  // namespace ambient::io
