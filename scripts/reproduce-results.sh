#!/usr/bin/env bash
# Reproduces docs/results-colin27.md with the project's own CLI, on data anyone can regenerate:
#   data    the simulated Colin27 training and held-out sets (data-samples recipe), a noisy
#           copy of the training set (SNR about 10) and an "L1" training set (CS
#           reconstructions of the R = 4 training data, simulated back into k-space);
#   priors  clean (fs), ambient at R = 2, 4, 8, clean on the L1 images (l1), tweedie and
#           clean (noisy-clean) on the noisy data; all the same network and batch, and
#           STEPS steps, but the default prior users get (default_prior) trains DEFAULT_STEPS
#           (the committed ambient-r4, the default before, has 8000 steps too);
#   export  each finished prior exported (ambient export-prior: averaged weights, half
#           precision) to $PRIOR_STORE (committed_prior below), where git keeps it;
#   recon   the held-out slices at R = 2, 4, 6, 8 (random lines + 12 ACS) with zf, sense, cs,
#           aos and adps (each ambient prior) and dps (fs and l1); the priors' held-out
#           denoising errors;
#   real    the fully sampled real 8-coil brain of ../shared/data-raw at R = 4 and 8, adps
#           with each ambient prior;
#   knee    the default brain prior fine-tuned on 16 real knees (simulated 8-coil
#           k-space, R = 4) against the un-tuned ambient priors on the other 4;
#   report  docs/results-colin27.md and its figures (scripts/results-report.py).
# Resumable: every stage keeps what is done (finished priors, existing reports) and an
# interrupted training resumes from its checkpoint. A prior committed under
# data-samples/priors/ with its full steps stands in for a missing training run, so a fresh
# machine trains only the priors nobody has committed yet (a session's machine keeps
# nothing git does not). Run from anywhere; paths are relative
# to the repository root (the data hash in a prior names its files).
#
# Usage: scripts/reproduce-results.sh [STAGE...]   (default: every stage in order)
# Environment: STEPS (4000 per prior), DEFAULT_STEPS (the default prior's, twice STEPS),
#   FINETUNE_STEPS (1000), SLICES (20 held-out slices),
#   SAMPLES (4 posterior samples per slice), ACCELS ("2 4 6 8"), PRIORS (which to train and
#   use; default all), RANKS (data-parallel training processes on this machine, 1; 2 on
#   2 cores trains 1.4x faster), PRECISION (the training arithmetic: bfloat16, about 1.4x
#   faster on CPUs with AVX-512 BF16, or float32), RESULTS (results), AMBIENT (build/ambient), DOC
#   (docs/results-colin27.md), PRIOR_STORE (data-samples/priors). Small values make a quick check of
#   the whole pipeline (its own store: a 4-step prior must not replace a committed one):
#   STEPS=4 FINETUNE_STEPS=2 SLICES=2 SAMPLES=2 ACCELS=8 RESULTS=/tmp/r DOC=/tmp/r/results-colin27.md \
#   PRIOR_STORE=/tmp/r/store
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
ambient=${AMBIENT:-build/ambient}
results=${RESULTS:-results}
steps=${STEPS:-4000}
default_steps=${DEFAULT_STEPS:-$((2 * steps))}
finetune_steps=${FINETUNE_STEPS:-1000}
slices=${SLICES:-20}
samples=${SAMPLES:-4}
accels=${ACCELS:-2 4 6 8}
all_priors="fs ambient-r2 ambient-r4 ambient-r8 l1 tweedie noisy-clean"
ambient_priors="ambient-r2 ambient-r4 ambient-r8"
# The prior `ambient recon --method adps` and aos use without --prior: the best ambient
# prior (docs/results-colin27.md: on held-out brain slices R = 2 leads R = 4 and 8 at every inference R).
default_prior=ambient-r2
priors=${PRIORS:-$all_priors}
ranks=${RANKS:-1}
precision=${PRECISION:-bfloat16}
store=${PRIOR_STORE:-data-samples/priors}
doc=${DOC:-docs/results-colin27.md}
raw=${DATA_RAW:-../shared/data-raw}
colin=/usr/share/mricron/templates/ch2better.nii.gz
stages=${*:-data priors export recon real knee report}
[ -x "$ambient" ] || { echo "error: $ambient missing: build first (scripts/build.sh)" >&2; exit 1; }
[ -f "$colin" ] || { echo "error: $colin missing (apt-get install mricron-data)" >&2; exit 1; }

C=data-samples/generated/colin27
parts="train-axial-inferior train-axial-superior train-coronal train-sagittal"
train_files() { for p in $parts; do printf '%s/%s.h5 ' "$1" "$p"; done; }
say() { printf '\n== %s\n' "$*"; }
wants() { [[ " $priors " == *" $1 "* ]]; }
step_of() { "$ambient" --json info "$1" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["step"])'; }
mkdir -p "$results"/{data,priors,recon,denoising}
# One run at a time per results folder: two would train the same prior side by side.
exec 9>"$results/.lock"
flock -n 9 || { echo "error: another reproduce-results.sh is working in $results" >&2; exit 1; }

# Noise of the noisy training set: complex noise of this standard deviation per k-space
# sample gives SNR 9.8 (mean magnitude of the brain, pixels above 10 % of the maximum, over
# the std of the magnitude's noise in a CG-SENSE image; measured at --noise 0.04: SNR 24.5).
noisy_noise=${NOISY_NOISE:-0.1}
mask="--mask random --acs 12"

stage_data() {
  say "data: simulated Colin27 sets"
  bash data-samples/make-colin27-training-set.sh
  NOISE=$noisy_noise bash data-samples/make-colin27-training-set.sh "$results/data/colin27-noisy"
  # The held-out slices used here: the first $slices of the held-out slab, simulated as the
  # recipe does (with SLICES=20 this is heldout-axial.h5 itself).
  local heldout=$results/data/heldout-$slices.h5
  [ -f "$heldout" ] || "$ambient" -q simulate "$colin" --matrix 128 --coils 8 --noise 0.005 --min-signal 0.3 \
    --seed 1000 --orientation axial --slices "150:$((150 + 2 * slices)):2" -o "$heldout"
  # L1: each training file reconstructed by CS at R = 4, then simulated back into fully
  # sampled 8-coil k-space (the CS image's own phase kept) for the clean objective.
  mkdir -p "$results/data/l1"
  local seed=11 p
  for p in $parts; do
    local out=$results/data/l1/$p.h5
    seed=$((seed + 1))
    [ -f "$out" ] && { echo "kept $out"; continue; }
    "$ambient" -q recon --method cs $mask --accel 4 --seed "$seed" "$C/$p.h5" -o "$results/data/l1/$p-cs.npy" --force
    "$ambient" -q simulate "$results/data/l1/$p-cs.npy" --coils 8 --noise 0.005 --seed "$seed" -o "$out"
    rm -f "$results/data/l1/$p-cs.npy"
  done
}

# Where git keeps prior NAME once trained (in data-samples/priors the first two are the
# default priors of adps/aos and of dps: app/CMakeLists.txt names them).
committed_prior() {
  case $1 in
    "$default_prior") echo "$store/ambient-colin27-${1#ambient-}.pt" ;;
    fs) echo "$store/clean-colin27.pt" ;;
    *) echo "$store/colin27-$1.pt" ;;
  esac
}

# The steps prior NAME trains: the default prior (what `ambient recon --method adps` uses
# without --prior) gets the longer budget; the comparison priors share STEPS.
steps_of_prior() { [ "$1" = "$default_prior" ] && echo "$default_steps" || echo "$steps"; }

# A finished prior: its training checkpoint, else its committed export; nothing when
# neither has its steps (not trained yet, or short: left out).
finished_prior() {
  local file
  for file in "$results/priors/$1/checkpoint.pt" "$(committed_prior "$1")"; do
    [ -f "$file" ] && [ "$(step_of "$file")" -ge "$(steps_of_prior "$1")" ] && { echo "$file"; return 0; }
  done
  return 0
}

# The finished prior NAME when PRIORS asks for it.
prior_file() { wants "$1" && finished_prior "$1"; return 0; }

# Trains prior NAME to its steps with the given data and options, resuming a partial run.
train_prior() {  # NAME DATA... -- OPTIONS...
  local name=$1; shift
  local run=$results/priors/$name finished
  wants "$name" || return 0
  finished=$(prior_file "$name")
  [ -n "$finished" ] && { echo "kept $finished ($(step_of "$finished") steps)"; return 0; }
  local args=("$@" --run "$run" --steps "$(steps_of_prior "$name")" --batch 8 --precision "$precision" --log-every 25
              --checkpoint-every 100 --sample-every 1000)
  [ -f "$run/checkpoint.pt" ] && args+=(--resume)
  say "prior $name: ${args[*]}"
  if [ "$ranks" -le 1 ]; then "$ambient" train "${args[@]}"; return; fi
  # Data-parallel on this machine: one process per rank, rank 0 shows the progress.
  local port=$((29500 + RANDOM % 1000)) pids=() r
  for ((r = 0; r < ranks; r++)); do
    MASTER_ADDR=127.0.0.1 MASTER_PORT=$port WORLD_SIZE=$ranks LOCAL_WORLD_SIZE=$ranks RANK=$r \
      "$ambient" train "${args[@]}" &
    pids+=($!)
  done
  local failed=0
  for r in "${pids[@]}"; do wait "$r" || failed=1; done
  [ "$failed" = 0 ] || { echo "error: training $name failed" >&2; return 1; }
}

stage_priors() {
  local tr noisy l1 ambient_opts="--objective ambient $mask"
  tr=$(train_files "$C") noisy=$(train_files "$results/data/colin27-noisy") l1=$(train_files "$results/data/l1")
  # shellcheck disable=SC2086  # the file lists split on purpose
  {
    train_prior ambient-r4 $tr $ambient_opts --accel 4
    train_prior fs $tr --objective clean
    train_prior ambient-r8 $tr $ambient_opts --accel 8
    train_prior ambient-r2 $tr $ambient_opts --accel 2
    train_prior l1 $l1 --objective clean
    train_prior tweedie $noisy --objective tweedie
    train_prior noisy-clean $noisy --objective clean
  }
}

# Each prior finished in $results is exported to its committed_prior path unless a prior
# of as many steps or more is there already (never a weaker one over a stronger one);
# `git add` it to keep it.
stage_export() {
  local p run out
  for p in $priors; do
    run=$results/priors/$p/checkpoint.pt out=$(committed_prior "$p")
    [ -f "$run" ] && [ "$(step_of "$run")" -ge "$(steps_of_prior "$p")" ] || continue
    [ -f "$out" ] && [ "$(step_of "$out")" -ge "$(step_of "$run")" ] && continue
    say "export $p -> $out"
    mkdir -p "$store"
    "$ambient" -q export-prior "$run" -o "$out" --force
  done
}

# True when report $1 exists and is newer than every prior file named after it (a prior
# trained further since is used again).
current() {
  local report=$1 f; shift
  [ -f "$report" ] || return 1
  for f in "$@"; do [ "$report" -nt "$f" ] || return 1; done
}

# --uncertainty FILE where the samples have a spread (2 or more).
spread() { [ "$samples" -ge 2 ] && echo "--uncertainty $1"; return 0; }

# The --prior file among recon options, if any.
prior_in() { while [ $# -gt 1 ]; do [ "$1" = --prior ] && { echo "$2"; return; }; shift; done; }

# One `ambient recon` into OUT (the -o arguments name it) with its per-slice report OUT.csv,
# skipped while that report is newer than the prior it used. The report is written as
# OUT.tmp.csv (the extension picks the format) and renamed when complete.
recon_once() {  # OUT RECON-ARGS...
  local out=$1; shift
  current "$out.csv" $(prior_in "$@") && return 0
  mkdir -p "$(dirname "$out")"
  echo "recon: ${out#"$results"/recon/}"
  "$ambient" -q recon $mask --seed 7 --reference auto --report "$out.tmp.csv" --force "$@"
  mv "$out.tmp.csv" "$out.csv"
}

# The held-out slices at one acceleration.
recon_heldout() {  # NAME ACCEL OPTIONS...
  local out=$results/recon/R$2/$1 accel=$2; shift 2
  recon_once "$out" --accel "$accel" "$results/data/heldout-$slices.h5" -o "$out.npy" "$@"
}

stage_recon() {
  local r m p file
  for r in $accels; do
    say "held-out slices at R = $r"
    for m in zf sense cs; do recon_heldout "$m" "$r" --method "$m"; done
    for p in $ambient_priors; do
      file=$(prior_file "$p"); [ -n "$file" ] || continue
      recon_heldout "aos-$p" "$r" --method aos --prior "$file"
      recon_heldout "adps-$p" "$r" --method adps --prior "$file" --samples "$samples" $(spread "$results/recon/R$r/adps-$p-std.npy")
    done
    for p in fs l1; do
      file=$(prior_file "$p"); [ -n "$file" ] || continue
      recon_heldout "dps-$p" "$r" --method dps --prior "$file" --samples "$samples" $(spread "$results/recon/R$r/dps-$p-std.npy")
    done
  done
  say "held-out denoising errors"
  for p in $priors; do
    file=$(prior_file "$p"); [ -n "$file" ] || continue
    current "$results/denoising/$p.json" "$file" && continue
    "$ambient" -q --json evaluate-prior "$file" "$results/data/heldout-$slices.h5" \
      --sigma 0.05 --sigma 0.1 --sigma 0.2 --sigma 0.5 --sigma 1 >"$results/denoising/$p.json.tmp"
    mv "$results/denoising/$p.json.tmp" "$results/denoising/$p.json"
  done
}

stage_real() {
  local brain=$raw/autoespirit-brain-8ch/brain_clean.cfl r m p file out
  if [ ! -f "$brain" ]; then echo "real: $brain absent; skipped" | tee "$results/recon/real-skipped.txt"; return 0; fi
  say "real 8-coil brain (autoespirit-brain-8ch)"
  for r in 4 8; do
    for m in zf cs; do
      out=$results/recon/real/$m-R$r
      recon_once "$out" --axes kx,ky,coil --accel "$r" --method "$m" "$brain" -o "$out.npy"
    done
    # Every ambient prior: which one serves best a real scan of another subject.
    for p in $ambient_priors; do
      file=$(prior_file "$p"); [ -n "$file" ] || continue
      out=$results/recon/real/adps-$p-R$r
      recon_once "$out" --axes kx,ky,coil --accel "$r" --method adps "$brain" -o "$out.npy" --prior "$file" \
        --samples "$samples" $(spread "$out-std.npy")
    done
  done
}

stage_knee() {
  local knees=$raw/dnlinv-knee-refs i
  if [ ! -f "$knees/P01.cfl" ]; then echo "knee: $knees absent; skipped" | tee "$results/recon/knee-skipped.txt"; return 0; fi
  local brain
  brain=$(prior_file "$default_prior")
  [ -n "$brain" ] || { echo "knee: the $default_prior prior is not trained; skipped"; return 0; }
  say "knees: simulated 8-coil k-space of the 20 reference slices"
  mkdir -p "$results/data/knee"
  for i in $(seq -w 1 20); do
    local out=$results/data/knee/P$i.h5
    [ -f "$out" ] || "$ambient" -q simulate "$knees/P$i.cfl" --matrix 128 --coils 8 --noise 0.005 --seed "$((2000 + 10#$i))" -o "$out"
  done
  local tune=() test=()
  for i in $(seq -w 1 16); do tune+=("$results/data/knee/P$i.h5"); done
  for i in $(seq 17 20); do test+=("$results/data/knee/P$i.h5"); done
  local run=$results/priors/knee-from-$default_prior
  if [ ! -f "$run/checkpoint.pt" ] || [ "$(step_of "$run/checkpoint.pt")" -lt "$finetune_steps" ]; then
    say "fine-tuning the brain prior on 16 knees at R = 4"
    local resume=(--from "$brain")
    [ -f "$run/checkpoint.pt" ] && resume=(--resume)
    "$ambient" finetune "${resume[@]}" "${tune[@]}" --run "$run" --objective ambient $mask --accel 4 \
      --steps "$finetune_steps" --batch 8 --precision "$precision" --log-every 25 --checkpoint-every 100
  fi
  local r p file
  for r in 4 8; do
    # Every brain prior un-tuned (which one serves another anatomy best), then the tuned one.
    for p in zf cs $ambient_priors tuned; do
      local out=$results/recon/knee/R$r-$p method=(--method "$p")
      case $p in
        ambient-*)
          file=$(prior_file "$p"); [ -n "$file" ] || continue
          method=(--method adps --prior "$file" --samples "$samples") ;;
        tuned) method=(--method adps --prior "$run/checkpoint.pt" --samples "$samples") ;;
      esac
      recon_once "$out" --accel "$r" "${test[@]}" -o "$out-{name}.npy" "${method[@]}"
    done
  done
}

stage_report() {
  # Every finished prior, asked for or not: the report states each one's steps.
  local p file finished=()
  for p in $all_priors; do
    file=$(finished_prior "$p"); [ -n "$file" ] && finished+=(--prior "$p=$file")
  done
  say "report: $doc"
  /usr/bin/python3 scripts/results-report.py "${finished[@]}" --results "$results" --doc "$doc" --slices "$slices" \
    --samples "$samples" --steps "$steps" --default-steps "$default_steps" --finetune-steps "$finetune_steps" --accels "$accels" \
    --ambient "$ambient" --default-prior "$default_prior"
}

for s in $stages; do
  case $s in
    data | priors | export | recon | real | knee | report) "stage_$s" ;;
    *) echo "error: unknown stage '$s' (data priors export recon real knee report)" >&2; exit 1 ;;
  esac
done
