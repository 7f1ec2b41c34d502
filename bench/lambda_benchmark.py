#!/usr/bin/env python3
"""cs or sense (--method) with --lambda auto against its fixed weight and its best lambda of a sweep, and
against `bart pics` (bart's own ESPIRiT maps, L1 wavelet) at bart's best lambda, on the same
undersampled k-space. PSNR is scikit-image's (data range: the reference volume's maximum),
the reference the root-sum-of-squares image of the fully sampled k-space.

Usage: bench/lambda_benchmark.py --work DIR [--ambient build/ambient] [--markdown OUT.md]
       [--dataset NAME=FILE ...] [--kind random|poisson ...] [--accel R ...] [--no-bart]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
from skimage.metrics import peak_signal_noise_ratio

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from bart_peer import bart_sweep, rss, run  # noqa: E402

SWEEPS = {"cs": [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05],
          "sense": [0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 1.0]}
DEFAULTS = {"cs": 0.005, "sense": 0.01}  # the fixed weights: sense's default, cs's until auto became it
ACS = {"random": 12, "poisson": 16}


def psnr(reference, image):
    return peak_signal_noise_ratio(reference, np.abs(image).astype(np.float64), data_range=reference.max())


def ours(a, full, mask, lam, out):
    t0 = time.time()
    text = run([a.ambient, "-q", "--json", "recon", "--force", "--method", a.method, "--lambda", str(lam),
                "--mask", mask, full, "-o", out])
    return np.load(out), time.time() - t0, json.loads(text).get("lambda", [])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", required=True)
    p.add_argument("--ambient", default="build/ambient")
    p.add_argument("--dataset", action="append", required=True, help="NAME=FILE[,FILE...] (fully sampled k-space)")
    p.add_argument("--kind", action="append", choices=list(ACS))
    p.add_argument("--accel", action="append", type=float)
    p.add_argument("--no-bart", action="store_true")
    p.add_argument("--method", choices=list(SWEEPS), default="cs")
    p.add_argument("--markdown", help="write the table here")
    p.add_argument("--auto-only", action="store_true", help="only --lambda auto (for tuning it)")
    p.add_argument("--json", help="write every number here")
    a = p.parse_args()
    kinds, accels = a.kind or ["random", "poisson"], a.accel or [4, 8]
    sweep, default = SWEEPS[a.method], DEFAULTS[a.method]
    if a.method != "cs":
        a.no_bart = True  # bart pics -l1 is the peer of cs only
    os.makedirs(a.work, exist_ok=True)
    rows = []
    for spec in a.dataset:
        name, paths = spec.split("=", 1)
        files = []  # (path, kspace [slice, coil, ky, kx], reference)
        for i, path in enumerate(paths.split(",")):
            npy = os.path.join(a.work, f"{name}-{i}-full.npy")
            run([a.ambient, "-q", "convert", "--force", path, npy])
            kspace = np.load(npy)
            files.append((path, kspace, rss(kspace)))
        for kind in kinds:
            for accel in accels:
                mask_file = os.path.join(a.work, f"{name}-{kind}-{accel:g}.npy")
                run([a.ambient, "-q", "mask", "--force", "--kind", kind, "--accel", str(accel), "--acs", str(ACS[kind]),
                     "--seed", "7", "--like", files[0][0], "-o", mask_file])
                mask = np.load(mask_file).astype(np.float32)
                out = os.path.join(a.work, "ours.npy")

                def mean_psnr(images):  # PSNR of each file's volume, averaged over the files
                    return float(np.mean([psnr(f[2], im) for f, im in zip(files, images)]))

                def ours_all(lam):
                    results = [ours(a, f[0], mask_file, lam, out) for f in files]
                    return [r[0] for r in results], sum(r[1] for r in results), sum((r[2] for r in results), [])

                row = {"dataset": name, "kind": kind, "accel": accel, "slices": sum(len(f[1]) for f in files)}
                images, row["seconds_auto"], row["lambdas_auto"] = ours_all("auto")
                row["auto"] = mean_psnr(images)
                if a.auto_only:
                    print(f"{name} {kind} R={accel:g}: auto {row['auto']:.2f} in {row['seconds_auto']:.1f} s, lambdas "
                          f"{row['lambdas_auto']}", flush=True)
                    continue
                row["sweep"] = {lam: mean_psnr(ours_all(lam)[0]) for lam in sweep}
                _, row["seconds_fixed"], _ = ours_all(default)
                if not a.no_bart:
                    sweeps = [bart_sweep(a.work, f[1], mask, SWEEPS["cs"]) for f in files]
                    row["bart"] = {lam: mean_psnr([b[lam] for b in sweeps]) for lam in SWEEPS["cs"]}
                rows.append(row)
                best = max(row["sweep"].values())
                print(f"{name} {kind} R={accel:g}: auto {row['auto']:.2f} (lambda {np.median(row['lambdas_auto']):.3g}) "
                      f"default {row['sweep'][default]:.2f} best {best:.2f}"
                      + (f" bart best {max(row['bart'].values()):.2f}" if "bart" in row else "")
                      + f"  time auto/fixed {row['seconds_auto'] / row['seconds_fixed']:.2f}", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(markdown(rows, a.method, default))


def markdown(rows, method, default):
    bart = any("bart" in r for r in rows)
    head = f"| data | mask | R | auto | λ auto (median) | fixed λ {default} | best of the sweep (λ) | auto − best |"
    head += " bart pics best (λ) | best − bart |" if bart else ""
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        best_lam = max(r["sweep"], key=r["sweep"].get)
        best = r["sweep"][best_lam]
        line = (f"| {r['dataset']} ({r['slices']} slices) | {r['kind']} | {r['accel']:g} | {r['auto']:.2f} | "
                f"{np.median(r['lambdas_auto']):.2g} | {r['sweep'][default]:.2f} | {best:.2f} ({best_lam:g}) | "
                f"{r['auto'] - best:+.2f} |")
        if "bart" in r:
            bart_lam = max(r["bart"], key=r["bart"].get)
            line += f" {r['bart'][bart_lam]:.2f} ({bart_lam:g}) | {best - r['bart'][bart_lam]:+.2f} |"
        lines.append(line)
    ratios = [r["seconds_auto"] / r["seconds_fixed"] for r in rows]
    lines.append("")
    lines.append(f"Wall time of `ambient recon` with --lambda auto over the same command at a fixed weight (ESPIRiT and "
                 f"start-up included): {min(ratios):.2f} to {max(ratios):.2f}x, median {np.median(ratios):.2f}x.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
