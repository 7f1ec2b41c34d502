#pragma once
// NIfTI-1/NIfTI-2 image volumes (.nii, .nii.gz) through libnifti2. NIfTI stores x fastest,
// so a volume maps to Ambient's [slice, y, x] without reordering; voxel sizes travel along.
#include <string>

#include "ambient/io/kspace.hpp"

namespace ambient::io {

// Real types come back as float32 (with scl_slope/scl_inter applied), complex as complex64.
ImageVolume read_nifti(const std::string& path);
// Written as single-file NIfTI-1, compressed when `path` ends in .gz.
void write_nifti(const std::string& path, const ImageVolume& image, bool overwrite);

}  // namespace ambient::io
