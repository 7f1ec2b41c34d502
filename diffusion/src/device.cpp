#include "ambient/diffusion/device.hpp"

#include <torch/cuda.h>

#include "ambient/core/error.hpp"
#include "ambient/core/setting_error.hpp"

namespace ambient::diffusion {

torch::Device parse_device(const std::string& name) {
  if (name == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  if (name == "cpu") return torch::kCPU;
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available())
      throw SettingError("device", "device " + name + ": this build's libtorch has no CUDA, or no GPU is visible (run on the cpu)");
    try {
      return torch::Device(name);
    } catch (const c10::Error&) {
      throw SettingError("device", name + " is not a device (cpu, cuda, cuda:N or auto)");
    }
  }
  throw SettingError("device", name + " is not a device (cpu, cuda, cuda:N or auto)");
}

}  // namespace ambient::diffusion
