// The coarse band: an ambient prior on a scan larger than its training grid sees the scan's
// central k-space band also near its training size. Checked on a tiny untrained network: the
// outer band is the whole-grid estimate's, the central band blends in the estimate of the same
// field of view on the coarse grid, with intensities and noise level carried over by the
// transform's scale.
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>

#include "ambient/diffusion/coarse_band.hpp"
#include "ambient/diffusion/objectives.hpp"
#include "ambient/diffusion/posterior_sampling.hpp"
#include "ambient/diffusion/prior_sampling.hpp"
#include "ambient/recon/fft.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

nlohmann::json trained_on(int64_t height, int64_t width) { return {{"data", {{"size", {height, width}}}}}; }

TEST(CoarseBandGrid, NineEighthsOfTheTrainingSizeAlongTheLongerSide) {
  const auto grid = [](int64_t h, int64_t w) {
    const diffusion::BandGrid g = diffusion::coarse_band_grid(trained_on(128, 128), h, w, 8);
    return std::vector<int64_t>{g.height, g.width};
  };
  EXPECT_EQ(grid(224, 224), (std::vector<int64_t>{144, 144}));  // 9/8 of the training size
  EXPECT_EQ(grid(232, 184), (std::vector<int64_t>{144, 112}));  // 114.2 rounded to a multiple of 8
  EXPECT_EQ(grid(184, 232), (std::vector<int64_t>{112, 144}));
  EXPECT_EQ(grid(640, 40), (std::vector<int64_t>{144, 8}));     // never below the network's factor
  EXPECT_FALSE(diffusion::coarse_band_grid(trained_on(128, 128), 128, 96, 8).any());
  EXPECT_FALSE(diffusion::coarse_band_grid(trained_on(128, 128), 128, 128, 8).any());
  EXPECT_FALSE(diffusion::coarse_band_grid(trained_on(128, 128), 136, 136, 8).any()) << "the band would be the scan";
  EXPECT_FALSE(diffusion::coarse_band_grid(nlohmann::json::object(), 224, 224, 8).any()) << "no training size";
}

diffusion::Prior tiny_ambient_prior() {
  diffusion::UNetConfig c;
  c.in_channels = 4;
  c.base_channels = 8;
  c.channel_mult = {1, 2};
  diffusion::Prior p;
  torch::manual_seed(3);
  p.denoiser = diffusion::EdmDenoiser(c, diffusion::EdmConfig{});
  p.objective = std::make_shared<diffusion::AmbientObjective>();
  p.description = trained_on(8, 8);
  p.description["sampling_mask"] = {{"kind", "random"}, {"acceleration", 3.0}, {"calibration", 2}};
  return p;
}

torch::Tensor central(const torch::Tensor& k, int64_t n) { return diffusion::central_band(k, n, n); }

TEST(CentralBand, KeepsTheCentreSampleAndPadsBackAroundIt) {
  // A centred FFT's centre is index N / 2: 3 of 7 and 2 of 4 (odd into even sizes and back).
  const torch::Tensor t = torch::arange(7).unsqueeze(0).expand({7, 7});
  EXPECT_TRUE(torch::equal(diffusion::central_band(t, 4, 4)[0], torch::tensor({1, 2, 3, 4})));
  EXPECT_EQ(diffusion::band_padding(4, 4, 7, 7), (std::vector<int64_t>{1, 2, 1, 2}));
  EXPECT_EQ(diffusion::band_padding(5, 3, 8, 8), (std::vector<int64_t>{3, 2, 2, 1}));
  const torch::Tensor back = torch::constant_pad_nd(diffusion::central_band(t, 4, 4), diffusion::band_padding(4, 4, 7, 7));
  EXPECT_TRUE(torch::equal(back[3], torch::tensor({0, 1, 2, 3, 4, 0, 0})));
}

TEST(BandSplitEstimate, CentralBandFromTheCoarseGridOuterBandFromTheScansGrid) {
  torch::NoGradGuard no_grad;
  diffusion::Prior prior = tiny_ambient_prior();
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(5);
  const torch::Tensor x = at::normal(0.0, 0.5, {2, 2, 64, 64}, g);
  const torch::Tensor sigma = torch::tensor({0.3, 0.8});
  const torch::Tensor masks = (at::rand({2, 64, 64}, g) > 0.5).to(torch::kFloat);
  const torch::Tensor maps = torch::ones({2, 1, 64, 64}, torch::kComplexFloat);  // constant: exact on any grid

  const torch::Tensor split = recon::fft2c(
      diffusion::to_complex(diffusion::band_split_estimate(prior, x, sigma, masks, maps, {40, 40})));
  const torch::Tensor whole = recon::fft2c(diffusion::to_complex(diffusion::apply_prior(prior, x, sigma, masks, maps)));

  // Outside the central 40 x 40 the whole-grid estimate is kept as it is.
  const torch::Tensor outside = torch::ones({64, 64}).index_put_({torch::indexing::Slice(12, 52),
                                                                  torch::indexing::Slice(12, 52)}, 0);
  EXPECT_TRUE(torch::allclose(split * outside, whole * outside, 1e-5, 1e-5));

  // Inside: the same field of view on the 40 x 40 grid, at the scan's intensities (a unitary
  // 64 -> 40 cut raises them by 8 / 5) and at the noise the cut leaves, blended with the
  // whole-grid estimate by a Hann window (sin^2 along each axis, 1 at the centre).
  const double shrink = 40.0 / 64;
  const torch::Tensor coarse_x =
      diffusion::to_channels(recon::ifft2c(central(recon::fft2c(diffusion::to_complex(x)), 40)) * shrink);
  const torch::Tensor coarse = diffusion::apply_prior(prior, coarse_x, sigma * shrink, central(masks, 40).contiguous(),
                                                      torch::ones({2, 1, 40, 40}, torch::kComplexFloat));
  const torch::Tensor hann = torch::sin(M_PI * (torch::arange(40, torch::kFloat) + 0.5) / 40).pow(2);
  const torch::Tensor weight = hann.unsqueeze(1) * hann.unsqueeze(0);
  const torch::Tensor expected =
      central(whole, 40) * (1 - weight) + recon::fft2c(diffusion::to_complex(coarse)) / shrink * weight;
  EXPECT_TRUE(torch::allclose(central(split, 40), expected, 1e-4, 1e-5));
  EXPECT_NEAR(weight[19][20].item<double>(), 1.0, 0.01) << "the centre is the coarse estimate's";
  EXPECT_FALSE(torch::allclose(central(split, 8), central(whole, 8), 1e-2, 1e-2)) << "the band was replaced";
}

TEST(BandSplitEstimate, PosteriorSamplingUsesItOnlyOnLargerScans) {
  diffusion::Prior prior = tiny_ambient_prior();
  diffusion::Measurement m;
  m.maps = torch::ones({1, 16, 16}, torch::kComplexFloat);
  m.mask = torch::zeros({16, 16}, torch::kBool);
  for (int64_t line : {0, 3, 6, 7, 8, 9, 12, 14}) m.mask[line].fill_(true);
  torch::manual_seed(9);
  m.kspace = torch::randn({1, 16, 16}, torch::kComplexFloat) * m.mask;
  m.start = torch::zeros({16, 16}, torch::kComplexFloat);
  diffusion::PosteriorOptions o;
  o.samples = 2;
  o.schedule.steps = 2;
  const torch::Tensor banded = diffusion::posterior_samples(prior, m, o);
  o.coarse_band = false;
  const torch::Tensor whole = diffusion::posterior_samples(prior, m, o);
  EXPECT_EQ(banded.sizes(), whole.sizes());
  EXPECT_FALSE(torch::allclose(banded, whole)) << "a 16 x 16 scan for a prior trained at 8 x 8";
  prior.description["data"]["size"] = {16, 16};
  o.coarse_band = true;
  EXPECT_TRUE(torch::equal(diffusion::posterior_samples(prior, m, o), whole)) << "the scan is the training size";
}

}  // namespace
}  // namespace ambient::test
