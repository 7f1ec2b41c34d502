#pragma once
// fastMRI HDF5 files: `kspace` as h5py complex (compound {r, i}) laid out
// [slice, coil, readout, phase-encode] (single-coil files: [slice, readout, phase-encode]),
// `ismrmrd_header` XML, `reconstruction_rss` (or `reconstruction_esc`) as the reference and,
// in the test sets, a 1D `mask` over the phase-encode axis with the `acceleration` and
// `num_low_frequency` attributes. In Ambient's order the phase encode is ky, the readout kx.
#include <string>

#include "ambient/io/kspace.hpp"

namespace ambient::io {

KSpace read_fastmri(const std::string& path);
void write_fastmri(const std::string& path, const KSpace& kspace, bool overwrite);

}  // namespace ambient::io
