#!/usr/bin/env bash
# --lambda auto against fixed weights and against bart pics (issue: baselines a user can trust
# without tuning). Writes docs/benchmarks-lambda.md. Usage: bench/run-lambda-benchmarks.sh [BUILD_DIR]
# Data: 6 held-out Colin27 slices (simulated, 8 coils), the real 8-coil brain
# (../shared/data-raw/autoespirit-brain-8ch) and 4 real knees (dnlinv-knee-refs P17-P20,
# simulated 8 coils), each undersampled with random lines (12 ACS) and 2D Poisson (16 x 16
# calibration) at R = 4 and 8. One thread, so the timings are not skewed by a busy machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
ambient=$build/ambient
raw=$root/../shared/data-raw
colin=/usr/share/mricron/templates/ch2better.nii.gz
doc=$root/docs/benchmarks-lambda.md
for f in "$colin" "$raw/autoespirit-brain-8ch/brain_clean.cfl" "$raw/dnlinv-knee-refs/P17.cfl"; do
  [ -f "$f" ] || { echo "error: $f missing" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1
"$ambient" -q simulate "$colin" --matrix 128 --coils 8 --noise 0.005 --min-signal 0.3 --seed 1000 \
  --orientation axial --slices 150:162:2 -o "$work/colin.h5"
"$ambient" -q convert --axes kx,ky,coil "$raw/autoespirit-brain-8ch/brain_clean.cfl" "$work/brain.h5"
knees=()
for i in 17 18 19 20; do
  "$ambient" -q simulate "$raw/dnlinv-knee-refs/P$i.cfl" --matrix 128 --coils 8 --noise 0.005 --seed $((2000 + i)) \
    -o "$work/knee$i.h5"
  knees+=("$work/knee$i.h5")
done
data=(--dataset "colin=$work/colin.h5" --dataset "brain=$work/brain.h5" --dataset "knee=$(IFS=,; echo "${knees[*]}")")
for method in cs sense; do
  /usr/bin/python3 "$root/bench/lambda_benchmark.py" --method "$method" --ambient "$ambient" --work "$work/$method" \
    "${data[@]}" --markdown "$work/$method.md"
done
{
  echo "# Benchmarks: the automatic regularisation weight (--lambda auto)"
  echo
  echo "Produced by \`bash bench/run-lambda-benchmarks.sh\` (commit $(git -C "$root" rev-parse --short HEAD)," \
    "$(date +%F), $(nproc --all) CPUs, one thread; $(bart version 2>/dev/null | sed 's/^/bart /'))."
  echo "PSNR in dB (scikit-image, data range the reference volume's maximum; reference: the root sum of"
  echo "squares of the fully sampled k-space), mean over each dataset's files. Data: 6 held-out Colin27"
  echo "slices (simulated, 8 coils), the real 8-coil brain (230 x 180), 4 real knees (simulated 8 coils);"
  echo "random lines with 12 ACS lines and 2D Poisson discs with a 16 x 16 calibration square."
  echo "Method: docs/reconstruction.md, \"Choosing lambda\"."
  echo
  echo "## L1-wavelet CS (\`ambient recon --method cs\`, 100 iterations) and \`bart pics -S -l1 -i 100\`"
  echo
  echo "bart uses its own \`bart ecalib -m1\` maps. Sweep: 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05."
  echo
  cat "$work/cs.md"
  echo
  echo "## CG-SENSE (\`ambient recon --method sense\`, 30 iterations)"
  echo
  echo "Sweep: 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 1."
  echo
  cat "$work/sense.md"
} >"$doc.tmp"
mv "$doc.tmp" "$doc"
echo "wrote $doc"
