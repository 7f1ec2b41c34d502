#pragma once
// NumPy .npy arrays (format versions 1-3): complex64, complex128, float32, float64,
// little-endian, C or Fortran order. Complex data comes back as complex64, real as float32,
// always in C order with NumPy's shape.
#include <ATen/core/Tensor.h>

#include <string>

namespace ambient::io {

at::Tensor read_npy(const std::string& path);
// Parses only the header: NumPy's shape, for `ambient info` on large files.
std::vector<int64_t> read_npy_shape(const std::string& path);
// Writes complex64 or float32 `array` in C order (format version 1.0).
void write_npy(const std::string& path, const at::Tensor& array, bool overwrite);

}  // namespace ambient::io
