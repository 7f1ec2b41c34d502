#pragma once
// Where networks run: `--device cpu|cuda[:N]|auto`. auto is CUDA when the linked libtorch
// has it and a GPU is present, else the CPU.
#include <torch/types.h>

#include <string>

namespace ambient::diffusion {

// Throws Error for an unknown name, or CUDA where this libtorch or machine has none.
torch::Device parse_device(const std::string& name);

}  // namespace ambient::diffusion
