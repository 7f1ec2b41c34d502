#pragma once
// EDM sampler options shared by `ambient sample` and `ambient audit`.
#include <CLI/CLI.hpp>

#include "ambient/diffusion/sampler.hpp"

namespace ambient::cli {

// --steps, --sigma-max, --sigma-min, --rho, --euler, --churn.
void add_sampler_options(CLI::App& command, diffusion::SamplerOptions& sampler);

}  // namespace ambient::cli
