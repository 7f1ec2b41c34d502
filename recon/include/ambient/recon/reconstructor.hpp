#pragma once
// The one interface every reconstruction method implements, and the registry by name that
// the CLI's --method and the GUI's method list both read.
#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ambient/core/progress.hpp"
#include "ambient/io/kspace.hpp"

namespace ambient::recon {

struct Reconstruction {
  at::Tensor image;        // [slice, y, x], complex64 or float32 (magnitude methods)
  at::Tensor uncertainty;  // [slice, y, x] float32 pixel-wise std; undefined if none
};

class Reconstructor {
 public:
  virtual ~Reconstructor() = default;
  // Reconstructs every slice of `kspace`; reports one step per slice and honours cancel.
  virtual Reconstruction run(const io::KSpace& kspace, Progress& progress) const = 0;
};

struct MethodInfo {
  std::string name;
  std::string summary;
  std::function<std::unique_ptr<Reconstructor>()> make;
};

const std::vector<MethodInfo>& methods();
// Throws Error naming the known methods when `name` is not one of them.
std::unique_ptr<Reconstructor> make_reconstructor(const std::string& name);

}  // namespace ambient::recon
