#pragma once
// Reading a scan for a job: io's readers, then what the user asked of the data on the way
// in that needs recon (the readout cropped to the header's reconstruction matrix).
#include <string>

#include "ambient/io/formats.hpp"

namespace ambient::jobs {

struct ScanReadOptions : io::ReadOptions {
  bool remove_oversampling = false;  // crop the readout to the header's reconstruction matrix
};

io::KSpace read_scan(const std::string& path, const ScanReadOptions& options = {});

}  // namespace ambient::jobs
