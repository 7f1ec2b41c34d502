// ambient evaluate-prior: measure how well a prior denoises held-out scans.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "ambient/jobs/prior_tools.hpp"
#include "ambient/jobs/training_data.hpp"
#include "cli_common.hpp"
#include "training_options.hpp"

namespace ambient::cli {

void register_evaluate_prior(CLI::App& app, const GlobalOptions& global) {
  auto r = std::make_shared<jobs::EvaluatePriorRequest>();
  CLI::App* c = app.add_subcommand("evaluate-prior", "measure how well a prior denoises held-out scans");
  c->footer(
      "Adds Gaussian noise of each --sigma to the normalised images of fully sampled held-out scans "
      "and reports the prior's denoising error ||D(x + sigma n) - x||^2 / ||x||^2 (and the noisy "
      "input's, for scale). An ambient prior sees the noisy image through its own random masks Ã: "
      "it is run on --masks draws, and each k-space line of its estimate is the mean over the draws "
      "whose Ã kept that line (the mean of all draws for a line none kept; --mean-of-draws: the plain "
      "mean of the draws' images). Compares priors trained with different objectives on one footing.\n\n"
      "Example: ambient evaluate-prior runs/ambient-r4/checkpoint.pt generated/colin27/heldout-axial.h5 --sigma 0.2");
  c->add_option("prior", r->prior, "prior file")->required();
  c->add_option("data", r->data.inputs, "fully sampled k-space files or folders")->required();
  c->add_option("--sigma", r->sigmas, "noise level(s) in normalised units")->capture_default_str();
  c->add_option("--masks", r->masks, "ambient priors: masks Ã drawn per image")->capture_default_str();
  c->add_option("--mask-accel", r->mask_acceleration,
                "ambient priors: draw the masks Ã at this acceleration (default: the prior's own rule; "
                "a denser view, e.g. 3, denoises better, docs/reconstruction.md)");
  c->add_flag("--mean-of-draws", r->mean_of_draws,
              "ambient priors: average the draws' whole images instead of combining them line by line");
  c->add_option("--seed", r->seed, "seed of the noise and masks")->capture_default_str();
  add_training_data_options(*c, r->data);
  c->callback([r, &global] {
    const auto progress = make_progress(global);
    const auto errors = jobs::evaluate_prior(*r, *progress);
    if (global.json) {
      nlohmann::json j = {{"prior", r->prior}, {"data", r->data.inputs}};
      for (const auto& e : errors)
        j["errors"].push_back({{"sigma", e.sigma}, {"input_nmse", e.input_nmse}, {"prior_nmse", e.prior_nmse}});
      std::printf("%s\n", j.dump(2).c_str());
      return;
    }
    std::printf("%8s %12s %12s\n", "sigma", "input NMSE", "prior NMSE");
    for (const auto& e : errors) std::printf("%8.3f %12.5f %12.5f\n", e.sigma, e.input_nmse, e.prior_nmse);
  });
}

}  // namespace ambient::cli
