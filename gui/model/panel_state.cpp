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

at::Tensor native_plane(const PanelState& s) { return plane(s.array, s.position); }

at::Tensor current_plane(const PanelState& s) {
  at::Tensor p = native_plane(s);
  if (s.orientation.mirrored) p = p.flip({1});
  // A clockwise quarter turn: the new row r is the old column r read from the bottom up.
  for (int k = 0; k < s.orientation.quarter_turns; ++k) p = p.transpose(0, 1).flip({1});
  return p.contiguous();
}

std::pair<int64_t, int64_t> native_pixel(const PanelState& s, int64_t x, int64_t y) {
  const at::Tensor p = native_plane(s);
  int64_t w = p.size(1), h = p.size(0);  // of the plane after each undone step
  for (int k = 0; k < s.orientation.quarter_turns; ++k) std::swap(w, h);
  for (int k = 0; k < s.orientation.quarter_turns; ++k) {  // undo one clockwise turn
    // displayed (x, y) of a w x h plane came from (y, h_before - 1 - x) where h_before = w
    const int64_t old_x = y, old_y = w - 1 - x;
    x = old_x, y = old_y;
    std::swap(w, h);
  }
  if (s.orientation.mirrored) x = w - 1 - x;
  return {x, y};
}

Orientation turned(Orientation o, int quarter_turns) {
  o.quarter_turns = ((o.quarter_turns + quarter_turns) % 4 + 4) % 4;
  return o;
}

Orientation flipped(Orientation o) {
  // Mirroring what is displayed: undo the turns, mirror, turn back the other way.
  o.mirrored = !o.mirrored;
  o.quarter_turns = (4 - o.quarter_turns) % 4;
  return o;
}

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

ViewPosition following(const PanelState& from, const ViewArray& to_array, ViewPosition to) {
  const auto& p = from.position;
  for (size_t a = 0; a < from.array.axes.size(); ++a) {
    if (int64_t(a) == p.x_axis || int64_t(a) == p.y_axis) continue;  // no index there
    for (size_t b = 0; b < to_array.axes.size(); ++b)
      if (from.array.axes[a] == to_array.axes[b] && int64_t(b) != to.x_axis && int64_t(b) != to.y_axis)
        to.index[b] = std::clamp<int64_t>(p.index[a], 0, to_array.size(b) - 1);
  }
  return to;
}

void copy_linked(const PanelState& from, PanelState& to) {
  to.zoom = from.zoom;
  to.centre_x = from.centre_x;
  to.centre_y = from.centre_y;
  to.orientation = from.orientation;
  to.position = following(from, to.array, to.position);
  if (from.array.kind == to.array.kind) {
    to.mode = from.mode;
    to.window = from.window;
    to.colormap = from.colormap;
  }
}

}  // namespace ambient::gui
