#pragma once
// What the commands that train or read training data share (train, finetune, audit,
// evaluate-prior): their options, and the training run itself.
#include <CLI/CLI.hpp>

#include "cli_common.hpp"

namespace ambient::jobs {
struct TrainRequest;
struct TrainingDataOptions;
}  // namespace ambient::jobs

namespace ambient::cli {

// train's and finetune's options (finetune: no --network; the noise defaults are the prior's).
void add_train_options(CLI::App& command, jobs::TrainRequest& request, bool fine_tune);
// Runs a training request; Ctrl-C or SIGTERM stops it at the next step with a checkpoint.
void run_training(jobs::TrainRequest& request, const GlobalOptions& global);
// The retrospective mask of training data (--mask, --accel, --acs, --mask-seed).
void add_training_mask_options(CLI::App& command, jobs::TrainingDataOptions& data);
// The cache, ESPIRiT and read options of training data.
void add_training_data_options(CLI::App& command, jobs::TrainingDataOptions& data);

}  // namespace ambient::cli
