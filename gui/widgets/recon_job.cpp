#include "recon_job.hpp"

#include <QMetaObject>

#include "ambient/core/error.hpp"

namespace ambient::gui {

// Progress from the worker thread, forwarded to the job's thread as queued calls.
class ReconJob::Reporter : public Progress {
 public:
  explicit Reporter(ReconJob* job) : job_(job) {}
  void begin(const std::string& task, int64_t total) override {
    task_ = QString::fromStdString(task);
    total_ = total;
    post(0, {});
  }
  void update(int64_t done, const std::string& note) override { post(done, QString::fromStdString(note)); }

 private:
  void post(int64_t done, const QString& note) {
    QMetaObject::invokeMethod(job_, [job = job_, task = task_, done, total = total_, note] {
      Q_EMIT job->progressed(task, done, total, note);
    }, Qt::QueuedConnection);
  }
  ReconJob* job_;
  QString task_;
  int64_t total_ = 0;
};

ReconJob::ReconJob(jobs::ReconRequest request, QObject* parent)
    : QObject(parent), request_(std::move(request)), reporter_(std::make_unique<Reporter>(this)) {}

ReconJob::~ReconJob() {
  cancel();
  if (thread_.joinable()) thread_.join();
}

void ReconJob::start() {
  if (running_ || thread_.joinable()) return;
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void ReconJob::cancel() { reporter_->cancel(); }

void ReconJob::run() {
  // Each outcome is delivered in the GUI thread, after `running_` is false.
  auto deliver = [this](auto emit_outcome) {
    QMetaObject::invokeMethod(this, [this, emit_outcome] {
      if (thread_.joinable()) thread_.join();
      emit_outcome(this);
    }, Qt::QueuedConnection);
  };
  try {
    const auto method = jobs::make_method(request_);
    reporter_->throw_if_cancelled();
    result_ = std::make_unique<jobs::ReconResult>(jobs::run_reconstruction(request_, *method, *reporter_));
    running_ = false;
    deliver([](ReconJob* job) { Q_EMIT job->finished(); });
  } catch (const Cancelled&) {
    running_ = false;
    deliver([](ReconJob* job) { Q_EMIT job->cancelled(); });
  } catch (const std::exception& e) {
    running_ = false;
    const QString message = QString::fromStdString(e.what());
    deliver([message](ReconJob* job) { Q_EMIT job->failed(message); });
  }
}

}  // namespace ambient::gui
