#pragma once
// ISMRMRD HDF5 raw data (Cartesian, multi-coil, multi-slice) and image datasets, through
// libismrmrd. Acquisitions are placed by their encoding counters relative to the header's
// encoding limits and centres, so partial Fourier and asymmetric echoes land where they
// belong in the centred grid.
#include <string>

#include "ambient/io/kspace.hpp"

namespace ambient::io {

// The readout is returned as acquired; recon::remove_readout_oversampling crops it to the
// header's reconstruction matrix (app/jobs' read_scan does, when asked).
struct IsmrmrdReadOptions {
  std::string group = "dataset";
  int repetition = 0;                // which repetition / contrast to read
  int contrast = 0;
};

// Counts the file holds, for `ambient info` and for the choice above.
struct IsmrmrdCounts {
  int64_t acquisitions = 0, noise = 0, calibration = 0, ignored = 0;
  int slices = 0, repetitions = 0, contrasts = 0, averages = 0;
};

KSpace read_ismrmrd(const std::string& path, const IsmrmrdReadOptions& options = {},
                    IsmrmrdCounts* counts = nullptr);
// One acquisition per measured (slice, ky) line; unmeasured samples in a measured line are
// written as zeros (readers recover the mask from them). Noise scans come first; a
// reference image, when present, is stored as the image series "reference".
void write_ismrmrd(const std::string& path, const KSpace& kspace, bool overwrite);

// Image series in an ISMRMRD file: `series` names the group (empty: the first one found).
ImageVolume read_ismrmrd_images(const std::string& path, const std::string& series = "",
                                const std::string& group = "dataset");
void write_ismrmrd_images(const std::string& path, const ImageVolume& image, bool overwrite,
                          const std::string& series = "image");
// Names of the image series in `group` (may be empty).
std::vector<std::string> ismrmrd_image_series(const std::string& path,
                                              const std::string& group = "dataset");

}  // namespace ambient::io
