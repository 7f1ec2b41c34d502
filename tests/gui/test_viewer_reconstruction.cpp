// Reconstructions from the viewer: the dialog's fields, progress and title texts, jobs in
// the background (finished, cancelled, failed, window closed) and the README's tour.
#include <ATen/ATen.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>

#include "ambient/io/formats.hpp"
#include "ambient/recon/classical.hpp"
#include "viewer_fixture.hpp"
#include "widgets/recon_dialog.hpp"
#include "widgets/recon_runner.hpp"

namespace ambient::gui {
namespace {

TEST_F(Viewer, DialogAsksSlicesWeightAndIterationsInPlainWords) {
  ReconDialog dialog(QString::fromStdString(scan));
  auto* method = dialog.findChildren<QComboBox*>()[0];
  for (int i = 0; i < method->count(); ++i)
    EXPECT_FALSE(method->itemText(i).contains("--")) << method->itemText(i).toStdString();
  auto* automatic = dialog.findChild<QCheckBox*>();
  ASSERT_TRUE(automatic);
  method->setCurrentIndex(method->findData("cs"));
  EXPECT_TRUE(automatic->isChecked());  // cs's default weight is chosen from the scan
  method->setCurrentIndex(method->findData("sense"));
  EXPECT_FALSE(automatic->isChecked());  // sense's is fixed
  auto* slices = dialog.findChildren<QLineEdit*>()[0];
  slices->setText("1:3");
  automatic->setChecked(true);
  jobs::ReconRequest r = dialog.request();
  EXPECT_EQ(r.slices, "1:3");
  EXPECT_TRUE(r.options.automatic_lambda);
  EXPECT_FALSE(r.options.lambda);
  EXPECT_EQ(r.options.iterations, recon::kSenseDefaults.iterations);
  automatic->setChecked(false);
  r = dialog.request();
  EXPECT_EQ(r.options.lambda, recon::kSenseDefaults.lambda);
  // Carried over to the next dialog as the user left it.
  r.options.lambda = 0.02;
  ReconDialog again(QString::fromStdString(scan));
  again.set_request(r);
  EXPECT_EQ(again.request().options.lambda, 0.02);
  EXPECT_EQ(again.request().slices, "1:3");
}

TEST(ViewerText, ProgressSaysSliceAndTimeLeftAndTitlesNameTheMask) {
  EXPECT_EQ(progress_text("posterior sampling", 25, 100, "slice 2/4, residual 0.1", 10),
            "posterior sampling 25 %, slice 2/4, about 30 s left");
  EXPECT_EQ(progress_text("l1-wavelet", 0, 300, "", 0), "l1-wavelet 0 %");
  jobs::ReconRequest r;
  r.method = "cs";
  r.mask.pattern = "poisson", r.mask.options.acceleration = 6, r.mask.options.calibration = 16, r.mask.options.seed = 7;
  jobs::ReconSummary summary;
  summary.acceleration = 5.8;
  summary.lambdas = {0.005};
  EXPECT_EQ(result_title(r, summary), "cs poisson R 6 ACS 16 seed 7 λ 0.005");
  r.mask.pattern.clear();
  r.options.automatic_lambda = true;
  EXPECT_EQ(result_title(r, summary), "cs as acquired (R 5.8) λ auto");
}

jobs::ReconRequest zero_filled_r4(const std::string& scan) {
  jobs::ReconRequest r;
  r.input = scan;
  r.method = "zf";
  r.mask.pattern = "random";
  r.mask.options.acceleration = 4;
  r.mask.options.calibration = 8;
  return r;
}

TEST_F(Viewer, ReconstructionRunsInTheBackgroundAndOpensItsResult) {
  open(scan);
  EXPECT_EQ(window.scan_path(), QString::fromStdString(scan));
  QSignalSpy ended(&window, &MainWindow::reconstruction_ended);
  ASSERT_TRUE(window.start_reconstruction(zero_filled_r4(scan)));
  EXPECT_FALSE(window.start_reconstruction(zero_filled_r4(scan)));  // one at a time
  ASSERT_TRUE(wait_for_job(ended));
  EXPECT_TRUE(ended.takeFirst().at(0).toBool());
  ASSERT_EQ(window.panels().size(), 2u);
  ImagePanel* result = window.panels().back();
  EXPECT_EQ(result->title(), "zf random R 4 ACS 8 seed 0");
  ASSERT_TRUE(related_of_kind(result->state(), ViewKind::mask));
  // The same request through the CLI gives the same image: one pipeline.
  const auto cli = test::ambient("recon " + scan + " -o " + (dir / "zf.nii") +
                                 " --method zf --mask random --accel 4 --acs 8");
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  const io::ImageVolume cli_image = io::read_image(dir / "zf.nii");
  const at::Tensor expected = at::abs(cli_image.data);
  EXPECT_LT(test::nrmse(at::abs(result->state().array.data), expected), 1e-6);
  // Saved from the viewer: the same image and voxel sizes as the CLI wrote.
  ASSERT_TRUE(window.save_panel(result, QString::fromStdString(dir / "gui.nii")));
  const io::ImageVolume saved = io::read_image(dir / "gui.nii");
  EXPECT_LT(test::nrmse(at::abs(saved.data), expected), 1e-6);
  EXPECT_EQ(saved.voxel_mm, cli_image.voxel_mm);
  window.select(result);
  ImagePanel* mask = window.show_related(ViewKind::mask);
  ASSERT_TRUE(mask);
  EXPECT_FALSE(window.save_panel(mask, QString::fromStdString(dir / "mask.npy")));  // [slice, ky, kx]
  EXPECT_TRUE(window.last_error().contains("only images")) << window.last_error().toStdString();
}

jobs::ReconRequest endless_cs(const std::string& scan) {
  jobs::ReconRequest r = zero_filled_r4(scan);
  r.method = "cs";
  r.options.iterations = 1000000;
  return r;
}

TEST_F(Viewer, CancelledReconstructionLeavesNoPanel) {
  open(scan);
  QSignalSpy ended(&window, &MainWindow::reconstruction_ended);
  ASSERT_TRUE(window.start_reconstruction(endless_cs(scan)));
  QTest::qWait(300);
  EXPECT_TRUE(window.reconstruction_running());
  window.cancel_reconstruction();
  ASSERT_TRUE(wait_for_job(ended));
  const auto args = ended.takeFirst();
  EXPECT_FALSE(args.at(0).toBool());
  EXPECT_EQ(args.at(1).toString(), "cancelled");
  EXPECT_EQ(window.panels().size(), 1u);
  EXPECT_FALSE(window.reconstruction_running());
}

TEST_F(Viewer, FailedReconstructionReportsItsErrorInTheWindow) {
  open(scan);
  QSignalSpy ended(&window, &MainWindow::reconstruction_ended);
  jobs::ReconRequest r = zero_filled_r4(scan);
  r.method = "adps";
  r.prior = dir / "no-prior.pt";
  ASSERT_TRUE(window.start_reconstruction(r));
  ASSERT_TRUE(wait_for_job(ended));
  EXPECT_FALSE(ended.takeFirst().at(0).toBool());
  EXPECT_TRUE(window.last_error().contains("no-prior.pt")) << window.last_error().toStdString();
  EXPECT_EQ(window.panels().size(), 1u);
  ASSERT_TRUE(window.start_reconstruction(zero_filled_r4(scan)));  // the window goes on
  ASSERT_TRUE(wait_for_job(ended));
  EXPECT_TRUE(ended.takeFirst().at(0).toBool());
}

// The README's viewer tour, step by step, on the bundled sample; its grid is the picture in
// the README (build/test-output/viewer-tour.png, copied to docs/images).
TEST_F(Viewer, ReadmeTourOnTheBundledSample) {
  ImagePanel* scan_panel = open(std::string(AMBIENT_SOURCE_DIR) + "/data-samples/colin27-axial-8ch.h5");
  window.set_reference(scan_panel);
  QSignalSpy ended(&window, &MainWindow::reconstruction_ended);
  for (const QString method : {"zf", "cs"}) {
    ReconDialog dialog(window.scan_path());
    const auto combos = dialog.findChildren<QComboBox*>();  // method, sampling
    ASSERT_EQ(combos.size(), 2);
    combos[0]->setCurrentIndex(combos[0]->findData(method));
    combos[1]->setCurrentText("random");
    const jobs::ReconRequest request = dialog.request();
    EXPECT_EQ(request.mask.options.acceleration, 4);
    if (QString(method) == "cs") {  // the method table's defaults: a weight chosen from the scan, its iterations
      EXPECT_TRUE(request.options.automatic_lambda);
      EXPECT_FALSE(request.options.lambda);
      ASSERT_TRUE(request.options.iterations);
      EXPECT_EQ(*request.options.iterations, recon::kCsDefaults.iterations);
    }
    ASSERT_TRUE(window.start_reconstruction(request));
    ASSERT_TRUE(wait_for_job(ended));
    ASSERT_TRUE(ended.takeFirst().at(0).toBool()) << window.last_error().toStdString();
  }
  ASSERT_EQ(window.panels().size(), 3u);
  window.set_linked(true);
  window.select(window.panels().back());
  ASSERT_TRUE(window.show_difference());
  const auto rows = window.comparison_rows();
  ASSERT_TRUE(rows[1].metrics && rows[2].metrics);
  EXPECT_GT(rows[2].metrics->psnr, rows[1].metrics->psnr) << "cs should beat zero-filled at R = 4";
  QDir().mkpath(AMBIENT_TEST_OUTPUT);
  EXPECT_TRUE(window.export_grid(AMBIENT_TEST_OUTPUT "/viewer-tour.png"));
}

TEST(ViewerClose, ClosingTheWindowDuringAJobCancelsIt) {
  TempDir dir;
  const std::string scan = test::write_phantom(dir / "phantom.h5");
  auto window = std::make_unique<MainWindow>();
  window->show();
  ASSERT_TRUE(window->open_file(QString::fromStdString(scan)));
  ASSERT_TRUE(window->start_reconstruction(endless_cs(scan)));
  QTest::qWait(300);
  ASSERT_TRUE(window->reconstruction_running());
  EXPECT_TRUE(window->close());  // cancels and waits for the worker
  EXPECT_FALSE(window->reconstruction_running());
  window.reset();
}

}  // namespace
}  // namespace ambient::gui
