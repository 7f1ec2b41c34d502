// ambient recon: reconstruct a scan with a registered method.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "ambient/jobs/reconstruct.hpp"
#include "cli_common.hpp"

namespace ambient::cli {

void add_recon_command(CLI::App& app, const GlobalOptions& global) {
  auto request = std::make_shared<jobs::ReconRequest>();
  std::string methods;
  for (const auto& m : recon::methods()) methods += "\n  " + m.name + ": " + m.summary;
  CLI::App* c = app.add_subcommand("recon", "reconstruct k-space into an image");
  c->footer(
      "Reconstructs undersampled multi-coil k-space into an image. The input is any k-space "
      "file Ambient reads; each -o writes the image in the format its extension names (.png "
      "magnitude with a window, .cfl, .npy, .nii/.nii.gz, .h5 ISMRMRD images with the scan's "
      "header carried over). Images are cropped to the header's reconstruction matrix "
      "(readout oversampling removed).\nMethods:" + methods +
      "\n\nExample: ambient recon --method zf data-samples/brain-8ch.h5 -o brain.png -o brain.cfl");
  c->add_option("input", request->input, "k-space file")->required();
  c->add_option("-o,--output", request->outputs, "output image file(s)")->required();
  std::vector<std::string> names;
  for (const auto& m : recon::methods()) names.push_back(m.name);
  c->add_option("-m,--method", request->method, "reconstruction method")
      ->check(CLI::IsMember(names))
      ->capture_default_str();
  c->add_flag("!--keep-oversampling", request->crop_to_recon_matrix,
              "keep the full encoded field of view instead of the header's recon matrix");
  add_read_options(*c, request->read);
  add_write_options(*c, request->write);
  c->callback([request, &global] {
    const auto progress = make_progress(global);
    const auto s = jobs::reconstruct(*request, *progress);
    if (global.json) {
      std::printf("%s\n", nlohmann::json({{"input", request->input}, {"method", request->method},
                                          {"outputs", request->outputs}, {"slices", s.slices},
                                          {"ny", s.ny}, {"nx", s.nx},
                                          {"acceleration", s.acceleration}, {"seconds", s.seconds}})
                              .dump(2)
                              .c_str());
    } else {
      spdlog::info("{}: {} slice(s) {}x{}, R = {:.2f}, {} in {:.2f} s", request->input, s.slices,
                   s.ny, s.nx, s.acceleration, request->method, s.seconds);
      for (const auto& out : request->outputs) spdlog::info("wrote {}", out);
    }
  });
}

}  // namespace ambient::cli
