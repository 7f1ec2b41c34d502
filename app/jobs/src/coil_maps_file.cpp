#include "ambient/jobs/coil_maps_file.hpp"

#include <ATen/ATen.h>

#include "ambient/core/error.hpp"
#include "ambient/io/cfl.hpp"
#include "ambient/io/npy.hpp"

namespace ambient::jobs {

namespace {
constexpr size_t kBartCoil = 3, kBartMaps = 4, kBartSlice = 13;
}

at::Tensor read_coil_maps(const std::string& path) {
  const io::FileFormat f = io::detect_format(path);
  if (f == io::FileFormat::npy) {
    const at::Tensor m = io::read_npy(path);
    if (m.dim() != 3 && m.dim() != 4) throw FileError(path, "coil maps must be [coil, y, x] or [slice, coil, y, x]");
    return m.to(at::kComplexFloat);
  }
  if (f != io::FileFormat::cfl) throw FileError(path, "coil maps are read from .cfl or .npy files");
  std::vector<int64_t> dims = io::read_cfl_dims(path);
  dims.resize(16, 1);
  for (size_t d = 0; d < 16; ++d)
    if (dims[d] > 1 && d != 0 && d != 1 && d != kBartCoil && d != kBartMaps && d != kBartSlice)
      throw FileError(path, "coil maps have an unexpected BART dimension " + std::to_string(d));
  const at::Tensor raw = io::read_cfl(path).reshape({dims[kBartSlice], dims[kBartMaps], dims[kBartCoil], dims[1], dims[0]});
  const at::Tensor first_set = raw.select(1, 0);  // [slice, coil, y, x]
  return dims[kBartSlice] == 1 ? first_set[0].contiguous() : first_set.contiguous();
}

void write_coil_maps(const std::string& path, const at::Tensor& maps, const io::WriteOptions& write) {
  const io::FileFormat f = io::output_format(path, write.format);
  if (f == io::FileFormat::npy) return io::write_npy(path, maps.to(at::kComplexFloat), write.overwrite);
  if (f != io::FileFormat::cfl) throw FileError(path, "coil maps are written as .cfl or .npy");
  const at::Tensor m = maps.dim() == 3 ? maps.unsqueeze(0) : maps;  // [slice, coil, y, x]
  std::vector<int64_t> reversed(kBartSlice + 1, 1);  // BART dims 13..0
  reversed[0] = m.size(0);
  reversed[kBartSlice - kBartCoil] = m.size(1);
  reversed[kBartSlice - 1] = m.size(2);
  reversed[kBartSlice] = m.size(3);
  const at::Tensor bart = m.size(0) == 1 ? m[0].unsqueeze(1) : m.reshape(reversed);  // X Y 1 C [.. S]
  io::write_cfl(path, bart, write.overwrite);
}

}  // namespace ambient::jobs
