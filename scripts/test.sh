#!/usr/bin/env bash
# Builds and runs the test suite: every CTest label but `slow` (see tests/CMakeLists.txt).
# Extra arguments go to ctest, e.g. -L cli or -R Ismrmrd.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
"$root/scripts/build.sh"
ctest --test-dir "$build" --label-exclude slow --output-on-failure -j "$(nproc)" "$@"
