#include "ambient/jobs/calibrate.hpp"

#include <ATen/ATen.h>

#include "ambient/core/error.hpp"
#include "ambient/io/output_file.hpp"
#include "ambient/jobs/coil_maps_file.hpp"

namespace ambient::jobs {

EspiritSummary estimate_coil_maps(const EspiritRequest& r, Progress& progress) {
  io::check_writable(r.output, r.write.overwrite);
  if (!r.eigenvalues.empty()) io::check_writable(r.eigenvalues, r.write.overwrite);
  const io::KSpace k = read_scan(r.input, r.read);
  std::vector<at::Tensor> maps, values;
  EspiritSummary s;
  progress.begin("espirit", k.slices());
  for (int64_t i = 0; i < k.slices(); ++i) {
    progress.throw_if_cancelled();
    const auto e = recon::espirit(k.data[i], k.mask[i], r.options);
    maps.push_back(e.maps);
    values.push_back(e.eigenvalues);
    s.kernels = e.kernels;
    progress.update(i + 1);
  }
  progress.end();
  const at::Tensor all = at::stack(maps);
  write_coil_maps(r.output, k.slices() == 1 ? all[0] : all, r.write);
  if (!r.eigenvalues.empty()) {
    io::ImageVolume ev;
    ev.data = at::stack(values);
    io::write_image(r.eigenvalues, ev, r.write);
  }
  s.slices = k.slices();
  s.coils = k.coils();
  return s;
}

MaskSummary make_mask_file(const MaskRequest& r) {
  int64_t ny = r.ny, nx = r.nx;
  if (!r.like.empty()) {
    const io::KSpace k = io::read_kspace(r.like);
    ny = k.ny();
    nx = k.nx();
  }
  if (ny <= 0 || nx <= 0) throw Error("give the mask size (--size NYxNX) or a k-space file (--like)");
  io::ImageVolume image;
  const at::Tensor mask = recon::sampling_mask(ny, nx, r.options);
  image.data = mask.to(at::kFloat).unsqueeze(0);
  io::WriteOptions write = r.write;
  write.png.window_low = 0;
  write.png.window_high = 1;
  io::write_image(r.output, image, write);
  return {ny, nx, mask.sum().item<int64_t>(), recon::acceleration_of(mask)};
}

recon::Metrics compare_files(const std::string& reference, const std::string& image,
                             const recon::MetricOptions& options, const ScanReadOptions& read) {
  const at::Tensor ref = io::read_image(reference, read).data;
  const at::Tensor img = io::read_image(image, read).data;
  if (ref.sizes() != img.sizes())
    throw FileError(image, "is " + std::to_string(img.size(1)) + " x " + std::to_string(img.size(2)) + " x " +
                               std::to_string(img.size(0)) + ", the reference " + std::to_string(ref.size(1)) +
                               " x " + std::to_string(ref.size(2)) + " x " + std::to_string(ref.size(0)));
  return recon::compare_images(ref, img, options);
}

}  // namespace ambient::jobs
