#pragma once
// A vertical colour bar: the colormap from the window's low end (bottom) to its high end
// (top), labelled with both values. The painting is shared with figure export.
#include <QColor>
#include <QRect>
#include <QWidget>

#include "../model/display.hpp"

class QPainter;

namespace ambient::gui {

// Paints the bar and its two labels into `area` (labels above and below the bar).
void paint_color_bar(QPainter& painter, const QRect& area, Colormap map, const Window& window, const QColor& text);

class ColorBar : public QWidget {
  Q_OBJECT
 public:
  explicit ColorBar(QWidget* parent = nullptr);
  void set(Colormap map, const Window& window);
  QSize sizeHint() const override { return {64, 200}; }

 protected:
  void paintEvent(QPaintEvent*) override;

 private:
  Colormap map_ = Colormap::gray;
  Window window_;
};

}  // namespace ambient::gui
