#!/usr/bin/env bash
# Rebuilds brain-8ch.h5 from the real 8-coil brain in ../shared/data-raw (sigpy-mri-tutorial,
# BSD-3: brain-8ch.LICENSE travels with it). The .npy holds (coil, readout, phase) k-space
# with a 12 % 2D Poisson-disc pattern; unmeasured samples are stored as zeros in the
# ISMRMRD acquisitions, which is how Ambient's readers recover the 2D mask.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ambient=${AMBIENT:-$here/../build/ambient}
source=${1:-$here/../../shared/data-raw/sigpy-brain-8ch/cartesian_ksp.npy}
"$ambient" convert --force --axes coil,kx,ky "$source" "$here/brain-8ch.h5"
