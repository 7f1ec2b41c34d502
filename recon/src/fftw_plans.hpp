#pragma once
// FFTW plans for batched 2D complex64 transforms, made once per (batch, ny, nx, direction)
// with FFTW_MEASURE on scratch arrays and kept for the process: the planner is serialised
// by a mutex, execution on new arrays (fftwf_execute_dft) is thread-safe. Private to recon/.
#include <ATen/core/Tensor.h>

namespace ambient::recon {

// Unnormalised 2D DFT over the last two axes of a contiguous complex64 CPU tensor.
at::Tensor fftw_fft2(const at::Tensor& x, bool inverse);

}  // namespace ambient::recon
