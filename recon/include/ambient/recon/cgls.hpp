#pragma once
// CGLS: conjugate gradient on the normal equations of min ||A x - y||, in the form that
// carries the data residual y - A x (Hestenes-Stiefel; Bjorck, "Numerical Methods for Least
// Squares Problems", 7.4). Its residual norm falls monotonically, so stopping at the first
// iterate whose residual reaches a target is Morozov's discrepancy principle: early-stopped CG
// regularises by itself, at one A and one A^H per iteration, with no weight to search for.
#include <ATen/core/Tensor.h>

#include "ambient/recon/linear_operator.hpp"

namespace ambient::recon {

struct CglsResult {
  at::Tensor x;
  int iterations = 0;
  double residual = 0;  // ||A x - y|| at x
};

// Starts at x0 (zeros when undefined); stops when ||A x - y|| reaches target_residual (on the
// point of the last step where it equals the target) or after max_iterations.
CglsResult cgls(const LinearOperator& a, const at::Tensor& y, const at::Tensor& x0, int max_iterations,
                double target_residual = 0);

}  // namespace ambient::recon
