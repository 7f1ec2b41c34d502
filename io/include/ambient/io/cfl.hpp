#pragma once
// BART's .cfl/.hdr pair: complex64 samples, column-major, dimensions listed fastest first
// in the text header. A tensor read here has the dimensions reversed (C order), so the
// bytes are used as they are: BART dim 0 is the tensor's last axis.
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace ambient::io {

// `base` may name the .cfl, the .hdr or the common stem.
std::string cfl_stem(const std::string& base);

// BART dimensions, fastest first, as the header lists them.
std::vector<int64_t> read_cfl_dims(const std::string& base);
// complex64 tensor of shape reversed(read_cfl_dims(base)).
at::Tensor read_cfl(const std::string& base);
// Writes `array` (any dtype convertible to complex64) with dims reversed(array.sizes()).
void write_cfl(const std::string& base, const at::Tensor& array, bool overwrite);

}  // namespace ambient::io
