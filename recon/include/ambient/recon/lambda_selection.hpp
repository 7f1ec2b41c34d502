#pragma once
// Choosing a regularisation weight from the scan's own data by k-space cross-validation: hold
// out some of the measured samples, reconstruct from the rest with a few weights, keep the
// weight whose image predicts the held-out samples best (docs/reconstruction.md, "--lambda auto").
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <map>

#include "ambient/recon/linear_operator.hpp"

namespace ambient::recon {

// A [ky, kx] mask split into the samples a trial reconstruction fits and those it must predict.
struct HoldoutSplit {
  at::Tensor fit, held_out;  // bool [ky, kx], disjoint, together the measured samples
};

// Holds out `fraction` of the measured samples outside the calibration region (never the
// ACS block: the coil maps and the data scaling come from it). A line mask loses whole ky
// lines, as the reconstruction must fill whole lines: every (1 / fraction)-th line in order of
// distance from the centre, so low and high frequencies are both held out (a random draw
// made the estimate hinge on whether a line near the centre was drawn), but never the line
// nearest the centre (its error alone would outweigh all the others'); a 2D mask loses
// single samples at random. At least one line or sample is held out; a mask with nothing
// outside its calibration region (fully sampled) holds out samples anywhere but at the centre.
HoldoutSplit holdout_split(const at::Tensor& mask, double fraction, uint64_t seed);

// One slice's cross-validation problem: the operator a trial reconstructs with (the fit
// samples) and its A^H y, and the held-out samples an image must predict.
struct HoldoutProblem {
  SenseOperator fit, held;
  at::Tensor fit_adjoint_y, held_y;
  int64_t held_lines = 0;  // ky lines held out (a line mask); 0 for a 2D mask
  double squared_error(const at::Tensor& image) const;  // ||A_held image - y_held||^2
};
// The problem of `holdout_split(mask, fraction, seed)` for coil maps and measured data y.
HoldoutProblem holdout_problem(const at::Tensor& maps, const at::Tensor& mask, const at::Tensor& y, double fraction,
                               uint64_t seed);

// A walk over weights spaced by `factor`: from `start`, one step down; on downhill it keeps
// walking that way, else it walks up, until the error rises or `trials` weights are tried.
struct LambdaSearch {
  double start = 0.005;
  double factor = 3;
  int trials = 5;
  double holdout = 0.2;  // fraction held out (holdout_split)
};

struct LambdaChoice {
  double lambda = 0;
  std::map<double, double> errors;  // every weight tried and its held-out error
};

// Walks as LambdaSearch says, calling `error_for(lambda)` once per weight, then refines the best
// weight by the vertex of a parabola through it and its two neighbours in log(lambda) when both
// were tried (the vertex lies within half a step of it). Typically three trials.
LambdaChoice choose_lambda(const LambdaSearch& search, const std::function<double(double)>& error_for);

}  // namespace ambient::recon
