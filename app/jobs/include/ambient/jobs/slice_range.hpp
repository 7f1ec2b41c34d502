#pragma once
// A range of slices as users write it, Python style: "A:B" or "A:B:STEP", either end optional
// ("150:190:2", ":10", "5:").
#include <cstdint>
#include <string>
#include <vector>

#include "ambient/io/kspace.hpp"

namespace ambient::jobs {

struct SliceRange {
  int64_t begin = 0, end = -1, step = 1;  // end -1: to the last slice

  // Throws Error naming `text` when it is not such a range (or STEP < 1, A < 0).
  static SliceRange parse(const std::string& text);
  // The indices it picks out of `count` slices; Error when none.
  std::vector<int64_t> indices(int64_t count) const;
};

// The slices `range` ("A:B[:STEP]") picks of a scan: data, mask and reference image. A bad
// range, or one past the scan's slices, is a FileError naming `path`.
io::KSpace select_slices(const io::KSpace& kspace, const std::string& range, const std::string& path);

}  // namespace ambient::jobs
