#pragma once
// The data model every layer shares: multi-coil Cartesian k-space with its sampling mask
// and acquisition metadata, and image volumes. Axis orders are fixed here and nowhere
// else: k-space [slice, coil, ky, kx], images [slice, y, x], both in centred coordinates
// (DC at index N/2). Readers convert from file orders; nothing above io/ knows them.
#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ambient::io {

// Matrix sizes and fields of view from the acquisition header, x = readout, y = phase
// encode, z = partition/slice direction. Zero where the file says nothing.
struct Geometry {
  std::array<int64_t, 3> encoded_matrix{0, 0, 0};
  std::array<int64_t, 3> recon_matrix{0, 0, 0};
  std::array<float, 3> encoded_fov_mm{0, 0, 0};
  std::array<float, 3> recon_fov_mm{0, 0, 0};
};

struct KSpace {
  at::Tensor data;   // [slice, coil, ky, kx] complex64
  at::Tensor mask;   // [slice, ky, kx] bool: true where k-space was measured
  at::Tensor noise;  // [coil, samples] complex64 noise-only samples (prewhitening); may be undefined
  float noise_dwell_time_us = 0;        // dwell times let noise statistics be rescaled
  float acquisition_dwell_time_us = 0;  // to the imaging readout bandwidth
  std::vector<int64_t> calibration_lines;  // ky indices flagged as parallel-imaging calibration
  at::Tensor reference;                    // [slice, y, x] float32 reference image; may be undefined
  Geometry geometry;
  std::string header_xml;  // the ISMRMRD XML header when the file carries one
  std::string source_path;
  std::string source_format;

  int64_t slices() const { return data.size(0); }
  int64_t coils() const { return data.size(1); }
  int64_t ny() const { return data.size(2); }
  int64_t nx() const { return data.size(3); }
  // Grid points over measured points, over every slice (1 for fully sampled data).
  double acceleration() const;
};

// An image volume: reconstructions, reference images, NIfTI volumes.
struct ImageVolume {
  at::Tensor data;                    // [slice, y, x] complex64 or float32
  std::array<float, 3> voxel_mm{1, 1, 1};  // x, y, slice
  std::string header_xml;             // carried over from the k-space it came from
  std::string source_path;
  std::string source_format;

  int64_t slices() const { return data.size(0); }
  int64_t ny() const { return data.size(1); }
  int64_t nx() const { return data.size(2); }
};

// Throws FileError(path, ...) unless `kspace` keeps the model's invariants
// (shapes, dtypes, finite samples). Readers call it before returning.
void validate(const KSpace& kspace, const std::string& path);
void validate(const ImageVolume& image, const std::string& path);

// Mask inferred from the data: a k-space location is measured when any coil holds a
// non-zero sample there (undersampled files store unmeasured samples as exact zeros).
at::Tensor mask_from_zeros(const at::Tensor& data);

}  // namespace ambient::io
