#include "main_window.hpp"

#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTableWidget>
#include <ATen/ATen.h>
#include <cmath>

#include "../model/scan_loader.hpp"
#include "ambient/core/error.hpp"
#include "control_panel.hpp"
#include "recon_dialog.hpp"
#include "recon_job.hpp"

namespace ambient::gui {

namespace {

constexpr int max_recent = 10;

bool is_image_like(const ViewArray& a) { return a.kind == ViewKind::image || a.kind == ViewKind::uncertainty; }

QString format_number(double v) { return QString::number(v, 'g', 5); }

// The arrays a reconstruction brings: its image (and std) as panels, its mask and samples as related arrays.
std::vector<ViewArray> result_views(const jobs::ReconResult& r, const jobs::ReconRequest& request, const QString& title) {
  const std::string t = title.toStdString();
  std::vector<ViewArray> views;
  views.push_back(make_view(r.image.data, {"slice", "y", "x"}, t, ViewKind::image, request.input));
  views.push_back(make_view(r.mask, {"slice", "ky", "kx"}, t + " mask", ViewKind::mask, request.input));
  if (r.uncertainty.data.defined())
    views.push_back(make_view(r.uncertainty.data, {"slice", "y", "x"}, t + " std", ViewKind::uncertainty, request.input));
  if (r.samples.data.defined()) {
    const at::Tensor s = r.samples.data.reshape({r.image.slices(), -1, r.image.ny(), r.image.nx()});
    views.push_back(make_view(s, {"slice", "sample", "y", "x"}, t + " samples", ViewKind::image, request.input));
  }
  return views;
}

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

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu("&File");
  file->addAction("&Open...", QKeySequence::Open, this, [this] {
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, "Open scans or images", {},
        "Ambient files (*.h5 *.cfl *.hdr *.npy *.nii *.nii.gz);;All files (*)");
    for (const auto& p : paths) open_file(p);
  });
  recent_menu_ = file->addMenu("Open &recent");
  update_recent_menu();
  file->addSeparator();
  panel_actions_.push_back(file->addAction("Export &panel as PNG...", this, [this] {
    const QString p = QFileDialog::getSaveFileName(this, "Export panel", "panel.png", "PNG (*.png)");
    if (!p.isEmpty()) export_panel(current_, p);
  }));
  panel_actions_.push_back(file->addAction("Export &grid as PNG...", this, [this] {
    const QString p = QFileDialog::getSaveFileName(this, "Export grid", "grid.png", "PNG (*.png)");
    if (!p.isEmpty()) export_grid(p);
  }));
  panel_actions_.push_back(file->addAction("Export comparison as &CSV...", this, [this] {
    const QString p = QFileDialog::getSaveFileName(this, "Export comparison", "comparison.csv", "CSV (*.csv)");
    if (!p.isEmpty()) export_comparison(p);
  }));
  file->addSeparator();
  panel_actions_.push_back(file->addAction("&Close panel", QKeySequence::Close, this, [this] { close_panel(current_); }));
  file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);

  QMenu* view = menuBar()->addMenu("&View");
  link_action_ = view->addAction("&Link panels", QKeySequence(Qt::CTRL | Qt::Key_L), this, [this](bool on) { set_linked(on); });
  link_action_->setCheckable(true);
  link_action_->setToolTip("Zoom, pan, position, window and mode act on every panel");
  crosshair_action_ = view->addAction("&Crosshair", QKeySequence(Qt::CTRL | Qt::Key_K), this,
                                      [this](bool on) { set_crosshair_enabled(on); });
  crosshair_action_->setCheckable(true);
  panel_actions_.push_back(view->addAction("&Fit to panel", QKeySequence(Qt::CTRL | Qt::Key_0), this, [this] {
    PanelState s = current_->state();
    s.zoom = 0, s.centre_x = s.centre_y = -1;
    change_state(current_, s);
  }));
  panel_actions_.push_back(view->addAction("Clear &region", this, [this] { set_roi(std::nullopt); }));

  QMenu* compare = menuBar()->addMenu("&Compare");
  panel_actions_.push_back(compare->addAction("Set as &reference", QKeySequence(Qt::CTRL | Qt::Key_E), this,
                                              [this] { set_reference(current_); }));
  panel_actions_.push_back(compare->addAction("&Difference to reference", QKeySequence(Qt::CTRL | Qt::Key_D), this,
                                              [this] { show_difference(); }));
  panel_actions_.push_back(compare->addAction("&Uncertainty (std) map", this, [this] { show_related(ViewKind::uncertainty); }));
  panel_actions_.push_back(compare->addAction("Sampling &mask", this, [this] { show_related(ViewKind::mask); }));
  panel_actions_.push_back(compare->addAction("&K-space", this, [this] { show_related(ViewKind::kspace); }));

  QMenu* recon = menuBar()->addMenu("&Reconstruct");
  recon_action_ = recon->addAction("&Run reconstruction...", QKeySequence(Qt::CTRL | Qt::Key_R), this,
                                   &MainWindow::ask_and_reconstruct);
  recon->addAction("&Cancel", this, &MainWindow::cancel_reconstruction);
}

bool MainWindow::open_file(const QString& path) {
  try {
    std::vector<ViewArray> views = open_views(path.toStdString());
    ViewArray main = views.front();
    views.erase(views.begin());
    add_panel(make_panel_state(std::move(main), std::move(views)));
    remember_recent(QFileInfo(path).absoluteFilePath());
    statusBar()->showMessage("Opened " + path, 5000);
    return true;
  } catch (const std::exception& e) {
    show_error(QString::fromStdString(e.what()));
    return false;
  }
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

QString MainWindow::scan_path() const {
  if (!current_) return {};
  const auto& s = current_->state();
  const bool from_kspace = s.array.kind == ViewKind::kspace || related_of_kind(s, ViewKind::kspace) ||
                           related_of_kind(s, ViewKind::mask) || s.array.kind == ViewKind::mask;
  return from_kspace ? QString::fromStdString(s.array.source_path) : QString();
}

void MainWindow::ask_and_reconstruct() {
  const QString scan = scan_path();
  if (scan.isEmpty()) {
    show_error("Select a panel opened from a k-space file: reconstructions start from k-space.");
    return;
  }
  auto* dialog = new ReconDialog(scan, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->set_request(last_request_);
  connect(dialog, &QDialog::accepted, this, [this, dialog] { start_reconstruction(dialog->request()); });
  dialog->open();
}

bool MainWindow::start_reconstruction(const jobs::ReconRequest& request) {
  if (reconstruction_running()) {
    show_error("A reconstruction is running; wait for it or cancel it first.");
    return false;
  }
  delete job_;
  last_request_ = request;
  job_ = new ReconJob(request);
  connect(job_, &ReconJob::progressed, this, [this](QString task, qint64 done, qint64 total) {
    progress_->setRange(0, int(std::max<qint64>(total, 0)));
    progress_->setValue(int(done));
    progress_->setFormat(task + " %v/%m");
  });
  connect(job_, &ReconJob::finished, this, &MainWindow::reconstruction_finished);
  connect(job_, &ReconJob::failed, this, [this](QString message) {
    show_error("Reconstruction failed: " + message);
    end_job(false, message);
  });
  connect(job_, &ReconJob::cancelled, this, [this] { end_job(false, "cancelled"); });
  progress_->setRange(0, 0);
  progress_->setVisible(true);
  cancel_->setVisible(true);
  update_actions();
  statusBar()->showMessage("Reconstructing " + QString::fromStdString(request.input) + " with " +
                           QString::fromStdString(request.method) + "...");
  job_->start();
  return true;
}

void MainWindow::reconstruction_finished() {
  const auto& r = job_->result();
  const auto& request = job_->request();
  QString title = QString::fromStdString(request.method) + QString(" R %1").arg(r.summary.acceleration, 0, 'f', 1);
  std::vector<ViewArray> views = result_views(r, request, title);
  ViewArray image = views.front();
  views.erase(views.begin());
  add_panel(make_panel_state(image, views));
  if (r.uncertainty.data.defined()) show_related(ViewKind::uncertainty);
  end_job(true, QString("%1 finished in %2 s").arg(title).arg(r.summary.seconds, 0, 'f', 1));
}

void MainWindow::end_job(bool succeeded, const QString& message) {
  progress_->setVisible(false);
  cancel_->setVisible(false);
  statusBar()->showMessage(message, 10000);
  update_actions();
  Q_EMIT reconstruction_ended(succeeded, message);
}

void MainWindow::cancel_reconstruction() {
  if (job_ && job_->running()) job_->cancel();
}

bool MainWindow::reconstruction_running() const { return job_ && job_->running(); }

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

QStringList MainWindow::recent_files() const { return QSettings().value("recent").toStringList(); }

void MainWindow::remember_recent(const QString& path) {
  QStringList recent = recent_files();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > max_recent) recent.removeLast();
  QSettings().setValue("recent", recent);
  update_recent_menu();
}

void MainWindow::update_recent_menu() {
  recent_menu_->clear();
  for (const QString& path : recent_files())
    recent_menu_->addAction(path, this, [this, path] { open_file(path); });
  recent_menu_->setEnabled(!recent_menu_->isEmpty());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (job_) {
    job_->cancel();
    delete job_;  // waits for the method's next cancellation point
    job_ = nullptr;
  }
  event->accept();
}

void MainWindow::keyPressEvent(QKeyEvent* event) {
  switch (event->key()) {
    case Qt::Key_Up: return step_axis(0, +1);
    case Qt::Key_Down: return step_axis(0, -1);
    case Qt::Key_PageUp: return step_axis(1, +1);
    case Qt::Key_PageDown: return step_axis(1, -1);
    default: QMainWindow::keyPressEvent(event);
  }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  for (const QUrl& url : event->mimeData()->urls())
    if (url.isLocalFile()) open_file(url.toLocalFile());
}

}  // namespace ambient::gui
