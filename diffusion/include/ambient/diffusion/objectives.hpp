#pragma once
// Training objectives behind one interface. Each takes a batch of training data and returns
// the scalar loss to minimise; what "data" means depends on the objective.
#include <torch/types.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "ambient/diffusion/edm.hpp"

namespace ambient::diffusion {

// One batch: images [batch, 2, H, W] (the clean objective's targets; the ambient objective's
// image-domain estimates x_A = A^H y), and, where the objective uses them, the sampling
// masks [batch, H, W] (bool, centred k-space), coil maps [batch, coil, H, W] (undefined:
// one coil of ones) and the data noise levels [batch].
struct TrainingBatch {
  torch::Tensor images;
  torch::Tensor masks;
  torch::Tensor maps;
  torch::Tensor data_sigma;
  // Data-parallel training: these rows are rows [offset, offset + size) of a global batch
  // of `global_size` (0: this batch is the whole batch). Objectives draw their random
  // numbers for the global batch and keep their own rows, so N processes of b images see
  // exactly what one process of N x b images would.
  int64_t offset = 0, global_size = 0;
};

class Objective {
 public:
  virtual ~Objective() = default;
  virtual std::string name() const = 0;
  // Name and settings, enough for make_objective (checkpoint.hpp) to rebuild it.
  virtual nlohmann::json describe() const { return {{"name", name()}}; }
  virtual int64_t condition_channels() const = 0;  // extra network input channels it needs
  virtual torch::Tensor loss(EdmDenoiser& denoiser, const TrainingBatch& batch, at::Generator generator) const = 0;
};

// EDM denoising score matching on clean images: lambda(sigma) ||D(x0 + sigma n, sigma) - x0||^2,
// whose minimiser is E[x0 | x_sigma].
class CleanObjective : public Objective {
 public:
  std::string name() const override { return "clean"; }
  int64_t condition_channels() const override { return 0; }
  torch::Tensor loss(EdmDenoiser& denoiser, const TrainingBatch& batch, at::Generator generator) const override;
};

// The ambient objective for Fourier-subsampled data (Daras et al. 2023, Aali et al. 2024).
// For each slice with measurement operator A = M F S, a further subsampled Ã (random non-ACS
// lines or points of A dropped until Ã's acceleration is A's plus `extra_acceleration`),
// x_sigma = x_A + sigma n, network input [Re, Im of Ã^H Ã x_sigma, Ã, 1], and the loss
// lambda(sigma) ||A^H A h - x_A||^2 only where A measured. Its minimiser is the clean
// E[x0 | Ã x_sigma, Ã], learned without a clean image. Noisy data (batch.data_sigma > 0)
// combines it with the Tweedie objective below: sigma = sqrt(sigma_n^2 + s^2), s added, and
// the loss on A^H A ((sigma_n^2/sigma^2) x_sigma + (1 - sigma_n^2/sigma^2) h) - x_A. With one
// coil this is the double-Tweedie identity restricted to A's range; with several coils the
// added image noise is not white in coil k-space (S S^H is not the identity), so it is an
// approximation, good where the data noise is small against the image.
class AmbientObjective : public Objective {
 public:
  // `calibration` is the acquisitions' ACS size (lines, or the square's side for 2D
  // patterns), never dropped from Ã; 0: each mask's largest fully sampled centre block.
  explicit AmbientObjective(double extra_acceleration = 1.0, int64_t calibration = 0)
      : extra_(extra_acceleration), calibration_(calibration) {}
  std::string name() const override { return "ambient"; }
  int64_t condition_channels() const override { return 2; }
  nlohmann::json describe() const override {
    return {{"name", name()}, {"extra_acceleration", extra_}, {"calibration", calibration_}};
  }
  torch::Tensor loss(EdmDenoiser& denoiser, const TrainingBatch& batch, at::Generator generator) const override;
  double extra_acceleration() const { return extra_; }
  int64_t calibration() const { return calibration_; }

 private:
  double extra_;
  int64_t calibration_;
};

// The Tweedie-consistent objective for noisy data (Daras, Dimakis, Daskalakis 2024): data
// x_n = x0 + sigma_n n with known sigma_n (batch.data_sigma). For sigma > sigma_n,
// x_sigma = x_n + sqrt(sigma^2 - sigma_n^2) n' and the loss
// lambda(sigma) ||(sigma_n^2/sigma^2) x_sigma + (1 - sigma_n^2/sigma^2) h(x_sigma, sigma) - x_n||^2,
// Tweedie's formula applied twice, whose minimiser is the clean E[x0 | x_sigma]; noise
// levels are drawn as sigma = sqrt(sigma_n^2 + s^2) with s from EDM's distribution.
// Below sigma_n no data exist at that noise level; with `consistency_weight` > 0 the model
// is tied there to its own predictions (see consistency_target): from x_n plus noise it
// takes an ODE step down to sigma_lo in (sigma_n / 20, sigma_n), and
// lambda(sigma_lo) ||h(x_lo, sigma_lo) - stopgrad(consistency_target)||^2 is added.
class TweedieObjective : public Objective {
 public:
  explicit TweedieObjective(double consistency_weight = 0) : consistency_weight_(consistency_weight) {}
  std::string name() const override { return "tweedie"; }
  nlohmann::json describe() const override {
    return {{"name", name()}, {"consistency_weight", consistency_weight_}};
  }
  int64_t condition_channels() const override { return 0; }
  torch::Tensor loss(EdmDenoiser& denoiser, const TrainingBatch& batch, at::Generator generator) const override;

 private:
  torch::Tensor consistency_loss(EdmDenoiser& denoiser, const TrainingBatch& batch, const torch::Tensor& sigma_n,
                                 at::Generator generator) const;
  double consistency_weight_;
};

// A denoiser with one noise level per image: (x [b, 2, H, W], sigma [b]) -> [b, 2, H, W].
using BatchDenoiser = std::function<torch::Tensor(const torch::Tensor& x, const torch::Tensor& sigma)>;

// The consistency target at x (noise level sigma [b]): one stochastic reverse step to
// sigma_next < sigma, x' ~ N(r x + (1 - r) D(x, sigma), sigma_next^2 (1 - r) I) with
// r = sigma_next^2 / sigma^2 (the posterior step with D as the clean estimate), then
// D(x', sigma_next). The true reverse step also carries the posterior covariance of x0,
// (1 - r)^2 Cov[x0 | x]; for Gaussian data the posterior mean is linear and the term
// averages out, so the true posterior mean is a fixed point (E[target] = D(x, sigma)) and
// the loss pulls toward it. For other data this point-estimate step is an approximation.
// `noise` is the standard normal draw of the step (the shape of x).
torch::Tensor consistency_target(const BatchDenoiser& denoiser, const torch::Tensor& x, const torch::Tensor& sigma,
                                 const torch::Tensor& sigma_next, const torch::Tensor& noise);

// Complex images [b, H, W] <-> the networks' two real channels [b, 2, H, W] (contiguous).
torch::Tensor to_complex(const torch::Tensor& two_channel);
torch::Tensor to_channels(const torch::Tensor& complex);

// The ambient network's view of an image x [batch, 2, H, W] through masks [batch, H, W]:
// returns (Ã^H Ã x as [batch, 2, H, W], conditioning [batch, 2, H, W] = [mask, ones]).
std::pair<torch::Tensor, torch::Tensor> ambient_input(const torch::Tensor& x, const torch::Tensor& masks,
                                                      const torch::Tensor& maps);

}  // namespace ambient::diffusion
