#include "ambient/recon/conjugate_gradient.hpp"

#include <ATen/ATen.h>

#include <cmath>

namespace ambient::recon {

namespace {
double dot_real(const at::Tensor& a, const at::Tensor& b) {
  return at::real(at::sum(at::conj(a) * b)).item<double>();
}
}  // namespace

CgResult conjugate_gradient(const std::function<at::Tensor(const at::Tensor&)>& normal,
                            const at::Tensor& rhs, const at::Tensor& x0, const CgOptions& o,
                            Progress& progress) {
  auto apply = [&](const at::Tensor& v) { return o.lambda > 0 ? normal(v) + o.lambda * v : normal(v); };
  at::Tensor x = x0.defined() ? x0.clone() : at::zeros_like(rhs);
  at::Tensor r = rhs - apply(x);
  at::Tensor p = r.clone();
  double rr = dot_real(r, r);
  const double rhs_norm = std::sqrt(dot_real(rhs, rhs));
  CgResult result;
  progress.begin("cg", o.iterations);
  for (int k = 0; k < o.iterations; ++k) {
    if (rhs_norm == 0 || std::sqrt(rr) <= o.tolerance * rhs_norm) break;
    progress.throw_if_cancelled();
    const at::Tensor ap = apply(p);
    const double curvature = dot_real(p, ap);
    if (!(curvature > 0)) break;  // converged to rounding (0 / 0 would be NaN)
    const double alpha = rr / curvature;
    x = x + alpha * p;
    r = r - alpha * ap;
    const double rr_next = dot_real(r, r);
    p = r + (rr_next / rr) * p;
    rr = rr_next;
    result.iterations = k + 1;
    progress.update(k + 1);
  }
  progress.end();
  result.x = x;
  result.relative_residual = rhs_norm > 0 ? std::sqrt(rr) / rhs_norm : 0;
  return result;
}

}  // namespace ambient::recon
