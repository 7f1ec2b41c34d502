#!/usr/bin/env bash
# Measures diffusion-prior training on this machine and writes docs/benchmarks-training.md:
# throughput (images/s) of the CPU and GPU presets, the network's achieved GFLOP/s against
# one large convolution measured in the same run, and peak memory of `ambient train`.
# Usage: bench/run-training-benchmarks.sh [BUILD_DIR]  (default build/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
ambient=$build/ambient
py=/usr/bin/python3
colin=/usr/share/mricron/templates/ch2better.nii.gz
[ -f "$colin" ] || { echo "error: $colin missing (apt-get install mricron-data)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "in-process benchmarks"
"$build/bench/ambient_bench_training" --benchmark_min_time=10 --benchmark_format=json >"$work/bench.json" 2>/dev/null
value() {  # BENCHMARK-NAME-PREFIX COUNTER
  $py -c "import json; b=[x for x in json.load(open('$work/bench.json'))['benchmarks'] if x['name'].startswith('$1')][0]; print('%.4g' % b['$2'])"
}
conv=$(value BM_LargeConvolution/bfloat16:0 GFLOP/s)
conv_bf16=$(value BM_LargeConvolution/bfloat16:1 GFLOP/s)
row() {  # LABEL PREFIX YARDSTICK
  local ips gflops per
  ips=$(value "$2" images/s); gflops=$(value "$2" GFLOP/s); per=$(value "$2" GFLOP/image)
  echo "| $1 | $ips | $per | $gflops | $(printf %.0f "$(echo "100 * $gflops / $3" | bc -l)") % |"
}
table=$(row "CPU preset, ambient objective, batch 8" "BM_TrainStep/gpu_preset:0/batch:8/clean:0/bfloat16:0" "$conv"
        row "CPU preset, clean objective, batch 8" "BM_TrainStep/gpu_preset:0/batch:8/clean:1/bfloat16:0" "$conv"
        row "CPU preset, ambient objective, batch 8, bfloat16" "BM_TrainStep/gpu_preset:0/batch:8/clean:0/bfloat16:1" "$conv_bf16"
        row "CPU preset, clean objective, batch 8, bfloat16" "BM_TrainStep/gpu_preset:0/batch:8/clean:1/bfloat16:1" "$conv_bf16"
        row "GPU preset (on this CPU), ambient objective, batch 2" "BM_TrainStep/gpu_preset:1/batch:2/clean:0/bfloat16:0" "$conv"
        row "GPU preset (on this CPU), ambient objective, batch 2, bfloat16" "BM_TrainStep/gpu_preset:1/batch:2/clean:0/bfloat16:1" "$conv_bf16")

echo "peak memory of ambient train (CPU preset, 16 Colin27 slices)"
"$ambient" -q simulate "$colin" --matrix 128 --coils 8 --noise 0.005 --orientation axial --slices 150:182:2 \
  -o "$work/data.h5"
peak_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
train=("$ambient" -q train "$work/data.h5" --cache "$work/cache" --mask random --accel 4 --acs 12 --batch 8
       --steps 5 --sample-count 1)
"${train[@]}" --run "$work/warm" >/dev/null 2>&1  # fills the coil map cache
mem_train=$(peak_kb "${train[@]}" --run "$work/run")
mem_base=$(peak_kb "$ambient" --version)

commit=$(git -C "$root" rev-parse --short HEAD)
cpu=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
cat >"$root/docs/benchmarks-training.md" <<MD
# Benchmarks: training diffusion priors

Produced by \`bash bench/run-training-benchmarks.sh\` (commit $commit, $(date -u +%Y-%m-%d),
$(nproc) CPUs: $cpu; LibTorch from Debian, OpenBLAS and oneDNN). In-process Google
Benchmark means (\`build/bench/ambient_bench_training --benchmark_min_time=10\`): one
optimiser step (forward, loss, backward, gradient clipping, Adam, EMA) on 128 x 128 images
with 8-coil maps and R = 4 random-line masks with 12 ACS lines.

The yardstick: one large 3 x 3 convolution (8 x 64 x 64 x 64, 64 -> 64 channels, forward and
both backward products) reaches **$conv GFLOP/s** here in float32 and **$conv_bf16 GFLOP/s** in
bfloat16. The network's rate counts 3x its forward FLOPs per image
(\`UNet::forward_flops\`: convolutions, attention, linear layers); "efficiency" is that rate
over the yardstick's of the same precision (goal: 60 % or more). The bfloat16 rows train with
\`--precision bfloat16\` (the network under LibTorch's autocast, float32 weights and loss).

| configuration | images/s | GFLOP per image (forward) | network GFLOP/s | efficiency |
|---|---|---|---|---|
$table

The ambient objective's extra work per step (further masks, the multi-coil A^H A on the
input and on the output) is the difference between its row and the clean objective's.

Peak memory (maximum resident set, \`/usr/bin/time -f %M\`) of \`ambient train\` with the
CPU preset, batch 8, 16 slices of 128 x 128 x 8 coils (coil maps cached):
$((mem_train / 1024)) MiB; \`ambient --version\` alone: $((mem_base / 1024)) MiB.

GPU figures: [benchmarks-gpu.md](benchmarks-gpu.md) (an H200 lent for one session; measured with `ambient train` there, not with this harness).
MD
echo "wrote docs/benchmarks-training.md"
