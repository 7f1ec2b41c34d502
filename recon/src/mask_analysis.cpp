#include "ambient/recon/mask_analysis.hpp"

#include <ATen/ATen.h>

namespace ambient::recon {

CalibrationRegion calibration_region(const at::Tensor& mask2d) {
  const at::Tensor m = mask2d.to(at::kBool).contiguous();
  const int64_t ny = m.size(0), nx = m.size(1), cy = ny / 2, cx = nx / 2;
  CalibrationRegion r;
  if (!m[cy][cx].item<bool>()) return r;
  int64_t y0 = cy, y1 = cy + 1, x0 = cx, x1 = cx + 1;  // half-open block, all measured
  auto full = [&](int64_t a0, int64_t a1, int64_t b0, int64_t b1) {
    if (a0 < 0 || b0 < 0 || a1 > ny || b1 > nx) return false;
    return m.slice(0, a0, a1).slice(1, b0, b1).all().item<bool>();
  };
  // Grow as a square first, then along each axis alone, one side at a time.
  while (full(y0 - 1, y1 + 1, x0 - 1, x1 + 1)) --y0, ++y1, --x0, ++x1;
  for (bool grew = true; grew;) {
    grew = false;
    if (full(y0 - 1, y1, x0, x1)) --y0, grew = true;
    if (full(y0, y1 + 1, x0, x1)) ++y1, grew = true;
    if (full(y0, y1, x0 - 1, x1)) --x0, grew = true;
    if (full(y0, y1, x0, x1 + 1)) ++x1, grew = true;
  }
  return {y0, y1 - y0, x0, x1 - x0};
}

bool is_line_mask(const at::Tensor& mask2d) {
  const at::Tensor m = mask2d.to(at::kBool);
  return m.eq(m.any(-1, true)).all().item<bool>();
}

}  // namespace ambient::recon
