/* libbart's wavelet soft-thresholding (the proximal operator `bart pics -l1` uses), behind
 * a plain C interface: BART's headers use C99 array parameters that C++ cannot parse, and
 * Debian's libbart-dev ships no num/ops_p.h, so this file declares the two operator_p calls
 * it needs with BART 0.8's signatures. Private to recon/. */
#ifndef AMBIENT_BART_WAVELET_H
#define AMBIENT_BART_WAVELET_H

#ifdef __cplusplus
extern "C" {
#endif

/* Daubechies-2 wavelets over both axes of an nx-by-ny image (x fastest), coarsest scale
 * 16, random shifts each call (as BART does); thresholds lambda * mu on apply. */
const void* ambient_wavelet_threshold_create(long nx, long ny, float lambda);
void ambient_wavelet_threshold_apply(const void* op, float mu, long nx, long ny, void* dst, const void* src);
void ambient_wavelet_threshold_seed(const void* op, int seed); /* the random shifts' state */
void ambient_wavelet_threshold_free(const void* op);

#ifdef __cplusplus
}
#endif

#endif
