#include "ambient/io/ismrmrd_file.hpp"

#include <ATen/ATen.h>
#include <ismrmrd/dataset.h>
#include <ismrmrd/ismrmrd.h>

#include <algorithm>

#include "ambient/core/error.hpp"
#include "file_checks.hpp"
#include "hdf5_support.hpp"
#include "ismrmrd_dataset.hpp"
#include "ismrmrd_header.hpp"

namespace ambient::io {

using namespace ISMRMRD;  // its C API lives in this namespace when compiled as C++

namespace {

// One acquisition read through the C API, freed on scope exit.
struct AcquisitionBuffer {
  ISMRMRD_Acquisition acq{};
  AcquisitionBuffer() { ismrmrd_init_acquisition(&acq); }
  ~AcquisitionBuffer() { ismrmrd_cleanup_acquisition(&acq); }
  bool flag(ISMRMRD_AcquisitionFlags f) const { return ismrmrd_is_flag_set(acq.head.flags, f); }
};

bool is_auxiliary(const AcquisitionBuffer& a) {
  for (auto f : {ISMRMRD_ACQ_IS_NAVIGATION_DATA, ISMRMRD_ACQ_IS_PHASECORR_DATA,
                 ISMRMRD_ACQ_IS_HPFEEDBACK_DATA, ISMRMRD_ACQ_IS_DUMMYSCAN_DATA,
                 ISMRMRD_ACQ_IS_RTFEEDBACK_DATA, ISMRMRD_ACQ_IS_SURFACECOILCORRECTIONSCAN_DATA,
                 ISMRMRD_ACQ_IS_PHASE_STABILIZATION_REFERENCE,
                 ISMRMRD_ACQ_IS_PHASE_STABILIZATION})
    if (a.flag(f)) return true;
  return false;
}

// What a first pass over the acquisition headers finds: the counts, the coil count, the
// noise scans and the dwell times.
struct Survey {
  IsmrmrdCounts counts;
  int64_t coils = 0;
  std::vector<at::Tensor> noise;  // each [coil, samples]
  double noise_dwell_time_us = 0, acquisition_dwell_time_us = 0;
};

Survey survey_acquisitions(const ISMRMRD_Dataset* dset, int64_t n_acq, const std::string& path) {
  Survey s;
  int max_slice = 0;
  AcquisitionBuffer a;
  for (int64_t i = 0; i < n_acq; ++i) {
    if (ismrmrd_read_acquisition(dset, static_cast<uint32_t>(i), &a.acq) != 0)
      throw FileError(path, "acquisition " + std::to_string(i) + " cannot be read (truncated?)");
    const auto& h = a.acq.head;
    if (a.flag(ISMRMRD_ACQ_IS_NOISE_MEASUREMENT)) {
      ++s.counts.noise;
      s.noise.push_back(
          at::from_blob(a.acq.data, {h.active_channels, h.number_of_samples}, at::kComplexFloat).clone());
      s.noise_dwell_time_us = h.sample_time_us;
      continue;
    }
    if (is_auxiliary(a)) {
      ++s.counts.ignored;
      continue;
    }
    ++s.counts.acquisitions;
    if (a.flag(ISMRMRD_ACQ_IS_PARALLEL_CALIBRATION)) ++s.counts.calibration;
    if (s.coils == 0) s.coils = h.active_channels;
    if (h.active_channels != s.coils)
      throw FileError(path, "acquisition " + std::to_string(i) + " has " + std::to_string(h.active_channels) +
                                " channels, earlier ones " + std::to_string(s.coils));
    max_slice = std::max<int>(max_slice, h.idx.slice);
    s.counts.repetitions = std::max<int>(s.counts.repetitions, h.idx.repetition + 1);
    s.counts.contrasts = std::max<int>(s.counts.contrasts, h.idx.contrast + 1);
    s.counts.averages = std::max<int>(s.counts.averages, h.idx.average + 1);
    s.acquisition_dwell_time_us = h.sample_time_us;
  }
  s.counts.slices = max_slice + 1;
  return s;
}

void check_selection(const IsmrmrdCounts& counts, const IsmrmrdReadOptions& options, const std::string& path) {
  if (counts.acquisitions == 0) throw FileError(path, "holds noise scans but no imaging data");
  if (options.repetition >= counts.repetitions)
    throw FileError(path, "has " + std::to_string(counts.repetitions) + " repetition(s); repetition " +
                              std::to_string(options.repetition) + " does not exist");
  if (options.contrast >= counts.contrasts)
    throw FileError(path, "has " + std::to_string(counts.contrasts) + " contrast(s); contrast " +
                              std::to_string(options.contrast) + " does not exist");
}

// The selected repetition and contrast on the encoded Cartesian grid: k-space summed per
// sample with the number of acquisitions that hit it, and which lines are calibration.
struct Grid {
  at::Tensor data;  // [slice, coil, ky, kx], sums
  at::Tensor hits;  // [slice, ky, kx], acquisitions per sample
  std::vector<bool> calibration_line;
};

Grid grid_acquisitions(const ISMRMRD_Dataset* dset, int64_t n_acq, const HeaderSummary& header, int64_t slices,
                       int64_t coils, const IsmrmrdReadOptions& options, const std::string& path) {
  const int64_t nx = header.geometry.encoded_matrix[0], ny = header.geometry.encoded_matrix[1];
  checked_element_count({slices, coils, ny, nx}, 8, path);
  Grid g{at::zeros({slices, coils, ny, nx}, at::kComplexFloat), at::zeros({slices, ny, nx}, at::kFloat),
         std::vector<bool>(ny, false)};
  auto* grid = g.data.data_ptr<c10::complex<float>>();
  auto* hit = g.hits.data_ptr<float>();
  AcquisitionBuffer a;
  for (int64_t i = 0; i < n_acq; ++i) {
    ismrmrd_read_acquisition(dset, static_cast<uint32_t>(i), &a.acq);
    const auto& h = a.acq.head;
    if (a.flag(ISMRMRD_ACQ_IS_NOISE_MEASUREMENT) || is_auxiliary(a)) continue;
    if (h.idx.repetition != options.repetition || h.idx.contrast != options.contrast) continue;
    const bool calibration_only = a.flag(ISMRMRD_ACQ_IS_PARALLEL_CALIBRATION);
    const int64_t ky = static_cast<int64_t>(h.idx.kspace_encode_step_1) - header.ky_center + ny / 2;
    const int64_t kx0 = nx / 2 - static_cast<int64_t>(h.center_sample);
    if (ky < 0 || ky >= ny)
      throw FileError(path, "acquisition " + std::to_string(i) + " has phase-encode index " +
                                std::to_string(h.idx.kspace_encode_step_1) + " outside the encoded matrix of " +
                                std::to_string(ny));
    if (kx0 < 0 || kx0 + h.number_of_samples > nx)
      throw FileError(path, "acquisition " + std::to_string(i) + " has " + std::to_string(h.number_of_samples) +
                                " samples centred at " + std::to_string(h.center_sample) +
                                ", which do not fit the encoded readout of " + std::to_string(nx));
    if (calibration_only || ismrmrd_is_flag_set(h.flags, ISMRMRD_ACQ_IS_PARALLEL_CALIBRATION_AND_IMAGING))
      g.calibration_line[ky] = true;
    const int64_t s = h.idx.slice;
    // Calibration-only lines fill gaps; where imaging measured the line, imaging wins.
    float* line_hits = hit + (s * ny + ky) * nx;
    if (calibration_only && line_hits[kx0] > 0) continue;
    const bool reverse = ismrmrd_is_flag_set(h.flags, ISMRMRD_ACQ_IS_REVERSE);
    const auto* samples = reinterpret_cast<const c10::complex<float>*>(a.acq.data);
    for (int64_t c = 0; c < coils; ++c) {
      c10::complex<float>* row = grid + ((s * coils + c) * ny + ky) * nx + kx0;
      const c10::complex<float>* src = samples + c * h.number_of_samples;
      for (int64_t x = 0; x < h.number_of_samples; ++x) row[x] += src[reverse ? h.number_of_samples - 1 - x : x];
    }
    for (int64_t x = 0; x < h.number_of_samples; ++x) line_hits[kx0 + x] += 1;
  }
  return g;
}

}  // namespace

KSpace read_ismrmrd(const std::string& path, const IsmrmrdReadOptions& options, IsmrmrdCounts* counts_out) {
  ReadOnlyDataset dset(path, options.group);
  KSpace out;
  out.source_path = path;
  out.source_format = "ismrmrd";
  out.header_xml = dset.header_xml();
  const HeaderSummary header = summarize_header(out.header_xml, path);
  out.geometry = header.geometry;
  const int64_t n_acq = ismrmrd_get_number_of_acquisitions(dset.get());
  if (n_acq == 0) throw FileError(path, "holds no acquisitions");

  Survey survey = survey_acquisitions(dset.get(), n_acq, path);
  if (counts_out) *counts_out = survey.counts;
  check_selection(survey.counts, options, path);
  out.noise_dwell_time_us = survey.noise_dwell_time_us;
  out.acquisition_dwell_time_us = survey.acquisition_dwell_time_us;
  if (!survey.noise.empty()) out.noise = at::cat(survey.noise, 1);

  const Grid grid = grid_acquisitions(dset.get(), n_acq, header, survey.counts.slices, survey.coils, options, path);
  const at::Tensor data = grid.data / grid.hits.clamp_min(1).unsqueeze(1);  // averages are averaged
  out.mask = (grid.hits > 0) & mask_from_zeros(data);
  out.data = data;
  out.data = out.data.contiguous();
  for (int64_t y = 0; y < static_cast<int64_t>(grid.calibration_line.size()); ++y)
    if (grid.calibration_line[y]) out.calibration_lines.push_back(y);

  const auto series = ismrmrd_image_series(path, options.group);
  if (std::find(series.begin(), series.end(), "reference") != series.end())
    out.reference = at::abs(read_ismrmrd_images(path, "reference", options.group).data).to(at::kFloat);
  validate(out, path);
  return out;
}

}  // namespace ambient::io
