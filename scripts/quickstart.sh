#!/usr/bin/env bash
# From a fresh clone to a first reconstruction: installs the Debian packages, builds, and
# runs the main job on the bundled real brain (data-samples/brain-8ch.h5, R = 8): `ambient
# info`, a zero-filled reconstruction written as PNG and BART .cfl, and L1-wavelet
# compressed sensing (ESPIRiT maps) as PNG, into out/.
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
echo "quickstart: wrote out/brain-8ch-zf.png, out/brain-8ch-zf.cfl and out/brain-8ch-cs.png"
