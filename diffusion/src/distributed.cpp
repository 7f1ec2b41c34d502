#include "ambient/diffusion/distributed.hpp"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#ifdef AMBIENT_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <torch/version.h>

#include <cstdlib>

#include "ambient/core/error.hpp"

namespace ambient::diffusion {

namespace {

// LibTorch 2 split ProcessGroup into a front and per-device Backends (Gloo, NCCL); 1.13's
// ProcessGroupGloo is itself a ProcessGroup. Both offer the same collectives.
#if TORCH_VERSION_MAJOR >= 2
using Collectives = c10d::Backend;
#else
using Collectives = c10d::ProcessGroup;
#endif

int64_t integer(const std::function<const char*(const char*)>& getenv, const char* name, int64_t fallback) {
  const char* text = getenv(name);
  if (!text || !*text) return fallback;
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  if (*end != '\0' || value < 0) throw Error(std::string(name) + "='" + text + "' is not a non-negative integer");
  return value;
}

std::string text(const std::function<const char*(const char*)>& getenv, const char* name) {
  const char* value = getenv(name);
  return value ? value : "";
}

// c10d reports failures as c10::Error with long backtraces; users need the first line.
std::string first_line(const c10::Error& e) {
  const std::string what = e.what_without_backtrace();
  return what.substr(0, what.find('\n'));
}

class C10dGroup : public ProcessGroup {
 public:
  C10dGroup(c10::intrusive_ptr<c10d::Store> store, c10::intrusive_ptr<Collectives> group, int64_t rank,
            int64_t world_size, torch::Device device)
      : store_(std::move(store)), group_(std::move(group)), rank_(rank), world_size_(world_size), device_(device) {}

  int64_t rank() const override { return rank_; }
  int64_t world_size() const override { return world_size_; }

  void average(std::vector<torch::Tensor>& tensors) override {
    if (tensors.empty()) return;
    // One flat buffer on the group's device (NCCL takes CUDA tensors only): one collective
    // per step instead of one per parameter tensor.
    torch::Tensor flat = torch::cat(flatten(tensors)).to(device_);
    std::vector<torch::Tensor> buffer{flat};
    run("averaging gradients", [&] { return group_->allreduce(buffer); });
    flat.div_(static_cast<double>(world_size_));
    unflatten(flat, tensors);
  }

  bool any(bool flag) override {
    std::vector<torch::Tensor> buffer{torch::full({1}, flag ? 1.0f : 0.0f, torch::TensorOptions().device(device_))};
    run("agreeing whether to stop", [&] { return group_->allreduce(buffer); });
    return buffer[0].item<float>() > 0;
  }

  void broadcast(std::vector<torch::Tensor>& tensors, int64_t root) override {
    if (tensors.empty()) return;
    torch::Tensor flat = torch::cat(flatten(tensors)).to(device_);
    std::vector<torch::Tensor> buffer{flat};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    run("broadcasting rank 0's weights", [&] { return group_->broadcast(buffer, options); });
    unflatten(flat, tensors);
  }

  std::string share_from_root(const std::string& key, const std::string& value,
                              std::chrono::milliseconds timeout) override {
    try {
      if (rank_ == 0) {
        store_->set(key, std::vector<uint8_t>(value.begin(), value.end()));
        return value;
      }
      store_->wait({key}, timeout);
      const std::vector<uint8_t> bytes = store_->get(key);
      return std::string(bytes.begin(), bytes.end());
    } catch (const c10::Error& e) {
      throw Error("rank " + std::to_string(rank_) + ": waiting for rank 0 (" + key + ") failed: " + first_line(e));
    }
  }

 private:
  static std::vector<torch::Tensor> flatten(const std::vector<torch::Tensor>& tensors) {
    std::vector<torch::Tensor> flat;
    flat.reserve(tensors.size());
    for (const auto& t : tensors) flat.push_back(t.detach().reshape({-1}));
    return flat;
  }

  static void unflatten(const torch::Tensor& flat, std::vector<torch::Tensor>& tensors) {
    int64_t at = 0;
    for (auto& t : tensors) {
      t.copy_(flat.narrow(0, at, t.numel()).view_as(t));  // copy_ moves across devices
      at += t.numel();
    }
  }

  template <typename Start>
  void run(const char* what, Start start) {
    try {
      start()->wait();
    } catch (const c10::Error& e) {
      throw Error("rank " + std::to_string(rank_) + " of " + std::to_string(world_size_) + ": " + what +
                  " failed (another process died, hangs or timed out): " + first_line(e));
    } catch (const std::exception& e) {  // Gloo throws its own exception types
      throw Error("rank " + std::to_string(rank_) + " of " + std::to_string(world_size_) + ": " + what +
                  " failed (another process died, hangs or timed out): " + e.what());
    }
  }

  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<Collectives> group_;
  int64_t rank_, world_size_;
  torch::Device device_;
};

}  // namespace

LaunchEnvironment launch_environment() {
  return launch_environment([](const char* name) { return std::getenv(name); });
}

LaunchEnvironment launch_environment(const std::function<const char*(const char*)>& getenv) {
  LaunchEnvironment e;
  const bool torchrun = !text(getenv, "WORLD_SIZE").empty() || !text(getenv, "RANK").empty();
  const bool slurm = !torchrun && integer(getenv, "SLURM_NTASKS", 1) > 1 && !text(getenv, "MASTER_ADDR").empty();
  if (!torchrun && !slurm) return e;
  if (torchrun) {
    if (text(getenv, "RANK").empty()) throw Error("WORLD_SIZE is set but RANK is not: set both (torchrun does)");
    if (text(getenv, "WORLD_SIZE").empty()) throw Error("RANK is set but WORLD_SIZE is not: set both (torchrun does)");
    e.world_size = integer(getenv, "WORLD_SIZE", 1);
    e.rank = integer(getenv, "RANK", 0);
    e.local_rank = integer(getenv, "LOCAL_RANK", e.rank);
    e.local_world_size = integer(getenv, "LOCAL_WORLD_SIZE", e.world_size);
  } else {
    e.world_size = integer(getenv, "SLURM_NTASKS", 1);
    e.rank = integer(getenv, "SLURM_PROCID", 0);
    e.local_rank = integer(getenv, "SLURM_LOCALID", 0);
    e.local_world_size = integer(getenv, "SLURM_NTASKS_PER_NODE", 1);
  }
  if (e.world_size < 1) throw Error("WORLD_SIZE must be at least 1");
  if (e.rank >= e.world_size)
    throw Error("RANK " + std::to_string(e.rank) + " is not below WORLD_SIZE " + std::to_string(e.world_size));
  if (!e.distributed()) return e;
  e.master_addr = text(getenv, "MASTER_ADDR");
  if (e.master_addr.empty()) throw Error("WORLD_SIZE > 1 needs MASTER_ADDR (the host of rank 0)");
  const int64_t port = integer(getenv, "MASTER_PORT", 29500);
  if (port < 1 || port > 65535) throw Error("MASTER_PORT must be a port number (1-65535)");
  e.master_port = static_cast<int>(port);
  e.agent_store = text(getenv, "TORCHELASTIC_USE_AGENT_STORE") == "True";
  e.restart_count = integer(getenv, "TORCHELASTIC_RESTART_COUNT", 0);
  return e;
}

std::unique_ptr<ProcessGroup> ProcessGroup::connect(const LaunchEnvironment& launch, torch::Device device,
                                                    std::chrono::milliseconds timeout) {
  const std::string who = "rank " + std::to_string(launch.rank) + " of " + std::to_string(launch.world_size);
  c10::intrusive_ptr<c10d::Store> store;
  try {
    c10d::TCPStoreOptions options;
    options.port = static_cast<uint16_t>(launch.master_port);
    options.isServer = launch.rank == 0 && !launch.agent_store;
    options.numWorkers = static_cast<size_t>(launch.world_size);
    options.waitWorkers = !launch.agent_store;
    options.timeout = timeout;
    store = c10::make_intrusive<c10d::TCPStore>(launch.master_addr, options);
    // Keys of one attempt never meet another's (torchrun restarts workers in the same store).
    store = c10::make_intrusive<c10d::PrefixStore>(
        "/ambient/attempt_" + std::to_string(launch.restart_count), store);
  } catch (const std::exception& e) {
    throw Error(who + ": no rendezvous at MASTER_ADDR=" + launch.master_addr + " MASTER_PORT=" +
                std::to_string(launch.master_port) + " within " + std::to_string(timeout.count() / 1000) +
                " s (is rank 0 running, the address reachable, the port free?): " + e.what());
  }
  c10::intrusive_ptr<Collectives> group;
  try {
    if (device.is_cuda()) {
#ifdef USE_C10D_NCCL
      auto options = c10d::ProcessGroupNCCL::Options::create();
      options->timeout = timeout;
      group = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, launch.rank, launch.world_size, options);
#else
      throw Error("this LibTorch has no NCCL: data-parallel CUDA training needs a CUDA build of LibTorch");
#endif
    } else {
#ifndef AMBIENT_WITH_GLOO
      throw Error("this build has no Gloo (its LibTorch came without Gloo's headers): data-parallel CPU "
                  "training needs Debian's LibTorch (scripts/build.sh); train with one process or on CUDA");
#else
      auto options = c10d::ProcessGroupGloo::Options::create(timeout);
      const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
      options->devices.push_back(interface && *interface
                                     ? c10d::ProcessGroupGloo::createDeviceForInterface(interface)
                                     : c10d::ProcessGroupGloo::createDefaultDevice());
      group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, launch.rank, launch.world_size, options);
#endif
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(who + ": could not join the process group: " + e.what());
  }
  return std::make_unique<C10dGroup>(store, group, launch.rank, launch.world_size, device);
}

}  // namespace ambient::diffusion
