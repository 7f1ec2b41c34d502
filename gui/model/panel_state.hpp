#pragma once
// Everything one panel shows and how: the array and its related arrays, the plane, the
// display mode, colormap, window, zoom and pan. Linking copies these between panels.
#include <ATen/core/Tensor.h>

#include <vector>

#include "display.hpp"
#include "view_array.hpp"

namespace ambient::gui {

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
};

// The defaults of an array's kind: k-space in log-magnitude, differences with a diverging
// map and a symmetric window, masks 0..1, images in magnitude with the 1-99 % window.
PanelState make_panel_state(ViewArray array, std::vector<ViewArray> related = {});

// The displayed values [h, w] of the current plane, and the plane itself (complex).
at::Tensor current_plane(const PanelState& state);
at::Tensor current_values(const PanelState& state);

// The window preset for the state's kind and mode (used on open and on mode changes).
Window default_window(const PanelState& state);

// A related array of the given kind, or nullptr.
const ViewArray* related_of_kind(const PanelState& state, ViewKind kind);

// Linking: zoom, pan and the index of every axis that both arrays name alike always; the
// window and mode only between panels of the same kind (a difference keeps its own).
void copy_linked(const PanelState& from, PanelState& to);

}  // namespace ambient::gui
