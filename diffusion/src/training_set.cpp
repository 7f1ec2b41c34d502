#include "ambient/diffusion/training_set.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "ambient/core/error.hpp"
#include "ambient/core/setting_error.hpp"

namespace ambient::diffusion {

TrainingBatch TrainingSet::gather(const torch::Tensor& indices) const {
  TrainingBatch b;
  b.images = images.index_select(0, indices);
  if (masks.defined()) b.masks = masks.index_select(0, indices);
  if (maps.defined()) b.maps = maps.index_select(0, indices);
  b.data_sigma = data_sigma.defined() ? data_sigma.index_select(0, indices) : torch::zeros({indices.size(0)});
  return b;
}

torch::Tensor batch_indices(int64_t n, int64_t batch, int64_t step, uint64_t seed) {
  if (n < 1 || batch < 1) throw Error("a training batch needs at least one slice");
  std::vector<int64_t> out;
  out.reserve(static_cast<size_t>(batch));
  int64_t position = step * batch;
  torch::Tensor order;
  int64_t order_epoch = -1;
  while (static_cast<int64_t>(out.size()) < batch) {
    const int64_t epoch = position / n;
    if (epoch != order_epoch) {
      // One permutation per (seed, epoch); mt19937 seeded with neighbouring integers gives
      // unrelated streams.
      at::Generator g = at::make_generator<at::CPUGeneratorImpl>(seed * 1000003ULL + static_cast<uint64_t>(epoch));
      order = at::randperm(n, g, torch::kLong);
      order_epoch = epoch;
    }
    out.push_back(order[position % n].item<int64_t>());
    ++position;
  }
  return torch::tensor(out, torch::kLong);
}

BatchLoader::BatchLoader(const TrainingSet& data, int64_t batch, uint64_t seed, torch::Device device, int64_t rank,
                         int64_t world_size)
    : data_(data), batch_(batch), rank_(rank), world_size_(world_size), seed_(seed), device_(device) {
  if (world_size < 1 || rank < 0 || rank >= world_size || batch % world_size != 0)
    throw SettingError("batch", "a batch of " + std::to_string(batch) + " cannot be shared by " +
                                    std::to_string(world_size) + " processes: the batch must be divisible by them");
  worker_ = std::thread([this] { work(); });
}

BatchLoader::~BatchLoader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  worker_.join();
}

TrainingBatch BatchLoader::make(int64_t step) const {
  const int64_t share = batch_ / world_size_;
  TrainingBatch b = data_.gather(batch_indices(data_.size(), batch_, step, seed_).narrow(0, rank_ * share, share));
  if (world_size_ > 1) {
    b.offset = rank_ * share;
    b.global_size = batch_;
  }
  auto move = [this](torch::Tensor& t) {
    if (t.defined()) t = t.to(device_);
  };
  move(b.images);
  move(b.masks);
  move(b.maps);
  move(b.data_sigma);
  return b;
}

void BatchLoader::work() {
  torch::NoGradGuard no_grad;  // gathering needs no autograd history
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] { return stop_ || (wanted_ >= 0 && (!ready_ || ready_->first != wanted_)); });
    if (stop_) return;
    const int64_t step = wanted_;
    lock.unlock();
    TrainingBatch b;
    std::exception_ptr failure;
    try {
      b = make(step);
    } catch (...) {
      failure = std::current_exception();  // handed to get(): a thread must not throw
    }
    lock.lock();
    ready_.emplace(step, std::move(b));
    failure_ = failure;
    changed_.notify_all();
  }
}

TrainingBatch BatchLoader::get(int64_t step) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!(ready_ && ready_->first == step)) {
    wanted_ = step;
    changed_.notify_all();
    changed_.wait(lock, [&] { return ready_ && ready_->first == step; });
  }
  if (failure_) {
    const std::exception_ptr failure = failure_;
    failure_ = nullptr;
    ready_.reset();
    std::rethrow_exception(failure);
  }
  TrainingBatch b = std::move(ready_->second);
  ready_.reset();
  wanted_ = step + 1;  // prefetch the next one
  changed_.notify_all();
  return b;
}

}  // namespace ambient::diffusion
