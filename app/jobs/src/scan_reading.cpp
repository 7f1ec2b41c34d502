#include "ambient/jobs/scan_reading.hpp"

#include "ambient/recon/readout.hpp"

namespace ambient::jobs {

io::KSpace read_scan(const std::string& path, const ScanReadOptions& options) {
  io::KSpace k = io::read_kspace(path, options);
  if (options.remove_oversampling) recon::remove_readout_oversampling(k);
  return k;
}

}  // namespace ambient::jobs
