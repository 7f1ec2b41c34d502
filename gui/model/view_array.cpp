#include "view_array.hpp"

#include <ATen/ATen.h>

#include "ambient/core/error.hpp"

namespace ambient::gui {

ViewPosition default_position(const ViewArray& array) {
  ViewPosition p;
  p.x_axis = array.rank() - 1;
  p.y_axis = array.rank() - 2;
  p.index.assign(array.rank(), 0);
  return p;
}

void check_position(const ViewArray& a, const ViewPosition& p) {
  const auto in_range = [&](int64_t axis) { return axis >= 0 && axis < a.rank(); };
  if (!in_range(p.x_axis) || !in_range(p.y_axis) || p.x_axis == p.y_axis)
    throw Error("x and y must be two different axes of the " + std::to_string(a.rank()) + "-D array");
  if (static_cast<int64_t>(p.index.size()) != a.rank())
    throw Error("a position needs one index per axis");
  for (int64_t d = 0; d < a.rank(); ++d)
    if (d != p.x_axis && d != p.y_axis && (p.index[d] < 0 || p.index[d] >= a.size(d)))
      throw Error("index " + std::to_string(p.index[d]) + " is outside axis " + a.axes[d] + " (size " +
                  std::to_string(a.size(d)) + ")");
}

at::Tensor plane(const ViewArray& a, const ViewPosition& p) {
  check_position(a, p);
  at::Tensor t = a.data;
  // Select from the last axis down so earlier axis numbers stay valid.
  for (int64_t d = a.rank() - 1; d >= 0; --d)
    if (d != p.x_axis && d != p.y_axis) t = t.select(d, p.index[d]);
  if (p.y_axis > p.x_axis) t = t.transpose(0, 1);  // rows are y
  return t.to(at::kComplexFloat).contiguous();
}

ViewArray make_view(const at::Tensor& data, std::vector<std::string> axes, std::string title, ViewKind kind,
                    std::string source_path) {
  if (data.dim() < 2 || static_cast<int64_t>(axes.size()) != data.dim())
    throw Error("a view needs a 2-D or larger array with one name per axis");
  ViewArray v;
  at::Tensor t = data.detach().to(at::kCPU);
  if (!t.is_complex()) t = t.to(at::kFloat);
  else t = t.to(at::kComplexFloat);
  v.data = t.contiguous();
  v.axes = std::move(axes);
  v.title = std::move(title);
  v.kind = kind;
  v.source_path = std::move(source_path);
  return v;
}

}  // namespace ambient::gui
