#include "ambient/jobs/simulate.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "ambient/core/error.hpp"
#include "ambient/jobs/coil_maps_file.hpp"
#include "ambient/recon/fft.hpp"
#include "ambient/recon/simulation.hpp"

namespace ambient::jobs {

namespace {

at::Tensor load_volume(const SimulateRequest& r) {
  if (r.input.empty()) return recon::shepp_logan(r.phantom_size, r.phantom_size).unsqueeze(0);
  return io::read_image(r.input).data;
}

// Zero-pads to a square (keeping the aspect ratio) and resamples to matrix x matrix.
at::Tensor resample(const at::Tensor& slices, int64_t matrix) {
  if (matrix <= 0) return slices;
  const int64_t ny = slices.size(1), nx = slices.size(2), side = std::max(ny, nx);
  const at::Tensor square = at::constant_pad_nd(
      slices, {(side - nx) / 2, side - nx - (side - nx) / 2, (side - ny) / 2, side - ny - (side - ny) / 2});
  if (side == matrix) return square;
  auto resize = [&](const at::Tensor& real) {  // antialiased when shrinking
    return at::_upsample_bilinear2d_aa(real.unsqueeze(1), {matrix, matrix}, false, c10::nullopt, c10::nullopt)
        .squeeze(1);
  };
  if (at::isComplexType(square.scalar_type()))
    return at::complex(resize(at::real(square).contiguous()), resize(at::imag(square).contiguous()));
  return resize(square);
}

}  // namespace

at::Tensor reslice(const at::Tensor& v, Orientation orientation, bool nifti_upright) {
  at::Tensor planes = v;
  if (orientation == Orientation::coronal) planes = v.permute({1, 0, 2});
  if (orientation == Orientation::sagittal) planes = v.permute({2, 0, 1});
  return nifti_upright ? planes.flip({1}) : planes;
}

// Checks, then the volume slice by slice (a little over 60 lines, one pass in order).
SimulateSummary simulate(const SimulateRequest& r, Progress& progress) {
  if (r.coils < 1 || r.coils > 1024) throw Error("--coils must be between 1 and 1024");
  if (r.noise < 0) throw Error("--noise must be >= 0");
  if (r.slice_step < 1 || r.slice_begin < 0) throw Error("--slices wants A:B:STEP with A >= 0 and STEP >= 1");
  if (r.random_coils && !(r.maps.empty() && r.write_maps.empty()))
    throw Error("random coil arrays (one per slice) cannot be read from or written to one maps file");
  io::output_format(r.output, r.write.format);  // a bad output name fails before the work

  const bool nifti = !r.input.empty() && io::detect_format(r.input) == io::FileFormat::nifti;
  at::Tensor volume = reslice(load_volume(r), r.orientation, nifti);
  const double scale = at::abs(volume).max().item<double>();
  if (scale <= 0) throw FileError(r.input, "image volume is all zeros");
  volume = volume / scale;

  const int64_t end = r.slice_end < 0 ? volume.size(0) : std::min(r.slice_end, volume.size(0));
  std::vector<int64_t> chosen;
  const double mean_signal = at::abs(volume).mean().item<double>();
  for (int64_t s = r.slice_begin; s < end; s += r.slice_step)
    if (at::abs(volume[s]).mean().item<double>() >= r.min_signal * mean_signal) chosen.push_back(s);
  if (chosen.empty()) throw Error("no slice selected (check --slices and --min-signal)");
  const at::Tensor images = resample(volume.index_select(0, at::tensor(chosen)), r.matrix);
  const int64_t n = images.size(0), ny = images.size(1), nx = images.size(2);

  at::Tensor maps = r.maps.empty() ? recon::birdcage_maps(r.coils, ny, nx) : read_coil_maps(r.maps);
  if (maps.dim() != 3) throw FileError(r.maps, "simulation needs one set of coil maps [coil, y, x]");
  if (maps.size(1) != ny || maps.size(2) != nx)
    throw FileError(r.maps, "coil maps are " + std::to_string(maps.size(1)) + "x" +
                                std::to_string(maps.size(2)) + ", the images " + std::to_string(ny) +
                                "x" + std::to_string(nx));
  maps = maps.to(at::kComplexFloat);

  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(r.seed);
  const bool magnitude = !at::isComplexType(images.scalar_type());
  io::KSpace k;
  k.data = at::empty({n, maps.size(0), ny, nx}, at::kComplexFloat);
  k.reference = at::abs(images).to(at::kFloat).contiguous();
  progress.begin("simulate", n);
  for (int64_t s = 0; s < n; ++s) {
    progress.throw_if_cancelled();
    at::Tensor x = images[s].to(at::kComplexFloat);
    if (magnitude) x = x * recon::smooth_random_phase(ny, nx, r.phase_radians, gen);
    if (r.random_coils) maps = recon::random_coil_maps(r.coils, ny, nx, gen);
    at::Tensor coil_k = recon::fft2c(maps * x);
    if (r.noise > 0)
      coil_k = coil_k + at::view_as_complex(at::normal(0.0, r.noise / std::sqrt(2.0), {maps.size(0), ny, nx, 2}, gen));
    k.data[s].copy_(coil_k);
    progress.update(s + 1);
  }
  progress.end();
  k.mask = at::ones({n, ny, nx}, at::kBool);
  if (r.noise > 0)
    k.noise = at::view_as_complex(at::normal(0.0, r.noise / std::sqrt(2.0), {maps.size(0), r.noise_samples, 2}, gen));
  k.geometry.encoded_matrix = k.geometry.recon_matrix = {nx, ny, 1};
  k.geometry.encoded_fov_mm = k.geometry.recon_fov_mm = {static_cast<float>(nx), static_cast<float>(ny), 1.0f};
  k.source_format = "simulated";
  io::validate(k, r.output);

  if (!r.write_maps.empty()) write_coil_maps(r.write_maps, maps, r.write);
  io::write_kspace(r.output, k, r.write);
  return {n, maps.size(0), ny, nx};
}

}  // namespace ambient::jobs
