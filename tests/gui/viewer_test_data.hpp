#pragma once
// Small scans for the viewer's tests: a Shepp-Logan phantom seen by birdcage coils,
// fully sampled, written in every format through Ambient's own writers.
#include <ATen/ATen.h>

#include <string>

#include "ambient/io/formats.hpp"
#include "ambient/recon/fft.hpp"
#include "ambient/recon/simulation.hpp"

namespace ambient::test {

// [slices, coils, n, n] k-space of the phantom (slice s scaled by 1 + s / 2), with a mask
// of ones and the magnitude reference.
inline io::KSpace phantom_kspace(int64_t slices = 3, int64_t coils = 4, int64_t n = 48) {
  const at::Tensor image = recon::shepp_logan(n, n).to(at::kComplexFloat);
  const at::Tensor maps = recon::birdcage_maps(coils, n, n);
  const at::Tensor scale = 1 + at::arange(slices, at::kFloat).div(2).reshape({slices, 1, 1});
  io::KSpace k;
  k.data = recon::fft2c((image * scale).unsqueeze(1) * maps.unsqueeze(0)).to(at::kComplexFloat).contiguous();
  k.mask = at::ones({slices, n, n}, at::kBool);
  k.reference = (at::abs(image) * scale).to(at::kFloat);
  return k;
}

inline std::string write_phantom(const std::string& path, const std::string& format = "") {
  io::WriteOptions o;
  o.format = format;
  io::write_kspace(path, phantom_kspace(), o);
  return path;
}

}  // namespace ambient::test
