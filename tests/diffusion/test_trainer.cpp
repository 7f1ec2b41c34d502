// The trainer's promises: a checkpoint restores a run exactly (same weights after resuming
// as without stopping), a saved prior gives bit-identical outputs, batches are a pure
// function of (seed, step), and a file that is not a prior is refused clearly.
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <sstream>

#include "ambient/core/error.hpp"
#include "ambient/diffusion/checkpoint.hpp"
#include "ambient/diffusion/prior_sampling.hpp"
#include "ambient/diffusion/training_set.hpp"
#include "ambient/recon/fft.hpp"
#include "ambient/recon/masks.hpp"
#include "diffusion_test_support.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

std::unique_ptr<diffusion::Trainer> small_trainer() {
  diffusion::UNetConfig unet;
  unet.in_channels = 4;
  unet.base_channels = 8;
  unet.channel_mult = {1, 2};
  unet.dropout = 0.2;  // dropout draws from the global generator: resume must restore it
  diffusion::TrainerOptions options;
  options.warmup_steps = 3;
  options.seed = 11;
  return std::make_unique<diffusion::Trainer>(unet, diffusion::EdmConfig{},
                                              std::make_shared<diffusion::AmbientObjective>(0.5, 2), options);
}

void train(diffusion::Trainer& t, const diffusion::TrainingSet& data, int64_t until) {
  diffusion::BatchLoader loader(data, 4, 5, torch::kCPU);
  while (t.steps_done() < until) t.step(loader.get(t.steps_done()));
}

void expect_same_weights(diffusion::EdmDenoiser& a, diffusion::EdmDenoiser& b) {
  const auto pb = b->named_parameters();
  for (const auto& p : a->named_parameters()) EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
}

TEST(Trainer, ResumedRunMatchesAnUninterruptedOneExactly) {
  const diffusion::TrainingSet data = small_ambient_set();
  auto straight = small_trainer();
  train(*straight, data, 6);

  auto first = small_trainer();
  train(*first, data, 3);
  std::stringstream file;
  diffusion::save_checkpoint(file, *first, {{"note", "test"}});
  first.reset();
  torch::manual_seed(999);  // whatever happened in between must not matter
  diffusion::Checkpoint checkpoint(file);
  EXPECT_EQ(checkpoint.description()["step"], 3);
  EXPECT_EQ(checkpoint.description()["note"], "test");
  EXPECT_EQ(checkpoint.description()["objective"]["name"], "ambient");
  auto resumed = checkpoint.trainer();
  train(*resumed, data, 6);
  expect_same_weights(straight->model(), resumed->model());
  expect_same_weights(straight->ema(), resumed->ema());
}

TEST(Trainer, SavedPriorGivesBitIdenticalOutputs) {
  const diffusion::TrainingSet data = small_ambient_set();
  auto t = small_trainer();
  train(*t, data, 2);
  std::stringstream file;
  diffusion::save_checkpoint(file, *t);
  diffusion::Checkpoint checkpoint(file);
  diffusion::Prior prior = checkpoint.prior();
  EXPECT_EQ(prior.objective->name(), "ambient");
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::randn({3, 2, 8, 8}), sigma = torch::tensor({0.1f, 1.0f, 10.0f});
  const torch::Tensor condition = torch::ones({3, 2, 8, 8});
  t->ema()->eval();
  EXPECT_TRUE(torch::equal(t->ema()->forward(x, sigma, condition), prior.denoiser->forward(x, sigma, condition)));
}

TEST(Trainer, LearningRateWarmsUpThenHoldsOrFollowsACosineToItsFloor) {
  diffusion::TrainerOptions o;
  o.learning_rate = 1e-3;
  o.warmup_steps = 10;
  EXPECT_DOUBLE_EQ(diffusion::learning_rate_at(o, 0), 1e-4);  // step 1 of 10
  EXPECT_DOUBLE_EQ(diffusion::learning_rate_at(o, 4), 5e-4);
  EXPECT_DOUBLE_EQ(diffusion::learning_rate_at(o, 5000), 1e-3);
  o.lr_schedule = "cosine";
  o.min_learning_rate = 1e-5;
  o.total_steps = 110;  // warm-up ends at step 10; the cosine spans steps 10-110
  EXPECT_DOUBLE_EQ(diffusion::learning_rate_at(o, 9), 1e-3);
  EXPECT_NEAR(diffusion::learning_rate_at(o, 59), 1e-5 + 0.5 * (1e-3 - 1e-5), 1e-12);  // halfway: cos = 0
  EXPECT_NEAR(diffusion::learning_rate_at(o, 109), 1e-5, 1e-12);
  EXPECT_NEAR(diffusion::learning_rate_at(o, 500), 1e-5, 1e-12);  // a run resumed past its end
  EXPECT_GT(diffusion::learning_rate_at(o, 30), diffusion::learning_rate_at(o, 31));
  // A checkpoint written before schedules existed holds none: it trained at a constant rate.
  nlohmann::json old = o;
  for (const char* key : {"lr_schedule", "min_learning_rate", "total_steps"}) old.erase(key);
  EXPECT_DOUBLE_EQ(diffusion::learning_rate_at(old.get<diffusion::TrainerOptions>(), 109), 1e-3);
  o.lr_schedule = "linear";
  EXPECT_THROW(diffusion::learning_rate_at(o, 50), Error);
}

TEST(Trainer, EmaFollowsTheWeights) {
  const diffusion::TrainingSet data = small_ambient_set();
  auto t = small_trainer();
  train(*t, data, 3);
  // After the first steps the average sits between the initial and current weights: it moved.
  auto fresh = small_trainer();
  double moved = 0;
  const auto initial = fresh->model()->named_parameters();
  for (const auto& p : t->ema()->named_parameters()) moved += (p.value() - initial[p.key()]).abs().sum().item<double>();
  EXPECT_GT(moved, 0);
}

// An ambient prior is sampled through the same multi-coil view it was trained on: the coil
// maps saved with it, one set per sample.
TEST(Checkpoint, AmbientPriorsCarryCoilMapsAndSampleThroughThem) {
  const diffusion::TrainingSet data = small_ambient_set();
  auto t = small_trainer();
  train(*t, data, 1);
  torch::Tensor maps = torch::randn({2, 3, 8, 8}, torch::kComplexFloat);
  maps = maps / torch::sqrt(maps.abs().pow(2).sum(1, true));
  std::stringstream file;
  diffusion::save_checkpoint(file, *t, {{"sampling_mask", {{"kind", "random"}, {"acceleration", 2.5}, {"calibration", 2}}}},
                             maps);
  diffusion::Checkpoint checkpoint(file);
  diffusion::Prior prior = checkpoint.prior();
  ASSERT_TRUE(prior.sampling_maps.defined());
  EXPECT_TRUE(torch::equal(prior.sampling_maps, maps));

  const torch::Tensor masks = diffusion::ambient_masks(prior.description, 3, 8, 8, 0);
  const torch::Tensor x = torch::randn({3, 2, 8, 8});
  const torch::Tensor per_sample = maps.index_select(0, torch::tensor({0, 1, 0}, torch::kLong));
  torch::NoGradGuard no_grad;
  const auto [input, condition] = diffusion::ambient_input(x, masks, per_sample);
  const torch::Tensor expected = prior.denoiser->forward(input, torch::full({3}, 0.5), condition);
  EXPECT_TRUE(torch::allclose(diffusion::prior_denoiser(prior, masks, per_sample)(x, 0.5), expected));
  // Without maps the view differs: the maps matter.
  EXPECT_FALSE(torch::allclose(diffusion::prior_denoiser(prior, masks)(x, 0.5), expected));
  EXPECT_EQ(diffusion::sample_prior(prior, 3, 8, 8, {2}, 0).sizes(), (std::vector<int64_t>{3, 8, 8}));
  prior.sampling_maps = torch::Tensor();
  EXPECT_THROW(diffusion::sample_prior(prior, 3, 8, 8, {2}, 0), Error);
}

// Denoising an image seen whole with an ambient prior: each k-space line comes from the
// draws whose Ã kept it, a line none kept from all draws.
TEST(Checkpoint, KeptLineEstimateTakesEachLineFromTheDrawsThatSawIt) {
  const diffusion::TrainingSet data = small_ambient_set();
  auto t = small_trainer();
  train(*t, data, 1);
  std::stringstream file;
  diffusion::save_checkpoint(file, *t, {{"sampling_mask", {{"kind", "random"}, {"acceleration", 2.5}, {"calibration", 2}}}});
  diffusion::Prior prior = diffusion::Checkpoint(file).prior();
  const torch::Tensor x = torch::randn({3, 2, 8, 8});
  const torch::Tensor m1 = diffusion::ambient_masks(prior.description, 3, 8, 8, 1).to(torch::kFloat);
  const torch::Tensor m2 = diffusion::ambient_masks(prior.description, 3, 8, 8, 2).to(torch::kFloat);
  ASSERT_GT((m1 * (1 - m2)).sum().item<double>(), 0);  // lines only the first draw kept
  ASSERT_GT(((1 - m1) * (1 - m2)).sum().item<double>(), 0);  // lines neither kept

  // One coil of ones: the combination is exact in the image's own k-space.
  const torch::Tensor k1 = recon::fft2c(diffusion::to_complex(diffusion::prior_denoiser(prior, m1)(x, 0.3)));
  const torch::Tensor k2 = recon::fft2c(diffusion::to_complex(diffusion::prior_denoiser(prior, m2)(x, 0.3)));
  const torch::Tensor combined =
      recon::fft2c(diffusion::to_complex(diffusion::kept_line_estimate(prior, x, 0.3, torch::stack({m1, m2}), {})));
  const torch::Tensor both = m1 * m2, neither = (1 - m1) * (1 - m2);
  const torch::Tensor expected = m1 * (1 - m2) * k1 + m2 * (1 - m1) * k2 + (both + neither) * (k1 + k2) / 2;
  EXPECT_TRUE(torch::allclose(combined, expected, 1e-4, 1e-5));

  // Coil maps normalised per pixel: draws with the same mask give that mask's estimate back.
  torch::Tensor maps = torch::randn({3, 3, 8, 8}, torch::kComplexFloat);
  maps = maps / torch::sqrt(maps.abs().pow(2).sum(1, true));
  EXPECT_TRUE(torch::allclose(diffusion::kept_line_estimate(prior, x, 0.3, torch::stack({m1, m1}), maps),
                              diffusion::prior_denoiser(prior, m1, maps)(x, 0.3), 1e-4, 1e-5));
  EXPECT_THROW(diffusion::kept_line_estimate(prior, x, 0.3, m1, maps), Error);
}

TEST(BatchLoader, HandsAFailureToTheCallerInsteadOfTerminating) {
  diffusion::TrainingSet empty;
  empty.images = torch::zeros({0, 2, 8, 8});
  diffusion::BatchLoader loader(empty, 2, 0, torch::kCPU);
  EXPECT_THROW(loader.get(0), Error);
}

TEST(Checkpoint, RefusesWhatIsNotAPrior) {
  std::stringstream garbage("this is not a checkpoint");
  EXPECT_THROW(diffusion::Checkpoint{garbage}, Error);
  std::stringstream archive;  // a LibTorch archive, but not ours
  torch::serialize::OutputArchive other;
  other.write("weights", torch::ones({2}));
  other.save_to(archive);
  EXPECT_THROW(diffusion::Checkpoint{archive}, Error);
}

TEST(BatchIndices, EveryEpochVisitsEverySliceOnceAndRepeatsForTheSameSeed) {
  const int64_t n = 10, batch = 5;
  for (int64_t epoch = 0; epoch < 3; ++epoch) {
    const torch::Tensor seen = torch::cat({diffusion::batch_indices(n, batch, 2 * epoch, 7),
                                           diffusion::batch_indices(n, batch, 2 * epoch + 1, 7)});
    EXPECT_TRUE(torch::equal(std::get<0>(seen.sort()), torch::arange(n)));
  }
  EXPECT_TRUE(torch::equal(diffusion::batch_indices(n, 3, 4, 7), diffusion::batch_indices(n, 3, 4, 7)));
  EXPECT_FALSE(torch::equal(diffusion::batch_indices(n, 10, 0, 7), diffusion::batch_indices(n, 10, 0, 8)));
}

TEST(BatchLoader, DeliversTheBatchOfEachStepInAnyOrder) {
  const diffusion::TrainingSet data = small_ambient_set();
  diffusion::BatchLoader loader(data, 4, 1, torch::kCPU);
  for (int64_t step : {0, 1, 2, 7, 3}) {
    const diffusion::TrainingBatch b = loader.get(step);
    const diffusion::TrainingBatch expected = data.gather(diffusion::batch_indices(12, 4, step, 1));
    EXPECT_TRUE(torch::equal(b.images, expected.images));
    EXPECT_TRUE(torch::equal(b.masks, expected.masks));
  }
}

}  // namespace
}  // namespace ambient::test
