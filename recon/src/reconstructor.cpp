#include "ambient/recon/reconstructor.hpp"

#include "ambient/core/error.hpp"
#include "ambient/recon/zero_filled.hpp"

namespace ambient::recon {

const std::vector<MethodInfo>& methods() {
  static const std::vector<MethodInfo> table = {
      {"zf", "zero-filled inverse FFT, root-sum-of-squares coil combination",
       [] { return std::make_unique<ZeroFilled>(); }},
  };
  return table;
}

std::unique_ptr<Reconstructor> make_reconstructor(const std::string& name) {
  std::string known;
  for (const auto& m : methods()) {
    if (m.name == name) return m.make();
    known += (known.empty() ? "" : ", ") + m.name;
  }
  throw Error("unknown reconstruction method '" + name + "' (available: " + known + ")");
}

}  // namespace ambient::recon
