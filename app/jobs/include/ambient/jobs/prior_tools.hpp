#pragma once
// What one does with a trained prior besides reconstructing: `ambient sample` draws images
// from it, `ambient audit` checks whether those images are copies of training slices
// (memorisation) by their nearest training slice under normalised correlation.
#include <string>
#include <vector>

#include "ambient/core/progress.hpp"
#include "ambient/diffusion/checkpoint.hpp"
#include "ambient/diffusion/sampler.hpp"
#include "ambient/io/formats.hpp"
#include "ambient/jobs/training_data.hpp"

namespace ambient::jobs {

// Reads a prior file onto `device`; FileError when it is missing or not a prior.
diffusion::Prior read_prior(const std::string& path, torch::Device device = torch::kCPU);
// Only its description (network, objective, mask rule, data, step).
nlohmann::json read_prior_description(const std::string& path);
// A name ending in .pt: prior files are LibTorch archives.
bool is_prior_file(const std::string& path);

// The prior `method` uses without --prior: for adps and aos $AMBIENT_DEFAULT_PRIOR when set,
// else the ambient prior bundled in the source tree; for dps $AMBIENT_DEFAULT_CLEAN_PRIOR,
// else the bundled clean prior (data-samples/priors/, see its README).
std::string default_prior_path(const std::string& method);

// Writes the prior of checkpoint `from` to `to` without its training state (save_prior), in
// half precision unless `full_precision`; atomically, refusing to replace `to` unless `overwrite`.
void export_prior(const std::string& from, const std::string& to, bool full_precision, bool overwrite);

struct SampleRequest {
  std::string prior;
  std::vector<std::string> outputs;  // .png: a grid of magnitudes; others: every sample as a slice
  int64_t count = 16;
  int64_t height = 0, width = 0;     // 0: the training data's size
  std::string maps_from;             // ambient priors: coil maps of this scan's slices instead of the prior's
  diffusion::SamplerOptions sampler;
  uint64_t seed = 0;
  io::WriteOptions write;
};

struct SampleSummary {
  int64_t count = 0, height = 0, width = 0, evaluations = 0;
  double seconds = 0;
};

SampleSummary sample(const SampleRequest& request, Progress& progress);

// Draws `count` samples of `prior` (normalised units, [count, H, W] complex64); an ambient
// prior sees coil maps `maps` [K, coil, H, W] (undefined: its own).
at::Tensor draw_samples(diffusion::Prior& prior, int64_t count, int64_t height, int64_t width,
                        const diffusion::SamplerOptions& sampler, uint64_t seed, Progress& progress,
                        const at::Tensor& maps = {});

// Writes the magnitudes of samples [n, H, W] as one PNG montage, window 0..1.2 (normalised units).
void write_sample_grid(const std::string& path, const at::Tensor& samples, bool overwrite);

struct AuditRequest {
  std::string prior;
  TrainingDataOptions data;  // the training data to search
  int64_t count = 16;        // samples drawn for the audit
  diffusion::SamplerOptions sampler;
  uint64_t seed = 0;
  int64_t top = 5;           // closest pairs listed
  std::string report;        // also write the report as JSON here
  bool overwrite = false;
};

struct AuditMatch {
  int64_t sample = 0;
  std::string slice;  // "file:slice"
  double correlation = 0;
};

struct AuditSummary {
  std::vector<AuditMatch> nearest;   // per sample, its closest training slice
  std::vector<AuditMatch> top;       // the closest pairs overall, best first
  std::vector<int64_t> histogram;    // nearest correlations in 10 bins over [0, 1]
  bool same_data_as_training = false;  // the data's manifest hash equals the prior's
};

AuditSummary audit(const AuditRequest& request, Progress& progress);

// How well a prior denoises held-out images: x = the data's images (give fully sampled
// scans: they are the ground truth), x_sigma = x + sigma n, error ||D(x_sigma) - x||^2 /
// ||x||^2 over all slices. An ambient prior sees x_sigma only through its masks Ã: it is run
// on `masks` draws of Ã and its estimates h(Ã^H Ã x_sigma, sigma, Ã) combined line by line
// (diffusion::kept_line_estimate) or, with mean_of_draws, averaged whole; the masks follow
// the prior's own rule, or are drawn at mask_acceleration when that is > 0.
struct EvaluatePriorRequest {
  std::string prior;
  TrainingDataOptions data;
  std::vector<double> sigmas{0.2};
  int64_t masks = 8;
  double mask_acceleration = 0;
  bool mean_of_draws = false;
  uint64_t seed = 0;
};

struct DenoisingError {
  double sigma = 0;
  double input_nmse = 0;  // of x_sigma itself
  double prior_nmse = 0;  // of the prior's estimate
};

std::vector<DenoisingError> evaluate_prior(const EvaluatePriorRequest& request, Progress& progress);

}  // namespace ambient::jobs
