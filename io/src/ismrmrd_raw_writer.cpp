#include <ATen/ATen.h>
#include <ismrmrd/dataset.h>
#include <ismrmrd/ismrmrd.h>

#include <algorithm>

#include "ambient/core/error.hpp"
#include "ambient/io/ismrmrd_file.hpp"
#include "ambient/io/output_file.hpp"
#include "hdf5_support.hpp"
#include "ismrmrd_header.hpp"
#include "ismrmrd_images.hpp"

namespace ambient::io {

namespace {

constexpr int64_t kNoiseChunk = 4096;  // samples per noise acquisition (ISMRMRD caps at 65535)

void write_noise(ISMRMRD::Dataset& d, const KSpace& k) {
  const at::Tensor noise = k.noise.contiguous();
  const int64_t coils = noise.size(0), total = noise.size(1);
  for (int64_t start = 0; start < total; start += kNoiseChunk) {
    const int64_t n = std::min(kNoiseChunk, total - start);
    ISMRMRD::Acquisition acq(static_cast<uint16_t>(n), static_cast<uint16_t>(coils));
    acq.setFlag(ISMRMRD::ISMRMRD_ACQ_IS_NOISE_MEASUREMENT);
    acq.sample_time_us() = k.noise_dwell_time_us;
    const at::Tensor chunk = noise.narrow(1, start, n).contiguous();
    std::copy_n(reinterpret_cast<const std::complex<float>*>(chunk.data_ptr()), coils * n,
                acq.getDataPtr());
    d.appendAcquisition(acq);
  }
}

}  // namespace

void write_ismrmrd(const std::string& path, const KSpace& k, bool overwrite) {
  validate(k, path);
  if (k.nx() > 65535 || k.coils() > 65535 || k.ny() > 65535 || k.slices() > 65535)
    throw FileError(path, "dimensions exceed ISMRMRD's 16-bit counters");
  silence_hdf5_errors();
  OutputFile file(path, overwrite);
  {
    ISMRMRD::Dataset d(file.temp_path().c_str(), "dataset", true);
    d.writeHeader(header_for(k));
    if (k.noise.defined()) write_noise(d, k);

    const at::Tensor data = k.data.contiguous();
    const at::Tensor lines = k.mask.any(-1).contiguous();  // [slice, ky]
    const auto* line_measured = lines.data_ptr<bool>();
    std::vector<bool> calibration(k.ny(), false);
    for (int64_t y : k.calibration_lines)
      if (y >= 0 && y < k.ny()) calibration[y] = true;
    // Unmeasured samples inside a measured line are written as zeros.
    const at::Tensor masked = (data * k.mask.unsqueeze(1)).contiguous();
    const auto* samples = reinterpret_cast<const std::complex<float>*>(masked.data_ptr());
    const int64_t S = k.slices(), C = k.coils(), Y = k.ny(), X = k.nx();

    uint32_t counter = 0;
    for (int64_t s = 0; s < S; ++s) {
      int64_t first = -1, last = -1;
      for (int64_t y = 0; y < Y; ++y)
        if (line_measured[s * Y + y]) {
          if (first < 0) first = y;
          last = y;
        }
      for (int64_t y = 0; y < Y; ++y) {
        if (!line_measured[s * Y + y]) continue;
        ISMRMRD::Acquisition acq(static_cast<uint16_t>(X), static_cast<uint16_t>(C));
        acq.center_sample() = static_cast<uint16_t>(X / 2);
        acq.scan_counter() = counter++;
        acq.sample_time_us() = k.acquisition_dwell_time_us;
        acq.idx().kspace_encode_step_1 = static_cast<uint16_t>(y);
        acq.idx().slice = static_cast<uint16_t>(s);
        acq.read_dir()[0] = 1;
        acq.phase_dir()[1] = 1;
        acq.slice_dir()[2] = 1;
        if (y == first) acq.setFlag(ISMRMRD::ISMRMRD_ACQ_FIRST_IN_SLICE);
        if (y == last) acq.setFlag(ISMRMRD::ISMRMRD_ACQ_LAST_IN_SLICE);
        if (calibration[y]) acq.setFlag(ISMRMRD::ISMRMRD_ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING);
        auto* dst = acq.getDataPtr();
        for (int64_t c = 0; c < C; ++c)
          std::copy_n(samples + ((s * C + c) * Y + y) * X, X, dst + c * X);
        d.appendAcquisition(acq);
      }
    }
  }
  if (k.reference.defined()) {
    ImageVolume ref;
    ref.data = k.reference.to(at::kFloat).contiguous();
    // Stored in the same file so that a simulated scan carries its ground truth.
    append_ismrmrd_images(file.temp_path(), ref, "reference");
  }
  file.commit();
}

}  // namespace ambient::io
