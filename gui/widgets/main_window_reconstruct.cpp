// MainWindow's reconstructions: the dialog, the background job, its progress, its result.
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <ATen/ATen.h>

#include "main_window.hpp"
#include "recon_dialog.hpp"
#include "recon_job.hpp"

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

}  // namespace ambient::gui
