#pragma once
// A vertical colour bar: the colormap from the window's low end (bottom) to its high end
// (top), labelled with both values.
#include <QWidget>

#include "../model/display.hpp"

namespace ambient::gui {

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
