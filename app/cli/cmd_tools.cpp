// ambient espirit / mask / metrics: the classical toolbox's small commands.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "ambient/jobs/calibrate.hpp"
#include "cli_common.hpp"

namespace ambient::cli {

void add_espirit_command(CLI::App& app, const GlobalOptions& global) {
  auto r = std::make_shared<jobs::EspiritRequest>();
  CLI::App* c = app.add_subcommand("espirit", "estimate coil sensitivities with ESPIRiT");
  c->footer(
      "Estimates one set of coil maps per slice from the fully sampled k-space centre with "
      "ESPIRiT, with bart ecalib's parameters and defaults (-k 6, -r 24, -t 0.001, -c 0.8; "
      "agrees with `bart ecalib -m1`). Maps are written as .cfl in BART's layout (X Y 1 COIL, "
      "readable by bart pics) or as .npy [coil, y, x].\n\n"
      "Example: ambient espirit data-samples/brain-8ch.h5 -o maps.cfl --eigenvalues ev.png");
  c->add_option("input", r->input, "k-space file")->required();
  c->add_option("-o,--output", r->output, "coil maps file (.cfl or .npy)")->required();
  c->add_option("--eigenvalues", r->eigenvalues, "also write the eigenvalue maps");
  add_espirit_options(*c, r->options);
  add_read_options(*c, r->read);
  add_write_options(*c, r->write);
  c->callback([r, &global] {
    const auto progress = make_progress(global);
    const auto s = jobs::estimate_coil_maps(*r, *progress);
    if (global.json)
      std::printf("%s\n", nlohmann::json({{"output", r->output}, {"slices", s.slices}, {"coils", s.coils},
                                          {"kernels", s.kernels}}).dump(2).c_str());
    else
      spdlog::info("wrote {}: {} slice(s), {} coils, {} kernels in the signal subspace", r->output, s.slices,
                   s.coils, s.kernels);
  });
}

void add_mask_command(CLI::App& app, const GlobalOptions& global) {
  auto r = std::make_shared<jobs::MaskRequest>();
  auto kind = std::make_shared<std::string>("random");
  auto size = std::make_shared<std::string>();
  CLI::App* c = app.add_subcommand("mask", "write a sampling mask and print its acceleration");
  c->footer(
      "Generates a sampling mask in centred k-space coordinates: 1D equispaced lines (fastMRI), "
      "uniformly random lines (A-DPS) or Gaussian-density lines, each with --acs fully sampled "
      "centre lines, or a 2D variable-density Poisson disc in an ellipse with a --acs square "
      "calibration region (like bart poisson -v -e). Rows are ky, columns kx. The acceleration "
      "printed is the one the mask achieves (grid points over measured points).\n\n"
      "Example: ambient mask --kind poisson --accel 8 --acs 24 --like data-samples/brain-8ch.h5 -o mask.png");
  c->add_option("--kind", *kind, "equispaced, random, gaussian or poisson")
      ->check(CLI::IsMember({"equispaced", "random", "gaussian", "poisson"}))->capture_default_str();
  c->add_option("--size", *size, "grid NYxNX (ky x kx)");
  c->add_option("--like", r->like, "take the grid size from this k-space file");
  c->add_option("-o,--output", r->output, "mask file (.png, .npy, .cfl, .nii)")->required();
  add_mask_options(*c, r->options);
  add_write_options(*c, r->write);
  c->callback([r, kind, size, &global] {
    r->options.kind = recon::parse_mask_kind(*kind);
    if (!size->empty()) std::tie(r->ny, r->nx) = parse_size(*size);
    const auto s = jobs::make_mask_file(*r);
    if (global.json)
      std::printf("%s\n", nlohmann::json({{"output", r->output}, {"kind", *kind}, {"ny", s.ny}, {"nx", s.nx},
                                          {"measured", s.measured}, {"acceleration", s.acceleration}})
                              .dump(2).c_str());
    else
      std::printf("%s mask %lldx%lld: %lld samples measured, acceleration %.3f\n", kind->c_str(),
                  static_cast<long long>(s.ny), static_cast<long long>(s.nx),
                  static_cast<long long>(s.measured), s.acceleration);
  });
}

void add_metrics_command(CLI::App& app, const GlobalOptions& global) {
  struct Args {
    std::string reference, image, crop;
    recon::MetricOptions options;
    io::ReadOptions read;
  };
  auto a = std::make_shared<Args>();
  CLI::App* c = app.add_subcommand("metrics", "compare an image with a reference");
  c->footer(
      "Compares the magnitudes of two image files of the same shape with fastMRI's metrics: "
      "NMSE and NRMSE over the volume, PSNR with the reference volume's maximum as data range, "
      "SSIM as scikit-image computes it (7x7 window) averaged over slices.\n\n"
      "Example: ambient metrics reference.nii.gz cs.nii.gz --crop 160");
  c->add_option("reference", a->reference, "reference image")->required();
  c->add_option("image", a->image, "image to score")->required();
  c->add_flag("--per-slice-range", a->options.per_slice_range,
              "SSIM/PSNR data range from each slice's maximum instead of the volume's");
  c->add_option("--crop", a->crop, "centre-crop both images first, N or NYxNX");
  add_read_options(*c, a->read);
  c->callback([a, &global] {
    if (!a->crop.empty()) std::tie(a->options.crop_y, a->options.crop_x) = parse_size(a->crop);
    const auto m = jobs::compare_files(a->reference, a->image, a->options, a->read);
    if (global.json)
      std::printf("%s\n", nlohmann::json({{"reference", a->reference}, {"image", a->image}, {"psnr_db", m.psnr},
                                          {"ssim", m.ssim}, {"nmse", m.nmse}, {"nrmse", m.nrmse}})
                              .dump(2).c_str());
    else
      std::printf("%s", metrics_table(m).c_str());
  });
}

}  // namespace ambient::cli
