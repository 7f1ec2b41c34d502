#pragma once
// Small use cases around the reconstructions: coil maps (`ambient espirit`), sampling masks
// (`ambient mask`) and image comparison (`ambient metrics`).
#include <string>

#include "ambient/core/progress.hpp"
#include "ambient/io/formats.hpp"
#include "ambient/jobs/scan_reading.hpp"
#include "ambient/recon/espirit.hpp"
#include "ambient/recon/masks.hpp"
#include "ambient/recon/metrics.hpp"

namespace ambient::jobs {

struct EspiritRequest {
  std::string input, output;   // k-space in; maps out (.cfl in BART's layout, or .npy)
  std::string eigenvalues;     // optional eigenvalue maps (any image format)
  recon::EspiritOptions options;
  ScanReadOptions read;
  io::WriteOptions write;
};
struct EspiritSummary {
  int64_t slices = 0, coils = 0, kernels = 0;  // kernels of the last slice
};
EspiritSummary estimate_coil_maps(const EspiritRequest& request, Progress& progress);

struct MaskRequest {
  std::string output;          // image file (.png, .npy, .cfl, .nii)
  std::string like;            // take the grid size from this k-space file
  int64_t ny = 0, nx = 0;      // or give it
  recon::MaskOptions options;
  io::WriteOptions write;
};
struct MaskSummary {
  int64_t ny = 0, nx = 0, measured = 0;
  double acceleration = 0;
};
MaskSummary make_mask_file(const MaskRequest& request);

// Metrics of `image` against `reference` (image files of the same shape, magnitudes).
recon::Metrics compare_files(const std::string& reference, const std::string& image,
                             const recon::MetricOptions& options, const ScanReadOptions& read = {});

}  // namespace ambient::jobs
