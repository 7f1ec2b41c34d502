#pragma once
// Maps plain arrays (.npy, .cfl) to the data model by naming their axes (private to io/).
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "ambient/io/kspace.hpp"

namespace ambient::io {

// Axis names in the tensor's (C) order. `spec` is a comma-separated list in the file's
// order (NumPy: slowest first; BART: fastest first); empty: the format's convention.
std::vector<std::string> npy_axes(int64_t ndim, const std::string& spec, bool kspace);
std::vector<std::string> cfl_axes(const std::vector<int64_t>& bart_dims, const std::string& spec,
                                  bool kspace);

KSpace kspace_from_array(const at::Tensor& array, const std::vector<std::string>& axes,
                         const std::string& path);
ImageVolume image_from_array(const at::Tensor& array, const std::vector<std::string>& axes,
                             const std::string& path);

// Tensors whose reversed shape is the BART dimension list (READ, PHS1, PHS2, COIL, ...,
// SLICE at 13), masked k-space with zeros where nothing was measured.
at::Tensor kspace_to_bart(const KSpace& kspace);
at::Tensor image_to_bart(const ImageVolume& image);

}  // namespace ambient::io
