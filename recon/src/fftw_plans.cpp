#include "fftw_plans.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <fftw3.h>

#include <map>
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

class PlanCache {
 public:
  fftwf_plan get(const PlanKey& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = plans_.find(key);
    if (it != plans_.end()) return it->second;
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
    return plan;
  }

 private:
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
