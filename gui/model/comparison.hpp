#pragma once
// Comparing panels: difference maps, region statistics and image-quality metrics against
// a reference panel, and the table the viewer exports.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ambient/recon/metrics.hpp"
#include "view_array.hpp"

namespace ambient::gui {

// |image| - |reference| over the whole arrays (same shape, else Error naming both titles).
ViewArray difference(const ViewArray& image, const ViewArray& reference);

// A rectangle of plane pixels, corners inclusive, in any order.
struct Roi {
  int64_t x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

struct RoiStats {
  double mean = 0, std = 0;  // std with N - 1 (sample), as NumPy's std(ddof=1)
  int64_t pixels = 0;
};

// Statistics of `values` [h, w] inside `roi` clipped to the plane; Error when nothing is left.
RoiStats roi_stats(const at::Tensor& values, const Roi& roi);

// PSNR / SSIM / NMSE of one plane's magnitude against the reference plane's (fastMRI
// definitions, the reference's maximum as data range). Error when the sizes differ.
recon::Metrics plane_metrics(const at::Tensor& reference_plane, const at::Tensor& plane);

struct ComparisonRow {
  std::string panel;
  std::optional<RoiStats> roi;
  std::optional<recon::Metrics> metrics;  // absent for the reference itself or other sizes
};

// CSV with a header line; empty cells where a row has no value.
std::string comparison_csv(const std::vector<ComparisonRow>& rows);
// Writes it atomically; refuses to replace an existing file unless `overwrite`.
void write_comparison_csv(const std::string& path, const std::vector<ComparisonRow>& rows, bool overwrite);

}  // namespace ambient::gui
