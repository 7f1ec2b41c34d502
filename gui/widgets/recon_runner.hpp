#pragma once
// The reconstruction runner of the window's status bar: one background job at a time
// (ReconJob), its progress bar (task, percent, slice, time left) and Cancel button. It
// announces how the job ended; the window turns a result into panels.
#include <QElapsedTimer>
#include <QWidget>

#include "ambient/jobs/reconstruct.hpp"

class QProgressBar;
class QPushButton;

namespace ambient::gui {

class ReconJob;

// A reconstruction's panel title: method, sampling (pattern, R, ACS, seed, or as acquired),
// slices and the lambda, so two runs with different masks never share a name.
QString result_title(const jobs::ReconRequest& request, const jobs::ReconSummary& summary);
// What the progress bar says: task, percent, slice, time left.
QString progress_text(const QString& task, qint64 done, qint64 total, const QString& note, double seconds);

class ReconRunner : public QWidget {
  Q_OBJECT
 public:
  explicit ReconRunner(QWidget* parent = nullptr);
  ~ReconRunner() override;  // cancels a running job and waits for it

  // Starts the request in the background; false while another job runs.
  bool start(const jobs::ReconRequest& request);
  void cancel();
  // Cancels a running job and waits for the method's next cancellation point.
  void stop();
  bool running() const;
  const jobs::ReconRequest& last_request() const { return last_request_; }

 Q_SIGNALS:
  // The job's result (valid during the signal) and the request it ran.
  void succeeded(const jobs::ReconResult& result, const jobs::ReconRequest& request);
  void failed(QString message);
  void cancelled();

 private:
  void show_running(bool running);

  QProgressBar* progress_;
  QPushButton* cancel_;
  ReconJob* job_ = nullptr;
  jobs::ReconRequest last_request_;
  QString task_;         // the task the progress bar times
  QElapsedTimer clock_;
};

}  // namespace ambient::gui
