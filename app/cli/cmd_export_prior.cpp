// ambient export-prior: write a trained prior for distribution (weights only).
#include <spdlog/spdlog.h>

#include "ambient/jobs/prior_tools.hpp"
#include "cli_common.hpp"

namespace ambient::cli {

void register_export_prior(CLI::App& app, const GlobalOptions& global) {
  auto from = std::make_shared<std::string>(), to = std::make_shared<std::string>();
  auto full_precision = std::make_shared<bool>(false);
  auto overwrite = std::make_shared<bool>(false);
  CLI::App* c = app.add_subcommand("export-prior", "write a trained prior for distribution (weights only)");
  c->footer(
      "Writes the prior of a training checkpoint without what only resuming needs (the raw weights "
      "and Adam's moments): the description and the averaged weights, in half precision unless "
      "--full-precision (the CPU preset: 7.6 MB against a 48 MB checkpoint). The file serves "
      "everything a prior does: recon, sample, audit, evaluate-prior, finetune --from. "
      "It cannot be resumed.\n\n"
      "Example: ambient export-prior runs/ambient-r4/checkpoint.pt -o data-samples/priors/ambient-r4.pt");
  c->add_option("checkpoint", *from, "training checkpoint (or prior) to export")->required();
  c->add_option("-o,--output", *to, "prior file to write (.pt)")->required();
  c->add_flag("--full-precision", *full_precision, "keep 32-bit weights");
  c->add_flag("-f,--force", *overwrite, "overwrite an existing output");
  c->callback([=, &global] {
    jobs::export_prior(*from, *to, *full_precision, *overwrite);
    if (!global.quiet) spdlog::info("wrote {}", *to);
  });
}

}  // namespace ambient::cli
