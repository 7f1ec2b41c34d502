#!/usr/bin/env bash
# Builds the simulated training and held-out sets from the Colin27 T1 volume that Debian's
# mricron-data package installs (0.5 mm isotropic, 301 x 370 x 316). Every orientation of
# the volume is sliced so that priors see varied anatomy; each slice is resampled to
# MATRIX x MATRIX, given a smooth random phase, 8 birdcage coils and complex noise, and
# stored fully sampled with its noise scans and reference image (undersampling happens at
# training and reconstruction time).
#
# Held out: 20 axial slices from a slab in the middle of the head. Training never uses that
# slab or 10 slices (5 mm) on either side of it in the axial set; coronal and sagittal planes
# still cross it, and Colin27 is a single subject, so held-out here means unseen slices, not
# an unseen person (the real brain in data-samples/ is that test).
#
# Resumable: files that exist are kept. Usage: make-colin27-training-set.sh [OUTDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ambient=${AMBIENT:-$here/../build/ambient}
out=${1:-$here/generated/colin27}
colin=${COLIN27:-/usr/share/mricron/templates/ch2better.nii.gz}
matrix=${MATRIX:-128}
coils=${COILS:-8}
noise=${NOISE:-0.005}
mkdir -p "$out"
[ -f "$colin" ] || { echo "error: $colin missing (apt-get install mricron-data)" >&2; exit 1; }

simulate() {  # NAME SEED ARGS...
  local name=$1 seed=$2; shift 2
  if [ -f "$out/$name.h5" ]; then echo "kept $out/$name.h5"; return; fi
  "$ambient" simulate "$colin" --matrix "$matrix" --coils "$coils" --noise "$noise" \
    --min-signal 0.3 --seed "$seed" -o "$out/$name.h5" "$@"
}

# Axial slab 150..190 (every 2nd slice: 20 slices) is held out, 140..200 kept from training.
simulate heldout-axial 1000 --orientation axial --slices 150:190:2
simulate train-axial-inferior 1 --orientation axial --slices 0:140:2
simulate train-axial-superior 2 --orientation axial --slices 200::2
simulate train-coronal 3 --orientation coronal --slices 0::2
simulate train-sagittal 4 --orientation sagittal --slices 0::2
for f in "$out"/*.h5; do
  echo "$f: $("$ambient" --json info "$f" | grep -m1 '"slices"' | tr -dc 0-9) slices"
done
