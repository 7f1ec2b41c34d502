#include "image_panel.hpp"

#include <QHBoxLayout>
#include <QResizeEvent>
#include <QVBoxLayout>
#include <cmath>

#include "figure.hpp"

namespace ambient::gui {

ImagePanel::ImagePanel(PanelState state, QWidget* parent)
    : QFrame(parent), state_(std::move(state)), title_(new QLabel), canvas_(new ImageCanvas), color_bar_(new ColorBar) {
  setFrameShape(QFrame::Box);
  setLineWidth(2);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(3, 3, 3, 3);
  title_->setAlignment(Qt::AlignCenter);
  // A long title is elided, never widens the panel; the full one is the tooltip.
  title_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
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

QString ImagePanel::shown_title() const { return title_->text(); }

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
  const auto& o = state_.orientation;
  if (o.quarter_turns || o.mirrored) {
    // Mirrored then turned k is turned -k then mirrored: said in the order a user acts.
    const int turns = o.mirrored ? (4 - o.quarter_turns) % 4 : o.quarter_turns;
    QStringList how;
    if (turns) how << QString("turned %1° right").arg(90 * turns);
    if (o.mirrored) how << "mirrored";
    text += "  [" + how.join(", ") + "]";
  }
  full_title_ = text;
  title_->setToolTip(text + (a.source_path.empty() ? "" : "\n" + QString::fromStdString(a.source_path)));
  title_->setText(title_->fontMetrics().elidedText(text, Qt::ElideMiddle, std::max(20, title_->width())));
}

void ImagePanel::resizeEvent(QResizeEvent* event) {
  QFrame::resizeEvent(event);
  update_title();
}

void ImagePanel::redraw() {
  canvas_->set_image(render_plane(state_));
  canvas_->set_view(state_.zoom, QPointF(state_.centre_x, state_.centre_y));
  color_bar_->set(state_.colormap, state_.window);
  update_title();
}

}  // namespace ambient::gui
