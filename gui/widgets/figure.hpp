#pragma once
// A publication figure of the panel grid: every panel's displayed plane at its native pixel
// size times a scale (nearest neighbour, no selection marks or crosshair), its title above,
// its colour bar beside it and, optionally, its comparison numbers below; written as PNG or
// as vector PDF (Qt's QPdfWriter: the images stay pixel-exact inside).
#include <QImage>
#include <QSize>
#include <QString>
#include <optional>
#include <vector>

#include "../model/comparison.hpp"
#include "../model/panel_state.hpp"

class QPainter;

namespace ambient::gui {

struct FigurePanel {
  const PanelState* state;
  QString title;
  std::optional<ComparisonRow> numbers;  // shown under the image when FigureOptions::metrics
};

struct FigureOptions {
  int scale = 2;        // screen pixels per image pixel (1 to 8)
  int columns = 0;      // 0: about a square grid
  bool metrics = true;  // PSNR / SSIM under each scored panel
};

// The plane as drawn on screen: displayed values through the window and colormap.
QImage render_plane(const PanelState& state);

QSize figure_size(const std::vector<FigurePanel>& panels, const FigureOptions& options);
void paint_figure(QPainter& painter, const std::vector<FigurePanel>& panels, const FigureOptions& options);
// Writes PNG or PDF by the path's suffix (Error for another suffix), atomically; refuses to
// replace an existing file unless `overwrite`.
void write_figure(const QString& path, const std::vector<FigurePanel>& panels, const FigureOptions& options,
                  bool overwrite);

}  // namespace ambient::gui
