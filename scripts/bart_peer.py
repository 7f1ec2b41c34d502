"""`bart pics` as the peer of `ambient recon --method cs`: BART's own ESPIRiT maps (`bart ecalib
-m1`) and L1-wavelet compressed sensing (`bart pics -S -l1 -i 100`) over a lambda sweep, on
k-space undersampled with the same mask. Used by bench/lambda_benchmark.py and
scripts/corpus-eval.py."""
import os
import subprocess
import sys

import numpy as np


def run(cmd):
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(cmd)} failed:\n{done.stderr}")
    return done.stdout


def ifft2c(k):
    return np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(k, axes=(-2, -1)), norm="ortho"), axes=(-2, -1))


def rss(kspace):
    """Root-sum-of-squares image of k-space [..., coil, ky, kx]."""
    return np.sqrt((np.abs(ifft2c(kspace)) ** 2).sum(-3))


def write_cfl(base, array_c_order):
    """BART's .cfl/.hdr: column-major complex64; pass the array with BART's first axis last."""
    a = np.asarray(array_c_order, np.complex64)
    dims = list(a.shape[::-1]) + [1] * (16 - a.ndim)
    with open(base + ".hdr", "w") as f:
        f.write("# Dimensions\n" + " ".join(map(str, dims)) + "\n")
    a.tofile(base + ".cfl")


def read_cfl(base):
    dims = [int(d) for d in open(base + ".hdr").read().split("\n")[1].split()]
    while len(dims) > 1 and dims[-1] == 1:
        dims.pop()
    return np.fromfile(base + ".cfl", np.complex64).reshape(dims[::-1])


def bart_sweep(work, kspace, mask, lambdas):
    """bart pics at every lambda for every slice of kspace [slice, coil, ky, kx] under mask
    [ky, kx]. Returns {lambda: images [slice, ky, kx]}."""
    images = {lam: [] for lam in lambdas}
    under, maps, out = (os.path.join(work, n) for n in ("bart-under", "bart-maps", "bart-cs"))
    for k in kspace:
        write_cfl(under, (k * mask)[:, None, :, :])  # BART dims: kx, ky, 1, coil
        run(["bart", "ecalib", "-m1", under, maps])
        for lam in lambdas:
            run(["bart", "pics", "-S", "-l1", "-r", str(lam), "-i", "100", under, maps, out])
            images[lam].append(read_cfl(out).reshape(k.shape[-2], k.shape[-1]))
    return {lam: np.stack(v) for lam, v in images.items()}
