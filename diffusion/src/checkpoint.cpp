#include "ambient/diffusion/checkpoint.hpp"

#include <torch/torch.h>

#include "ambient/core/error.hpp"

namespace ambient::diffusion {

namespace {
constexpr const char* kFormat = "ambient-prior";
constexpr int kVersion = 1;
torch::ScalarType weights_type(const nlohmann::json& name) {
  for (const auto type : {torch::kFloat, torch::kHalf, torch::kBFloat16, torch::kDouble})
    if (name == c10::toString(type)) return type;
  throw Error("stores its weights as " + name.dump() + ", a type this Ambient does not read");
}
}  // namespace

std::shared_ptr<const Objective> make_objective(const nlohmann::json& d) {
  const std::string name = d.at("name").get<std::string>();
  if (name == "clean") return std::make_shared<CleanObjective>();
  if (name == "tweedie") return std::make_shared<TweedieObjective>(d.value("consistency_weight", 0.0));
  if (name == "ambient")
    return std::make_shared<AmbientObjective>(d.at("extra_acceleration").get<double>(),
                                              d.at("calibration").get<int64_t>());
  throw Error("unknown training objective '" + name + "' (clean, ambient or tweedie)");
}

void save_checkpoint(std::ostream& out, const Trainer& trainer, const nlohmann::json& extra,
                     const torch::Tensor& sampling_maps) {
  Trainer& t = const_cast<Trainer&>(trainer);  // Module accessors are not const; nothing changes
  nlohmann::json d = extra.is_object() ? extra : nlohmann::json::object();
  d["format"] = kFormat;
  d["version"] = kVersion;
  d["unet"] = t.model()->network()->config();
  d["edm"] = t.model()->edm();
  d["objective"] = trainer.objective().describe();
  d["trainer"] = trainer.options();
  d["step"] = trainer.steps_done();
  int64_t parameters = 0;
  for (const auto& p : t.model()->parameters()) parameters += p.numel();
  d["parameters"] = parameters;
  torch::serialize::OutputArchive archive;
  archive.write("description", c10::IValue(d.dump()));
  trainer.save(archive);
  if (sampling_maps.defined()) archive.write("sampling_maps", sampling_maps);
  archive.save_to(out);
  if (!out) throw Error("could not write the checkpoint");
}

void save_prior(std::ostream& out, const Prior& prior, torch::ScalarType weights) {
  nlohmann::json d = prior.description;
  d["training_state"] = false;
  d["weights"] = std::string(c10::toString(weights));
  // A copy in the storage type: the caller's prior keeps its float weights.
  EdmDenoiser stored(d.at("unet").get<UNetConfig>(), d.at("edm").get<EdmConfig>());
  {
    torch::NoGradGuard no_grad;
    const auto source = prior.denoiser->named_parameters();
    for (auto& p : stored->named_parameters()) p.value().copy_(source[p.key()]);
    const auto source_buffers = prior.denoiser->named_buffers();
    for (auto& b : stored->named_buffers()) b.value().copy_(source_buffers[b.key()]);
  }
  stored->to(torch::kCPU, weights);
  torch::serialize::OutputArchive archive, ema;
  archive.write("description", c10::IValue(d.dump()));
  stored->save(ema);
  archive.write("ema", ema);
  if (prior.sampling_maps.defined())  // (re, im) pairs in the weights' type: no complex half in LibTorch 1.13
    archive.write("sampling_maps_pairs", torch::view_as_real(prior.sampling_maps.to(torch::kCPU)).to(weights));
  archive.save_to(out);
  if (!out) throw Error("could not write the prior");
}

struct Checkpoint::Archive {
  torch::serialize::InputArchive archive;
};

Checkpoint::~Checkpoint() = default;

Checkpoint::Checkpoint(std::istream& in) : archive_(std::make_unique<Archive>()) {
  try {
    archive_->archive.load_from(in);
  } catch (const c10::Error&) {
    throw Error("is not an Ambient prior (not a LibTorch archive)");
  }
  c10::IValue text;
  if (!archive_->archive.try_read("description", text) || !text.isString())
    throw Error("is not an Ambient prior (a LibTorch archive without a description)");
  try {
    description_ = nlohmann::json::parse(text.toStringRef());
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("has a damaged description: ") + e.what());
  }
  if (description_.value("format", "") != kFormat) throw Error("is not an Ambient prior");
  if (description_.value("version", 0) > kVersion)
    throw Error("was written by a newer Ambient (prior format " + description_["version"].dump() + ")");
}

std::unique_ptr<Trainer> Checkpoint::trainer() {
  if (!has_training_state())
    throw Error("holds a prior without its training state (written by ambient export-prior): it cannot be "
                "resumed; fine-tune it instead");
  try {
    auto t = std::make_unique<Trainer>(description_.at("unet").get<UNetConfig>(),
                                       description_.at("edm").get<EdmConfig>(),
                                       make_objective(description_.at("objective")),
                                       description_.at("trainer").get<TrainerOptions>());
    t->load(archive_->archive);
    return t;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("has an incomplete description: ") + e.what());
  } catch (const c10::Error& e) {
    throw Error(std::string("does not match its own description: ") + e.what_without_backtrace());
  }
}

Prior Checkpoint::prior(torch::Device device) {
  Prior p;
  p.description = description_;
  try {
    p.objective = make_objective(description_.at("objective"));
    p.denoiser = EdmDenoiser(description_.at("unet").get<UNetConfig>(), description_.at("edm").get<EdmConfig>());
    torch::serialize::InputArchive ema;
    archive_->archive.read("ema", ema);
    // Archives load into modules of their own type (exported priors: half precision).
    if (description_.contains("weights")) p.denoiser->to(weights_type(description_["weights"]));
    p.denoiser->load(ema);
    torch::Tensor maps;
    if (archive_->archive.try_read("sampling_maps", maps)) p.sampling_maps = maps.to(device);
    else if (archive_->archive.try_read("sampling_maps_pairs", maps))
      p.sampling_maps = torch::view_as_complex(maps.to(torch::kFloat).contiguous()).to(device);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("has an incomplete description: ") + e.what());
  } catch (const c10::Error& e) {
    throw Error(std::string("does not match its own description: ") + e.what_without_backtrace());
  }
  for (auto& q : p.denoiser->parameters()) q.set_requires_grad(false);
  p.denoiser->to(device, torch::kFloat);  // exported priors store half-precision weights
  p.denoiser->eval();
  return p;
}

recon::EspiritOptions training_espirit_options(const nlohmann::json& d, const recon::EspiritOptions& fallback) {
  if (!d.contains("data") || !d["data"].contains("options") || !d["data"]["options"].contains("espirit"))
    return fallback;
  const nlohmann::json& e = d["data"]["options"]["espirit"];
  recon::EspiritOptions o = fallback;
  o.kernel = e.value("kernel", o.kernel);
  o.calibration = e.value("calibration", o.calibration);
  o.threshold = e.value("threshold", o.threshold);
  o.crop = e.value("crop", o.crop);
  o.rotate_phase = e.value("rotate_phase", o.rotate_phase);
  o.absorb_phase = e.value("absorb_phase", false);  // priors from before it existed saw the maps' own phase
  return o;
}

}  // namespace ambient::diffusion
