#pragma once
// Zero-filled reconstruction: inverse centred FFT of the measured k-space (unmeasured
// samples are zero) and root-sum-of-squares coil combination. The baseline every other
// method must beat, and the image ISMRMRD's own tools compute.
#include "ambient/recon/reconstructor.hpp"

namespace ambient::recon {

class ZeroFilled : public Reconstructor {
 public:
  Reconstruction run(const io::KSpace& kspace, Progress& progress) const override;
};

}  // namespace ambient::recon
