#!/usr/bin/env bash
# Reproduces the main results, docs/results.md: priors trained on the varied corpus
# of real images (data-samples/make-training-corpus.py) and judged on subjects they never saw.
#   corpus  the corpus from ../shared/data-raw/ (split by subject, manifest in data-samples/)
#   priors  the ambient prior (R = 2 data only, each slice its own random-line mask with 12
#           ACS lines) and the clean prior (the same slices fully sampled), STEPS steps each,
#           batch 8, bfloat16; resumed where a run stopped
#   open    the same ambient and clean priors from the training files whose licence allows
#           redistribution and commercial use (BSD, MIT, CC BY, CC BY-SA, GPL-3.0: the
#           manifest's licence column): the priors Ambient can ship as its defaults
#   deep    the open ambient prior's network with two blocks a level (scripts/networks/cpu-deep.json):
#           whether depth is what limits the default: level with it at 4000 steps, docs/training.md
#           (not in the default stages; resumable)
#   export  each finished prior exported to $PRIOR_STORE/corpus-{ambient-r2,clean,open-ambient-r2,open-clean}.pt
#   eval    SPLIT (test) subjects, the real brain (noise-free and noisy) and the knees at R = 4 and 8 (scripts/corpus-eval.py):
#           zf, bart pics and cs over a lambda sweep (cs also at its default), adps with the
#           open-licence prior (the default) and the corpus ambient prior, dps with the open and
#           the corpus clean priors (their default samplers), adps with the former Colin27 prior
# Usage: scripts/reproduce-corpus-results.sh [STAGE...]   (default: every stage in order)
# Environment: STEPS (4000), RANKS (1; 2 data-parallel processes), SPLIT (test), ACCELS ("4 8"),
#   SAMPLES (4), AMBIENT (build/ambient), PRIOR_STORE (data-samples/priors), RESULTS (results),
#   DOC (docs/results.md, the page the eval stage writes).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
ambient=${AMBIENT:-build/ambient}
steps=${STEPS:-4000}
ranks=${RANKS:-1}
split=${SPLIT:-test}
accels=${ACCELS:-4 8}
samples=${SAMPLES:-4}
store=${PRIOR_STORE:-data-samples/priors}
results=${RESULTS:-results}
corpus=data-samples/generated/corpus
doc=${DOC:-docs/results.md}
stages=${*:-corpus priors open export eval}
[ -x "$ambient" ] || { echo "error: $ambient missing: build first (scripts/build.sh)" >&2; exit 1; }
say() { printf '\n== %s\n' "$*"; }
step_of() { "$ambient" --json info "$1" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["step"])'; }

stage_corpus() {
  say "corpus"
  AMBIENT=$ambient /usr/bin/python3 data-samples/make-training-corpus.py --out "$corpus"
}

# Training files whose every slice carries a licence that allows redistribution and commercial
# use; the others (non-commercial, research use only, unverified) stay out of a shipped prior.
open_train_files() {
  /usr/bin/python3 -c 'import sys; sys.path.insert(0, "scripts"); from open_licences import open_training_files
print("\n".join(f"{sys.argv[2]}/{f}" for f in open_training_files(sys.argv[1])))' "$corpus/manifest.csv" "$corpus"
}

train() {  # NAME FILES-VARIABLE OPTIONS...
  local name=$1 run=$results/priors/corpus-$1; shift
  local -n files=$1; shift
  if [ -f "$run/checkpoint.pt" ] && [ "$(step_of "$run/checkpoint.pt")" -ge "$steps" ]; then
    echo "kept $run ($steps steps)"; return
  fi
  local args=("${files[@]}" --run "$run" --steps "$steps" --batch 8 --precision bfloat16 --log-every 25
              --checkpoint-every 100 --sample-every 1000 "$@")
  [ -f "$run/checkpoint.pt" ] && args+=(--resume)
  say "prior $name: ${args[*]}"
  if [ "$ranks" -le 1 ]; then "$ambient" train "${args[@]}"; return; fi
  local port=$((29500 + RANDOM % 1000)) pids=() r failed=0
  for ((r = 0; r < ranks; r++)); do
    MASTER_ADDR=127.0.0.1 MASTER_PORT=$port WORLD_SIZE=$ranks LOCAL_WORLD_SIZE=$ranks RANK=$r \
      "$ambient" train "${args[@]}" &
    pids+=($!)
  done
  for r in "${pids[@]}"; do wait "$r" || failed=1; done
  [ "$failed" = 0 ] || { echo "error: training $name failed" >&2; return 1; }
}

stage_priors() {
  local all=("$corpus"/train/*.h5)
  train ambient-r2 all --objective ambient --mask random --accel 2 --acs 12
  train clean all --objective clean
}

stage_open() {
  local open
  mapfile -t open < <(open_train_files)
  [ "${#open[@]}" -gt 0 ] || { echo "error: no open-licence training files in $corpus/manifest.csv" >&2; return 1; }
  echo "${#open[@]} open-licence training files"
  train open-ambient-r2 open --objective ambient --mask random --accel 2 --acs 12
  train open-clean open --objective clean
}

stage_deep() {
  local open
  mapfile -t open < <(open_train_files)
  train open-ambient-r2-deep open --objective ambient --mask random --accel 2 --acs 12 \
    --network scripts/networks/cpu-deep.json
}

stage_export() {
  local name
  for name in ambient-r2 clean open-ambient-r2 open-clean; do
    local run=$results/priors/corpus-$name/checkpoint.pt out=$store/corpus-$name.pt
    [ -f "$run" ] || { echo "no run $run"; continue; }
    if [ -f "$out" ] && [ "$(step_of "$out")" -ge "$(step_of "$run")" ]; then echo "kept $out"; continue; fi
    "$ambient" export-prior "$run" -o "$out" --force
  done
}

# The real 8-coil brain and the corpus's 4 test knees simulated with 8 coils (as
# bench/run-posterior-benchmarks.sh has them), one k-space file a slice. The brain twice: its
# upstream's background-cleaned, noise-free k-space (brain_clean) and the noisy copy the same
# upstream made of it (brain_noise, `bart noise -n 16`), judged against the clean copy's
# root-sum-of-squares image: the scan at a real SNR.
real_data() {
  local raw=../shared/data-raw dir=$results/real i
  mkdir -p "$dir/brain" "$dir/brain-noisy" "$dir/knees"
  [ -f "$dir/brain/brain.h5" ] || "$ambient" -q convert "$raw/autoespirit-brain-8ch/brain_clean.cfl" \
    --axes kx,ky,coil "$dir/brain/brain.h5"
  if [ ! -f "$dir/brain-noisy/brain.h5" ]; then
    "$ambient" -q recon "$dir/brain/brain.h5" --method zf -o "$dir/brain-clean-rss.npy" --force
    "$ambient" -q convert "$raw/autoespirit-brain-8ch/brain_noise.cfl" --axes kx,ky,coil \
      --reference "$dir/brain-clean-rss.npy" "$dir/brain-noisy/brain.h5"
  fi
  for i in 02 12 17 18; do
    [ -f "$dir/knees/P$i.h5" ] || "$ambient" -q simulate "$raw/dnlinv-knee-refs/P$i.cfl" --matrix 128 --coils 8 \
      --noise 0.005 --seed $((2000 + 10#$i)) -o "$dir/knees/P$i.h5"
  done
}

stage_eval() {
  say "eval: $split subjects, the real brain, the knees"
  real_data
  local p=(--samples "$samples") optional=()
  [ -f "$store/corpus-open-clean.pt" ] && optional=(--method "dps-open-clean=--method dps --prior $store/corpus-open-clean.pt ${p[*]}")
  # The default prior at the clean prior's 8000 steps (exported before it was trained on to
  # 16000), for the comparison at equal steps.
  [ -f "$results/priors/corpus-open-ambient-r2-8k.pt" ] &&
    optional+=(--method "adps-open-8k=--method adps --prior $results/priors/corpus-open-ambient-r2-8k.pt ${p[*]}")
  # The default prior trained on for 5600 steps at batch 32 on a GPU host (scripts/gpu-host/train.sh).
  [ -f "$results/priors/gpu-open-ambient-r2.pt" ] &&
    optional+=(--method "adps-open-gpu=--method adps --prior $results/priors/gpu-open-ambient-r2.pt ${p[*]}")
  # shellcheck disable=SC2086  # ACCELS splits on purpose
  AMBIENT=$ambient /usr/bin/python3 scripts/corpus-eval.py --corpus "$corpus" --split "$split" --accel $accels \
    --out "$results/corpus-$split" --doc "$doc" --title "Results: diffusion priors on subjects they never saw" \
    --dataset "real brain=$results/real/brain" --dataset "real brain, noisy=$results/real/brain-noisy" \
    --dataset "knees=$results/real/knees" --bart \
    --method "adps-open=--method adps --prior $store/corpus-open-ambient-r2.pt ${p[*]}" \
    --method "adps-corpus=--method adps --prior $store/corpus-ambient-r2.pt ${p[*]}" \
    "${optional[@]}" \
    --method "dps-corpus-clean=--method dps --prior $store/corpus-clean.pt ${p[*]}" \
    --method "adps-colin27=--method adps --prior $store/ambient-colin27-r2.pt ${p[*]}"
}

for s in $stages; do
  case $s in
    corpus | priors | open | deep | export | eval) "stage_$s" ;;
    *) echo "error: unknown stage '$s' (corpus, priors, open, deep, export, eval)" >&2; exit 1 ;;
  esac
done
