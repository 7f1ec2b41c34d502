#pragma once
// One training run's moving parts: the network, its exponential moving average (the weights
// a prior ships with), Adam with learning-rate warm-up (then constant or a cosine decay) and
// gradient-norm clipping, and the random generator the objective draws noise and masks from.
// save()/load() capture all of it, so a run resumed from a checkpoint continues exactly as if
// it had never stopped.
#include <torch/nn/pimpl.h>
#include <torch/optim/adam.h>
#include <torch/serialize/archive.h>

#include <memory>
#include <string>
#include <nlohmann/json.hpp>

#include "ambient/diffusion/objectives.hpp"

namespace ambient::diffusion {

class ProcessGroup;

struct TrainerOptions {
  double learning_rate = 1e-3;
  int64_t warmup_steps = 200;  // linear ramp of the learning rate from 0
  // After warm-up: "constant", or "cosine" from learning_rate down to min_learning_rate at
  // step total_steps (the run's length, set by the training job), and min_learning_rate after.
  std::string lr_schedule = "constant";
  double min_learning_rate = 0;
  int64_t total_steps = 0;
  double grad_clip = 1.0;      // maximum gradient norm (0: no clipping)
  double ema_decay = 0.999;    // per step; early steps use min(decay, (1 + t) / (10 + t))
  uint64_t seed = 0;
};

// The learning rate of the step after `steps_done` steps.
double learning_rate_at(const TrainerOptions& o, int64_t steps_done);

void to_json(nlohmann::json& j, const TrainerOptions& o);
void from_json(const nlohmann::json& j, TrainerOptions& o);

class Trainer {
 public:
  Trainer(const UNetConfig& unet, const EdmConfig& edm, std::shared_ptr<const Objective> objective,
          const TrainerOptions& options);
  // One optimiser step on `batch`; returns the loss before the step (data-parallel: the
  // mean over all processes).
  double step(const TrainingBatch& batch);
  // Data-parallel training: every process takes rank 0's weights now, and each step
  // averages the loss and the gradients over the group before clipping and Adam, so all
  // processes keep identical weights, as one process with the whole batch would.
  void set_process_group(std::shared_ptr<ProcessGroup> group);
  // Moves the weights, their average and Adam's moments to `device` (the generators stay on
  // the CPU: the random numbers are the same on every device).
  void to(torch::Device device);
  // The network's arithmetic in training steps and in the average's samples (edm.hpp).
  void set_precision(Precision precision) {
    model_->set_precision(precision);
    ema_->set_precision(precision);
  }
  int64_t steps_done() const { return step_; }
  const TrainerOptions& options() const { return options_; }
  EdmDenoiser& model() { return model_; }
  EdmDenoiser& ema() { return ema_; }
  const Objective& objective() const { return *objective_; }
  // Everything needed to continue: weights, average, optimiser moments, step and both
  // random generators (the objective's and the global one dropout draws from).
  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive);
  // Starts from another run's averaged weights (fine-tuning): weights and average both
  // become `weights`, the optimiser and step start fresh.
  void initialise_from(EdmDenoiser& weights);

 private:
  void update_ema();

  TrainerOptions options_;
  std::shared_ptr<const Objective> objective_;
  EdmDenoiser model_{nullptr}, ema_{nullptr};
  std::unique_ptr<torch::optim::Adam> adam_;
  at::Generator generator_;
  int64_t step_ = 0;
  std::shared_ptr<ProcessGroup> group_;
};

// Copies every parameter and buffer of `from` into `to` (same architecture).
void copy_weights(EdmDenoiser& from, EdmDenoiser& to);

}  // namespace ambient::diffusion
