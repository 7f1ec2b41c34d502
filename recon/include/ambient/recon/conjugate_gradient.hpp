#pragma once
// Conjugate gradient for (A^H A + lambda I) x = rhs with A^H A Hermitian positive
// semi-definite; the normal operator is passed as a function so any LinearOperator (or
// composition) serves.
#include <ATen/core/Tensor.h>

#include <functional>

#include "ambient/core/progress.hpp"

namespace ambient::recon {

struct CgOptions {
  int iterations = 30;
  double lambda = 0;         // Tikhonov weight
  double tolerance = 1e-6;   // stop when ||r|| <= tolerance * ||rhs||
};

struct CgResult {
  at::Tensor x;
  int iterations = 0;
  double relative_residual = 0;
};

CgResult conjugate_gradient(const std::function<at::Tensor(const at::Tensor&)>& normal,
                            const at::Tensor& rhs, const at::Tensor& x0, const CgOptions& options,
                            Progress& progress = no_progress());

}  // namespace ambient::recon
