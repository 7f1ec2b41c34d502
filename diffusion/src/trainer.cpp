#include "ambient/diffusion/trainer.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "ambient/core/error.hpp"
#include "ambient/diffusion/distributed.hpp"

namespace ambient::diffusion {

void to_json(nlohmann::json& j, const TrainerOptions& o) {
  j = {{"learning_rate", o.learning_rate}, {"warmup_steps", o.warmup_steps}, {"lr_schedule", o.lr_schedule},
       {"min_learning_rate", o.min_learning_rate}, {"total_steps", o.total_steps}, {"grad_clip", o.grad_clip},
       {"ema_decay", o.ema_decay}, {"seed", o.seed}};
}

void from_json(const nlohmann::json& j, TrainerOptions& o) {
  j.at("learning_rate").get_to(o.learning_rate);
  j.at("warmup_steps").get_to(o.warmup_steps);
  // Checkpoints from before the schedule existed trained at a constant rate.
  o.lr_schedule = j.value("lr_schedule", std::string("constant"));
  o.min_learning_rate = j.value("min_learning_rate", 0.0);
  o.total_steps = j.value("total_steps", int64_t{0});
  j.at("grad_clip").get_to(o.grad_clip);
  j.at("ema_decay").get_to(o.ema_decay);
  j.at("seed").get_to(o.seed);
}

double learning_rate_at(const TrainerOptions& o, int64_t steps_done) {
  const double t = static_cast<double>(steps_done + 1);
  if (o.warmup_steps > 0 && t < o.warmup_steps) return o.learning_rate * t / static_cast<double>(o.warmup_steps);
  if (o.lr_schedule == "constant") return o.learning_rate;
  if (o.lr_schedule != "cosine") throw Error("unknown learning-rate schedule '" + o.lr_schedule + "' (constant, cosine)");
  const double start = std::max<double>(o.warmup_steps, 1), span = static_cast<double>(o.total_steps) - start;
  const double progress = span > 0 ? std::clamp((t - start) / span, 0.0, 1.0) : 1.0;
  return o.min_learning_rate + 0.5 * (o.learning_rate - o.min_learning_rate) * (1 + std::cos(M_PI * progress));
}

void copy_weights(EdmDenoiser& from, EdmDenoiser& to) {
  torch::NoGradGuard no_grad;
  const auto source = from->named_parameters();
  for (auto& p : to->named_parameters()) p.value().copy_(source[p.key()]);
  const auto source_buffers = from->named_buffers();
  for (auto& b : to->named_buffers()) b.value().copy_(source_buffers[b.key()]);
}

Trainer::Trainer(const UNetConfig& unet, const EdmConfig& edm, std::shared_ptr<const Objective> objective,
                 const TrainerOptions& options)
    : options_(options),
      objective_(std::move(objective)),
      generator_(at::make_generator<at::CPUGeneratorImpl>(options.seed)) {
  learning_rate_at(options, 0);  // refuses an unknown schedule before any work
  if (unet.in_channels != 2 + objective_->condition_channels())
    throw Error("the " + objective_->name() + " objective needs a network with " +
                std::to_string(2 + objective_->condition_channels()) + " input channels, not " +
                std::to_string(unet.in_channels));
  torch::manual_seed(options.seed);  // the initial weights and dropout
  model_ = EdmDenoiser(unet, edm);
  ema_ = EdmDenoiser(unet, edm);
  copy_weights(model_, ema_);
  for (auto& p : ema_->parameters()) p.set_requires_grad(false);
  ema_->eval();
  adam_ = std::make_unique<torch::optim::Adam>(model_->parameters(), torch::optim::AdamOptions(options.learning_rate));
}

double Trainer::step(const TrainingBatch& batch) {
  model_->train();
  const double rate = learning_rate_at(options_, step_);
  for (auto& group : adam_->param_groups()) group.options().set_lr(rate);
  adam_->zero_grad();
  const torch::Tensor loss = objective_->loss(model_, batch, generator_);
  double value = loss.item<double>();
  if (group_) {  // every process sees the same loss, so all stop together when it diverges
    std::vector<torch::Tensor> mean{torch::tensor({value}, torch::kDouble)};
    group_->average(mean);
    value = mean[0].item<double>();
  }
  if (!std::isfinite(value)) throw Error("training diverged: the loss is " + std::to_string(value) + " at step " +
                                         std::to_string(step_ + 1) + " (lower the learning rate?)");
  loss.backward();
  if (group_) {
    std::vector<torch::Tensor> gradients;
    for (auto& p : model_->parameters()) {
      if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);  // same layout on every rank
      gradients.push_back(p.grad());
    }
    group_->average(gradients);
  }
  if (options_.grad_clip > 0) torch::nn::utils::clip_grad_norm_(model_->parameters(), options_.grad_clip);
  adam_->step();
  ++step_;
  update_ema();
  return value;
}

void Trainer::to(torch::Device device) {
  model_->to(device);  // parameters keep their identity: Adam's references stay valid
  ema_->to(device);
  for (auto& entry : adam_->state()) {
    auto& state = static_cast<torch::optim::AdamParamState&>(*entry.second);
    state.exp_avg(state.exp_avg().to(device));
    state.exp_avg_sq(state.exp_avg_sq().to(device));
    if (state.max_exp_avg_sq().defined()) state.max_exp_avg_sq(state.max_exp_avg_sq().to(device));
  }
}

void Trainer::set_process_group(std::shared_ptr<ProcessGroup> group) {
  group_ = std::move(group);
  if (!group_) return;
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> state;
  for (auto* module : {&model_, &ema_}) {
    for (auto& p : (*module)->parameters()) state.push_back(p);
    for (auto& b : (*module)->buffers()) state.push_back(b);
  }
  group_->broadcast(state, 0);
}

void Trainer::update_ema() {
  torch::NoGradGuard no_grad;
  const double t = static_cast<double>(step_);
  const double decay = std::min(options_.ema_decay, (1 + t) / (10 + t));
  auto source = model_->parameters();
  auto average = ema_->parameters();
  for (size_t i = 0; i < average.size(); ++i) average[i].mul_(decay).add_(source[i], 1 - decay);
}

void Trainer::save(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive model, ema, adam;
  model_->save(model);
  ema_->save(ema);
  adam_->save(adam);
  archive.write("model", model);
  archive.write("ema", ema);
  archive.write("optimizer", adam);
  archive.write("step", torch::tensor(step_, torch::kLong));
  archive.write("generator", generator_.get_state());
  archive.write("global_generator", at::detail::getDefaultCPUGenerator().get_state());
}

void Trainer::load(torch::serialize::InputArchive& archive) {
  torch::serialize::InputArchive model, ema, adam;
  archive.read("model", model);
  archive.read("ema", ema);
  archive.read("optimizer", adam);
  model_->load(model);
  ema_->load(ema);
  adam_->load(adam);
  torch::Tensor step, state, global_state;
  archive.read("step", step);
  archive.read("generator", state);
  archive.read("global_generator", global_state);
  step_ = step.item<int64_t>();
  generator_.set_state(state);
  at::Generator global = at::detail::getDefaultCPUGenerator();  // a handle to the global one
  std::lock_guard<std::mutex> lock(global.mutex());
  global.set_state(global_state);
}

void Trainer::initialise_from(EdmDenoiser& weights) {
  copy_weights(weights, model_);
  copy_weights(weights, ema_);
  adam_ = std::make_unique<torch::optim::Adam>(model_->parameters(), torch::optim::AdamOptions(options_.learning_rate));
  step_ = 0;
}

}  // namespace ambient::diffusion
