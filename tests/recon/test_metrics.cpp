// Metrics against scikit-image and fastMRI's definitions, computed by Debian's python3-skimage
// on the same arrays.
#include <cmath>
#include <sstream>

#include "ambient/io/npy.hpp"
#include "ambient/recon/metrics.hpp"
#include "test_support.hpp"

namespace ambient::test {
namespace {

// fastMRI evaluate.py's nmse/psnr/ssim, written out with scikit-image's functions.
const char* kFastmriMetrics = R"(
import sys, numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity
gt, pred = np.load(sys.argv[1]).astype(np.float64), np.load(sys.argv[2]).astype(np.float64)
nmse = np.linalg.norm(gt - pred) ** 2 / np.linalg.norm(gt) ** 2
psnr = peak_signal_noise_ratio(gt, pred, data_range=gt.max())
ssim = np.mean([structural_similarity(gt[s], pred[s], data_range=gt.max()) for s in range(gt.shape[0])])
ssim_slice = np.mean([structural_similarity(gt[s], pred[s], data_range=gt[s].max()) for s in range(gt.shape[0])])
print(repr(nmse), repr(psnr), repr(ssim), repr(ssim_slice))
)";

TEST(Metrics, MatchScikitImageAndFastmri) {
  TempDir dir;
  const at::Tensor gt = at::rand({3, 40, 33}) * at::linspace(0.2, 1, 3).view({3, 1, 1});
  const at::Tensor pred = (gt + 0.05 * at::randn({3, 40, 33})).abs();
  io::write_npy(dir / "gt.npy", gt, false);
  io::write_npy(dir / "pred.npy", pred, false);
  std::istringstream theirs(python(kFastmriMetrics, (dir / "gt.npy") + " " + (dir / "pred.npy")));
  double nmse, psnr, ssim, ssim_slice;
  theirs >> nmse >> psnr >> ssim >> ssim_slice;
  const recon::Metrics ours = recon::compare_images(gt, pred);
  EXPECT_NEAR(ours.nmse, nmse, 1e-6 * nmse);
  EXPECT_NEAR(ours.psnr, psnr, 1e-6);
  EXPECT_NEAR(ours.ssim, ssim, 1e-7);
  EXPECT_NEAR(ours.nrmse, std::sqrt(nmse), 1e-6);
  recon::MetricOptions per_slice;
  per_slice.per_slice_range = true;
  EXPECT_NEAR(recon::compare_images(gt, pred, per_slice).ssim, ssim_slice, 1e-7);
}

TEST(Metrics, IdenticalImagesAndCentreCrop) {
  const at::Tensor a = at::rand({1, 30, 30});
  const recon::Metrics same = recon::compare_images(a, a);
  EXPECT_EQ(same.nmse, 0);
  EXPECT_NEAR(same.ssim, 1.0, 1e-12);
  at::Tensor b = a.clone();
  b[0][0][0] += 5;  // corrupt the border only
  recon::MetricOptions crop;
  crop.crop_y = crop.crop_x = 20;
  EXPECT_EQ(recon::compare_images(a, b, crop).nmse, 0);
  EXPECT_GT(recon::compare_images(a, b).nmse, 0);
}

}  // namespace
}  // namespace ambient::test
