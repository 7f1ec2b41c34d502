#include "ambient/diffusion/objectives.hpp"

#include <torch/torch.h>

#include "ambient/recon/linear_operator.hpp"
#include "ambient/recon/mask_analysis.hpp"
#include "ambient/recon/masks.hpp"

namespace ambient::diffusion {

namespace {

// Random draws for the whole (global) batch, narrowed to this batch's rows (TrainingBatch).
torch::Tensor own_rows(const TrainingBatch& batch, const torch::Tensor& global) {
  return global.narrow(0, batch.offset, batch.images.size(0));
}

std::vector<int64_t> global_shape(const TrainingBatch& batch, at::IntArrayRef local) {
  std::vector<int64_t> shape = local.vec();
  if (batch.global_size > 0) shape[0] = batch.global_size;
  return shape;
}

torch::Tensor batch_normal(const TrainingBatch& batch, const torch::Tensor& like, at::Generator generator) {
  return own_rows(batch, at::normal(0.0, 1.0, global_shape(batch, like.sizes()), generator)).to(like.device());
}

torch::Tensor batch_uniform(const TrainingBatch& batch, at::Generator generator) {
  return own_rows(batch, at::rand(global_shape(batch, {batch.images.size(0)}), generator));
}

torch::Tensor batch_sigma(const TrainingBatch& batch, const EdmConfig& edm, at::Generator generator) {
  return own_rows(batch, sample_training_sigma(global_shape(batch, {batch.images.size(0)})[0], edm, generator))
      .to(batch.images.device());
}

}  // namespace

torch::Tensor CleanObjective::loss(EdmDenoiser& denoiser, const TrainingBatch& batch, at::Generator generator) const {
  const torch::Tensor& x0 = batch.images;
  const torch::Tensor sigma = batch_sigma(batch, denoiser->edm(), generator);
  const torch::Tensor noise = batch_normal(batch, x0, generator);
  const torch::Tensor denoised = denoiser->forward(x0 + sigma.reshape({-1, 1, 1, 1}) * noise, sigma);
  const torch::Tensor per_image = (denoised - x0).pow(2).mean({1, 2, 3});
  return (loss_weight(sigma, denoiser->edm()) * per_image).mean();
}

torch::Tensor TweedieObjective::loss(EdmDenoiser& denoiser, const TrainingBatch& batch, at::Generator generator) const {
  const torch::Tensor& x_n = batch.images;
  const torch::Tensor sigma_n = batch.data_sigma.reshape({-1}).to(x_n.options());
  const torch::Tensor extra = batch_sigma(batch, denoiser->edm(), generator);
  const torch::Tensor sigma = torch::sqrt(sigma_n * sigma_n + extra * extra);
  const torch::Tensor x_sigma = x_n + extra.reshape({-1, 1, 1, 1}) * batch_normal(batch, x_n, generator);
  const torch::Tensor ratio = (sigma_n * sigma_n / (sigma * sigma)).reshape({-1, 1, 1, 1});
  const torch::Tensor predicted_data = ratio * x_sigma + (1 - ratio) * denoiser->forward(x_sigma, sigma);
  torch::Tensor loss = (loss_weight(sigma, denoiser->edm()) * (predicted_data - x_n).pow(2).mean({1, 2, 3})).mean();
  if (consistency_weight_ > 0 && (sigma_n > 0).all().item<bool>())
    loss = loss + consistency_weight_ * consistency_loss(denoiser, batch, sigma_n, generator);
  return loss;
}

torch::Tensor consistency_target(const BatchDenoiser& denoiser, const torch::Tensor& x, const torch::Tensor& sigma,
                                 const torch::Tensor& sigma_next, const torch::Tensor& noise) {
  torch::NoGradGuard no_grad;
  const torch::Tensor r = (sigma_next * sigma_next / (sigma * sigma)).reshape({-1, 1, 1, 1});
  const torch::Tensor mean = r * x + (1 - r) * denoiser(x, sigma);
  const torch::Tensor spread = sigma_next.reshape({-1, 1, 1, 1}) * torch::sqrt(1 - r);
  return denoiser(mean + spread * noise, sigma_next);
}

torch::Tensor TweedieObjective::consistency_loss(EdmDenoiser& denoiser, const TrainingBatch& batch,
                                                 const torch::Tensor& sigma_n, at::Generator generator) const {
  const BatchDenoiser d = [&denoiser](const torch::Tensor& x, const torch::Tensor& s) { return denoiser->forward(x, s); };
  const torch::Tensor& x_n = batch.images;
  // Start just above the data's noise (sqrt(2) sigma_n), then an ODE step below it.
  const torch::Tensor sigma_high = sigma_n * std::sqrt(2.0);
  const torch::Tensor x_high = x_n + sigma_n.reshape({-1, 1, 1, 1}) * batch_normal(batch, x_n, generator);
  const torch::Tensor sigma_low = sigma_n * torch::exp(-batch_uniform(batch, generator).to(x_n.device()) * std::log(20.0));
  torch::Tensor x_low;
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor slope = (x_high - d(x_high, sigma_high)) / sigma_high.reshape({-1, 1, 1, 1});
    x_low = x_high + (sigma_low - sigma_high).reshape({-1, 1, 1, 1}) * slope;
  }
  const torch::Tensor target = consistency_target(d, x_low, sigma_low, sigma_low * 0.5, batch_normal(batch, x_low, generator));
  const torch::Tensor residual = denoiser->forward(x_low, sigma_low) - target;
  return (loss_weight(sigma_low, denoiser->edm()) * residual.pow(2).mean({1, 2, 3})).mean();
}

namespace {

torch::Tensor maps_or_ones(const torch::Tensor& maps, const torch::Tensor& x) {
  return maps.defined() ? maps
                        : torch::ones({x.size(0), 1, x.size(2), x.size(3)}, x.options().dtype(torch::kComplexFloat));
}

// A^H A x for a batch of images through their own masks and maps.
torch::Tensor normal(const torch::Tensor& x, const torch::Tensor& masks, const torch::Tensor& maps) {
  const recon::SenseOperator a(maps_or_ones(maps, x), masks);
  return to_channels(a.normal(to_complex(x)));
}

}  // namespace

torch::Tensor to_complex(const torch::Tensor& two_channel) {
  return torch::view_as_complex(two_channel.permute({0, 2, 3, 1}).contiguous());
}

torch::Tensor to_channels(const torch::Tensor& complex) {
  return torch::view_as_real(complex).permute({0, 3, 1, 2}).contiguous();
}

std::pair<torch::Tensor, torch::Tensor> ambient_input(const torch::Tensor& x, const torch::Tensor& masks,
                                                      const torch::Tensor& maps) {
  const torch::Tensor m = masks.to(x.options()).unsqueeze(1);
  return {normal(x, masks, maps), torch::cat({m, torch::ones_like(m)}, 1)};
}

torch::Tensor AmbientObjective::loss(EdmDenoiser& denoiser, const TrainingBatch& batch, at::Generator generator) const {
  const torch::Tensor& x_a = batch.images;
  const int64_t b = x_a.size(0);
  // A further subsampled mask per slice, drawn fresh every time the slice is seen.
  const torch::Tensor seeds = own_rows(batch, at::randint(0, 1LL << 62, global_shape(batch, {b}), generator));
  std::vector<torch::Tensor> further;
  for (int64_t i = 0; i < b; ++i) {
    const torch::Tensor a = batch.masks[i].cpu();  // mask drawing runs on the CPU
    const auto seed = static_cast<uint64_t>(seeds[i].item<int64_t>());
    const at::Tensor protect = calibration_ > 0 ? recon::calibration_block(a.size(0), a.size(1), calibration_,
                                                                             recon::is_line_mask(a))
                                                : at::Tensor();
    further.push_back(recon::further_subsample(a, recon::acceleration_of(a) + extra_, seed, protect));
  }
  const torch::Tensor a_tilde = torch::stack(further).to(x_a.device());
  // Noisy data (Tweedie): the data already carries sigma_n of the total noise sigma.
  const torch::Tensor sigma_n = batch.data_sigma.defined() ? batch.data_sigma.reshape({-1}).to(x_a.dtype())
                                                          : torch::zeros({b}, x_a.options());
  const torch::Tensor added = batch_sigma(batch, denoiser->edm(), generator);
  const torch::Tensor sigma = torch::sqrt(sigma_n * sigma_n + added * added);
  const torch::Tensor noisy = x_a + added.reshape({-1, 1, 1, 1}) * batch_normal(batch, x_a, generator);
  const auto [input, condition] = ambient_input(noisy, a_tilde, batch.maps);
  const torch::Tensor h = denoiser->forward(input, sigma, condition);
  const torch::Tensor ratio = (sigma_n * sigma_n / (sigma * sigma)).reshape({-1, 1, 1, 1});
  const torch::Tensor predicted_data = ratio * noisy + (1 - ratio) * h;
  const torch::Tensor residual = normal(predicted_data, batch.masks, batch.maps) - x_a;
  return (loss_weight(sigma, denoiser->edm()) * residual.pow(2).mean({1, 2, 3})).mean();
}

}  // namespace ambient::diffusion
