#pragma once
// `ambient simulate`: realistic multi-coil k-space from images. Magnitude images get a
// smooth random phase, every slice is seen through coil sensitivities (an analytic
// birdcage array or maps from a file), Fourier transformed and given complex Gaussian
// noise; noise-only scans at the same level travel along for prewhitening.
#include <cstdint>
#include <string>

#include "ambient/core/progress.hpp"
#include "ambient/io/formats.hpp"

namespace ambient::jobs {

enum class Orientation { axial, coronal, sagittal };

struct SimulateRequest {
  std::string input;        // image volume (NIfTI, cfl, npy, ISMRMRD images); empty: phantom
  std::string output;       // .h5 (ISMRMRD, or fastMRI with format "fastmri"), .cfl, .npy
  int64_t phantom_size = 256;
  Orientation orientation = Orientation::axial;
  int64_t slice_begin = 0, slice_end = -1, slice_step = 1;  // over the chosen axis; -1: to the end
  double min_signal = 0;    // skip slices whose mean magnitude is below this fraction of the volume's
  int64_t matrix = 0;       // resample each slice (padded square) to matrix x matrix; 0: keep
  int64_t coils = 8;
  bool random_coils = false;  // each slice its own random array (recon::random_coil_maps)
  std::string maps;         // coil maps [coil, y, x] from a file instead of the birdcage model
  std::string write_maps;   // also write the maps used (cfl in BART's layout, or npy)
  double phase_radians = 3.14159265358979;  // peak of the smooth random phase (magnitude input)
  double noise = 0;         // std of the complex noise per k-space sample (images scaled to max 1)
  int64_t noise_samples = 256;  // noise-only samples per coil
  uint64_t seed = 0;
  io::WriteOptions write;
};

struct SimulateSummary {
  int64_t slices = 0, coils = 0, ny = 0, nx = 0;
};

SimulateSummary simulate(const SimulateRequest& request, Progress& progress);

// The slices a volume [z, y, x] shows along `orientation`, as [n, rows, cols]. NIfTI volumes
// are stored with y anterior and z superior (RAS), so `nifti_upright` flips the rows to put
// anterior (axial) or superior (coronal, sagittal) at the top, as scanners display them.
at::Tensor reslice(const at::Tensor& volume, Orientation orientation, bool nifti_upright);

}  // namespace ambient::jobs
