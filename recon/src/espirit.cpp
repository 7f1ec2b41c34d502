#include "ambient/recon/espirit.hpp"

#include <ATen/ATen.h>

#include <cmath>
#include <complex>
#include <vector>

#include "ambient/core/error.hpp"
#include "ambient/recon/fft.hpp"
#include "ambient/recon/mask_analysis.hpp"

namespace ambient::recon {

namespace {

// The fully sampled centre block, at most `limit` on a side.
CalibrationRegion calibration_block(const at::Tensor& mask, int64_t limit) {
  CalibrationRegion r = calibration_region(mask);
  auto shrink = [limit](int64_t& begin, int64_t& size, int64_t centre) {
    if (size <= limit) return;
    begin = std::max(begin, centre - limit / 2);
    size = limit;
  };
  shrink(r.ky_begin, r.ky_size, mask.size(0) / 2);
  shrink(r.kx_begin, r.kx_size, mask.size(1) / 2);
  return r;
}

// The k-space of that block: [coil, cy, cx].
at::Tensor calibration_data(const at::Tensor& kspace, const CalibrationRegion& r) {
  return kspace.narrow(1, r.ky_begin, r.ky_size).narrow(2, r.kx_begin, r.kx_size);
}

// The phase of the low-resolution image the maps combine from the calibration data (a
// Hann window over the block against ringing), as unit complex numbers [y, x].
at::Tensor calibration_phase(const at::Tensor& kspace, const CalibrationRegion& r, const at::Tensor& maps) {
  if (r.empty()) throw Error("k-space has no fully sampled centre to take the images' phase from");
  const at::Tensor window = at::outer(at::hann_window(r.ky_size + 2, false).narrow(0, 1, r.ky_size),
                                      at::hann_window(r.kx_size + 2, false).narrow(0, 1, r.kx_size));
  at::Tensor centre = at::zeros_like(kspace);
  centre.narrow(1, r.ky_begin, r.ky_size).narrow(2, r.kx_begin, r.kx_size).copy_(calibration_data(kspace, r) * window);
  const at::Tensor image = (maps.conj() * ifft2c(centre)).sum(0);
  const at::Tensor magnitude = image.abs();
  return at::where(magnitude > 0, image / magnitude.clamp_min(1e-30), at::ones_like(image));
}

// Leading eigenpairs of per-pixel Hermitian PSD matrices g [pixels, C, C] by power
// iteration in raster order, each pixel started from its neighbour's eigenvector: maps vary
// slowly, so a handful of products converge, and the phase stays continuous.
void leading_eigenpairs(const at::Tensor& g, at::Tensor& vectors, at::Tensor& values) {
  using cf = std::complex<float>;
  const int64_t pixels = g.size(0), c = g.size(1);
  vectors = at::zeros({pixels, c}, at::kComplexFloat);
  values = at::zeros({pixels}, at::kFloat);
  const cf* gp = reinterpret_cast<const cf*>(g.data_ptr());
  cf* vp = reinterpret_cast<cf*>(vectors.data_ptr());
  float* lp = values.data_ptr<float>();
  std::vector<cf> v(c, cf(0)), w(c);
  v[0] = 1;
  for (int64_t p = 0; p < pixels; ++p) {
    const cf* m = gp + p * c * c;
    float value = 0;
    for (int it = 0; it < 200; ++it) {
      for (int64_t i = 0; i < c; ++i) {
        cf sum = 0;
        for (int64_t j = 0; j < c; ++j) sum += m[i * c + j] * v[j];
        w[i] = sum;
      }
      float norm = 0, change = 0;
      for (const cf& x : w) norm += std::norm(x);
      norm = std::sqrt(norm);
      if (norm < 1e-30f) break;  // nothing here (outside the data's support)
      for (int64_t i = 0; i < c; ++i) {
        const cf next = w[i] / norm;
        change += std::norm(next - v[i]);
        v[i] = next;
      }
      value = norm;  // ||G v|| -> lambda_max for the unit eigenvector
      if (change < 1e-12f) break;
    }
    std::copy(v.begin(), v.end(), vp + p * c);
    lp[p] = value;
  }
}

}  // namespace

// ESPIRiT's steps in the order of Uecker et al. 2014 (calibration matrix, its SVD, kernel
// images, per-pixel eigenvectors, threshold): about 60 lines kept together to read as the paper.
EspiritResult espirit(const at::Tensor& kspace_in, const at::Tensor& mask, const EspiritOptions& o) {
  const at::Tensor kspace = kspace_in.to(at::kComplexFloat);
  const int64_t coils = kspace.size(0), ny = kspace.size(1), nx = kspace.size(2), k = o.kernel;
  const CalibrationRegion region = calibration_block(mask.to(at::kBool), o.calibration);
  const at::Tensor acs = calibration_data(kspace, region);
  if (acs.size(1) < k || acs.size(2) < k)
    throw Error("the fully sampled centre (" + std::to_string(acs.size(1)) + " x " +
                std::to_string(acs.size(2)) + ") is smaller than the ESPIRiT kernel (" +
                std::to_string(k) + " x " + std::to_string(k) + ")");
  if (acs.abs().max().item<float>() == 0) throw Error("ESPIRiT: the calibration data are all zeros");
  if (ny < 2 * k || nx < 2 * k)
    throw Error("ESPIRiT: a " + std::to_string(ny) + " x " + std::to_string(nx) + " image is too small for a " +
                std::to_string(k) + " x " + std::to_string(k) + " kernel");

  // Calibration matrix: one row per k x k patch position, columns coil-major.
  const at::Tensor patches = acs.unfold(1, k, 1).unfold(2, k, 1);  // [C, py, px, k, k]
  const at::Tensor calib = patches.permute({1, 2, 0, 3, 4}).reshape({-1, coils * k * k});
  const auto svd = at::linalg_svd(calib, false);
  const at::Tensor s = std::get<1>(svd);
  const at::Tensor vh = std::get<2>(svd);
  const at::Tensor ratio = (s / s[0]).pow(2);
  const int64_t n = std::max<int64_t>(1, (ratio > o.threshold).sum().item<int64_t>());

  // Rows w_n of V^H span the conjugate patch space. Per pixel r the operator
  //   G(r) = (1/k^2) sum_n K_n(r) K_n(r)^H,  K_n,c(r) = sum_q w_n(c, q) e^{2 pi i q (r - N/2) / N},
  // has the coil sensitivity at r as its leading eigenvector (eigenvalue ~1). G is a
  // trigonometric polynomial whose coefficients are the kernels' autocorrelation
  //   W_cc'(d) = sum_n sum_q w_n(c, q) conj(w_n(c', q - d)),  |d| < k,
  // so it comes from C^2 small correlations and C^2 image-size transforms instead of
  // n*C transforms and an n-long product at every pixel.
  const at::Tensor w = vh.narrow(0, 0, n).reshape({n, coils, k, k});
  const at::Tensor fw = at::fft_fft2(at::constant_pad_nd(w, {0, k, 0, k}));  // [n, C, 2k, 2k]
  const at::Tensor spectrum = at::einsum("nchw,ndhw->cdhw", {fw, fw.conj()});
  const at::Tensor corr = at::roll(at::fft_ifft2(spectrum), {k - 1, k - 1}, {2, 3})
                              .narrow(2, 0, 2 * k - 1).narrow(3, 0, 2 * k - 1);  // d = -(k-1) .. k-1
  // G [pixel, c, c'] is filled one coil row at a time, so only one C x C x ny x nx array
  // is ever held (16 coils at 320 x 320: 210 MB rather than three times that).
  const double scale = std::sqrt(static_cast<double>(ny * nx)) / static_cast<double>(k * k);
  at::Tensor g = at::empty({ny * nx, coils, coils}, at::kComplexFloat);
  for (int64_t c = 0; c < coils; ++c) {
    at::Tensor coeffs = at::zeros({coils, ny, nx}, at::kComplexFloat);
    coeffs.narrow(1, ny / 2 - (k - 1), 2 * k - 1).narrow(2, nx / 2 - (k - 1), 2 * k - 1).copy_(corr[c]);
    g.select(1, c).copy_((ifft2c(coeffs) * scale).reshape({coils, ny * nx}).transpose(0, 1));
  }
  at::Tensor vectors, values;
  leading_eigenpairs(g, vectors, values);
  at::Tensor maps = vectors.transpose(0, 1);  // [C, ny*nx]

  if (o.rotate_phase) {
    // Fix the arbitrary per-pixel phase against the first principal component of the
    // calibration data, so maps are smooth and comparable between runs.
    const at::Tensor coil_data = acs.reshape({coils, -1});
    const at::Tensor u = std::get<0>(at::linalg_svd(coil_data, false)).select(1, 0);  // [C]
    const at::Tensor ref = at::matmul(u.conj().unsqueeze(0), maps).squeeze(0);
    maps = maps * (at::conj(ref) / ref.abs().clamp_min(1e-20)).unsqueeze(0);
  }
  const at::Tensor keep = (values >= o.crop).to(at::kComplexFloat);
  EspiritResult result;
  result.maps = (maps * keep.unsqueeze(0)).reshape({coils, ny, nx}).contiguous();
  if (o.absorb_phase) result.maps = absorb_image_phase(kspace, mask, result.maps, o.calibration);
  result.eigenvalues = values.reshape({ny, nx}).to(at::kFloat).contiguous();
  result.kernels = n;
  return result;
}

at::Tensor absorb_image_phase(const at::Tensor& kspace_in, const at::Tensor& mask, const at::Tensor& maps,
                              int64_t calibration) {
  const at::Tensor kspace = kspace_in.to(at::kComplexFloat);
  return maps * calibration_phase(kspace, calibration_block(mask.to(at::kBool), calibration), maps).unsqueeze(0);
}

}  // namespace ambient::recon
