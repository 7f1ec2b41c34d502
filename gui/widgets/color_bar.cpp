#include "color_bar.hpp"

#include <QPainter>

namespace ambient::gui {

ColorBar::ColorBar(QWidget* parent) : QWidget(parent) { setFixedWidth(64); }

void ColorBar::set(Colormap map, const Window& window) {
  map_ = map;
  window_ = window;
  update();
}

void ColorBar::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const auto& table = colormap_table(map_);
  const int label = fontMetrics().height() + 2;
  const QRect bar(4, label, 14, height() - 2 * label);
  for (int y = 0; y < bar.height(); ++y) {
    const auto& c = table[255 - y * 255 / std::max(1, bar.height() - 1)];
    p.setPen(QColor(c[0], c[1], c[2]));
    p.drawLine(bar.left(), bar.top() + y, bar.right(), bar.top() + y);
  }
  p.setPen(palette().color(QPalette::WindowText));
  p.drawRect(bar.adjusted(0, 0, -1, -1));
  p.drawText(QRect(0, 0, width(), label), Qt::AlignLeft | Qt::AlignVCenter, QString::number(window_.high, 'g', 3));
  p.drawText(QRect(0, height() - label, width(), label), Qt::AlignLeft | Qt::AlignVCenter,
             QString::number(window_.low, 'g', 3));
}

}  // namespace ambient::gui
