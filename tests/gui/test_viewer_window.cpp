// The viewer's window driven as a user drives it (offscreen): opening every format, bad
// files, linking, window/level, difference, region statistics and the comparison rules,
// the scrolling grid, turning and mirroring, pixel readout and exports (PNG, figures).
#include <ATen/ATen.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QImage>
#include <QMimeData>
#include <QScrollBar>
#include <QSlider>
#include <QUrl>
#include <QWheelEvent>
#include <set>

#include "ambient/io/formats.hpp"
#include "model/comparison.hpp"
#include "viewer_fixture.hpp"
#include "widgets/comparison_table.hpp"
#include "widgets/control_panel.hpp"
#include "widgets/panel_grid.hpp"

namespace ambient::gui {
namespace {

TEST_F(Viewer, OpensEveryFormatAmbientReads) {
  const io::KSpace k = test::phantom_kspace();
  io::WriteOptions fastmri;
  fastmri.format = "fastmri";
  io::write_kspace(dir / "fastmri.h5", k, fastmri);
  io::write_kspace(dir / "scan.cfl", k);
  io::write_kspace(dir / "scan.npy", k);
  io::ImageVolume image;
  image.data = k.reference;
  io::write_image(dir / "image.nii", image);
  io::write_image(dir / "images.h5", image);
  for (const std::string name : {"phantom.h5", "fastmri.h5", "scan.cfl", "scan.npy"}) {
    ImagePanel* p = open(dir / name);
    ASSERT_TRUE(p) << name;
    // Sum |S_c|^2 = 1, so the coil-combined image of the fully sampled scan is the object.
    EXPECT_LT(test::nrmse(p->state().array.data, k.reference), 1e-4) << name;
    EXPECT_TRUE(related_of_kind(p->state(), ViewKind::kspace)) << name;
    EXPECT_TRUE(related_of_kind(p->state(), ViewKind::mask)) << name;
  }
  for (const std::string name : {"image.nii", "images.h5"}) {
    ImagePanel* p = open(dir / name);
    ASSERT_TRUE(p) << name;
    EXPECT_LT(test::nrmse(at::abs(p->state().array.data), k.reference), 1e-6) << name;
  }
  EXPECT_EQ(window.recent_files().front().toStdString(), dir / "images.h5");
}

TEST_F(Viewer, BadFilesShowAClearErrorAndTheWindowGoesOn) {
  test::write_text(dir / "notes.h5", "not HDF5");
  test::write_text(dir / "empty.npy", "");
  for (const std::string name : {"missing.h5", "notes.h5", "empty.npy", "unknown.xyz"}) {
    EXPECT_FALSE(window.open_file(QString::fromStdString(dir / name)));
    EXPECT_TRUE(window.last_error().contains(QString::fromStdString(name))) << window.last_error().toStdString();
  }
  EXPECT_TRUE(window.panels().empty());
  EXPECT_TRUE(window.isVisible());
  open(scan);  // still works
}

TEST_F(Viewer, DroppedFilesOpen) {
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(QString::fromStdString(scan))});
  // Qt delivers a drop only to the widget that accepted the drag's entry.
  QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&window, &enter);
  EXPECT_TRUE(enter.isAccepted());
  QSignalSpy loaded(&window, &MainWindow::file_loaded);
  QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&window, &drop);
  // Dropped files are read in the background.
  ASSERT_TRUE(loaded.count() > 0 || loaded.wait(30000));
  EXPECT_TRUE(loaded.takeFirst().at(0).toBool());
  EXPECT_EQ(window.panels().size(), 1u);
  EXPECT_EQ(window.files_loading(), 0);
}

TEST_F(Viewer, FilesOpenInTheBackgroundAndBadOnesReportTheirError) {
  QSignalSpy loaded(&window, &MainWindow::file_loaded);
  window.open_file_in_background(QString::fromStdString(scan));
  window.open_file_in_background(QString::fromStdString(dir / "missing.h5"));
  EXPECT_EQ(window.files_loading(), 2);
  while (loaded.count() < 2) ASSERT_TRUE(loaded.wait(30000));
  EXPECT_EQ(window.panels().size(), 1u);
  EXPECT_TRUE(window.last_error().contains("missing.h5")) << window.last_error().toStdString();
  EXPECT_EQ(window.files_loading(), 0);
}

TEST_F(Viewer, LinkTiesSliceZoomAndWindowAcrossPanels) {
  ImagePanel* a = open(scan);
  ImagePanel* b = open(scan);
  window.select(a);
  QTest::keyClick(&window, Qt::Key_Up);  // next slice, this panel only
  EXPECT_EQ(a->state().position.index[0], 1);
  EXPECT_EQ(b->state().position.index[0], 0);

  window.set_linked(true);
  EXPECT_EQ(b->state().position.index[0], 1);  // linking aligns the others with the selected one
  QTest::keyClick(&window, Qt::Key_Up);
  EXPECT_EQ(a->state().position.index[0], 2);
  EXPECT_EQ(b->state().position.index[0], 2);
  QTest::keyClick(&window, Qt::Key_Up);  // stays on the last slice
  EXPECT_EQ(b->state().position.index[0], 2);

  QWidget* canvas = a->canvas();
  const QPointF centre(canvas->width() / 2.0, canvas->height() / 2.0);
  QWheelEvent wheel(centre, canvas->mapToGlobal(centre), {}, QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                    Qt::NoScrollPhase, false);
  QApplication::sendEvent(canvas, &wheel);
  EXPECT_GT(a->state().zoom, 0);
  EXPECT_DOUBLE_EQ(b->state().zoom, a->state().zoom);
  drag(canvas, centre, centre + QPointF(30, 0), Qt::RightButton);
  EXPECT_DOUBLE_EQ(b->state().window.high, a->state().window.high);

  window.set_linked(false);
  QTest::keyClick(&window, Qt::Key_Down);
  EXPECT_EQ(a->state().position.index[0], 1);
  EXPECT_EQ(b->state().position.index[0], 2);
}

TEST_F(Viewer, WindowLevelByDragNumbersAndPresets) {
  ImagePanel* p = open(scan);
  const Window before = p->state().window;
  QWidget* canvas = p->canvas();
  const QPointF c(canvas->width() / 2.0, canvas->height() / 2.0);
  drag(canvas, c, c + QPointF(canvas->width() / 4.0, 0), Qt::RightButton);  // wider
  EXPECT_GT(p->state().window.width(), before.width() * 1.3);
  EXPECT_NEAR(p->state().window.level(), before.level(), 1e-9);
  const Window wide = p->state().window;
  drag(canvas, c, c - QPointF(0, canvas->height() / 4.0), Qt::RightButton);  // up: higher level
  EXPECT_GT(p->state().window.level(), wide.level());

  auto boxes = window.findChildren<QDoubleSpinBox*>();
  ASSERT_EQ(boxes.size(), 2);  // low and high
  boxes[0]->setValue(0.125);
  boxes[1]->setValue(0.75);
  EXPECT_DOUBLE_EQ(p->state().window.low, 0.125);
  EXPECT_DOUBLE_EQ(p->state().window.high, 0.75);

  window.apply_preset(WindowPreset::min_max);
  const at::Tensor values = current_values(p->state());
  EXPECT_DOUBLE_EQ(p->state().window.high, values.max().item<float>());
  ImagePanel* q = open(scan);
  window.set_reference(p);
  window.select(q);
  window.apply_preset(WindowPreset::match_reference);
  EXPECT_DOUBLE_EQ(q->state().window.high, p->state().window.high);
}

TEST_F(Viewer, ModesColormapsAndRelatedArrays) {
  ImagePanel* p = open(scan);
  ImagePanel* k = window.show_related(ViewKind::kspace);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->state().mode, DisplayMode::log_magnitude);
  EXPECT_EQ(k->state().array.axes, (std::vector<std::string>{"slice", "coil", "ky", "kx"}));
  QTest::keyClick(&window, Qt::Key_PageUp);  // next coil
  EXPECT_EQ(k->state().position.index[1], 1);
  ImagePanel* m = (window.select(p), window.show_related(ViewKind::mask));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->state().array.kind, ViewKind::mask);
  window.select(p);
  EXPECT_FALSE(window.show_related(ViewKind::uncertainty));  // a scan has none
  EXPECT_FALSE(window.last_error().isEmpty());
}

TEST_F(Viewer, SlidersAndAxisChoicesNavigateEveryAxis) {
  ImagePanel* p = open(scan);
  auto* controls = window.findChild<ControlPanel*>();
  ASSERT_TRUE(controls);
  QSlider* slice = controls->slider(0);
  ASSERT_TRUE(slice);
  slice->setValue(2);
  EXPECT_EQ(p->state().position.index[0], 2);
  EXPECT_EQ(controls->slider(0), slice) << "the slider being moved is never replaced";

  ImagePanel* k = window.show_related(ViewKind::kspace);  // [slice, coil, ky, kx]
  ASSERT_TRUE(k);
  const auto combos = controls->findChildren<QComboBox*>();  // x, y, mode, colormap
  ASSERT_GE(combos.size(), 2);
  combos[0]->setCurrentIndex(1);  // x: coil
  EXPECT_EQ(k->state().position.x_axis, 1);
  EXPECT_EQ(k->state().position.y_axis, 2);
  EXPECT_EQ(current_plane(k->state()).sizes(), (std::vector<int64_t>{48, 4}));
  ASSERT_TRUE(controls->slider(3));  // kx got a slider
  EXPECT_FALSE(controls->slider(1));
  combos[0]->setCurrentIndex(2);  // x: ky, y's axis: the two swap
  EXPECT_EQ(k->state().position.x_axis, 2);
  EXPECT_EQ(k->state().position.y_axis, 1);
}

TEST_F(Viewer, DifferenceToTheReferencePanel) {
  io::KSpace other = test::phantom_kspace();
  other.data = other.data * 1.5;
  io::write_kspace(dir / "brighter.h5", other);
  ImagePanel* a = open(scan);
  ImagePanel* b = open(dir / "brighter.h5");
  EXPECT_FALSE(window.show_difference());  // no reference yet
  window.set_reference(a);
  window.select(a);
  EXPECT_FALSE(window.show_difference());  // the reference against itself
  window.select(b);
  ImagePanel* d = window.show_difference();
  ASSERT_TRUE(d);
  EXPECT_EQ(d->state().colormap, Colormap::diverging);
  const at::Tensor expected = at::abs(b->state().array.data) - at::abs(a->state().array.data);
  EXPECT_LT(test::nrmse(at::real(d->state().array.data), expected), 1e-6);
  EXPECT_DOUBLE_EQ(d->state().window.low, -d->state().window.high);
}

TEST_F(Viewer, RegionStatisticsAndMetricsAgainstTheReference) {
  ImagePanel* a = open(scan);
  ImagePanel* b = open(scan);
  window.set_reference(a);
  QWidget* canvas = a->canvas();
  const QPointF from = a->canvas()->to_widget({10.5, 12.5}), to = a->canvas()->to_widget({30.5, 20.5});
  drag(canvas, from, to, Qt::LeftButton, Qt::ShiftModifier);
  const auto rows = window.comparison_rows();
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_TRUE(rows[0].roi);
  const at::Tensor region = current_values(a->state()).slice(0, 12, 21).slice(1, 10, 31).to(at::kDouble);
  EXPECT_EQ(rows[0].roi->pixels, 9 * 21);
  EXPECT_NEAR(rows[0].roi->mean, region.mean().item<double>(), 1e-9);
  EXPECT_NEAR(rows[0].roi->std, region.std().item<double>(), 1e-9);
  EXPECT_FALSE(rows[0].metrics);  // the reference itself
  ASSERT_TRUE(rows[1].metrics);
  EXPECT_GT(rows[1].metrics->psnr, 100);  // identical images
  EXPECT_NEAR(rows[1].metrics->ssim, 1, 1e-9);
  (void)b;

  const QString csv = QString::fromStdString(dir / "comparison.csv");
  ASSERT_TRUE(window.export_comparison(csv));
  QFile f(csv);
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  EXPECT_EQ(f.readAll().toStdString(), comparison_csv(rows, window.comparison_context()));
  EXPECT_NE(window.comparison_context().region.find("x 10-30, y 12-20"), std::string::npos);
  EXPECT_TRUE(window.comparison_table()->heading().contains("phantom.h5")) << window.comparison_table()->heading().toStdString();
}

TEST_F(Viewer, OnlyAnImageCanBeTheReference) {
  open(scan);
  ImagePanel* k = window.show_related(ViewKind::kspace);
  ASSERT_TRUE(k);
  EXPECT_FALSE(window.set_reference(k));
  EXPECT_TRUE(window.last_error().contains("only an image panel")) << window.last_error().toStdString();
  EXPECT_EQ(window.reference(), nullptr);
}

TEST_F(Viewer, ManyPanelsNeverGrowTheWindowTheGridScrolls) {
  window.resize(1000, 700);
  for (int i = 0; i < 17; ++i) open(scan);
  QApplication::processEvents();
  EXPECT_EQ(window.size(), QSize(1000, 700));
  EXPECT_LE(window.minimumSizeHint().width(), 1000);
  EXPECT_LE(window.minimumSizeHint().height(), 700);
  auto* grid = window.panel_grid();
  EXPECT_LE(grid->columns(), 5);
  EXPECT_GT(grid->verticalScrollBar()->maximum(), 0) << "17 panels do not fit: the grid scrolls";
  for (auto* p : window.panels()) EXPECT_GE(p->width(), PanelGrid::min_panel_width);
  // A long title is elided, never widens a panel; the full title is the tooltip.
  ImagePanel* long_name = open(test::write_phantom(dir / (std::string(80, 'n') + ".h5")));
  QApplication::processEvents();
  EXPECT_EQ(window.size(), QSize(1000, 700));
  EXPECT_TRUE(long_name->full_title().startsWith(QString(80, 'n')));
  EXPECT_LT(long_name->shown_title().size(), long_name->full_title().size());
  EXPECT_TRUE(long_name->shown_title().contains(QChar(0x2026))) << long_name->shown_title().toStdString();
}

TEST_F(Viewer, TurnAndMirrorActOnLinkedPanelsAndTheReadoutKeepsArrayCoordinates) {
  ImagePanel* a = open(scan);
  ImagePanel* b = open(scan);
  window.set_linked(true);
  window.select(a);
  window.turn(+1);
  window.mirror();
  const at::Tensor native = at::real(native_plane(a->state()));
  const at::Tensor expected = at::rot90(native, 1, {1, 0}).flip({1});
  EXPECT_TRUE(at::equal(at::real(current_plane(a->state())), expected));
  EXPECT_EQ(b->state().orientation, a->state().orientation);
  EXPECT_TRUE(a->full_title().contains("turned 90° right, mirrored")) << a->full_title().toStdString();
  // Displayed pixel (5, 7) is stored pixel native_pixel(5, 7): the readout names the stored one.
  const auto [x, y] = native_pixel(a->state(), 5, 7);
  mouse(a->canvas(), QEvent::MouseMove, a->canvas()->to_widget({5.5, 7.5}), Qt::NoButton, Qt::NoButton);
  EXPECT_TRUE(window.pixel_readout().contains(QString("x %1  y %2").arg(x).arg(y))) << window.pixel_readout().toStdString();
}

TEST_F(Viewer, FigureExportAtNativeResolutionAsPngAndPdf) {
  ImagePanel* a = open(scan);
  open(scan);
  window.set_reference(a);
  FigureOptions options;
  options.scale = 3;
  const QString png = QString::fromStdString(dir / "figure.png"), pdf = QString::fromStdString(dir / "figure.pdf");
  ASSERT_TRUE(window.export_figure(png, options)) << window.last_error().toStdString();
  const QImage figure(png);
  ASSERT_FALSE(figure.isNull());
  // Every panel's 48 x 48 plane at 3 screen pixels a pixel, plus titles, bars and numbers.
  EXPECT_GE(figure.width(), 2 * 48 * 3);
  EXPECT_GE(figure.height(), 48 * 3);
  // The first panel's image, pixel for pixel: no selection frame, no crosshair.
  const QImage plane = render_plane(a->state());
  bool found = false;
  for (int y0 = 0; y0 + 48 * 3 <= figure.height() && !found; ++y0)
    for (int x0 = 0; x0 < 40 && !found; ++x0) {
      bool same = true;
      for (int y = 0; y < 48 && same; y += 5)
        for (int x = 0; x < 48 && same; x += 5) same = figure.pixel(x0 + 3 * x + 1, y0 + 3 * y + 1) == plane.pixel(x, y);
      found = same;
    }
  EXPECT_TRUE(found) << "the panel's pixels are in the figure at 3x";
  ASSERT_TRUE(window.export_figure(pdf, options)) << window.last_error().toStdString();
  QFile f(pdf);
  ASSERT_TRUE(f.open(QIODevice::ReadOnly));
  EXPECT_TRUE(f.read(5) == "%PDF-");
  EXPECT_FALSE(window.export_figure(QString::fromStdString(dir / "figure.bmp"), options));
  EXPECT_TRUE(window.last_error().contains(".png or .pdf")) << window.last_error().toStdString();
}

TEST_F(Viewer, PixelReadoutAndCrosshair) {
  ImagePanel* p = open(scan);
  window.set_crosshair_enabled(true);
  const QPointF at = p->canvas()->to_widget({10.5, 20.5});
  mouse(p->canvas(), QEvent::MouseMove, at, Qt::NoButton, Qt::NoButton);
  const QString text = window.pixel_readout();
  EXPECT_TRUE(text.contains("x 10  y 20")) << text.toStdString();
  const float value = p->state().array.data[0][20][10].item<float>();
  EXPECT_TRUE(text.contains("|v| " + QString::number(value, 'g', 5))) << text.toStdString();
}

TEST_F(Viewer, ExportsThePanelAndTheGridAsDisplayed) {
  open(scan);
  open(scan);
  const QString grid = QString::fromStdString(dir / "grid.png"), panel = QString::fromStdString(dir / "panel.png");
  ASSERT_TRUE(window.export_grid(grid));
  ASSERT_TRUE(window.export_panel(window.current_panel(), panel));
  const QImage g(grid), p(panel);
  ASSERT_FALSE(g.isNull());
  EXPECT_EQ(g.size(), window.panel_grid()->content()->size() * window.devicePixelRatio());
  EXPECT_EQ(p.size(), window.current_panel()->size() * window.devicePixelRatio());
  std::set<QRgb> colours;
  for (int y = 0; y < g.height(); y += 3)
    for (int x = 0; x < g.width(); x += 3) colours.insert(g.pixel(x, y));
  EXPECT_GT(colours.size(), 20u);  // phantoms, not a blank
  EXPECT_FALSE(window.export_grid(QString::fromStdString(dir / "no-such-folder/grid.png")));
}

}  // namespace
}  // namespace ambient::gui
