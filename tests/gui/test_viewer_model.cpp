// The viewer's model without widgets: planes, display modes, windows, colours, region
// statistics, differences and the comparison table, checked against NumPy and by hand.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "ambient/core/error.hpp"
#include "model/comparison.hpp"
#include "model/display.hpp"
#include "model/panel_state.hpp"
#include "model/view_array.hpp"
#include "test_support.hpp"

namespace ambient::gui {
namespace {

at::Tensor ramp(std::vector<int64_t> shape) {
  int64_t n = 1;
  for (auto s : shape) n *= s;
  return at::arange(n, at::kFloat).reshape(shape);
}

TEST(ViewerModel, PlaneSelectsAndOrientsAnyTwoAxes) {
  const ViewArray a = make_view(ramp({2, 3, 4, 5}), {"slice", "coil", "ky", "kx"}, "t", ViewKind::kspace);
  ViewPosition p = default_position(a);
  p.index = {1, 2, 0, 0};
  const at::Tensor xy = plane(a, p);
  ASSERT_EQ(xy.sizes(), (std::vector<int64_t>{4, 5}));
  EXPECT_TRUE(at::equal(at::real(xy), a.data[1][2]));
  // x = coil, y = kx: rows run along kx, columns along coil.
  p.x_axis = 1, p.y_axis = 3, p.index = {0, 0, 3, 0};
  const at::Tensor swapped = plane(a, p);
  ASSERT_EQ(swapped.sizes(), (std::vector<int64_t>{5, 3}));
  for (int64_t y = 0; y < 5; ++y)
    for (int64_t x = 0; x < 3; ++x)
      EXPECT_EQ(at::real(swapped)[y][x].item<float>(), a.data[0][x][3][y].item<float>());
  p.index[2] = 4;  // ky has 4 entries
  EXPECT_THROW(plane(a, p), Error);
  p.index[2] = 0, p.y_axis = p.x_axis;
  EXPECT_THROW(plane(a, p), Error);
}

TEST(ViewerModel, DisplayModesOfKnownValues) {
  const at::Tensor z = at::view_as_complex(at::tensor({3.f, 4.f, 0.f, -2.f}).reshape({1, 2, 2}));
  EXPECT_NEAR(displayed_values(z, DisplayMode::magnitude)[0][0].item<float>(), 5, 1e-6);
  EXPECT_NEAR(displayed_values(z, DisplayMode::phase)[0][1].item<float>(), -M_PI / 2, 1e-6);
  EXPECT_EQ(displayed_values(z, DisplayMode::real)[0][0].item<float>(), 3);
  EXPECT_EQ(displayed_values(z, DisplayMode::imaginary)[0][1].item<float>(), -2);
  // log10(1 + |z| / (1e-4 max|z|)): the largest value maps to log10(1 + 1e4).
  EXPECT_NEAR(displayed_values(z, DisplayMode::log_magnitude)[0][0].item<float>(), std::log10(1 + 1e4), 1e-4);
  for (auto m : all_modes()) EXPECT_EQ(parse_mode(mode_name(m)), m);
  EXPECT_THROW(parse_mode("loudness"), Error);
}

TEST(ViewerModel, WindowPresetsMatchNumPy) {
  const at::Tensor v = at::randn({64, 48}, at::kFloat);
  test::TempDir dir;
  const std::string path = dir / "v.txt";
  {
    std::ofstream out(path);
    out.precision(9);
    const float* p = v.data_ptr<float>();
    for (int64_t i = 0; i < v.numel(); ++i) out << p[i] << "\n";
  }
  std::istringstream numpy(test::python(
      "import numpy as np, sys\n"
      "v = np.loadtxt(sys.argv[1])\n"
      "print(np.percentile(v, 1), np.percentile(v, 99), np.percentile(np.abs(v), 99))",
      path));
  double p1, p99, a99;
  numpy >> p1 >> p99 >> a99;
  const Window w = percentile_window(v);
  EXPECT_NEAR(w.low, p1, 1e-5);
  EXPECT_NEAR(w.high, p99, 1e-5);
  const Window s = symmetric_window(v);
  EXPECT_NEAR(s.high, a99, 1e-5);
  EXPECT_NEAR(s.low, -a99, 1e-5);
  const Window m = min_max_window(v);
  EXPECT_EQ(m.low, v.min().item<float>());
  EXPECT_EQ(m.high, v.max().item<float>());
  // A constant plane still gets a window of positive width.
  EXPECT_GT(percentile_window(at::ones({4, 4})).width(), 0);
  const Window lw = Window::from_level_width(2, 6);
  EXPECT_DOUBLE_EQ(lw.low, -1);
  EXPECT_DOUBLE_EQ(lw.high, 5);
}

TEST(ViewerModel, RenderMapsTheWindowOntoTheColormap) {
  const at::Tensor v = at::tensor({-1.f, 0.f, 0.5f, 1.f, 2.f, NAN}).reshape({2, 3});
  const auto gray = render_pixels(v, {0, 1}, Colormap::gray);
  EXPECT_EQ(gray[0], 0xff000000u);  // below the window: its low colour
  EXPECT_EQ(gray[1], 0xff000000u);
  EXPECT_EQ(gray[2], 0xff808080u);  // the middle: 128 grey (127.5 rounds up)
  EXPECT_EQ(gray[3], 0xffffffffu);
  EXPECT_EQ(gray[4], 0xffffffffu);  // above: its high colour
  EXPECT_EQ(gray[5], 0xff000000u);  // NaN: the low colour, never garbage
  const auto& phase = colormap_table(Colormap::phase);
  EXPECT_EQ(phase.front(), phase.back());  // cyclic: -pi and pi look alike
  const auto& div = colormap_table(Colormap::diverging);
  EXPECT_GT(div[128][0], 200);  // white in the middle
  EXPECT_GT(div[128][2], 200);
  EXPECT_GT(div[0][2], div[0][0]);      // blue below
  EXPECT_GT(div[255][0], div[255][2]);  // red above
  EXPECT_EQ(parse_colormap("viridis"), Colormap::viridis);
}

TEST(ViewerModel, RoiStatisticsMatchNumPy) {
  const at::Tensor v = at::rand({20, 30}, at::kFloat);
  test::TempDir dir;
  {
    std::ofstream out(dir / "v.txt");
    out.precision(9);
    for (int64_t y = 0; y < 20; ++y) {
      for (int64_t x = 0; x < 30; ++x) out << v[y][x].item<float>() << " ";
      out << "\n";
    }
  }
  std::istringstream numpy(test::python(
      "import numpy as np, sys\nv = np.loadtxt(sys.argv[1])\nr = v[3:11, 5:18]\nprint(r.mean(), r.std(ddof=1), r.size)",
      dir / "v.txt"));
  double mean, std;
  int64_t n;
  numpy >> mean >> std >> n;
  const RoiStats s = roi_stats(v, {17, 10, 5, 3});  // corners in any order, inclusive
  EXPECT_NEAR(s.mean, mean, 1e-6);
  EXPECT_NEAR(s.std, std, 1e-6);
  EXPECT_EQ(s.pixels, n);
  EXPECT_EQ(roi_stats(v, {25, 15, 100, 100}).pixels, 5 * 5);  // clipped to the plane
  EXPECT_THROW(roi_stats(v, {40, 0, 50, 5}), Error);
}

TEST(ViewerModel, DifferenceIsMagnitudeMinusReference) {
  const at::Tensor a = at::randn({2, 8, 8}, at::kComplexFloat), b = at::randn({2, 8, 8}, at::kComplexFloat);
  const ViewArray d = difference(make_view(a, {"slice", "y", "x"}, "a", ViewKind::image),
                                 make_view(b, {"slice", "y", "x"}, "b", ViewKind::image));
  EXPECT_EQ(d.kind, ViewKind::difference);
  EXPECT_EQ(d.title, "a - b");
  EXPECT_TRUE(at::allclose(at::real(d.data), at::abs(a) - at::abs(b)));
  const PanelState s = make_panel_state(d);
  EXPECT_EQ(s.colormap, Colormap::diverging);
  EXPECT_DOUBLE_EQ(s.window.low, -s.window.high);
  try {
    difference(make_view(a, {"slice", "y", "x"}, "a", ViewKind::image),
               make_view(at::ones({2, 8, 7}), {"slice", "y", "x"}, "small", ViewKind::image));
    ADD_FAILURE() << "sizes differ";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("2x8x7"), std::string::npos) << e.what();
  }
}

TEST(ViewerModel, LinkingCopiesViewAndSameKindDisplay) {
  PanelState a = make_panel_state(make_view(at::rand({5, 8, 8}), {"slice", "y", "x"}, "a", ViewKind::image));
  PanelState k = make_panel_state(make_view(at::rand({3, 2, 8, 8}), {"slice", "coil", "ky", "kx"}, "k", ViewKind::kspace));
  PanelState b = make_panel_state(make_view(at::rand({5, 8, 8}), {"slice", "y", "x"}, "b", ViewKind::image));
  a.position.index[0] = 4, a.zoom = 3, a.centre_x = 2, a.window = {0.1, 0.2}, a.mode = DisplayMode::real;
  copy_linked(a, b);
  EXPECT_EQ(b.position.index[0], 4);
  EXPECT_EQ(b.zoom, 3);
  EXPECT_EQ(b.window.high, 0.2);
  EXPECT_EQ(b.mode, DisplayMode::real);
  copy_linked(a, k);
  EXPECT_EQ(k.position.index[0], 2);  // clamped to its 3 slices
  EXPECT_EQ(k.zoom, 3);
  EXPECT_EQ(k.mode, DisplayMode::log_magnitude);  // another kind keeps its display
}

TEST(ViewerModel, ComparisonCsvHasEveryColumnAndQuotesNames) {
  recon::Metrics m;
  m.psnr = 30.5, m.ssim = 0.9, m.nmse = 0.01;
  const ComparisonContext context{"'scan', slice 2/3", "x 1-4, y 2-5"};
  const std::string csv = comparison_csv(
      {{"zf, R 4", "slice 2/3", RoiStats{1.5, 0.25, 12}, m, ""}, {"ref", "slice 2/3", std::nullopt, std::nullopt, "reference"}},
      context);
  EXPECT_EQ(csv, "panel,plane,reference,region,roi_mean,roi_std,roi_pixels,psnr_db,ssim,nmse,note\n"
                 "\"zf, R 4\",slice 2/3,\"'scan', slice 2/3\",\"x 1-4, y 2-5\",1.5,0.25,12,30.5,0.9,0.01,\n"
                 "ref,slice 2/3,\"'scan', slice 2/3\",,,,,,,,reference\n");
  test::TempDir dir;
  write_comparison_csv(dir / "c.csv", {}, context, false);
  EXPECT_FILE_ERROR(write_comparison_csv(dir / "c.csv", {}, context, false), "c.csv");
}

PanelState image_state(const at::Tensor& data, const std::string& title, ViewKind kind = ViewKind::image) {
  return make_panel_state(make_view(data, {"slice", "y", "x"}, title, kind));
}

TEST(ViewerModel, ComparisonScoresOnlyImagesAtTheReferencesSlice) {
  const at::Tensor truth = at::rand({4, 16, 16}) + 0.5;
  PanelState reference = image_state(truth, "reference");
  PanelState close = image_state(truth + 0.01 * at::randn({4, 16, 16}), "close");
  PanelState std_map = image_state(at::rand({4, 16, 16}), "std", ViewKind::uncertainty);
  PanelState small = image_state(at::rand({4, 8, 8}), "small");
  reference.position.index[0] = 2;
  close.position.index[0] = 0;  // unlinked: shows another slice
  const auto rows = compare_panels({&reference, &close, &std_map, &small}, &reference, std::nullopt);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].note, "reference");
  EXPECT_FALSE(rows[0].metrics);
  ASSERT_TRUE(rows[1].metrics);
  EXPECT_EQ(rows[1].plane, "slice 3/4");  // scored where the reference is
  EXPECT_NE(rows[1].note.find("shows slice 1/4"), std::string::npos) << rows[1].note;
  const recon::Metrics expected = recon::compare_images(truth[2].unsqueeze(0), at::abs(close.array.data[2]).unsqueeze(0));
  EXPECT_NEAR(rows[1].metrics->psnr, expected.psnr, 1e-9);
  EXPECT_FALSE(rows[2].metrics);  // an uncertainty map is not an image of the anatomy
  EXPECT_NE(rows[2].note.find("uncertainty"), std::string::npos);
  EXPECT_FALSE(rows[3].metrics);
  EXPECT_NE(rows[3].note.find("8x8"), std::string::npos) << rows[3].note;
  // A reference that is not an image scores nothing.
  EXPECT_FALSE(compare_panels({&std_map, &close}, &std_map, std::nullopt)[1].metrics);
}

TEST(ViewerModel, AKspaceFilesReferenceIsItsOwnReferenceImage) {
  // As `ambient recon --reference auto`: the file's reference series, not its zero-filled RSS.
  const at::Tensor truth = at::rand({2, 16, 16}) + 0.5;
  ViewArray file_reference = make_view(truth, {"slice", "y", "x"}, "scan reference", ViewKind::image);
  file_reference.scan_reference = true;
  PanelState scan = make_panel_state(make_view(truth * 0.5, {"slice", "y", "x"}, "scan", ViewKind::image), {file_reference});
  PanelState same = image_state(truth, "truth");
  EXPECT_EQ(&scoring_reference(scan), &scan.related[0]);
  const auto rows = compare_panels({&scan, &same}, &scan, std::nullopt);
  ASSERT_TRUE(rows[1].metrics);
  EXPECT_GT(rows[1].metrics->psnr, 100);  // identical to the file's reference
}

TEST(ViewerModel, OrientationTurnsAndMirrorsTheDisplayedPlaneOnly) {
  PanelState s = image_state(ramp({1, 3, 5}), "r");
  const at::Tensor native = at::real(native_plane(s));
  for (int turns = 0; turns < 4; ++turns)
    for (bool mirrored : {false, true}) {
      s.orientation = {turns, mirrored};
      // torch: rot90 with dims (1, 0) turns clockwise in row-down image coordinates.
      at::Tensor expected = mirrored ? native.flip({1}) : native;
      expected = at::rot90(expected, turns, {1, 0});
      const at::Tensor shown = at::real(current_plane(s));
      ASSERT_TRUE(at::equal(shown, expected)) << turns << " " << mirrored;
      for (int64_t y = 0; y < shown.size(0); ++y)
        for (int64_t x = 0; x < shown.size(1); ++x) {
          const auto [nx, ny] = native_pixel(s, x, y);
          EXPECT_EQ(native[ny][nx].item<float>(), shown[y][x].item<float>()) << turns << mirrored << x << y;
        }
      // A mirror of what is shown, and a quarter turn of it.
      PanelState m = s;
      m.orientation = flipped(s.orientation);
      EXPECT_TRUE(at::equal(at::real(current_plane(m)), shown.flip({1})));
      m.orientation = turned(s.orientation, 1);
      EXPECT_TRUE(at::equal(at::real(current_plane(m)), at::rot90(shown, 1, {1, 0})));
    }
}

TEST(ViewerModel, LinkingSkipsTheSourcesDisplayedAxesAndSharesTheColormap) {
  PanelState a = image_state(at::rand({5, 8, 8}), "a");
  PanelState b = image_state(at::rand({5, 8, 8}), "b");
  b.position.index[0] = 3;
  a.position.x_axis = 0, a.position.y_axis = 1;  // a shows slice x y: its slice index means nothing
  a.colormap = Colormap::viridis;
  a.orientation = {1, true};
  copy_linked(a, b);
  EXPECT_EQ(b.position.index[0], 3);
  EXPECT_EQ(b.colormap, Colormap::viridis);
  EXPECT_EQ(b.orientation, (Orientation{1, true}));
}

}  // namespace
}  // namespace ambient::gui
