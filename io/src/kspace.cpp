#include "ambient/io/kspace.hpp"

#include <ATen/ATen.h>

#include "ambient/core/error.hpp"

namespace ambient::io {

double KSpace::acceleration() const {
  const double measured = mask.sum().item<double>();
  return measured > 0 ? static_cast<double>(mask.numel()) / measured : 0.0;
}

namespace {

void require_finite(const at::Tensor& t, const std::string& what, const std::string& path) {
  const auto finite = at::isfinite(at::is_complex(t) ? at::view_as_real(t) : t);
  const int64_t bad = finite.numel() - finite.sum().item<int64_t>();
  if (bad > 0)
    throw FileError(path, what + " holds " + std::to_string(bad) + " NaN or Inf value(s)");
}

}  // namespace

void validate(const KSpace& k, const std::string& path) {
  if (!k.data.defined() || k.data.dim() != 4 || k.data.scalar_type() != at::kComplexFloat)
    throw FileError(path, "k-space must be a complex64 [slice, coil, ky, kx] array");
  if (k.data.numel() == 0) throw FileError(path, "k-space is empty");
  const auto s = k.data.sizes();
  if (!k.mask.defined() || k.mask.scalar_type() != at::kBool ||
      k.mask.sizes() != at::IntArrayRef{s[0], s[2], s[3]})
    throw FileError(path, "sampling mask must be a bool [slice, ky, kx] array matching the k-space");
  if (k.noise.defined() && (k.noise.dim() != 2 || k.noise.size(0) != s[1]))
    throw FileError(path, "noise samples must be [coil, samples] with one row per coil");
  require_finite(k.data, "k-space", path);
  if (k.noise.defined()) require_finite(k.noise, "noise scan", path);
  if (k.reference.defined()) require_finite(k.reference, "reference image", path);
}

void validate(const ImageVolume& im, const std::string& path) {
  if (!im.data.defined() || im.data.dim() != 3 ||
      (im.data.scalar_type() != at::kComplexFloat && im.data.scalar_type() != at::kFloat))
    throw FileError(path, "image must be a complex64 or float32 [slice, y, x] array");
  if (im.data.numel() == 0) throw FileError(path, "image is empty");
  require_finite(im.data, "image", path);
}

at::Tensor mask_from_zeros(const at::Tensor& data) {
  return (data != 0).any(1);
}

}  // namespace ambient::io
