#pragma once
// Sampling masks in centred coordinates (DC at N/2), [ky, kx] bool, seeded so the same
// options give the same mask. 1D patterns choose phase-encode lines (every kx measured);
// the 2D pattern chooses points. The acceleration a mask achieves is what it measures
// (grid points over measured points); generators hit the requested one as closely as a
// whole number of lines or points allows.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace ambient::recon {

enum class MaskKind {
  equispaced,  // every R-th line from a random offset, plus ACS lines (fastMRI)
  random,      // uniformly random lines, plus ACS lines (A-DPS)
  gaussian,    // random lines drawn with a Gaussian density around the centre, plus ACS
  poisson,     // 2D variable-density Poisson-disc points in an ellipse, plus a square
               // calibration region (like `bart poisson -v -e`)
};

struct MaskOptions {
  MaskKind kind = MaskKind::random;
  double acceleration = 4;
  int64_t calibration = 24;  // ACS lines (1D) or the side of the calibration square (2D)
  double gaussian_width = 0.3;  // std of the line density, as a fraction of ny
  uint64_t seed = 0;
};

MaskKind parse_mask_kind(const std::string& name);  // throws Error for unknown names
std::string mask_kind_name(MaskKind kind);

// Throws Error when the request cannot be met (acceleration < 1, calibration larger
// than the grid or than the requested number of samples).
at::Tensor sampling_mask(int64_t ny, int64_t nx, const MaskOptions& options);

// Measured acceleration of a [.., ky, kx] mask: grid points over measured points.
double acceleration_of(const at::Tensor& mask);

// The further subsampling of ambient training: a mask Ã inside `mask` (A) that drops
// random measured lines (line masks) or points (2D masks) outside the protected region
// until Ã measures at most 1/`target_acceleration` of the grid. `protect` [ky, kx] is the
// region never dropped (the acquisition's ACS block); undefined: A's largest fully sampled
// centre block, which also swallows random lines that happen to touch the ACS. Throws
// Error when the target is not above A's own acceleration or cannot be reached.
at::Tensor further_subsample(const at::Tensor& mask, double target_acceleration, uint64_t seed,
                             const at::Tensor& protect = {});

// The centred ACS block of a ny x nx grid: `size` full lines (line patterns) or a
// size x size square (2D patterns), as sampling_mask places it.
at::Tensor calibration_block(int64_t ny, int64_t nx, int64_t size, bool lines);

}  // namespace ambient::recon
