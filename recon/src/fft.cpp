#include "ambient/recon/fft.hpp"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>

#include <cmath>

#include "fftw_plans.hpp"

namespace ambient::recon {

namespace {

const std::vector<int64_t> kLastTwo{-2, -1};

// (-1)^(y + x) over an ny x nx grid.
at::Tensor checkerboard(int64_t ny, int64_t nx) {
  auto alternating = [](int64_t n) { return 1 - 2 * at::remainder(at::arange(n, at::kFloat), 2); };
  return at::outer(alternating(ny), alternating(nx));
}

at::Tensor centred_fftw(const at::Tensor& x, bool inverse) {
  const int64_t ny = x.size(-2), nx = x.size(-1);
  const double scale = 1.0 / std::sqrt(static_cast<double>(ny * nx));
  if (ny % 2 == 0 && nx % 2 == 0) {
    // For even sizes the shifts are a modulation: with c = (-1)^(y+x),
    // fftshift(F(ifftshift(v))) = (-1)^((ny+nx)/2) c F(c v), in either direction.
    const at::Tensor c = checkerboard(ny, nx);
    const double sign = ((ny + nx) / 2) % 2 == 0 ? 1.0 : -1.0;
    return fftw_fft2(x * c, inverse).mul_(c * (sign * scale));
  }
  const at::Tensor spectrum = fftw_fft2(at::fft_ifftshift(x, kLastTwo), inverse);
  return at::fft_fftshift(spectrum, kLastTwo).mul_(scale);
}

// y = C x with C unitary: the incoming gradient maps back through C^H, the other direction.
struct CentredFftw : torch::autograd::Function<CentredFftw> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, bool inverse) {
    ctx->saved_data["inverse"] = inverse;
    return centred_fftw(x, inverse);
  }
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    const bool inverse = ctx->saved_data["inverse"].toBool();
    return {CentredFftw::apply(grads[0], !inverse), at::Tensor()};
  }
};

bool fftw_serves(const at::Tensor& x) { return x.device().is_cpu() && x.scalar_type() == at::kComplexFloat; }

}  // namespace

at::Tensor fft2c_aten(const at::Tensor& image) {
  return at::fft_fftshift(at::fft_fft2(at::fft_ifftshift(image, kLastTwo), c10::nullopt, kLastTwo, "ortho"),
                          kLastTwo);
}

at::Tensor ifft2c_aten(const at::Tensor& kspace) {
  return at::fft_fftshift(at::fft_ifft2(at::fft_ifftshift(kspace, kLastTwo), c10::nullopt, kLastTwo, "ortho"),
                          kLastTwo);
}

at::Tensor fft1c(const at::Tensor& image, int64_t dim) {
  return at::fft_fftshift(at::fft_fft(at::fft_ifftshift(image, {dim}), c10::nullopt, dim, "ortho"), {dim});
}

at::Tensor ifft1c(const at::Tensor& kspace, int64_t dim) {
  return at::fft_fftshift(at::fft_ifft(at::fft_ifftshift(kspace, {dim}), c10::nullopt, dim, "ortho"), {dim});
}

at::Tensor centre_crop(const at::Tensor& t, int64_t ny, int64_t nx) {
  const int64_t y = t.size(-2), x = t.size(-1);
  ny = ny > 0 && ny < y ? ny : y;
  nx = nx > 0 && nx < x ? nx : x;
  return t.narrow(-2, centre_start(y, ny), ny).narrow(-1, centre_start(x, nx), nx);
}

at::Tensor fft2c(const at::Tensor& image) {
  return fftw_serves(image) ? CentredFftw::apply(image, false) : fft2c_aten(image);
}

at::Tensor ifft2c(const at::Tensor& kspace) {
  return fftw_serves(kspace) ? CentredFftw::apply(kspace, true) : ifft2c_aten(kspace);
}

}  // namespace ambient::recon
