#pragma once
// Training objectives behind one interface. Each takes a batch of training data and returns
// the scalar loss to minimise; what "data" means depends on the objective.
#include <torch/types.h>

#include <string>

#include "ambient/diffusion/edm.hpp"

namespace ambient::diffusion {

// One batch: images [batch, 2, H, W] (the clean objective's targets; the ambient objective's
// image-domain estimates x_A), and, where the objective uses them, the sampling masks
// [batch, H, W] and the data noise levels [batch].
struct TrainingBatch {
  torch::Tensor images;
  torch::Tensor masks;
  torch::Tensor data_sigma;
};

class Objective {
 public:
  virtual ~Objective() = default;
  virtual std::string name() const = 0;
  virtual int64_t condition_channels() const = 0;  // extra network input channels it needs
  virtual torch::Tensor loss(EdmDenoiser& denoiser, const TrainingBatch& batch, at::Generator generator) const = 0;
};

// EDM denoising score matching on clean images: lambda(sigma) ||D(x0 + sigma n, sigma) - x0||^2,
// whose minimiser is E[x0 | x_sigma].
class CleanObjective : public Objective {
 public:
  std::string name() const override { return "clean"; }
  int64_t condition_channels() const override { return 0; }
  torch::Tensor loss(EdmDenoiser& denoiser, const TrainingBatch& batch, at::Generator generator) const override;
};

}  // namespace ambient::diffusion
