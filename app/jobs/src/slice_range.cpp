#include "ambient/jobs/slice_range.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <sstream>

#include "ambient/core/error.hpp"

namespace ambient::jobs {

SliceRange SliceRange::parse(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string p; std::getline(in, p, ':');) parts.push_back(p);
  if (!text.empty() && text.back() == ':') parts.emplace_back();
  const std::string wanted = "a slice range A:B or A:B:STEP (either end may be left out), got '" + text + "'";
  if (parts.size() < 2 || parts.size() > 3) throw Error(wanted);
  auto number = [&](const std::string& s, int64_t fallback) -> int64_t {
    if (s.empty()) return fallback;
    size_t used = 0;
    int64_t value = 0;
    try {
      value = std::stoll(s, &used);
    } catch (const std::exception&) {
      throw Error(wanted);
    }
    if (used != s.size()) throw Error(wanted);
    return value;
  };
  SliceRange r{number(parts[0], 0), number(parts[1], -1), parts.size() == 3 ? number(parts[2], 1) : 1};
  if (r.begin < 0 || r.step < 1 || (r.end >= 0 && r.end <= r.begin))
    throw Error("slice range '" + text + "' wants 0 <= A < B and STEP >= 1");
  return r;
}

std::vector<int64_t> SliceRange::indices(int64_t count) const {
  std::vector<int64_t> out;
  const int64_t stop = end < 0 ? count : std::min(end, count);
  for (int64_t s = begin; s < stop; s += step) out.push_back(s);
  if (out.empty())
    throw Error("the slice range starts at " + std::to_string(begin) + " but there are only " +
                std::to_string(count) + " slices");
  return out;
}

io::KSpace select_slices(const io::KSpace& k, const std::string& range, const std::string& path) {
  std::vector<int64_t> picked;
  try {
    picked = SliceRange::parse(range).indices(k.slices());
  } catch (const Error& e) {
    throw FileError(path, e.what());
  }
  const at::Tensor index = at::tensor(picked, at::kLong);
  io::KSpace out = k;
  out.data = k.data.index_select(0, index);
  out.mask = k.mask.index_select(0, index);
  if (k.reference.defined()) out.reference = k.reference.index_select(0, index);
  return out;
}

}  // namespace ambient::jobs
