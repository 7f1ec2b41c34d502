#!/usr/bin/env python3
"""How well a posterior-sampling run's std maps say where its images are wrong, per slice, over the
object (reference above 5 % of its maximum), averaged over slices:
  rho      Spearman's rank correlation of std and the mean's absolute error (corpus-eval's ρ);
  ceiling  the same were the std exact, each error drawn as std * |N(0, 1)|;
  |e|/std  the median ratio of error to std (0.67 for an exact std);
  2 std    the fraction of pixels whose error lies within 2 std (0.95 for an exact std).

Usage: scripts/uncertainty-calibration.py --slices FOLDER --run RUN_DIR [--ambient build/ambient]
(RUN_DIR: where `scripts/corpus-eval.py` put one method's NAME.npy and NAME-std.npy for FOLDER's slices)
"""
import argparse
import importlib.util
import pathlib
import sys

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from results_common import uncertainty_scores  # noqa: E402

spec = importlib.util.spec_from_file_location("corpus_eval", HERE / "corpus-eval.py")
corpus_eval = importlib.util.module_from_spec(spec)
spec.loader.exec_module(corpus_eval)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--slices", type=pathlib.Path, required=True)
    p.add_argument("--run", type=pathlib.Path, required=True)
    p.add_argument("--ambient", default=str(HERE.parent / "build" / "ambient"))
    a = p.parse_args()
    draws = np.random.default_rng(0)
    rows = []
    for scan in sorted(a.slices.glob("*.h5")):
        mean, std = a.run / f"{scan.stem}.npy", a.run / f"{scan.stem}-std.npy"
        for f in (mean, std):
            if not f.exists():
                sys.exit(f"error: {f}: missing (reconstruct {scan} with --uncertainty into {a.run} first)")
        reference = corpus_eval.reference_of(a.ambient, scan, a.run)[0]
        rows.append(uncertainty_scores(reference, np.load(mean)[0], np.load(std)[0], draws))
    if not rows:
        sys.exit(f"error: {a.slices}: no .h5 slice files")
    rho, ceiling, ratio, within = np.mean(rows, axis=0)
    print(f"{a.run}: {len(rows)} slices, rho {rho:.2f}, ceiling {ceiling:.2f}, median |e|/std {ratio:.2f}, "
          f"within 2 std {within:.2f}")


if __name__ == "__main__":
    main()
