// ambient recon: reconstruct a scan with a registered method.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "ambient/jobs/reconstruct.hpp"
#include "cli_common.hpp"

namespace ambient::cli {

void add_recon_command(CLI::App& app, const GlobalOptions& global) {
  auto request = std::make_shared<jobs::ReconRequest>();
  auto crop = std::make_shared<std::string>();
  std::string methods;
  for (const auto& m : recon::methods()) methods += "\n  " + m.name + ": " + m.summary;
  CLI::App* c = app.add_subcommand("recon", "reconstruct k-space into an image");
  c->footer(
      "Reconstructs undersampled multi-coil k-space into an image. The input is any k-space "
      "file Ambient reads; each -o writes the image in the format its extension names (.png "
      "magnitude with a window, .cfl, .npy, .nii/.nii.gz, .h5 ISMRMRD images with the scan's "
      "header carried over). Images are cropped to the header's reconstruction matrix "
      "(readout oversampling removed). Coil maps come from ESPIRiT on the fully sampled centre "
      "(--kernel, --calibration, ... as bart ecalib) unless --maps gives them.\n"
      "--mask undersamples retrospectively: a pattern (equispaced, random, gaussian lines with "
      "ACS, or 2D poisson) at --accel with --acs, or a mask file. --reference compares the "
      "result with a reference image (fastMRI's metrics: PSNR and SSIM with the reference "
      "volume's maximum as data range, NMSE, NRMSE), printed as a table; 'auto' uses the "
      "file's own reference or, with --mask, the fully sampled image.\nMethods:" + methods +
      "\n\nExamples:\n  ambient recon --method zf data-samples/brain-8ch.h5 -o brain.png -o brain.cfl\n"
      "  ambient recon --method cs --mask random --accel 4 --acs 24 --reference auto full.h5 -o cs.png");
  c->add_option("input", request->input, "k-space file")->required();
  c->add_option("-o,--output", request->outputs, "output image file(s)")->required();
  std::vector<std::string> names;
  for (const auto& m : recon::methods()) names.push_back(m.name);
  c->add_option("-m,--method", request->method, "reconstruction method")
      ->check(CLI::IsMember(names))
      ->capture_default_str();
  c->add_option("--lambda", request->options.lambda, "regularisation weight (default: the method's)");
  c->add_option("--iterations", request->options.iterations, "iterations (default: the method's)");
  c->add_option("--combine", [request](const CLI::results_t& v) {
       request->options.combine_with_maps = v.at(0) == "maps";
       return true;
     }, "zero-filled coil combination: rss or maps")
      ->check(CLI::IsMember({"rss", "maps"}));
  c->add_flag("--prewhiten", request->prewhiten, "whiten the coil noise with the file's noise scans first");
  c->add_option("--virtual-coils", request->virtual_coils,
                "compress to this many virtual coils first (SVD of the calibration region, as bart cc -S)");
  c->add_option("--maps", request->maps, "coil maps file (.cfl as bart ecalib writes, .npy)");
  add_espirit_options(*c, request->options.espirit);
  c->add_option("--mask", request->mask.pattern,
                "undersample retrospectively: equispaced, random, gaussian, poisson or a mask file");
  add_mask_options(*c, request->mask.options);
  c->add_option("--reference", request->reference, "reference image file for metrics, or auto");
  c->add_option("--metrics-json", request->metrics_json, "also write the metrics as JSON here");
  c->add_flag("--per-slice-range", request->metric_options.per_slice_range,
              "SSIM/PSNR data range from each slice's maximum instead of the volume's");
  c->add_option("--crop", *crop, "centre-crop both images before the metrics, N or NYxNX");
  c->add_flag("!--keep-oversampling", request->crop_to_recon_matrix,
              "keep the full encoded field of view instead of the header's recon matrix");
  add_read_options(*c, request->read);
  add_write_options(*c, request->write);
  c->callback([request, crop, &global] {
    if (!crop->empty()) std::tie(request->metric_options.crop_y, request->metric_options.crop_x) = parse_size(*crop);
    request->options.seed = request->mask.options.seed;
    const auto progress = make_progress(global);
    const auto s = jobs::reconstruct(*request, *progress);
    if (global.json) {
      nlohmann::json j = {{"input", request->input}, {"method", request->method},
                          {"outputs", request->outputs}, {"slices", s.slices}, {"ny", s.ny}, {"nx", s.nx},
                          {"acceleration", s.acceleration}, {"seconds", s.seconds}};
      if (s.metrics)
        j["metrics"] = {{"psnr_db", s.metrics->psnr}, {"ssim", s.metrics->ssim}, {"nmse", s.metrics->nmse},
                        {"nrmse", s.metrics->nrmse}};
      std::printf("%s\n", j.dump(2).c_str());
      return;
    }
    spdlog::info("{}: {} slice(s) {}x{}, R = {:.2f}, {} in {:.2f} s", request->input, s.slices, s.ny, s.nx,
                 s.acceleration, request->method, s.seconds);
    for (const auto& out : request->outputs) spdlog::info("wrote {}", out);
    if (s.metrics) std::printf("%s", metrics_table(*s.metrics).c_str());
  });
}

}  // namespace ambient::cli
