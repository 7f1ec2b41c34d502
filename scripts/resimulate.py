#!/usr/bin/python3
"""Re-simulates one-slice k-space files from their own reference images at another noise level:
each FOLDER/ANATOMY/*.h5 (as scripts/corpus-eval.py writes them under OUT/slices/) becomes
OUT/ANATOMY/*.h5 by `ambient simulate` of its noise-free reference image with 8 random-position
coils, so a sampler setting can be judged on the same subjects with quieter (or noisier) data.

--pad N zero-pads each reference to N x N first: the same anatomy on a larger grid.

Usage: scripts/resimulate.py --slices results/corpus-val/slices --noise 0.001 --out DIR [--pad N] [--ambient BIN]
Then: scripts/corpus-eval.py --split val --anatomy none --no-cs-sweep --dataset ln-brain=DIR/brain ...
"""
import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def padded(image, side, path):
    """[slices, y, x] zero-padded to side x side with the image at the centre."""
    ny, nx = image.shape[-2:]
    if side < max(ny, nx):
        sys.exit(f"error: {path}: --pad {side} is smaller than its {ny} x {nx} image")
    out = np.zeros(image.shape[:-2] + (side, side), np.float32)
    y0, x0 = (side - ny) // 2, (side - nx) // 2
    out[..., y0:y0 + ny, x0:x0 + nx] = image
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--slices", type=Path, required=True, help="folder of ANATOMY/*.h5 one-slice files")
    ap.add_argument("--noise", type=float, required=True, help="noise std per k-space sample (images at max 1)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=5001, help="the first file's coil / noise seed (one more per file)")
    ap.add_argument("--pad", type=int, help="zero-pad each reference to PAD x PAD around its centre first (a larger grid)")
    ap.add_argument("--ambient", default=os.environ.get("AMBIENT", str(ROOT / "build" / "ambient")))
    args = ap.parse_args()
    if not args.slices.is_dir():
        sys.exit(f"error: {args.slices}: not a folder")
    files = [f for anatomy in sorted(p for p in args.slices.iterdir() if p.is_dir()) for f in sorted(anatomy.glob("*.h5"))]
    if not files:
        sys.exit(f"error: {args.slices}: no ANATOMY/*.h5 files")
    with tempfile.TemporaryDirectory() as work:
        reference = Path(work) / "reference.npy"
        for seed, f in enumerate(files, start=args.seed):
            with h5py.File(f) as h:
                if "dataset/reference" not in h:
                    sys.exit(f"error: {f}: no reference image to simulate from")
                image = h["dataset/reference/data"][:, 0, 0].astype(np.float32)
            if args.pad:
                image = padded(image, args.pad, f)
            np.save(reference, image)
            out = args.out / f.parent.name / f.name
            out.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([args.ambient, "-q", "simulate", str(reference), "--coils", "8", "--random-coils",
                            "--noise", f"{args.noise:g}", "--seed", str(seed), "-o", str(out), "--force"], check=True)
    print(f"wrote {len(files)} files under {args.out}")


if __name__ == "__main__":
    main()
