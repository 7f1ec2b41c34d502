#include "display.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "ambient/core/error.hpp"

namespace ambient::gui {

namespace {

using Rgb = std::array<uint8_t, 3>;
using Table = std::array<Rgb, 256>;

// Piecewise-linear interpolation between anchor colours spread evenly over [0, 1].
Table interpolate(const std::vector<std::array<double, 3>>& anchors) {
  Table t{};
  const int segments = static_cast<int>(anchors.size()) - 1;
  for (int i = 0; i < 256; ++i) {
    const double s = i / 255.0 * segments;
    const int k = std::min(static_cast<int>(s), segments - 1);
    const double f = s - k;
    for (int c = 0; c < 3; ++c)
      t[i][c] = static_cast<uint8_t>(std::lround(255 * ((1 - f) * anchors[k][c] + f * anchors[k + 1][c])));
  }
  return t;
}

Table make_table(Colormap map) {
  switch (map) {
    case Colormap::gray:
      return interpolate({{0, 0, 0}, {1, 1, 1}});
    case Colormap::viridis:  // matplotlib's viridis sampled at 9 points
      return interpolate({{0.267, 0.005, 0.329}, {0.283, 0.141, 0.458}, {0.254, 0.265, 0.530},
                          {0.207, 0.372, 0.553}, {0.164, 0.471, 0.558}, {0.128, 0.567, 0.551},
                          {0.135, 0.659, 0.518}, {0.267, 0.749, 0.441}, {0.478, 0.821, 0.318},
                          {0.741, 0.873, 0.150}, {0.993, 0.906, 0.144}});
    case Colormap::phase:  // cyclic: the first and last entries meet (matplotlib's twilight, coarsely)
      return interpolate({{0.886, 0.851, 0.886}, {0.514, 0.592, 0.765}, {0.369, 0.251, 0.651},
                          {0.184, 0.078, 0.231}, {0.573, 0.208, 0.290}, {0.788, 0.518, 0.427},
                          {0.886, 0.851, 0.886}});
    case Colormap::diverging:  // blue - white - red (ColorBrewer RdBu, reversed)
      return interpolate({{0.020, 0.188, 0.380}, {0.263, 0.576, 0.765}, {0.969, 0.969, 0.969},
                          {0.839, 0.376, 0.302}, {0.404, 0.000, 0.122}});
  }
  throw Error("unknown colormap");
}

double percentile_of(const at::Tensor& values, double percent) {
  const at::Tensor v = values.flatten().to(at::kDouble);
  if (v.numel() == 0) return 0;
  return at::quantile(v, std::clamp(percent, 0.0, 100.0) / 100).item<double>();
}

// A window never has zero width: constant planes still render (as the window's low colour).
Window widened(Window w) {
  if (!(w.high > w.low)) w.high = w.low + std::max(1e-12, std::abs(w.low) * 1e-6);
  return w;
}

}  // namespace

std::string mode_name(DisplayMode m) {
  switch (m) {
    case DisplayMode::magnitude: return "magnitude";
    case DisplayMode::phase: return "phase";
    case DisplayMode::real: return "real";
    case DisplayMode::imaginary: return "imaginary";
    case DisplayMode::log_magnitude: return "log-magnitude";
  }
  return "?";
}

DisplayMode parse_mode(const std::string& name) {
  for (DisplayMode m : all_modes())
    if (mode_name(m) == name) return m;
  throw Error("unknown display mode '" + name + "'");
}

std::string colormap_name(Colormap m) {
  switch (m) {
    case Colormap::gray: return "gray";
    case Colormap::viridis: return "viridis";
    case Colormap::phase: return "phase";
    case Colormap::diverging: return "diverging";
  }
  return "?";
}

Colormap parse_colormap(const std::string& name) {
  for (Colormap m : all_colormaps())
    if (colormap_name(m) == name) return m;
  throw Error("unknown colormap '" + name + "'");
}

std::vector<DisplayMode> all_modes() {
  return {DisplayMode::magnitude, DisplayMode::phase, DisplayMode::real, DisplayMode::imaginary,
          DisplayMode::log_magnitude};
}

std::vector<Colormap> all_colormaps() {
  return {Colormap::gray, Colormap::viridis, Colormap::phase, Colormap::diverging};
}

at::Tensor displayed_values(const at::Tensor& plane, DisplayMode mode) {
  const at::Tensor z = plane.to(at::kComplexFloat);
  switch (mode) {
    case DisplayMode::magnitude: return at::abs(z);
    case DisplayMode::phase: return at::angle(z);
    case DisplayMode::real: return at::real(z).contiguous();
    case DisplayMode::imaginary: return at::imag(z).contiguous();
    case DisplayMode::log_magnitude: {
      const at::Tensor m = at::abs(z);
      const double scale = std::max(m.max().item<double>() * 1e-4, 1e-30);
      return at::log10(1 + m / scale);
    }
  }
  throw Error("unknown display mode");
}

Window Window::from_level_width(double level, double width) {
  return widened({level - width / 2, level + width / 2});
}

Window percentile_window(const at::Tensor& values, double low, double high) {
  return widened({percentile_of(values, low), percentile_of(values, high)});
}

Window min_max_window(const at::Tensor& values) {
  return widened({values.min().item<double>(), values.max().item<double>()});
}

Window symmetric_window(const at::Tensor& values, double percent) {
  const double r = percentile_of(at::abs(values), percent);
  return widened({-r, r});
}

Window phase_window() { return {-M_PI, M_PI}; }

const Table& colormap_table(Colormap map) {
  static const Table gray = make_table(Colormap::gray), viridis = make_table(Colormap::viridis),
                     phase = make_table(Colormap::phase), diverging = make_table(Colormap::diverging);
  switch (map) {
    case Colormap::gray: return gray;
    case Colormap::viridis: return viridis;
    case Colormap::phase: return phase;
    case Colormap::diverging: return diverging;
  }
  throw Error("unknown colormap");
}

std::vector<uint32_t> render_pixels(const at::Tensor& values, const Window& window, Colormap map) {
  const at::Tensor v = values.to(at::kFloat).contiguous();
  const Table& table = colormap_table(map);
  const Window w = widened(window);
  const double scale = 255.0 / w.width();
  const float* p = v.data_ptr<float>();
  std::vector<uint32_t> out(v.numel());
  for (size_t i = 0; i < out.size(); ++i) {
    const double s = std::isfinite(p[i]) ? (p[i] - w.low) * scale : 0;
    const Rgb& c = table[static_cast<size_t>(std::lround(std::clamp(s, 0.0, 255.0)))];
    out[i] = 0xff000000u | (uint32_t(c[0]) << 16) | (uint32_t(c[1]) << 8) | c[2];
  }
  return out;
}

}  // namespace ambient::gui
