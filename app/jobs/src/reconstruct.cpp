#include "ambient/jobs/reconstruct.hpp"

#include <ATen/ATen.h>

#include <chrono>
#include <filesystem>

#include "ambient/core/error.hpp"

namespace ambient::jobs {

namespace {

at::Tensor centre_crop(const at::Tensor& image, int64_t ny, int64_t nx) {
  const int64_t y = image.size(-2), x = image.size(-1);
  ny = (ny > 0 && ny < y) ? ny : y;
  nx = (nx > 0 && nx < x) ? nx : x;
  return image.narrow(-2, y / 2 - ny / 2, ny).narrow(-1, x / 2 - nx / 2, nx).contiguous();
}

}  // namespace

io::ImageVolume to_image_volume(const recon::Reconstruction& result, const io::KSpace& k,
                                bool crop) {
  io::ImageVolume im;
  const auto& g = k.geometry;
  // Header x is the readout (our kx, the image's x), header y the phase encode.
  im.data = crop ? centre_crop(result.image, g.recon_matrix[1], g.recon_matrix[0]) : result.image;
  const bool known_fov = g.encoded_fov_mm[0] > 0 && g.encoded_matrix[0] > 0;
  if (known_fov)
    im.voxel_mm = {g.encoded_fov_mm[0] / g.encoded_matrix[0], g.encoded_fov_mm[1] / g.encoded_matrix[1],
                   g.encoded_fov_mm[2] > 0 ? g.encoded_fov_mm[2] : 1.0f};
  im.header_xml = k.header_xml;
  im.source_path = k.source_path;
  return im;
}

ReconSummary reconstruct(const ReconRequest& request, Progress& progress) {
  if (request.outputs.empty()) throw Error("no output file given (-o FILE)");
  const auto method = recon::make_reconstructor(request.method);
  for (const auto& out : request.outputs) {
    io::output_format(out, request.write.format);  // fail on a bad name before the work
    if (!request.write.overwrite && std::filesystem::exists(out))
      throw FileError(out, "already exists (use --force to overwrite)");
  }
  const auto start = std::chrono::steady_clock::now();
  const io::KSpace k = io::read_kspace(request.input, request.read);
  const recon::Reconstruction result = method->run(k, progress);
  const io::ImageVolume image = to_image_volume(result, k, request.crop_to_recon_matrix);
  for (const auto& out : request.outputs) io::write_image(out, image, request.write);

  ReconSummary s;
  s.slices = image.slices();
  s.ny = image.ny();
  s.nx = image.nx();
  s.acceleration = k.acceleration();
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return s;
}

}  // namespace ambient::jobs
