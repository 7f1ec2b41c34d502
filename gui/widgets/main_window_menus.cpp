// MainWindow's menus and the other ways in: recent files, keys, drag and drop.
#include <QApplication>
#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QKeyEvent>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSpinBox>

#include "main_window.hpp"

namespace ambient::gui {

namespace {
constexpr int max_recent = 10;
}  // namespace

void MainWindow::build_menus() {  // the File menu here, then the others
  QMenu* file = menuBar()->addMenu("&File");
  file->addAction("&Open...", QKeySequence::Open, this, [this] {
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, "Open scans or images", {},
        "Ambient files (*.h5 *.cfl *.hdr *.npy *.nii *.nii.gz);;All files (*)");
    for (const auto& p : paths) open_file_in_background(p);
  });
  recent_menu_ = file->addMenu("Open &recent");
  update_recent_menu();
  file->addSeparator();
  panel_actions_.push_back(file->addAction("&Save image as...", QKeySequence::Save, this, [this] {
    const QString p = QFileDialog::getSaveFileName(
        this, "Save the panel's image", current_->title() + ".nii.gz",
        "NIfTI (*.nii *.nii.gz);;ISMRMRD images (*.h5);;BART (*.cfl);;NumPy (*.npy);;PNG (*.png)");
    if (!p.isEmpty()) save_panel(current_, p);
  }));
  panel_actions_.push_back(file->addAction("Export &panel as PNG...", this, [this] {
    const QString p = QFileDialog::getSaveFileName(this, "Export panel", "panel.png", "PNG (*.png)");
    if (!p.isEmpty()) export_panel(current_, p);
  }));
  panel_actions_.push_back(file->addAction("Export &grid as PNG...", this, [this] {
    const QString p = QFileDialog::getSaveFileName(this, "Export grid", "grid.png", "PNG (*.png)");
    if (!p.isEmpty()) export_grid(p);
  }));
  panel_actions_.push_back(file->addAction("Export &figure (PNG, PDF)...", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E),
                                           this, &MainWindow::ask_and_export_figure));
  panel_actions_.push_back(file->addAction("Export comparison as &CSV...", this, [this] {
    const QString p = QFileDialog::getSaveFileName(this, "Export comparison", "comparison.csv", "CSV (*.csv)");
    if (!p.isEmpty()) export_comparison(p);
  }));
  file->addSeparator();
  panel_actions_.push_back(file->addAction("&Close panel", QKeySequence::Close, this, [this] { close_panel(current_); }));
  file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);

  build_view_menu();
  build_compare_and_reconstruct_menus();
  build_help_menu();
}

void MainWindow::build_view_menu() {
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
  view->addSeparator();
  panel_actions_.push_back(view->addAction("Turn &right", QKeySequence(Qt::CTRL | Qt::Key_BracketRight), this, [this] { turn(+1); }));
  panel_actions_.push_back(view->addAction("Turn l&eft", QKeySequence(Qt::CTRL | Qt::Key_BracketLeft), this, [this] { turn(-1); }));
  panel_actions_.push_back(view->addAction("&Mirror left-right", QKeySequence(Qt::CTRL | Qt::Key_M), this, [this] { mirror(); }));

}

void MainWindow::build_compare_and_reconstruct_menus() {
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

void MainWindow::build_help_menu() {
  QMenu* help = menuBar()->addMenu("&Help");
  help->addAction("&Keys and mouse", QKeySequence::HelpContents, this, [this] {
    QMessageBox::information(this, "Keys and mouse", shortcuts_text());
  });
  help->addAction("&About", this, [this] {
    QMessageBox::about(this, "Ambient viewer",
                       "Ambient viewer " + QApplication::applicationVersion() +
                           "\nMRI reconstruction with diffusion priors learned from corrupted data.\n"
                           "docs/viewer.md describes every action.");
  });
}

QString MainWindow::shortcuts_text() {
  return "Mouse\n"
         "  wheel: zoom about the cursor;  left-drag: pan;  double-click: fit\n"
         "  right-drag: window (horizontal) and level (vertical)\n"
         "  Shift+left-drag: a region (its statistics in the comparison table)\n"
         "Keys\n"
         "  Up / Down: next / previous slice (the first axis that is neither x nor y)\n"
         "  PageUp / PageDown: the second such axis (coil, sample)\n"
         "  Ctrl+O open,  Ctrl+S save image,  Ctrl+Shift+E export figure,  Ctrl+W close panel\n"
         "  Ctrl+L link panels,  Ctrl+K crosshair,  Ctrl+0 fit\n"
         "  Ctrl+] / Ctrl+[ turn right / left,  Ctrl+M mirror left-right\n"
         "  Ctrl+E set as reference,  Ctrl+D difference to reference\n"
         "  Ctrl+R run a reconstruction,  F1 this list";
}

void MainWindow::ask_and_export_figure() {
  QDialog dialog(this);
  dialog.setWindowTitle("Export figure");
  auto* scale = new QSpinBox;
  scale->setRange(1, 8);
  scale->setValue(FigureOptions{}.scale);
  scale->setSuffix(" screen pixels per image pixel");
  auto* metrics = new QCheckBox("PSNR and SSIM under each panel scored against the reference");
  metrics->setChecked(reference_ != nullptr);
  auto* form = new QFormLayout(&dialog);
  form->addRow("Scale", scale);
  form->addRow("Numbers", metrics);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  form->addRow(buttons);
  if (dialog.exec() != QDialog::Accepted) return;
  const QString p = QFileDialog::getSaveFileName(this, "Export figure", "figure.pdf", "PDF (*.pdf);;PNG (*.png)");
  if (p.isEmpty()) return;
  FigureOptions o;
  o.scale = scale->value();
  o.metrics = metrics->isChecked();
  export_figure(p, o);
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
    recent_menu_->addAction(path, this, [this, path] { open_file_in_background(path); });
  recent_menu_->setEnabled(!recent_menu_->isEmpty());
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
    if (url.isLocalFile()) open_file_in_background(url.toLocalFile());
}

}  // namespace ambient::gui
