#pragma once
// The denoising network: a U-Net in LibTorch (Ho et al. 2020 / EDM's "DDPM++" shape, kept
// small): residual blocks with group norm and SiLU, a positional embedding of the noise
// level added in every block, self-attention at chosen levels, skip connections by
// concatenation. Fully convolutional: any H and W divisible by 2^(levels - 1).
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <nlohmann/json.hpp>

#include <vector>

namespace ambient::diffusion {

struct UNetConfig {
  int64_t in_channels = 2;   // complex image as two channels (+ conditioning channels)
  int64_t out_channels = 2;
  int64_t base_channels = 32;
  std::vector<int64_t> channel_mult{1, 2, 2};  // one entry per resolution level
  int64_t blocks_per_level = 1;
  std::vector<int64_t> attention_levels;       // levels (0 = full resolution) with attention
  double dropout = 0;

  // Small enough to train on 2 CPU cores at 128 x 128 (2.7 M parameters with the ambient
  // model's 4 input channels).
  static UNetConfig cpu_preset();
  // The larger network for a GPU (41.7 M parameters).
  static UNetConfig gpu_preset();
  int64_t downsampling() const { return int64_t{1} << (channel_mult.size() - 1); }
};

// Throws ambient::Error naming what a network description gets wrong (the U-Net checks its own).
void check(const UNetConfig& config);

void to_json(nlohmann::json& j, const UNetConfig& c);
void from_json(const nlohmann::json& j, UNetConfig& c);

class UNetImpl : public torch::nn::Module {
 public:
  explicit UNetImpl(const UNetConfig& config);
  // x [batch, in_channels, H, W], noise_labels [batch] (EDM's c_noise); returns
  // [batch, out_channels, H, W].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& noise_labels);
  const UNetConfig& config() const { return config_; }
  // Floating-point operations of one forward pass of one height x width image (2 per
  // multiply-add of the convolutions, attention products and linear layers; norms and
  // activations, a few percent, left out). A training step costs about 3x this.
  double forward_flops(int64_t height, int64_t width) const;

 private:
  UNetConfig config_;
  int64_t embedding_channels_;
  torch::nn::Linear embed_1{nullptr}, embed_2{nullptr};
  torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
  torch::nn::GroupNorm norm_out{nullptr};
  torch::nn::ModuleList encoder, middle, decoder;
  std::vector<int> encoder_kind, decoder_kind;  // 0 block, 1 attention, 2 down/up sampling
};
TORCH_MODULE(UNet);

}  // namespace ambient::diffusion
