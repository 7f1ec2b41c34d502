#include "comparison.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "ambient/core/error.hpp"
#include "ambient/io/output_file.hpp"

namespace ambient::gui {

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) quoted += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string shape_of(const at::Tensor& t) {
  std::string s;
  for (int64_t d = 0; d < t.dim(); ++d) s += (d ? "x" : "") + std::to_string(t.size(d));
  return s;
}

}  // namespace

ViewArray difference(const ViewArray& image, const ViewArray& reference) {
  if (!image.data.sizes().equals(reference.data.sizes()))
    throw Error("cannot subtract '" + reference.title + "' (" + shape_of(reference.data) + ") from '" +
                image.title + "' (" + shape_of(image.data) + "): the sizes differ");
  return make_view(at::abs(image.data) - at::abs(reference.data), image.axes,
                   image.title + " - " + reference.title, ViewKind::difference, image.source_path);
}

RoiStats roi_stats(const at::Tensor& values, const Roi& roi) {
  const int64_t h = values.size(0), w = values.size(1);
  const int64_t x0 = std::max<int64_t>(0, std::min(roi.x0, roi.x1)), x1 = std::min(w - 1, std::max(roi.x0, roi.x1));
  const int64_t y0 = std::max<int64_t>(0, std::min(roi.y0, roi.y1)), y1 = std::min(h - 1, std::max(roi.y0, roi.y1));
  if (x0 > x1 || y0 > y1) throw Error("the region lies outside the image");
  const at::Tensor inside = values.slice(0, y0, y1 + 1).slice(1, x0, x1 + 1).to(at::kDouble);
  RoiStats s;
  s.pixels = inside.numel();
  s.mean = inside.mean().item<double>();
  s.std = s.pixels > 1 ? inside.std().item<double>() : 0.0;
  return s;
}

recon::Metrics plane_metrics(const at::Tensor& reference_plane, const at::Tensor& plane) {
  if (!reference_plane.sizes().equals(plane.sizes()))
    throw Error("the reference plane is " + shape_of(reference_plane) + ", this one " + shape_of(plane));
  return recon::compare_images(at::abs(reference_plane).unsqueeze(0), at::abs(plane).unsqueeze(0));
}

std::string comparison_csv(const std::vector<ComparisonRow>& rows) {
  std::ostringstream out;
  out.precision(8);
  out << "panel,roi_mean,roi_std,roi_pixels,psnr_db,ssim,nmse\n";
  for (const auto& r : rows) {
    out << csv_field(r.panel) << ",";
    if (r.roi) out << r.roi->mean << "," << r.roi->std << "," << r.roi->pixels;
    else out << ",,";
    out << ",";
    if (r.metrics) out << r.metrics->psnr << "," << r.metrics->ssim << "," << r.metrics->nmse;
    else out << ",,";
    out << "\n";
  }
  return out.str();
}

void write_comparison_csv(const std::string& path, const std::vector<ComparisonRow>& rows, bool overwrite) {
  io::OutputFile file(path, overwrite);
  {
    std::ofstream out(file.temp_path());
    out << comparison_csv(rows);
    if (!out) throw FileError(path, "could not be written");
  }
  file.commit();
}

}  // namespace ambient::gui
