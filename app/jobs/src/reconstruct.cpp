#include "ambient/jobs/reconstruct.hpp"

#include <ATen/ATen.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ambient/core/error.hpp"
#include "ambient/diffusion/device.hpp"
#include "ambient/io/output_file.hpp"
#include "ambient/jobs/coil_maps_file.hpp"
#include "ambient/jobs/prior_tools.hpp"
#include "ambient/jobs/slice_range.hpp"
#include "ambient/recon/classical.hpp"
#include "ambient/recon/coil_preprocessing.hpp"
#include "ambient/recon/fft.hpp"

namespace ambient::jobs {

namespace {

bool is_pattern_name(const std::string& s) {
  return s == "equispaced" || s == "random" || s == "gaussian" || s == "poisson";
}

at::Tensor reference_for(const ReconRequest& r, const io::KSpace& original) {
  if (r.reference != "auto") {
    io::ReadOptions read;
    return at::abs(io::read_image(r.reference, read).data).to(at::kFloat);
  }
  if (original.reference.defined()) return original.reference;
  if (!r.mask.pattern.empty())
    return recon::zero_filled_rss(original);
  throw FileError(r.input, "has no reference image; give --reference FILE or undersample "
                           "retrospectively (--mask) so the fully sampled image serves");
}

// The method's errors (no calibration region, a prior that diverged, ...) name the scan.
recon::Reconstruction run_naming_the_input(const recon::Reconstructor& method, const io::KSpace& k,
                                          const std::string& input, Progress& progress) {
  try {
    return method.run(k, progress);
  } catch (const FileError&) {
    throw;
  } catch (const Cancelled&) {
    throw;
  } catch (const Error& e) {
    throw FileError(input, e.what());
  }
}

void check_outputs(const std::vector<std::string>& outputs, const io::WriteOptions& write) {
  for (const auto& out : outputs) {
    io::output_format(out, write.format);  // fail on a bad name before the work
    io::check_writable(out, write.overwrite);
  }
}

void write_metrics(const std::string& path, const ReconRequest& r, const recon::Metrics& m, bool overwrite) {
  const nlohmann::json j = {{"input", r.input}, {"method", r.method}, {"reference", r.reference},
                            {"nmse", m.nmse}, {"nrmse", m.nrmse}, {"psnr_db", m.psnr}, {"ssim", m.ssim}};
  io::OutputFile file(path, overwrite);
  std::ofstream(file.temp_path()) << j.dump(2) << "\n";
  file.commit();
}

}  // namespace

at::Tensor retrospective_mask(const RetrospectiveMask& m, int64_t ny, int64_t nx) {
  if (is_pattern_name(m.pattern)) {
    recon::MaskOptions o = m.options;
    o.kind = recon::parse_mask_kind(m.pattern);
    return recon::sampling_mask(ny, nx, o);
  }
  io::ReadOptions read;
  const at::Tensor image = io::read_image(m.pattern, read).data;
  const at::Tensor mask = at::abs(image).squeeze(0) > 0.5;
  if (mask.dim() != 2 || mask.size(0) != ny || mask.size(1) != nx)
    throw FileError(m.pattern, "mask is not " + std::to_string(ny) + " x " + std::to_string(nx) +
                                   " like the k-space");
  return mask;
}

io::ImageVolume to_image_volume(const recon::Reconstruction& result, const io::KSpace& k, bool crop) {
  io::ImageVolume im;
  const auto& g = k.geometry;
  // Header x is the readout (our kx, the image's x), header y the phase encode.
  im.data = crop ? recon::centre_crop(result.image, g.recon_matrix[1], g.recon_matrix[0]).contiguous() : result.image;
  if (g.encoded_fov_mm[0] > 0 && g.encoded_matrix[0] > 0)
    im.voxel_mm = {g.encoded_fov_mm[0] / g.encoded_matrix[0], g.encoded_fov_mm[1] / g.encoded_matrix[1],
                   g.encoded_fov_mm[2] > 0 ? g.encoded_fov_mm[2] : 1.0f};
  im.header_xml = k.header_xml;
  im.source_path = k.source_path;
  return im;
}

std::vector<recon::MethodInfo> reconstruction_methods() {
  std::vector<recon::MethodInfo> all = recon::methods();
  for (const auto& m : diffusion::posterior_methods()) all.push_back(m);
  return all;
}

std::unique_ptr<recon::Reconstructor> make_method(const ReconRequest& r) {
  recon::ReconOptions options = r.options;
  if (!r.maps.empty()) options.maps = read_coil_maps(r.maps);
  if (!diffusion::is_posterior_method(r.method)) {
    if (!r.prior.empty()) throw Error("--prior is for the diffusion-prior methods (adps, dps, aos), not " + r.method);
    return recon::make_reconstructor(r.method, options);
  }
  const std::string prior_path = r.prior.empty() ? default_prior_path(r.method) : r.prior;
  if (r.prior.empty() && !std::filesystem::exists(prior_path))
    throw FileError(prior_path, "is missing: it is the default prior of --method " + r.method +
                                    " (data-samples/priors/ in the source tree, or $AMBIENT_DEFAULT_" +
                                    (r.method == "dps" ? "CLEAN_" : "") + "PRIOR); give --prior FILE");
  const torch::Device device = diffusion::parse_device(r.device);
  const diffusion::Precision precision = diffusion::parse_precision(r.precision, device);
  auto prior = std::make_shared<diffusion::Prior>(read_prior(prior_path, device));
  prior->denoiser->set_precision(precision);
  diffusion::PosteriorReconOptions posterior = r.posterior;
  posterior.keep_samples = posterior.keep_samples || !r.sample_outputs.empty();
  try {
    return diffusion::make_posterior_reconstructor(r.method, std::move(prior), posterior, options);
  } catch (const Error& e) {
    throw FileError(prior_path, e.what());
  }
}

ReconSummary reconstruct(const ReconRequest& r, Progress& progress) {
  if (r.outputs.empty()) throw Error("no output file given (-o FILE)");
  check_outputs(r.outputs, r.write);  // before the prior is loaded
  return reconstruct(r, *make_method(r), progress);
}

ReconResult run_reconstruction(const ReconRequest& r, const recon::Reconstructor& method, Progress& progress) {
  const auto start = std::chrono::steady_clock::now();
  io::KSpace original = read_scan(r.input, r.read);
  if (!r.slices.empty()) original = select_slices(original, r.slices, r.input);
  if (r.prewhiten) {
    if (!original.noise.defined()) throw FileError(r.input, "has no noise scans to prewhiten with");
    const at::Tensor w = recon::whitening_matrix(original.noise);
    original.data = recon::apply_coil_matrix(w, original.data);
    original.noise = at::matmul(w, original.noise);
  }
  if (r.virtual_coils > 0) {
    const at::Tensor cc = recon::compression_matrix(original.data, original.mask, r.virtual_coils);
    original.data = recon::apply_coil_matrix(cc, original.data);
    if (original.noise.defined()) original.noise = at::matmul(cc, original.noise);
  }
  io::KSpace k = original;
  if (!r.mask.pattern.empty()) {
    k.mask = k.mask & retrospective_mask(r.mask, k.ny(), k.nx()).unsqueeze(0);
    if (!k.mask.any().item<bool>()) throw Error("the mask and the measured k-space have no sample in common");
  }
  const recon::Reconstruction result = run_naming_the_input(method, k, r.input, progress);
  if (!at::isfinite(at::abs(result.image)).all().item<bool>())
    throw FileError(r.input, r.method + " produced NaN or Inf pixels; nothing written");

  ReconResult out;
  out.image = to_image_volume(result, k, r.crop_to_recon_matrix);
  out.mask = k.mask;
  if (result.uncertainty.defined()) {
    out.uncertainty = out.image;
    out.uncertainty.data = to_image_volume({result.uncertainty, {}, {}, 0, {}}, k, r.crop_to_recon_matrix).data;
  }
  if (result.samples.defined()) {
    const at::Tensor flat = result.samples.reshape({-1, result.samples.size(-2), result.samples.size(-1)});
    out.samples = out.image;
    out.samples.data = to_image_volume({flat, {}, {}, 0, {}}, k, r.crop_to_recon_matrix).data;
  }

  ReconSummary& s = out.summary;
  if (!r.reference.empty()) {
    const at::Tensor reference = reference_for(r, original);
    const at::Tensor compared = recon::centre_crop(at::abs(out.image.data), reference.size(-2), reference.size(-1));
    const at::Tensor truth = recon::centre_crop(reference, compared.size(-2), compared.size(-1));
    s.metrics = recon::compare_images(truth, compared, r.metric_options);
    for (int64_t i = 0; i < compared.size(0); ++i)
      s.slice_metrics.push_back(
          recon::compare_images(truth.narrow(0, i, 1), compared.narrow(0, i, 1), r.metric_options));
  }
  s.evaluations = result.evaluations;
  s.lambdas = result.lambdas;
  s.slices = out.image.slices();
  s.ny = out.image.ny();
  s.nx = out.image.nx();
  s.acceleration = k.acceleration();
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

ReconSummary reconstruct(const ReconRequest& r, const recon::Reconstructor& method, Progress& progress) {
  if (r.outputs.empty()) throw Error("no output file given (-o FILE)");
  if ((!r.uncertainty_outputs.empty() || !r.sample_outputs.empty()) && r.method != "adps" && r.method != "dps")
    throw Error("--uncertainty and --save-samples need a sampling method (adps, dps), not " + r.method);
  if (!r.uncertainty_outputs.empty() && r.posterior.sampling.samples < 2)
    throw Error("--uncertainty needs --samples 2 or more: one sample has no spread");
  check_outputs(r.outputs, r.write);
  check_outputs(r.uncertainty_outputs, r.write);
  check_outputs(r.sample_outputs, r.write);
  if (!r.metrics_json.empty()) io::check_writable(r.metrics_json, r.write.overwrite);

  ReconResult result = run_reconstruction(r, method, progress);
  if (!r.sample_outputs.empty() && !result.samples.data.defined())
    throw Error("the method was made without keeping its samples (PosteriorReconOptions::keep_samples)");
  for (const auto& out : r.outputs) io::write_image(out, result.image, r.write);
  for (const auto& out : r.uncertainty_outputs) io::write_image(out, result.uncertainty, r.write);
  for (const auto& out : r.sample_outputs) io::write_image(out, result.samples, r.write);
  const ReconSummary& s = result.summary;
  if (s.metrics && !r.metrics_json.empty()) write_metrics(r.metrics_json, r, *s.metrics, r.write.overwrite);
  return s;
}

}  // namespace ambient::jobs
