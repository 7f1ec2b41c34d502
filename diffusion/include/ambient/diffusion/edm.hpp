#pragma once
// EDM preconditioning (Karras et al. 2022): the denoiser D(x, sigma) = c_skip x +
// c_out F(c_in x, c_noise) around the U-Net F, with sigma_data = 0.5; the training noise
// distribution (log-normal) and loss weight lambda(sigma). Conditioning channels (the
// ambient models' mask and all-ones channels) are appended to F's input unscaled.
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <string>

#include "ambient/diffusion/unet.hpp"

namespace ambient::diffusion {

struct EdmConfig {
  double sigma_data = 0.5;
  double p_mean = -1.2;  // training sigma ~ exp(N(p_mean, p_std^2))
  double p_std = 1.2;
  // Floor on the network's output scale: c_out = sqrt(c_out_EDM^2 + (output_floor
  // sigma_data)^2). EDM's c_out ~ sigma at low noise suits a denoiser whose input already
  // holds the whole image. An ambient network's input Ã^H Ã x_sigma lacks the k-space Ã
  // dropped, an O(1) correction at every sigma: without a floor the network would need
  // outputs ~1/sigma near sigma_min, so the denoiser collapses to its aliased input, and the
  // loss weight 1/c_out^2 lets low-noise draws, whose error is mostly that irreducible
  // inpainting, dominate the gradient. 0 is EDM exactly (clean and Tweedie priors).
  double output_floor = 0;
};

// The arithmetic of the U-Net's convolutions and products. bfloat16 runs them under
// LibTorch's autocast (weights, normalisation and the EDM preconditioning stay float32):
// 1.4-1.8x the training speed on CPUs with AVX-512 BF16 (docs/benchmarks-training.md), at
// bfloat16's 3 significant digits.
enum class Precision { float32, bfloat16 };
// "float32", "bfloat16", or "auto": bfloat16 where `device` computes it natively (a CPU with
// AVX-512 BF16: the same reconstructions to 0.01 dB at 1.4x the speed, docs/reconstruction.md),
// float32 elsewhere (emulated bfloat16 is slower; GPUs keep float32 until measured). Error otherwise.
Precision parse_precision(const std::string& name, const torch::Device& device = torch::kCPU);

void to_json(nlohmann::json& j, const EdmConfig& c);
void from_json(const nlohmann::json& j, EdmConfig& c);

class EdmDenoiserImpl : public torch::nn::Module {
 public:
  // `unet.in_channels` counts the 2 image channels plus the conditioning channels.
  EdmDenoiserImpl(const UNetConfig& unet, const EdmConfig& edm);
  // x [batch, 2, H, W] noisy images, sigma [batch], condition [batch, k, H, W] (k =
  // unet.in_channels - 2; undefined when k is 0). Returns the denoised [batch, 2, H, W].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& sigma,
                        const torch::Tensor& condition = {});
  const EdmConfig& edm() const { return edm_; }
  void set_precision(Precision precision) { precision_ = precision; }
  UNet& network() { return unet_; }

 private:
  EdmConfig edm_;
  UNet unet_{nullptr};
  Precision precision_ = Precision::float32;
};
TORCH_MODULE(EdmDenoiser);

// Training noise levels [batch], log-normal as EDM prescribes.
torch::Tensor sample_training_sigma(int64_t batch, const EdmConfig& edm, at::Generator generator);
// EDM's loss weight (sigma^2 + sigma_data^2) / (sigma sigma_data)^2, per sigma.
torch::Tensor loss_weight(const torch::Tensor& sigma, const EdmConfig& edm);

}  // namespace ambient::diffusion
