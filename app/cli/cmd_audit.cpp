// ambient audit: check a prior for memorised training slices.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "ambient/jobs/prior_tools.hpp"
#include "ambient/jobs/training_data.hpp"
#include "cli_common.hpp"
#include "sampler_options.hpp"
#include "training_options.hpp"

namespace ambient::cli {

void register_audit(CLI::App& app, const GlobalOptions& global) {
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

}  // namespace ambient::cli
