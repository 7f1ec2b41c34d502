// `ambient recon` over many scans: a bad file in the middle is reported and skipped, a
// rerun resumes (finished scans are skipped), shards split the list, reports list every
// file and slice, and the refusals that protect outputs.
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace ambient::test {
namespace {

class BatchRecon : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir / "scans");
    for (const char* name : {"a", "c", "d"})
      ASSERT_EQ(ambient(std::string("-q simulate --phantom-size 32 --coils 4 --noise 0.01 --seed 1 -o ") +
                        (dir / "scans/") + name + ".h5").exit_code, 0);
    write_text(dir / "scans/b.h5", "not an HDF5 file");  // sorts between a and c
  }
  CommandResult recon(const std::string& extra) {
    return ambient("-q recon --method zf --mask random --accel 2 --acs 8 --reference auto " + (dir / "scans") +
                   " -o " + (dir / "out/{name}.png") + " -o " + (dir / "out/{name}.npy") + " " + extra);
  }
  nlohmann::json report() {
    std::ifstream in(dir / "report.json");
    return nlohmann::json::parse(in);
  }
  TempDir dir;
};

TEST_F(BatchRecon, ABadFileIsReportedAndTheBatchGoesOn) {
  fs::create_directories(dir / "out");
  const auto r = recon("--report " + (dir / "report.json") + " --report " + (dir / "report.csv"));
  EXPECT_EQ(r.exit_code, 1) << r.output;  // one failure: the batch fails as a whole
  EXPECT_NE(r.output.find("1 of 4 file(s) failed"), std::string::npos) << r.output;
  for (const char* name : {"a", "c", "d"}) {
    EXPECT_TRUE(fs::exists(dir / ("out/" + std::string(name) + ".png"))) << name;
    EXPECT_TRUE(fs::exists(dir / ("out/" + std::string(name) + ".npy"))) << name;
  }
  EXPECT_FALSE(fs::exists(dir / "out/b.png"));
  const auto j = report();
  EXPECT_EQ(j["done"], 3);
  EXPECT_EQ(j["failed"], 1);
  ASSERT_EQ(j["files"].size(), 4u);
  EXPECT_EQ(j["files"][1]["status"], "failed");
  EXPECT_NE(j["files"][1]["error"].get<std::string>().find("b.h5"), std::string::npos) << j["files"][1];
  EXPECT_GT(j["files"][0]["metrics"]["psnr_db"].get<double>(), 10);
  EXPECT_EQ(j["files"][0]["slice_metrics"].size(), 1u);
  // The CSV has a header, one row per slice of the good files and one for the bad one.
  std::ifstream csv(dir / "report.csv");
  std::string line;
  int rows = 0;
  std::getline(csv, line);
  EXPECT_EQ(line.rfind("input,slice,status", 0), 0u) << line;
  while (std::getline(csv, line)) ++rows;
  EXPECT_EQ(rows, 4);

  // The same command again: finished scans are skipped, the bad one fails again.
  const auto again = recon("--report " + (dir / "report.json"));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(report()["skipped"], 3);
  EXPECT_EQ(report()["done"], 0);
}

TEST_F(BatchRecon, ShardsSplitTheListAndResumeRedoesOnlyWhatIsMissing) {
  fs::remove(dir / "scans/b.h5");
  fs::create_directories(dir / "out");
  auto r = recon("--shard 0/2 --report " + (dir / "report.json"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "out/a.png"));
  EXPECT_FALSE(fs::exists(dir / "out/c.png"));
  EXPECT_TRUE(fs::exists(dir / "out/d.png"));
  EXPECT_EQ(report()["shard"], "0/2");
  // Shard 1 of 2 from a Slurm job array's environment takes the rest.
  r = run("SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=2 SLURM_ARRAY_TASK_MIN=0 " + std::string(AMBIENT_BINARY) +
          " -q recon --method zf " + (dir / "scans") + " -o " + (dir / "out/{name}.png") + " -o " +
          (dir / "out/{name}.npy"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "out/c.png"));
  // A crash between two outputs leaves one: a rerun refuses to guess, --force redoes it.
  fs::remove(dir / "out/d.npy");
  r = recon("--report " + (dir / "report.json"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(report()["files"][2]["error"].get<std::string>().find("only some outputs exist"), std::string::npos);
  r = recon("--force");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "out/d.npy"));
}

TEST_F(BatchRecon, RefusesAmbiguousOutputsAndBadShards) {
  fs::remove(dir / "scans/b.h5");
  // Several inputs into one fixed name would overwrite each other.
  auto r = ambient("-q recon --method zf " + (dir / "scans") + " -o " + (dir / "one.png"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("{name}"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "one.png"));
  // A missing output folder fails once, before any work.
  r = ambient("-q recon --method zf " + (dir / "scans") + " -o " + (dir / "nowhere/{name}.png"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("does not exist"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("failed"), std::string::npos) << r.output;
  // Two folders holding files of one name: refused in every shard, before any work.
  fs::create_directories(dir / "other");
  fs::copy_file(dir / "scans/a.h5", dir / "other/a.h5");
  fs::create_directories(dir / "out");
  for (const char* shard : {"0/2", "1/2"}) {
    r = ambient("-q recon --method zf " + (dir / "scans") + " " + (dir / "other") + " -o " + (dir / "out/{name}.png") +
                " --shard " + shard);
    EXPECT_EQ(r.exit_code, 1) << shard;
    EXPECT_NE(r.output.find("both write"), std::string::npos) << r.output;
  }
  EXPECT_TRUE(fs::is_empty(dir / "out"));
  fs::remove_all(dir / "other");
  for (const char* shard : {"2/2", "x/2", "1/0", "-1/3"}) {
    r = recon(std::string("--shard ") + shard);
    EXPECT_EQ(r.exit_code, 1) << shard;
    EXPECT_NE(r.output.find("--shard"), std::string::npos) << r.output;
  }
  // A glob that matches nothing is a typo, not an empty batch.
  r = ambient("-q recon --method zf '" + (dir / "scans/*.mrd") + "' -o " + (dir / "out/{name}.png"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("matches no file"), std::string::npos) << r.output;
  // A quoted glob expands like the shell would.
  fs::create_directories(dir / "glob");
  r = ambient("-q recon --method zf '" + (dir / "scans/[ac].h5") + "' -o " + (dir / "glob/{name}.png"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "glob/a.png") && fs::exists(dir / "glob/c.png") && !fs::exists(dir / "glob/d.png"));
}

}  // namespace
}  // namespace ambient::test
