#pragma once
// L1-wavelet compressed sensing: argmin ||A x - y||^2 / 2 + lambda ||W x||_1 with
// A = M F S (ESPIRiT maps unless given) and W BART's Daubechies-2 wavelets with random
// shifts (libbart's own soft-thresholding), solved by FISTA with step 1/||A||^2.
// The data are divided by the slice's normalisation constant first, so the default
// lambda (0.005) and 60 iterations serve any scan; the image is scaled back after.
#include "ambient/recon/reconstructor.hpp"

namespace ambient::recon {

class WaveletCs : public Reconstructor {
 public:
  explicit WaveletCs(ReconOptions options) : options_(std::move(options)) {}
  Reconstruction run(const io::KSpace& kspace, Progress& progress) const override;

 private:
  ReconOptions options_;
};

}  // namespace ambient::recon
