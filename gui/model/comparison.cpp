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

const ViewArray& scoring_reference(const PanelState& reference) {
  for (const auto& r : reference.related)
    if (r.scan_reference && r.data.sizes().equals(reference.array.data.sizes())) return r;
  return reference.array;
}

namespace {

// "slice 3/20, sample 2/4": the axes that are neither x nor y, counted from 1.
std::string describe_plane(const ViewArray& a, const ViewPosition& p) {
  std::string s;
  for (int64_t d = 0; d < a.rank(); ++d) {
    if (d == p.x_axis || d == p.y_axis || a.size(d) == 1) continue;
    s += (s.empty() ? "" : ", ") + a.axes[d] + " " + std::to_string(p.index[d] + 1) + "/" + std::to_string(a.size(d));
  }
  return s;
}

std::string kind_name(ViewKind k) {
  switch (k) {
    case ViewKind::image: return "image";
    case ViewKind::kspace: return "k-space";
    case ViewKind::mask: return "sampling mask";
    case ViewKind::uncertainty: return "uncertainty map";
    case ViewKind::difference: return "difference map";
  }
  return "array";
}

}  // namespace

std::vector<ComparisonRow> compare_panels(const std::vector<const PanelState*>& panels, const PanelState* reference,
                                          const std::optional<Roi>& roi) {
  at::Tensor reference_plane;
  if (reference && reference->array.kind == ViewKind::image)
    reference_plane = at::abs(plane(scoring_reference(*reference), reference->position));
  std::vector<ComparisonRow> rows;
  for (const PanelState* p : panels) {
    ComparisonRow row;
    row.panel = p->array.title;
    row.plane = describe_plane(p->array, p->position);
    if (roi) {
      try {
        row.roi = roi_stats(current_values(*p), *roi);
      } catch (const Error&) {  // the region misses this panel's plane
      }
    }
    if (p == reference) {
      row.note = "reference";
      if (&scoring_reference(*p) != &p->array) row.note += " (scored against the file's reference image)";
    } else if (!reference_plane.defined()) {
      // no reference, or one that is not an image: nothing is scored
    } else if (p->array.kind != ViewKind::image) {
      row.note = "not scored: a " + kind_name(p->array.kind);
    } else {
      const ViewPosition scored = following(*reference, p->array, p->position);
      const at::Tensor values = plane(p->array, scored);
      if (!values.sizes().equals(reference_plane.sizes())) {
        row.note = "not scored: " + shape_of(values) + ", the reference " + shape_of(reference_plane);
      } else {
        row.metrics = plane_metrics(reference_plane, values);
        if (scored.index != p->position.index) {
          row.note = "scored at the reference's " + describe_plane(p->array, scored) + "; shows " + row.plane;
          row.plane = describe_plane(p->array, scored);
        }
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string describe_region(const std::optional<Roi>& roi) {
  if (!roi) return {};
  return "x " + std::to_string(std::min(roi->x0, roi->x1)) + "-" + std::to_string(std::max(roi->x0, roi->x1)) + ", y " +
         std::to_string(std::min(roi->y0, roi->y1)) + "-" + std::to_string(std::max(roi->y0, roi->y1));
}

recon::Metrics plane_metrics(const at::Tensor& reference_plane, const at::Tensor& plane) {
  if (!reference_plane.sizes().equals(plane.sizes()))
    throw Error("the reference plane is " + shape_of(reference_plane) + ", this one " + shape_of(plane));
  return recon::compare_images(at::abs(reference_plane).unsqueeze(0), at::abs(plane).unsqueeze(0));
}

std::string comparison_csv(const std::vector<ComparisonRow>& rows, const ComparisonContext& context) {
  std::ostringstream out;
  out.precision(8);
  out << "panel,plane,reference,region,roi_mean,roi_std,roi_pixels,psnr_db,ssim,nmse,note\n";
  for (const auto& r : rows) {
    out << csv_field(r.panel) << "," << csv_field(r.plane) << "," << csv_field(context.reference) << ","
        << csv_field(r.roi ? context.region : "") << ",";
    if (r.roi) out << r.roi->mean << "," << r.roi->std << "," << r.roi->pixels;
    else out << ",,";
    out << ",";
    if (r.metrics) out << r.metrics->psnr << "," << r.metrics->ssim << "," << r.metrics->nmse;
    else out << ",,";
    out << "," << csv_field(r.note) << "\n";
  }
  return out.str();
}

void write_comparison_csv(const std::string& path, const std::vector<ComparisonRow>& rows,
                          const ComparisonContext& context, bool overwrite) {
  io::OutputFile file(path, overwrite);
  {
    std::ofstream out(file.temp_path());
    out << comparison_csv(rows, context);
    if (!out) throw FileError(path, "could not be written");
  }
  file.commit();
}

}  // namespace ambient::gui
