#pragma once
// Prior files: a self-describing checkpoint. One LibTorch archive holds a JSON description
// (format, network, preconditioning, objective with its mask rule, trainer options, data
// manifest and normalisation, step) beside the trainer's full state, so a file is enough
// both to resume training and to use the prior (its averaged weights) for sampling and
// reconstruction. Streams only: the application decides where files live and writes them
// atomically.
#include <iosfwd>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "ambient/diffusion/trainer.hpp"
#include "ambient/recon/espirit.hpp"

namespace ambient::diffusion {

// Builds the objective a description names ({"name": "ambient", ...} as Objective::describe).
std::shared_ptr<const Objective> make_objective(const nlohmann::json& description);

// Writes `extra` (data, normalisation, ... as the caller sees fit) merged with the trainer's
// own description and its state, and `sampling_maps` [K, coil, H, W] when defined: coil
// maps of a few training slices, with which an ambient prior is sampled unconditionally
// (its network only ever saw multi-coil views Ã^H Ã x = S^H F^H M̃ F S x).
void save_checkpoint(std::ostream& out, const Trainer& trainer, const nlohmann::json& extra = {},
                     const torch::Tensor& sampling_maps = {});

// A trained prior ready to use: the averaged (EMA) weights in evaluation mode.
struct Prior {
  nlohmann::json description;
  EdmDenoiser denoiser{nullptr};
  std::shared_ptr<const Objective> objective;
  torch::Tensor sampling_maps;  // [K, coil, H, W] or undefined
};

// The ESPIRiT settings the training data of the prior `description` used (uncropped maps,
// the phase absorbed into them or not), else `fallback`.
recon::EspiritOptions training_espirit_options(const nlohmann::json& description, const recon::EspiritOptions& fallback);

// Writes `prior` alone, for distribution: its description (marked "training_state": false)
// and averaged weights stored as `weights` (kHalf halves the file; they are read back as
// float), without the raw weights and Adam's moments a checkpoint carries for resuming.
// Such a file serves everything a prior does (sampling, reconstruction, fine-tuning) but
// cannot be resumed.
void save_prior(std::ostream& out, const Prior& prior, torch::ScalarType weights = torch::kHalf);

class Checkpoint {
 public:
  // Throws ambient::Error when the stream is not an Ambient prior.
  explicit Checkpoint(std::istream& in);
  ~Checkpoint();
  const nlohmann::json& description() const { return description_; }
  // False for a file written by save_prior: no optimiser state to resume from.
  bool has_training_state() const { return description_.value("training_state", true); }
  Prior prior(torch::Device device = torch::kCPU);
  // The trainer exactly as it was saved (for --resume); Error without a training state.
  std::unique_ptr<Trainer> trainer();

 private:
  struct Archive;
  std::unique_ptr<Archive> archive_;
  nlohmann::json description_;
};

}  // namespace ambient::diffusion
