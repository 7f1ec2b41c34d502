#!/usr/bin/python3
"""The demo's comparison (scripts/demo.sh): SCAN's reference image beside the zf, cs and adps
reconstructions in OUT, the A-DPS std and the error maps as OUT/comparison.png (the middle
slice), and the per-slice metrics of their reports, mean ± std, as OUT/metrics.md."""
import sys

import numpy as np

from results_common import comparison_figure, metric_table, read_rows, reference_slice, summary

scan, out = sys.argv[1:3]
methods = ["zf", "cs", "adps"]
middle = 1  # the demo scan holds 3 slices
images = [(title, np.load(f"{out}/{m}.npy")[middle]) for title, m in zip(["zero-filled", "CS", "A-DPS"], methods)]
comparison_figure(f"{out}/comparison.png", reference_slice(scan, middle), images,
                  std=np.load(f"{out}/adps-std.npy")[middle])
table = metric_table([(m, summary(read_rows(f"{out}/{m}.csv"))) for m in methods], "method")
with open(f"{out}/metrics.md", "w") as f:
    f.write(table + "\n")
print(table)
print(f"wrote {out}/comparison.png and {out}/metrics.md")
