#pragma once
// Progress and cancellation for long-running work. Numerics report through this seam;
// the CLI draws a terminal bar or JSON lines, the GUI a progress widget.
#include <atomic>
#include <cstdint>
#include <string>

#include "ambient/core/error.hpp"

namespace ambient {

class Progress {
 public:
  virtual ~Progress() = default;

  // A new task of `total` steps begins (total 0: unknown length).
  virtual void begin(const std::string& task, int64_t total) { (void)task, (void)total; }
  // `done` steps of the current task are finished; `note` is a short status (e.g. a loss).
  virtual void update(int64_t done, const std::string& note = {}) { (void)done, (void)note; }
  virtual void end() {}

  // Cancellation is cooperative: work calls throw_if_cancelled() between steps.
  void cancel() { cancelled_ = true; }
  bool cancelled() const { return cancelled_; }
  void throw_if_cancelled() const {
    if (cancelled_) throw Cancelled();
  }

 private:
  std::atomic<bool> cancelled_{false};
};

// For callers that do not watch progress.
inline Progress& no_progress() {
  static thread_local Progress silent;
  return silent;
}

}  // namespace ambient
