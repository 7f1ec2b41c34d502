#!/usr/bin/env bash
# Rebuilds colin27-axial-8ch.h5, the small fully sampled scan the README's viewer tour and
# demos open: 3 axial slices (held-out slab positions 160, 170, 180) of the Colin27 T1
# volume from Debian's mricron-data (BSD-3, see colin27-axial-8ch.LICENSE), 128 x 128,
# 8 birdcage coils, noise sigma 0.005, noise scans and the magnitude reference included.
# The held-out set's own recipe (make-colin27-training-set.sh) with other slices and seed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ambient=${AMBIENT:-$here/../build/ambient}
colin=${COLIN27:-/usr/share/mricron/templates/ch2better.nii.gz}
[ -f "$colin" ] || { echo "error: $colin missing (apt-get install mricron-data)" >&2; exit 1; }
"$ambient" simulate "$colin" --matrix 128 --coils 8 --noise 0.005 --seed 2000 \
  --orientation axial --slices 160:181:10 --noise-samples 256 --force -o "$here/colin27-axial-8ch.h5"
