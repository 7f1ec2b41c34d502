#!/usr/bin/env python3
"""Where a reconstruction's error lies: PSNR over the object (reference above 10 % of its maximum)
and over the background apart, with the background's mean level, each against the reference
image a k-space file carries (`ambient simulate`, `ambient convert --reference`).
Usage: scripts/error-regions.py REFERENCE.h5 IMAGE.npy...   (images as `ambient recon -o` writes them)"""
import sys

import numpy as np

from results_common import reference_slice


def psnr(error, peak):
    return 10 * np.log10(peak ** 2 / np.mean(error ** 2))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    reference = reference_slice(sys.argv[1], 0)
    peak = reference.max()
    inside = reference > 0.1 * peak
    print(f"object: {inside.mean():.0%} of the pixels")
    print("image | PSNR dB all / object / background | background mean, % of the maximum")
    for path in sys.argv[2:]:
        image = np.abs(np.load(path)[0])
        if image.shape != reference.shape:
            sys.exit(f"error: {path}: image {image.shape}, reference {reference.shape}")
        error = image - reference
        print(f"{path} | {psnr(error, peak):.2f} / {psnr(error[inside], peak):.2f} / "
              f"{psnr(error[~inside], peak):.2f} | {100 * image[~inside].mean() / peak:.2f}")


if __name__ == "__main__":
    main()
