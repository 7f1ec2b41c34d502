// The U-Net and EDM wrapper: shapes, presets, identity at initialisation, bad sizes.
#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#include "ambient/core/error.hpp"
#include "ambient/diffusion/edm.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

int64_t parameters(torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

TEST(UNet, ShapesPresetsAndJson) {
  diffusion::UNetConfig c;
  c.base_channels = 16;
  c.channel_mult = {1, 2};
  c.attention_levels = {1};
  diffusion::UNet net(c);
  EXPECT_EQ(net->forward(torch::randn({3, 2, 16, 24}), torch::zeros({3})).sizes(), (at::IntArrayRef{3, 2, 16, 24}));
  EXPECT_THROW(net->forward(torch::randn({1, 2, 15, 16}), torch::zeros({1})), Error);
  diffusion::UNet cpu(diffusion::UNetConfig::cpu_preset());
  diffusion::UNet gpu(diffusion::UNetConfig::gpu_preset());
  EXPECT_GT(parameters(*cpu), 1'000'000);
  EXPECT_LT(parameters(*cpu), 5'000'000);
  EXPECT_GT(parameters(*gpu), 20'000'000);
  const nlohmann::json j = diffusion::UNetConfig::gpu_preset();
  EXPECT_EQ(j.get<diffusion::UNetConfig>().attention_levels, (std::vector<int64_t>{2, 3}));
}

TEST(UNet, TakesAnyChannelWidth) {
  diffusion::UNetConfig c;  // 144 channels where the skips join: not a multiple of 32
  c.base_channels = 24;
  c.channel_mult = {1, 2, 4};
  c.blocks_per_level = 2;
  diffusion::UNet net(c);
  EXPECT_EQ(net->forward(torch::randn({1, 2, 16, 16}), torch::zeros({1})).sizes(), (at::IntArrayRef{1, 2, 16, 16}));
}

TEST(UNet, RefusesADescriptionItCannotBuild) {
  const auto refused = [](auto change) {
    diffusion::UNetConfig c;
    change(c);
    EXPECT_THROW(diffusion::UNet{c}, Error);
  };
  refused([](diffusion::UNetConfig& c) { c.base_channels = 0; });
  refused([](diffusion::UNetConfig& c) { c.base_channels = 15; });
  refused([](diffusion::UNetConfig& c) { c.channel_mult = {1, 0}; });
  refused([](diffusion::UNetConfig& c) { c.blocks_per_level = 0; });
  refused([](diffusion::UNetConfig& c) { c.attention_levels = {3}; });  // the default has 3 levels
  refused([](diffusion::UNetConfig& c) { c.dropout = 1; });
}

TEST(EdmDenoiser, StartsAsTheSkipConnectionAndTakesConditioning) {
  diffusion::UNetConfig c;
  c.in_channels = 4;  // image + mask + ones, as ambient models
  c.base_channels = 16;
  c.channel_mult = {1, 2};
  diffusion::EdmDenoiser d(c, diffusion::EdmConfig{});
  const torch::Tensor x = torch::randn({2, 2, 8, 8});
  const torch::Tensor sigma = torch::tensor({0.1, 2.0});
  // F's output layer starts at zero, so D(x, sigma) = c_skip x.
  const torch::Tensor expected = x * (0.25 / (sigma * sigma + 0.25)).reshape({-1, 1, 1, 1});
  EXPECT_TRUE(torch::allclose(d->forward(x, sigma, torch::ones({2, 2, 8, 8})), expected, 1e-6, 1e-6));
  EXPECT_THROW(d->forward(x, sigma), Error);  // the conditioning channels are missing
}

TEST(EdmDenoiser, BfloatPrecisionRunsTheNetworkUnderAutocastOnly) {
  diffusion::UNetConfig c;
  c.base_channels = 16;
  c.channel_mult = {1, 2};
  c.attention_levels = {1};
  torch::manual_seed(3);
  diffusion::EdmDenoiser d(c, diffusion::EdmConfig{});
  {
    torch::NoGradGuard no_grad;  // away from the initial identity, so the network's output counts
    for (auto& p : d->parameters()) p.add_(0.2 * torch::randn_like(p));
  }
  const torch::Tensor x = torch::randn({2, 2, 16, 16});
  const torch::Tensor sigma = torch::tensor({0.3, 1.5});
  const torch::Tensor skip = x * (0.25 / (sigma * sigma + 0.25)).reshape({-1, 1, 1, 1});
  const torch::Tensor exact = d->forward(x, sigma);
  d->set_precision(diffusion::Precision::bfloat16);
  const torch::Tensor x_in = x.clone().requires_grad_(true);
  const torch::Tensor fast = d->forward(x_in, sigma);
  EXPECT_EQ(fast.scalar_type(), torch::kFloat);
  EXPECT_FALSE(at::autocast::is_cpu_enabled());  // the caller's state is back
  {  // also a caller's own autocast, enabled one level deep (LibTorch 1.13's CPU autocast
     // knows bfloat16 alone, so the type cannot differ)
    at::autocast::set_cpu_enabled(true);
    at::autocast::increment_nesting();
    torch::NoGradGuard no_grad;
    d->forward(x, sigma);
    EXPECT_TRUE(at::autocast::is_cpu_enabled());
    EXPECT_EQ(at::autocast::decrement_nesting(), 0);  // the guard's own level is gone
    at::autocast::set_cpu_enabled(false);
  }
  // bfloat16 keeps about 3 significant digits of the network's part: close, but not the
  // float32 result (which would mean autocast never engaged).
  const double relative = ((fast - exact).norm() / (exact - skip).norm()).item<double>();
  EXPECT_GT(relative, 1e-4);
  EXPECT_LT(relative, 3e-2);
  fast.pow(2).sum().backward();
  EXPECT_TRUE(torch::isfinite(x_in.grad()).all().item<bool>());
  for (const auto& p : d->parameters()) EXPECT_EQ(p.grad().scalar_type(), torch::kFloat);
  EXPECT_EQ(diffusion::parse_precision("bfloat16"), diffusion::Precision::bfloat16);
  EXPECT_THROW(diffusion::parse_precision("half"), Error);
}

TEST(UNet, CountsItsFlopsLayerByLayer) {
  diffusion::UNetConfig c;  // one level: conv_in, block; block, attention, block; 2 blocks; conv_out (5 blocks)
  c.base_channels = 8;
  c.channel_mult = {1};
  diffusion::UNet net(c);
  // At 4 x 4 (16 pixels), 2 FLOPs per multiply-add, by hand:
  const double expected = 2 * 16 * (2 * 8 * 9)                     // conv_in 2 -> 8
                          + 3 * 2 * (2 * 16 * 8 * 8 * 9)           // encoder and middle blocks
                          + 2 * 16 * 8 * 24 + 2 * 16 * 8 * 8       // attention qkv and projection
                          + 4 * 16 * 16 * 8                        // attention products
                          + 2 * (2 * 16 * (16 * 8 * 9 + 8 * 8 * 9 + 16 * 8))  // decoder blocks with skips
                          + 2 * 16 * (8 * 2 * 9)                   // conv_out 8 -> 2
                          + 2 * (8 * 32 + 32 * 32)                 // noise embedding
                          + 5 * 2 * (32 * 8);                      // each of the 5 blocks embedding projection
  EXPECT_DOUBLE_EQ(net->forward_flops(4, 4), expected);
}

}  // namespace
}  // namespace ambient::test
