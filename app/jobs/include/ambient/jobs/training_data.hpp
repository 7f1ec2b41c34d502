#pragma once
// The training data of a prior, from a list of k-space files and folders: every slice with
// its own sampling mask (as acquired, narrowed by an optional retrospective pattern whose
// seed is fixed per slice, so a slice keeps its mask for the whole run like a real
// acquisition would), ESPIRiT coil maps, the ACS 99th-percentile normalisation, and its
// noise level from the file's noise scans. Maps and images are cached per file under
// `cache_dir`, keyed by the file's path, size, modification time and every option that
// shapes them, so a second run over the same data skips ESPIRiT and an edited file is
// recomputed. A manifest names what went in; its hash travels into every checkpoint.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ambient/core/progress.hpp"
#include "ambient/diffusion/training_set.hpp"
#include "ambient/io/formats.hpp"
#include "ambient/jobs/scan_reading.hpp"
#include "ambient/jobs/reconstruct.hpp"
#include "ambient/recon/espirit.hpp"

namespace ambient::jobs {

struct TrainingDataOptions {
  TrainingDataOptions() {
    espirit.crop = 0;
    espirit.absorb_phase = true;
  }
  std::vector<std::string> inputs;  // k-space files and folders of them (not recursive)
  RetrospectiveMask mask;           // optional undersampling on top of what was measured
  // Maps are not cropped (eigen-crop 0): with unit-norm maps over the whole field of view,
  // S^H S = I and A^H A reaches the background too, so the prior learns that the background
  // is empty. Cropped maps zero it in every input and loss, leaving the network's output
  // there untrained (and its samples full of texture where the head is not). The maps take
  // the images' smooth phase (absorb_phase): a prior learns nearly real images instead of
  // each slice's own phase pattern, about five times faster (docs/training.md).
  recon::EspiritOptions espirit;
  // Noise level of the normalised images: < 0 estimates it from the noise scans (0 where
  // a file has none), >= 0 sets it.
  double data_sigma = -1;
  int64_t width = 0;  // crop / zero-pad images along x (readout) to this width; 0: keep
  std::string cache_dir;  // empty: $AMBIENT_CACHE or ~/.cache/ambient, + /training
  ScanReadOptions read;
};

struct TrainingData {
  diffusion::TrainingSet set;
  nlohmann::json manifest;  // files, options, slice count, mean acceleration
  std::string manifest_hash;
  std::vector<std::string> slice_names;  // "file:slice" of every slice, in set order
  double acceleration = 1;               // mean over slices
  bool line_masks = true;                // every mask samples whole ky lines
};

TrainingData load_training_data(const TrainingDataOptions& options, Progress& progress);

}  // namespace ambient::jobs
