#include "ambient/jobs/kspace_files.hpp"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "ambient/core/error.hpp"

namespace fs = std::filesystem;

namespace ambient::jobs {

namespace {

bool is_kspace_file(const fs::path& p) {
  static const std::set<std::string> extensions{".h5", ".mrd", ".cfl", ".npy"};
  return fs::is_regular_file(p) && extensions.count(p.extension().string()) > 0;
}

bool is_pattern(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

std::vector<std::string> glob_matches(const std::string& pattern) {
  glob_t found{};
  const int status = glob(pattern.c_str(), 0, nullptr, &found);
  std::vector<std::string> paths(found.gl_pathv, found.gl_pathv + found.gl_pathc);
  globfree(&found);
  if (status == GLOB_NOMATCH || paths.empty()) throw FileError(pattern, "matches no file");
  if (status != 0) throw FileError(pattern, "could not be expanded");
  return paths;  // glob sorts
}

std::vector<std::string> folder_files(const std::string& folder) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(folder))
    if (is_kspace_file(entry.path())) found.push_back(entry.path().string());
  if (found.empty()) throw FileError(folder, "holds no k-space files (.h5, .mrd, .cfl, .npy)");
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

std::vector<std::string> kspace_files(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const auto& input : inputs) {
    if (!fs::exists(input) && is_pattern(input)) {
      const auto matches = glob_matches(input);
      files.insert(files.end(), matches.begin(), matches.end());
    } else if (!fs::exists(input)) {
      throw FileError(input, "does not exist");
    } else if (fs::is_directory(input)) {
      const auto found = folder_files(input);
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(input);
    }
  }
  if (files.empty()) throw Error("no k-space files given");
  return files;
}

}  // namespace ambient::jobs
