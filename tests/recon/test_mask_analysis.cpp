// Calibration-region and pattern detection on masks with known answers.
#include "ambient/recon/mask_analysis.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

TEST(MaskAnalysis, LineMaskWithAcs) {
  at::Tensor m = at::zeros({32, 20}, at::kBool);
  m.slice(0, 0, 32, 4).fill_(true);  // every 4th line
  m.slice(0, 12, 20).fill_(true);    // 8 ACS lines around ky = 16
  const auto r = recon::calibration_region(m);
  EXPECT_EQ(r.ky_begin, 12);
  EXPECT_EQ(r.ky_size, 9);  // line 20 is also sampled (every 4th), and joins the block
  EXPECT_EQ(r.kx_size, 20);
  EXPECT_TRUE(recon::is_line_mask(m));
}

TEST(MaskAnalysis, PointPatternWithCentreBlock) {
  at::Tensor m = at::rand({40, 50}) > 0.9;
  m.slice(0, 14, 26).slice(1, 19, 31).fill_(true);  // 12x12 block around (20, 25)
  m.slice(0, 13, 14).fill_(false), m.slice(0, 26, 27).fill_(false);
  m.slice(1, 18, 19).fill_(false), m.slice(1, 31, 32).fill_(false);
  const auto r = recon::calibration_region(m);
  EXPECT_EQ(r.ky_begin, 14);
  EXPECT_EQ(r.ky_size, 12);
  EXPECT_EQ(r.kx_begin, 19);
  EXPECT_EQ(r.kx_size, 12);
  EXPECT_FALSE(recon::is_line_mask(m));
}

TEST(MaskAnalysis, NoDcNoRegion) {
  EXPECT_TRUE(recon::calibration_region(at::zeros({8, 8}, at::kBool)).empty());
}

}  // namespace
}  // namespace ambient::test
