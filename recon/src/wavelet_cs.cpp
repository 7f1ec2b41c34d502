#include "ambient/recon/classical.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <memory>

#include "ambient/core/error.hpp"
#include "ambient/recon/linear_operator.hpp"
#include "bart_wavelet.h"

namespace ambient::recon {

namespace {

// libbart's wavelet soft-threshold for one image size, freed with the object.
class WaveletThreshold {
 public:
  WaveletThreshold(int64_t ny, int64_t nx, float lambda, int seed)
      : ny_(ny), nx_(nx), op_(ambient_wavelet_threshold_create(nx, ny, lambda)) {
    ambient_wavelet_threshold_seed(op_, seed);
  }
  ~WaveletThreshold() { ambient_wavelet_threshold_free(op_); }
  WaveletThreshold(const WaveletThreshold&) = delete;
  WaveletThreshold& operator=(const WaveletThreshold&) = delete;

  // Soft-thresholds the wavelet coefficients of `image` [ny, nx] by lambda * mu.
  at::Tensor apply(const at::Tensor& image, float mu) const {
    const at::Tensor src = image.contiguous();
    at::Tensor dst = at::empty_like(src);
    // A C-order [ny, nx] image is BART's column-major (nx, ny): the same bytes.
    ambient_wavelet_threshold_apply(op_, mu, nx_, ny_, dst.data_ptr(), src.data_ptr());
    return dst;
  }

 private:
  int64_t ny_, nx_;
  const void* op_;
};

// Largest eigenvalue of A^H A by power iteration, from a fixed start so runs repeat.
double max_eigenvalue(const SenseOperator& a, int64_t ny, int64_t nx) {
  at::Tensor v = at::randn({ny, nx}, at::make_generator<at::CPUGeneratorImpl>(1), at::kComplexFloat);
  double value = 1;
  for (int i = 0; i < 20; ++i) {
    const at::Tensor w = a.normal(v);
    value = at::linalg_vector_norm(w).item<double>();
    if (value == 0) return 1;
    v = w / value;
  }
  return value;
}

}  // namespace

Reconstruction wavelet_cs(const io::KSpace& kspace, const ReconOptions& options, Progress& progress) {
  const double lambda = options.lambda >= 0 ? options.lambda : 0.005;
  const int iterations = options.iterations > 0 ? options.iterations : 60;
  const int64_t ny = kspace.ny(), nx = kspace.nx();
  progress.begin("l1-wavelet", kspace.slices() * iterations);
  std::vector<at::Tensor> slices;
  for (int64_t s = 0; s < kspace.slices(); ++s) {
    const double scale = normalisation_scale(kspace.data[s], kspace.mask[s]);
    const at::Tensor y = kspace.data[s] * kspace.mask[s].unsqueeze(0) / scale;
    const SenseOperator a(coil_maps(kspace, s, options), kspace.mask[s]);
    const auto step = static_cast<float>(0.95 / max_eigenvalue(a, ny, nx));
    const WaveletThreshold prox(ny, nx, static_cast<float>(lambda), static_cast<int>(options.seed + s));
    const at::Tensor aty = a.adjoint(y);
    at::Tensor x = aty, z = aty;
    double t = 1;
    for (int k = 0; k < iterations; ++k) {
      progress.throw_if_cancelled();
      const at::Tensor next = prox.apply(z - step * (a.normal(z) - aty), step);
      const double t_next = (1 + std::sqrt(1 + 4 * t * t)) / 2;
      z = next + ((t - 1) / t_next) * (next - x);
      x = next;
      t = t_next;
      progress.update(s * iterations + k + 1);
    }
    slices.push_back(x * scale);
  }
  progress.end();
  return {at::stack(slices), {}, {}, 0};
}

}  // namespace ambient::recon
