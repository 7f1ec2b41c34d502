#include "array_layout.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <sstream>

#include "ambient/core/error.hpp"
#include "ambient/core/setting_error.hpp"

namespace ambient::io {

namespace {

constexpr int kBartSliceDim = 13;

std::vector<std::string> split(const std::string& spec) {
  std::vector<std::string> out;
  std::stringstream in(spec);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(std::remove(item.begin(), item.end(), ' '), item.end());
    out.push_back(item);
  }
  return out;
}

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ",") + n;
  return s;
}

std::string shape_text(const at::Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

// Permutes `array` to `target` axis order; axes not in the file become size 1, axes named
// '1' must be singletons.
at::Tensor arrange(const at::Tensor& array, const std::vector<std::string>& axes,
                   const std::vector<std::string>& target, const std::string& path) {
  if (static_cast<int64_t>(axes.size()) != array.dim())
    throw FileError(path, "array has " + std::to_string(array.dim()) + " axes but the layout '" +
                              join(axes) + "' names " + std::to_string(axes.size()));
  at::Tensor t = array;
  std::vector<std::string> names = axes;
  for (int64_t i = static_cast<int64_t>(names.size()) - 1; i >= 0; --i) {
    if (names[i] == "1") {
      if (t.size(i) != 1)
        throw FileSettingError("axes", path,
                               "array of shape " + shape_text(array) + " does not fit the layout (" + join(axes) +
                                   "): an axis of size " + std::to_string(t.size(i)) +
                                   " has no name; name the array's axes");
      t = t.squeeze(i);
      names.erase(names.begin() + i);
      continue;
    }
    if (std::find(target.begin(), target.end(), names[i]) == target.end())
      throw FileError(path, "unknown axis name '" + names[i] + "' (expected " + join(target) + " or 1)");
    if (std::count(names.begin(), names.end(), names[i]) > 1)
      throw FileError(path, "axis '" + names[i] + "' named twice in layout " + join(axes));
  }
  for (const auto& want : target)
    if (std::find(names.begin(), names.end(), want) == names.end()) {
      t = t.unsqueeze(t.dim());
      names.push_back(want);
    }
  std::vector<int64_t> order;
  for (const auto& want : target)
    order.push_back(std::find(names.begin(), names.end(), want) - names.begin());
  return t.permute(order).contiguous();
}

}  // namespace

std::vector<std::string> npy_axes(int64_t ndim, const std::string& spec, bool kspace) {
  if (!spec.empty()) return split(spec);
  const std::vector<std::string> full = kspace ? std::vector<std::string>{"slice", "coil", "ky", "kx"}
                                               : std::vector<std::string>{"slice", "y", "x"};
  if (ndim < 2 || ndim > static_cast<int64_t>(full.size())) return std::vector<std::string>(ndim, "?");
  return std::vector<std::string>(full.end() - ndim, full.end());
}

std::vector<std::string> cfl_axes(const std::vector<int64_t>& dims, const std::string& spec,
                                  bool kspace) {
  std::vector<std::string> bart(dims.size(), "1");
  if (!spec.empty()) {
    const auto named = split(spec);
    std::copy_n(named.begin(), std::min(named.size(), bart.size()), bart.begin());
    if (named.size() > bart.size()) bart = named;  // reported as a count mismatch below
  } else {
    auto set = [&](size_t i, const char* name) {
      if (i < bart.size()) bart[i] = name;
    };
    if (kspace) {
      set(0, "kx"), set(1, "ky"), set(3, "coil"), set(kBartSliceDim, "slice");
    } else {
      set(0, "x"), set(1, "y");
      const bool slices_in_13 = dims.size() > kBartSliceDim && dims[kBartSliceDim] > 1;
      set(slices_in_13 ? kBartSliceDim : 2, "slice");
    }
  }
  return std::vector<std::string>(bart.rbegin(), bart.rend());
}

KSpace kspace_from_array(const at::Tensor& array, const std::vector<std::string>& axes,
                         const std::string& path) {
  if (!at::isComplexType(array.scalar_type()))
    throw FileError(path, "holds real numbers; k-space must be complex");
  KSpace k;
  k.data = arrange(array, axes, {"slice", "coil", "ky", "kx"}, path).to(at::kComplexFloat);
  k.mask = mask_from_zeros(k.data);
  validate(k, path);
  return k;
}

ImageVolume image_from_array(const at::Tensor& array, const std::vector<std::string>& axes,
                             const std::string& path) {
  ImageVolume im;
  im.data = arrange(array, axes, {"slice", "y", "x"}, path);
  if (!at::isComplexType(im.data.scalar_type())) im.data = im.data.to(at::kFloat);
  validate(im, path);
  return im;
}

at::Tensor kspace_to_bart(const KSpace& k) {
  const at::Tensor masked = k.data * k.mask.unsqueeze(1);  // [S, C, Y, X]
  if (k.slices() == 1) return masked[0].unsqueeze(1);     // BART dims X Y 1 C
  std::vector<int64_t> shape(kBartSliceDim + 1, 1);       // reversed BART dims 13..0
  shape[0] = k.slices();
  shape[kBartSliceDim - 3] = k.coils();
  shape[kBartSliceDim - 1] = k.ny();
  shape[kBartSliceDim] = k.nx();
  return masked.reshape(shape);
}

at::Tensor image_to_bart(const ImageVolume& im) {
  if (im.slices() == 1) return im.data[0];  // BART dims X Y
  return im.data;                           // BART dims X Y Z: slices along PHS2
}

}  // namespace ambient::io
