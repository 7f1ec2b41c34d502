#pragma once
// CG-SENSE with Tikhonov regularisation: argmin ||A x - y||^2 + lambda ||x||^2 with
// A = M F S (ESPIRiT maps unless given), solved by conjugate gradient on the normal
// equations. Defaults: lambda 0.01, 30 iterations (as `bart pics -l2 -r 0.01`); with maps
// normalised so sum |S|^2 <= 1, lambda means the same on any scan.
#include "ambient/recon/reconstructor.hpp"

namespace ambient::recon {

class CgSense : public Reconstructor {
 public:
  explicit CgSense(ReconOptions options) : options_(std::move(options)) {}
  Reconstruction run(const io::KSpace& kspace, Progress& progress) const override;

 private:
  ReconOptions options_;
};

}  // namespace ambient::recon
