#pragma once
// The one interface every reconstruction method implements, and the registry by name that
// the CLI's --method and the GUI's method list both read.
#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ambient/core/progress.hpp"
#include "ambient/io/kspace.hpp"
#include "ambient/recon/espirit.hpp"

namespace ambient::recon {

struct Reconstruction {
  at::Tensor image;        // [slice, y, x], complex64 or float32 (magnitude methods)
  at::Tensor uncertainty;  // [slice, y, x] float32 pixel-wise std; undefined if none
  at::Tensor samples;      // [slice, sample, y, x] complex64 posterior samples; undefined if none
  int64_t evaluations = 0; // network evaluations per slice (0: no network)
  std::vector<double> lambdas;  // regularised methods: each slice's weight (chosen, with --lambda auto)
};

// A regularised method's defaults, stated once: the method reads them, the method table's
// summary and the CLI's help print them.
struct MethodDefaults {
  double lambda = 0;  // the weight when none is given (with automatic_lambda: the search's start)
  int iterations = 0;
  bool automatic_lambda = false;  // no weight given: choose it from the data (--lambda auto)
};

// Knobs shared by the methods; each method documents which it reads.
struct ReconOptions {
  EspiritOptions espirit;    // coil maps, when a method needs them and `maps` is not given
  at::Tensor maps;           // [slice, coil, y, x] or [coil, y, x] precomputed coil maps
  bool combine_with_maps = false;  // zero-filled: sensitivity-weighted instead of RSS
  std::optional<double> lambda;  // regularisation weight (unset: the method's default)
  bool automatic_lambda = false;  // choose lambda from the data (cs, sense: --lambda auto; cs's default)
  std::optional<int> iterations;  // (unset: the method's default)
  uint64_t seed = 0;         // randomness inside a method (e.g. wavelet shifts)
};

class Reconstructor {
 public:
  virtual ~Reconstructor() = default;
  // Reconstructs every slice of `kspace`; reports progress and honours cancel.
  virtual Reconstruction run(const io::KSpace& kspace, Progress& progress) const = 0;
};

struct MethodInfo {
  std::string name;
  std::string summary;
  // Builds the method from ReconOptions alone; empty for methods that need more (the
  // diffusion-prior methods, built by diffusion::make_posterior_reconstructor).
  std::function<std::unique_ptr<Reconstructor>(const ReconOptions&)> make;
  std::optional<MethodDefaults> defaults;  // methods with a weight and iterations
};

const std::vector<MethodInfo>& methods();
// Throws Error naming the known methods when `name` is not one of them.
std::unique_ptr<Reconstructor> make_reconstructor(const std::string& name, const ReconOptions& options = {});

// options.iterations, or the method's default when unset; SettingError("iterations") below 1.
int checked_iterations(const ReconOptions& options, const MethodDefaults& defaults);

// Coil maps for slice `s`: the given maps, or ESPIRiT from the slice's calibration region.
at::Tensor coil_maps(const io::KSpace& kspace, int64_t s, const ReconOptions& options);

// The slice's normalisation constant: the 99th percentile of the magnitude of the
// low-resolution image made from its fully sampled centre alone (RSS over coils). Priors
// and regularisation weights see data divided by it, so one default serves any scan.
double normalisation_scale(const at::Tensor& kspace, const at::Tensor& mask);

}  // namespace ambient::recon
