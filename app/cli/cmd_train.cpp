// ambient train: learn a diffusion prior from k-space files.
#include "ambient/jobs/train.hpp"
#include "cli_common.hpp"
#include "training_options.hpp"

namespace ambient::cli {

void register_train(CLI::App& app, const GlobalOptions& global) {
  auto r = std::make_shared<jobs::TrainRequest>();
  CLI::App* c = app.add_subcommand("train", "train a diffusion prior on k-space data");
  c->footer(
      "Trains an EDM-preconditioned U-Net prior on every slice of the given k-space files. "
      "Objectives: 'clean' (denoising score matching on the coil-combined images; needs fully "
      "sampled data to be meaningful), 'ambient' (Aali et al. 2024: learns the clean prior from "
      "subsampled data, each slice through its own mask; noisy data are handled with Tweedie's "
      "correction when their noise level is known), 'tweedie' (Daras et al. 2024: learns the "
      "clean prior from noisy fully sampled data). Coil maps come from ESPIRiT on each slice's "
      "calibration region and are cached; images are normalised by the 99th percentile of the "
      "calibration image.\nThe run directory receives config.json, manifest.json, log.jsonl, "
      "checkpoint.pt (every --checkpoint-every steps, atomically) and samples-STEP.png grids. "
      "Ctrl-C stops after the current step with a checkpoint; --resume continues exactly.\n"
      "Data-parallel training on PyTorch's distributed engine (Gloo on CPU): start one process per "
      "rank with torchrun (torchrun --nproc_per_node 2 --no_python ambient train ...), srun, or the "
      "variables RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT (LOCAL_WORLD_SIZE: processes per machine). "
      "--batch is the global batch; rank 0 writes the run directory, which every rank must be able "
      "to read for --resume; a run resumes with any number of processes (docs/scaling.md).\n\n"
      "Examples:\n"
      "  ambient train generated/colin27 --run runs/ambient-r4 --objective ambient --mask random "
      "--accel 4 --acs 12\n"
      "  ambient train generated/colin27 --run runs/ambient-r4 --objective ambient --mask random "
      "--accel 4 --acs 12 --resume");
  add_train_options(*c, *r, false);
  c->callback([r, &global] { run_training(*r, global); });
}

}  // namespace ambient::cli
