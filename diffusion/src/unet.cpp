#include "ambient/diffusion/unet.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "ambient/core/error.hpp"

namespace ambient::diffusion {

UNetConfig UNetConfig::cpu_preset() {
  UNetConfig c;
  // Channels double at every level so each costs about the same; the capacity sits at the
  // coarse levels, where a brain's global shape is learned, and the 128 x 128 level stays
  // cheap (measured: 5.9 images/s for ambient training at 128 x 128 on 2 cores, against
  // 2.6 for base 32 with multipliers 1, 2, 2, 4).
  c.base_channels = 16;
  c.channel_mult = {1, 2, 4, 8};
  c.blocks_per_level = 1;
  c.attention_levels = {3};
  return c;
}

UNetConfig UNetConfig::gpu_preset() {
  UNetConfig c;
  c.base_channels = 96;
  c.channel_mult = {1, 2, 2, 4};
  c.blocks_per_level = 2;
  c.attention_levels = {2, 3};
  c.dropout = 0.1;
  return c;
}

void check(const UNetConfig& c) {
  if (c.channel_mult.empty()) throw Error("U-Net needs at least one level");
  const auto positive = [](const std::vector<int64_t>& v) {
    return std::all_of(v.begin(), v.end(), [](int64_t x) { return x > 0; });
  };
  if (c.in_channels < 1 || c.out_channels < 1 || c.base_channels < 2 || c.base_channels % 2 != 0 ||
      c.blocks_per_level < 1 || !positive(c.channel_mult))
    throw Error("U-Net needs positive channel counts, an even base_channels (the noise embedding's cosines "
                "and sines), positive channel multipliers and at least one block per level");
  for (int64_t level : c.attention_levels)
    if (level < 0 || level >= static_cast<int64_t>(c.channel_mult.size()))
      throw Error("U-Net attention level " + std::to_string(level) + " is not one of its " +
                  std::to_string(c.channel_mult.size()) + " levels");
  if (!(c.dropout >= 0 && c.dropout < 1)) throw Error("U-Net dropout must lie in [0, 1)");
}

void to_json(nlohmann::json& j, const UNetConfig& c) {
  j = {{"in_channels", c.in_channels},       {"out_channels", c.out_channels},
       {"base_channels", c.base_channels},   {"channel_mult", c.channel_mult},
       {"blocks_per_level", c.blocks_per_level}, {"attention_levels", c.attention_levels},
       {"dropout", c.dropout}};
}

void from_json(const nlohmann::json& j, UNetConfig& c) {
  // A network file for `--network` may leave the channels out: training sets the input's from the
  // objective, and the output is the image's two channels.
  c.in_channels = j.value("in_channels", c.in_channels);
  c.out_channels = j.value("out_channels", c.out_channels);
  j.at("base_channels").get_to(c.base_channels);
  j.at("channel_mult").get_to(c.channel_mult);
  j.at("blocks_per_level").get_to(c.blocks_per_level);
  j.at("attention_levels").get_to(c.attention_levels);
  j.at("dropout").get_to(c.dropout);
}

namespace {

// Up to 32 groups of at least 4 channels, a divisor of the width: a network description with
// base_channels 24 has 144 channels where a skip joins, which 32 groups cannot split.
int64_t groups_for(int64_t channels) {
  int64_t groups = std::max<int64_t>(1, std::min<int64_t>(32, channels / 4));
  while (channels % groups != 0) --groups;
  return groups;
}

// Group normalisation in the weights' precision: under bfloat16 autocast the convolutions
// hand it bfloat16, which LibTorch 1.13's CPU group norm refuses beside float weights (and
// its statistics want the precision anyway).
torch::Tensor normalise(torch::nn::GroupNorm& norm, const torch::Tensor& x) {
  return norm(x.to(norm->weight.scalar_type()));
}

// Residual block: norm, SiLU, conv, plus the noise embedding; norm, SiLU, dropout, conv.
struct ResBlockImpl : torch::nn::Module {
  ResBlockImpl(int64_t in, int64_t out, int64_t embedding, double dropout_p)
      : norm1(register_module("norm1", torch::nn::GroupNorm(groups_for(in), in))),
        conv1(register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1)))),
        affine(register_module("affine", torch::nn::Linear(embedding, out))),
        norm2(register_module("norm2", torch::nn::GroupNorm(groups_for(out), out))),
        conv2(register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(out, out, 3).padding(1)))),
        dropout(dropout_p) {
    if (in != out) skip = register_module("skip", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1)));
    torch::NoGradGuard no_grad;
    conv2->weight.zero_();  // each block starts as the identity
    conv2->bias.zero_();
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& emb) {
    torch::Tensor h = conv1(torch::silu(normalise(norm1, x)));
    h = h + affine(emb).unsqueeze(-1).unsqueeze(-1);
    h = conv2(torch::dropout(torch::silu(normalise(norm2, h)), dropout, is_training()));
    return (h + (skip ? skip(x) : x)) / std::sqrt(2.0);
  }
  torch::nn::GroupNorm norm1;
  torch::nn::Conv2d conv1;
  torch::nn::Linear affine;
  torch::nn::GroupNorm norm2;
  torch::nn::Conv2d conv2;
  torch::nn::Conv2d skip{nullptr};
  double dropout;
};
TORCH_MODULE(ResBlock);

// Multi-head self-attention over all pixels, residual.
struct AttentionImpl : torch::nn::Module {
  explicit AttentionImpl(int64_t channels)
      : heads(std::max<int64_t>(1, channels / 64)),
        norm(register_module("norm", torch::nn::GroupNorm(groups_for(channels), channels))),
        qkv(register_module("qkv", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, 3 * channels, 1)))),
        proj(register_module("proj", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 1)))) {
    torch::NoGradGuard no_grad;
    proj->weight.zero_();
    proj->bias.zero_();
  }
  torch::Tensor forward(const torch::Tensor& x) {
    const int64_t b = x.size(0), c = x.size(1), n = x.size(2) * x.size(3), d = c / heads;
    const auto parts = qkv(normalise(norm, x)).reshape({b, 3, heads, d, n}).unbind(1);  // [b, heads, d, n]
    const torch::Tensor weights = torch::softmax(torch::matmul(parts[0].transpose(-1, -2), parts[1]) / std::sqrt(d), -1);
    const torch::Tensor out = torch::matmul(parts[2], weights.transpose(-1, -2)).reshape({b, c, x.size(2), x.size(3)});
    return x + proj(out);
  }
  int64_t heads;
  torch::nn::GroupNorm norm;
  torch::nn::Conv2d qkv, proj;
};
TORCH_MODULE(Attention);

// EDM's positional embedding of the noise label: cosines and sines of geometric frequencies.
torch::Tensor positional_embedding(const torch::Tensor& labels, int64_t channels) {
  const int64_t half = channels / 2;
  const torch::Tensor freqs =
      torch::pow(1.0 / 10000.0, torch::arange(half, labels.options()) / static_cast<double>(half));
  const torch::Tensor arg = labels.unsqueeze(1) * freqs.unsqueeze(0);
  return torch::cat({torch::cos(arg), torch::sin(arg)}, 1);
}

}  // namespace

UNetImpl::UNetImpl(const UNetConfig& c) : config_(c), embedding_channels_(4 * c.base_channels) {
  check(c);
  const int64_t e = embedding_channels_;
  embed_1 = register_module("embed_1", torch::nn::Linear(c.base_channels, e));
  embed_2 = register_module("embed_2", torch::nn::Linear(e, e));
  conv_in = register_module("conv_in", torch::nn::Conv2d(torch::nn::Conv2dOptions(c.in_channels, c.base_channels, 3).padding(1)));

  std::vector<int64_t> skips{c.base_channels};
  int64_t ch = c.base_channels;
  const auto levels = static_cast<int64_t>(c.channel_mult.size());
  auto attention_at = [&](int64_t level) {
    return std::find(c.attention_levels.begin(), c.attention_levels.end(), level) != c.attention_levels.end();
  };
  for (int64_t level = 0; level < levels; ++level) {
    for (int64_t b = 0; b < c.blocks_per_level; ++b) {
      const int64_t out = c.base_channels * c.channel_mult[level];
      encoder->push_back(ResBlock(ch, out, e, c.dropout)), encoder_kind.push_back(0);
      ch = out;
      if (attention_at(level)) encoder->push_back(Attention(ch)), encoder_kind.push_back(1);
      skips.push_back(ch);
    }
    if (level + 1 < levels) {
      encoder->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(ch, ch, 3).stride(2).padding(1)));
      encoder_kind.push_back(2);
      skips.push_back(ch);
    }
  }
  middle->push_back(ResBlock(ch, ch, e, c.dropout));
  middle->push_back(Attention(ch));
  middle->push_back(ResBlock(ch, ch, e, c.dropout));
  for (int64_t level = levels - 1; level >= 0; --level) {
    for (int64_t b = 0; b <= c.blocks_per_level; ++b) {
      const int64_t out = c.base_channels * c.channel_mult[level];
      decoder->push_back(ResBlock(ch + skips.back(), out, e, c.dropout)), decoder_kind.push_back(0);
      skips.pop_back();
      ch = out;
      if (attention_at(level)) decoder->push_back(Attention(ch)), decoder_kind.push_back(1);
    }
    if (level > 0) {
      decoder->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(ch, ch, 3).padding(1)));
      decoder_kind.push_back(2);
    }
  }
  register_module("encoder", encoder);
  register_module("middle", middle);
  register_module("decoder", decoder);
  norm_out = register_module("norm_out", torch::nn::GroupNorm(groups_for(ch), ch));
  conv_out = register_module("conv_out", torch::nn::Conv2d(torch::nn::Conv2dOptions(ch, c.out_channels, 3).padding(1)));
  torch::NoGradGuard no_grad;
  conv_out->weight.zero_();
  conv_out->bias.zero_();
}

torch::Tensor UNetImpl::forward(const torch::Tensor& x, const torch::Tensor& noise_labels) {
  const int64_t factor = config_.downsampling();
  if (x.size(2) % factor != 0 || x.size(3) % factor != 0)
    throw Error("U-Net input " + std::to_string(x.size(2)) + " x " + std::to_string(x.size(3)) +
                " is not divisible by " + std::to_string(factor));
  const torch::Tensor emb = embed_2(torch::silu(embed_1(positional_embedding(noise_labels, config_.base_channels))));
  torch::Tensor h = conv_in(x);
  std::vector<torch::Tensor> skips{h};
  for (size_t i = 0; i < encoder->size(); ++i) {
    if (encoder_kind[i] == 0) h = encoder[i]->as<ResBlock>()->forward(h, emb);
    else if (encoder_kind[i] == 1) h = encoder[i]->as<Attention>()->forward(h);
    else h = encoder[i]->as<torch::nn::Conv2d>()->forward(h);
    if (encoder_kind[i] != 0 || i + 1 == encoder->size() || encoder_kind[i + 1] != 1) skips.push_back(h);
  }
  h = middle[0]->as<ResBlock>()->forward(h, emb);
  h = middle[1]->as<Attention>()->forward(h);
  h = middle[2]->as<ResBlock>()->forward(h, emb);
  for (size_t i = 0; i < decoder->size(); ++i) {
    if (decoder_kind[i] == 0) {
      h = decoder[i]->as<ResBlock>()->forward(torch::cat({h, skips.back()}, 1), emb);
      skips.pop_back();
    } else if (decoder_kind[i] == 1) {
      h = decoder[i]->as<Attention>()->forward(h);
    } else {
      h = decoder[i]->as<torch::nn::Conv2d>()->forward(torch::upsample_nearest2d(h, {h.size(2) * 2, h.size(3) * 2}));
    }
  }
  return conv_out(torch::silu(normalise(norm_out, h)));
}

double UNetImpl::forward_flops(int64_t height, int64_t width) const {
  auto conv = [](const torch::nn::Conv2dImpl& c, double pixels) {  // pixels of the output
    const auto& o = c.options;
    return 2.0 * pixels * static_cast<double>(o.in_channels() * o.out_channels() * (*o.kernel_size())[0] *
                                              (*o.kernel_size())[1]);
  };
  auto block = [&](const torch::nn::Module& m, double pixels) {
    double f = 0;
    for (const auto& child : m.named_children()) {
      if (const auto* c = child.value()->as<torch::nn::Conv2d>()) f += conv(*c, pixels);
    }
    if (const auto* a = dynamic_cast<const AttentionImpl*>(&m)) {
      const double c = static_cast<double>(a->proj->options.out_channels());
      f += 2 * 2.0 * pixels * pixels * c;  // q^T k and v w^T over all pixel pairs
    }
    return f;
  };
  double pixels = static_cast<double>(height * width);
  double f = 2.0 * static_cast<double>(embed_1->weight.numel() + embed_2->weight.numel());
  f += conv(*conv_in, pixels) + conv(*conv_out, pixels);
  for (size_t i = 0; i < encoder->size(); ++i) {
    if (encoder_kind[i] == 2) {
      pixels /= 4;  // stride 2: output pixels
      f += conv(*encoder->ptr(i)->as<torch::nn::Conv2d>(), pixels);
    } else {
      f += block(*encoder->ptr(i), pixels);
    }
  }
  for (size_t i = 0; i < middle->size(); ++i) f += block(*middle->ptr(i), pixels);
  for (size_t i = 0; i < decoder->size(); ++i) {
    if (decoder_kind[i] == 2) {
      pixels *= 4;
      f += conv(*decoder->ptr(i)->as<torch::nn::Conv2d>(), pixels);
    } else {
      f += block(*decoder->ptr(i), pixels);
    }
  }
  // Each residual block's embedding projection, per image.
  for (const auto& m : modules(false))
    if (const auto* r = dynamic_cast<const ResBlockImpl*>(m.get())) f += 2.0 * static_cast<double>(r->affine->weight.numel());
  return f;
}

}  // namespace ambient::diffusion
