#include "ambient/diffusion/coarse_band.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "ambient/diffusion/objectives.hpp"
#include "ambient/diffusion/prior_sampling.hpp"
#include "ambient/recon/fft.hpp"

namespace ambient::diffusion {

namespace {

// Chosen on the validation subjects' fine twins (docs/reconstruction.md, "Scans larger than the
// prior's grid"): the band's longer side 9/8 of the training size.
constexpr double kBandSize = 1.125;

int64_t rounded_to(double size, int64_t factor) {
  return std::max<int64_t>(factor, static_cast<int64_t>(std::lround(size / static_cast<double>(factor))) * factor);
}

// Coil maps [b, coil, H, W] complex resampled to h x w (bilinear, antialiased): smooth
// functions of position, so their values, not their k-space, carry over to the coarser grid.
torch::Tensor resampled_maps(const torch::Tensor& maps, int64_t h, int64_t w) {
  namespace F = torch::nn::functional;
  const int64_t b = maps.size(0), coils = maps.size(1);
  const torch::Tensor parts =
      torch::view_as_real(maps).permute({0, 1, 4, 2, 3}).reshape({b, coils * 2, maps.size(2), maps.size(3)});
  const torch::Tensor coarse =
      F::interpolate(parts, F::InterpolateFuncOptions().size(std::vector<int64_t>{h, w}).mode(torch::kBilinear)
                                .align_corners(false).antialias(true));
  return torch::view_as_complex(coarse.reshape({b, coils, 2, h, w}).permute({0, 1, 3, 4, 2}).contiguous());
}

// The band's weight in the estimate: a Hann window, 1 at the band's centre and 0 at its edge, so
// the coarse estimate rules at the lowest frequencies, where the prior is surest, and the two
// meet without a step in k-space.
torch::Tensor band_weight(int64_t h, int64_t w, const torch::TensorOptions& options) {
  const auto hann = [](int64_t n) { return torch::sin(M_PI * (torch::arange(n, torch::kFloat) + 0.5) / n).pow(2); };
  return (hann(h).unsqueeze(1) * hann(w).unsqueeze(0)).to(options);
}

}  // namespace

torch::Tensor central_band(const torch::Tensor& kspace, int64_t h, int64_t w) { return recon::centre_crop(kspace, h, w); }

std::vector<int64_t> band_padding(int64_t h, int64_t w, int64_t height, int64_t width) {
  const int64_t y0 = recon::centre_start(height, h), x0 = recon::centre_start(width, w);
  return {x0, width - w - x0, y0, height - h - y0};
}

BandGrid coarse_band_grid(const nlohmann::json& description, int64_t height, int64_t width, int64_t factor) {
  const nlohmann::json* size = nullptr;
  if (description.contains("data") && description["data"].contains("size")) size = &description["data"]["size"];
  if (!size || !size->is_array() || size->size() != 2) return {};
  const int64_t trained = std::max((*size)[0].get<int64_t>(), (*size)[1].get<int64_t>());
  const int64_t longer = std::max(height, width);
  if (longer <= trained) return {};
  const double scale = kBandSize * static_cast<double>(trained) / static_cast<double>(longer);
  const BandGrid grid{std::min(height, rounded_to(height * scale, factor)),
                      std::min(width, rounded_to(width * scale, factor))};
  return grid.height == height && grid.width == width ? BandGrid{} : grid;
}

torch::Tensor band_split_estimate(Prior& prior, const torch::Tensor& x, const torch::Tensor& sigma,
                                  const torch::Tensor& masks, const torch::Tensor& maps, const BandGrid& grid) {
  const int64_t h = grid.height, w = grid.width;
  // The unitary transform's cut keeps the noise per pixel and raises the intensities by
  // 1 / shrink: scaled by shrink, the coarse image has the scan's intensities, noise sigma shrink.
  const double shrink = std::sqrt(static_cast<double>(h * w) / static_cast<double>(x.size(2) * x.size(3)));
  const torch::Tensor coarse = to_channels(recon::ifft2c(central_band(recon::fft2c(to_complex(x)), h, w)) * shrink);
  const torch::Tensor coarse_masks = masks.defined() ? central_band(masks, h, w).contiguous() : masks;
  const torch::Tensor coarse_maps = maps.defined() ? resampled_maps(maps, h, w) : maps;
  const torch::Tensor band =
      recon::fft2c(to_complex(apply_prior(prior, coarse, sigma * shrink, coarse_masks, coarse_maps))) / shrink;

  const torch::Tensor whole = recon::fft2c(to_complex(apply_prior(prior, x, sigma, masks, maps)));
  const std::vector<int64_t> pad = band_padding(h, w, x.size(2), x.size(3));
  const torch::Tensor weight = band_weight(h, w, whole.options().dtype(torch::kFloat));
  const torch::Tensor inside = torch::constant_pad_nd(weight, pad);
  return to_channels(recon::ifft2c(whole * (1 - inside) + torch::constant_pad_nd(band * weight, pad)));
}

}  // namespace ambient::diffusion
