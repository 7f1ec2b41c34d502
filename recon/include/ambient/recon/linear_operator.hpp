#pragma once
// The operator seam every solver takes: forward A, adjoint A^H and the normal operator
// A^H A (overridden where it is cheaper than the two).
#include <ATen/core/Tensor.h>

namespace ambient::recon {

class LinearOperator {
 public:
  virtual ~LinearOperator() = default;
  virtual at::Tensor forward(const at::Tensor& x) const = 0;
  virtual at::Tensor adjoint(const at::Tensor& y) const = 0;
  virtual at::Tensor normal(const at::Tensor& x) const { return adjoint(forward(x)); }
};

// A = M F S: images [..., y, x] to multi-coil k-space [..., coil, ky, kx], with coil
// maps S [..., coil, y, x] and a sampling mask M [..., ky, kx] (broadcast over coils and
// any batch axes). Differentiable: every step is an ATen op.
class SenseOperator : public LinearOperator {
 public:
  SenseOperator(at::Tensor maps, at::Tensor mask);
  at::Tensor forward(const at::Tensor& image) const override;
  at::Tensor adjoint(const at::Tensor& kspace) const override;
  at::Tensor normal(const at::Tensor& image) const override;  // M^2 = M: the mask once

  const at::Tensor& maps() const { return maps_; }
  const at::Tensor& mask() const { return mask_; }

 private:
  at::Tensor maps_, mask_;  // mask stored as complex {0, 1}, with a coil axis
};

}  // namespace ambient::recon
