#include "ambient/diffusion/objectives.hpp"

#include <torch/torch.h>

namespace ambient::diffusion {

torch::Tensor CleanObjective::loss(EdmDenoiser& denoiser, const TrainingBatch& batch, at::Generator generator) const {
  const torch::Tensor& x0 = batch.images;
  const torch::Tensor sigma = sample_training_sigma(x0.size(0), denoiser->edm(), generator).to(x0.device());
  const torch::Tensor noise = at::normal(0.0, 1.0, x0.sizes(), generator).to(x0.device());
  const torch::Tensor denoised = denoiser->forward(x0 + sigma.reshape({-1, 1, 1, 1}) * noise, sigma);
  const torch::Tensor per_image = (denoised - x0).pow(2).mean({1, 2, 3});
  return (loss_weight(sigma, denoiser->edm()) * per_image).mean();
}

}  // namespace ambient::diffusion
