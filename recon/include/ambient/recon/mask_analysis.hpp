#pragma once
// What a sampling mask says about an acquisition: its pattern and calibration region.
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace ambient::recon {

// The largest fully sampled block around the k-space centre (DC at N/2) of a [ky, kx]
// bool mask: the calibration (ACS) region ESPIRiT and GRAPPA use. Empty if DC is missing.
struct CalibrationRegion {
  int64_t ky_begin = 0, ky_size = 0, kx_begin = 0, kx_size = 0;
  bool empty() const { return ky_size == 0 || kx_size == 0; }
};
CalibrationRegion calibration_region(const at::Tensor& mask);

// True when every measured ky line of a [ky, kx] mask is measured across all of kx
// (1D phase-encode undersampling, as on Cartesian scanners), false for 2D patterns.
bool is_line_mask(const at::Tensor& mask);

}  // namespace ambient::recon
