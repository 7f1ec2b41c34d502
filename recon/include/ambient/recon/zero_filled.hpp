#pragma once
// Zero-filled reconstruction: inverse centred FFT of the measured k-space (unmeasured
// samples are zero), coils combined by root sum of squares (the image ISMRMRD's own tools
// compute) or, with combine_with_maps, by the coil maps (complex output).
#include "ambient/recon/reconstructor.hpp"

namespace ambient::recon {

class ZeroFilled : public Reconstructor {
 public:
  explicit ZeroFilled(ReconOptions options) : options_(std::move(options)) {}
  Reconstruction run(const io::KSpace& kspace, Progress& progress) const override;

 private:
  ReconOptions options_;
};

}  // namespace ambient::recon
