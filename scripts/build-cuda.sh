#!/usr/bin/env bash
# Builds Ambient against a CUDA-enabled LibTorch into BUILD_DIR (default build-cuda/):
#   LIBTORCH=/path/to/libtorch bash scripts/build-cuda.sh      # an unpacked LibTorch
#   bash scripts/build-cuda.sh                                 # the LibTorch inside `python3 -c 'import torch'`
# Every other dependency comes from Debian (scripts/install-deps.sh). Debian's C++ libraries
# use the C++11 string ABI, so the LibTorch must too (LibTorch zips named "cxx11-abi"; PyTorch
# wheels report torch._C._GLIBCXX_USE_CXX11_ABI). Extra arguments go to CMake's configure step.
# The CUDA tests skip where no GPU is present; run them with
#   ctest --test-dir build-cuda -R Cuda --output-on-failure
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-cuda}
python=${PYTHON:-python3}
if [ -n "${LIBTORCH:-}" ]; then
  prefix=$LIBTORCH
else
  prefix=$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)') || {
    echo "build-cuda: no LIBTORCH given and '$python -c \"import torch\"' failed" >&2; exit 1; }
  abi=$("$python" -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
  if [ "$abi" != 1 ]; then
    echo "build-cuda: this PyTorch's LibTorch uses the old C++ string ABI; Debian's libraries use the" >&2
    echo "new one. Unpack a cxx11-abi LibTorch and give LIBTORCH=/path/to/libtorch." >&2
    exit 1
  fi
fi
echo "build-cuda: LibTorch from $prefix"
# A pip PyTorch keeps cuDNN in site-packages/nvidia (no unversioned libcudnn.so), where its
# CMake config does not look, and refuses to configure without it: name the files.
extra=()
if [ -z "${LIBTORCH:-}" ]; then
  mapfile -t cudnn < <("$python" - <<'PY'
import glob, os, site
for root in site.getsitepackages():
    inc = glob.glob(os.path.join(root, "nvidia", "**", "include", "cudnn.h"), recursive=True)
    lib = sorted(glob.glob(os.path.join(root, "nvidia", "**", "lib", "libcudnn.so*"), recursive=True))
    if inc and lib:
        print(os.path.dirname(inc[0])); print(lib[0]); break
PY
)
  [ "${#cudnn[@]}" = 2 ] && extra=("-DCUDNN_INCLUDE_PATH=${cudnn[0]}" "-DCUDNN_LIBRARY_PATH=${cudnn[1]}")
fi
# LibTorch's CMake config finds CUDA itself (nvcc on PATH or CUDA_HOME).
# GPU hosts seldom have Qt: no viewer unless asked (-DAMBIENT_BUILD_VIEWER=ON).
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=$prefix" -DAMBIENT_BUILD_VIEWER=OFF "${extra[@]}" "$@"
cmake --build "$build" -- -j "${AMBIENT_JOBS:-$(nproc)}"
"$build/ambient" --version
