#include "ambient/recon/masks.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "ambient/core/error.hpp"
#include "ambient/recon/fft.hpp"
#include "ambient/recon/mask_analysis.hpp"

namespace ambient::recon {

namespace {

using Rng = std::mt19937_64;  // specified by the standard: the same seed, the same mask

double uniform(Rng& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// Fisher-Yates with our own index draw (std::shuffle's algorithm is unspecified).
template <typename T>
void shuffle(std::vector<T>& v, Rng& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[static_cast<size_t>(uniform(rng) * i)]);
}

int64_t target_count(int64_t total, double acceleration) {
  return std::max<int64_t>(1, std::llround(static_cast<double>(total) / acceleration));
}

std::vector<bool> acs_lines(int64_t ny, int64_t acs) {  // the rows calibration_block(.., true) fills
  std::vector<bool> lines(ny, false);
  for (int64_t y = centre_start(ny, acs); y < centre_start(ny, acs) + acs; ++y) lines[y] = true;
  return lines;
}

// Picks `count` of the not-yet-chosen lines, each with probability proportional to
// weight[y], without replacement (Efraimidis-Spirakis keys).
void draw_lines(std::vector<bool>& lines, int64_t count, const std::vector<double>& weight, Rng& rng) {
  std::vector<std::pair<double, int64_t>> keys;
  for (int64_t y = 0; y < static_cast<int64_t>(lines.size()); ++y)
    if (!lines[y] && weight[y] > 0) keys.push_back({std::log(uniform(rng) + 1e-300) / weight[y], y});
  std::sort(keys.begin(), keys.end(), std::greater<>());
  for (int64_t i = 0; i < count && i < static_cast<int64_t>(keys.size()); ++i) lines[keys[i].second] = true;
}

std::vector<bool> line_pattern(int64_t ny, const MaskOptions& o, Rng& rng) {
  std::vector<bool> lines = acs_lines(ny, o.calibration);
  const int64_t wanted = target_count(ny, o.acceleration) - o.calibration;
  if (wanted <= 0) return lines;
  if (o.kind == MaskKind::equispaced) {
    // Spacing chosen so that the lines outside the ACS block add up to `wanted`.
    const double step = static_cast<double>(ny - o.calibration) / wanted;
    const double offset = uniform(rng) * step;
    int64_t added = 0;
    for (double pos = offset; pos < ny && added < wanted; pos += step) {
      int64_t y = static_cast<int64_t>(pos);
      while (y < ny && lines[y]) ++y;  // skip over the ACS block
      if (y < ny) lines[y] = true, ++added;
    }
    return lines;
  }
  std::vector<double> weight(ny, 1.0);
  if (o.kind == MaskKind::gaussian)
    for (int64_t y = 0; y < ny; ++y) {
      const double d = (y - ny / 2) / (o.gaussian_width * ny);
      weight[y] = std::exp(-0.5 * d * d);
    }
  draw_lines(lines, wanted, weight, rng);
  return lines;
}

// Variable-density Poisson disc by random sequential adsorption on the grid: points in
// random order, each kept when no kept point lies within its radius. The radius grows
// linearly with the elliptical distance from the centre; `scale` sets the density.
std::vector<uint8_t> poisson_points(int64_t ny, int64_t nx, double scale, const std::vector<int64_t>& order) {
  std::vector<uint8_t> kept(ny * nx, 0);
  auto radius = [&](int64_t y, int64_t x) {
    const double ey = (y - ny / 2) / (ny / 2.0), ex = (x - nx / 2) / (nx / 2.0);
    return scale * (1.0 + 2.0 * std::sqrt(ey * ey + ex * ex));
  };
  for (int64_t idx : order) {
    const int64_t y = idx / nx, x = idx % nx;
    const double r = radius(y, x);
    const auto reach = static_cast<int64_t>(std::ceil(r));
    bool free = true;
    for (int64_t dy = -reach; free && dy <= reach; ++dy)
      for (int64_t dx = -reach; dx <= reach; ++dx) {
        const int64_t yy = y + dy, xx = x + dx;
        if (yy < 0 || yy >= ny || xx < 0 || xx >= nx || !kept[yy * nx + xx]) continue;
        if (dy * dy + dx * dx < r * r) {
          free = false;
          break;
        }
      }
    if (free) kept[idx] = 1;
  }
  return kept;
}

at::Tensor poisson_mask(int64_t ny, int64_t nx, const MaskOptions& o, Rng& rng) {
  std::vector<int64_t> order;  // grid points inside the ellipse
  for (int64_t y = 0; y < ny; ++y)
    for (int64_t x = 0; x < nx; ++x) {
      const double ey = (y - ny / 2) / (ny / 2.0), ex = (x - nx / 2) / (nx / 2.0);
      if (ey * ey + ex * ex <= 1.0) order.push_back(y * nx + x);
    }
  shuffle(order, rng);
  const at::Tensor calib = calibration_block(ny, nx, o.calibration, false);
  const int64_t wanted = target_count(ny * nx, o.acceleration);

  // Bisect the radius scale: larger radii keep fewer points.
  double lo = 0.3, hi = std::max(ny, nx);
  at::Tensor best;
  int64_t best_error = INT64_MAX;
  for (int iter = 0; iter < 40; ++iter) {
    const double scale = std::sqrt(lo * hi);
    const auto kept = poisson_points(ny, nx, scale, order);
    at::Tensor mask = at::from_blob(const_cast<uint8_t*>(kept.data()), {ny, nx}, at::kByte).to(at::kBool) | calib;
    const int64_t count = mask.sum().item<int64_t>();
    if (std::abs(count - wanted) < best_error) best_error = std::abs(count - wanted), best = mask;
    if (count == wanted || hi / lo < 1.0001) break;
    (count > wanted ? lo : hi) = scale;
  }
  return best;
}

}  // namespace

MaskKind parse_mask_kind(const std::string& name) {
  for (auto k : {MaskKind::equispaced, MaskKind::random, MaskKind::gaussian, MaskKind::poisson})
    if (mask_kind_name(k) == name) return k;
  throw Error("unknown mask kind '" + name + "' (equispaced, random, gaussian, poisson)");
}

std::string mask_kind_name(MaskKind k) {
  switch (k) {
    case MaskKind::equispaced: return "equispaced";
    case MaskKind::random: return "random";
    case MaskKind::gaussian: return "gaussian";
    case MaskKind::poisson: return "poisson";
  }
  return "?";
}

at::Tensor sampling_mask(int64_t ny, int64_t nx, const MaskOptions& o) {
  if (ny < 2 || nx < 2) throw Error("mask grid must be at least 2 x 2");
  if (!(o.acceleration >= 1)) throw Error("acceleration must be >= 1");
  const bool two_d = o.kind == MaskKind::poisson;
  if (o.calibration < 0 || o.calibration > ny || (two_d && o.calibration > nx))
    throw Error("calibration region of " + std::to_string(o.calibration) + " does not fit the " +
                std::to_string(ny) + " x " + std::to_string(nx) + " grid");
  const int64_t budget = target_count(two_d ? ny * nx : ny, o.acceleration);
  const int64_t calib = two_d ? o.calibration * o.calibration : o.calibration;
  if (calib > budget)
    throw Error("the calibration region alone (" + std::to_string(calib) + (two_d ? " points" : " lines") +
                ") measures more than acceleration " + std::to_string(o.acceleration) + " allows (" +
                std::to_string(budget) + ")");
  Rng rng(o.seed);
  if (two_d) return poisson_mask(ny, nx, o, rng);
  const std::vector<bool> lines = line_pattern(ny, o, rng);
  at::Tensor m = at::zeros({ny, 1}, at::kBool);
  for (int64_t y = 0; y < ny; ++y) m[y][0] = static_cast<bool>(lines[y]);
  return m.expand({ny, nx}).contiguous();
}

double acceleration_of(const at::Tensor& mask) {
  const double measured = mask.to(at::kBool).sum().item<double>();
  if (measured == 0) throw Error("the mask measures nothing");
  return static_cast<double>(mask.numel()) / measured;
}

at::Tensor calibration_block(int64_t ny, int64_t nx, int64_t size, bool lines) {
  at::Tensor block = at::zeros({ny, nx}, at::kBool);
  if (size <= 0) return block;
  const int64_t sy = std::min(size, ny), sx = lines ? nx : std::min(size, nx);
  centre_crop(block, sy, sx).fill_(true);
  return block;
}

at::Tensor further_subsample(const at::Tensor& mask, double target, uint64_t seed, const at::Tensor& protect_in) {
  const at::Tensor a = mask.to(at::kBool).contiguous();
  const double current = acceleration_of(a);
  if (!(target > current))
    throw Error("further subsampling needs a target acceleration above the mask's own (" +
                std::to_string(current) + ")");
  at::Tensor protect = at::zeros_like(a);
  if (protect_in.defined()) {
    protect = protect_in.to(at::kBool);
  } else {
    const auto region = calibration_region(a);
    if (!region.empty())
      protect.narrow(0, region.ky_begin, region.ky_size).narrow(1, region.kx_begin, region.kx_size).fill_(true);
  }

  const bool lines = is_line_mask(a);
  const int64_t ny = a.size(0), nx = a.size(1);
  // Units that may be dropped: whole lines, or single points, outside the calibration block.
  std::vector<int64_t> candidates;
  if (lines) {
    const at::Tensor line = a.any(1), guarded = protect.any(1);
    for (int64_t y = 0; y < ny; ++y)
      if (line[y].item<bool>() && !guarded[y].item<bool>()) candidates.push_back(y);
  } else {
    const at::Tensor droppable = (a & ~protect).flatten().nonzero().flatten().contiguous();
    candidates.assign(droppable.data_ptr<int64_t>(), droppable.data_ptr<int64_t>() + droppable.numel());
  }
  const int64_t unit = lines ? nx : 1;
  const int64_t measured = a.sum().item<int64_t>();
  const auto keep = static_cast<int64_t>(std::floor(static_cast<double>(a.numel()) / target));
  const int64_t drop = (measured - keep + unit - 1) / unit;
  if (drop > static_cast<int64_t>(candidates.size()))
    throw Error("cannot reach acceleration " + std::to_string(target) +
                " without dropping the calibration region");
  Rng rng(seed);
  shuffle(candidates, rng);
  at::Tensor out = a.clone();
  for (int64_t i = 0; i < drop; ++i) {
    if (lines) out[candidates[i]].fill_(false);
    else out.view(-1)[candidates[i]] = false;
  }
  return out;
}

}  // namespace ambient::recon
