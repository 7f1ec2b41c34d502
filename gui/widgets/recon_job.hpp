#pragma once
// A reconstruction running in a worker thread through app/jobs (the CLI's own pipeline),
// reporting progress to the GUI thread by queued signals. cancel() is cooperative: the
// method stops at its next step. Destroying a running job cancels it and waits.
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <thread>

#include "ambient/jobs/reconstruct.hpp"

namespace ambient::gui {

class ReconJob : public QObject {
  Q_OBJECT
 public:
  explicit ReconJob(jobs::ReconRequest request, QObject* parent = nullptr);
  ~ReconJob() override;

  void start();
  void cancel();
  bool running() const { return running_; }
  const jobs::ReconRequest& request() const { return request_; }
  // Valid after finished() was emitted.
  const jobs::ReconResult& result() const { return *result_; }

 Q_SIGNALS:
  // The method's task, its steps done of total, and its note (e.g. "slice 2/10").
  void progressed(QString task, qint64 done, qint64 total, QString note);
  void finished();
  void failed(QString message);
  void cancelled();

 private:
  class Reporter;
  void run();

  jobs::ReconRequest request_;
  std::unique_ptr<Reporter> reporter_;
  std::unique_ptr<jobs::ReconResult> result_;
  std::thread thread_;
  std::atomic<bool> running_{false};
};

}  // namespace ambient::gui
