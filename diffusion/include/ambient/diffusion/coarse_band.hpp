#pragma once
// A prior on scans larger than its training grid. The corpus priors learned whole fields of
// view at 128 x 128; on the validation subjects at 224 x 224 the ambient prior lost to cs on
// the brains where at 128 x 128 it wins, and most of its error was in the central k-space band,
// where most of an image's energy lies (docs/reconstruction.md, "Scans larger than the prior's
// grid"). So on a larger scan the central band is also denoised on a grid near the training
// size, the same field of view at about the pixel size the prior learned, and blended into the
// estimate of the network run on the scan's own grid.
#include <nlohmann/json.hpp>

#include <vector>

#include "ambient/diffusion/checkpoint.hpp"

namespace ambient::diffusion {

struct BandGrid {
  int64_t height = 0, width = 0;
  bool any() const { return height > 0 && width > 0; }
};

// The central h x w block of the last two axes (a k-space band: the centre sample, index N / 2
// of a centred FFT, stays the centre), and the zero-padding {x before, x after, y before, y after}
// (torch::constant_pad_nd's order) that puts such a block back in the middle of height x width.
torch::Tensor central_band(const torch::Tensor& kspace, int64_t h, int64_t w);
std::vector<int64_t> band_padding(int64_t h, int64_t w, int64_t height, int64_t width);

// The grid of the central band for a scan of height x width: 9/8 of the prior's training size
// (description "data" "size") along the scan's longer side, the other side in proportion
// (square pixels), both rounded to a multiple of `factor`. Empty when the scan is no larger than
// the training grid along its longer side, when the band would be the whole scan, and when the
// description does not give the training size.
BandGrid coarse_band_grid(const nlohmann::json& description, int64_t height, int64_t width, int64_t factor);

// D(x, sigma) of `prior` for x [b, 2, H, W] (as apply_prior) with the central grid.height x
// grid.width of its k-space from the network's estimate on that grid: x cut to the band and
// scaled to keep its intensities (its noise then sigma sqrt(hw / HW)), the masks cut to the
// band, the coil maps [b, coil, H, W] resampled to it. The two estimates are blended inside the
// band by a Hann window: the coarse one's weight 1 at the centre, 0 at the band's edge.
torch::Tensor band_split_estimate(Prior& prior, const torch::Tensor& x, const torch::Tensor& sigma,
                                  const torch::Tensor& masks, const torch::Tensor& maps, const BandGrid& grid);

}  // namespace ambient::diffusion
