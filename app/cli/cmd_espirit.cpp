// ambient espirit: estimate coil sensitivities with ESPIRiT.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "ambient/jobs/calibrate.hpp"
#include "cli_common.hpp"

namespace ambient::cli {

void register_espirit(CLI::App& app, const GlobalOptions& global) {
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

}  // namespace ambient::cli
