// Posterior sampling checked against closed forms. For Gaussian images x0 ~ N(0, S) and
// y = A x0 + noise, the posterior mean is S A^T (A S A^T + s_y^2 I)^-1 y and the exact
// denoiser is S (S + sigma^2 I)^-1 x; the guided sampler driven by that denoiser must land
// near the posterior mean, far nearer than the zero-filled A^H y.
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "ambient/core/error.hpp"
#include "ambient/diffusion/consistent_sampling.hpp"
#include "ambient/diffusion/posterior_reconstructor.hpp"
#include "ambient/diffusion/posterior_sampling.hpp"
#include "ambient/recon/linear_operator.hpp"
#include "diffusion_test_support.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

torch::Tensor as_complex(const torch::Tensor& channels) {  // [b, 2, H, W] -> [b, H, W]
  return torch::view_as_complex(channels.permute({0, 2, 3, 1}).contiguous());
}

// A single-coil 8 x 8 problem: low-rank blob images, half the k-space lines measured.
struct GaussianProblem {
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(11);
  BlobImages data{6, g};
  torch::Tensor s = data.covariance().to(torch::kDouble);
  diffusion::Measurement m;
  torch::Tensor truth;           // [8, 8] complex
  torch::Tensor posterior_mean;  // [8, 8] complex

  explicit GaussianProblem(double noise) {
    m.maps = torch::ones({1, 8, 8}, torch::kComplexFloat);
    m.mask = torch::zeros({8, 8}, torch::kBool);
    for (int64_t line : {1, 3, 4, 6}) m.mask[line].fill_(true);
    m.noise_sigma = noise;
    const recon::SenseOperator a(m.maps, m.mask);
    truth = as_complex(data.sample(1, g))[0];
    const torch::Tensor clean = a.forward(truth);
    m.kspace = (clean + noise * torch::view_as_complex(at::normal(0.0, 1.0, {1, 8, 8, 2}, g))) * m.mask;
    // A as a real 128 x 128 matrix on the [2, 8, 8] channel layout, column by column.
    const torch::Tensor eye = torch::eye(128).reshape({128, 2, 8, 8});
    const torch::Tensor columns = torch::view_as_real(a.forward(as_complex(eye))).reshape({128, -1});
    const torch::Tensor a_real = columns.t().to(torch::kDouble);
    const torch::Tensor y = torch::view_as_real(m.kspace).reshape({-1}).to(torch::kDouble);
    const torch::Tensor gram = torch::matmul(torch::matmul(a_real, s), a_real.t()) +
                               (noise * noise + 1e-8) * torch::eye(a_real.size(0), torch::kDouble);
    const torch::Tensor mean = torch::matmul(torch::matmul(s, a_real.t()), torch::linalg_solve(gram, y));
    posterior_mean = as_complex(mean.to(torch::kFloat).reshape({1, 2, 8, 8}))[0];
  }

  diffusion::BatchDenoiser exact_denoiser() const {
    return [this](const torch::Tensor& x, const torch::Tensor& sigma) {
      const double sg = sigma[0].item<double>();
      const torch::Tensor w = torch::matmul(s, torch::inverse(s + sg * sg * torch::eye(128, torch::kDouble)));
      return torch::matmul(x.reshape({x.size(0), 128}), w.t().to(torch::kFloat)).reshape(x.sizes());
    };
  }
};

TEST(PosteriorSampling, ExactGaussianDenoiserLandsNearTheClosedFormPosteriorMean) {
  const GaussianProblem p(0.02);
  const double zero_filled = nrmse(recon::SenseOperator(p.m.maps, p.m.mask).adjoint(p.m.kspace), p.posterior_mean);
  struct Case {
    diffusion::Guidance guidance;
    double zeta;
    int steps;
  };
  // DPS's fixed-length step needs a small zeta at this image scale; flow guidance works at
  // its default zeta and at the default step count too.
  for (const Case c : {Case{diffusion::Guidance::dps, 0.05, 200}, Case{diffusion::Guidance::flow, 1, 200},
                       Case{diffusion::Guidance::flow, 1, 50}}) {
    diffusion::PosteriorOptions o;
    o.samples = 32;
    o.schedule.steps = c.steps;
    o.guidance = c.guidance;
    o.zeta = c.zeta;
    const torch::Tensor samples = diffusion::guided_samples(p.exact_denoiser(), p.m, o);
    ASSERT_EQ(samples.sizes(), (std::vector<int64_t>{32, 8, 8}));
    const double sampled = nrmse(samples.mean(0), p.posterior_mean);
    SCOPED_TRACE(std::to_string(c.steps) + " steps, zeta " + std::to_string(c.zeta));
    EXPECT_LT(sampled, 0.15) << "zero-filled " << zero_filled;
    EXPECT_LT(sampled, zero_filled / 3) << sampled << " vs zero-filled " << zero_filled;
    // The samples differ where the data leave the image uncertain: a non-zero spread.
    EXPECT_GT(torch::abs(samples - samples.mean(0, true)).mean().item<double>(), 1e-3);
  }
}

TEST(ConsistentSampling, ExactGaussianDenoiserLandsNearTheClosedFormPosteriorMean) {
  const GaussianProblem p(0.02);
  const double zero_filled = nrmse(recon::SenseOperator(p.m.maps, p.m.mask).adjoint(p.m.kspace), p.posterior_mean);
  for (const int steps : {10, 50}) {
    diffusion::PosteriorOptions o;
    o.samples = 32;
    o.schedule.steps = steps;
    o.guidance = diffusion::Guidance::dc;
    const torch::Tensor samples = diffusion::guided_samples(p.exact_denoiser(), p.m, o);
    ASSERT_EQ(samples.sizes(), (std::vector<int64_t>{32, 8, 8}));
    const double sampled = nrmse(samples.mean(0), p.posterior_mean);
    EXPECT_LT(sampled, 0.15) << steps << " steps; zero-filled " << zero_filled;
    EXPECT_LT(sampled, zero_filled / 3) << steps << " steps";
    EXPECT_GT(torch::abs(samples - samples.mean(0, true)).mean().item<double>(), 1e-3);
  }
}

TEST(ConsistentSampling, EverySampleFitsTheDataToTheNoiseLevel) {
  // A denoiser that knows nothing of this image (it returns half its input): given the
  // iterations, the samples must still agree with the measurements, to the noise's own norm
  // and no closer (the default stops after one, docs/reconstruction.md).
  const GaussianProblem p(0.05);
  const diffusion::BatchDenoiser poor = [](const torch::Tensor& x, const torch::Tensor&) { return 0.5 * x; };
  diffusion::PosteriorOptions o;
  o.samples = 8;
  o.schedule.steps = 10;
  o.guidance = diffusion::Guidance::dc;
  o.fit_iterations = 50;
  const torch::Tensor samples = diffusion::guided_samples(poor, p.m, o);
  const recon::SenseOperator a(p.m.maps, p.m.mask);
  const double floor = diffusion::noise_norm(p.m);
  for (int64_t i = 0; i < samples.size(0); ++i) {
    const double residual = torch::norm(torch::view_as_real(a.forward(samples[i]) - p.m.kspace)).item<double>();
    EXPECT_NEAR(residual / floor, 1.0, 0.1) << "sample " << i;
  }
}

TEST(ConsistentSampling, WarmStartBeginsAtTheStartImage) {
  // From the truth itself at a small starting sigma, with an identity denoiser, the samples stay near it.
  const GaussianProblem p(0.0);
  diffusion::Measurement m = p.m;
  m.start = p.truth;
  diffusion::PosteriorOptions o;
  o.samples = 4;
  o.schedule.steps = 5;
  o.guidance = diffusion::Guidance::dc;
  o.schedule.sigma_min = 0.002;
  o.sigma_start = 0.01;
  const diffusion::BatchDenoiser identity = [](const torch::Tensor& x, const torch::Tensor&) { return x; };
  const torch::Tensor samples = diffusion::guided_samples(identity, m, o);
  EXPECT_LT(nrmse(samples.mean(0), p.truth), 0.05);
  o.sigma_start = 0;  // no warm start: from noise at sigma_max, far from the truth
  EXPECT_GT(nrmse(diffusion::guided_samples(identity, m, o).mean(0), p.truth), 1.0);
}

// Four smooth coils over a 16 x 16 image, every sample measured: M = 4N equations for N
// pixels, so the least-squares residual holds 3/4 of the noise, sigma sqrt(1 - N/M) per component.
diffusion::Measurement overdetermined(double noise, const torch::Tensor& maps_support) {
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(5);
  const torch::Tensor y = torch::linspace(-1, 1, 16).reshape({16, 1}), x = torch::linspace(-1, 1, 16).reshape({1, 16});
  std::vector<torch::Tensor> coils;
  for (const double angle : {0.3, 1.9, 3.4, 5.0})
    coils.push_back(torch::polar(torch::exp(-(y - std::sin(angle)).pow(2) - (x - std::cos(angle)).pow(2)),
                                 (y + x) * angle));
  torch::Tensor covering = torch::stack(coils);
  covering = (covering / torch::sqrt(covering.abs().pow(2).sum(0, true))).to(torch::kComplexFloat);
  const torch::Tensor image = torch::view_as_complex(at::normal(0.0, 1.0, {16, 16, 2}, g));
  diffusion::Measurement m;
  m.maps = covering * maps_support;
  m.mask = torch::ones({16, 16}, torch::kBool);
  // The data always come from coils that cover the whole image; maps_support may miss part of it.
  m.kspace = (recon::SenseOperator(covering, m.mask).forward(image) +
              noise * torch::view_as_complex(at::normal(0.0, 1.0, {4, 16, 16, 2}, g)))
                 .to(torch::kComplexFloat);
  m.noise_sigma = noise;
  return m;
}

TEST(ConsistentSampling, MisfitIsTheNoiseWhereTheMapsExplainTheData) {
  const torch::Tensor everywhere = torch::ones({1, 16, 16});
  EXPECT_NEAR(diffusion::misfit_sigma(overdetermined(0.05, everywhere)), 0.05 * std::sqrt(0.75), 0.005);
  EXPECT_NEAR(diffusion::misfit_sigma(overdetermined(0.2, everywhere)), 0.2 * std::sqrt(0.75), 0.02);
  // Maps that miss a band of the object (ESPIRiT's cropped edge): its signal is misfit too.
  torch::Tensor band = everywhere.clone();
  band.narrow(2, 0, 3).zero_();
  EXPECT_GT(diffusion::misfit_sigma(overdetermined(0.05, band)), 3 * 0.05);
}

TEST(ConsistentSampling, AutomaticStepLambdaGrowsWithTheMisfit) {
  const torch::Tensor everywhere = torch::ones({1, 16, 16});
  diffusion::PosteriorOptions o;
  const diffusion::Measurement quiet = overdetermined(0.05, everywhere), noisy = overdetermined(0.2, everywhere);
  const double s = diffusion::misfit_sigma(quiet);
  EXPECT_NEAR(diffusion::step_lambda(quiet, o), o.dc_misfit_weight * s * s, 1e-9);
  EXPECT_GT(diffusion::step_lambda(noisy, o), 10 * diffusion::step_lambda(quiet, o));
  o.automatic_dc_lambda = false;
  o.dc_lambda = 0.07;
  EXPECT_EQ(diffusion::step_lambda(noisy, o), 0.07);
}

TEST(ConsistentSampling, AWeakerAutomaticPullGetsMoreIterationsUpToFourTimes) {
  diffusion::PosteriorOptions o;
  const int n = o.dc_iterations;
  const double reference = o.dc_reference_lambda;
  EXPECT_EQ(diffusion::step_iterations(reference, o), n);
  EXPECT_EQ(diffusion::step_iterations(3 * reference, o), n);
  EXPECT_EQ(diffusion::step_iterations(reference / 4, o), 2 * n);  // sqrt(kappa) with kappa ~ 1 / lambda
  EXPECT_EQ(diffusion::step_iterations(reference / 100, o), 4 * n);
  EXPECT_EQ(diffusion::step_iterations(0, o), 4 * n);
  o.automatic_dc_iterations = false;  // a count the caller gave is kept
  EXPECT_EQ(diffusion::step_iterations(reference / 4, o), n);
  o.automatic_dc_iterations = true;
  o.automatic_dc_lambda = false;  // so is the count beside a weight the caller gave
  EXPECT_EQ(diffusion::step_iterations(reference / 4, o), n);
}

TEST(ConsistentSampling, TheWarmStartFollowsTheAutomaticWeightWithinItsBounds) {
  diffusion::PosteriorOptions o;
  const double reference = o.sigma_start_reference_lambda;
  EXPECT_DOUBLE_EQ(diffusion::warm_start_sigma(reference, o), 1.0);
  EXPECT_DOUBLE_EQ(diffusion::warm_start_sigma(1.2 * reference, o), 1.44);  // the weight's square
  EXPECT_DOUBLE_EQ(diffusion::warm_start_sigma(0.6 * reference, o), 0.36);
  EXPECT_DOUBLE_EQ(diffusion::warm_start_sigma(reference / 100, o), o.sigma_start_min);
  EXPECT_DOUBLE_EQ(diffusion::warm_start_sigma(100 * reference, o), o.sigma_start_max);
  o.sigma_start = 0.7;
  o.automatic_sigma_start = false;  // a level the caller gave is kept
  EXPECT_DOUBLE_EQ(diffusion::warm_start_sigma(reference / 100, o), 0.7);
  o.automatic_sigma_start = true;
  o.automatic_dc_lambda = false;  // so is the level beside a weight the caller gave
  EXPECT_DOUBLE_EQ(diffusion::warm_start_sigma(reference / 100, o), 0.7);
}

TEST(PosteriorSampling, WithoutGuidanceTheSamplesIgnoreTheData) {
  const GaussianProblem p(0.02);
  diffusion::PosteriorOptions o;
  o.samples = 32;
  o.schedule.steps = 50;
  o.guidance = diffusion::Guidance::flow;
  o.zeta = 0;  // an unconditional sampler: the mean of prior samples is near zero
  const torch::Tensor samples = diffusion::guided_samples(p.exact_denoiser(), p.m, o);
  EXPECT_GT(nrmse(samples.mean(0), p.posterior_mean), 0.5);
}

TEST(PosteriorSampling, NaNDuringSamplingIsReportedWithItsStep) {
  const GaussianProblem p(0.02);
  int calls = 0;
  const diffusion::BatchDenoiser breaks = [&](const torch::Tensor& x, const torch::Tensor&) {
    return ++calls >= 3 ? x * std::nan("") : x * 0.5;
  };
  diffusion::PosteriorOptions o;
  o.schedule.steps = 10;
  try {
    diffusion::guided_samples(breaks, p.m, o);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("NaN or Inf at step 3"), std::string::npos) << e.what();
  }
}

TEST(PosteriorSampling, EvaluationsCountHeunsExtraPass) {
  diffusion::PosteriorOptions o;
  o.schedule.steps = 10;
  o.schedule.heun = false;
  EXPECT_EQ(diffusion::network_evaluations(o), 10);
  o.schedule.heun = true;
  EXPECT_EQ(diffusion::network_evaluations(o), 19);
}

TEST(PosteriorSampling, FreshViewsKeepTheMeasuredLinesAndChangeWithTheSeed) {
  const nlohmann::json description = {
      {"sampling_mask", {{"kind", "random"}, {"acceleration", 5.0}, {"calibration", 4}}}};
  torch::Tensor measured = torch::zeros({32, 32}, torch::kBool);
  for (int64_t line : {0, 9, 21, 30}) measured[line].fill_(true);
  const torch::Tensor views = diffusion::fresh_view_masks(description, measured, 3, 2.0, 5).to(torch::kBool);
  ASSERT_EQ(views.sizes(), (std::vector<int64_t>{3, 32, 32}));
  for (int64_t i = 0; i < 3; ++i) {
    EXPECT_TRUE((views[i] | measured).equal(views[i])) << "view " << i << " drops a measured line";
    const double kept = views[i].to(torch::kFloat).mean().item<double>();
    EXPECT_GT(kept, 0.45) << "about half the lines at acceleration 2, plus the measured ones";
    EXPECT_LT(kept, 0.55 + 4.0 / 32);
    EXPECT_TRUE(views[i].index({torch::indexing::Slice(14, 18)}).all().item<bool>()) << "the ACS block";
  }
  EXPECT_FALSE(views[0].equal(views[1]));
  EXPECT_TRUE(views.equal(diffusion::fresh_view_masks(description, measured, 3, 2.0, 5).to(torch::kBool)));
  EXPECT_FALSE(views.equal(diffusion::fresh_view_masks(description, measured, 3, 2.0, 6).to(torch::kBool)));
  EXPECT_EQ(diffusion::parse_ambient_view("fixed"), diffusion::AmbientView::fixed);
  EXPECT_THROW(diffusion::parse_ambient_view("rotating"), Error);
}

diffusion::Prior tiny_prior(std::shared_ptr<const diffusion::Objective> objective) {
  diffusion::UNetConfig c;
  c.in_channels = 2 + objective->condition_channels();
  c.base_channels = 8;
  c.channel_mult = {1, 2};
  diffusion::Prior p;
  p.denoiser = diffusion::EdmDenoiser(c, diffusion::EdmConfig{});
  p.objective = std::move(objective);
  p.description = {{"sampling_mask", {{"kind", "random"}, {"acceleration", 3.0}, {"calibration", 2}}}};
  return p;
}

TEST(PosteriorReconstructor, RefusesAPriorOfTheWrongKind) {
  auto clean = std::make_shared<diffusion::Prior>(tiny_prior(std::make_shared<diffusion::CleanObjective>()));
  auto ambient = std::make_shared<diffusion::Prior>(tiny_prior(std::make_shared<diffusion::AmbientObjective>()));
  EXPECT_THROW(diffusion::make_posterior_reconstructor("adps", clean, {}, {}), Error);
  EXPECT_THROW(diffusion::make_posterior_reconstructor("aos", clean, {}, {}), Error);
  EXPECT_THROW(diffusion::make_posterior_reconstructor("dps", ambient, {}, {}), Error);
  EXPECT_THROW(diffusion::make_posterior_reconstructor("adps", nullptr, {}, {}), Error);
  EXPECT_NO_THROW(diffusion::make_posterior_reconstructor("adps", ambient, {}, {}));
  EXPECT_NO_THROW(diffusion::make_posterior_reconstructor("dps", clean, {}, {}));
}

TEST(PosteriorReconstructor, RefusesSizesTheNetworkCannotTake) {
  diffusion::Prior prior = tiny_prior(std::make_shared<diffusion::AmbientObjective>());
  const GaussianProblem p(0.02);
  diffusion::Measurement odd = p.m;
  odd.kspace = torch::zeros({1, 8, 7}, torch::kComplexFloat);
  odd.maps = torch::ones({1, 8, 7}, torch::kComplexFloat);
  odd.mask = torch::ones({8, 7}, torch::kBool);
  EXPECT_THROW(diffusion::posterior_samples(prior, odd, {}), Error);
  EXPECT_THROW(diffusion::one_step_estimate(prior, odd, 0.01), Error);
  // The one-step estimate of a fitting scan is one image of the scan's size.
  EXPECT_EQ(diffusion::one_step_estimate(prior, p.m, 0.01).sizes(), (std::vector<int64_t>{8, 8}));
}

TEST(PosteriorReconstructor, WarmStartsAtTheLevelItsAutomaticStepWeightGives) {
  // The reconstructor chooses each slice's step weight and from it the warm start's noise
  // level: the automatic run must equal a run told that level, and differ from another level.
  auto prior = std::make_shared<diffusion::Prior>(tiny_prior(std::make_shared<diffusion::AmbientObjective>()));
  const GaussianProblem p(0.02);
  io::KSpace scan;
  scan.data = p.m.kspace.unsqueeze(0);
  scan.mask = p.m.mask.unsqueeze(0);
  recon::ReconOptions given_maps;
  given_maps.maps = p.m.maps;
  diffusion::PosteriorReconOptions automatic;
  automatic.sampling.samples = 2;
  const auto reconstruct = [&](const diffusion::PosteriorReconOptions& o) {
    return diffusion::make_posterior_reconstructor("adps", prior, o, given_maps)->run(scan, no_progress());
  };
  const recon::Reconstruction chosen = reconstruct(automatic);
  ASSERT_EQ(chosen.lambdas.size(), 1u);
  diffusion::PosteriorReconOptions told = automatic;
  told.sampling.automatic_sigma_start = false;
  told.sampling.sigma_start = diffusion::warm_start_sigma(chosen.lambdas[0], automatic.sampling);
  EXPECT_TRUE(torch::equal(reconstruct(told).image, chosen.image));
  told.sampling.sigma_start *= 1.5;
  EXPECT_FALSE(torch::allclose(reconstruct(told).image, chosen.image));
}

TEST(EdmPreconditioning, OutputFloorBoundsTheLossWeight) {
  const torch::Tensor sigma = torch::tensor({1e-3, 0.1, 1.0, 10.0});
  diffusion::EdmConfig edm;
  // Floor 0 is EDM exactly: (sigma^2 + sigma_data^2) / (sigma sigma_data)^2.
  const torch::Tensor expected = (sigma.pow(2) + 0.25) / (sigma.pow(2) * 0.25);
  EXPECT_TRUE(torch::allclose(diffusion::loss_weight(sigma, edm), expected, 1e-4));
  // An ambient floor caps the weight at 1 / (floor sigma_data)^2 as sigma -> 0.
  edm.output_floor = 0.3;
  const torch::Tensor floored = diffusion::loss_weight(sigma, edm);
  EXPECT_NEAR(floored[0].item<double>(), 1 / (0.15 * 0.15), 0.1);
  EXPECT_TRUE((floored <= expected).all().item<bool>());
  // At high noise, where c_out ~ sigma_data, the floor (added in quadrature) changes little.
  EXPECT_NEAR(floored[3].item<double>(), expected[3].item<double>(), 0.1 * expected[3].item<double>());
}

}  // namespace
}  // namespace ambient::test
