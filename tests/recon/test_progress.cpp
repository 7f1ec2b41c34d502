// core's progress seam: VolumeProgress reports slice-by-slice work as one task over the volume
// and passes a cancellation of the outer progress on to the work.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ambient/core/volume_progress.hpp"

namespace ambient {
namespace {

struct Recorder : Progress {
  std::vector<std::string> tasks;
  std::vector<int64_t> totals, done;
  std::vector<std::string> notes;
  void begin(const std::string& task, int64_t total) override { tasks.push_back(task), totals.push_back(total); }
  void update(int64_t d, const std::string& note) override { done.push_back(d), notes.push_back(note); }
};

TEST(VolumeProgress, OneTaskOverEverySlicesSteps) {
  Recorder outer;
  VolumeProgress volume(outer, 3);
  for (int64_t s = 0; s < 3; ++s) {
    volume.set_slice(s);
    volume.begin("sampling", 10);
    for (int64_t i = 1; i <= 10; ++i) volume.update(i, i == 10 ? "residual 0.1" : "");
  }
  EXPECT_EQ(outer.tasks, std::vector<std::string>{"sampling"});  // begun once
  EXPECT_EQ(outer.totals, std::vector<int64_t>{30});
  ASSERT_EQ(outer.done.size(), 30u);
  for (size_t k = 0; k < outer.done.size(); ++k) EXPECT_EQ(outer.done[k], int64_t(k) + 1);
  EXPECT_EQ(outer.notes[10], "slice 2/3");
  EXPECT_EQ(outer.notes[29], "slice 3/3, residual 0.1");
}

TEST(VolumeProgress, CancellingTheOuterStopsTheWorkAtItsNextStep) {
  Recorder outer;
  VolumeProgress volume(outer, 2);
  volume.begin("sampling", 5);
  volume.update(1, "");
  EXPECT_NO_THROW(volume.throw_if_cancelled());
  outer.cancel();
  volume.update(2, "");
  EXPECT_THROW(volume.throw_if_cancelled(), Cancelled);
}

}  // namespace
}  // namespace ambient
