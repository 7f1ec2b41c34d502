#pragma once
// Training data held in memory, and the batches a training run draws from it. Which slices
// make up batch t is a pure function of (seed, t), so a resumed run sees exactly the batches
// an uninterrupted one would, and a background thread can prepare the next batch while the
// network trains on this one.
#include <torch/types.h>

#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "ambient/diffusion/objectives.hpp"

namespace ambient::diffusion {

// N slices: images [N, 2, H, W] (normalised image-domain data: the clean images or x_A =
// A^H y), masks [N, H, W] (bool), maps [N, C, H, W] (complex; undefined: one coil of ones),
// data_sigma [N] (noise level of each image; zeros when noiseless).
struct TrainingSet {
  torch::Tensor images, masks, maps, data_sigma;
  int64_t size() const { return images.defined() ? images.size(0) : 0; }
  TrainingBatch gather(const torch::Tensor& indices) const;
};

// The slice indices of batch `step`: consecutive `batch`-sized runs through per-epoch
// permutations of [0, n) seeded by (seed, epoch).
torch::Tensor batch_indices(int64_t n, int64_t batch, int64_t step, uint64_t seed);

// Prepares batch step+1 on a worker thread while the caller trains on batch `step`.
// Data-parallel training: process `rank` of `world_size` gets its consecutive share of each
// global batch of `batch` slices (batch / world_size rows, TrainingBatch::offset), so the
// ranks together see every epoch's permutation once, as one process would.
class BatchLoader {
 public:
  BatchLoader(const TrainingSet& data, int64_t batch, uint64_t seed, torch::Device device, int64_t rank = 0,
              int64_t world_size = 1);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;
  // The batch of training step `step`; steps are expected in increasing order.
  TrainingBatch get(int64_t step);

 private:
  TrainingBatch make(int64_t step) const;
  void work();

  const TrainingSet& data_;
  int64_t batch_, rank_, world_size_;
  uint64_t seed_;
  torch::Device device_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int64_t wanted_ = -1;  // the step the worker should prepare next
  std::optional<std::pair<int64_t, TrainingBatch>> ready_;
  std::exception_ptr failure_;  // what preparing ready_ threw, rethrown by get()
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace ambient::diffusion
