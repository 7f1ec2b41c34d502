// EDM sampler options shared by `ambient sample` and `ambient audit`.
#include "sampler_options.hpp"

namespace ambient::cli {

void add_sampler_options(CLI::App& c, diffusion::SamplerOptions& s) {
  c.add_option("--steps", s.steps, "sampler steps (noise levels)")->capture_default_str();
  c.add_option("--sigma-max", s.sigma_max, "largest noise level")->capture_default_str();
  c.add_option("--sigma-min", s.sigma_min, "smallest noise level")->capture_default_str();
  c.add_option("--rho", s.rho, "schedule curvature (Karras et al.)")->capture_default_str();
  c.add_flag("!--euler", s.heun, "first-order Euler steps instead of Heun's");
  c.add_option("--churn", s.churn, "EDM's S_churn: noise re-injected per step (0: the deterministic ODE)")
      ->capture_default_str();
}

}  // namespace ambient::cli
