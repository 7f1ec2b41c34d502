#pragma once
// One panel of the grid: a title, the image canvas and a colour bar, over a PanelState.
// Changes made with the mouse update the state and are announced, so the window can
// apply them to linked panels.
#include <QFrame>
#include <QLabel>
#include <optional>

#include "../model/comparison.hpp"
#include "../model/panel_state.hpp"
#include "color_bar.hpp"
#include "image_canvas.hpp"

namespace ambient::gui {

class ImagePanel : public QFrame {
  Q_OBJECT
 public:
  explicit ImagePanel(PanelState state, QWidget* parent = nullptr);

  const PanelState& state() const { return state_; }
  // Replaces the state and redraws (no signal: the caller made the change).
  void set_state(PanelState state);
  QString title() const;
  void set_selected(bool selected);
  void set_reference_mark(bool is_reference);
  void set_crosshair(std::optional<QPointF> point) { canvas_->set_crosshair(point); }
  void set_roi(std::optional<Roi> roi);
  ImageCanvas* canvas() const { return canvas_; }
  // The title as shown (elided to the panel's width) and in full (also the tooltip).
  QString shown_title() const;
  QString full_title() const { return full_title_; }

 Q_SIGNALS:
  void activated(ImagePanel* panel);
  void state_changed(ImagePanel* panel);  // zoom, pan or window changed by the user
  void hovered(ImagePanel* panel, QPointF image_point);
  void roi_drawn(ImagePanel* panel, Roi roi);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void redraw();
  void update_title();

  PanelState state_;
  QLabel* title_;
  QString full_title_;
  ImageCanvas* canvas_;
  ColorBar* color_bar_;
  bool is_reference_ = false;
};

}  // namespace ambient::gui
