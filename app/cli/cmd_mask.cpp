// ambient mask: write a sampling mask and print its acceleration.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "ambient/jobs/calibrate.hpp"
#include "cli_common.hpp"

namespace ambient::cli {

void register_mask(CLI::App& app, const GlobalOptions& global) {
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

}  // namespace ambient::cli
