#!/usr/bin/env bash
# The real viewer under Xvfb (an X server, not Qt's offscreen platform): two linked panels,
# the bundled Colin27 scan and its zero-filled R = 4 reconstruction, written as a PNG and
# checked for size and non-trivial content (docs/images/viewer-window.png is one).
# Usage: screenshot_test.sh AMBIENT VIEWER SCAN OUTDIR
set -euo pipefail
ambient=$1 viewer=$2 scan=$3 out=$4
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$ambient" --quiet recon "$scan" -o "$tmp/zf-r4.nii" --method zf --mask random --accel 4 --acs 24
shot="$out/viewer-screenshot.png"
rm -f "$shot"
unset QT_QPA_PLATFORM
timeout 120 xvfb-run -a -s "-screen 0 1400x900x24" \
  "$viewer" "$scan" "$tmp/zf-r4.nii" --link --screenshot "$shot"
/usr/bin/python3 - "$shot" <<'PY'
import sys
import numpy as np
from PIL import Image
im = np.asarray(Image.open(sys.argv[1]).convert("RGB")).astype(float)
h, w, _ = im.shape
assert w >= 1000 and h >= 600, f"screenshot is only {w} x {h}"
gray = im.mean(axis=2)
colours = len(np.unique(im.reshape(-1, 3)[::7], axis=0))
assert gray.std() > 20, f"nearly uniform screenshot (std {gray.std():.1f})"
assert colours > 100, f"only {colours} colours: no images drawn"
# Two brains side by side: the left and right halves of the window both show one.
for half in (gray[:, : w // 2], gray[:, w // 2 :]):
    assert (half > 200).mean() > 0.005, "a half of the window shows no bright image"
print(f"{sys.argv[1]}: {w} x {h}, {colours} colours, grey std {gray.std():.1f}")
PY
