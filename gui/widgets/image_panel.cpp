#include "image_panel.hpp"

#include <QHBoxLayout>
#include <QVBoxLayout>
#include <cmath>

namespace ambient::gui {

ImagePanel::ImagePanel(PanelState state, QWidget* parent)
    : QFrame(parent), state_(std::move(state)), title_(new QLabel), canvas_(new ImageCanvas), color_bar_(new ColorBar) {
  setFrameShape(QFrame::Box);
  setLineWidth(2);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(3, 3, 3, 3);
  title_->setAlignment(Qt::AlignCenter);
  layout->addWidget(title_);
  auto* row = new QHBoxLayout;
  row->addWidget(canvas_, 1);
  row->addWidget(color_bar_);
  layout->addLayout(row, 1);

  connect(canvas_, &ImageCanvas::activated, this, [this] { Q_EMIT activated(this); });
  connect(canvas_, &ImageCanvas::hovered, this, [this](QPointF p) { Q_EMIT hovered(this, p); });
  connect(canvas_, &ImageCanvas::view_changed, this, [this](double zoom, QPointF centre) {
    state_.zoom = zoom;
    state_.centre_x = centre.x();
    state_.centre_y = centre.y();
    canvas_->set_view(zoom, centre);
    Q_EMIT state_changed(this);
  });
  connect(canvas_, &ImageCanvas::window_dragged, this, [this](double dx, double dy) {
    const Window w = state_.window;
    const double width = std::max(w.width() * std::exp(2 * dx), 1e-12);
    state_.window = Window::from_level_width(w.level() + dy * w.width(), width);
    redraw();
    Q_EMIT state_changed(this);
  });
  connect(canvas_, &ImageCanvas::roi_drawn, this, [this](QRectF r) {
    const Roi roi{int64_t(std::floor(r.left())), int64_t(std::floor(r.top())), int64_t(std::floor(r.right())),
                  int64_t(std::floor(r.bottom()))};
    Q_EMIT roi_drawn(this, roi);
  });
  set_selected(false);
  redraw();
}

void ImagePanel::set_state(PanelState state) {
  state_ = std::move(state);
  redraw();
}

QString ImagePanel::title() const { return QString::fromStdString(state_.array.title); }

void ImagePanel::set_selected(bool selected) {
  QPalette p = palette();
  p.setColor(QPalette::WindowText, selected ? QColor(40, 120, 255) : QColor(90, 90, 90));
  setPalette(p);
}

void ImagePanel::set_reference_mark(bool is_reference) {
  is_reference_ = is_reference;
  update_title();
}

void ImagePanel::set_roi(std::optional<Roi> roi) {
  if (!roi) return canvas_->set_roi(std::nullopt);
  canvas_->set_roi(QRectF(QPointF(roi->x0, roi->y0), QPointF(roi->x1 + 1, roi->y1 + 1)));
}

void ImagePanel::update_title() {
  QString text = title();
  const auto& a = state_.array;
  const auto& p = state_.position;
  QStringList where;
  for (int64_t d = 0; d < a.rank(); ++d)
    if (d != p.x_axis && d != p.y_axis && a.size(d) > 1)
      where << QString("%1 %2/%3").arg(QString::fromStdString(a.axes[d])).arg(p.index[d] + 1).arg(a.size(d));
  if (!where.isEmpty()) text += "  [" + where.join(", ") + "]";
  if (is_reference_) text += "  (reference)";
  title_->setText(text);
}

void ImagePanel::redraw() {
  const at::Tensor values = current_values(state_);
  const std::vector<uint32_t> pixels = render_pixels(values, state_.window, state_.colormap);
  const int h = int(values.size(0)), w = int(values.size(1));
  QImage image(w, h, QImage::Format_RGB32);
  for (int y = 0; y < h; ++y) std::copy_n(pixels.data() + size_t(y) * w, w, reinterpret_cast<uint32_t*>(image.scanLine(y)));
  canvas_->set_image(image);
  canvas_->set_view(state_.zoom, QPointF(state_.centre_x, state_.centre_y));
  color_bar_->set(state_.colormap, state_.window);
  update_title();
}

}  // namespace ambient::gui
