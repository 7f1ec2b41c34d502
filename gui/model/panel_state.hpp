#pragma once
// Everything one panel shows and how: the array and its related arrays, the plane, the
// display mode, colormap, window, zoom and pan. Linking copies these between panels.
#include <ATen/core/Tensor.h>

#include <utility>
#include <vector>

#include "display.hpp"
#include "view_array.hpp"

namespace ambient::gui {

// How the plane is turned on screen: mirrored left-right first, then turned clockwise by
// quarter turns. Display only: metrics and saved images use the array as stored.
struct Orientation {
  int quarter_turns = 0;  // 0..3, clockwise
  bool mirrored = false;
  bool operator==(const Orientation& o) const { return quarter_turns == o.quarter_turns && mirrored == o.mirrored; }
};

struct PanelState {
  ViewArray array;
  // Arrays that belong with this one: a scan's k-space and mask, a reconstruction's mask,
  // uncertainty and samples. The comparison menu opens them as panels of their own.
  std::vector<ViewArray> related;
  ViewPosition position;
  DisplayMode mode = DisplayMode::magnitude;
  Colormap colormap = Colormap::gray;
  Window window;
  double zoom = 0;                   // screen pixels per image pixel; 0: fit the panel
  double centre_x = -1, centre_y = -1;  // image point at the panel's centre; < 0: the image's centre
  Orientation orientation;
};

// The defaults of an array's kind: k-space in log-magnitude, differences with a diverging
// map and a symmetric window, masks 0..1, images in magnitude with the 1-99 % window.
PanelState make_panel_state(ViewArray array, std::vector<ViewArray> related = {});

// The current plane as displayed (complex, turned by the orientation) and its displayed
// values [h, w]; native_plane is the same plane as stored (what metrics compare).
at::Tensor current_plane(const PanelState& state);
at::Tensor current_values(const PanelState& state);
at::Tensor native_plane(const PanelState& state);
// The stored (x, y) of a displayed pixel of the current plane.
std::pair<int64_t, int64_t> native_pixel(const PanelState& state, int64_t x, int64_t y);
// The orientation after a further quarter turn clockwise (+1) or anticlockwise (-1), or a
// left-right flip of what is displayed.
Orientation turned(Orientation o, int quarter_turns);
Orientation flipped(Orientation o);

// The window preset for the state's kind and mode (used on open and on mode changes).
Window default_window(const PanelState& state);

// A related array of the given kind, or nullptr.
const ViewArray* related_of_kind(const PanelState& state, ViewKind kind);

// `to` moved to `from`'s index along every axis both arrays name alike that neither draws as x
// or y (clamped to `to_array`'s sizes): the same slice, as linking and scoring mean it.
ViewPosition following(const PanelState& from, const ViewArray& to_array, ViewPosition to);

// Linking: zoom, pan, orientation and the index of every axis that both arrays name alike and
// the source does not draw as x or y; the window, mode and colormap only between panels of
// the same kind (a difference keeps its own).
void copy_linked(const PanelState& from, PanelState& to);

}  // namespace ambient::gui
