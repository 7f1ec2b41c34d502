#pragma once
// Memory reuse for tensor work. LibTorch's CPU allocator is malloc. glibc serves blocks above a
// (moving) threshold with mmap and hands the heap's free top back to the kernel, so every
// network step's activations were fresh pages the kernel had to zero: 12 % of adps's time was
// page faults (perf, docs/reconstruction.md). Kept for the next step instead, freed blocks
// raise the peak a little (683 -> 742 MiB for adps on a 320 x 320 16-coil slice).
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace ambient {

inline void reuse_freed_memory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's ceiling: blocks up to 32 MiB come from the heap
  mallopt(M_TRIM_THRESHOLD, 1 << 30);   // keep up to 1 GiB of freed heap for reuse
#endif
}

}  // namespace ambient
