// MainWindow's reconstructions: the dialog, the background job, its progress, its result.
#include <QStatusBar>
#include <ATen/ATen.h>

#include "main_window.hpp"
#include "recon_dialog.hpp"
#include "recon_runner.hpp"

namespace ambient::gui {

namespace {

// The arrays a reconstruction brings: its image (and std) as panels, its mask and samples as related arrays.
std::vector<ViewArray> result_views(const jobs::ReconResult& r, const jobs::ReconRequest& request, const QString& title) {
  const std::string t = title.toStdString();
  auto with_metadata = [&r](ViewArray v) {  // what saving the panel keeps
    v.voxel_mm = r.image.voxel_mm;
    v.header_xml = r.image.header_xml;
    return v;
  };
  std::vector<ViewArray> views;
  views.push_back(with_metadata(make_view(r.image.data, {"slice", "y", "x"}, t, ViewKind::image, request.input)));
  views.push_back(make_view(r.mask, {"slice", "ky", "kx"}, t + " mask", ViewKind::mask, request.input));
  if (r.uncertainty.data.defined())
    views.push_back(with_metadata(
        make_view(r.uncertainty.data, {"slice", "y", "x"}, t + " std", ViewKind::uncertainty, request.input)));
  if (r.samples.data.defined()) {
    const at::Tensor s = r.samples.data.reshape({r.image.slices(), -1, r.image.ny(), r.image.nx()});
    views.push_back(make_view(s, {"slice", "sample", "y", "x"}, t + " samples", ViewKind::image, request.input));
  }
  return views;
}

}  // namespace

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
  dialog->set_request(runner_->last_request());
  connect(dialog, &QDialog::accepted, this, [this, dialog] { start_reconstruction(dialog->request()); });
  dialog->open();
}

bool MainWindow::start_reconstruction(const jobs::ReconRequest& request) {
  if (!runner_->start(request)) {
    show_error("A reconstruction is running; wait for it or cancel it first.");
    return false;
  }
  update_actions();  // the job's progress says what runs: a status message would hide the pixel readout
  return true;
}

void MainWindow::show_reconstruction(const jobs::ReconResult& r, const jobs::ReconRequest& request) {
  const QString title = result_title(request, r.summary);
  std::vector<ViewArray> views = result_views(r, request, title);
  ViewArray image = views.front();
  views.erase(views.begin());
  add_panel(make_panel_state(image, views));
  if (r.uncertainty.data.defined()) show_related(ViewKind::uncertainty);
  end_job(true, QString("%1 finished in %2 s").arg(title).arg(r.summary.seconds, 0, 'f', 1));
}

void MainWindow::end_job(bool succeeded, const QString& message) {
  statusBar()->showMessage(message, 10000);
  update_actions();
  Q_EMIT reconstruction_ended(succeeded, message);
}

void MainWindow::cancel_reconstruction() { runner_->cancel(); }

bool MainWindow::reconstruction_running() const { return runner_->running(); }

}  // namespace ambient::gui
