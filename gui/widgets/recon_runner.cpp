#include "recon_runner.hpp"

#include <QHBoxLayout>
#include <QProgressBar>
#include <QPushButton>

#include "recon_job.hpp"

namespace ambient::gui {

QString result_title(const jobs::ReconRequest& request, const jobs::ReconSummary& summary) {
  QString t = QString::fromStdString(request.method);
  const auto& m = request.mask;
  if (m.pattern.empty()) {
    t += QString(" as acquired (R %1)").arg(summary.acceleration, 0, 'f', 1);
  } else {
    t += QString(" %1 R %2 ACS %3 seed %4")
             .arg(QString::fromStdString(m.pattern))
             .arg(m.options.acceleration, 0, 'g', 3)
             .arg(m.options.calibration)
             .arg(qulonglong(m.options.seed));
  }
  if (!request.slices.empty()) t += " slices " + QString::fromStdString(request.slices);
  if (!summary.lambdas.empty())  // cs, sense: the weight they ran with
    t += request.options.automatic_lambda ? QString(" λ auto") : QString(" λ %1").arg(summary.lambdas.front(), 0, 'g', 3);
  return t;
}

QString progress_text(const QString& task, qint64 done, qint64 total, const QString& note, double seconds) {
  QString text = task;
  if (total > 0) text += QString(" %1 %").arg(100 * done / total);
  if (!note.isEmpty()) text += ", " + note.section(',', 0, 0);  // "slice 2/10"; the rest is the method's detail
  if (done > 0 && total > done && seconds > 1) {
    const int left = int(seconds * double(total - done) / double(done) + 0.5);
    text += left >= 60 ? QString(", about %1 min %2 s left").arg(left / 60).arg(left % 60)
                       : QString(", about %1 s left").arg(left);
  }
  return text;
}

ReconRunner::ReconRunner(QWidget* parent)
    : QWidget(parent), progress_(new QProgressBar), cancel_(new QPushButton("Cancel")) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(progress_);
  layout->addWidget(cancel_);
  progress_->setMinimumWidth(420);  // room for "posterior sampling 40 %, slice 2/10, about 1 min 5 s left"
  connect(cancel_, &QPushButton::clicked, this, &ReconRunner::cancel);
  show_running(false);
}

ReconRunner::~ReconRunner() { stop(); }

bool ReconRunner::start(const jobs::ReconRequest& request) {
  if (running()) return false;
  delete job_;
  last_request_ = request;
  job_ = new ReconJob(request);
  connect(job_, &ReconJob::progressed, this, [this](QString task, qint64 done, qint64 total, QString note) {
    if (task != task_) task_ = task, clock_.start();
    progress_->setRange(0, int(std::max<qint64>(total, 0)));
    progress_->setValue(int(done));
    progress_->setFormat(progress_text(task, done, total, note, clock_.elapsed() / 1000.0));
  });
  connect(job_, &ReconJob::finished, this, [this] {
    show_running(false);
    Q_EMIT succeeded(job_->result(), job_->request());
  });
  connect(job_, &ReconJob::failed, this, [this](QString message) {
    show_running(false);
    Q_EMIT failed(message);
  });
  connect(job_, &ReconJob::cancelled, this, [this] {
    show_running(false);
    Q_EMIT cancelled();
  });
  progress_->setRange(0, 0);
  progress_->setFormat("preparing " + QString::fromStdString(request.method));
  task_.clear();
  show_running(true);
  job_->start();
  return true;
}

void ReconRunner::cancel() {
  if (running()) job_->cancel();
}

void ReconRunner::stop() {
  delete job_;  // cancels and waits
  job_ = nullptr;
  show_running(false);
}

bool ReconRunner::running() const { return job_ && job_->running(); }

void ReconRunner::show_running(bool running) {
  progress_->setVisible(running);
  cancel_->setVisible(running);
}

}  // namespace ambient::gui
