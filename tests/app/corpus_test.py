#!/usr/bin/python3
"""The training-corpus recipe (data-samples/make-training-corpus.py) and its committed manifest.

1. The committed manifest splits by subject: no subject in two splits, every anatomy with
   subjects in train and in test, no tumour image within the guard distance of an image of
   another split (their patient ids are lost; consecutive ids are one patient's slices).
2. The recipe end to end on a small tree laid out as ../shared/data-raw/ (NIfTI volumes, JPEG
   slices, complex cfl images, made here): its manifest, and k-space files `ambient info` reads
   with the coils and slices the manifest promises, and the held-out files' fine twins.

Usage: corpus_test.py AMBIENT_BINARY
"""
import csv
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import nibabel as nib
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "data-samples" / "make-training-corpus.py"
MANIFEST = ROOT / "data-samples" / "corpus-manifest.csv"
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


def read_manifest(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def check_split_by_subject(rows, name, anatomies):
    splits = defaultdict(set)
    for r in rows:
        splits[r["subject"]].add(r["split"])
    mixed = {s: v for s, v in splits.items() if len(v) > 1}
    check(not mixed, f"{name}: subjects in two splits: {mixed}")
    files = defaultdict(set)
    for r in rows:
        files[r["output"]].add((r["subject"], r["split"]))
    check(all(len(v) == 1 for v in files.values()), f"{name}: an output file mixes subjects")
    check(all(r["output"].startswith(r["split"] + "/") for r in rows), f"{name}: a file outside its split's folder")
    for anatomy in anatomies:
        for split in ["train", "test"]:
            check(any(r["anatomy"] == anatomy and r["split"] == split for r in rows),
                  f"{name}: no {anatomy} subject in {split}")
    check(all(r["licence"] for r in rows), f"{name}: a row without a licence")


def check_tumour_guard(rows, guard):
    by_class = defaultdict(list)
    for r in rows:
        if r["anatomy"] == "brain-tumour":
            cls, image = r["file"].split("/")
            by_class[cls].append((int(Path(image).stem), r["split"]))
    for cls, items in by_class.items():
        items.sort()
        for (a, sa), (b, sb) in zip(items, items[1:]):
            check(sa == sb or b - a > guard, f"tumour {cls}: ids {a} ({sa}) and {b} ({sb}) are within {guard}")


def make_raw_tree(raw):
    """A few files of each kind the recipe reads, with the folder names of data-raw."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[-1:1:64j, -1:1:64j]
    head = ((yy / 0.8) ** 2 + (xx / 0.7) ** 2 < 1).astype(np.float32)
    for i in range(1, 11):  # ten "lumbar spines", 2D stacks of 6 sagittal slices
        vol = (head[:, :, None] * (100 + 50 * rng.random((64, 64, 6)))).astype(np.uint8)
        (raw / "fastcleverseg-lumbar-spine" / "VB3").mkdir(parents=True, exist_ok=True)
        nib.save(nib.Nifti1Image(vol, np.eye(4)), raw / "fastcleverseg-lumbar-spine" / "VB3" / f"VB3_{i:02d}_centre6.nii.gz")
    vol = np.pad(head, 8)[:, :, None] * np.ones((1, 1, 80), np.float32) * 200  # a 3D knee volume, 80^3
    (raw / "pykneer-knee-dess-cubequant").mkdir(parents=True)
    nib.save(nib.Nifti1Image(vol[:, :, :].astype(np.uint8), np.diag([1, 1, 1, 1.0])),
             raw / "pykneer-knee-dess-cubequant" / "subj01_DESS_echo1_TE7.5_256.nii.gz")
    for cls in ["0_pituitary", "1_meningioma"]:  # tumour JPEGs, ids over several blocks
        (raw / "figshare-cheng-braintumor-t1ce" / cls).mkdir(parents=True)
        for i in range(1, 1000, 9):
            Image.fromarray((head * 180 + rng.random((64, 64)) * 40).astype(np.uint8)).save(
                raw / "figshare-cheng-braintumor-t1ce" / cls / f"{i}.jpg")
    (raw / "dnlinv-knee-refs").mkdir()
    for i in range(1, 11):  # complex knee images in BART's format
        img = (head * np.exp(1j * xx)).astype(np.complex64)
        img.T.tofile(raw / "dnlinv-knee-refs" / f"P{i:02d}.cfl")  # column-major
        (raw / "dnlinv-knee-refs" / f"P{i:02d}.hdr").write_text("# Dimensions\n64 64 1 1\n")


def run_recipe_on_small_tree(ambient):
    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp) / "data-raw", Path(tmp) / "corpus"
        make_raw_tree(raw)
        env = {"COLIN27": str(Path(tmp) / "absent.nii.gz"), "PATH": "/usr/bin:/bin"}
        cmd = ["/usr/bin/python3", str(RECIPE), "--raw", str(raw), "--out", str(out), "--matrix", "32", "--min-side", "48",
               "--ambient", ambient]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        check(done.returncode == 0, f"recipe failed: {done.stderr[-2000:]}")
        if done.returncode != 0:
            return
        rows = read_manifest(out / "manifest.csv")
        check_split_by_subject(rows, "small tree", ["spine", "brain-tumour", "knee"])
        check_tumour_guard(rows, 12)
        check(sum(r["orientation"] == "axial" and r["source"] == "pykneer-knee-dess-cubequant" for r in rows) > 0,
              "the 3D volume gave no axial slices")
        check(not any(r["orientation"] == "coronal" and r["source"] == "fastcleverseg-lumbar-spine" for r in rows),
              "a 2D stack of 6 slices was resliced across its slices")
        per_file = defaultdict(int)
        for r in rows:
            per_file[r["output"]] += 1
        for output, slices in list(per_file.items())[:6]:
            info = json.loads(subprocess.run([ambient, "--json", "info", str(out / output)], capture_output=True,
                                             text=True, check=True).stdout)
            shape = info["shape"]
            check(shape["slices"] == slices, f"{output}: {shape['slices']} slices, the manifest says {slices}")
            held_out = not output.startswith("train/")
            check(not held_out or shape["coils"] == 8, f"{output}: held-out files have 8 coils, not {shape['coils']}")
        # Every held-out file has a fine twin of the same slices, the whole field of view at 1.75 x
        # the matrix (56 for 32); training files have none.
        for output, slices in per_file.items():
            if output.endswith("-fine.h5"):
                continue
            twin = output[:-len(".h5")] + "-fine.h5"
            expected = None if output.startswith("train/") else slices
            check(per_file.get(twin) == expected, f"{output}: its fine twin has {per_file.get(twin)} slices, not {expected}")
            check(all(r["variant"] == ("fine" if r["output"] == twin else "full") for r in rows
                      if r["output"] in (output, twin)), f"{output}: the variant column does not name the twin")
        for output in [o for o in per_file if o.endswith("-fine.h5")][:4]:
            shape = json.loads(subprocess.run([ambient, "--json", "info", str(out / output)], capture_output=True,
                                              text=True, check=True).stdout)["shape"]
            check((shape["ky"], shape["kx"]) == (56, 56), f"{output}: {shape['ky']} x {shape['kx']}, not 56 x 56")
        # A second run keeps what exists and writes the same manifest.
        before = (out / "manifest.csv").read_text()
        again = subprocess.run(cmd, env=env, capture_output=True, text=True)
        check(again.returncode == 0 and (out / "manifest.csv").read_text() == before, "a rerun changed the manifest")
        # A missing raw folder is a clear error, not a traceback.
        bad = subprocess.run(cmd[:3] + [str(Path(tmp) / "nowhere")] + cmd[4:], env=env, capture_output=True, text=True)
        check(bad.returncode != 0 and "nowhere" in bad.stderr and "Traceback" not in bad.stderr,
              f"a missing data folder: {bad.stderr[-500:]}")


def main():
    ambient = sys.argv[1]
    rows = read_manifest(MANIFEST)
    check_split_by_subject(rows, "committed manifest", ["brain", "brain-tumour", "knee", "spine"])
    check_tumour_guard(rows, 12)
    run_recipe_on_small_tree(ambient)
    print("corpus: %d failures" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
