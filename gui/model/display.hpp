#pragma once
// How a complex plane becomes pixels: a display mode picks the real values, a window maps
// them to [0, 1], a colormap to colours. Pure functions, shared by panels, exports and tests.
#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ambient::gui {

enum class DisplayMode { magnitude, phase, real, imaginary, log_magnitude };
enum class Colormap { gray, viridis, phase, diverging };

std::string mode_name(DisplayMode mode);
DisplayMode parse_mode(const std::string& name);  // throws Error for unknown names
std::string colormap_name(Colormap map);
Colormap parse_colormap(const std::string& name);
std::vector<DisplayMode> all_modes();
std::vector<Colormap> all_colormaps();

// The real values a mode shows of a complex [h, w] plane (float32 [h, w]). Phase is in
// radians (-pi, pi]; log-magnitude is log10(1 + |z| / s) with s a fixed small fraction of
// the plane's largest magnitude, so k-space's centre and edges are both visible.
at::Tensor displayed_values(const at::Tensor& plane, DisplayMode mode);

struct Window {
  double low = 0, high = 1;
  double level() const { return (low + high) / 2; }
  double width() const { return high - low; }
  static Window from_level_width(double level, double width);
};

// Presets: percentiles (the 1-99 % default), the full range, a window symmetric about 0
// that holds the given percentile of |values| (difference maps), and phase's fixed range.
Window percentile_window(const at::Tensor& values, double low_percent = 1, double high_percent = 99);
Window min_max_window(const at::Tensor& values);
Window symmetric_window(const at::Tensor& values, double percent = 99);
Window phase_window();

// 256 RGB entries from the colormap's low end to its high end.
const std::array<std::array<uint8_t, 3>, 256>& colormap_table(Colormap map);

// 0xffRRGGBB per pixel (QImage::Format_RGB32 order), row-major [h, w].
std::vector<uint32_t> render_pixels(const at::Tensor& values, const Window& window, Colormap map);

}  // namespace ambient::gui
