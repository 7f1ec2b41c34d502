#pragma once
// The diffusion-prior reconstructions behind recon's Reconstructor interface, so the CLI's
// --method and the GUI's method list serve them like the classical ones:
//   adps  A-DPS: posterior sampling with an ambient prior (Aali et al. 2024)
//   dps   DPS with a clean or Tweedie prior (the fully sampled baseline)
//   aos   the one-step ambient estimate h(A^H y, A, sigma)
// Each slice is normalised by its calibration constant (the prior's units), its coil maps
// come from ESPIRiT with the prior's own training settings (or are given), and the result
// is scaled back. adps and dps return the samples' mean, their standard deviation and,
// when asked, every sample. A scan whose size the network cannot take (not divisible by
// its down-sampling factor, e.g. 230 x 180) is zero-padded in k-space to the next multiple
// (a finer grid over the same field of view) and the result cropped back in k-space.
#include <memory>
#include <string>
#include <vector>

#include "ambient/diffusion/posterior_sampling.hpp"
#include "ambient/recon/reconstructor.hpp"

namespace ambient::diffusion {

struct PosteriorReconOptions {
  PosteriorOptions sampling;
  // Final data consistency: argmin ||A x - y||^2 + lambda ||x - sample||^2 by CG, warm-started
  // from each sample (0: none; never after the dc sampler, whose samples are consistent). The denoiser's estimate of the measured lines is its own,
  // not the data; this puts the data back (on tuning slices at R = 8: +1.6 dB with the fixed
  // ambient view, lambda 0.002, 0.01, 0.05 giving 20.73, 21.00, 20.78 dB; +0.7 dB with the
  // fresh view, docs/reconstruction.md).
  double consistency_lambda = 0.01;
  int consistency_iterations = 10;
  bool keep_samples = false;  // also return every sample
  // The classical method (zf, sense or cs, with the recon options' lambda and iterations) whose
  // image starts each trajectory when sampling.sigma_start > 0; "none": start from noise.
  // sense: as good a start as cs on the validation slices and a fraction of its cost.
  std::string warm_start = "sense";
};

// The methods this module adds to recon's table (name and summary; make_posterior_reconstructor builds them).
const std::vector<recon::MethodInfo>& posterior_methods();
bool is_posterior_method(const std::string& name);

// Throws Error when `prior` does not suit `method` (adps and aos need an ambient prior, dps
// a clean or Tweedie one).
std::unique_ptr<recon::Reconstructor> make_posterior_reconstructor(const std::string& method,
                                                                   std::shared_ptr<Prior> prior,
                                                                   const PosteriorReconOptions& options,
                                                                   const recon::ReconOptions& recon_options);

}  // namespace ambient::diffusion
