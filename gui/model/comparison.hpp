#pragma once
// Comparing panels: difference maps, region statistics and image-quality metrics against
// a reference panel, and the table the viewer exports.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ambient/recon/metrics.hpp"
#include "panel_state.hpp"
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

// The image a panel is judged against when it is the reference: a k-space file's own
// reference image series where the file has one (as `ambient recon --reference auto`),
// else the panel's own array.
const ViewArray& scoring_reference(const PanelState& reference);

struct ComparisonRow {
  std::string panel;
  std::string plane;  // where it was scored and measured, e.g. "slice 3/20"
  std::optional<RoiStats> roi;
  std::optional<recon::Metrics> metrics;
  std::string note;   // why there are no metrics, or that the panel shows another plane
};

// Every panel against the reference (nullptr: no metrics). Only images are scored (not
// uncertainty maps, differences, masks or k-space), each at the reference's plane (its index
// along every axis both arrays name alike), so unlinked panels never compare different
// slices silently; the region's statistics are of the values each panel displays.
std::vector<ComparisonRow> compare_panels(const std::vector<const PanelState*>& panels, const PanelState* reference,
                                          const std::optional<Roi>& roi);

// The heading of a comparison: the reference's title (and which image of it) and the region.
struct ComparisonContext {
  std::string reference;
  std::string region;  // "x 3-20, y 5-40" or ""
};
std::string describe_region(const std::optional<Roi>& roi);

// CSV with a header line; empty cells where a row has no value.
std::string comparison_csv(const std::vector<ComparisonRow>& rows, const ComparisonContext& context);
// Writes it atomically; refuses to replace an existing file unless `overwrite`.
void write_comparison_csv(const std::string& path, const std::vector<ComparisonRow>& rows,
                          const ComparisonContext& context, bool overwrite);

}  // namespace ambient::gui
