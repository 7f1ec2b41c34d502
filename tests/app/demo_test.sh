#!/usr/bin/env bash
# The README's main job (scripts/demo.sh) as a fresh clone runs it, with two posterior
# samples (the fewest with a spread) to keep it short: it must finish with the bundled
# default prior, and write the comparison figure and a metrics table in which cs beats
# zero-filling.
# Usage: demo_test.sh AMBIENT_BINARY
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
unset AMBIENT_DEFAULT_PRIOR
AMBIENT=$1 OUT=$out SAMPLES=2 bash "$root/scripts/demo.sh" >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
/usr/bin/python3 - "$out" <<'PY'
import re, sys
from PIL import Image
out = sys.argv[1]
rows = {}
for line in open(f"{out}/metrics.md"):
    m = re.match(r"\| (zf|cs|adps) \| ([0-9.]+) ± ", line)
    if m:
        rows[m.group(1)] = float(m.group(2))
assert set(rows) == {"zf", "cs", "adps"}, rows
assert rows["cs"] > rows["zf"], rows
assert all(10 < v < 60 for v in rows.values()), rows
figure = Image.open(f"{out}/comparison.png")
assert figure.size == (8 * 160, 160 + 18), figure.size
assert max(figure.getextrema()) > 0
print("demo ok:", rows)
PY
