#pragma once
// Data-parallel training on PyTorch's distributed engine (c10d): a TCP store at
// MASTER_ADDR:MASTER_PORT (hosted by rank 0) and a Gloo process group on CPU, NCCL with
// CUDA, launched the way torchrun, srun or plain environment variables launch any PyTorch
// job. libtorch's C++ API has no DistributedDataParallel: the trainer averages gradients
// itself (Trainer::set_process_group). c10d's headers stay inside distributed.cpp.
#include <torch/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ambient::diffusion {

struct LaunchEnvironment {
  int64_t rank = 0, world_size = 1;
  int64_t local_rank = 0, local_world_size = 1;  // processes on this machine
  std::string master_addr;
  int master_port = 0;
  // torchrun's agent already hosts the store at MASTER_ADDR:MASTER_PORT: every rank joins
  // it as a client, under a prefix per restart attempt (TORCHELASTIC_USE_AGENT_STORE).
  bool agent_store = false;
  int64_t restart_count = 0;
  bool distributed() const { return world_size > 1; }
};

// RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT (+ LOCAL_RANK, LOCAL_WORLD_SIZE) as torchrun
// sets them; else Slurm's SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID, SLURM_NTASKS_PER_NODE
// when srun starts several tasks and MASTER_ADDR is set. Neither: one process. Throws
// Error naming the variable when a set is incomplete or inconsistent.
LaunchEnvironment launch_environment();
LaunchEnvironment launch_environment(const std::function<const char*(const char*)>& getenv);

// The collective operations data-parallel training needs. Every operation waits at most the
// timeout given to connect(); a peer that died or hangs ends it with an Error that says so.
class ProcessGroup {
 public:
  // Joins the others: rank 0 hosts the store, everyone connects to it (within `timeout`).
  static std::unique_ptr<ProcessGroup> connect(const LaunchEnvironment& launch, torch::Device device,
                                               std::chrono::milliseconds timeout);
  virtual ~ProcessGroup() = default;

  virtual int64_t rank() const = 0;
  virtual int64_t world_size() const = 0;
  // In place: the mean over all processes (tensors on the group's device).
  virtual void average(std::vector<torch::Tensor>& tensors) = 0;
  // True on every process when `flag` is true on any (e.g. one process was told to stop).
  virtual bool any(bool flag) = 0;
  // In place: every process gets rank `root`'s values.
  virtual void broadcast(std::vector<torch::Tensor>& tensors, int64_t root = 0) = 0;
  // Rank 0 publishes `value` under `key`; the others wait for it (up to `timeout`) and
  // return it. For agreement checks and for letting rank 0 go first (e.g. filling a cache).
  virtual std::string share_from_root(const std::string& key, const std::string& value,
                                      std::chrono::milliseconds timeout) = 0;
};

}  // namespace ambient::diffusion
