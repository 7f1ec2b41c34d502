#include "color_bar.hpp"

#include <QPainter>

namespace ambient::gui {

void paint_color_bar(QPainter& p, const QRect& area, Colormap map, const Window& window, const QColor& text) {
  const auto& table = colormap_table(map);
  const int label = p.fontMetrics().height() + 2;
  const QRect bar(area.left() + 4, area.top() + label, 14, area.height() - 2 * label);
  for (int y = 0; y < bar.height(); ++y) {
    const auto& c = table[255 - y * 255 / std::max(1, bar.height() - 1)];
    p.setPen(QColor(c[0], c[1], c[2]));
    p.drawLine(bar.left(), bar.top() + y, bar.right(), bar.top() + y);
  }
  p.setPen(text);
  p.drawRect(bar.adjusted(0, 0, -1, -1));
  p.drawText(QRect(area.left(), area.top(), area.width(), label), Qt::AlignLeft | Qt::AlignVCenter,
             QString::number(window.high, 'g', 3));
  p.drawText(QRect(area.left(), area.bottom() + 1 - label, area.width(), label), Qt::AlignLeft | Qt::AlignVCenter,
             QString::number(window.low, 'g', 3));
}

ColorBar::ColorBar(QWidget* parent) : QWidget(parent) { setFixedWidth(64); }

void ColorBar::set(Colormap map, const Window& window) {
  map_ = map;
  window_ = window;
  update();
}

void ColorBar::paintEvent(QPaintEvent*) {
  QPainter p(this);
  paint_color_bar(p, rect(), map_, window_, palette().color(QPalette::WindowText));
}

}  // namespace ambient::gui
