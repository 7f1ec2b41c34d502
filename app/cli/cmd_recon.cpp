// ambient recon: reconstruct one scan, or a batch of them, with a registered method.
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "ambient/jobs/batch_recon.hpp"
#include "ambient/jobs/reconstruct.hpp"
#include "cli_common.hpp"

namespace ambient::cli {

namespace {

struct ReconCommand {
  jobs::BatchRequest batch;  // batch.recon is the request of a single scan too
  std::string crop, shard;
};

// The value of a weight option that also takes auto (handled by the caller).
double non_negative_number(const std::string& flag, const std::string& text) {
  size_t used = 0;
  double value = -1;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !(value >= 0) || !std::isfinite(value))
    throw CLI::ValidationError(flag, "'" + text + "' is not a non-negative number or auto");
  return value;
}

// --lambda: a non-negative weight, or auto (the method chooses it from the data).
bool parse_lambda(const std::string& text, recon::ReconOptions& options) {
  options.automatic_lambda = text == "auto";
  if (!options.automatic_lambda) options.lambda = non_negative_number("--lambda", text);
  return true;
}

// "0.01 for sense, auto for cs": each regularised method's default of `what` (lambda or
// iterations), read from the method table so the help cannot drift from the code.
std::string method_defaults(const std::string& what) {
  std::string text;
  for (const auto& m : recon::methods()) {
    if (!m.defaults) continue;
    const std::string value = what != "lambda"            ? std::to_string(m.defaults->iterations)
                              : m.defaults->automatic_lambda ? std::string("auto")
                                                             : fmt::format("{:g}", m.defaults->lambda);
    text += (text.empty() ? "" : ", ") + value + " for " + m.name;
  }
  return text;
}

std::string lambda_list(const std::vector<double>& lambdas) {
  std::string text;
  for (double l : lambdas) text += (text.empty() ? "" : " ") + fmt::format("{:.3g}", l);
  return text;
}

bool is_batch(const ReconCommand& c) {
  if (c.batch.inputs.size() > 1 || !c.batch.reports.empty() || !c.shard.empty()) return true;
  const std::string& input = c.batch.inputs.front();
  if (std::filesystem::is_directory(input) || (!std::filesystem::exists(input) && input.find('*') != std::string::npos))
    return true;
  for (const auto& o : c.batch.outputs)
    if (o.find("{name}") != std::string::npos) return true;
  return false;
}

// A dc step option: sets its field and marks the step as chosen (dps keeps its own otherwise).
template <typename T>
std::function<void(const T&)> choosing_the_dc_step(T& field, diffusion::PosteriorOptions& s) {
  return [&field, &s](const T& value) {
    field = value;
    s.dc_step_given = true;
  };
}

void add_posterior_options(CLI::App& c, ReconCommand& cmd) {
  auto& p = cmd.batch.recon.posterior;
  auto& s = p.sampling;
  c.add_option("--prior", cmd.batch.recon.prior, "prior file (adps, aos: an ambient prior; dps: a clean one)");
  c.add_option("--device", cmd.batch.recon.device, "where the prior's network runs: cpu, cuda, cuda:N or auto")
      ->capture_default_str();
  c.add_option("--precision", cmd.batch.recon.precision,
               "the prior network's arithmetic: float32, bfloat16 under autocast, or auto: bfloat16 on CPUs "
               "with AVX-512 BF16 (1.4x faster, the same images to 0.01 dB), float32 elsewhere "
               "(docs/reconstruction.md)")
      ->check(CLI::IsMember({"float32", "bfloat16", "auto"}))
      ->capture_default_str();
  c.add_option("--samples", s.samples, "posterior samples per slice (one batch): mean and std")->capture_default_str();
  c.add_option("--steps", s.schedule.steps, "sampler steps (500: the A-DPS paper's reference)")->capture_default_str();
  c.add_option("--sigma-max", s.schedule.sigma_max, "largest noise level")->capture_default_str();
  c.add_option("--sigma-min", s.schedule.sigma_min, "smallest noise level")->capture_default_str();
  c.add_option("--rho", s.schedule.rho, "schedule curvature (Karras et al.)")->capture_default_str();
  c.add_flag("--heun,!--euler", s.schedule.heun, "Heun's second-order steps (one extra forward pass per step)")
      ->capture_default_str();
  c.add_option("--churn", s.schedule.churn, "EDM's S_churn: noise re-injected per step")->capture_default_str();
  c.add_option_function<std::string>(
       "--guidance", [&s](const std::string& v) { s.guidance = diffusion::parse_guidance(v); },
       "pull toward the data: flow (the likelihood score in the ODE step; any step count), dps "
       "(zeta/||r|| grad ||r||^2, the A-DPS paper's step; hundreds of steps) or dc (a few CG steps "
       "toward the data on every denoised estimate, no gradient through the network)")
      ->default_str("dc");
  c.add_option("--zeta", s.zeta, "guidance weight")->capture_default_str();
  c.add_option_function<std::string>(
       "--ambient-view", [&s](const std::string& v) { s.view = diffusion::parse_ambient_view(v); },
       "adps: the lines of x the ambient prior sees, fresh (a new random mask at --view-accel joined "
       "with the measured lines, every step) or fixed (one random mask by the prior's own rule for "
       "the whole trajectory, the A-DPS paper's)")
      ->default_str("fresh");
  c.add_option("--view-accel", s.view_acceleration, "adps, fresh view: acceleration of its random lines")
      ->check(CLI::Range(1.0, 1e6))
      ->capture_default_str();
  c.add_flag("--coarse-band,!--whole-grid", s.coarse_band,
             "adps, on a scan larger than the prior's training grid: the central k-space band also denoised on a "
             "grid near the training size (about the pixel size the prior learned) and blended in; --whole-grid: "
             "all on the scan's grid")
      ->capture_default_str();
  c.add_option_function<std::string>(
       "--step-lambda",
       [&s](const std::string& text) {
         s.automatic_dc_lambda = text == "auto";
         if (!s.automatic_dc_lambda) s.dc_lambda = non_negative_number("--step-lambda", text);
         s.dc_step_given = true;
       },
       "dc: weight of the denoised estimate in each step's CG, or auto (from the scan's own misfit to "
       "its coil maps: docs/reconstruction.md)")
      ->default_str("auto; dps: 0.05");
  c.add_option_function<int>(
       "--step-iterations",
       [&s](int n) {
         s.dc_iterations = n;
         s.automatic_dc_iterations = false;
         s.dc_step_given = true;
       },
       "dc: CG iterations per step, exactly (default: 10, and with --step-lambda auto 10 sqrt(0.02 / "
       "lambda) where the weight is below 0.02, at most 40: docs/reconstruction.md)")
      ->default_str("10; dps: 5");
  c.add_option("--fit-iterations", s.fit_iterations,
               "dc: the last step's CGLS iterations toward the data, at most (stops at the noise level)")
      ->capture_default_str();
  c.add_option_function<double>("--eta", choosing_the_dc_step(s.eta, s),
                                 "dc: fresh noise in each step (0: deterministic, 1: all fresh)")
      ->check(CLI::Range(0.0, 1.0))
      ->default_str("0.25; dps: 0.5");
  c.add_option("--warm-start", p.warm_start, "dc: start from this reconstruction noised to --sigma-start (none: from noise at --sigma-max)")
      ->check(CLI::IsMember({"none", "zf", "sense", "cs"}))
      ->capture_default_str();
  c.add_option_function<std::string>(
       "--sigma-start",
       [&s](const std::string& text) {
         s.automatic_sigma_start = text == "auto";
         if (!s.automatic_sigma_start) s.sigma_start = non_negative_number("--sigma-start", text);
       },
       "dc, warm start: the noise level the trajectory starts at, or auto (with --step-lambda auto: from "
       "the step's weight, lower where the coil maps fit the scan closely: docs/reconstruction.md; 1 otherwise)")
      ->default_str("auto");
  c.add_option("--sample-seed", s.seed, "seed of the sampler's noise and masks")->capture_default_str();
  c.add_option("--dc-lambda", p.consistency_lambda,
               "final data consistency: CG-SENSE warm-started from each sample, this Tikhonov weight (0: none)")
      ->capture_default_str();
  c.add_option("--dc-iterations", p.consistency_iterations, "its CG iterations")->capture_default_str();
  c.add_option("--uncertainty", cmd.batch.uncertainty_outputs, "write the samples' pixel-wise std here");
  c.add_option("--save-samples", cmd.batch.sample_outputs, "write every posterior sample here (slice-major)");
}

void run_single(ReconCommand& cmd, const GlobalOptions& global) {
  jobs::ReconRequest& r = cmd.batch.recon;
  r.input = cmd.batch.inputs.front();
  r.outputs = cmd.batch.outputs;
  r.uncertainty_outputs = cmd.batch.uncertainty_outputs;
  r.sample_outputs = cmd.batch.sample_outputs;
  const auto progress = make_progress(global);
  const auto s = jobs::reconstruct(r, *progress);
  if (global.json) {
    nlohmann::json j = {{"input", r.input}, {"method", r.method}, {"outputs", r.outputs}, {"slices", s.slices},
                        {"ny", s.ny}, {"nx", s.nx}, {"acceleration", s.acceleration}, {"seconds", s.seconds},
                        {"network_evaluations_per_slice", s.evaluations}};
    if (!s.lambdas.empty()) j["lambda"] = s.lambdas;
    if (s.metrics)
      j["metrics"] = {{"psnr_db", s.metrics->psnr}, {"ssim", s.metrics->ssim}, {"nmse", s.metrics->nmse},
                      {"nrmse", s.metrics->nrmse}};
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  spdlog::info("{}: {} slice(s) {}x{}, R = {:.2f}, {} in {:.2f} s", r.input, s.slices, s.ny, s.nx, s.acceleration,
               r.method, s.seconds);
  if (!s.lambdas.empty()) spdlog::info("lambda: {}", lambda_list(s.lambdas));
  for (const auto& out : r.outputs) spdlog::info("wrote {}", out);
  if (s.metrics) std::printf("%s", metrics_table(*s.metrics).c_str());
}

void run_batch(ReconCommand& cmd, const GlobalOptions& global) {
  if (!cmd.shard.empty()) {
    cmd.batch.shard = jobs::parse_shard(cmd.shard);
  } else if (const auto slurm = jobs::shard_from_environment()) {
    cmd.batch.shard = *slurm;
  }
  cmd.batch.on_item = [](const jobs::BatchItem& item, size_t done, size_t total) {
    if (item.status == "failed")
      spdlog::error("[{}/{}] {}: failed: {}", done, total, item.input, item.error);
    else if (item.summary.metrics)
      spdlog::info("[{}/{}] {}: {} in {:.1f} s, PSNR {:.2f} dB, SSIM {:.4f}", done, total, item.input, item.status,
                   item.seconds, item.summary.metrics->psnr, item.summary.metrics->ssim);
    else
      spdlog::info("[{}/{}] {}: {} in {:.1f} s", done, total, item.input, item.status, item.seconds);
  };
  const auto progress = make_progress(global);
  const auto s = jobs::reconstruct_batch(cmd.batch, *progress);
  if (global.json) {
    nlohmann::json j = {{"done", s.done}, {"skipped", s.skipped}, {"failed", s.failed}, {"seconds", s.seconds}};
    for (const auto& item : s.items)
      if (item.status == "failed") j["failures"].push_back({{"input", item.input}, {"error", item.error}});
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    spdlog::info("shard {}/{}: {} done, {} skipped (outputs exist), {} failed in {:.1f} s", cmd.batch.shard.index,
                 cmd.batch.shard.count, s.done, s.skipped, s.failed, s.seconds);
    for (const auto& item : s.items)
      if (item.status == "failed") spdlog::error("failed: {}: {}", item.input, item.error);
  }
  if (s.failed > 0) throw Error(std::to_string(s.failed) + " of " + std::to_string(s.items.size()) + " file(s) failed");
}

}  // namespace

// One declaration per option, in the order --help lists them (about 90 lines): cut apart, one
// command's options would scatter over several functions.
void register_recon(CLI::App& app, const GlobalOptions& global) {
  auto cmd = std::make_shared<ReconCommand>();
  jobs::ReconRequest& request = cmd->batch.recon;
  std::string methods;
  std::vector<std::string> names;
  for (const auto& m : jobs::reconstruction_methods()) {
    methods += "\n  " + m.name + ": " + m.summary;
    names.push_back(m.name);
  }
  CLI::App* c = app.add_subcommand("recon", "reconstruct k-space into an image (one scan or a batch)");
  c->footer(
      "Reconstructs undersampled multi-coil k-space into an image. The input is any k-space "
      "file Ambient reads; each -o writes the image in the format its extension names (.png "
      "magnitude with a window, .cfl, .npy, .nii/.nii.gz, .h5 ISMRMRD images with the scan's "
      "header carried over). Images are cropped to the header's reconstruction matrix "
      "(readout oversampling removed). Coil maps come from ESPIRiT on the fully sampled centre "
      "(--kernel, --calibration, ... as bart ecalib) unless --maps gives them; the diffusion "
      "methods use the ESPIRiT settings their prior was trained with.\n"
      "--mask undersamples retrospectively: a pattern (equispaced, random, gaussian lines with "
      "ACS, or 2D poisson) at --accel with --acs, or a mask file. --reference compares the "
      "result with a reference image (fastMRI's metrics: PSNR and SSIM with the reference "
      "volume's maximum as data range, NMSE, NRMSE), printed as a table; 'auto' uses the "
      "file's own reference or, with --mask, the fully sampled image.\n"
      "Diffusion priors (adps, dps, aos; docs/reconstruction.md): --prior names the prior file "
      "(default: the bundled priors learned from the open-licence corpus, ambient for adps and aos, clean for dps; data-samples/priors/README.md); "
      "--samples posterior samples per slice run as one batch, their mean is the image, their "
      "standard deviation the --uncertainty map; --save-samples keeps every sample. Scans whose "
      "size the prior's network cannot take (multiples of 8) are zero-padded in k-space and "
      "cropped back.\n"
      "Batch: several inputs (files, folders, quoted globs) and output patterns with {name} "
      "(the input's file name without extension) reconstruct each scan in turn; a scan whose "
      "outputs all exist is skipped (rerun the same command to resume), a scan that fails is "
      "reported and the batch goes on (exit status 1 at the end if any failed). --shard i/N "
      "takes every N-th file from the i-th (0-based); inside a Slurm job array the shard comes "
      "from SLURM_ARRAY_TASK_ID/COUNT. --report writes a per-file and per-slice report (.json "
      "or .csv) after every file.\nMethods:" + methods +
      "\n\nExamples:\n  ambient recon --method zf data-samples/brain-8ch.h5 -o brain.png -o brain.cfl\n"
      "  ambient recon --method cs --mask random --accel 4 --acs 24 --reference auto full.h5 -o cs.png\n"
      "  ambient recon --method adps --prior prior.pt --samples 8 scan.h5 -o mean.nii.gz --uncertainty std.nii.gz\n"
      "  ambient recon --method cs scans/ 'more/*.h5' -o 'out/{name}.nii.gz' --report out/report.csv --shard 0/4");
  c->add_option("input", cmd->batch.inputs, "k-space file(s), folders or quoted glob patterns")->required();
  c->add_option("-o,--output", cmd->batch.outputs, "output image file(s); patterns with {name} in a batch")->required();
  c->add_option("-m,--method", request.method, "reconstruction method")
      ->check(CLI::IsMember(names))
      ->capture_default_str();
  add_slices_option(*c, request.slices);
  c->add_option("--lambda", [&request](const CLI::results_t& v) { return parse_lambda(v.at(0), request.options); },
                "cs, sense: regularisation weight, or auto: chosen from the data by k-space cross-validation "
                "(default: " + method_defaults("lambda") + ")")
      ->type_name("LAMBDA|auto");
  c->add_option_function<int>("--iterations", [&request](int n) { request.options.iterations = n; },
                              "iterations (default: " + method_defaults("iterations") + ")");
  c->add_option("--combine", [cmd](const CLI::results_t& v) {
       cmd->batch.recon.options.combine_with_maps = v.at(0) == "maps";
       return true;
     }, "zero-filled coil combination: rss or maps")
      ->check(CLI::IsMember({"rss", "maps"}));
  c->add_flag("--prewhiten", request.prewhiten, "whiten the coil noise with the file's noise scans first");
  c->add_option("--virtual-coils", request.virtual_coils,
                "compress to this many virtual coils first (SVD of the calibration region, as bart cc -S)");
  c->add_option("--maps", request.maps, "coil maps file (.cfl as bart ecalib writes, .npy)");
  add_espirit_options(*c, request.options.espirit);
  c->add_option("--mask", request.mask.pattern,
                "undersample retrospectively: equispaced, random, gaussian, poisson or a mask file");
  add_mask_options(*c, request.mask.options);
  c->add_option("--reference", request.reference, "reference image file for metrics, or auto");
  c->add_option("--metrics-json", request.metrics_json, "also write the metrics as JSON here (one scan)");
  c->add_flag("--per-slice-range", request.metric_options.per_slice_range,
              "SSIM/PSNR data range from each slice's maximum instead of the volume's");
  c->add_option("--crop", cmd->crop, "centre-crop both images before the metrics, N or NYxNX");
  c->add_flag("!--keep-oversampling", request.crop_to_recon_matrix,
              "keep the full encoded field of view instead of the header's recon matrix");
  add_posterior_options(*c, *cmd);
  c->add_option("--shard", cmd->shard, "batch: this machine's share i/N of the inputs (0-based)");
  c->add_option("--report", cmd->batch.reports, "batch: per-file and per-slice report, .json or .csv");
  add_read_options(*c, request.read);
  add_write_options(*c, request.write);
  c->callback([cmd, &global] {
    jobs::ReconRequest& r = cmd->batch.recon;
    if (!cmd->crop.empty()) std::tie(r.metric_options.crop_y, r.metric_options.crop_x) = parse_size(cmd->crop);
    r.options.seed = r.mask.options.seed;
    if (is_batch(*cmd))
      run_batch(*cmd, global);
    else
      run_single(*cmd, global);
  });
}

}  // namespace ambient::cli
