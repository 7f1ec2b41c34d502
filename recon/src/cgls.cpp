#include "ambient/recon/cgls.hpp"

#include <ATen/ATen.h>

#include <cmath>

namespace ambient::recon {

namespace {
double squared_norm(const at::Tensor& a) { return at::real(at::sum(at::conj(a) * a)).item<double>(); }
}  // namespace

CglsResult cgls(const LinearOperator& a, const at::Tensor& y, const at::Tensor& x0, int max_iterations,
                double target_residual) {
  CglsResult result;
  result.x = x0.defined() ? x0.clone() : at::zeros_like(a.adjoint(y));
  at::Tensor r = y - a.forward(result.x);  // the data residual, updated in place of recomputing
  double rr = squared_norm(r);
  at::Tensor s = a.adjoint(r);
  at::Tensor p = s.clone();
  double gamma = squared_norm(s);
  const double target = target_residual * target_residual;
  for (int k = 0; k < max_iterations && rr > target && gamma > 0; ++k) {
    const at::Tensor q = a.forward(p);
    const double qq = squared_norm(q);
    if (!(qq > 0)) break;  // p in A's null space: nothing left to fit
    double step = gamma / qq;
    const at::Tensor r_next = r - step * q;
    const double rr_next = squared_norm(r_next);
    if (rr_next < target) {
      // The step passes the target: stop on it, where ||r - t q||^2 = target (the smaller root
      // of that quadratic in t lies within the step), so the fit ends at the noise level exactly.
      const double b = at::real(at::sum(at::conj(r) * q)).item<double>();
      step = (b - std::sqrt(std::max(0.0, b * b - qq * (rr - target)))) / qq;
      result.x = result.x + step * p;
      rr = target;
      result.iterations = k + 1;
      break;
    }
    result.x = result.x + step * p;
    r = r_next;
    rr = rr_next;
    s = a.adjoint(r);
    const double gamma_next = squared_norm(s);
    p = s + (gamma_next / gamma) * p;
    gamma = gamma_next;
    result.iterations = k + 1;
  }
  result.residual = std::sqrt(rr);
  return result;
}

}  // namespace ambient::recon
