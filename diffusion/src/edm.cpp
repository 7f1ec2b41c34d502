#include "ambient/diffusion/edm.hpp"

#include <ATen/autocast_mode.h>
#include <torch/version.h>
#include <torch/torch.h>

#include "ambient/core/error.hpp"
#include "ambient/core/setting_error.hpp"

namespace ambient::diffusion {

void to_json(nlohmann::json& j, const EdmConfig& c) {
  j = {{"sigma_data", c.sigma_data}, {"p_mean", c.p_mean}, {"p_std", c.p_std}, {"output_floor", c.output_floor}};
}

void from_json(const nlohmann::json& j, EdmConfig& c) {
  j.at("sigma_data").get_to(c.sigma_data);
  j.at("p_mean").get_to(c.p_mean);
  j.at("p_std").get_to(c.p_std);
  c.output_floor = j.value("output_floor", 0.0);  // priors written before the floor existed
}

namespace {

bool cpu_has_native_bfloat16() {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  return __builtin_cpu_supports("avx512bf16");
#else
  return false;
#endif
}

}  // namespace

Precision parse_precision(const std::string& name, const torch::Device& device) {
  if (name == "float32") return Precision::float32;
  if (name == "bfloat16") return Precision::bfloat16;
  if (name == "auto")
    return device.is_cpu() && cpu_has_native_bfloat16() ? Precision::bfloat16 : Precision::float32;
  throw SettingError("precision", "unknown precision '" + name + "' (float32, bfloat16 or auto)");
}

namespace {

// bfloat16 autocast on `device`'s kind for the guard's lifetime; the thread's previous
// autocast state comes back afterwards.
class BfloatAutocast {
 public:
  explicit BfloatAutocast(const torch::Device& device) : type_(device.type()) {
    was_enabled_ = enabled(type_);
    was_dtype_ = dtype(type_);
    set(type_, true, torch::kBFloat16);
    at::autocast::increment_nesting();
  }
  ~BfloatAutocast() {
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();  // the weights' cached casts
    set(type_, was_enabled_, was_dtype_);
  }
  BfloatAutocast(const BfloatAutocast&) = delete;
  BfloatAutocast& operator=(const BfloatAutocast&) = delete;

 private:
  // LibTorch 2.4 keyed autocast's state by device type and deprecated the per-device calls.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  static bool enabled(at::DeviceType type) { return at::autocast::is_autocast_enabled(type); }
  static at::ScalarType dtype(at::DeviceType type) { return at::autocast::get_autocast_dtype(type); }
  static void set(at::DeviceType type, bool on, at::ScalarType dtype) {
    at::autocast::set_autocast_enabled(type, on);
    at::autocast::set_autocast_dtype(type, dtype);
  }
#else
  static bool enabled(at::DeviceType type) {
    return type == at::kCUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
  }
  static at::ScalarType dtype(at::DeviceType type) {
    return type == at::kCUDA ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
  }
  static void set(at::DeviceType type, bool on, at::ScalarType dtype) {
    if (type == at::kCUDA) {
      at::autocast::set_enabled(on);
      at::autocast::set_autocast_gpu_dtype(dtype);
    } else {
      at::autocast::set_cpu_enabled(on);
      at::autocast::set_autocast_cpu_dtype(dtype);
    }
  }
#endif

  at::DeviceType type_;
  bool was_enabled_;
  at::ScalarType was_dtype_;
};

torch::Tensor output_scale(const torch::Tensor& sigma, const EdmConfig& edm) {
  const double sd = edm.sigma_data, floor = edm.output_floor * sd;
  return torch::sqrt(sigma * sigma * sd * sd / (sigma * sigma + sd * sd) + floor * floor);
}

}  // namespace

EdmDenoiserImpl::EdmDenoiserImpl(const UNetConfig& unet, const EdmConfig& edm) : edm_(edm) {
  if (unet.in_channels < 2 || unet.out_channels != 2)
    throw Error("an EDM denoiser maps 2 image channels (+ conditioning) to 2 channels");
  unet_ = register_module("unet", UNet(unet));
}

torch::Tensor EdmDenoiserImpl::forward(const torch::Tensor& x, const torch::Tensor& sigma, const torch::Tensor& condition) {
  const double sd = edm_.sigma_data;
  const torch::Tensor s = sigma.reshape({-1, 1, 1, 1});
  const torch::Tensor c_skip = sd * sd / (s * s + sd * sd);
  const torch::Tensor c_out = output_scale(s, edm_);
  const torch::Tensor c_in = 1 / torch::sqrt(s * s + sd * sd);
  const torch::Tensor c_noise = torch::log(sigma.reshape({-1})) / 4;
  torch::Tensor input = c_in * x;
  if (condition.defined()) input = torch::cat({input, condition}, 1);
  if (input.size(1) != unet_->config().in_channels)
    throw Error("the denoiser expects " + std::to_string(unet_->config().in_channels - 2) +
                " conditioning channel(s), got " + std::to_string(input.size(1) - 2));
  if (precision_ == Precision::float32) return c_skip * x + c_out * unet_->forward(input, c_noise);
  torch::Tensor network_output;
  {
    const BfloatAutocast autocast(input.device());
    network_output = unet_->forward(input, c_noise);
  }
  return c_skip * x + c_out * network_output.to(x.scalar_type());
}

torch::Tensor sample_training_sigma(int64_t batch, const EdmConfig& edm, at::Generator generator) {
  return torch::exp(at::normal(edm.p_mean, edm.p_std, {batch}, generator));
}

torch::Tensor loss_weight(const torch::Tensor& sigma, const EdmConfig& edm) {
  return 1 / output_scale(sigma, edm).pow(2);  // EDM: (sigma^2 + sigma_data^2) / (sigma sigma_data)^2
}

}  // namespace ambient::diffusion
