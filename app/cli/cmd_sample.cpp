// ambient sample: draw images from a trained prior.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "ambient/jobs/prior_tools.hpp"
#include "cli_common.hpp"
#include "sampler_options.hpp"

namespace ambient::cli {

void register_sample(CLI::App& app, const GlobalOptions& global) {
  auto r = std::make_shared<jobs::SampleRequest>();
  r->sampler.steps = 32;
  auto size = std::make_shared<std::string>();
  CLI::App* c = app.add_subcommand("sample", "draw images from a trained prior");
  c->footer(
      "Draws images from a prior with EDM's sampler (Heun, Karras schedule; --churn re-injects noise each "
      "step, its stochastic form). "
      "Ambient priors use the fixed-mask sampler: one random further-subsampled mask per image, "
      "drawn by the prior's own rule and kept for the whole trajectory, seen through the coil "
      "maps of one of a few training slices the prior carries (or --maps-from). A .png output is a grid "
      "of magnitudes in normalised units (window 0..1.2); .npy, .cfl, .nii and .h5 hold every "
      "complex sample as a slice.\n\n"
      "Example: ambient sample runs/ambient-r4/checkpoint.pt -o samples.png --count 16");
  c->add_option("prior", r->prior, "prior file (a training run's checkpoint.pt)")->required();
  c->add_option("-o,--output", r->outputs, "output file(s)")->required();
  c->add_option("-n,--count", r->count, "number of samples")->capture_default_str();
  c->add_option("--size", *size, "image size N or NYxNX (default: the training data's)");
  c->add_option("--seed", r->seed, "random seed")->capture_default_str();
  c->add_option("--maps-from", r->maps_from,
                "ambient priors: sample through the ESPIRiT maps of this k-space file's slices instead of the "
                "training slices' maps the prior carries");
  add_sampler_options(*c, r->sampler);
  add_write_options(*c, r->write);
  c->callback([r, size, &global] {
    if (!size->empty()) std::tie(r->height, r->width) = parse_size(*size);
    const auto progress = make_progress(global);
    const auto s = jobs::sample(*r, *progress);
    if (global.json) {
      std::printf("%s\n", nlohmann::json({{"prior", r->prior}, {"outputs", r->outputs}, {"count", s.count},
                                          {"height", s.height}, {"width", s.width},
                                          {"network_evaluations", s.evaluations}, {"seconds", s.seconds}})
                              .dump(2)
                              .c_str());
      return;
    }
    spdlog::info("{} samples {}x{} with {} network evaluations each in {:.1f} s", s.count, s.height, s.width,
                 s.evaluations, s.seconds);
    for (const auto& out : r->outputs) spdlog::info("wrote {}", out);
  });
}

}  // namespace ambient::cli
