// What `ambient train` and `ambient finetune` share: their options, the run, and stopping on a signal.
#include "training_options.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "ambient/diffusion/distributed.hpp"
#include "ambient/jobs/train.hpp"

namespace ambient::cli {

namespace {

// Ctrl-C or a scheduler's SIGTERM stops training at the next step with a checkpoint
// written, instead of losing everything since the last one; a second one stops at once.
// timeout(1) and a process-group kill deliver one signal twice within microseconds: a repeat
// counts as that second one only a second after the first.
std::atomic<Progress*> interruptible{nullptr};
std::atomic<int64_t> first_signal_ns{0};
constexpr int64_t kRepeatWindowNs = 1000000000;

int64_t monotonic_ns() {  // clock_gettime is async-signal-safe
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

extern "C" void stop_training(int signal) {
  const int64_t now = monotonic_ns();
  int64_t first = 0;
  if (first_signal_ns.compare_exchange_strong(first, now)) {
    if (Progress* p = interruptible.load()) p->cancel();  // an atomic store: safe in a handler
    return;
  }
  if (now - first < kRepeatWindowNs) return;  // the same signal, delivered twice
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

// Installs the handlers for one job and restores the previous ones however it ends.
class StopOnSignal {
 public:
  explicit StopOnSignal(Progress& progress) {
    interruptible.store(&progress);
    first_signal_ns.store(0);
    previous_int_ = std::signal(SIGINT, stop_training);
    previous_term_ = std::signal(SIGTERM, stop_training);
  }
  ~StopOnSignal() {
    std::signal(SIGINT, previous_int_);
    std::signal(SIGTERM, previous_term_);
    interruptible.store(nullptr);
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

 private:
  void (*previous_int_)(int) = SIG_DFL;
  void (*previous_term_)(int) = SIG_DFL;
};

}  // namespace

void add_train_options(CLI::App& c, jobs::TrainRequest& r, bool fine_tune) {
  c.add_option("data", r.data.inputs, "k-space files or folders of them")->required();
  c.add_option("-r,--run", r.run_dir, "run directory (config, log, checkpoint.pt, sample grids)")->required();
  c.add_option("--objective", r.objective, "clean, ambient (subsampled data) or tweedie (noisy data)")
      ->check(CLI::IsMember({"clean", "ambient", "tweedie"}))
      ->capture_default_str();
  c.add_option("--extra-accel", r.extra_acceleration,
               "ambient: the further mask Ã is this much more accelerated than each slice's own")
      ->capture_default_str();
  c.add_option("--consistency", r.consistency_weight,
               "tweedie: weight of the consistency loss that trains noise levels below the data's (0: off)")
      ->capture_default_str();
  if (!fine_tune)
    c.add_option("--network", r.network, "cpu or gpu preset, or a JSON file of the U-Net's settings")
        ->capture_default_str();
  c.add_option("--noise-mean", r.noise_mean,
               std::string("training noise levels sigma ~ exp(N(MEAN, STD^2)) (EDM's P_mean; default ") +
                   (fine_tune ? "the prior's)" : "-1.2)"));
  c.add_option("--noise-std", r.noise_std,
               std::string("spread of log sigma in training (EDM's P_std; default ") +
                   (fine_tune ? "the prior's)" : "1.2)"));
  c.add_option("--steps", r.steps, "total optimiser steps of the run")->capture_default_str();
  c.add_option("--device", r.device, "where to train: cpu, cuda[:N] or auto (CUDA when this LibTorch has it)")
      ->capture_default_str();
  c.add_option("--precision", r.precision,
               "the network's arithmetic: float32, or bfloat16 under autocast (1.4-1.8x faster on CPUs "
               "with AVX-512 BF16, docs/benchmarks-training.md; slower on CPUs without)")
      ->check(CLI::IsMember({"float32", "bfloat16"}))
      ->capture_default_str();
  c.add_option("--batch", r.batch, "slices per step (data-parallel: the global batch, split over the processes)")
      ->capture_default_str();
  c.add_option("--lr", r.trainer.learning_rate, "Adam's learning rate")->capture_default_str();
  c.add_option("--warmup", r.trainer.warmup_steps, "steps of linear learning-rate warm-up")->capture_default_str();
  c.add_option("--lr-schedule", r.trainer.lr_schedule,
               "after warm-up: constant, or cosine from --lr down to --lr-min at --steps (a resumed run keeps "
               "its own schedule and stays at --lr-min past it)")
      ->check(CLI::IsMember({"constant", "cosine"}))
      ->capture_default_str();
  c.add_option("--lr-min", r.trainer.min_learning_rate, "the cosine schedule's last learning rate")
      ->capture_default_str();
  c.add_option("--grad-clip", r.trainer.grad_clip, "largest gradient norm (0: no clipping)")->capture_default_str();
  c.add_option("--ema", r.trainer.ema_decay, "decay per step of the weights' moving average")->capture_default_str();
  c.add_option("--seed", r.trainer.seed, "seed of the weights, noise, masks Ã and batch order")->capture_default_str();
  c.add_option("--log-every", r.log_every, "steps between log lines")->capture_default_str();
  c.add_option("--checkpoint-every", r.checkpoint_every, "steps between checkpoints")->capture_default_str();
  c.add_option("--sample-every", r.sample_every, "steps between sample grids (0: at the end only)")
      ->capture_default_str();
  c.add_option("--sample-count", r.sample_count, "images per sample grid")->capture_default_str();
  c.add_flag("--resume", r.resume, "continue the run in --run from its checkpoint");
  c.add_flag("-f,--force", r.overwrite, "start over in a --run directory that holds a run");
  c.add_option("--dist-timeout", r.distributed_timeout_s,
               "data-parallel: seconds after which a dead or hung process stops the others")
      ->capture_default_str();
  // The data.
  add_training_mask_options(c, r.data);
  c.add_option("--data-sigma", r.data.data_sigma,
               "noise level of the normalised images (default: from the files' noise scans)");
  c.add_option("--width", r.data.width, "crop or zero-pad images along x (readout) to this width");
  add_training_data_options(c, r.data);
}

void run_training(jobs::TrainRequest& r, const GlobalOptions& global) {
  // In a data-parallel launch rank 0 alone reports; the others stay quiet unless they fail.
  const int64_t rank = diffusion::launch_environment().rank;
  const auto progress = rank == 0 ? make_progress(global) : std::make_unique<Progress>();
  jobs::TrainSummary s;
  try {
    const StopOnSignal guard(*progress);
    s = jobs::train(r, *progress);
  } catch (const Cancelled&) {
    if (std::filesystem::exists(std::filesystem::path(r.run_dir) / "checkpoint.pt"))
      spdlog::info("stopped; {}/checkpoint.pt holds the last step: continue with --resume", r.run_dir);
    throw;
  }
  if (rank != 0) return;
  if (global.json) {
    std::printf("%s\n", nlohmann::json({{"run", r.run_dir}, {"world_size", s.world_size}, {"checkpoint", s.checkpoint}, {"slices", s.slices},
                                        {"first_step", s.first_step}, {"last_step", s.last_step},
                                        {"final_loss", s.final_loss}, {"images_per_second", s.images_per_second},
                                        {"seconds", s.seconds}})
                            .dump(2)
                            .c_str());
    return;
  }
  spdlog::info("trained steps {}..{} on {} slices in {:.1f} s ({:.2f} images/s), last loss {:.4f}", s.first_step,
               s.last_step, s.slices, s.seconds, s.images_per_second, s.final_loss);
  spdlog::info("wrote {}", s.checkpoint);
}


void add_training_mask_options(CLI::App& c, jobs::TrainingDataOptions& data) {
  c.add_option("--mask", data.mask.pattern,
               "undersample retrospectively (equispaced, random, gaussian, poisson or a mask file); each slice "
               "keeps its own fixed pattern");
  c.add_option("--accel", data.mask.options.acceleration, "acceleration of --mask")->capture_default_str();
  c.add_option("--acs", data.mask.options.calibration, "ACS lines of --mask (never dropped from Ã)")
      ->capture_default_str();
  c.add_option("--mask-seed", data.mask.options.seed, "seed of the --mask patterns")->capture_default_str();
}

void add_training_data_options(CLI::App& c, jobs::TrainingDataOptions& data) {
  c.add_option("--cache", data.cache_dir,
               "where coil maps and images are cached (default $AMBIENT_CACHE/training, else "
               "$XDG_CACHE_HOME/ambient/training, else ~/.cache/ambient/training)");
  add_espirit_options(c, data.espirit);
  add_read_options(c, data.read);
}

}  // namespace ambient::cli
