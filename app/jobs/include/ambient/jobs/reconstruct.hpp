#pragma once
// `ambient recon`: read a scan, reconstruct it with a registered method, write the
// image in every requested format.
#include <string>
#include <vector>

#include "ambient/core/progress.hpp"
#include "ambient/io/formats.hpp"
#include "ambient/recon/reconstructor.hpp"

namespace ambient::jobs {

struct ReconRequest {
  std::string input;
  std::vector<std::string> outputs;  // one image written per name, format by extension
  std::string method = "zf";
  io::ReadOptions read;
  io::WriteOptions write;
  bool crop_to_recon_matrix = true;  // drop readout oversampling as the header asks
};

struct ReconSummary {
  int64_t slices = 0, ny = 0, nx = 0;
  double acceleration = 0, seconds = 0;
};

ReconSummary reconstruct(const ReconRequest& request, Progress& progress);

// The image volume a reconstruction becomes: centre-cropped to the header's recon matrix
// (readout oversampling) with voxel sizes and the header carried over from the scan.
io::ImageVolume to_image_volume(const recon::Reconstruction& result, const io::KSpace& kspace,
                                bool crop_to_recon_matrix);

}  // namespace ambient::jobs
