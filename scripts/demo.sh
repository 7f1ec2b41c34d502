#!/usr/bin/env bash
# The main job on a subject no shipped prior saw: data-samples/dcmqa-t1-axial-8ch.h5 (3 fully
# sampled axial slices of a real T1 head from the training corpus's test split, simulated 8
# coils; data-samples/make-demo-sample.sh) undersampled at R = 8 (random lines, 12 ACS lines),
# reconstructed with zf, cs and adps (the bundled default prior, data-samples/priors/, 4
# posterior samples) and scored against the fully sampled image. Writes into out/demo/: zf.png, cs.png, adps.png, adps-std.png, the arrays (.npy),
# comparison.png (reference, the three methods, the A-DPS std and the error maps) and
# metrics.md (PSNR / SSIM / NRMSE per method, also printed).
# Environment: ACCEL (8), SAMPLES (4), OUT (out/demo), AMBIENT (build/ambient).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ambient=${AMBIENT:-$root/build/ambient}
out=${OUT:-$root/out/demo}
scan=$root/data-samples/dcmqa-t1-axial-8ch.h5
mkdir -p "$out"
common=(--mask random --accel "${ACCEL:-8}" --acs 12 --seed 7 --reference auto --force)
for method in zf cs adps; do
  extra=()
  [ "$method" = adps ] && extra=(--samples "${SAMPLES:-4}" --uncertainty "$out/adps-std.npy" --uncertainty "$out/adps-std.png")
  "$ambient" recon "${common[@]}" --method "$method" "$scan" -o "$out/$method.npy" -o "$out/$method.png" \
    --report "$out/$method.csv" "${extra[@]}"
done
/usr/bin/python3 "$root/scripts/demo-compare.py" "$scan" "$out"
