#pragma once
// Physics models for simulating multi-coil acquisitions from images: coil sensitivities
// of a birdcage-like head array, smooth random phase, and a numerical phantom.
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace ambient::recon {

// [coils, ny, nx] complex64 sensitivities of `coils` loops evenly spaced on a circle of
// `radius` (relative to the half field of view) around the image, each seeing the object
// with 1/distance falloff and a phase that turns with its angle; normalised so that
// sum_c |S_c|^2 = 1 everywhere (the coil-combined image is then the object itself).
at::Tensor birdcage_maps(int64_t coils, int64_t ny, int64_t nx, double radius = 1.5);

// [coils, ny, nx] complex64 sensitivities of a random array: `coils` loops on an ellipse of
// random semi-axes (1.1 to 2 half fields of view) around the image, at evenly spaced angles
// with random jitter and a random overall rotation, each with its own falloff exponent
// (1/distance^p, p in [0.7, 1.6]) and gain; normalised as birdcage_maps. Training data
// simulated with a new array per slice keeps a prior from learning one coil geometry.
at::Tensor random_coil_maps(int64_t coils, int64_t ny, int64_t nx, at::Generator generator);

// [ny, nx] unit-modulus complex phase exp(i*phi), phi a smooth random field (a few
// low-order spatial frequencies, up to `max_radians` peak), from `generator`.
at::Tensor smooth_random_phase(int64_t ny, int64_t nx, double max_radians,
                               at::Generator generator);

// The modified Shepp-Logan phantom (Toft's intensities), [ny, nx] float32 in [0, 1].
at::Tensor shepp_logan(int64_t ny, int64_t nx);

}  // namespace ambient::recon
