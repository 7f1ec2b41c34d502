#!/usr/bin/env bash
# Configures (once) and builds Ambient with Ninja and ccache in BUILD_DIR (default: build).
# Extra arguments go to CMake's configure step, e.g. -DCMAKE_BUILD_TYPE=Release.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
if [ ! -f "$build/build.ninja" ] || [ $# -gt 0 ]; then
  cmake -S "$root" -B "$build" -G Ninja "$@"
fi
# Two jobs on a 2-core machine; each LibTorch translation unit needs ~1 GiB.
cmake --build "$build" -- -j "${AMBIENT_JOBS:-$(nproc)}"
