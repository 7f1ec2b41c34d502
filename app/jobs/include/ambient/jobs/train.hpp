#pragma once
// `ambient train` and `ambient finetune`: train a diffusion prior on a set of k-space files
// into a run directory:
//   config.json    the request, as given
//   manifest.json  the training data (files, options, slices, acceleration) and its hash
//   log.jsonl      one line per logged step: loss, learning rate, images/s
//   checkpoint.pt  the latest self-describing checkpoint (written atomically)
//   samples-STEP.png  a grid of prior samples at each sampling point and at the end
// A run resumes from its checkpoint (`resume`) exactly where it stopped, refusing when the
// training data changed; a fine-tune starts from another prior's averaged weights.
#include <optional>
#include <string>

#include "ambient/core/progress.hpp"
#include "ambient/diffusion/trainer.hpp"
#include "ambient/jobs/training_data.hpp"

namespace ambient::jobs {

struct TrainRequest {
  TrainingDataOptions data;
  std::string run_dir;
  std::string objective = "ambient";  // clean | ambient | tweedie
  double extra_acceleration = 1;      // ambient: Ã is this much more accelerated than A
  double consistency_weight = 0;      // tweedie: weight of the consistency loss below sigma_n
  std::string network = "cpu";        // cpu | gpu preset, or a JSON file of UNetConfig
  std::string precision = "float32";  // or bfloat16: the network under autocast (edm.hpp)
  std::string device = "cpu";         // cpu, cuda[:N] or auto (data-parallel CUDA: cuda:LOCAL_RANK)
  diffusion::TrainerOptions trainer;
  // Training noise levels sigma ~ exp(N(mean, std^2)) (EDM's P_mean, P_std); unset: EDM's
  // -1.2, 1.2, or the --from prior's on fine-tuning.
  std::optional<double> noise_mean, noise_std;
  int64_t steps = 10000;              // total optimiser steps of the run
  int64_t batch = 8;
  int64_t log_every = 10;
  int64_t checkpoint_every = 250;
  int64_t sample_every = 0;           // 0: samples at the end only
  int64_t sample_count = 16;
  int sample_steps = 32;              // Heun steps of the sample grids
  bool resume = false;                // continue the run in run_dir
  std::string from;                   // fine-tune: start from this prior's weights (unused on resume)
  bool overwrite = false;             // replace a finished or unrelated run in run_dir
  // Data-parallel runs (started by torchrun, srun or RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT,
  // see diffusion/distributed.hpp): `batch` is the global batch, split evenly over the
  // processes; rank 0 alone writes the run directory. A peer that dies or hangs stops the
  // others after this long.
  double distributed_timeout_s = 300;
};

struct TrainSummary {
  int64_t first_step = 0, last_step = 0, slices = 0;
  int64_t rank = 0, world_size = 1;
  double final_loss = 0, images_per_second = 0, seconds = 0;
  std::string checkpoint;
};

TrainSummary train(const TrainRequest& request, Progress& progress);

}  // namespace ambient::jobs
