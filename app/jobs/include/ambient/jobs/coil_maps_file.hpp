#pragma once
// Coil maps on disk. BART .cfl in BART's own layout (X Y 1 COIL, slices in dim 13), so
// `bart pics` and `bart ecalib` outputs interoperate; .npy as [coil, y, x] or
// [slice, coil, y, x]. Only the first set of a multi-map ESPIRiT file is used.
#include <ATen/core/Tensor.h>

#include <string>

#include "ambient/io/formats.hpp"

namespace ambient::jobs {

at::Tensor read_coil_maps(const std::string& path);  // [coil, y, x] or [slice, coil, y, x]
void write_coil_maps(const std::string& path, const at::Tensor& maps, const io::WriteOptions& write);

}  // namespace ambient::jobs
