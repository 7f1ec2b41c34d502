#include "panel_state.hpp"

#include <ATen/ATen.h>

#include <algorithm>

namespace ambient::gui {

PanelState make_panel_state(ViewArray array, std::vector<ViewArray> related) {
  PanelState s;
  s.array = std::move(array);
  s.related = std::move(related);
  s.position = default_position(s.array);
  switch (s.array.kind) {
    case ViewKind::kspace: s.mode = DisplayMode::log_magnitude; break;
    case ViewKind::difference: s.mode = DisplayMode::real, s.colormap = Colormap::diverging; break;
    case ViewKind::uncertainty: s.colormap = Colormap::viridis; break;
    default: break;
  }
  s.window = default_window(s);
  return s;
}

at::Tensor current_plane(const PanelState& s) { return plane(s.array, s.position); }

at::Tensor current_values(const PanelState& s) { return displayed_values(current_plane(s), s.mode); }

Window default_window(const PanelState& s) {
  if (s.mode == DisplayMode::phase) return phase_window();
  if (s.array.kind == ViewKind::mask) return {0, 1};
  const at::Tensor values = current_values(s);
  if (s.array.kind == ViewKind::difference || s.mode == DisplayMode::real || s.mode == DisplayMode::imaginary)
    return symmetric_window(values);
  if (s.mode == DisplayMode::log_magnitude) return min_max_window(values);
  return percentile_window(values);
}

const ViewArray* related_of_kind(const PanelState& s, ViewKind kind) {
  for (const auto& r : s.related)
    if (r.kind == kind) return &r;
  return nullptr;
}

void copy_linked(const PanelState& from, PanelState& to) {
  to.zoom = from.zoom;
  to.centre_x = from.centre_x;
  to.centre_y = from.centre_y;
  for (size_t a = 0; a < from.array.axes.size(); ++a)
    for (size_t b = 0; b < to.array.axes.size(); ++b)
      if (from.array.axes[a] == to.array.axes[b])
        to.position.index[b] = std::clamp<int64_t>(from.position.index[a], 0, to.array.size(b) - 1);
  if (from.array.kind == to.array.kind) {
    to.mode = from.mode;
    to.window = from.window;
  }
}

}  // namespace ambient::gui
