#pragma once
// `ambient convert`: any readable file to any writable format.
#include <string>
#include <vector>

#include "ambient/io/formats.hpp"
#include "ambient/jobs/scan_reading.hpp"

namespace ambient::jobs {

struct ConvertResult {
  io::DataKind kind = io::DataKind::automatic;  // what was converted
  std::vector<std::string> dropped;      // parts the output format cannot hold
};

// K-space stays k-space where both formats hold it (ISMRMRD, fastMRI, cfl, npy); image
// files, and any input written to an image-only format, convert as images. `slices`
// ("A:B[:STEP]", k-space only) keeps those slices alone. `reference` (k-space only): an image
// file whose magnitude becomes the scan's reference image (what `ambient recon --reference auto`
// compares with), e.g. the noise-free image of a scan with noise added; it must match the
// output's slices and image size, and the output format must hold it (ISMRMRD, fastMRI).
ConvertResult convert(const std::string& input, const std::string& output,
                      const ScanReadOptions& read, const io::WriteOptions& write,
                      io::DataKind kind = io::DataKind::automatic, const std::string& slices = "",
                      const std::string& reference = "");

}  // namespace ambient::jobs
