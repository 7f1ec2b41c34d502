#include "ambient/jobs/train.hpp"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "ambient/core/error.hpp"
#include "ambient/diffusion/checkpoint.hpp"
#include "ambient/diffusion/device.hpp"
#include "ambient/diffusion/distributed.hpp"
#include "ambient/io/output_file.hpp"
#include "ambient/jobs/prior_tools.hpp"
#include "ambient/recon/mask_analysis.hpp"

namespace fs = std::filesystem;

namespace ambient::jobs {

namespace {

using Clock = std::chrono::steady_clock;

diffusion::UNetConfig network_config(const std::string& network) {
  if (network == "cpu") return diffusion::UNetConfig::cpu_preset();
  if (network == "gpu") return diffusion::UNetConfig::gpu_preset();
  std::ifstream in(network);
  if (!in) throw FileError(network, "cannot be read (--network takes cpu, gpu or a JSON file)");
  try {
    const auto config = nlohmann::json::parse(in).get<diffusion::UNetConfig>();
    diffusion::check(config);
    return config;
  } catch (const nlohmann::json::exception& e) {
    throw FileError(network, std::string("is not a network description: ") + e.what());
  } catch (const Error& e) {
    throw FileError(network, std::string("is not a network Ambient can build: ") + e.what());
  }
}

std::shared_ptr<const diffusion::Objective> objective_for(const TrainRequest& r) {
  if (r.objective == "clean") return std::make_shared<diffusion::CleanObjective>();
  if (r.objective == "tweedie") return std::make_shared<diffusion::TweedieObjective>(r.consistency_weight);
  if (r.objective == "ambient") {
    if (!(r.extra_acceleration > 0)) throw Error("--extra-acceleration must be > 0");
    const int64_t calibration = r.data.mask.pattern.empty() ? 0 : r.data.mask.options.calibration;
    return std::make_shared<diffusion::AmbientObjective>(r.extra_acceleration, calibration);
  }
  throw Error("unknown objective '" + r.objective + "' (clean, ambient or tweedie)");
}

// How an ambient prior draws its Ã at sampling and reconstruction time: the training data's
// pattern at their acceleration plus the further subsampling, with their calibration size.
nlohmann::json sampling_mask_rule(const TrainRequest& r, const TrainingData& data) {
  int64_t calibration = r.data.mask.options.calibration;
  if (r.data.mask.pattern.empty()) {
    const auto region = recon::calibration_region(data.set.masks[0]);
    calibration = data.line_masks ? region.ky_size : std::min(region.ky_size, region.kx_size);
  }
  std::string kind = data.line_masks ? "random" : "poisson";
  if (!r.data.mask.pattern.empty() && r.data.mask.pattern != "equispaced" &&
      r.data.mask.pattern.find('.') == std::string::npos)
    kind = r.data.mask.pattern;
  return {{"kind", kind}, {"acceleration", data.acceleration + r.extra_acceleration}, {"calibration", calibration}};
}

// Writes `text` to `path` atomically; a failed write (disk full) keeps the old file.
void write_text_file(const fs::path& path, const std::string& text) {
  io::OutputFile out(path.string(), true);
  std::ofstream file(out.temp_path());
  file << text;
  file.close();
  if (!file) throw FileError(path.string(), "could not be written (disk full?)");
  out.commit();
}

void write_json(const fs::path& path, const nlohmann::json& j) { write_text_file(path, j.dump(2) + "\n"); }

void save(const fs::path& path, const diffusion::Trainer& trainer, const nlohmann::json& description,
          const torch::Tensor& sampling_maps) {
  io::OutputFile out(path.string(), true);
  try {
    std::ofstream file(out.temp_path(), std::ios::binary);
    diffusion::save_checkpoint(file, trainer, description, sampling_maps);
    file.close();
    if (!file) throw Error("could not be written (disk full?)");
  } catch (const Error& e) {
    throw FileError(path.string(), e.what());
  } catch (const c10::Error& e) {
    throw FileError(path.string(), std::string("could not be written: ") + e.what_without_backtrace());
  }
  out.commit();
}

// Keeps the log lines up to `step`: a resumed run rewrites what the killed one logged after
// its last checkpoint.
void truncate_log(const fs::path& log, int64_t step) {
  if (!fs::exists(log)) return;
  std::ifstream in(log);
  std::string kept, line;
  while (std::getline(in, line)) {
    try {
      if (nlohmann::json::parse(line).value("step", int64_t{0}) <= step) kept += line + "\n";
    } catch (const nlohmann::json::exception&) {
      // A line cut short by the kill.
    }
  }
  write_text_file(log, kept);
}

void write_samples(const fs::path& path, diffusion::Trainer& trainer, const nlohmann::json& description,
                   const torch::Tensor& sampling_maps, const TrainRequest& r, int64_t height, int64_t width) {
  diffusion::Prior prior{description, trainer.ema(), diffusion::make_objective(trainer.objective().describe()),
                         sampling_maps};
  diffusion::SamplerOptions options;
  options.steps = r.sample_steps;
  write_sample_grid(path.string(), draw_samples(prior, r.sample_count, height, width, options, 0, no_progress()), true);
}

bool is_run_file(const fs::path& p) {
  // ... and what a kill during an atomic write leaves behind (io::OutputFile's temporaries).
  static const std::regex names(
      R"((\.partial-\d+-)?((config|manifest)\.json|log\.jsonl|checkpoint\.pt|samples-\d+\.png))");
  return std::regex_match(p.filename().string(), names);
}

// The device of this process: with several CUDA processes per machine, each takes the GPU
// of its LOCAL_RANK unless --device names one.
torch::Device training_device(const std::string& name) {
  torch::Device device = diffusion::parse_device(name);
  const diffusion::LaunchEnvironment launch = diffusion::launch_environment();
  if (device.is_cuda() && !device.has_index() && launch.distributed())
    device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(launch.local_rank));
  return device;
}

// A data-parallel launch's process group (none for one process). Processes sharing a
// machine share its cores, unless OMP_NUM_THREADS (torchrun sets it) says otherwise.
std::shared_ptr<diffusion::ProcessGroup> join_launch(const TrainRequest& r, torch::Device device) {
  const diffusion::LaunchEnvironment launch = diffusion::launch_environment();
  if (!launch.distributed()) return nullptr;
  if (!(r.distributed_timeout_s > 0)) throw Error("--dist-timeout must be > 0 seconds");
  if (r.batch % launch.world_size != 0)
    throw Error("--batch " + std::to_string(r.batch) + " is the global batch: it must be divisible by WORLD_SIZE " +
                std::to_string(launch.world_size));
  if (!std::getenv("OMP_NUM_THREADS"))
    at::set_num_threads(std::max<int>(1, static_cast<int>(std::thread::hardware_concurrency() /
                                                           std::max<int64_t>(1, launch.local_world_size))));
  const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(r.distributed_timeout_s * 1000));
  return diffusion::ProcessGroup::connect(launch, device, timeout);
}

// Rank 0 prepares the data first (filling the coil-map cache); the others then read the
// same files, usually from that cache, and must arrive at the same manifest.
TrainingData load_training_data_in_turn(const TrainRequest& r, diffusion::ProcessGroup* group, Progress& progress) {
  if (!group) return load_training_data(r.data, progress);
  const auto patience = std::chrono::hours(24);  // preparing a large data set takes a while
  if (group->rank() == 0) {
    TrainingData data = load_training_data(r.data, progress);
    group->share_from_root("data_hash", data.manifest_hash, patience);
    return data;
  }
  const std::string root_hash = group->share_from_root("data_hash", "", patience);
  TrainingData data = load_training_data(r.data, no_progress());
  if (data.manifest_hash != root_hash)
    throw Error("rank " + std::to_string(group->rank()) + " read other training data than rank 0 (manifest " +
                data.manifest_hash + " vs " + root_hash + "): give every process the same files and options");
  return data;
}

void check_request(const TrainRequest& r) {
  if (r.run_dir.empty()) throw Error("no run directory given (--run DIR)");
  if (r.steps < 1 || r.batch < 1) throw Error("--steps and --batch must be at least 1");
  if (r.log_every < 1 || r.checkpoint_every < 1 || r.sample_every < 0 || r.sample_count < 1 || r.sample_steps < 1)
    throw Error("--log-every, --checkpoint-every and --sample-count must be at least 1, --sample-every at least 0");
}

// Refuses a run directory the request must not write in: a file, a resume without a
// checkpoint, or a fresh start over a run (without --force) or over files that are not a run's.
void check_run_directory(const TrainRequest& r, bool root) {
  const fs::path dir = r.run_dir;
  if (fs::exists(dir) && !fs::is_directory(dir)) throw FileError(r.run_dir, "is a file, not a run directory");
  if (r.resume) {
    if (!fs::exists(dir / "checkpoint.pt"))
      throw FileError((dir / "checkpoint.pt").string(), "does not exist: nothing to resume");
    return;
  }
  if (!root || !fs::exists(dir) || fs::is_empty(dir)) return;
  if (!r.overwrite) throw FileError(r.run_dir, "already holds a run (--resume continues it, --force starts it over)");
  for (const auto& entry : fs::directory_iterator(dir))
    if (!is_run_file(entry.path()))
      throw FileError(r.run_dir, "holds files that are not a run's (" + entry.path().filename().string() +
                                     "); not starting over there");
}

// The prior a fine-tune starts from; none for a fresh run or a resumed one (a resumed
// fine-tune carries its origin in its checkpoint).
std::unique_ptr<diffusion::Checkpoint> fine_tune_origin(const TrainRequest& r) {
  if (r.from.empty() || r.resume) return nullptr;
  std::ifstream in(r.from, std::ios::binary);
  if (!in) throw FileError(r.from, "cannot be read");
  try {
    return std::make_unique<diffusion::Checkpoint>(in);
  } catch (const Error& e) {
    throw FileError(r.from, e.what());
  }
}

// The request with the maps' phase convention (the images' phase absorbed into them or not)
// the run must keep: a fine-tune takes its prior's, a resumed run its own (runs from before
// the option kept the phase).
TrainRequest with_phase_convention(const TrainRequest& r, const diffusion::Checkpoint* from) {
  TrainRequest as_seen = r;
  const fs::path manifest_path = fs::path(r.run_dir) / "manifest.json";
  if (from) {
    as_seen.data.espirit.absorb_phase = diffusion::training_espirit_options(from->description(), {}).absorb_phase;
  } else if (r.resume && fs::exists(manifest_path)) {
    const nlohmann::json manifest = nlohmann::json::parse(std::ifstream(manifest_path), nullptr, false);
    if (!manifest.is_discarded())
      as_seen.data.espirit.absorb_phase = diffusion::training_espirit_options({{"data", manifest}}, {}).absorb_phase;
  }
  return as_seen;
}

// The trainer of the run in r.run_dir, as its checkpoint left it (its own options and seed: the
// run goes on as it began); copies the description's sampling rule and origin. Rank 0 cuts the
// log back to the checkpoint's step and removes a killed write's temporaries.
std::unique_ptr<diffusion::Trainer> resume_trainer(const TrainRequest& r, const TrainingData& data,
                                                   nlohmann::json& description, bool root) {
  const fs::path dir = r.run_dir, checkpoint = dir / "checkpoint.pt";
  std::unique_ptr<diffusion::Trainer> trainer;
  std::ifstream in(checkpoint, std::ios::binary);
  try {
    diffusion::Checkpoint saved(in);
    const nlohmann::json& saved_description = saved.description();
    if (saved_description.value("data_hash", "") != data.manifest_hash)
      throw FileError(checkpoint.string(), "was trained on other data (the files or data options changed); "
                                           "start a new run or give the same data");
    if (saved_description.value("batch", int64_t{0}) != r.batch)
      throw FileError(checkpoint.string(), "was trained with batch " +
                                               std::to_string(saved_description.value("batch", int64_t{0})) +
                                               "; resume with the same --batch");
    trainer = saved.trainer();
    for (const char* key : {"sampling_mask", "fine_tuned_from"})
      if (saved_description.contains(key)) description[key] = saved_description.at(key);
  } catch (const FileError&) {
    throw;
  } catch (const Error& e) {
    throw FileError(checkpoint.string(), e.what());
  }
  if (root) {
    truncate_log(dir / "log.jsonl", trainer->steps_done());
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.path().filename().string().rfind(".partial-", 0) == 0) fs::remove(entry.path());
  }
  return trainer;
}

// An ambient network must inpaint what Ã dropped at every noise level (edm.hpp). The floor is
// about the rms of that content over sigma_data: Colin27 slices keep 4 % of their k-space
// energy (up to 14 %) outside a random R = 5 line mask with 12 ACS lines.
constexpr double kAmbientOutputFloor = 0.3;

// The preconditioning: a fine-tune's prior's, else EDM's with the ambient floor; the noise
// distribution as the request overrides it.
diffusion::EdmConfig edm_config(const TrainRequest& r, const diffusion::Objective& objective,
                                const diffusion::Checkpoint* from) {
  diffusion::EdmConfig edm;
  if (objective.condition_channels() > 0) edm.output_floor = kAmbientOutputFloor;
  if (from) edm = from->description().at("edm").get<diffusion::EdmConfig>();
  if (r.noise_mean) edm.p_mean = *r.noise_mean;
  if (r.noise_std) {
    if (!(*r.noise_std > 0)) throw Error("--noise-std must be > 0");
    edm.p_std = *r.noise_std;
  }
  return edm;
}

// A new trainer: the network of the preset, the JSON file or the fine-tuned prior, started
// from that prior's weights when there is one. Records the origin and the sampling rule in the
// description; rank 0 (re)creates the run directory with config.json and manifest.json.
std::unique_ptr<diffusion::Trainer> start_trainer(const TrainRequest& r, const TrainingData& data,
                                                  diffusion::Checkpoint* from, nlohmann::json& description,
                                                  bool root) {
  diffusion::UNetConfig unet =
      from ? from->description().at("unet").get<diffusion::UNetConfig>() : network_config(r.network);
  const auto objective = objective_for(r);
  unet.in_channels = 2 + objective->condition_channels();
  if (from && from->description().at("unet").at("in_channels") != unet.in_channels)
    throw FileError(r.from, "is a " + from->description().at("objective").at("name").get<std::string>() +
                                " prior; it cannot be fine-tuned with the " + objective->name() + " objective");
  const diffusion::EdmConfig edm = edm_config(r, *objective, from);
  diffusion::TrainerOptions options = r.trainer;
  options.total_steps = r.steps;  // where a cosine schedule ends
  auto trainer = std::make_unique<diffusion::Trainer>(unet, edm, objective, options);
  if (from) {
    diffusion::Prior start = from->prior();
    trainer->initialise_from(start.denoiser);
    description["fine_tuned_from"] = {{"path", r.from}, {"step", from->description().at("step")},
                                      {"data_hash", from->description().value("data_hash", "")}};
  }
  if (objective->condition_channels() > 0) description["sampling_mask"] = sampling_mask_rule(r, data);
  if (root) {
    const fs::path dir = r.run_dir;
    if (fs::exists(dir))
      for (const auto& entry : fs::directory_iterator(dir)) fs::remove(entry.path());
    fs::create_directories(dir);
    const nlohmann::json config = {{"objective", r.objective}, {"extra_acceleration", r.extra_acceleration},
                                   {"consistency_weight", r.consistency_weight}, {"network", r.network},
                                   {"trainer", options}, {"precision", r.precision}, {"steps", r.steps},
                                   {"batch", r.batch}, {"inputs", r.data.inputs}, {"from", r.from},
                                   {"noise_mean", edm.p_mean}, {"noise_std", edm.p_std}};
    write_json(dir / "config.json", config);
    write_json(dir / "manifest.json", description["data"]);
  }
  return trainer;
}

// Coil maps of a few training slices travel with an ambient prior to sample it with.
torch::Tensor sampling_maps_of(const diffusion::Trainer& trainer, const TrainingData& data) {
  if (trainer.objective().condition_channels() == 0) return {};
  const int64_t n = data.set.size();
  const torch::Tensor picks =
      torch::linspace(0, static_cast<double>(n - 1), std::min<int64_t>(4, n)).round().to(torch::kLong);
  return data.set.maps.index_select(0, picks).contiguous();
}

// The mean loss and rate over the steps since the last log line.
class LogInterval {
 public:
  void add(double loss) {
    loss_ += loss;
    ++steps_;
  }
  // The line for `step`, and a new interval begun.
  nlohmann::json close(int64_t step, int64_t batch, Clock::time_point run_start) {
    const auto now = Clock::now();
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const nlohmann::json line = {{"step", step},
                                 {"loss", loss_ / static_cast<double>(steps_)},
                                 {"images_per_second", static_cast<double>(steps_ * batch) / seconds},
                                 {"seconds", std::chrono::duration<double>(now - run_start).count()}};
    *this = LogInterval();
    return line;
  }

 private:
  Clock::time_point start_ = Clock::now();
  int64_t steps_ = 0;
  double loss_ = 0;
};

// Everything the loop writes besides the weights.
struct RunOutputs {
  fs::path dir;
  bool root = true;  // data-parallel: rank 0 alone writes
  nlohmann::json description;
  torch::Tensor sampling_maps;
  int64_t height = 0, width = 0;
};

// Steps until r.steps: logs, checkpoints and sample grids at their intervals; on a cancel
// (Ctrl-C, SIGTERM, or any rank's) saves what was learned since the last checkpoint and rethrows.
void training_loop(const TrainRequest& r, diffusion::Trainer& trainer, diffusion::BatchLoader& loader,
                   diffusion::ProcessGroup* group, const RunOutputs& out, Progress& progress, TrainSummary& s) {
  const fs::path checkpoint = out.dir / "checkpoint.pt";
  const auto start = Clock::now();
  std::ofstream log;
  if (out.root) log.open(out.dir / "log.jsonl", std::ios::app);
  progress.begin("training", r.steps);
  progress.update(trainer.steps_done());  // where a resumed run starts: rates count from here
  LogInterval interval;
  try {
    while (trainer.steps_done() < r.steps) {
      // A signal may reach one process only (or each at another step): all stop together,
      // so rank 0 writes the checkpoint of the step they all finished.
      if (group ? group->any(progress.cancelled()) : progress.cancelled()) throw Cancelled();
      const double loss = trainer.step(loader.get(trainer.steps_done()));
      const int64_t step = trainer.steps_done();
      interval.add(loss);
      s.final_loss = loss;
      if (step % r.log_every == 0 || step == r.steps) {
        const nlohmann::json line = interval.close(step, r.batch, start);
        s.images_per_second = line["images_per_second"].get<double>();
        if (out.root) log << line.dump() << std::endl;
        char note[96];
        std::snprintf(note, sizeof note, "loss %.4f, %.1f images/s", line["loss"].get<double>(), s.images_per_second);
        progress.update(step, note);
      }
      if (!out.root) continue;
      if (step % r.checkpoint_every == 0 || step == r.steps) save(checkpoint, trainer, out.description, out.sampling_maps);
      if ((r.sample_every > 0 && step % r.sample_every == 0) || step == r.steps)
        write_samples(out.dir / ("samples-" + std::to_string(step) + ".png"), trainer, out.description,
                      out.sampling_maps, r, out.height, out.width);
    }
  } catch (const Cancelled&) {
    if (out.root && trainer.steps_done() > s.first_step) save(checkpoint, trainer, out.description, out.sampling_maps);
    throw;
  }
  progress.end();
  s.seconds = std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

TrainSummary train(const TrainRequest& r, Progress& progress) {
  check_request(r);
  const torch::Device device = training_device(r.device);
  const diffusion::Precision precision = diffusion::parse_precision(r.precision);
  const std::shared_ptr<diffusion::ProcessGroup> group = join_launch(r, device);
  const bool root = !group || group->rank() == 0;  // data-parallel: rank 0 alone owns the run directory
  check_run_directory(r, root);
  const std::unique_ptr<diffusion::Checkpoint> from = fine_tune_origin(r);
  const TrainingData data = load_training_data_in_turn(with_phase_convention(r, from.get()), group.get(), progress);
  if (r.objective == "tweedie" && !(data.set.data_sigma > 0).all().item<bool>())
    throw Error("the tweedie objective needs each slice's noise level: the data have no noise scans; give "
                "--data-sigma");

  RunOutputs out{r.run_dir, root,
                 {{"data", data.manifest},
                  {"data_hash", data.manifest_hash},
                  {"normalisation", "99th percentile of the RSS image of the calibration region"},
                  {"batch", r.batch}},
                 {}, data.set.images.size(2), data.set.images.size(3)};
  const std::unique_ptr<diffusion::Trainer> trainer =
      r.resume ? resume_trainer(r, data, out.description, root) : start_trainer(r, data, from.get(), out.description, root);
  trainer->to(device);
  trainer->set_precision(precision);
  trainer->set_process_group(group);  // everyone starts from rank 0's weights
  const int64_t factor = trainer->model()->network()->config().downsampling();
  if (out.height % factor != 0 || out.width % factor != 0)
    throw Error("the training images are " + std::to_string(out.height) + " x " + std::to_string(out.width) +
                "; the network needs sizes divisible by " + std::to_string(factor) + " (--width pads the readout)");
  out.sampling_maps = sampling_maps_of(*trainer, data);

  TrainSummary s;
  s.first_step = trainer->steps_done();
  s.slices = data.set.size();
  s.checkpoint = (out.dir / "checkpoint.pt").string();
  s.rank = group ? group->rank() : 0;
  s.world_size = group ? group->world_size() : 1;
  diffusion::BatchLoader loader(data.set, r.batch, trainer->options().seed, device, s.rank, s.world_size);
  training_loop(r, *trainer, loader, group.get(), out, progress, s);
  s.last_step = trainer->steps_done();
  return s;
}

}  // namespace ambient::jobs
