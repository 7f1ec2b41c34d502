#!/usr/bin/env bash
# Builds the cfl and npy parser fuzzers with clang's libFuzzer and AddressSanitizer, then
# runs each for SECONDS (default 60) from the seed corpus. Exit non-zero on any finding.
# Usage: run-fuzzers.sh SOURCE_DIR BUILD_DIR [SECONDS]
set -euo pipefail
src=$1 build=$2 seconds=${3:-60}
out=$build/fuzz
mkdir -p "$out"
torch_flags=(-I/usr/include/torch/csrc/api/include -ltorch -ltorch_cpu -lc10)
for target in cfl npy; do
  bin=$out/fuzz_$target
  if [ ! -x "$bin" ] || [ "$src/tests/fuzz/fuzz_$target.cpp" -nt "$bin" ] || [ "$src/io/src/$target.cpp" -nt "$bin" ]; then
    echo "building $bin"
    clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address -D_GLIBCXX_USE_CXX11_ABI=1 \
      -I"$src/core/include" -I"$src/io/include" -I"$src/io/src" \
      "$src/tests/fuzz/fuzz_$target.cpp" "$src/io/src/$target.cpp" "$src/io/src/file_checks.cpp" \
      "$src/io/src/output_file.cpp" "${torch_flags[@]}" -o "$bin"
  fi
  work=$out/corpus-$target
  mkdir -p "$work"
  cp -n "$src/tests/fuzz/corpus/$target/"* "$work/" 2>/dev/null || true
  # Readers refuse arrays over this size before allocating; keep it under libFuzzer's RSS limit.
  AMBIENT_MAX_ARRAY_GB=0.25 ASAN_OPTIONS=detect_leaks=0 \
    "$bin" -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$out/crash-$target-" "$work"
done
echo "fuzzers ran ${seconds}s each without a finding"
