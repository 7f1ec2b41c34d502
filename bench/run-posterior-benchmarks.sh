#!/usr/bin/env bash
# Posterior-sampling reconstruction against the classical methods, and its cost, on this
# machine; writes docs/benchmarks-posterior.md.
#  1. quality: held-out Colin27 axial slices (128 x 128, 8 coils; simulated here with the
#     recipe of data-samples/make-colin27-training-set.sh, slices that no training set
#     holds), undersampled at R = 4 and 8 (random lines, 12 ACS lines), reconstructed with
#     zf, cs, aos and adps; PSNR / SSIM per slice from `ambient recon --report`, mean ± std;
#  2. steps: the default sampler against the A-DPS paper's 500-step reference (dps
#     guidance) on the first STEP_SLICES slices at R = 8;
#  3. cost: seconds and network evaluations per slice, peak memory of one adps run, and one
#     sampler step against the bare network forward + backward (bench/bench_posterior.cpp).
# Usage: bench/run-posterior-benchmarks.sh PRIOR [BUILD_DIR]
# Environment: SLICES (10), SAMPLES (4), STEP_SLICES (2), ADPS_OPTIONS (extra recon options),
# REFERENCE_STEPS (500), BENCH_SECONDS (5); small values make a quick check of the script.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prior=${1:?usage: $0 PRIOR [BUILD_DIR]}
build=${2:-$root/build}
ambient=$build/ambient
py=/usr/bin/python3
slices=${SLICES:-10}
samples=${SAMPLES:-4}
step_slices=${STEP_SLICES:-2}
reference_steps=${REFERENCE_STEPS:-500}
colin=/usr/share/mricron/templates/ch2better.nii.gz
[ -f "$colin" ] || { echo "error: $colin missing (apt-get install mricron-data)" >&2; exit 1; }
[ -f "$prior" ] || { echo "error: $prior: no such prior" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$root/docs/benchmarks-posterior.md

# The held-out slab of make-colin27-training-set.sh (axial 150..190), its first $slices slices.
"$ambient" -q simulate "$colin" --matrix 128 --coils 8 --noise 0.005 --min-signal 0.3 --seed 1000 \
  --orientation axial --slices "150:$((150 + 2 * slices)):2" -o "$work/heldout.h5"
"$ambient" -q simulate "$colin" --matrix 128 --coils 8 --noise 0.005 --min-signal 0.3 --seed 1000 \
  --orientation axial --slices "150:$((150 + 2 * step_slices)):2" -o "$work/steps.h5"

mask="--mask random --acs 12 --seed 7 --reference auto"
adps="--prior $prior --samples $samples ${ADPS_OPTIONS:-}"
run() {  # NAME INPUT ACCEL OPTIONS...
  local name=$1 input=$2 accel=$3; shift 3
  echo "$name"
  "$ambient" -q recon $mask --accel "$accel" "$input" -o "$work/{name}-$name.npy" --report "$work/$name.csv" "$@"
}
for r in 4 8; do
  run "zf-$r" "$work/heldout.h5" $r --method zf
  run "cs-$r" "$work/heldout.h5" $r --method cs
  run "aos-$r" "$work/heldout.h5" $r --method aos --prior "$prior"
  run "adps-$r" "$work/heldout.h5" $r --method adps $adps
done
run "steps-default" "$work/steps.h5" 8 --method adps $adps
run "steps-reference" "$work/steps.h5" 8 --method adps --prior "$prior" --samples "$samples" \
  --steps "$reference_steps" --guidance dps

echo "peak memory"
peak_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
mem_adps=$(peak_kb "$ambient" -q recon $mask --accel 8 "$work/steps.h5" -o "$work/mem.npy" --method adps $adps)
mem_base=$(peak_kb "$ambient" --version)

echo "sampler step against the network"
"$build/bench/ambient_bench_posterior" --benchmark_min_time="${BENCH_SECONDS:-5}" --benchmark_format=json >"$work/bench.json" 2>/dev/null

$py - "$work" "$slices" "$samples" "$step_slices" "$mem_adps" "$mem_base" "$prior" "${ADPS_OPTIONS:-}" \
  "$reference_steps" >"$out.tmp" <<'EOF'
import csv, json, statistics, sys
work, slices, samples, step_slices, mem_adps, mem_base, prior, options, reference_steps = sys.argv[1:10]
def rows(name):
    with open(f"{work}/{name}.csv") as f:
        return [r for r in csv.DictReader(f) if r["status"] == "done"]
def stats(name, key):
    v = [float(r[key]) for r in rows(name)]
    return statistics.mean(v), (statistics.stdev(v) if len(v) > 1 else 0.0), len(v)
def seconds_per_slice(name):
    r = rows(name)
    return float(r[0]["seconds"]) / len(r)
print("# Posterior sampling: quality and cost\n")
print("Written by `bash bench/run-posterior-benchmarks.sh PRIOR` (do not edit by hand).")
print(f"Prior: `{prior}`; adps: samples per slice {samples}{', ' + options if options else ''}, "
      "the defaults otherwise (`ambient recon --help`).\n")
print(f"## Held-out Colin27 slices ({slices} axial, 128 x 128, 8 coils, random lines + 12 ACS)\n")
print("PSNR and SSIM per slice against the fully sampled image (fastMRI's definitions, each slice's own maximum as range), mean ± std:\n")
print("| method | R = 4 PSNR dB | R = 4 SSIM | R = 8 PSNR dB | R = 8 SSIM | s / slice (R = 8) | network evaluations / slice |")
print("|---|---|---|---|---|---|---|")
for m in ["zf", "cs", "aos", "adps"]:
    cells = []
    for r in ["4", "8"]:
        p = stats(f"{m}-{r}", "psnr_db"); s = stats(f"{m}-{r}", "ssim")
        cells += [f"{p[0]:.2f} ± {p[1]:.2f}", f"{s[0]:.4f} ± {s[1]:.4f}"]
    nfe = rows(f"{m}-8")[0]["network_evaluations"]
    print(f"| {m} | " + " | ".join(cells) + f" | {seconds_per_slice(f'{m}-8'):.1f} | {int(nfe) * (int(samples) if m == 'adps' else 1)} |")
gain = {r: stats(f"adps-{r}", "psnr_db")[0] - stats(f"cs-{r}", "psnr_db")[0] for r in ["4", "8"]}
print(f"\nadps - cs: {gain['4']:+.2f} dB at R = 4, {gain['8']:+.2f} dB at R = 8.\n")
print(f"## Fewer steps: the default against the {reference_steps}-step reference ({step_slices} slices, R = 8)\n")
print("| sampler | PSNR dB | SSIM | network evaluations / sample | s / slice |")
print("|---|---|---|---|---|")
for name, label in [("steps-reference", f"{reference_steps} Euler steps, dps guidance (the A-DPS paper's)"),
                    ("steps-default", "default")]:
    p = stats(name, "psnr_db"); s = stats(name, "ssim")
    print(f"| {label} | {p[0]:.2f} | {s[0]:.4f} | {rows(name)[0]['network_evaluations']} | {seconds_per_slice(name):.1f} |")
bench = {b["name"]: b for b in json.load(open(f"{work}/bench.json"))["benchmarks"]}
print("\n## Cost of one sampler step\n")
print("The network in float32 (the default) and in bfloat16 (`--precision bfloat16`, LibTorch's autocast):\n")
print("| batch (samples) | precision | network forward + backward ms | one adps step ms | ratio | step speed-up from bfloat16 |")
print("|---|---|---|---|---|---|")
for n in [1, 4]:
    step_of = lambda b: bench[f"BM_GuidedStep/batch:{n}/bfloat16:{b}/real_time"]["real_time"]
    for b, precision in [(0, "float32"), (1, "bfloat16")]:
        net = bench[f"BM_NetworkForwardBackward/batch:{n}/bfloat16:{b}/real_time"]["real_time"]
        step = step_of(b)
        print(f"| {n} | {precision} | {net:.1f} | {step:.1f} | {step / net:.2f} | {step_of(0) / step:.2f}x |")
print(f"\nPeak memory of one adps reconstruction ({step_slices} slices, R = 8): "
      f"{int(mem_adps) / 1024:.0f} MiB (the binary alone: {int(mem_base) / 1024:.0f} MiB).")
EOF
{
  cat "$out.tmp"
  echo
  echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); commit $(git -C "$root" rev-parse --short HEAD)."
} >"$out"
rm -f "$out.tmp"
echo "wrote $out"
