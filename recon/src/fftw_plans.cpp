#include "fftw_plans.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <fftw3.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <mutex>
#include <tuple>

namespace ambient::recon {

namespace {

struct PlanKey {
  int64_t batch, ny, nx;
  bool inverse;
  bool aligned;  // both arrays SIMD-aligned (torch's allocations are)
  bool operator<(const PlanKey& o) const {
    return std::tie(batch, ny, nx, inverse, aligned) < std::tie(o.batch, o.ny, o.nx, o.inverse, o.aligned);
  }
};

// FFTW_MEASURE planning costs tens to hundreds of milliseconds per new shape, which every
// short command-line run would pay again; the planner's wisdom is kept in a file so later
// processes plan instantly. AMBIENT_FFTW_WISDOM names the file ("none": keep nothing);
// default $XDG_CACHE_HOME/ambient/fftwf-wisdom, else ~/.cache/ambient/fftwf-wisdom.
std::string wisdom_path() {
  if (const char* env = std::getenv("AMBIENT_FFTW_WISDOM")) return std::string(env) == "none" ? "" : env;
  std::filesystem::path base;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME")) base = xdg;
  else if (const char* home = std::getenv("HOME")) base = std::filesystem::path(home) / ".cache";
  else return "";
  return (base / "ambient" / "fftwf-wisdom").string();
}

void save_wisdom(const std::string& path) {
  if (path.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const std::string temp = path + ".partial-" + std::to_string(::getpid());
  if (fftwf_export_wisdom_to_filename(temp.c_str())) std::filesystem::rename(temp, path, ec);
  std::filesystem::remove(temp, ec);  // a cache: failing to keep it is not an error
}

class PlanCache {
 public:
  fftwf_plan get(const PlanKey& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = plans_.find(key);
    if (it != plans_.end()) return it->second;
    if (!wisdom_loaded_) {
      wisdom_loaded_ = true;
      wisdom_ = wisdom_path();
      if (!wisdom_.empty()) fftwf_import_wisdom_from_filename(wisdom_.c_str());
    }
    static const bool threads = fftwf_init_threads() != 0;
    if (threads) fftwf_plan_with_nthreads(at::get_num_threads());
    const int64_t count = key.batch * key.ny * key.nx;
    // Planning with FFTW_MEASURE overwrites its arrays, so it plans on scratch memory.
    auto* in = fftwf_alloc_complex(count);
    auto* out = fftwf_alloc_complex(count);
    int n[2] = {static_cast<int>(key.ny), static_cast<int>(key.nx)};
    const unsigned flags = FFTW_MEASURE | (key.aligned ? 0 : FFTW_UNALIGNED);
    fftwf_plan plan = fftwf_plan_many_dft(2, n, static_cast<int>(key.batch), in, nullptr, 1, n[0] * n[1], out, nullptr,
                                          1, n[0] * n[1], key.inverse ? FFTW_BACKWARD : FFTW_FORWARD, flags);
    fftwf_free(in);
    fftwf_free(out);
    plans_[key] = plan;
    save_wisdom(wisdom_);
    return plan;
  }

 private:
  bool wisdom_loaded_ = false;
  std::string wisdom_;
  std::mutex mutex_;
  std::map<PlanKey, fftwf_plan> plans_;
};

PlanCache& cache() {
  static PlanCache* plans = new PlanCache();  // lives as long as the process; plans are reused
  return *plans;
}

}  // namespace

at::Tensor fftw_fft2(const at::Tensor& x_in, bool inverse) {
  const at::Tensor x = x_in.contiguous();
  const int64_t ny = x.size(-2), nx = x.size(-1), batch = x.numel() / (ny * nx);
  at::Tensor out = at::empty_like(x);
  auto* src = reinterpret_cast<fftwf_complex*>(x.data_ptr());
  auto* dst = reinterpret_cast<fftwf_complex*>(out.data_ptr());
  const bool aligned = fftwf_alignment_of(reinterpret_cast<float*>(src)) == 0 &&
                       fftwf_alignment_of(reinterpret_cast<float*>(dst)) == 0;
  fftwf_execute_dft(cache().get({batch, ny, nx, inverse, aligned}), src, dst);
  return out;
}

}  // namespace ambient::recon
