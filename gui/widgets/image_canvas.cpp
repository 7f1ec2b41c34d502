#include "image_canvas.hpp"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace ambient::gui {

ImageCanvas::ImageCanvas(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setMinimumSize(120, 120);
  setFocusPolicy(Qt::ClickFocus);
  setAutoFillBackground(true);
  QPalette p = palette();
  p.setColor(QPalette::Window, Qt::black);
  setPalette(p);
}

void ImageCanvas::set_image(const QImage& image) {
  image_ = image;
  update();
}

void ImageCanvas::set_view(double zoom, QPointF centre) {
  zoom_ = zoom;
  centre_ = centre;
  update();
}

void ImageCanvas::set_crosshair(std::optional<QPointF> point) {
  crosshair_ = point;
  update();
}

void ImageCanvas::set_roi(std::optional<QRectF> rect) {
  roi_ = rect;
  update();
}

double ImageCanvas::effective_zoom() const {
  if (zoom_ > 0 || image_.isNull()) return zoom_ > 0 ? zoom_ : 1;
  return std::min(width() / double(image_.width()), height() / double(image_.height()));
}

QPointF ImageCanvas::centre() const {
  if (centre_.x() >= 0 && centre_.y() >= 0) return centre_;
  return QPointF(image_.width() / 2.0, image_.height() / 2.0);
}

QPointF ImageCanvas::to_image(QPointF p) const {
  const double z = effective_zoom();
  return centre() + (p - QPointF(width() / 2.0, height() / 2.0)) / z;
}

QPointF ImageCanvas::to_widget(QPointF p) const {
  const double z = effective_zoom();
  return QPointF(width() / 2.0, height() / 2.0) + (p - centre()) * z;
}

void ImageCanvas::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  if (image_.isNull()) return;
  const QRectF target(to_widget({0, 0}), to_widget(QPointF(image_.width(), image_.height())));
  painter.setRenderHint(QPainter::SmoothPixmapTransform, false);  // show pixels as pixels
  painter.drawImage(target, image_);
  if (crosshair_) {
    painter.setPen(QPen(QColor(255, 200, 0, 180), 1));
    const QPointF c = to_widget(*crosshair_);
    painter.drawLine(QPointF(0, c.y()), QPointF(width(), c.y()));
    painter.drawLine(QPointF(c.x(), 0), QPointF(c.x(), height()));
  }
  for (const auto& r : {roi_, drawing_roi_}) {
    if (!r) continue;
    painter.setPen(QPen(QColor(0, 220, 255), 1.5));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRectF(to_widget(r->topLeft()), to_widget(r->bottomRight())));
  }
}

void ImageCanvas::wheelEvent(QWheelEvent* e) {
  if (image_.isNull()) return;
  const double factor = std::pow(1.2, e->angleDelta().y() / 120.0);
  const QPointF anchor = to_image(e->position());
  const double zoom = std::clamp(effective_zoom() * factor, 0.05, 64.0);
  // Keep the image point under the cursor where it is.
  const QPointF offset = (e->position() - QPointF(width() / 2.0, height() / 2.0)) / zoom;
  Q_EMIT view_changed(zoom, anchor - offset);
}

void ImageCanvas::mousePressEvent(QMouseEvent* e) {
  Q_EMIT activated();
  drag_start_ = last_ = e->position();
  if (e->button() == Qt::LeftButton && (e->modifiers() & Qt::ShiftModifier)) drag_ = Drag::roi;
  else if (e->button() == Qt::LeftButton || e->button() == Qt::MiddleButton) drag_ = Drag::pan;
  else if (e->button() == Qt::RightButton) drag_ = Drag::window;
}

void ImageCanvas::mouseMoveEvent(QMouseEvent* e) {
  const QPointF p = e->position();
  Q_EMIT hovered(to_image(p));
  if (drag_ == Drag::pan) {
    Q_EMIT view_changed(effective_zoom(), centre() - (p - last_) / effective_zoom());
  } else if (drag_ == Drag::window) {
    const QPointF d = p - last_;
    Q_EMIT window_dragged(d.x() / std::max(1, width()), -d.y() / std::max(1, height()));
  } else if (drag_ == Drag::roi) {
    drawing_roi_ = QRectF(to_image(drag_start_), to_image(p)).normalized();
    update();
  }
  last_ = p;
}

void ImageCanvas::mouseReleaseEvent(QMouseEvent* e) {
  if (drag_ == Drag::roi) {
    const QRectF r = QRectF(to_image(drag_start_), to_image(e->position())).normalized();
    drawing_roi_.reset();
    Q_EMIT roi_drawn(r);
  }
  drag_ = Drag::none;
}

void ImageCanvas::mouseDoubleClickEvent(QMouseEvent*) { Q_EMIT view_changed(0, QPointF(-1, -1)); }

}  // namespace ambient::gui
