#!/usr/bin/python3
"""The demo's comparison (scripts/demo.sh): SCAN's reference image beside the zf, cs and adps
reconstructions in OUT, the A-DPS std and the error maps as OUT/comparison.png (the middle
slice), and the per-slice metrics of their reports, mean ± std, as OUT/metrics.md."""
import sys

import h5py
import numpy as np

from results_common import figure, metric_table, read_rows, summary

scan, out = sys.argv[1:3]
methods = ["zf", "cs", "adps"]
with h5py.File(scan) as f:
    reference = np.abs(f["dataset/reference/data"][:, 0, 0])
middle = reference.shape[0] // 2
ref = reference[middle]
high = np.percentile(ref, 99.5)
images = [np.abs(np.load(f"{out}/{m}.npy")[middle]) for m in methods]
std = np.abs(np.load(f"{out}/adps-std.npy")[middle])
panels = [(ref, high)] + [(im, high) for im in images] + [(std, high / 4)]
panels += [(np.abs(im - ref), high / 2) for im in images]
titles = ["reference", "zero-filled", "CS", "A-DPS mean", "A-DPS std (x4)"]
titles += [f"|error| {m} (x2)" for m in ("zf", "CS", "A-DPS")]
figure(f"{out}/comparison.png", panels, titles)
table = metric_table([(m, summary(read_rows(f"{out}/{m}.csv"))) for m in methods], "method")
with open(f"{out}/metrics.md", "w") as f:
    f.write(table + "\n")
print(table)
print(f"wrote {out}/comparison.png and {out}/metrics.md")
