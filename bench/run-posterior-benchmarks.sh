#!/usr/bin/env bash
# Posterior-sampling reconstruction against the classical methods, and its cost, on this
# machine; writes docs/benchmarks-posterior.md.
#  1. quality and time, old sampler against new in the same run: held-out Colin27 axial
#     slices (128 x 128, 8 coils; simulated here with the recipe of
#     data-samples/make-colin27-training-set.sh, slices that no training set holds),
#     undersampled at R = 4 and 8 (random lines, 12 ACS lines), reconstructed with zf, cs,
#     aos, adps with its defaults (the data-consistent sampler) and adps as it was before
#     (flow guidance, 50 steps from noise, a final CG step); PSNR / SSIM per slice from
#     `ambient recon --report`, mean ± std, seconds per slice;
#  2. PSNR against network evaluations per sample (1 to 100) at R = 8 on STEP_SLICES slices:
#     the data-consistent sampler (warm start as the defaults, and from noise) beside the
#     A-DPS paper's step (dps guidance);
#  3. real data no prior saw (issue 24's yardstick): the real 8-coil brain of ../shared/data-raw
#     and the 4 test knees of the training corpus (make-training-corpus.py: P02, P12, P17, P18,
#     simulated 8 coils) at R = 4 and 8, cs at λ 0.005 (its default until --lambda auto became it) against adps new and old with PRIOR
#     and adps with CORPUS_PRIOR (default: Ambient's default prior,
#     data-samples/priors/corpus-open-ambient-r2.pt) where it exists; skipped where the data are absent;
#  4. memory: peak resident memory of adps (defaults) on one 320 x 320 16-coil slice;
#  5. one guided step against the bare network forward + backward (bench/bench_posterior.cpp).
# Usage: bench/run-posterior-benchmarks.sh PRIOR [BUILD_DIR]
# Environment: CORPUS_PRIOR, SLICES (10), SAMPLES (4), STEP_SLICES (3), BENCH_SECONDS (5), EVALUATIONS
# ("1 2 5 10 20 50 100"); small values make a quick check of the script.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prior=${1:?usage: $0 PRIOR [BUILD_DIR]}
build=${2:-$root/build}
ambient=$build/ambient
py=/usr/bin/python3
slices=${SLICES:-10}
samples=${SAMPLES:-4}
step_slices=${STEP_SLICES:-3}
evaluations=${EVALUATIONS:-1 2 5 10 20 50 100}
colin=/usr/share/mricron/templates/ch2better.nii.gz
[ -f "$colin" ] || { echo "error: $colin missing (apt-get install mricron-data)" >&2; exit 1; }
[ -f "$prior" ] || { echo "error: $prior: no such prior" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$root/docs/benchmarks-posterior.md
corpus_prior=${CORPUS_PRIOR:-$root/data-samples/priors/corpus-open-ambient-r2.pt}

# The held-out slab of make-colin27-training-set.sh (axial 150..190).
held_out() {  # SLICES OUTPUT [SIMULATE OPTIONS]
  local n=$1 output=$2; shift 2
  "$ambient" -q simulate "$colin" --coils 8 --noise 0.005 --min-signal 0.3 --seed 1000 \
    --orientation axial --slices "150:$((150 + 2 * n)):2" -o "$output" --matrix 128 "$@"
}
held_out "$slices" "$work/heldout.h5"
held_out "$step_slices" "$work/steps.h5"
"$ambient" -q simulate "$colin" --coils 16 --noise 0.005 --seed 1000 --orientation axial --slices 170:171 \
  --matrix 320 -o "$work/large.h5"

mask="--mask random --acs 12 --seed 7 --reference auto"
old="--guidance flow --steps 50 --warm-start none --dc-lambda 0.01 --sigma-min 0.002 --precision float32"  # adps's defaults until 2026-12-03
run() {  # NAME INPUT ACCEL OPTIONS...
  local name=$1 input=$2 accel=$3; shift 3
  echo "$name"
  "$ambient" -q recon $mask --accel "$accel" "$input" -o "$work/{name}-$name.npy" --report "$work/$name.csv" "$@"
}
for r in 4 8; do
  run "zf-$r" "$work/heldout.h5" $r --method zf
  run "cs-$r" "$work/heldout.h5" $r --method cs --lambda 0.005
  run "aos-$r" "$work/heldout.h5" $r --method aos --prior "$prior"
  run "adps-$r" "$work/heldout.h5" $r --method adps --prior "$prior" --samples "$samples"
  run "adps-old-$r" "$work/heldout.h5" $r --method adps --prior "$prior" --samples "$samples" $old
done
for n in $evaluations; do
  run "curve-dc-$n" "$work/steps.h5" 8 --method adps --prior "$prior" --samples "$samples" --steps "$n"
  run "curve-dc-noise-$n" "$work/steps.h5" 8 --method adps --prior "$prior" --samples "$samples" --steps "$n" \
    --warm-start none
  run "curve-dps-$n" "$work/steps.h5" 8 --method adps --prior "$prior" --samples "$samples" --steps "$n" \
    --guidance dps --warm-start none
done

raw=$root/../shared/data-raw
brain=$raw/autoespirit-brain-8ch/brain_clean.cfl
real=()
if [ -f "$brain" ]; then real+=(brain); fi
if [ -f "$raw/dnlinv-knee-refs/P17.cfl" ]; then
  mkdir -p "$work/knees"
  for i in 02 12 17 18; do  # the corpus's test knees, simulated as scripts/reproduce-results.sh does
    "$ambient" -q simulate "$raw/dnlinv-knee-refs/P$i.cfl" --matrix 128 --coils 8 --noise 0.005 \
      --seed $((2000 + 10#$i)) -o "$work/knees/P$i.h5"
  done
  real+=(knees)
fi
corpus=()
[ -f "$corpus_prior" ] && corpus=(adps-corpus)
for data in "${real[@]}"; do
  if [ "$data" = brain ]; then input=("$brain" --axes kx,ky,coil); else input=("$work/knees"); fi
  for r in 4 8; do
    run "real-$data-cs-$r" "${input[0]}" $r --method cs --lambda 0.005 "${input[@]:1}"
    run "real-$data-adps-$r" "${input[0]}" $r --method adps --prior "$prior" --samples "$samples" "${input[@]:1}"
    run "real-$data-adps-old-$r" "${input[0]}" $r --method adps --prior "$prior" --samples "$samples" $old "${input[@]:1}"
    if [ ${#corpus[@]} -gt 0 ]; then
      run "real-$data-adps-corpus-$r" "${input[0]}" $r --method adps --prior "$corpus_prior" --samples "$samples" \
        "${input[@]:1}"
    fi
  done
done

echo "peak memory"
peak_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
mem_large=$(peak_kb "$ambient" -q recon $mask --accel 4 "$work/large.h5" -o "$work/large.npy" --method adps \
  --prior "$prior" --samples "$samples")
mem_base=$(peak_kb "$ambient" --version)

echo "sampler step against the network"
"$build/bench/ambient_bench_posterior" --benchmark_min_time="${BENCH_SECONDS:-5}" --benchmark_format=json >"$work/bench.json" 2>/dev/null

$py - "$work" "$slices" "$samples" "$step_slices" "$mem_large" "$mem_base" "$prior" "$old" "$evaluations" "${real[*]}" "${corpus[*]}" "${corpus_prior#"$root"/}" \
  >"$out.tmp" <<'EOF'
import csv, json, statistics, sys
work, slices, samples, step_slices, mem_large, mem_base, prior, old, evaluations, real, corpus, corpus_prior = sys.argv[1:13]
def rows(name):
    with open(f"{work}/{name}.csv") as f:
        return [r for r in csv.DictReader(f) if r["status"] == "done"]
def stats(name, key):
    v = [float(r[key]) for r in rows(name)]
    return statistics.mean(v), (statistics.stdev(v) if len(v) > 1 else 0.0), len(v)
def seconds_per_slice(name):
    r = rows(name)
    files = {row["input"]: float(row["seconds"]) for row in r}  # a report's seconds are per file
    return sum(files.values()) / len(r)
print("# Posterior sampling: quality and cost\n")
print("Written by `bash bench/run-posterior-benchmarks.sh PRIOR` (do not edit by hand).")
print(f"Prior: `{prior}`; {samples} posterior samples per slice. adps: its defaults (`ambient recon --help`); "
      f"adps-old: the defaults it had until 2026-12-03 (`{old}`).\n")
print(f"## Held-out Colin27 slices ({slices} axial, 128 x 128, 8 coils, random lines + 12 ACS)\n")
print("PSNR and SSIM per slice against the fully sampled image (fastMRI's definitions, each slice's own maximum as "
      "range), mean ± std; seconds per slice of the whole `ambient recon` run (ESPIRiT included):\n")
print("| method | R = 4 PSNR dB | R = 4 SSIM | R = 8 PSNR dB | R = 8 SSIM | s / slice (R = 4 / 8) | network evaluations / slice |")
print("|---|---|---|---|---|---|---|")
sampling = {"adps", "adps-old"}
for m in ["zf", "cs", "aos", "adps", "adps-old"]:
    cells = []
    for r in ["4", "8"]:
        p = stats(f"{m}-{r}", "psnr_db"); s = stats(f"{m}-{r}", "ssim")
        cells += [f"{p[0]:.2f} ± {p[1]:.2f}", f"{s[0]:.4f} ± {s[1]:.4f}"]
    nfe = int(rows(f"{m}-8")[0]["network_evaluations"]) * (int(samples) if m in sampling else 1)
    print(f"| {m} | " + " | ".join(cells) + f" | {seconds_per_slice(f'{m}-4'):.2f} / {seconds_per_slice(f'{m}-8'):.2f} | {nfe} |")
gain = {r: stats(f"adps-{r}", "psnr_db")[0] - stats(f"cs-{r}", "psnr_db")[0] for r in ["4", "8"]}
speed = {r: seconds_per_slice(f"adps-old-{r}") / seconds_per_slice(f"adps-{r}") for r in ["4", "8"]}
print(f"\nadps - cs: {gain['4']:+.2f} dB at R = 4, {gain['8']:+.2f} dB at R = 8. adps is "
      f"{speed['4']:.1f}x (R = 4) and {speed['8']:.1f}x (R = 8) faster per slice than adps-old in this run.\n")
print(f"## PSNR against network evaluations ({step_slices} slices, R = 8)\n")
print("Network evaluations per sample (= steps: Euler steps, no Heun); dc: the data-consistent sampler with its "
      "default warm start, dc from noise: the same from sigma_max, dps: the A-DPS paper's guided step from noise. "
      "PSNR dB / seconds per slice:\n")
print("| evaluations | dc | dc from noise | dps |")
print("|---|---|---|---|")
for n in evaluations.split():
    cells = [f"{stats(f'curve-{k}-{n}', 'psnr_db')[0]:.2f} / {seconds_per_slice(f'curve-{k}-{n}'):.1f} s"
             for k in ["dc", "dc-noise", "dps"]]
    print(f"| {n} | " + " | ".join(cells) + " |")
if real.split():
    print("\n## Real data the prior never saw (random lines, 12 ACS)\n")
    print("The real 8-coil brain (230 x 180, ../shared/data-raw/autoespirit-brain-8ch) and the 4 test knees of the "
          "training corpus (P02, P12, P17, P18, simulated 8 coils, 128 x 128); cs at lambda 0.005 (its default until 2026-12-04, when --lambda auto became it); adps and "
          "adps-old with the prior above (trained on Colin27 only)" + (f", adps-corpus with the prior {corpus_prior} (trained on the corpus's "
          "training subjects), which never saw these" if corpus
          else "") + ". PSNR dB / SSIM, mean over slices; seconds per slice:\n")
    methods = ["cs", "adps", "adps-old"] + corpus.split()
    print("| data | R | " + " | ".join(methods) + " | s / slice adps / adps-old |")
    print("|---|---|" + "---|" * len(methods) + "---|")
    for data in real.split():
        for r in ["4", "8"]:
            cells = [f"{stats(f'real-{data}-{m}-{r}', 'psnr_db')[0]:.2f} / {stats(f'real-{data}-{m}-{r}', 'ssim')[0]:.4f}"
                     for m in methods]
            times = f"{seconds_per_slice(f'real-{data}-adps-{r}'):.1f} / {seconds_per_slice(f'real-{data}-adps-old-{r}'):.1f}"
            print(f"| {data} | {r} | " + " | ".join(cells) + f" | {times} |")
bench = {b["name"]: b for b in json.load(open(f"{work}/bench.json"))["benchmarks"]}
print("\n## Cost of one guided step (dps, flow)\n")
print("The network in float32 and in bfloat16 (LibTorch's autocast; `--precision auto`, the default, takes it on CPUs "
      "with AVX-512 BF16); "
      "the dc sampler's step is one forward pass and a few CG iterations, no backward:\n")
print("| batch (samples) | precision | network forward + backward ms | one guided step ms | ratio | step speed-up from bfloat16 |")
print("|---|---|---|---|---|---|")
for n in [1, 4]:
    step_of = lambda b: bench[f"BM_GuidedStep/batch:{n}/bfloat16:{b}/real_time"]["real_time"]
    for b, precision in [(0, "float32"), (1, "bfloat16")]:
        net = bench[f"BM_NetworkForwardBackward/batch:{n}/bfloat16:{b}/real_time"]["real_time"]
        step = step_of(b)
        print(f"| {n} | {precision} | {net:.1f} | {step:.1f} | {step / net:.2f} | {step_of(0) / step:.2f}x |")
print(f"\nPeak memory of adps (defaults, {samples} samples) on one 320 x 320 slice with 16 coils at R = 4: "
      f"{int(mem_large) / 1024:.0f} MiB (the binary alone: {int(mem_base) / 1024:.0f} MiB).")
EOF
{
  cat "$out.tmp"
  echo
  echo "Machine: $(nproc --all) CPUs ($(nproc) available to this run), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); commit $(git -C "$root" rev-parse --short HEAD)."
} >"$out"
rm -f "$out.tmp"
echo "wrote $out"
