#pragma once
// The classical reconstructions, registered as zf, sense and cs (reconstructor.hpp).
// Each reconstructs every slice of `kspace`, reports progress and honours cancel.
#include "ambient/recon/reconstructor.hpp"

namespace ambient::recon {

inline constexpr MethodDefaults kSenseDefaults{0.01, 30};
inline constexpr MethodDefaults kCsDefaults{0.005, 100, true};

// Inverse centred FFT of the measured samples (unmeasured ones are zero); coils combined
// by root sum of squares (the image ISMRMRD's own tools compute) or, with
// options.combine_with_maps, by the coil maps (complex output).
Reconstruction zero_filled(const io::KSpace& kspace, const ReconOptions& options, Progress& progress);

// The root sum of squares of the zero-filled coil images of every slice, [slice, y, x] float:
// the preview of a k-space file (the viewer's), and its reference when fully sampled data are
// undersampled retrospectively.
at::Tensor zero_filled_rss(const io::KSpace& kspace);

// CG-SENSE with Tikhonov regularisation: argmin ||A x - y||^2 + lambda ||x||^2 with
// A = M F S (ESPIRiT maps unless given), conjugate gradient on the normal equations
// (kSenseDefaults: 30 iterations, lambda 0.01, as `bart pics -l2 -r 0.01`). With maps normalised so sum |S|^2 <= 1,
// lambda means the same on any scan. options.automatic_lambda (--lambda auto): chosen per
// slice by k-space cross-validation (lambda_selection.hpp), each trial the same solve; not
// the default, as it over-regularises the simulated Colin27 slices (docs/benchmarks-lambda.md).
Reconstruction cg_sense(const io::KSpace& kspace, const ReconOptions& options, Progress& progress);

// L1-wavelet compressed sensing: argmin ||A x - y||^2 / 2 + lambda ||W x||_1 with
// A = M F S (ESPIRiT maps unless given) and W BART's Daubechies-2 wavelets with random
// shifts (libbart's own soft-thresholding), FISTA with step 0.95 / ||A||^2 (kCsDefaults), 100 iterations (as
// the `bart pics -i 100` it is benchmarked against: at 60 the real brain lost 1.2 dB to it,
// docs/benchmarks-lambda.md). The data are divided by the slice's normalisation constant
// first, so one weight (kCsDefaults: 0.005) serves any scan; the image is scaled back after.
// Without options.lambda, or with options.automatic_lambda (--lambda auto): one weight for the
// volume by k-space cross-validation (lambda_selection.hpp), each trial the same FISTA run on
// the fit samples, starting from 0.005; where no slice can hold out 2 lines it keeps 0.005
// (docs/reconstruction.md, "Choosing lambda"; docs/benchmarks-lambda.md).
Reconstruction wavelet_cs(const io::KSpace& kspace, const ReconOptions& options, Progress& progress);

}  // namespace ambient::recon
