#include "ambient/recon/simulation.hpp"

#include <ATen/ATen.h>

#include <cmath>

namespace ambient::recon {

namespace {

// Normalised pixel coordinates in [-1, 1), y down the rows, x across the columns.
std::pair<at::Tensor, at::Tensor> grid(int64_t ny, int64_t nx) {
  const auto opts = at::TensorOptions().dtype(at::kDouble);
  const at::Tensor y = (at::arange(ny, opts) - ny / 2) / (ny / 2.0);
  const at::Tensor x = (at::arange(nx, opts) - nx / 2) / (nx / 2.0);
  auto mesh = at::meshgrid({y, x}, "ij");
  return {mesh[0], mesh[1]};
}

}  // namespace

at::Tensor birdcage_maps(int64_t coils, int64_t ny, int64_t nx, double radius) {
  const auto [y, x] = grid(ny, nx);
  std::vector<at::Tensor> maps;
  for (int64_t c = 0; c < coils; ++c) {
    const double angle = 2 * M_PI * static_cast<double>(c) / static_cast<double>(coils);
    const at::Tensor dx = x - radius * std::cos(angle);
    const at::Tensor dy = y - radius * std::sin(angle);
    const at::Tensor distance = at::sqrt(dx * dx + dy * dy);
    const at::Tensor phase = at::atan2(dx, -dy) - angle;
    maps.push_back(at::polar(1.0 / distance, phase));
  }
  at::Tensor s = at::stack(maps);
  s = s / at::sqrt(at::sum(at::real(s * at::conj(s)), 0, true));
  return s.to(at::kComplexFloat);
}

at::Tensor random_coil_maps(int64_t coils, int64_t ny, int64_t nx, at::Generator generator) {
  const auto [y, x] = grid(ny, nx);
  auto uniform = [&](double low, double high) {
    return low + (high - low) * at::rand({1}, generator, at::kDouble).item<double>();
  };
  const double semi_x = uniform(1.1, 2.0), semi_y = uniform(1.1, 2.0), rotation = uniform(0, 2 * M_PI);
  std::vector<at::Tensor> maps;
  for (int64_t c = 0; c < coils; ++c) {
    const double jitter = uniform(-0.3, 0.3) * M_PI / static_cast<double>(coils);
    const double angle = rotation + 2 * M_PI * static_cast<double>(c) / static_cast<double>(coils) + jitter;
    const at::Tensor dx = x - semi_x * std::cos(angle);
    const at::Tensor dy = y - semi_y * std::sin(angle);
    const at::Tensor distance = at::sqrt(dx * dx + dy * dy);
    const at::Tensor phase = at::atan2(dx, -dy) - angle + uniform(-M_PI, M_PI);
    maps.push_back(at::polar(uniform(0.7, 1.3) * at::pow(distance, -uniform(0.7, 1.6)), phase));
  }
  at::Tensor s = at::stack(maps);
  s = s / at::sqrt(at::sum(at::real(s * at::conj(s)), 0, true));
  return s.to(at::kComplexFloat);
}

at::Tensor smooth_random_phase(int64_t ny, int64_t nx, double max_radians, at::Generator generator) {
  const auto [y, x] = grid(ny, nx);
  at::Tensor phi = at::zeros({ny, nx}, at::kDouble);
  const auto opts = at::TensorOptions().dtype(at::kDouble);
  // A handful of random low-order cosines: smooth like B0/B1 phase, never wrapping twice.
  for (int order_y = 0; order_y <= 2; ++order_y)
    for (int order_x = 0; order_x <= 2; ++order_x) {
      const at::Tensor r = at::rand({2}, generator, opts);
      const double amplitude = (r[0].item<double>() * 2 - 1) / (1 + order_x + order_y);
      const double shift = r[1].item<double>() * 2 * M_PI;
      phi += amplitude * at::cos(M_PI / 2 * (order_y * y + order_x * x) + shift);
    }
  phi = phi / phi.abs().max().clamp_min(1e-12) * max_radians;
  return at::polar(at::ones_like(phi), phi).to(at::kComplexFloat);
}

at::Tensor shepp_logan(int64_t ny, int64_t nx) {
  // Ellipses: intensity, semi-axis a (x), semi-axis b (y), centre x0, centre y0, angle (deg).
  static const double ellipses[10][6] = {
      {1.0, 0.69, 0.92, 0, 0, 0},          {-0.8, 0.6624, 0.8740, 0, -0.0184, 0},
      {-0.2, 0.1100, 0.3100, 0.22, 0, -18}, {-0.2, 0.1600, 0.4100, -0.22, 0, 18},
      {0.1, 0.2100, 0.2500, 0, 0.35, 0},    {0.1, 0.0460, 0.0460, 0, 0.1, 0},
      {0.1, 0.0460, 0.0460, 0, -0.1, 0},    {0.1, 0.0460, 0.0230, -0.08, -0.605, 0},
      {0.1, 0.0230, 0.0230, 0, -0.606, 0},  {0.1, 0.0230, 0.0460, 0.06, -0.605, 0}};
  const auto [y, x] = grid(ny, nx);
  at::Tensor image = at::zeros({ny, nx}, at::kDouble);
  for (const auto& e : ellipses) {
    const double t = e[5] * M_PI / 180;
    const at::Tensor xr = (x - e[3]) * std::cos(t) + (-y - e[4]) * std::sin(t);
    const at::Tensor yr = -(x - e[3]) * std::sin(t) + (-y - e[4]) * std::cos(t);
    image += e[0] * ((xr * xr / (e[1] * e[1]) + yr * yr / (e[2] * e[2])) <= 1).to(at::kDouble);
  }
  return image.clamp_min(0).to(at::kFloat);
}

}  // namespace ambient::recon
