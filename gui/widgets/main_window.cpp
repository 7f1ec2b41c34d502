#include "main_window.hpp"

#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QTableWidget>
#include <QtConcurrent/QtConcurrentRun>
#include <ATen/ATen.h>
#include <cmath>

#include "../model/scan_loader.hpp"
#include "ambient/core/error.hpp"
#include "control_panel.hpp"
#include "recon_job.hpp"

namespace ambient::gui {

namespace {

bool is_image_like(const ViewArray& a) { return a.kind == ViewKind::image || a.kind == ViewKind::uncertainty; }

QString format_number(double v) { return QString::number(v, 'g', 5); }

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), grid_(new QWidget), grid_layout_(new QGridLayout(grid_)), controls_(new ControlPanel),
      table_(new QTableWidget(0, 6)), readout_(new QLabel), progress_(new QProgressBar),
      cancel_(new QPushButton("Cancel")) {
  setWindowTitle("Ambient viewer");
  setAcceptDrops(true);
  grid_layout_->setContentsMargins(2, 2, 2, 2);
  grid_layout_->setSpacing(4);
  setCentralWidget(grid_);

  auto* controls_dock = new QDockWidget("Controls", this);
  controls_dock->setObjectName("controls");
  controls_dock->setWidget(controls_);
  addDockWidget(Qt::LeftDockWidgetArea, controls_dock);
  table_->setHorizontalHeaderLabels({"panel", "ROI mean", "ROI std", "PSNR dB", "SSIM", "NMSE"});
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  auto* table_dock = new QDockWidget("Comparison (against the reference panel)", this);
  table_dock->setObjectName("comparison");
  table_dock->setWidget(table_);
  addDockWidget(Qt::BottomDockWidgetArea, table_dock);
  resizeDocks({table_dock}, {140}, Qt::Vertical);  // the panels get the room

  statusBar()->addWidget(readout_, 1);
  statusBar()->addPermanentWidget(progress_);
  statusBar()->addPermanentWidget(cancel_);
  progress_->setVisible(false);
  cancel_->setVisible(false);
  connect(cancel_, &QPushButton::clicked, this, &MainWindow::cancel_reconstruction);

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

MainWindow::~MainWindow() { delete job_; }  // cancels and waits for a running job

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

void MainWindow::relayout() {
  for (auto* p : panels_) grid_layout_->removeWidget(p);
  const int n = int(panels_.size());
  const int columns = std::max(1, int(std::ceil(std::sqrt(double(n)))));
  for (int i = 0; i < n; ++i) grid_layout_->addWidget(panels_[i], i / columns, i % columns);
}

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

void MainWindow::set_reference(ImagePanel* panel) {
  reference_ = panel;
  for (auto* p : panels_) p->set_reference_mark(p == panel);
  refresh_table();
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
    show_error("'" + current_->title() + "' has no such array (uncertainty maps come from adps and dps).");
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
  std::vector<ComparisonRow> rows;
  const at::Tensor reference = reference_ ? at::abs(current_plane(reference_->state())) : at::Tensor();
  for (auto* p : panels_) {
    ComparisonRow row;
    row.panel = p->state().array.title;
    const at::Tensor values = current_values(p->state());
    if (roi_) {
      try {
        row.roi = roi_stats(values, *roi_);
      } catch (const Error&) {  // the region misses this panel's plane
      }
    }
    if (reference.defined() && p != reference_ && is_image_like(p->state().array)) {
      const at::Tensor plane = current_plane(p->state());
      if (plane.sizes().equals(reference.sizes())) row.metrics = plane_metrics(reference, plane);
    }
    rows.push_back(row);
  }
  return rows;
}

void MainWindow::refresh_table() {
  const auto rows = comparison_rows();
  table_->setRowCount(int(rows.size()));
  for (int i = 0; i < int(rows.size()); ++i) {
    const auto& r = rows[i];
    const QStringList cells = {
        QString::fromStdString(r.panel),
        r.roi ? format_number(r.roi->mean) : "", r.roi ? format_number(r.roi->std) : "",
        r.metrics ? QString::number(r.metrics->psnr, 'f', 2) : "", r.metrics ? QString::number(r.metrics->ssim, 'f', 4) : "",
        r.metrics ? format_number(r.metrics->nmse) : ""};
    for (int c = 0; c < cells.size(); ++c) table_->setItem(i, c, new QTableWidgetItem(cells[c]));
  }
}

void MainWindow::hover(ImagePanel* panel, QPointF point) {
  const PanelState& s = panel->state();
  const at::Tensor plane = current_plane(s);
  const int64_t x = int64_t(std::floor(point.x())), y = int64_t(std::floor(point.y()));
  if (crosshair_)
    for (auto* p : panels_) p->set_crosshair(point);
  if (x < 0 || y < 0 || y >= plane.size(0) || x >= plane.size(1)) {
    readout_->clear();
    return;
  }
  const auto z = plane[y][x].item<c10::complex<float>>();
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
  grid_layout_->activate();  // panels added since the last event-loop pass get their places
  if (!panel->grab().save(path, "PNG")) {
    show_error(path + ": could not be written as PNG");
    return false;
  }
  return true;
}

bool MainWindow::export_grid(const QString& path) {
  if (panels_.empty()) return false;
  grid_layout_->activate();
  if (!grid_->grab().save(path, "PNG")) {
    show_error(path + ": could not be written as PNG");
    return false;
  }
  return true;
}

bool MainWindow::export_comparison(const QString& path) {
  try {
    write_comparison_csv(path.toStdString(), comparison_rows(), true);  // the file dialog asked
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
  if (job_) {
    job_->cancel();
    delete job_;  // waits for the method's next cancellation point
    job_ = nullptr;
  }
  event->accept();
}

}  // namespace ambient::gui
