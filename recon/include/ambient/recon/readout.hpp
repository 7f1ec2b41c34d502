#pragma once
// Readout oversampling: scanners sample the readout (kx) at twice the field of view and the
// header's reconstruction matrix says how much of it to keep.
#include "ambient/io/kspace.hpp"

namespace ambient::recon {

// Crops the readout to the header's reconstruction matrix (and field of view) where it is
// smaller than the encoded one: to the image along kx (recon's centred FFT), the centre kept,
// back to k-space. A line measured anywhere stays measured. Nothing changes otherwise.
void remove_readout_oversampling(io::KSpace& kspace);

}  // namespace ambient::recon
