#include "control_panel.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>
#include <limits>

namespace ambient::gui {

namespace {

QDoubleSpinBox* window_box() {
  auto* box = new QDoubleSpinBox;
  box->setRange(-std::numeric_limits<double>::max(), std::numeric_limits<double>::max());
  box->setDecimals(6);
  box->setKeyboardTracking(false);  // apply on Enter or focus change, not per keystroke
  return box;
}

}  // namespace

ControlPanel::ControlPanel(QWidget* parent)
    : QWidget(parent), x_axis_(new QComboBox), y_axis_(new QComboBox), sliders_box_(new QWidget),
      sliders_layout_(new QFormLayout(sliders_box_)), mode_(new QComboBox), colormap_(new QComboBox),
      low_(window_box()), high_(window_box()) {
  auto* layout = new QVBoxLayout(this);

  auto* axes = new QGroupBox("Axes");
  auto* axes_form = new QFormLayout(axes);
  axes_form->addRow("x", x_axis_);
  axes_form->addRow("y", y_axis_);
  axes_form->addRow(sliders_box_);
  layout->addWidget(axes);

  auto* display = new QGroupBox("Display");
  auto* display_form = new QFormLayout(display);
  for (DisplayMode m : all_modes()) mode_->addItem(QString::fromStdString(mode_name(m)));
  for (Colormap c : all_colormaps()) colormap_->addItem(QString::fromStdString(colormap_name(c)));
  display_form->addRow("Mode", mode_);
  display_form->addRow("Colormap", colormap_);
  display_form->addRow("Window low", low_);
  display_form->addRow("Window high", high_);
  auto* presets = new QHBoxLayout;
  const std::pair<const char*, WindowPreset> preset_buttons[] = {
      {"1-99 %", WindowPreset::percentile}, {"min/max", WindowPreset::min_max}, {"reference", WindowPreset::match_reference}};
  for (const auto& [label, preset] : preset_buttons) {
    auto* b = new QPushButton(label);
    b->setToolTip(preset == WindowPreset::match_reference ? "the reference panel's window" : "window preset");
    connect(b, &QPushButton::clicked, this, [this, p = preset] { Q_EMIT preset_chosen(p); });
    presets->addWidget(b);
  }
  display_form->addRow(presets);
  layout->addWidget(display);
  layout->addStretch(1);

  auto axes_changed = [this] {
    if (!updating_) Q_EMIT position_changed(position_from_widgets());
  };
  connect(x_axis_, &QComboBox::currentIndexChanged, this, axes_changed);
  connect(y_axis_, &QComboBox::currentIndexChanged, this, axes_changed);
  connect(mode_, &QComboBox::currentIndexChanged, this, [this](int i) {
    if (!updating_) Q_EMIT mode_changed(all_modes()[i]);
  });
  connect(colormap_, &QComboBox::currentIndexChanged, this, [this](int i) {
    if (!updating_) Q_EMIT colormap_changed(all_colormaps()[i]);
  });
  auto window_edited = [this] {
    if (!updating_) Q_EMIT window_changed({low_->value(), high_->value()});
  };
  connect(low_, &QDoubleSpinBox::valueChanged, this, window_edited);
  connect(high_, &QDoubleSpinBox::valueChanged, this, window_edited);
  setEnabled(false);
}

QSlider* ControlPanel::slider(int64_t axis) const {
  return axis >= 0 && axis < int64_t(sliders_.size()) ? sliders_[axis] : nullptr;
}

void ControlPanel::show_state(const PanelState& s) {
  updating_ = true;
  setEnabled(true);
  QStringList names;
  for (const auto& a : s.array.axes) names << QString::fromStdString(a);
  QStringList shown_names;
  for (int i = 0; i < x_axis_->count(); ++i) shown_names << x_axis_->itemText(i);
  if (shown_names != names) {
    x_axis_->clear();
    y_axis_->clear();
    x_axis_->addItems(names);
    y_axis_->addItems(names);
  }
  x_axis_->setCurrentIndex(int(s.position.x_axis));
  y_axis_->setCurrentIndex(int(s.position.y_axis));
  rebuild_sliders(s);
  mode_->setCurrentIndex(int(s.mode));
  colormap_->setCurrentIndex(int(s.colormap));
  low_->setValue(s.window.low);
  high_->setValue(s.window.high);
  const double step = s.window.width() / 50;
  low_->setSingleStep(step);
  high_->setSingleStep(step);
  shown_ = s.position;
  updating_ = false;
}

void ControlPanel::rebuild_sliders(const PanelState& s) {
  // Same axes drawn as before: move the sliders, never replace them (one may be the widget
  // being dragged, whose signal brought us here).
  std::string layout = std::to_string(s.position.x_axis) + "," + std::to_string(s.position.y_axis);
  for (int64_t d = 0; d < s.array.rank(); ++d) layout += ";" + s.array.axes[d] + "=" + std::to_string(s.array.size(d));
  if (layout == shown_layout_) {
    for (size_t d = 0; d < sliders_.size(); ++d)
      if (sliders_[d]) sliders_[d]->setValue(int(s.position.index[d]));
    return;
  }
  shown_layout_ = layout;
  while (sliders_layout_->rowCount() > 0) sliders_layout_->removeRow(0);
  sliders_.assign(s.array.rank(), nullptr);
  for (int64_t d = 0; d < s.array.rank(); ++d) {
    if (d == s.position.x_axis || d == s.position.y_axis) continue;
    auto* slider = new QSlider(Qt::Horizontal);
    slider->setRange(0, int(s.array.size(d) - 1));
    slider->setValue(int(s.position.index[d]));
    slider->setEnabled(s.array.size(d) > 1);
    slider->setObjectName(QString::fromStdString("slider-" + s.array.axes[d]));
    connect(slider, &QSlider::valueChanged, this, [this] {
      if (!updating_) Q_EMIT position_changed(position_from_widgets());
    });
    sliders_layout_->addRow(QString::fromStdString(s.array.axes[d]), slider);
    sliders_[d] = slider;
  }
}

ViewPosition ControlPanel::position_from_widgets() const {
  ViewPosition p = shown_;
  const int x = x_axis_->currentIndex(), y = y_axis_->currentIndex();
  if (x == y && x != shown_.x_axis) {  // x took y's axis: swap them
    p.x_axis = x;
    p.y_axis = shown_.x_axis;
  } else if (x == y) {  // y took x's axis
    p.y_axis = y;
    p.x_axis = shown_.y_axis;
  } else {
    p.x_axis = x;
    p.y_axis = y;
  }
  for (size_t d = 0; d < sliders_.size(); ++d)
    if (sliders_[d]) p.index[d] = sliders_[d]->value();
  return p;
}

}  // namespace ambient::gui
