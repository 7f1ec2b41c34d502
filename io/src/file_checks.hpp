#pragma once
// Checks every reader makes before it trusts a file (private to io/).
#include <cstdint>
#include <string>
#include <vector>

namespace ambient::io {

// Throws FileError unless `path` is an existing, non-empty regular file.
void require_regular_file(const std::string& path);

// Product of `dims`, refusing overflow and arrays over the size limit before anything
// is allocated (a corrupt header must not make us allocate terabytes).
int64_t checked_element_count(const std::vector<int64_t>& dims, int64_t bytes_per_element,
                              const std::string& path);

// The largest array a reader accepts (bytes). AMBIENT_MAX_ARRAY_GB overrides the default (16).
int64_t max_array_bytes();

}  // namespace ambient::io
