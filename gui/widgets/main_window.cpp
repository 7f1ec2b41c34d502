#include "main_window.hpp"

#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QLayout>
#include <QMessageBox>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>
#include <ATen/ATen.h>
#include <cmath>

#include "../model/scan_loader.hpp"
#include "ambient/core/error.hpp"
#include "comparison_table.hpp"
#include "control_panel.hpp"
#include "panel_grid.hpp"
#include "recon_runner.hpp"

namespace ambient::gui {

namespace {

QString format_number(double v) { return QString::number(v, 'g', 5); }

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), grid_(new PanelGrid), controls_(new ControlPanel),
      table_(new ComparisonTable), readout_(new QLabel), runner_(new ReconRunner) {
  setWindowTitle("Ambient viewer");
  setAcceptDrops(true);
  grid_->set_empty_hint(
      "Open a scan or image: File > Open (Ctrl+O), or drop files here.\n"
      "Help > Keys and mouse lists what the mouse and keys do.");
  setCentralWidget(grid_);

  auto* controls_dock = new QDockWidget("Controls", this);
  controls_dock->setObjectName("controls");
  controls_dock->setWidget(controls_);
  addDockWidget(Qt::LeftDockWidgetArea, controls_dock);
  auto* table_dock = new QDockWidget("Comparison", this);
  table_dock->setObjectName("comparison");
  table_dock->setWidget(table_);
  addDockWidget(Qt::BottomDockWidgetArea, table_dock);
  resizeDocks({table_dock}, {160}, Qt::Vertical);  // the panels get the room

  statusBar()->addWidget(readout_, 1);
  statusBar()->addPermanentWidget(runner_);
  connect(runner_, &ReconRunner::succeeded, this, &MainWindow::show_reconstruction);
  connect(runner_, &ReconRunner::failed, this, [this](QString message) {
    show_error("Reconstruction failed: " + message);
    end_job(false, message);
  });
  connect(runner_, &ReconRunner::cancelled, this, [this] { end_job(false, "cancelled"); });

  connect(controls_, &ControlPanel::position_changed, this, [this](ViewPosition p) {
    if (!current_) return;
    PanelState s = current_->state();
    s.position = p;
    change_state(current_, s);
    refresh_table();
  });
  connect(controls_, &ControlPanel::mode_changed, this, [this](DisplayMode m) {
    if (!current_) return;
    PanelState s = current_->state();
    s.mode = m;
    if (m == DisplayMode::phase) s.colormap = Colormap::phase;
    else if (s.colormap == Colormap::phase) s.colormap = make_panel_state(s.array).colormap;
    s.window = default_window(s);
    change_state(current_, s);
  });
  connect(controls_, &ControlPanel::colormap_changed, this, [this](Colormap c) {
    if (!current_) return;
    PanelState s = current_->state();
    s.colormap = c;
    change_state(current_, s);
  });
  connect(controls_, &ControlPanel::window_changed, this, [this](Window w) {
    if (!current_) return;
    PanelState s = current_->state();
    s.window = w;
    change_state(current_, s);
  });
  connect(controls_, &ControlPanel::preset_chosen, this, &MainWindow::apply_preset);
  build_menus();
  update_actions();
  resize(1200, 800);
}

MainWindow::~MainWindow() = default;  // the runner cancels and waits for a running job

bool MainWindow::open_file(const QString& path) {
  try {
    show_opened(path, open_views(path.toStdString()));
    return true;
  } catch (const std::exception& e) {
    show_error(QString::fromStdString(e.what()));
    return false;
  }
}

void MainWindow::open_file_in_background(const QString& path) {
  // Reading a large volume takes seconds: a worker reads, the window stays responsive. The
  // watcher belongs to the window, so a window closed meanwhile never hears of the result.
  using Opened = std::pair<std::vector<ViewArray>, QString>;  // the views, or the error
  auto* watcher = new QFutureWatcher<Opened>(this);
  connect(watcher, &QFutureWatcher<Opened>::finished, this, [this, watcher, path] {
    const Opened opened = watcher->result();
    watcher->deleteLater();
    --loading_;
    if (opened.second.isEmpty()) show_opened(path, opened.first);
    else show_error(opened.second);
    Q_EMIT file_loaded(opened.second.isEmpty());
  });
  ++loading_;
  statusBar()->showMessage("Opening " + path + "...");
  watcher->setFuture(QtConcurrent::run([path]() -> Opened {
    try {
      return {open_views(path.toStdString()), {}};
    } catch (const std::exception& e) {
      return {{}, QString::fromStdString(e.what())};
    }
  }));
}

void MainWindow::show_opened(const QString& path, std::vector<ViewArray> views) {
  ViewArray main = views.front();
  views.erase(views.begin());
  add_panel(make_panel_state(std::move(main), std::move(views)));
  remember_recent(QFileInfo(path).absoluteFilePath());
  statusBar()->showMessage("Opened " + path, 5000);
}

ImagePanel* MainWindow::add_panel(PanelState state) {
  if (linked_ && current_) copy_linked(current_->state(), state);
  auto* panel = new ImagePanel(std::move(state));
  panels_.push_back(panel);
  connect(panel, &ImagePanel::activated, this, [this](ImagePanel* p) { select(p); });
  connect(panel, &ImagePanel::state_changed, this, [this](ImagePanel* p) { change_state(p, p->state()); });
  connect(panel, &ImagePanel::hovered, this, &MainWindow::hover);
  connect(panel, &ImagePanel::roi_drawn, this, [this](ImagePanel*, Roi r) { set_roi(r); });
  relayout();
  panel->show();  // a layout shows new children only on the next event-loop pass
  panel->set_roi(roi_);
  select(panel);
  refresh_table();
  return panel;
}

void MainWindow::close_panel(ImagePanel* panel) {
  if (!panel) return;
  panels_.erase(std::remove(panels_.begin(), panels_.end(), panel), panels_.end());
  if (reference_ == panel) reference_ = nullptr;
  if (current_ == panel) current_ = nullptr;
  panel->deleteLater();
  relayout();
  select(panels_.empty() ? nullptr : panels_.back());
  refresh_table();
}

void MainWindow::relayout() { grid_->set_panels(panels_); }

void MainWindow::select(ImagePanel* panel) {
  current_ = panel;
  for (auto* p : panels_) p->set_selected(p == panel);
  if (panel) controls_->show_state(panel->state());
  else controls_->setEnabled(false);
  update_actions();
}

void MainWindow::change_state(ImagePanel* panel, PanelState state) {
  panel->set_state(std::move(state));
  if (linked_)
    for (auto* other : panels_) {
      if (other == panel) continue;
      PanelState s = other->state();
      copy_linked(panel->state(), s);
      other->set_state(s);
    }
  if (panel == current_) controls_->show_state(panel->state());
}

void MainWindow::set_linked(bool linked) {
  linked_ = linked;
  if (link_action_) link_action_->setChecked(linked);
  if (linked && current_) change_state(current_, current_->state());
  refresh_table();
}

void MainWindow::set_crosshair_enabled(bool enabled) {
  crosshair_ = enabled;
  if (crosshair_action_) crosshair_action_->setChecked(enabled);
  if (!enabled)
    for (auto* p : panels_) p->set_crosshair(std::nullopt);
}

void MainWindow::turn(int quarter_turns) {
  if (current_) reorient(turned(current_->state().orientation, quarter_turns));
}

void MainWindow::mirror() {
  if (current_) reorient(flipped(current_->state().orientation));
}

void MainWindow::reorient(Orientation orientation) {
  PanelState s = current_->state();
  s.orientation = orientation;
  s.zoom = 0, s.centre_x = s.centre_y = -1;  // the old centre means another place now: fit
  change_state(current_, s);
}

bool MainWindow::set_reference(ImagePanel* panel) {
  if (panel && panel->state().array.kind != ViewKind::image) {
    show_error("'" + panel->title() + "' cannot be the reference: only an image panel can (not k-space, a mask, "
               "a difference or an uncertainty map).");
    return false;
  }
  reference_ = panel;
  for (auto* p : panels_) p->set_reference_mark(p == panel);
  refresh_table();
  return true;
}

ImagePanel* MainWindow::show_difference() {
  if (!current_) return nullptr;
  if (!reference_) {
    show_error("Choose a reference panel first (Compare > Set as reference).");
    return nullptr;
  }
  if (reference_ == current_) {
    show_error("Select the panel to compare, not the reference itself.");
    return nullptr;
  }
  try {
    PanelState s = make_panel_state(difference(current_->state().array, reference_->state().array));
    s.position = current_->state().position;
    s.window = default_window(s);
    s.zoom = current_->state().zoom, s.centre_x = current_->state().centre_x, s.centre_y = current_->state().centre_y;
    return add_panel(std::move(s));
  } catch (const std::exception& e) {
    show_error(QString::fromStdString(e.what()));
    return nullptr;
  }
}

ImagePanel* MainWindow::show_related(ViewKind kind) {
  if (!current_) return nullptr;
  const ViewArray* r = related_of_kind(current_->state(), kind);
  if (!r) {
    const char* what = kind == ViewKind::uncertainty ? "an uncertainty map: only adps and dps reconstructions have one"
                       : kind == ViewKind::kspace    ? "k-space: only panels opened from a k-space file have it"
                                                     : "a sampling mask: only k-space files and reconstructions have one";
    show_error("'" + current_->title() + "' has no " + what + ".");
    return nullptr;
  }
  std::vector<ViewArray> siblings;
  for (const auto& other : current_->state().related)
    if (other.kind != kind) siblings.push_back(other);
  return add_panel(make_panel_state(*r, siblings));
}

void MainWindow::apply_preset(WindowPreset preset) {
  if (!current_) return;
  PanelState s = current_->state();
  const at::Tensor values = current_values(s);
  switch (preset) {
    case WindowPreset::percentile:
      s.window = s.array.kind == ViewKind::difference ? symmetric_window(values) : percentile_window(values);
      break;
    case WindowPreset::min_max: s.window = min_max_window(values); break;
    case WindowPreset::match_reference:
      if (!reference_) return show_error("No reference panel to match (Compare > Set as reference).");
      s.window = reference_->state().window;
      break;
  }
  change_state(current_, s);
}

void MainWindow::step_axis(int which, int delta) {
  if (!current_) return;
  PanelState s = current_->state();
  int seen = 0;
  for (int64_t d = 0; d < s.array.rank(); ++d) {
    if (d == s.position.x_axis || d == s.position.y_axis) continue;
    if (seen++ != which) continue;
    s.position.index[d] = std::clamp<int64_t>(s.position.index[d] + delta, 0, s.array.size(d) - 1);
    change_state(current_, s);
    refresh_table();
    return;
  }
}

void MainWindow::set_roi(std::optional<Roi> roi) {
  roi_ = roi;
  for (auto* p : panels_) p->set_roi(roi);
  refresh_table();
}

std::vector<ComparisonRow> MainWindow::comparison_rows() const {
  std::vector<const PanelState*> states;
  for (auto* p : panels_) states.push_back(&p->state());
  return compare_panels(states, reference_ ? &reference_->state() : nullptr, roi_);
}

ComparisonContext MainWindow::comparison_context() const {
  ComparisonContext c;
  if (reference_) {
    const PanelState& s = reference_->state();
    const ViewArray& scored = scoring_reference(s);
    c.reference = "'" + s.array.title + "'";
    if (&scored != &s.array) c.reference += " (its file's reference image '" + scored.title + "')";
    for (int64_t d = 0; d < s.array.rank(); ++d)
      if (d != s.position.x_axis && d != s.position.y_axis && s.array.size(d) > 1)
        c.reference += ", " + s.array.axes[d] + " " + std::to_string(s.position.index[d] + 1) + "/" +
                       std::to_string(s.array.size(d));
  }
  c.region = describe_region(roi_);
  return c;
}

void MainWindow::refresh_table() { table_->show_rows(comparison_rows(), comparison_context()); }

void MainWindow::hover(ImagePanel* panel, QPointF point) {
  const PanelState& s = panel->state();
  const at::Tensor plane = current_plane(s);
  const int64_t shown_x = int64_t(std::floor(point.x())), shown_y = int64_t(std::floor(point.y()));
  if (crosshair_)
    for (auto* p : panels_) p->set_crosshair(point);
  if (shown_x < 0 || shown_y < 0 || shown_y >= plane.size(0) || shown_x >= plane.size(1)) {
    readout_->clear();
    return;
  }
  const auto z = plane[shown_y][shown_x].item<c10::complex<float>>();
  const auto [x, y] = native_pixel(s, shown_x, shown_y);  // the array's own coordinates
  const double magnitude = std::abs(std::complex<float>(z.real(), z.imag()));
  const double phase = std::atan2(z.imag(), z.real()) * 180 / M_PI;
  readout_->setText(QString("%1  x %2  y %3   |v| %4   %5 %6 i%7   phase %8°")
                        .arg(panel->title()).arg(x).arg(y).arg(format_number(magnitude))
                        .arg(format_number(z.real())).arg(z.imag() < 0 ? "-" : "+")
                        .arg(format_number(std::abs(z.imag()))).arg(phase, 0, 'f', 1));
}

QString MainWindow::pixel_readout() const { return readout_->text(); }

bool MainWindow::save_panel(ImagePanel* panel, const QString& path) {
  if (!panel) return false;
  try {
    save_view(path.toStdString(), panel->state().array, true);  // the file dialog asked before replacing
    statusBar()->showMessage("Saved " + path, 5000);
    return true;
  } catch (const std::exception& e) {
    show_error(QString::fromStdString(e.what()));
    return false;
  }
}

bool MainWindow::export_panel(ImagePanel* panel, const QString& path) {
  if (!panel) return false;
  grid_->content()->layout()->activate();  // panels added since the last event-loop pass get their places
  if (!panel->grab().save(path, "PNG")) {
    show_error(path + ": could not be written as PNG");
    return false;
  }
  return true;
}

bool MainWindow::export_grid(const QString& path) {
  if (panels_.empty()) return false;
  grid_->content()->layout()->activate();
  if (!grid_->content()->grab().save(path, "PNG")) {
    show_error(path + ": could not be written as PNG");
    return false;
  }
  return true;
}

bool MainWindow::export_figure(const QString& path, const FigureOptions& options, bool overwrite) {
  try {
    const auto rows = comparison_rows();
    std::vector<FigurePanel> figure;
    for (size_t i = 0; i < panels_.size(); ++i) figure.push_back({&panels_[i]->state(), panels_[i]->full_title(), rows[i]});
    FigureOptions o = options;
    if (o.columns == 0 && isVisible()) o.columns = grid_->columns();  // as the grid shows them
    write_figure(path, figure, o, overwrite);
    statusBar()->showMessage("Exported the figure to " + path, 5000);
    return true;
  } catch (const std::exception& e) {
    show_error(QString::fromStdString(e.what()));
    return false;
  }
}

bool MainWindow::export_comparison(const QString& path) {
  try {
    write_comparison_csv(path.toStdString(), comparison_rows(), comparison_context(), true);  // the file dialog asked
    return true;
  } catch (const std::exception& e) {
    show_error(QString::fromStdString(e.what()));
    return false;
  }
}

void MainWindow::update_actions() {
  for (auto* a : panel_actions_) a->setEnabled(current_ != nullptr);
  if (recon_action_) recon_action_->setEnabled(!reconstruction_running());
}

void MainWindow::show_error(const QString& message) {
  last_error_ = message;
  statusBar()->showMessage(message, 10000);
  Q_EMIT error_shown(message);
  if (QApplication::platformName() == "offscreen") return;  // tests: no dialog to dismiss
  auto* box = new QMessageBox(QMessageBox::Warning, "Ambient viewer", message, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();  // window-modal, never blocks the event loop
}

void MainWindow::closeEvent(QCloseEvent* event) {
  runner_->stop();  // cancels and waits for the method's next cancellation point
  event->accept();
}

}  // namespace ambient::gui
