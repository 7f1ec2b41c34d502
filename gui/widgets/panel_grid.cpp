#include "panel_grid.hpp"

#include <QGridLayout>
#include <QLabel>
#include <QResizeEvent>
#include <algorithm>
#include <cmath>

#include "image_panel.hpp"

namespace ambient::gui {

PanelGrid::PanelGrid(QWidget* parent)
    : QScrollArea(parent), content_(new QWidget), layout_(new QGridLayout(content_)), hint_(new QLabel) {
  layout_->setContentsMargins(2, 2, 2, 2);
  layout_->setSpacing(4);
  hint_->setAlignment(Qt::AlignCenter);
  hint_->setWordWrap(true);
  layout_->addWidget(hint_, 0, 0);
  setWidget(content_);
  setWidgetResizable(true);  // the content fills the view, down to its minimum size, then scrolls
  setFrameShape(QFrame::NoFrame);
  setMinimumSize(min_panel_width, min_panel_height);
}

void PanelGrid::set_panels(const std::vector<ImagePanel*>& panels) {
  panels_ = panels;
  relayout();
}

void PanelGrid::set_empty_hint(const QString& text) { hint_->setText(text); }

void PanelGrid::resizeEvent(QResizeEvent* event) {
  QScrollArea::resizeEvent(event);
  if (event->size().width() != event->oldSize().width()) relayout();
}

void PanelGrid::relayout() {
  for (auto* p : panels_) layout_->removeWidget(p);
  layout_->removeWidget(hint_);
  const int n = int(panels_.size());
  hint_->setVisible(n == 0);
  if (n == 0) {
    layout_->addWidget(hint_, 0, 0);
    return;
  }
  // A square-ish grid, narrowed to what fits side by side at the smallest panel width.
  const int fit = std::max(1, viewport()->width() / (min_panel_width + layout_->spacing()));
  columns_ = std::clamp(int(std::ceil(std::sqrt(double(n)))), 1, fit);
  for (int i = 0; i < n; ++i) {
    panels_[i]->setMinimumSize(min_panel_width, min_panel_height);
    layout_->addWidget(panels_[i], i / columns_, i % columns_);
  }
  for (int c = 0; c < layout_->columnCount(); ++c) layout_->setColumnStretch(c, c < columns_ ? 1 : 0);
  for (int r = 0; r < layout_->rowCount(); ++r) layout_->setRowStretch(r, 1);
}

}  // namespace ambient::gui
