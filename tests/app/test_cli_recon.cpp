// The classical toolbox from the command line: masks, ESPIRiT, metrics, and the issue's
// acceptance scenario on the real fully sampled brain.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "ambient/io/formats.hpp"
#include "ambient/recon/classical.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

double psnr_from(const std::string& json_text) { return nlohmann::json::parse(json_text)["metrics"]["psnr_db"]; }

TEST(CliRecon, OnTheRealBrainAtR4CsBeatsSenseBeatsZeroFilled) {
  REQUIRE_DATA_RAW(cfl, "autoespirit-brain-8ch/brain_clean.cfl");
  TempDir dir;
  ASSERT_EQ(ambient("convert --axes kx,ky,coil " + cfl + " " + (dir / "full.h5")).exit_code, 0);
  std::map<std::string, double> psnr;
  for (const std::string method : {"zf", "sense", "cs"}) {
    const auto r = ambient("--json -q recon --method " + method + " --mask random --accel 4 --acs 24 --seed 0 "
                           "--reference auto " + (dir / "full.h5") + " -o " + (dir / (method + ".cfl")) +
                           " --metrics-json " + (dir / (method + ".json")));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    psnr[method] = psnr_from(r.output);
    std::ifstream written(dir / (method + ".json"));
    EXPECT_NEAR(nlohmann::json::parse(written)["psnr_db"].get<double>(), psnr[method], 1e-9);
  }
  EXPECT_GT(psnr["sense"], psnr["zf"] + 1) << psnr["zf"] << " " << psnr["sense"];
  EXPECT_GT(psnr["cs"], psnr["sense"] + 1) << psnr["sense"] << " " << psnr["cs"];
  // The table a person sees names the metrics.
  const auto table = ambient("recon --method zf --mask random --accel 4 --reference auto " + (dir / "full.h5") +
                             " -o " + (dir / "t.png"));
  EXPECT_NE(table.output.find("PSNR dB"), std::string::npos) << table.output;
}

TEST(CliRecon, MaskCommandPrintsTheAccelerationItAchieves) {
  TempDir dir;
  const auto r = ambient("mask --kind equispaced --accel 4 --acs 16 --size 128x96 -o " + (dir / "m.npy"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("acceleration 4.000"), std::string::npos) << r.output;
  const auto j = nlohmann::json::parse(
      ambient("--json -q mask --kind poisson --accel 6 --like " + std::string(AMBIENT_SOURCE_DIR) +
              "/data-samples/brain-8ch.h5 -o " + (dir / "p.png")).output);
  EXPECT_EQ(j["ny"], 180);
  EXPECT_NEAR(j["acceleration"].get<double>(), 6.0, 0.06);
  // A mask file drives retrospective undersampling.
  ASSERT_EQ(ambient("simulate --phantom-size 128 --coils 4 -o " + (dir / "k.h5")).exit_code, 0);
  ASSERT_EQ(ambient("mask --kind random --accel 3 --acs 12 --size 128 -o " + (dir / "r.npy")).exit_code, 0);
  const auto rec = ambient("--json -q recon --mask " + (dir / "r.npy") + " " + (dir / "k.h5") + " -o " + (dir / "x.npy"));
  ASSERT_EQ(rec.exit_code, 0) << rec.output;
  EXPECT_NEAR(nlohmann::json::parse(rec.output)["acceleration"].get<double>(), 3.0, 0.05);
}

TEST(CliRecon, EspiritMapsFeedBartPics) {
  REQUIRE_BART();
  TempDir dir;
  ASSERT_EQ(ambient("simulate --phantom-size 64 --coils 6 -o " + (dir / "k.cfl")).exit_code, 0);
  const auto e = ambient("espirit " + (dir / "k.cfl") + " -o " + (dir / "maps.cfl") + " --eigenvalues " + (dir / "ev.npy"));
  ASSERT_EQ(e.exit_code, 0) << e.output;
  // bart reconstructs with our maps; its image matches our SENSE reconstruction.
  const auto pics = run(bart() + " pics -S -l2 -r 0.001 " + (dir / "k") + " " + (dir / "maps") + " " + (dir / "bart"));
  ASSERT_EQ(pics.exit_code, 0) << pics.output;
  ASSERT_EQ(ambient("recon --method sense --lambda 0.001 --maps " + (dir / "maps.cfl") + " " + (dir / "k.cfl") +
                    " -o " + (dir / "ours.npy")).exit_code, 0);
  const at::Tensor ours = io::read_image(dir / "ours.npy").data[0];
  const at::Tensor theirs = io::read_kspace(dir / "bart.cfl").data.reshape({64, 64});
  EXPECT_LT(nrmse(ours.abs() / ours.abs().max(), theirs.abs() / theirs.abs().max()), 0.02);
}

TEST(CliRecon, LambdaAutoIsReportedAndABadLambdaIsRefused) {
  TempDir dir;
  ASSERT_EQ(ambient("simulate --phantom-size 64 --coils 4 --noise 0.01 -o " + (dir / "k.h5")).exit_code, 0);
  const std::string k = dir / "k.h5";
  // Asked to, cs and sense choose their weight and say which; cs does so by default, sense
  // keeps its fixed weight.
  std::map<std::string, double> chosen;
  for (const std::string method : {"cs --lambda auto", "sense --lambda auto", "cs", "sense"}) {
    const auto r = ambient("--json -q recon --method " + method + " --mask poisson --accel 4 --acs 16 " + k + " -o " +
                           (dir / "x.npy") + " --force");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto lambdas = nlohmann::json::parse(r.output)["lambda"];
    ASSERT_EQ(lambdas.size(), 1u) << r.output;
    chosen[method] = lambdas[0].get<double>();
    EXPECT_GT(chosen[method], 0);
  }
  // The same choice to rounding (FFTW's measured plans may differ from run to run in the last bits).
  EXPECT_NEAR(chosen["cs"], chosen["cs --lambda auto"], 1e-3 * chosen["cs --lambda auto"]);
  EXPECT_NE(chosen["cs"], recon::kCsDefaults.lambda);  // 0.005 is where the search starts, not where it ends here
  EXPECT_EQ(chosen["sense"], recon::kSenseDefaults.lambda);
  const auto fixed = ambient("--json -q recon --method cs --lambda 0.002 --mask poisson --accel 4 --acs 16 " + k +
                             " -o " + (dir / "y.npy"));
  ASSERT_EQ(fixed.exit_code, 0) << fixed.output;
  EXPECT_EQ(nlohmann::json::parse(fixed.output)["lambda"][0].get<double>(), 0.002);
  // The batch report carries each slice's weight.
  ASSERT_EQ(ambient("-q recon --method cs " + k + " -o " + (dir / "{name}-cs.npy") + " --report " + (dir / "r.csv"))
                .exit_code, 0);
  std::ifstream csv(dir / "r.csv");
  std::string header, row;
  std::getline(csv, header);
  std::getline(csv, row);
  EXPECT_EQ(header.substr(header.rfind(',') + 1), "lambda");
  EXPECT_GT(std::stod(row.substr(row.rfind(',') + 1)), 0) << row;
  for (const std::string bad : {"-1", "abc", "0.1x"}) {
    const auto r = ambient("recon --method cs --lambda " + bad + " " + k + " -o " + (dir / "z.npy"));
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("--lambda"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir / "z.npy"));
  }
}

TEST(CliRecon, MetricsCommandAndBadInput) {
  TempDir dir;
  python("import sys, numpy as np\nnp.random.seed(0)\na = np.random.rand(2, 20, 20).astype(np.float32)\n"
         "np.save(sys.argv[1], a)\nnp.save(sys.argv[2], a + 0.01)\nnp.save(sys.argv[3], a[:1])\n",
         (dir / "a.npy") + " " + (dir / "b.npy") + " " + (dir / "c.npy"));
  const auto m = ambient("--json -q metrics " + (dir / "a.npy") + " " + (dir / "b.npy"));
  ASSERT_EQ(m.exit_code, 0) << m.output;
  EXPECT_GT(nlohmann::json::parse(m.output)["psnr_db"].get<double>(), 30);
  const auto bad = ambient("metrics " + (dir / "a.npy") + " " + (dir / "c.npy"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("c.npy"), std::string::npos) << bad.output;
  // A mask that samples nothing the scan measured, and a reference that cannot exist.
  ASSERT_EQ(ambient("simulate --phantom-size 32 --coils 2 -o " + (dir / "k.h5")).exit_code, 0);
  python("import sys, numpy as np\nnp.save(sys.argv[1], np.zeros((32, 32), np.float32))\n", dir / "none.npy");
  const auto empty = ambient("recon --mask " + (dir / "none.npy") + " " + (dir / "k.h5") + " -o " + (dir / "x.png"));
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.output.find("no sample"), std::string::npos) << empty.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "x.png"));
}

TEST(CliRecon, PrewhiteningAndCoilCompression) {
  TempDir dir;
  ASSERT_EQ(ambient("simulate --phantom-size 64 --coils 8 --noise 0.01 -o " + (dir / "noisy.h5")).exit_code, 0);
  ASSERT_EQ(ambient("simulate --phantom-size 64 --coils 8 -o " + (dir / "clean.h5")).exit_code, 0);
  const auto ok = ambient("--json -q recon --method sense --prewhiten --virtual-coils 4 --mask equispaced --accel 2 "
                          "--reference auto " + (dir / "noisy.h5") + " -o " + (dir / "x.npy"));
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  const auto zf = ambient("--json -q recon --method zf --mask equispaced --accel 2 --reference auto " +
                          (dir / "noisy.h5") + " -o " + (dir / "z.npy"));
  ASSERT_EQ(zf.exit_code, 0) << zf.output;
  // Unfolding R = 2 with 4 virtual coils still beats the aliased zero-filled image.
  EXPECT_GT(nlohmann::json::parse(ok.output)["metrics"]["psnr_db"].get<double>(),
            nlohmann::json::parse(zf.output)["metrics"]["psnr_db"].get<double>() + 3);
  const auto no_noise = ambient("recon --prewhiten " + (dir / "clean.h5") + " -o " + (dir / "y.npy"));
  EXPECT_EQ(no_noise.exit_code, 1);
  EXPECT_NE(no_noise.output.find("no noise scans"), std::string::npos) << no_noise.output;
}

}  // namespace
}  // namespace ambient::test
