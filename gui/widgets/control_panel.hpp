#pragma once
// The controls of the selected panel: which axes are x and y, a slider for every other
// axis, display mode, colormap, and the window (numeric entry and presets).
#include <QWidget>
#include <vector>

#include "../model/panel_state.hpp"

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QSlider;
class QVBoxLayout;

namespace ambient::gui {

enum class WindowPreset { percentile, min_max, match_reference };

class ControlPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ControlPanel(QWidget* parent = nullptr);

  // Shows the state's values; emits nothing.
  void show_state(const PanelState& state);
  // The slider of axis `axis` (nullptr for the x and y axes), for tests and key stepping.
  QSlider* slider(int64_t axis) const;

 Q_SIGNALS:
  void position_changed(ViewPosition position);
  void mode_changed(DisplayMode mode);
  void colormap_changed(Colormap map);
  void window_changed(Window window);
  void preset_chosen(WindowPreset preset);

 private:
  void rebuild_sliders(const PanelState& state);
  ViewPosition position_from_widgets() const;

  QComboBox* x_axis_;
  QComboBox* y_axis_;
  QWidget* sliders_box_;
  QFormLayout* sliders_layout_;
  std::vector<QSlider*> sliders_;  // one per axis; nullptr for x and y
  QComboBox* mode_;
  QComboBox* colormap_;
  QDoubleSpinBox* low_;
  QDoubleSpinBox* high_;
  ViewPosition shown_;
  std::string shown_layout_;  // the axes, sizes and x/y the sliders were built for
  bool updating_ = false;
};

}  // namespace ambient::gui
