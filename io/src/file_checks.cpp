#include "file_checks.hpp"

#include <cstdlib>
#include <filesystem>

#include "ambient/core/error.hpp"

namespace fs = std::filesystem;

namespace ambient::io {

void require_regular_file(const std::string& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status)) throw FileError(path, "no such file");
  if (fs::is_directory(status)) throw FileError(path, "is a directory, expected a file");
  if (!fs::is_regular_file(status)) throw FileError(path, "is not a regular file");
  if (fs::file_size(path, ec) == 0) throw FileError(path, "is empty");
}

int64_t max_array_bytes() {
  double gb = 16;
  if (const char* env = std::getenv("AMBIENT_MAX_ARRAY_GB")) gb = std::atof(env);
  return static_cast<int64_t>(gb * (1LL << 30));
}

int64_t checked_element_count(const std::vector<int64_t>& dims, int64_t bytes_per_element,
                              const std::string& path) {
  const int64_t limit = max_array_bytes() / bytes_per_element;
  int64_t count = 1;
  for (int64_t d : dims) {
    if (d < 0) throw FileError(path, "negative dimension " + std::to_string(d));
    if (d != 0 && count > limit / d)
      throw FileError(path, "dimensions describe an array over " +
                                std::to_string(max_array_bytes() >> 30) +
                                " GiB: corrupt header? (AMBIENT_MAX_ARRAY_GB raises the limit)");
    count *= d;
  }
  return count;
}

}  // namespace ambient::io
