// The launch environment's parsing, and c10d's collectives between two ranks in one
// process (two threads on loopback): averages, broadcasts and rank 0's shared values.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <future>
#include <map>

#include "ambient/core/error.hpp"
#include "ambient/diffusion/distributed.hpp"
#include "ambient/diffusion/training_set.hpp"
#include "test_support.hpp"

namespace ambient::diffusion {
namespace {

LaunchEnvironment parse(const std::map<std::string, std::string>& variables) {
  return launch_environment([&](const char* name) -> const char* {
    const auto it = variables.find(name);
    return it == variables.end() ? nullptr : it->second.c_str();
  });
}

TEST(LaunchEnvironment, ReadsTorchrunAndSlurmAndRefusesHalfSettings) {
  EXPECT_FALSE(parse({}).distributed());
  const auto t = parse({{"RANK", "1"}, {"WORLD_SIZE", "4"}, {"LOCAL_RANK", "1"}, {"LOCAL_WORLD_SIZE", "2"},
                        {"MASTER_ADDR", "node1"}, {"MASTER_PORT", "1234"}});
  EXPECT_EQ(t.rank, 1);
  EXPECT_EQ(t.world_size, 4);
  EXPECT_EQ(t.local_world_size, 2);
  EXPECT_EQ(t.master_addr, "node1");
  EXPECT_EQ(t.master_port, 1234);
  const auto s = parse({{"SLURM_PROCID", "3"}, {"SLURM_NTASKS", "4"}, {"SLURM_NTASKS_PER_NODE", "2"},
                        {"MASTER_ADDR", "node1"}});
  EXPECT_EQ(s.rank, 3);
  EXPECT_EQ(s.world_size, 4);
  EXPECT_EQ(s.master_port, 29500);  // torchrun's default
  // A Slurm job of one task per node pair without MASTER_ADDR is not a data-parallel launch.
  EXPECT_FALSE(parse({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "4"}}).distributed());
  EXPECT_THROW(parse({{"WORLD_SIZE", "2"}}), Error);
  EXPECT_THROW(parse({{"RANK", "0"}}), Error);
  EXPECT_THROW(parse({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}}), Error);
  EXPECT_THROW(parse({{"RANK", "0"}, {"WORLD_SIZE", "2"}}), Error);  // no MASTER_ADDR
  EXPECT_THROW(parse({{"RANK", "x"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}}), Error);
  EXPECT_THROW(parse({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "a"}, {"MASTER_PORT", "70000"}}), Error);
}

TEST(ProcessGroup, AveragesBroadcastsAndSharesBetweenTwoRanks) {
  const int port = test::free_port();
  auto rank = [port](int64_t r) {
    LaunchEnvironment e;
    e.rank = r, e.world_size = 2, e.master_addr = "127.0.0.1", e.master_port = port;
    auto group = ProcessGroup::connect(e, torch::kCPU, std::chrono::seconds(30));
    std::vector<torch::Tensor> grads{torch::full({2, 3}, 1.0 + 2.0 * r), torch::full({4}, 10.0 * r)};
    group->average(grads);
    std::vector<torch::Tensor> weights{torch::full({5}, 7.0 + r)};
    group->broadcast(weights, 0);
    const std::string shared = group->share_from_root("key", r == 0 ? "from rank 0" : "", std::chrono::seconds(30));
    return std::make_tuple(grads, weights, shared);
  };
  auto second = std::async(std::launch::async, rank, 1);
  const auto [g0, w0, s0] = rank(0);
  const auto [g1, w1, s1] = second.get();
  for (const auto* g : {&g0, &g1}) {
    EXPECT_TRUE(torch::allclose((*g)[0], torch::full({2, 3}, 2.0)));  // (1 + 3) / 2
    EXPECT_TRUE(torch::allclose((*g)[1], torch::full({4}, 5.0)));     // (0 + 10) / 2
  }
  EXPECT_TRUE(torch::equal(w1[0], torch::full({5}, 7.0)));  // rank 0's
  EXPECT_EQ(s1, "from rank 0");
}

TEST(BatchLoader, RanksShareEachGlobalBatchInOrder) {
  TrainingSet set;
  set.images = torch::arange(10, torch::kFloat).reshape({10, 1, 1, 1}).expand({10, 2, 2, 2}).contiguous();
  BatchLoader whole(set, 4, 7, torch::kCPU);
  BatchLoader first(set, 4, 7, torch::kCPU, 0, 2), second(set, 4, 7, torch::kCPU, 1, 2);
  for (int64_t step : {0, 1, 2, 3}) {
    const TrainingBatch all = whole.get(step), a = first.get(step), b = second.get(step);
    EXPECT_TRUE(torch::equal(torch::cat({a.images, b.images}), all.images)) << step;
    EXPECT_EQ(a.offset, 0);
    EXPECT_EQ(b.offset, 2);
    EXPECT_EQ(b.global_size, 4);
  }
  EXPECT_THROW(BatchLoader(set, 3, 7, torch::kCPU, 0, 2), Error);
}

}  // namespace
}  // namespace ambient::diffusion
