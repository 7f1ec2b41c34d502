#!/usr/bin/env bash
# From a fresh clone to a first reconstruction: installs the Debian packages, builds, runs
# the main job (scripts/demo.sh: a held-out sample at R = 8 with zf, cs and A-DPS with the
# default prior, a comparison figure and a metrics table in out/demo/), then the bundled
# real brain (data-samples/brain-8ch.h5, R = 8): `ambient info`, a zero-filled
# reconstruction as PNG and BART .cfl, and L1-wavelet compressed sensing as PNG, into out/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
ambient="${BUILD_DIR:-$root/build}/ambient"
mkdir -p "$root/out"
"$ambient" info "$root/data-samples/brain-8ch.h5"
"$ambient" recon --method zf --force "$root/data-samples/brain-8ch.h5" \
  -o "$root/out/brain-8ch-zf.png" -o "$root/out/brain-8ch-zf.cfl"
"$ambient" recon --method cs --force "$root/data-samples/brain-8ch.h5" -o "$root/out/brain-8ch-cs.png"
AMBIENT="$ambient" "$root/scripts/demo.sh"
echo "quickstart: wrote out/demo/ (comparison.png, metrics.md), out/brain-8ch-zf.png, out/brain-8ch-zf.cfl and out/brain-8ch-cs.png"
