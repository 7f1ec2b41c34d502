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
// ("A:B[:STEP]", k-space only) keeps those slices alone.
ConvertResult convert(const std::string& input, const std::string& output,
                      const ScanReadOptions& read, const io::WriteOptions& write,
                      io::DataKind kind = io::DataKind::automatic, const std::string& slices = "");

}  // namespace ambient::jobs
