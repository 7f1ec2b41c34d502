#include "bart_wavelet.h"

#include <complex.h>
#include <stdbool.h>

#include "num/init.h"
#include "wavelet/wavthresh.h"

struct operator_p_s;
extern void operator_p_apply(const struct operator_p_s* op, float mu, unsigned int ON, const long odims[ON],
                             complex float* dst, unsigned int IN, const long idims[IN], const complex float* src);
extern void operator_p_free(const struct operator_p_s* x);

const void* ambient_wavelet_threshold_create(long nx, long ny, float lambda) {
  num_init();
  long dims[2] = { nx, ny };
  long minsize[2] = { 16, 16 };
  return prox_wavelet_thresh_create(2, dims, 3u, 0u, WAVELET_DAU2, minsize, lambda, true);
}

void ambient_wavelet_threshold_apply(const void* op, float mu, long nx, long ny, void* dst, const void* src) {
  long dims[2] = { nx, ny };
  operator_p_apply((const struct operator_p_s*)op, mu, 2, dims, (complex float*)dst, 2, dims, (const complex float*)src);
}

void ambient_wavelet_threshold_seed(const void* op, int seed) {
  wavthresh_rand_state_set((const struct operator_p_s*)op, seed);
}

void ambient_wavelet_threshold_free(const void* op) { operator_p_free((const struct operator_p_s*)op); }
