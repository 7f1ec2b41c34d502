// `ambient recon --method adps|dps|aos` end to end with tiny priors trained by the CLI: the
// mean, the uncertainty map and every sample are written; a prior of the wrong kind, a file
// that is not a prior and a missing --prior are refused, naming the file.
#include <ATen/ATen.h>
#include <torch/cuda.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "ambient/io/formats.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

namespace ambient::test {
namespace {

class PosteriorRecon : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir = new TempDir;
    fs::create_directories(*dir / "data");
    ASSERT_EQ(ambient("-q simulate --phantom-size 32 --coils 4 --noise 0.01 --seed 1 -o " + (*dir / "data/scan.h5"))
                  .exit_code, 0);
    write_text(*dir / "net.json", R"({"in_channels": 4, "out_channels": 2, "base_channels": 8,
      "channel_mult": [1, 2], "blocks_per_level": 1, "attention_levels": [], "dropout": 0})");
    const std::string common = " " + (*dir / "data") + " --cache " + (*dir / "cache") + " --kernel 4 --batch 2 " +
                               "--steps 2 --sample-count 1 --network " + (*dir / "net.json");
    auto r = ambient("-q train" + common + " --run " + (*dir / "ambient") + " --mask random --accel 2 --acs 8");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    r = ambient("-q train" + common + " --run " + (*dir / "clean") + " --objective clean");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  static void TearDownTestSuite() { delete dir; }
  static std::string recon(const std::string& args) {
    return "-q recon --mask random --accel 3 --acs 8 --kernel 4 " + (*dir / "data/scan.h5") + " " + args;
  }
  static TempDir* dir;
};
TempDir* PosteriorRecon::dir = nullptr;

TEST_F(PosteriorRecon, AdpsWritesTheMeanTheUncertaintyAndEverySample) {
  const auto r = ambient(recon("--method adps --prior " + (*dir / "ambient/checkpoint.pt") +
                               " --samples 3 --steps 4 --reference auto -o " + (*dir / "mean.npy") +
                               " --uncertainty " + (*dir / "std.npy") + " --save-samples " + (*dir / "all.npy")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  io::ReadOptions read;
  const at::Tensor mean = io::read_image(*dir / "mean.npy", read).data;
  const at::Tensor spread = io::read_image(*dir / "std.npy", read).data;
  const at::Tensor all = io::read_image(*dir / "all.npy", read).data;
  EXPECT_EQ(mean.sizes(), (std::vector<int64_t>{1, 32, 32}));
  EXPECT_EQ(spread.sizes(), mean.sizes());
  EXPECT_EQ(all.sizes(), (std::vector<int64_t>{3, 32, 32}));
  EXPECT_TRUE(at::isfinite(at::abs(mean)).all().item<bool>());
  // The mean is the samples' mean, the uncertainty their standard deviation.
  EXPECT_LT(nrmse(mean, all.mean(0, true)), 1e-4);
  const at::Tensor expected = at::sqrt(at::abs(all - all.mean(0, true)).pow(2).mean(0, true));
  EXPECT_LT(nrmse(at::abs(spread), expected), 1e-4);
  EXPECT_GT(at::abs(spread).max().item<double>(), 0);
}

TEST_F(PosteriorRecon, SeedsMakeRunsReproducible) {
  for (const char* name : {"one.npy", "two.npy"})
    ASSERT_EQ(ambient(recon("--method adps --prior " + (*dir / "ambient/checkpoint.pt") +
                            " --samples 2 --steps 3 --sample-seed 7 -o " + (*dir / name))).exit_code, 0);
  io::ReadOptions read;
  EXPECT_EQ(nrmse(io::read_image(*dir / "one.npy", read).data, io::read_image(*dir / "two.npy", read).data), 0);
}

TEST_F(PosteriorRecon, TheBundledPriorsServeEveryMethodWithoutPrior) {
  // data-samples/priors/: the ambient prior for adps and aos, the clean one for dps, on the
  // bundled Colin27 scan.
  const std::string scan = std::string(AMBIENT_SOURCE_DIR) + "/data-samples/colin27-axial-8ch.h5";
  for (const std::string method : {"aos", "adps", "dps"}) {
    const auto r = run("env -u AMBIENT_DEFAULT_PRIOR -u AMBIENT_DEFAULT_CLEAN_PRIOR " + std::string(AMBIENT_BINARY) +
                       " -q recon --mask random --accel 8 --acs 12 " + scan + " --method " + method +
                       " --samples 1 --steps 2 -o " + (*dir / (method + "-bundled.npy")));
    EXPECT_EQ(r.exit_code, 0) << method << ": " << r.output;
  }
}

TEST_F(PosteriorRecon, BfloatPrecisionGivesTheFloatImage) {
  for (const char* precision : {"float32", "bfloat16"})
    ASSERT_EQ(ambient(recon("--method adps --prior " + (*dir / "ambient/checkpoint.pt") + " --samples 2 --steps 3 " +
                            "--precision " + precision + " -o " + (*dir / (std::string(precision) + ".npy"))))
                  .exit_code,
              0);
  io::ReadOptions read;
  EXPECT_LT(nrmse(io::read_image(*dir / "bfloat16.npy", read).data, io::read_image(*dir / "float32.npy", read).data),
            1e-2);
  const auto r = ambient(recon("--method adps --precision half -o " + (*dir / "half.npy")));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("precision"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(*dir / "half.npy"));
}

TEST_F(PosteriorRecon, DpsKeepsTheFixedStepUnlessOneIsGiven) {
  // A clean prior samples with clean_prior_dc_step's settings by default, adps's when asked.
  const std::string dps = "--method dps --prior " + (*dir / "clean/checkpoint.pt") + " --samples 2 --steps 3 ";
  const std::vector<std::pair<std::string, std::string>> runs = {
      {"default.npy", ""},
      {"fixed.npy", "--step-lambda 0.05 --step-iterations 5 --eta 0.5 "},
      {"misfit.npy", "--step-lambda auto --step-iterations 10 --eta 0.25 "}};
  for (const auto& [name, options] : runs)
    ASSERT_EQ(ambient(recon(dps + options + "-o " + (*dir / name))).exit_code, 0) << name;
  io::ReadOptions read;
  const auto image = [&](const char* name) { return io::read_image(*dir / name, read).data; };
  EXPECT_EQ(nrmse(image("default.npy"), image("fixed.npy")), 0);
  EXPECT_GT(nrmse(image("default.npy"), image("misfit.npy")), 1e-4);
  // Each slice's step weight is reported as cs reports its lambda: dps's fixed one, adps's from the scan.
  auto r = ambient("--json " + recon(dps + "-o " + (*dir / "json-dps.npy")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(nlohmann::json::parse(r.output)["lambda"], nlohmann::json::array({0.05})) << r.output;
  r = ambient("--json " + recon("--method adps --prior " + (*dir / "ambient/checkpoint.pt") +
                                " --samples 2 --steps 3 -o " + (*dir / "json-adps.npy")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto lambda = nlohmann::json::parse(r.output)["lambda"];
  ASSERT_EQ(lambda.size(), 1u) << r.output;
  EXPECT_GT(lambda[0].get<double>(), 0);
  EXPECT_NE(lambda[0].get<double>(), 0.05);
}

TEST_F(PosteriorRecon, AWeakAutomaticStepWeightGetsMoreIterations) {
  // A quiet scan, which its coil maps fit closely, gets a weak step weight, and with it
  // 10 sqrt(0.02 / lambda) CG iterations a step (step_iterations) unless a count is given.
  ASSERT_EQ(ambient("-q simulate --phantom-size 32 --coils 4 --noise 0.0005 --seed 2 -o " + (*dir / "quiet.h5"))
                .exit_code, 0);
  const std::string adps = "--json -q recon --mask random --accel 3 --acs 8 --kernel 4 " + (*dir / "quiet.h5") +
                           " --method adps --prior " + (*dir / "ambient/checkpoint.pt") + " --samples 2 --steps 3 ";
  auto r = ambient(adps + "-o " + (*dir / "quiet-default.npy"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const double lambda = nlohmann::json::parse(r.output)["lambda"][0].get<double>();
  const long expected = std::min(40L, std::lround(10 * std::sqrt(0.02 / lambda)));
  ASSERT_GT(expected, 10) << "lambda " << lambda;
  for (const long n : {10L, expected})
    ASSERT_EQ(ambient(adps + "--step-iterations " + std::to_string(n) + " -o " + (*dir / ("quiet-" + std::to_string(n) + ".npy")))
                  .exit_code, 0);
  io::ReadOptions read;
  const auto image = [&](const std::string& name) { return io::read_image(*dir / name, read).data; };
  // The same run to rounding (FFTW's measured plans may differ in the last bits); 10 iterations
  // differ by about 0.007 here.
  EXPECT_LT(nrmse(image("quiet-default.npy"), image("quiet-" + std::to_string(expected) + ".npy")), 1e-4);
  EXPECT_GT(nrmse(image("quiet-default.npy"), image("quiet-10.npy")), 1e-3);
}

TEST_F(PosteriorRecon, DpsAndAosRunWithTheirPriors) {
  auto r = ambient(recon("--method dps --prior " + (*dir / "clean/checkpoint.pt") + " --samples 2 --steps 3 -o " +
                         (*dir / "dps.npy")));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = ambient("--json " + recon("--method aos --prior " + (*dir / "ambient/checkpoint.pt") + " -o " +
                                (*dir / "aos.npy")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"network_evaluations_per_slice\": 1"), std::string::npos) << r.output;
  // aos is one deterministic estimate: no uncertainty map to write.
  r = ambient(recon("--method aos --prior " + (*dir / "ambient/checkpoint.pt") + " -o " + (*dir / "aos2.npy") +
                    " --uncertainty " + (*dir / "aos-std.npy")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(fs::exists(*dir / "aos2.npy"));
}

TEST_F(PosteriorRecon, RefusesTheWrongPriorNamingTheFile) {
  const std::string clean = *dir / "clean/checkpoint.pt";
  auto r = ambient(recon("--method adps --prior " + clean + " -o " + (*dir / "x.npy")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find(clean), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ambient prior"), std::string::npos) << r.output;
  const std::string missing = *dir / "no-such-default.pt";
  for (const std::string method : {"adps", "dps"}) {  // each method's own default, named when missing
    const std::string variable = method == "dps" ? "AMBIENT_DEFAULT_CLEAN_PRIOR=" : "AMBIENT_DEFAULT_PRIOR=";
    r = run(variable + missing + " " + AMBIENT_BINARY + " " + recon("--method " + method + " -o " + (*dir / "x.npy")));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.output.find(missing), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("--prior"), std::string::npos) << r.output;
  }
  // dps's default comes from its own variable (a clean prior; adps refused that one above).
  r = run("AMBIENT_DEFAULT_CLEAN_PRIOR=" + clean + " " + AMBIENT_BINARY + " " +
          recon("--method dps --samples 1 --steps 2 -o " + (*dir / "dps-default.npy")));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  write_text(*dir / "fake.pt", "not a checkpoint");
  r = ambient(recon("--method adps --prior " + (*dir / "fake.pt") + " -o " + (*dir / "x.npy")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("fake.pt"), std::string::npos) << r.output;
  r = ambient(recon("--method cs --prior " + clean + " -o " + (*dir / "x.npy")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(fs::exists(*dir / "x.npy"));
}

TEST_F(PosteriorRecon, DevicesAreCheckedBeforeAnyWork) {
  const std::string prior = " --method adps --prior " + (*dir / "ambient/checkpoint.pt") + " -o " + (*dir / "d.npy");
  auto r = ambient(recon("--device tpu" + prior));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("is not a device"), std::string::npos) << r.output;
  if (!torch::cuda::is_available()) {
    r = ambient(recon("--device cuda" + prior));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.output.find("no CUDA"), std::string::npos) << r.output;
  }
  EXPECT_FALSE(fs::exists(*dir / "d.npy"));
  r = ambient(recon("--device cpu --steps 2" + prior));
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_F(PosteriorRecon, KSpaceWithoutACSIsRefusedNamingTheScan) {
  const auto r = ambient("-q recon --mask random --accel 3 --acs 0 " + (*dir / "data/scan.h5") + " --method adps --prior " +
                         (*dir / "ambient/checkpoint.pt") + " -o " + (*dir / "noacs.npy"));
  EXPECT_EQ(r.exit_code, 1);
  // No centre at all, or one too small for ESPIRiT's kernel (random lines may touch the centre).
  EXPECT_NE(r.output.find("scan.h5: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("fully sampled centre"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(*dir / "noacs.npy"));
}

// A scan the network cannot take as it is (31 x 31 against a factor of 2) is padded in
// k-space and the result comes back on the scan's own grid.
TEST_F(PosteriorRecon, OddSizedScanIsPaddedAndCroppedBack) {
  ASSERT_EQ(ambient("-q simulate --phantom-size 31 --coils 4 --noise 0.01 --seed 2 -o " + (*dir / "odd.h5")).exit_code, 0);
  const auto r = ambient("-q recon --mask random --accel 3 --acs 8 --kernel 4 " + (*dir / "odd.h5") +
                         " --method adps --prior " + (*dir / "ambient/checkpoint.pt") +
                         " --samples 2 --steps 3 --reference auto -o " + (*dir / "odd.npy") +
                         " --uncertainty " + (*dir / "odd-std.npy"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  io::ReadOptions read;
  const at::Tensor mean = io::read_image(*dir / "odd.npy", read).data;
  EXPECT_EQ(mean.sizes(), (std::vector<int64_t>{1, 31, 31}));
  EXPECT_EQ(io::read_image(*dir / "odd-std.npy", read).data.sizes(), mean.sizes());
  EXPECT_TRUE(at::isfinite(at::abs(mean)).all().item<bool>());
}

// An exported prior (half-precision averaged weights, no optimiser state) reconstructs as
// its checkpoint does, serves as the default prior, fine-tunes, and refuses to resume.
TEST_F(PosteriorRecon, ExportedPriorServesAsTheDefaultAndFineTunes) {
  const std::string checkpoint = *dir / "ambient/checkpoint.pt", exported = *dir / "exported.pt";
  auto r = ambient("-q export-prior " + checkpoint + " -o " + exported);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_LT(fs::file_size(exported), fs::file_size(checkpoint) / 3);
  r = ambient("-q export-prior " + checkpoint + " -o " + exported);  // no silent overwrite
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("exported.pt"), std::string::npos) << r.output;
  r = ambient("--json info " + exported);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"training_state\": false"), std::string::npos) << r.output;

  const std::string sampler = " --samples 2 --steps 3 --sample-seed 5 -o ";
  r = ambient(recon("--method adps --prior " + checkpoint + sampler + (*dir / "from-checkpoint.npy")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run("AMBIENT_DEFAULT_PRIOR=" + exported + " " + AMBIENT_BINARY + " " +
          recon("--method adps" + sampler + (*dir / "from-default.npy")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  io::ReadOptions read;
  const at::Tensor a = io::read_image(*dir / "from-checkpoint.npy", read).data;
  const at::Tensor b = io::read_image(*dir / "from-default.npy", read).data;
  EXPECT_GT(nrmse(a, b), 0);       // half-precision weights: close, not equal
  EXPECT_LT(nrmse(a, b), 2e-2);

  const std::string common = " " + (*dir / "data") + " --cache " + (*dir / "cache") + " --kernel 4 --batch 2 " +
                             "--sample-count 1 --mask random --accel 2 --acs 8 --run ";
  r = ambient("-q finetune --from " + exported + common + (*dir / "tuned") + " --steps 1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  fs::create_directories(*dir / "resumed");
  fs::copy_file(exported, *dir / "resumed/checkpoint.pt");
  r = ambient("-q train" + common + (*dir / "resumed") + " --steps 2 --resume");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("cannot be resumed"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ambient::test
