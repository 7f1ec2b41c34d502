#pragma once
// The drawing surface of a panel: the rendered plane at a zoom and pan, a crosshair and a
// region of interest. Mouse: wheel zooms about the cursor, left-drag pans, right-drag sets
// window/level (horizontal: width, vertical: level), Shift+left-drag draws a region,
// double-click fits the image. It reports what the user did; the panel owns the state.
#include <QImage>
#include <QPointF>
#include <QRectF>
#include <QWidget>
#include <optional>

namespace ambient::gui {

class ImageCanvas : public QWidget {
  Q_OBJECT
 public:
  explicit ImageCanvas(QWidget* parent = nullptr);

  void set_image(const QImage& image);
  // zoom: screen pixels per image pixel, 0: fit; centre: the image point at the canvas centre.
  void set_view(double zoom, QPointF centre);
  void set_crosshair(std::optional<QPointF> point);  // image coordinates
  void set_roi(std::optional<QRectF> rect);          // image pixel rectangle
  double effective_zoom() const;
  QPointF centre() const;
  // Image coordinates (pixel centres at integer + 0.5) of a canvas point, and back.
  QPointF to_image(QPointF widget_point) const;
  QPointF to_widget(QPointF image_point) const;

 Q_SIGNALS:
  void activated();
  void hovered(QPointF image_point);
  void view_changed(double zoom, QPointF centre);
  // Fractions of the window's width the drag moved: dx scales the width, dy shifts the level.
  void window_dragged(double dx, double dy);
  void roi_drawn(QRectF rect);

 protected:
  void paintEvent(QPaintEvent*) override;
  void wheelEvent(QWheelEvent*) override;
  void mousePressEvent(QMouseEvent*) override;
  void mouseMoveEvent(QMouseEvent*) override;
  void mouseReleaseEvent(QMouseEvent*) override;
  void mouseDoubleClickEvent(QMouseEvent*) override;

 private:
  enum class Drag { none, pan, window, roi };
  QImage image_;
  double zoom_ = 0;
  QPointF centre_{-1, -1};
  std::optional<QPointF> crosshair_;
  std::optional<QRectF> roi_;
  Drag drag_ = Drag::none;
  QPointF drag_start_, last_;
  std::optional<QRectF> drawing_roi_;
};

}  // namespace ambient::gui
