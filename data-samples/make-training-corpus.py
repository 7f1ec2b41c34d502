#!/usr/bin/python3
"""Builds Ambient's varied training corpus from the real images in ../shared/data-raw/.

Every real image set there (brain T1 / T1 post-contrast / PD / MRA, tumour patients, knee DESS,
T1rho and complex knee images, cervical and lumbar spine in T1, T2, T2*, TIRM and water-fat GRE)
and Debian's Colin27 volume is cut into 2D slices: NIfTI volumes in every orientation whose
plane has at least --min-side (96) pixels a side (2D stacks therefore only in their acquired plane),
JPEG slices as they are. Near-empty slices are skipped. Slices are split BY SUBJECT into
train / val / test (whole subjects of every anatomy held out), resampled to MATRIX x MATRIX
(training slices with a random crop of 70-100 % of the field of view, 90-degree rotations and
flips), and written per (subject, contrast, orientation) as float stacks that `ambient
simulate --random-coils` turns into fully sampled multi-coil k-space with a smooth random phase
(magnitude sources), a new random coil array per slice and complex noise:
  train: 4 to 16 coils and a noise level per file drawn log-uniformly from 0.002 to 0.02;
  val / test: 8 coils, noise 0.005, no augmentation (the setting results are reported in).
Every val / test file has a fine twin (NAME-fine.h5, the manifest's variant "fine"): the same
slices with the whole field of view at 1.75 x MATRIX, finer pixels as on a scan whose matrix
exceeds 128 for the same field of view.
Undersampling happens at training and reconstruction time.

The manifest (CSV: output file and slice, split, anatomy, contrast, subject, source folder and
file, source slice, orientation, augmentation, licence) is written to OUT/manifest.csv and, with
--manifest, to the committed copy beside this script. The same data and seed give the same
manifest and the same k-space. Resumable: k-space files that exist are kept.

Usage: make-training-corpus.py [--out DIR] [--matrix 128] [--raw ../shared/data-raw]
       [--ambient build/ambient] [--manifest data-samples/corpus-manifest.csv] [--plan-only]
"""
import argparse
import csv
import hashlib
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nibabel as nib
import numpy as np
from PIL import Image
from skimage.transform import resize

HERE = Path(__file__).resolve().parent
PLANES_PER_AXIS = 64   # a 3D volume's orientation gives every (n // 64)-th slice: about 64, fewer once empty ones go
TRAIN_COILS = [4, 6, 8, 10, 12, 16]
TRAIN_NOISE = (0.002, 0.02)
HELD_OUT_COILS, HELD_OUT_NOISE = 8, 0.005
# Finer pixels: a scan whose matrix is larger than 128 for the same field of view (the real
# 230 x 180 brain) shows its anatomy over more pixels. Every held-out file has a "fine" twin,
# its slices' whole field of view at HELD_OUT_FINE_ZOOM x MATRIX (224 x 224 for 128), to judge
# priors on such scans with subjects they never saw (scripts/corpus-eval.py --fine).
HELD_OUT_FINE_ZOOM = 1.75
SPLIT_FRACTIONS = {"train": 0.7, "val": 0.1, "test": 0.2}


@dataclass
class Volume:
    """One image source of one subject: a NIfTI volume, a stack of JPEGs or a complex image."""
    source: str            # folder under data-raw (or 'mricron-data')
    files: list            # paths relative to the source folder (several for JPEG blocks)
    anatomy: str           # brain | brain-tumour | knee | spine
    contrast: str
    subject: str
    licence: str
    split: str = ""
    kind: str = "nifti"    # nifti | jpeg | cfl
    fields: dict = field(default_factory=dict)


def licence_of(folder):
    return {
        "figshare-cheng-braintumor-t1ce": "CC BY 4.0",
        "nichart-ixi-small": "CC BY-SA 3.0",
        "dcmqa-decubitus-t1-fl2d-sag": "BSD-2-Clause",
        "dcmqa-xa30-t1w": "BSD-2-Clause",
        "sct-spine-testing": "MIT",
        "pykneer-knee-dess-cubequant": "GPL-3.0",
        "niivue-images-rorden": "CC BY-NC 4.0 (chris_*); figshare, unverified (MR_Gd)",
        "fastcleverseg-lumbar-spine": "GPL-3.0 repository; research use only",
        "dnlinv-knee-refs": "BSD-3-Clause repository; mridata.org terms (non-commercial)",
        "mricron-data": "BSD-3-Clause",
    }[folder]


def stable_fraction(text):
    """A number in [0, 1) fixed by the text: split assignment that does not depend on order."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16) / 16 ** 12


def assign_splits(subjects, fractions=SPLIT_FRACTIONS):
    """Split by subject in the given proportions: subjects ordered by a hash of their name (not
    by the order they were found in), the first 70 % train, the next 10 % val, the rest test."""
    order = sorted(set(subjects), key=stable_fraction)
    out, start = {}, 0
    for i, (name, share) in enumerate(fractions.items()):
        end = len(order) if i == len(fractions) - 1 else start + round(share * len(order))
        out.update({s: name for s in order[start:end]})
        start = end
    return out


def discover(raw):
    """Every source volume with its subject and split. Fixed choices first, then hashing."""
    vols = []

    def nifti(folder, name, anatomy, contrast, subject, split=""):
        if (raw / folder / name).exists():
            vols.append(Volume(folder, [name], anatomy, contrast, subject, licence_of(folder), split))

    colin = Path(os.environ.get("COLIN27", "/usr/share/mricron/templates/ch2better.nii.gz"))
    if colin.exists():
        vols.append(Volume("mricron-data", [str(colin)], "brain", "T1", "colin27", licence_of("mricron-data"), "train"))
    # Single-subject sets: a fixed split so that every anatomy has held-out subjects.
    nifti("nichart-ixi-small", "IXI012-HH-1211_T1.nii.gz", "brain", "T1", "ixi-012", "train")
    nifti("nichart-ixi-small", "IXI015-HH-1258_T1.nii.gz", "brain", "T1", "ixi-015", "test")
    nifti("dcmqa-decubitus-t1-fl2d-sag", "HFS_t1_fl2d_sag.nii.gz", "brain", "T1", "dcmqa-decubitus", "val")
    nifti("dcmqa-xa30-t1w", "5_anat-T1w_acq-tfl.nii.gz", "brain", "T1", "dcmqa-xa30", "test")
    for c, name in [("T1", "chris_t1.nii.gz"), ("PD", "chris_PD.nii.gz"), ("MRA", "chris_MRA.nii.gz")]:
        nifti("niivue-images-rorden", name, "brain", c, "niivue-chris", "train")
    nifti("niivue-images-rorden", "MR_Gd.nii.gz", "brain", "T1-Gd", "niivue-mr-gd", "val")
    for c, name in [("T1", "t1w.nii.gz"), ("T2", "t2.nii.gz"), ("T2*", "t2s_uncropped.nii.gz")]:
        nifti("sct-spine-testing", name, "spine", c, "sct-spine", "train")
    for c, name in [("DESS-1", "subj01_DESS_echo1_TE7.5_256.nii.gz"), ("DESS-2", "subj01_DESS_echo2_TE42.5_256.nii.gz"),
                    ("T1rho", "subj01_cubeQuant_T1rho_TSL1_256.nii.gz")]:
        nifti("pykneer-knee-dess-cubequant", name, "knee", c, "pykneer-01", "train")
    # 82 lumbar spines: one subject a file.
    contrast = {"VB1": "T1/T2/TIRM", "VB2": "T2", "VB3": "water-fat GRE"}
    for f in sorted((raw / "fastcleverseg-lumbar-spine").glob("VB*/*.nii.gz")):
        subject = "lumbar-" + f.name.split("_centre")[0]
        vols.append(Volume("fastcleverseg-lumbar-spine", [str(f.relative_to(raw / "fastcleverseg-lumbar-spine"))],
                           "spine", contrast[f.parent.name], subject, licence_of("fastcleverseg-lumbar-spine")))
    # 20 real complex knee images, one subject each.
    for f in sorted((raw / "dnlinv-knee-refs").glob("P*.cfl")):
        vols.append(Volume("dnlinv-knee-refs", [f.name], "knee", "PD FSE (complex)", "knee-" + f.stem,
                           licence_of("dnlinv-knee-refs"), kind="cfl"))
    tumour = tumour_blocks(raw)
    # Sets of many subjects are split in proportion, each set on its own.
    for group in ["fastcleverseg-lumbar-spine", "dnlinv-knee-refs"]:
        members = [v for v in vols if v.source == group]
        split = assign_splits(v.subject for v in members)
        for v in members:
            v.split = split[v.subject]
    return vols + tumour


def tumour_blocks(raw, block=100, guard=12):
    """The tumour JPEGs keep no patient id, but consecutive ids are mostly consecutive slices of
    one patient (about 13 a patient). Pseudo-subjects are blocks of `block` ids within a class;
    images within `guard` ids of a neighbouring block of another split are dropped, so that no
    patient straddles two splits."""
    folder = raw / "figshare-cheng-braintumor-t1ce"
    out = []
    for cls in sorted(p for p in folder.glob("*_*") if p.is_dir()):
        ids = sorted(int(f.stem) for f in cls.glob("*.jpg"))
        blocks = sorted({i // block for i in ids})
        names = assign_splits(f"tumour-{cls.name}-{b}" for b in blocks)
        split = {b: names[f"tumour-{cls.name}-{b}"] for b in blocks}
        for b in blocks:
            keep = []
            for i in ids:
                if i // block != b:
                    continue
                near_prev = i - b * block < guard and split.get(b - 1, split[b]) != split[b]
                near_next = (b + 1) * block - i <= guard and split.get(b + 1, split[b]) != split[b]
                if not (near_prev or near_next):
                    keep.append(f"{cls.name}/{i}.jpg")
            if keep:
                out.append(Volume(folder.name, keep, "brain-tumour", "T1-Gd", f"tumour-{cls.name}-{b}",
                                  licence_of(folder.name), split[b], kind="jpeg"))
    return out


def planes(path, min_side):
    """Yields (orientation, slice index, 2D image) of a NIfTI volume in display orientation, with
    square pixels, for every orientation whose plane is large enough."""
    img = nib.as_closest_canonical(nib.load(str(path)))
    data = np.asarray(img.dataobj, dtype=np.float32)
    while data.ndim > 3:
        data = data[..., 0]
    zooms = img.header.get_zooms()[:3]
    # RAS: axis 0 right, 1 anterior, 2 superior. (orientation, slice axis, row axis, column axis)
    layout = [("axial", 2, 1, 0), ("coronal", 1, 2, 0), ("sagittal", 0, 2, 1)]
    for name, axis, row, col in layout:
        if data.shape[row] < min_side or data.shape[col] < min_side:
            continue
        step = max(1, data.shape[axis] // PLANES_PER_AXIS)
        for k in range(0, data.shape[axis], step):
            # The plane's axes are (column, row) in RAS order: transpose, then put anterior
            # (axial) or superior (coronal, sagittal) at the top.
            image = np.flipud(np.take(data, k, axis=axis).T)
            # square pixels: stretch the coarser axis
            zy, zx = zooms[row], zooms[col]
            shape = (max(1, round(image.shape[0] * zy / min(zy, zx))), max(1, round(image.shape[1] * zx / min(zy, zx))))
            if shape != image.shape:
                image = resize(image, shape, order=1, anti_aliasing=True, preserve_range=True)
            yield name, k, image


def read_cfl(path):
    dims = [int(d) for d in path.with_suffix(".hdr").read_text().splitlines()[1].split()]
    data = np.fromfile(path, dtype=np.complex64).reshape(dims, order="F")
    return np.squeeze(data)


def has_signal(image, volume_level):
    """Not empty or near empty: at least 15 % of the pixels above 10 % of the volume's level."""
    return np.mean(np.abs(image) > 0.1 * volume_level) >= 0.15


def square_of(image):
    """The image zero-padded to a centred square."""
    ny, nx = image.shape
    side = max(ny, nx)
    square = np.zeros((side, side), dtype=image.dtype)
    square[(side - ny) // 2:(side - ny) // 2 + ny, (side - nx) // 2:(side - nx) // 2 + nx] = image
    return square


def resampled(image, shape, anti_aliasing=None):
    """Bilinear resampling of a real or complex image (anti-aliased, by default, when it shrinks)."""
    if anti_aliasing is None:
        anti_aliasing = max(image.shape) > max(shape)
    def fit(real):
        return resize(real, shape, order=1, anti_aliasing=anti_aliasing, preserve_range=True)
    return fit(image.real) + 1j * fit(image.imag) if np.iscomplexobj(image) else fit(image)


def to_matrix(image, matrix, rng):
    """Pads to a square, crops (training: a random 70-100 % square; otherwise all of it),
    resamples to matrix x matrix and (training) rotates by a multiple of 90 degrees and flips."""
    square = square_of(image)
    side = square.shape[0]
    note = "full field"
    if rng is not None:
        crop = int(round(side * rng.uniform(0.7, 1.0)))
        y0, x0 = rng.integers(0, side - crop + 1, size=2)
        square = square[y0:y0 + crop, x0:x0 + crop]
        turns, flip = int(rng.integers(0, 4)), bool(rng.integers(0, 2))
        note = f"crop {crop}/{side} at {y0},{x0}; rot90 x{turns}" + ("; flip" if flip else "")
    out = resampled(square, (matrix, matrix), anti_aliasing=side > matrix)  # the uncropped side decides
    if rng is not None:
        out = np.rot90(out, turns)
        if flip:
            out = np.fliplr(out)
    return np.ascontiguousarray(out), note


def to_fine_matrix(image, matrix, rng=None):
    """The fine twin of a held-out slice: its square field of view at HELD_OUT_FINE_ZOOM x matrix
    (to_matrix's signature; held-out slices get no random augmentation, so rng is unused)."""
    side = int(round(HELD_OUT_FINE_ZOOM * matrix))
    return np.ascontiguousarray(resampled(square_of(image), (side, side))), f"fine: field of view at {side}"


def slices_of(vol, raw, min_side):
    """(orientation, source slice, 2D image) of one source, already filtered for signal."""
    if vol.kind == "jpeg":
        for name in vol.files:
            image = np.asarray(Image.open(raw / vol.source / name).convert("L"), dtype=np.float32)
            if has_signal(image, np.percentile(image, 99)):
                yield "as acquired", name, image
        return
    if vol.kind == "cfl":
        image = read_cfl(raw / vol.source / vol.files[0])
        yield "axial", "-", image
        return
    path = Path(vol.files[0]) if vol.source == "mricron-data" else raw / vol.source / vol.files[0]
    items = list(planes(path, min_side))
    level = np.percentile(np.concatenate([np.abs(i).ravel()[::7] for _, _, i in items]), 99) if items else 0
    for orientation, k, image in items:
        if has_signal(image, level):
            yield orientation, str(k), image


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", type=Path, default=HERE.parent.parent / "shared" / "data-raw")
    ap.add_argument("--out", type=Path, default=HERE / "generated" / "corpus")
    ap.add_argument("--matrix", type=int, default=128)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--min-side", type=int, default=96, help="smallest plane (pixels a side) a volume is sliced in")
    ap.add_argument("--ambient", default=os.environ.get("AMBIENT", str(HERE.parent / "build" / "ambient")))
    ap.add_argument("--manifest", type=Path, help="also write the manifest here (the committed copy)")
    ap.add_argument("--plan-only", action="store_true", help="write the manifest, simulate nothing")
    args = ap.parse_args()
    if not args.raw.is_dir():
        sys.exit(f"error: {args.raw}: no such folder (the real images of ../shared/data-raw/)")
    if not args.plan_only and not os.access(args.ambient, os.X_OK):
        sys.exit(f"error: {args.ambient}: not an executable (build Ambient first: scripts/build.sh)")

    rows, jobs = plan(discover(args.raw), args)
    check_subject_split(rows)
    for path in filter(None, [args.out / "manifest.csv", args.manifest]):
        write_manifest(path, rows)
    summary(rows)
    if not args.plan_only:
        simulate(jobs, args)


def plan(volumes, args):
    """The manifest rows and the simulation jobs (output, image stack, coils, noise, seed): one
    k-space file per subject, contrast and orientation, and a held-out file's fine twin."""
    rows, jobs = [], []
    for vol in volumes:
        groups = {}
        for orientation, where, image in slices_of(vol, args.raw, args.min_side):
            groups.setdefault(orientation, []).append((where, image))
        for orientation, items in groups.items():
            tag = "-".join(filter(None, [vol.subject, vol.contrast, orientation.replace("as acquired", "")]))
            name = "".join(c if c.isalnum() or c in "-_" else "_" for c in tag)
            variants = [(f"{vol.split}/{name}.h5", "full", to_matrix)]
            if vol.split != "train":
                variants.append((f"{vol.split}/{name}-fine.h5", "fine", to_fine_matrix))
            for output, variant, fit in variants:
                seed = int(stable_fraction(f"{args.seed}:{output}") * 2 ** 31)
                rng = np.random.default_rng(seed) if vol.split == "train" else None
                stack = []
                for index, (where, image) in enumerate(items):
                    fitted, note = fit(image, args.matrix, rng)
                    stack.append(fitted)
                    src = where if vol.kind == "jpeg" else vol.files[0]
                    rows.append({"output": output, "index": index, "split": vol.split, "anatomy": vol.anatomy,
                                 "contrast": vol.contrast, "subject": vol.subject, "source": vol.source,
                                 "file": Path(src).name if vol.source == "mricron-data" else src,
                                 "slice": "-" if vol.kind == "jpeg" else where, "orientation": orientation,
                                 "augmentation": note, "licence": vol.licence, "variant": variant})
                choice = np.random.default_rng(seed + 1)
                train = vol.split == "train"
                coils = int(choice.choice(TRAIN_COILS)) if train else HELD_OUT_COILS
                noise = float(np.exp(choice.uniform(*np.log(TRAIN_NOISE)))) if train else HELD_OUT_NOISE
                jobs.append((output, np.stack(stack), coils, noise, seed))
    return rows, jobs


def write_manifest(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".tmp"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    path.with_suffix(".tmp").replace(path)


def simulate(jobs, args):
    """`ambient simulate --random-coils` for every job whose k-space file is not there yet."""
    with tempfile.TemporaryDirectory() as tmp:
        for n, (output, stack, coils, noise, seed) in enumerate(jobs, 1):
            target = args.out / output
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            npy = Path(tmp) / "stack.npy"
            np.save(npy, stack.astype(np.complex64 if np.iscomplexobj(stack) else np.float32))
            done = subprocess.run([args.ambient, "--quiet", "simulate", str(npy), "--coils", str(coils),
                                   "--random-coils", "--noise", f"{noise:.5f}", "--seed", str(seed), "-o", str(target)],
                                  capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"error: simulating {target} failed: {done.stderr.strip()}")
            print(f"[{n}/{len(jobs)}] {output}: {len(stack)} slices, {coils} coils, noise {noise:.4f}", flush=True)


def check_subject_split(rows):
    where = {}
    for r in rows:
        where.setdefault(r["subject"], set()).add(r["split"])
    mixed = {s: sp for s, sp in where.items() if len(sp) > 1}
    if mixed:
        sys.exit(f"error: subjects in two splits: {mixed}")


def summary(rows):
    table = {}
    twins = sum(r["variant"] == "fine" for r in rows)
    for r in rows:
        if r["variant"] == "fine":
            continue
        key = (r["split"], r["anatomy"])
        slices, subjects = table.get(key, (0, set()))
        subjects.add(r["subject"])
        table[key] = (slices + 1, subjects)
    for (split, anatomy), (slices, subjects) in sorted(table.items()):
        print(f"{split:5s} {anatomy:13s} {len(subjects):4d} subjects {slices:5d} slices")
    print(f"and the fine twins of the held-out files: {twins} slices")


if __name__ == "__main__":
    main()
