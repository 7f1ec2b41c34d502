#!/usr/bin/env bash
# Installs every package Ambient needs to build, test and run, from Debian's archive.
# Idempotent and non-interactive: safe to run on every CI run and on a developer's machine.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config clang libclang-rt-14-dev
  # numerics and formats
  libtorch-dev libfftw3-dev libhdf5-dev libismrmrd-dev ismrmrd-tools
  libbart-dev bart libblas-dev libnifti2-dev libniftiio-dev libpng-dev
  # an optimised BLAS behind libblas.so.3 (Debian's alternatives pick it over the reference
  # one): LibTorch's matrix products and its CPU convolutions' fallbacks run ~2x faster
  libopenblas0-pthread
  # application plumbing
  libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-numpy python3-scipy python3-h5py python3-skimage python3-nibabel python3-pil
  # data-parallel training: Gloo's headers (c10d's Gloo process group), and torchrun, the
  # launcher the distributed tests start ranks with
  libgloo-dev python3-torch
  # the viewer (a font for its labels; Xvfb for the screenshot test)
  qt6-base-dev fonts-dejavu-core xvfb xauth
  # the Colin27 T1 volume used to simulate training sets
  mricron-data
  # benchmarks (bench/run-benchmarks.sh)
  bc time
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
