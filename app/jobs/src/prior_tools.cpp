#include "ambient/jobs/prior_tools.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "ambient/core/error.hpp"
#include "ambient/diffusion/prior_sampling.hpp"
#include "ambient/io/output_file.hpp"
#include "ambient/io/png.hpp"
#include "ambient/recon/linear_operator.hpp"

namespace ambient::jobs {

diffusion::Prior read_prior(const std::string& path, torch::Device device) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path, "cannot be read");
  try {
    diffusion::Checkpoint checkpoint(in);
    return checkpoint.prior(device);
  } catch (const Error& e) {
    throw FileError(path, e.what());
  }
}

nlohmann::json read_prior_description(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError(path, "cannot be read");
  try {
    return diffusion::Checkpoint(in).description();
  } catch (const Error& e) {
    throw FileError(path, e.what());
  }
}

bool is_prior_file(const std::string& path) {
  return path.size() > 3 && path.compare(path.size() - 3, 3, ".pt") == 0;
}

std::string default_prior_path(const std::string& method) {
  const bool clean = method == "dps";
  if (const char* chosen = std::getenv(clean ? "AMBIENT_DEFAULT_CLEAN_PRIOR" : "AMBIENT_DEFAULT_PRIOR"); chosen && *chosen)
    return chosen;
  return clean ? AMBIENT_BUNDLED_CLEAN_PRIOR : AMBIENT_BUNDLED_PRIOR;
}

void export_prior(const std::string& from, const std::string& to, bool full_precision, bool overwrite) {
  if (!is_prior_file(to)) throw FileError(to, "a prior file's name ends in .pt");
  io::OutputFile out(to, overwrite);
  const diffusion::Prior prior = read_prior(from);
  try {
    std::ofstream file(out.temp_path(), std::ios::binary);
    diffusion::save_prior(file, prior, full_precision ? torch::kFloat : torch::kHalf);
    file.close();
    if (!file) throw Error("could not be written (disk full?)");
  } catch (const Error& e) {
    throw FileError(to, e.what());
  } catch (const c10::Error& e) {
    throw FileError(to, std::string("could not be written: ") + e.what_without_backtrace());
  }
  out.commit();
}

namespace {

std::pair<int64_t, int64_t> training_size(const diffusion::Prior& prior, int64_t height, int64_t width) {
  const auto& size = prior.description.contains("data") ? prior.description.at("data").value("size", nlohmann::json())
                                                       : nlohmann::json();
  if (height <= 0) height = size.is_array() ? size[0].get<int64_t>() : 128;
  if (width <= 0) width = size.is_array() ? size[1].get<int64_t>() : height;
  return {height, width};
}

int64_t evaluations(const diffusion::SamplerOptions& o) { return o.heun ? 2 * o.steps - 1 : o.steps; }

// Pearson correlation of magnitudes, each row of `a` [n, P] with each row of `b` [m, P].
torch::Tensor correlation(const torch::Tensor& a, const torch::Tensor& b) {
  auto standardise = [](const torch::Tensor& t) {
    const torch::Tensor c = t - t.mean(1, true);
    return c / c.norm(2, 1, true).clamp_min(1e-12);
  };
  return torch::matmul(standardise(a), standardise(b).t());
}

}  // namespace

at::Tensor draw_samples(diffusion::Prior& prior, int64_t count, int64_t height, int64_t width,
                        const diffusion::SamplerOptions& sampler, uint64_t seed, Progress& progress,
                        const at::Tensor& maps) {
  if (count < 1) throw Error("--count must be at least 1");
  const auto [h, w] = training_size(prior, height, width);
  const torch::Tensor samples = diffusion::sample_prior(prior, count, h, w, sampler, seed, progress, maps);
  if (!torch::isfinite(torch::view_as_real(samples)).all().item<bool>())
    throw Error("sampling produced NaN or Inf pixels: the prior is damaged or diverged");
  return samples;
}

void write_sample_grid(const std::string& path, const at::Tensor& samples, bool overwrite) {
  io::ImageVolume image;
  image.data = samples;  // write_png tiles the slices into a near-square montage
  io::PngOptions png;
  png.window_high = 1.2f;  // normalised images: the calibration image's 99th percentile is 1
  io::write_png(path, image, png, overwrite);
}

namespace {

// Scans seen as the prior saw its training data: with its ESPIRiT settings (its maps'
// phase convention above all), whatever `options` say.
TrainingData load_as_trained(const diffusion::Prior& prior, TrainingDataOptions options, Progress& progress) {
  options.espirit = diffusion::training_espirit_options(prior.description, options.espirit);
  return load_training_data(options, progress);
}

}  // namespace

SampleSummary sample(const SampleRequest& r, Progress& progress) {
  if (r.outputs.empty()) throw Error("no output file given (-o FILE)");
  for (const auto& out : r.outputs) {
    io::output_format(out, r.write.format);
    io::check_writable(out, r.write.overwrite);
  }
  const auto start = std::chrono::steady_clock::now();
  diffusion::Prior prior = read_prior(r.prior);
  torch::Tensor maps;
  if (!r.maps_from.empty()) {
    TrainingDataOptions scan;
    scan.inputs = {r.maps_from};
    maps = load_as_trained(prior, scan, progress).set.maps;
  }
  const torch::Tensor samples = draw_samples(prior, r.count, r.height, r.width, r.sampler, r.seed, progress, maps);
  for (const auto& out : r.outputs) {
    if (io::output_format(out, r.write.format) == io::FileFormat::png) {
      write_sample_grid(out, samples, r.write.overwrite);
    } else {
      io::ImageVolume volume;
      volume.data = samples;
      io::write_image(out, volume, r.write);
    }
  }
  SampleSummary s;
  s.count = samples.size(0);
  s.height = samples.size(1);
  s.width = samples.size(2);
  s.evaluations = evaluations(r.sampler);
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return s;
}

AuditSummary audit(const AuditRequest& r, Progress& progress) {
  if (!r.report.empty()) io::check_writable(r.report, r.overwrite);
  diffusion::Prior prior = read_prior(r.prior);
  const TrainingData data = load_as_trained(prior, r.data, progress);
  const int64_t height = data.set.images.size(2), width = data.set.images.size(3);
  // A prior without its own coil maps is sampled through those of the audited slices.
  const torch::Tensor maps = prior.sampling_maps.defined() ? torch::Tensor() : data.set.maps;
  const torch::Tensor samples = draw_samples(prior, r.count, height, width, r.sampler, r.seed, progress, maps);

  // Each training slice is known only through its own mask A (ambient data): compare it
  // with each sample seen through the same A, |A^H A s| against |x_A|.
  const int64_t n = samples.size(0), slices = data.set.size();
  torch::Tensor scores = torch::empty({n, slices});
  progress.begin("comparing with the training slices", slices);
  for (int64_t i = 0; i < slices; ++i) {
    progress.throw_if_cancelled();
    const torch::Tensor maps = data.set.maps[i].unsqueeze(0).expand({n, -1, -1, -1});
    const torch::Tensor seen = recon::SenseOperator(maps, data.set.masks[i].expand({n, -1, -1})).normal(samples);
    const torch::Tensor target = torch::view_as_complex(data.set.images[i].permute({1, 2, 0}).contiguous());
    scores.select(1, i).copy_(correlation(torch::abs(seen).reshape({n, -1}), torch::abs(target).reshape({1, -1})).squeeze(1));
    if (i % 16 == 15) progress.update(i + 1);
  }
  progress.end();

  AuditSummary s;
  s.same_data_as_training = prior.description.value("data_hash", "") == data.manifest_hash;
  s.histogram.assign(10, 0);
  const auto [best, best_index] = scores.max(1);
  for (int64_t k = 0; k < n; ++k) {
    const double c = best[k].item<double>();
    s.nearest.push_back({k, data.slice_names[static_cast<size_t>(best_index[k].item<int64_t>())], c});
    s.histogram[static_cast<size_t>(std::clamp<int64_t>(static_cast<int64_t>(c * 10), 0, 9))]++;
  }
  s.top = s.nearest;
  std::sort(s.top.begin(), s.top.end(), [](const auto& a, const auto& b) { return a.correlation > b.correlation; });
  if (static_cast<int64_t>(s.top.size()) > r.top) s.top.resize(static_cast<size_t>(r.top));

  if (!r.report.empty()) {
    nlohmann::json j = {{"prior", r.prior}, {"samples", n}, {"training_slices", slices},
                        {"same_data_as_training", s.same_data_as_training}, {"histogram", s.histogram}};
    for (const auto& m : s.nearest)
      j["nearest"].push_back({{"sample", m.sample}, {"slice", m.slice}, {"correlation", m.correlation}});
    io::OutputFile out(r.report, r.overwrite);
    std::ofstream(out.temp_path()) << j.dump(2) << "\n";
    out.commit();
  }
  return s;
}

std::vector<DenoisingError> evaluate_prior(const EvaluatePriorRequest& r, Progress& progress) {
  diffusion::Prior prior = read_prior(r.prior);
  const TrainingData data = load_as_trained(prior, r.data, progress);
  if (data.acceleration > 1.01)
    throw Error("the evaluation data are subsampled (R = " + std::to_string(data.acceleration) +
                "): give fully sampled scans, whose images are the ground truth");
  const bool ambient = prior.objective->condition_channels() > 0;
  const int64_t n = data.set.size(), height = data.set.images.size(2), width = data.set.images.size(3);
  const int64_t draws = ambient ? std::max<int64_t>(1, r.masks) : 1;
  if (r.mask_acceleration != 0 && !(r.mask_acceleration >= 1)) throw Error("--mask-accel must be at least 1");
  torch::NoGradGuard no_grad;
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(r.seed);
  std::vector<DenoisingError> errors;
  progress.begin("denoising held-out slices", static_cast<int64_t>(r.sigmas.size()) * n);
  int64_t done = 0;
  for (double sigma : r.sigmas) {
    if (!(sigma > 0)) throw Error("noise levels must be > 0");
    double error_input = 0, error_prior = 0, energy = 0;
    for (int64_t start = 0; start < n; start += 4) {
      progress.throw_if_cancelled();
      const int64_t b = std::min<int64_t>(4, n - start);
      const torch::Tensor x = data.set.images.narrow(0, start, b);
      const torch::Tensor noisy = x + sigma * at::normal(0.0, 1.0, x.sizes(), g);
      // Each held-out slice through its own coil maps, as in training.
      const torch::Tensor maps = data.set.maps.narrow(0, start, b);
      torch::Tensor estimate;
      if (!ambient) {
        estimate = diffusion::prior_denoiser(prior)(noisy, sigma);
      } else {
        std::vector<torch::Tensor> masks;
        for (int64_t k = 0; k < draws; ++k)
          masks.push_back(diffusion::ambient_masks(prior.description, b, height, width, r.seed * 104729 + start * 31 + k,
                                                   r.mask_acceleration));
        if (r.mean_of_draws) {
          estimate = torch::zeros_like(x);
          for (const auto& m : masks) estimate += diffusion::prior_denoiser(prior, m, maps)(noisy, sigma);
          estimate /= static_cast<double>(draws);
        } else {
          estimate = diffusion::kept_line_estimate(prior, noisy, sigma, torch::stack(masks), maps);
        }
      }
      error_input += (noisy - x).pow(2).sum().item<double>();
      error_prior += (estimate - x).pow(2).sum().item<double>();
      energy += x.pow(2).sum().item<double>();
      done += b;
      progress.update(done);
    }
    errors.push_back({sigma, error_input / energy, error_prior / energy});
  }
  progress.end();
  return errors;
}

}  // namespace ambient::jobs
