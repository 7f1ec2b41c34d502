#pragma once
// A task that runs slice by slice (posterior sampling: one run of the sampler per slice),
// reported as one task over the whole volume, so a progress bar and its time left cover the
// volume instead of restarting at every slice: step k of slice s is step s * steps + k of
// slices * steps, and the note says which slice.
#include <string>

#include "ambient/core/progress.hpp"

namespace ambient {

class VolumeProgress : public Progress {
 public:
  VolumeProgress(Progress& outer, int64_t slices) : outer_(outer), slices_(slices) {}

  void set_slice(int64_t slice) { slice_ = slice; }

  void begin(const std::string& task, int64_t steps) override {
    follow_cancel();
    steps_ = steps;
    if (!begun_) outer_.begin(task, slices_ * steps);
    begun_ = true;
  }

  void update(int64_t done, const std::string& note) override {
    follow_cancel();
    const std::string where = "slice " + std::to_string(slice_ + 1) + "/" + std::to_string(slices_);
    outer_.update(slice_ * steps_ + done, note.empty() ? where : where + ", " + note);
  }

 private:
  // Cancellation is asked of the outer progress; the work checks this one at its next step.
  void follow_cancel() {
    if (outer_.cancelled()) cancel();
  }

  Progress& outer_;
  int64_t slices_, slice_ = 0, steps_ = 0;
  bool begun_ = false;
};

}  // namespace ambient
