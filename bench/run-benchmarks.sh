#!/usr/bin/env bash
# Runs Ambient beside the bart command on the same data and machine and writes
# docs/benchmarks.md. Usage: bench/run-benchmarks.sh [BUILD_DIR]  (default build/)
# Needs ../shared/data-raw/autoespirit-brain-8ch (fully sampled 8-coil brain).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
ambient=$build/ambient
py=/usr/bin/python3
brain=$root/../shared/data-raw/autoespirit-brain-8ch/brain_clean.cfl
[ -f "$brain" ] || { echo "error: $brain missing" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runs=${RUNS:-5}

# Median wall time in seconds of running "$@" $runs times.
median_time() {
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N)
    times+=("$(echo "$t1 - $t0" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'
}
ratio() { printf %.2f "$(echo "$1 / $2" | bc -l)"; }
peak_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

echo "preparing data in $work"
"$ambient" -q convert --axes kx,ky,coil "$brain" "$work/full.h5"
"$ambient" -q convert "$work/full.h5" "$work/full.cfl"                    # BART layout X Y 1 C
"$ambient" -q recon --method zf "$work/full.h5" -o "$work/reference.cfl"   # RSS reference
"$ambient" -q mask --kind random --accel 4 --acs 24 --seed 0 --like "$work/full.h5" -o "$work/mask.npy"
$py - "$work" <<'PY'
import sys, numpy as np
w = sys.argv[1]
dims = [int(d) for d in open(w + '/full.hdr').read().split('\n')[1].split()]
k = np.fromfile(w + '/full.cfl', np.complex64).reshape(dims[::-1])    # [..., C, 1, ky, kx]
m = np.load(w + '/mask.npy').reshape(dims[1], dims[0])                 # [ky, kx]
(k * m).astype(np.complex64).tofile(w + '/under.cfl')
open(w + '/under.hdr', 'w').write(open(w + '/full.hdr').read())
PY
"$ambient" -q convert "$work/under.cfl" "$work/under.h5"

echo "ESPIRiT"
bart ecalib -m1 "$work/under" "$work/bart_maps" >/dev/null
"$ambient" -q espirit "$work/under.h5" -o "$work/our_maps.cfl"
t_bart_ecalib=$(median_time bart ecalib -m1 "$work/under" "$work/bart_maps_t")
t_our_espirit=$(median_time "$ambient" -q espirit --force "$work/under.h5" -o "$work/our_maps_t.cfl")
t_startup=$(median_time "$ambient" --version)

echo "in-process benchmarks"
AMBIENT_BENCH_KSPACE="$work/full.h5" "$build/bench/ambient_bench" --benchmark_min_time=2 \
  --benchmark_format=json >"$work/bench.json" 2>/dev/null
bench_ms() { $py -c "import json,sys; b={x['name']:x for x in json.load(open('$work/bench.json'))['benchmarks']}; print(b['$1/real_time']['real_time'])"; }
espirit_ms=$(bench_ms BM_Espirit); cs_ms=$(bench_ms BM_WaveletCs)
fft_aten=$(bench_ms BM_FftAten); fft_fftw=$(bench_ms BM_FftFftw)
fft2c_aten=$(bench_ms BM_Fft2cAten); fft2c_fftw=$(bench_ms BM_Fft2cFftw)

echo "L1-wavelet CS: time at the same lambda and iterations, both with bart's maps"
t_bart_pics=$(median_time bart pics -S -l1 -r 0.005 -i 60 "$work/under" "$work/bart_maps" "$work/bart_cs_t")
t_our_cs=$(median_time "$ambient" -q recon --force --method cs --lambda 0.005 --iterations 60 \
  --maps "$work/bart_maps.cfl" "$work/under.h5" -o "$work/our_cs_t.npy")

echo "L1-wavelet CS: PSNR over a lambda sweep, each with its own maps"
sweep=""
best_ours=-99; best_bart=-99
for lambda in 0.0005 0.001 0.002 0.005 0.01 0.02 0.05; do
  "$ambient" -q recon --force --method cs --lambda "$lambda" --iterations 60 --maps "$work/our_maps.cfl" \
    "$work/under.h5" -o "$work/ours_$lambda.cfl"
  bart pics -S -l1 -r "$lambda" -i 60 "$work/under" "$work/bart_maps" "$work/bart_$lambda" >/dev/null 2>&1
  p_ours=$("$ambient" --json metrics "$work/reference.cfl" "$work/ours_$lambda.cfl" | $py -c "import json,sys; print('%.2f' % json.load(sys.stdin)['psnr_db'])")
  p_bart=$("$ambient" --json metrics --axes x,y "$work/reference.cfl" "$work/bart_$lambda.cfl" | $py -c "import json,sys; print('%.2f' % json.load(sys.stdin)['psnr_db'])")
  sweep+="| $lambda | $p_ours | $p_bart |"$'\n'
  best_ours=$(echo "if ($p_ours > $best_ours) $p_ours else $best_ours" | bc -l)
  best_bart=$(echo "if ($p_bart > $best_bart) $p_bart else $best_bart" | bc -l)
done

echo "peak memory: CS of a 16-coil 320 x 320 slice"
"$ambient" -q simulate --phantom-size 320 --coils 16 --noise 0.01 -o "$work/big.h5"
"$ambient" -q convert "$work/big.h5" "$work/big.cfl"
bart ecalib -m1 "$work/big" "$work/big_maps" >/dev/null
mem_ours=$(peak_kb "$ambient" -q recon --method cs --lambda 0.005 --mask poisson --accel 4 --iterations 60 "$work/big.h5" -o "$work/big_ours.npy")
mem_base=$(peak_kb "$ambient" --version)
mem_bart=$(peak_kb bart pics -S -l1 -r 0.005 -i 60 "$work/big" "$work/big_maps" "$work/big_bart")

commit=$(git -C "$root" rev-parse --short HEAD)
cpu=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
cat >"$root/docs/benchmarks.md" <<MD
# Benchmarks

Produced by \`bash bench/run-benchmarks.sh\` (commit $commit, $(date -u +%Y-%m-%d), $(nproc) CPUs:
$cpu; bart $(bart version)). Times are medians of $runs runs (command lines, wall clock) or
Google Benchmark means (in-process, \`build/bench/ambient_bench\`). Data: the fully sampled
8-coil brain (230 x 180, \`../shared/data-raw/autoespirit-brain-8ch\`), retrospectively
undersampled at R = 4 with random lines and 24 ACS lines (\`ambient mask --kind random
--accel 4 --acs 24 --seed 0\`). Ratios are ours / bart's; below 1 means faster.
Training throughput of the diffusion priors has its own page and script:
[benchmarks-training.md](benchmarks-training.md) (\`bash bench/run-training-benchmarks.sh\`).

## ESPIRiT (230 x 180 x 8, one map)

| | ours | bart ecalib -m1 | ratio |
|---|---|---|---|
| command line | $t_our_espirit s | $t_bart_ecalib s | $(ratio "$t_our_espirit" "$t_bart_ecalib") |
| ours in-process (no process start, no file I/O) | $(printf %.0f "$espirit_ms") ms | | $(ratio "$(echo "$espirit_ms / 1000" | bc -l)" "$t_bart_ecalib") |

Starting \`ambient\` alone takes $t_startup s (\`ambient --version\`): LibTorch registers
its operators when it loads (the dynamic loader itself takes about 20 ms). Every command
pays it once, which is why the command-line ratios are higher than the in-process ones; a
batch reconstruction of many files in one process pays it once for all of them.

## L1-wavelet compressed sensing

Same lambda (0.005), 60 iterations, both given bart's ESPIRiT maps:

| | ours (\`ambient recon --method cs\`) | bart pics -S -l1 -r 0.005 -i 60 | ratio |
|---|---|---|---|
| command line | $t_our_cs s | $t_bart_pics s | $(ratio "$t_our_cs" "$t_bart_pics") |
| ours in-process (includes the step-size power iteration, as bart's does) | $(printf %.0f "$cs_ms") ms | | $(ratio "$(echo "$cs_ms / 1000" | bc -l)" "$t_bart_pics") |

PSNR (dB, fastMRI definition, against the fully sampled RSS image) over a lambda sweep, each
tool with its own ESPIRiT maps. The two lambdas are not on the same scale (bart scales the
data by its own estimate, Ambient by the 99th percentile of the ACS image), so each tool is
judged at its own best lambda:

| lambda | ours | bart |
|---|---|---|
$sweep
Best: ours $best_ours dB, bart $best_bart dB (difference $(printf %.2f "$(echo "$best_ours - $best_bart" | bc -l)") dB).

## FFT (16 x 320 x 320 complex64)

| transform | ATen (torch CPU) | FFTW (planned once, FFTW_MEASURE) | ratio FFTW / ATen |
|---|---|---|---|
| plain 2D DFT | $(printf %.2f "$fft_aten") ms | $(printf %.2f "$fft_fftw") ms | $(ratio "$fft_fftw" "$fft_aten") |
| centred orthonormal (\`fft2c\`, as the code uses it) | $(printf %.2f "$fft2c_aten") ms | $(printf %.2f "$fft2c_fftw") ms | $(ratio "$fft2c_fftw" "$fft2c_aten") |

FFTW wins, so CPU complex64 tensors use it (\`recon/src/fft.cpp\`); CUDA tensors and other
dtypes use ATen.

## Peak memory: CS of a 16-coil 320 x 320 slice

Simulated phantom (\`ambient simulate --phantom-size 320 --coils 16\`), Poisson-disc R = 4,
60 iterations, maximum resident set size from \`/usr/bin/time -f %M\`:

| ours (incl. ESPIRiT) | ours at start (LibTorch loaded, \`ambient --version\`) | bart pics (given maps) |
|---|---|---|
| $((mem_ours / 1024)) MiB | $((mem_base / 1024)) MiB | $((mem_bart / 1024)) MiB |
MD
echo "wrote docs/benchmarks.md"
