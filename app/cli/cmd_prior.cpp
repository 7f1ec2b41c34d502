// ambient sample / audit / evaluate-prior / export-prior: draw images from a prior, check it
// for memorisation, measure its denoising, write it for distribution.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "ambient/jobs/prior_tools.hpp"
#include "ambient/jobs/training_data.hpp"
#include "cli_common.hpp"

namespace ambient::cli {

namespace {

void add_sampler_options(CLI::App& c, diffusion::SamplerOptions& s) {
  c.add_option("--steps", s.steps, "sampler steps (noise levels)")->capture_default_str();
  c.add_option("--sigma-max", s.sigma_max, "largest noise level")->capture_default_str();
  c.add_option("--sigma-min", s.sigma_min, "smallest noise level")->capture_default_str();
  c.add_option("--rho", s.rho, "schedule curvature (Karras et al.)")->capture_default_str();
  c.add_flag("!--euler", s.heun, "first-order Euler steps instead of Heun's");
  c.add_option("--churn", s.churn, "EDM's S_churn: noise re-injected per step (0: the deterministic ODE)")
      ->capture_default_str();
}

}  // namespace

void add_sample_command(CLI::App& app, const GlobalOptions& global) {
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

void add_audit_command(CLI::App& app, const GlobalOptions& global) {
  auto r = std::make_shared<jobs::AuditRequest>();
  r->sampler.steps = 32;
  CLI::App* c = app.add_subcommand("audit", "check a prior for memorised training slices");
  c->footer(
      "Draws --count samples from the prior and finds, for each, the training slice it is most "
      "like: the Pearson correlation of magnitudes, each training slice seen only through its "
      "own mask and coil maps (|A^H A s| against |A^H y|), as ambient data allow. Prints a "
      "histogram of the nearest correlations and the closest pairs; values near 1 mean a "
      "sample copies a training slice. Give the training data with the options used to train "
      "(the report says whether its manifest matches the prior's).\n\n"
      "Example: ambient audit runs/ambient-r4/checkpoint.pt generated/colin27 --mask random --accel 4 --acs 12");
  c->add_option("prior", r->prior, "prior file")->required();
  c->add_option("data", r->data.inputs, "the training data: k-space files or folders")->required();
  c->add_option("-n,--count", r->count, "number of samples")->capture_default_str();
  c->add_option("--seed", r->seed, "random seed of the samples")->capture_default_str();
  c->add_option("--top", r->top, "closest pairs to list")->capture_default_str();
  c->add_option("--report", r->report, "also write the full report as JSON here");
  c->add_flag("-f,--force", r->overwrite, "overwrite an existing report");
  add_training_mask_options(*c, r->data);  // as in training
  add_sampler_options(*c, r->sampler);
  add_training_data_options(*c, r->data);
  c->callback([r, &global] {
    const auto progress = make_progress(global);
    const auto s = jobs::audit(*r, *progress);
    if (global.json) {
      nlohmann::json j = {{"prior", r->prior}, {"histogram", s.histogram},
                          {"same_data_as_training", s.same_data_as_training}};
      for (const auto& m : s.top) j["top"].push_back({{"sample", m.sample}, {"slice", m.slice}, {"correlation", m.correlation}});
      std::printf("%s\n", j.dump(2).c_str());
      return;
    }
    if (!s.same_data_as_training)
      spdlog::warn("the data (or its options) differ from the prior's training data");
    std::printf("nearest training slice, correlation histogram (%zu samples):\n", s.nearest.size());
    for (size_t b = 0; b < s.histogram.size(); ++b)
      std::printf("  %.1f-%.1f %4lld %s\n", b / 10.0, (b + 1) / 10.0, static_cast<long long>(s.histogram[b]),
                  std::string(static_cast<size_t>(s.histogram[b]), '#').c_str());
    std::printf("closest pairs:\n");
    for (const auto& m : s.top) std::printf("  sample %3lld  %-40s %.4f\n", static_cast<long long>(m.sample), m.slice.c_str(), m.correlation);
  });
}

void add_evaluate_prior_command(CLI::App& app, const GlobalOptions& global) {
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

void add_export_prior_command(CLI::App& app, const GlobalOptions& global) {
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
