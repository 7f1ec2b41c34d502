#include "ambient/jobs/training_data.hpp"

#include <torch/serialize.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "ambient/core/error.hpp"
#include "ambient/io/output_file.hpp"
#include "ambient/jobs/kspace_files.hpp"
#include "ambient/recon/coil_preprocessing.hpp"
#include "ambient/recon/fft.hpp"
#include "ambient/recon/linear_operator.hpp"
#include "ambient/recon/mask_analysis.hpp"
#include "ambient/recon/reconstructor.hpp"

namespace fs = std::filesystem;

namespace ambient::jobs {

namespace {

constexpr int kCacheVersion = 1;

// FNV-1a: a stable 64-bit digest for cache keys and manifest hashes (not for security).
uint64_t fnv1a(const std::string& text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return h;
}

std::string digest(const std::string& text) {
  const uint64_t h = fnv1a(text);
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

std::string default_cache_dir() {
  if (const char* env = std::getenv("AMBIENT_CACHE"); env && *env) return std::string(env) + "/training";
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::string(xdg) + "/ambient/training";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/tmp") + "/.cache/ambient/training";
}

nlohmann::json options_json(const TrainingDataOptions& o) {
  const auto& e = o.espirit;
  nlohmann::json j = {{"espirit", {{"kernel", e.kernel}, {"calibration", e.calibration}, {"threshold", e.threshold},
                                   {"crop", e.crop}, {"rotate_phase", e.rotate_phase}}},
                      {"data_sigma", o.data_sigma},
                      {"width", o.width},
                      {"read", {{"axes", o.read.axes}, {"group", o.read.ismrmrd.group},
                                {"remove_oversampling", o.read.remove_oversampling},
                                {"repetition", o.read.ismrmrd.repetition}, {"contrast", o.read.ismrmrd.contrast}}}};
  // Only when set, so the data hashes of runs from before the option stay what they were.
  if (e.absorb_phase) j["espirit"]["absorb_phase"] = true;
  if (!o.mask.pattern.empty()) {
    j["mask"] = {{"pattern", o.mask.pattern}, {"acceleration", o.mask.options.acceleration},
                 {"calibration", o.mask.options.calibration}, {"seed", o.mask.options.seed}};
    if (fs::is_regular_file(o.mask.pattern))  // a mask file: its version is part of the data
      j["mask"]["file"] = {{"bytes", fs::file_size(o.mask.pattern)},
                           {"mtime", fs::last_write_time(o.mask.pattern).time_since_epoch().count()}};
  }
  return j;
}

// Image-domain centre crop or zero-pad along the last axis.
torch::Tensor fit_width(const torch::Tensor& t, int64_t width) {
  const int64_t w = t.size(-1);
  if (width <= 0 || width == w) return t;
  // Centred: index w/2 (the FFT's centre) lands on width/2.
  if (width < w) return recon::centre_crop(t, 0, width).contiguous();
  const int64_t before = recon::centre_start(width, w);
  return torch::constant_pad_nd(t, {before, width - w - before});
}

struct FileSlices {
  torch::Tensor images, masks, maps, data_sigma;
};

FileSlices compute(const std::string& path, const TrainingDataOptions& o, Progress& progress) {
  io::KSpace k = read_scan(path, o.read);
  recon::ReconOptions recon_options;
  recon_options.espirit = o.espirit;
  const double noise = o.data_sigma < 0 ? recon::noise_sigma(k.noise) : 0;
  std::vector<torch::Tensor> images, masks, maps, sigmas;
  for (int64_t s = 0; s < k.slices(); ++s) {
    progress.throw_if_cancelled();
    torch::Tensor mask = k.mask[s];
    if (!o.mask.pattern.empty()) {
      RetrospectiveMask m = o.mask;
      // Each slice its own pattern, fixed by the file and the slice: like an acquisition.
      m.options.seed = o.mask.options.seed ^ fnv1a(fs::absolute(path).lexically_normal().string() + ":" +
                                                   std::to_string(s));
      mask = mask & retrospective_mask(m, k.ny(), k.nx());
    }
    if (o.width > 0 && o.width != k.nx() && !torch::equal(mask, mask.narrow(1, 0, 1).expand_as(mask)))
      throw FileError(path, "slice " + std::to_string(s) + " is not sampled in whole readout lines, so its "
                            "images cannot be cropped or padded along x (--width)");
    const torch::Tensor y = k.data[s] * mask.unsqueeze(0);
    io::KSpace one = k;
    one.data = y.unsqueeze(0);
    one.mask = mask.unsqueeze(0);
    const torch::Tensor slice_maps = recon::coil_maps(one, 0, recon_options);
    const double scale = recon::normalisation_scale(y, mask);
    if (!(scale > 0)) throw FileError(path, "slice " + std::to_string(s) + " has no signal in its calibration region");
    const torch::Tensor image = recon::SenseOperator(slice_maps, mask).adjoint(y) / scale;
    images.push_back(fit_width(torch::view_as_real(image).permute({2, 0, 1}), o.width));
    const torch::Tensor row = mask.narrow(1, 0, 1);
    masks.push_back(o.width > 0 && o.width != k.nx() ? row.expand({k.ny(), o.width}).contiguous() : mask);
    maps.push_back(fit_width(slice_maps, o.width));
    sigmas.push_back(torch::tensor(o.data_sigma >= 0 ? o.data_sigma : noise / scale, torch::kFloat));
  }
  return {torch::stack(images).to(torch::kFloat), torch::stack(masks), torch::stack(maps), torch::stack(sigmas)};
}

FileSlices cached(const std::string& path, const TrainingDataOptions& o, const fs::path& cache_file,
                  Progress& progress) {
  if (fs::exists(cache_file)) {
    try {
      FileSlices f;
      torch::serialize::InputArchive archive;
      archive.load_from(cache_file.string());
      archive.read("images", f.images);
      archive.read("masks", f.masks);
      archive.read("maps", f.maps);
      archive.read("data_sigma", f.data_sigma);
      return f;
    } catch (const c10::Error&) {
      // A damaged cache entry (an interrupted writer, a full disk) is simply recomputed.
    }
  }
  FileSlices f = compute(path, o, progress);
  fs::create_directories(cache_file.parent_path());
  io::OutputFile out(cache_file.string(), true);
  torch::serialize::OutputArchive archive;
  archive.write("images", f.images);
  archive.write("masks", f.masks);
  archive.write("maps", f.maps);
  archive.write("data_sigma", f.data_sigma);
  archive.save_to(out.temp_path());
  out.commit();
  return f;
}

// Coil counts differ between files: zero maps for the missing coils change nothing.
torch::Tensor pad_coils(const torch::Tensor& maps, int64_t coils) {
  if (maps.size(1) == coils) return maps;
  return torch::cat({maps, torch::zeros({maps.size(0), coils - maps.size(1), maps.size(2), maps.size(3)},
                                        maps.options())}, 1);
}

}  // namespace

TrainingData load_training_data(const TrainingDataOptions& o, Progress& progress) {
  const std::vector<std::string> files = kspace_files(o.inputs);
  const fs::path cache_dir = o.cache_dir.empty() ? default_cache_dir() : o.cache_dir;
  const nlohmann::json options = options_json(o);
  TrainingData d;
  d.manifest = {{"options", options}, {"files", nlohmann::json::array()}};
  std::vector<FileSlices> parts;
  progress.begin("preparing training data", static_cast<int64_t>(files.size()));
  for (size_t i = 0; i < files.size(); ++i) {
    const fs::path path = fs::absolute(files[i]).lexically_normal();
    const auto bytes = fs::file_size(path);
    const auto mtime = fs::last_write_time(path).time_since_epoch().count();
    const nlohmann::json key = {{"path", path.string()}, {"bytes", bytes}, {"mtime", mtime},
                                {"options", options}, {"version", kCacheVersion}};
    const std::string name = digest(key.dump());
    FileSlices f = cached(files[i], o, cache_dir / (name + ".pt"), progress);
    for (int64_t s = 0; s < f.images.size(0); ++s) d.slice_names.push_back(files[i] + ":" + std::to_string(s));
    d.manifest["files"].push_back({{"path", files[i]}, {"bytes", bytes}, {"slices", f.images.size(0)},
                                   {"content", name}});
    parts.push_back(std::move(f));
    progress.update(static_cast<int64_t>(i + 1), files[i]);
  }
  progress.end();

  const auto shape = parts.front().images.sizes();
  int64_t coils = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].images.sizes().slice(1) != shape.slice(1))
      throw FileError(files[i], "has " + std::to_string(parts[i].images.size(2)) + " x " +
                                    std::to_string(parts[i].images.size(3)) + " slices, unlike " + files[0] + " (" +
                                    std::to_string(shape[2]) + " x " + std::to_string(shape[3]) +
                                    "); train on one matrix size (--width crops or pads the readout)");
    coils = std::max(coils, parts[i].maps.size(1));
  }
  std::vector<torch::Tensor> images, masks, maps, sigmas;
  for (auto& p : parts) {
    images.push_back(p.images);
    masks.push_back(p.masks);
    maps.push_back(pad_coils(p.maps, coils));
    sigmas.push_back(p.data_sigma);
  }
  d.set = {torch::cat(images), torch::cat(masks), torch::cat(maps), torch::cat(sigmas)};
  d.acceleration = 1.0 / d.set.masks.to(torch::kFloat).mean({1, 2}).mean().item<double>();
  d.line_masks = true;
  for (int64_t s = 0; s < d.set.size() && d.line_masks; ++s) d.line_masks = recon::is_line_mask(d.set.masks[s]);
  d.manifest["slices"] = d.set.size();
  d.manifest["acceleration"] = d.acceleration;
  d.manifest["data_sigma_mean"] = d.set.data_sigma.mean().item<double>();
  d.manifest["size"] = {shape[2], shape[3]};
  d.manifest_hash = digest(d.manifest.dump());
  return d;
}

}  // namespace ambient::jobs
