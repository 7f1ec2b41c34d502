#!/usr/bin/python3
"""Reconstructs held-out subjects of the training corpus (data-samples/make-training-corpus.py)
with the classical baselines and a diffusion prior, and tabulates PSNR / SSIM per anatomy.

Evaluation slices: of every k-space file of the split (val: choosing defaults; test: reporting),
its middle slice, and for an anatomy with fewer than 8 files also the slices at a quarter and
three quarters. Each becomes a one-slice file (`ambient convert --slices`) under
OUT/slices/ANATOMY/, so one batch run (`ambient recon FOLDER --report`) per method and anatomy
does the work. Masks: 1D random lines with 12 ACS lines at each R, the same mask seed for every
method. cs runs at every lambda of LAMBDAS (its best per anatomy is the baseline) and with
`--lambda auto` (its default). A method already run (its report exists) is not rerun.

--fine evaluates the split's fine twins instead: the same slices with the whole field of view at
224 x 224 (finer pixels, as on scans with a larger matrix than the corpus's 128).
--dataset NAME=FOLDER adds a column of other one-slice k-space files (the real brain, ...);
--bart adds `bart pics` at its best lambda of the same sweep (scripts/bart_peer.py).

Usage: corpus-eval.py [--corpus DIR] [--split test] [--fine] [--out DIR] [--accel 4 8]
         [--method NAME=ARGS ...] [--dataset NAME=FOLDER ...] [--bart]
         e.g. --method 'adps=--method adps --prior p.pt --guidance dc'
"""
import argparse
import csv
import datetime
import json
import os
import shlex
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import h5py
import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from bart_peer import bart_sweep, rss
from results_common import read_rows, summary, uncertainty_scores

ROOT = Path(__file__).resolve().parents[1]
LAMBDAS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05]
FORMER_CS_DEFAULT = 0.005  # cs's fixed default until --lambda auto became it (2026-12-04): a row of its own
FORMER_CS_ROW = f"cs-{FORMER_CS_DEFAULT:g}"


def evaluation_slices(manifest, split, variant="full"):
    counts, anatomy = defaultdict(int), {}
    with open(manifest, newline="") as f:
        for r in csv.DictReader(f):
            if r["split"] == split and r.get("variant", "full") == variant:
                counts[r["output"]] += 1
                anatomy[r["output"]] = r["anatomy"]
    files_of = defaultdict(list)
    for output in sorted(counts):
        files_of[anatomy[output]].append(output)
    picks = []
    for kind, outputs in sorted(files_of.items()):
        for output in outputs:
            n = counts[output]
            chosen = {n // 2} if len(outputs) >= 8 else {n // 4, n // 2, (3 * n) // 4}
            picks += [(kind, output, s) for s in sorted(chosen)]
    return picks


def run(cmd):
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(map(shlex.quote, cmd))}\n{done.stderr[-3000:]}")


def mean_metrics(report):
    """Means over the slices of one report (results_common.summary) in this script's keys."""
    s = summary(read_rows(report))
    return s and {"n": s["n"], "psnr": s["psnr_db"][0], "ssim": s["ssim"][0], "seconds": s["seconds"]}


def kspace_of(ambient, scan, work):
    """The scan's fully sampled k-space [slice, coil, ky, kx] (through `ambient convert`)."""
    npy = work / f"{scan.stem}-kspace.npy"
    if not npy.exists():
        run([ambient, "-q", "convert", str(scan), str(npy), "--force"])
    return np.load(npy)


def reference_of(ambient, scan, work=None):
    """What `ambient recon --reference auto` compares with: the file's own reference image, else
    the root-sum-of-squares image of its fully sampled k-space. [slice, y, x]"""
    with h5py.File(scan) as f:
        if "dataset/reference" in f:
            return np.abs(f["dataset/reference/data"][:, 0, 0])
    return rss(kspace_of(ambient, scan, work or scan.parent))


def bart_best(ambient, slices, accel, work):
    """`bart pics` over the cs sweep on every slice file, undersampled by the mask `ambient recon
    --mask random --accel R --acs 12` draws (`ambient mask`, same seed). {lambda: (mean PSNR,
    mean SSIM)}, scikit-image's metrics with each slice's reference maximum as range."""
    cache = work / "bart.json"
    if cache.exists():
        return {float(k): tuple(v) for k, v in json.loads(cache.read_text()).items()}
    work.mkdir(parents=True, exist_ok=True)
    scores = {lam: [] for lam in LAMBDAS}
    for scan in sorted(slices.glob("*.h5")):
        mask_file = work / f"{scan.stem}-mask.npy"
        run([ambient, "-q", "mask", "--kind", "random", "--accel", f"{accel:g}", "--acs", "12", "--like", str(scan),
             "-o", str(mask_file), "--force"])
        reference = reference_of(ambient, scan, work)
        images = bart_sweep(str(work), kspace_of(ambient, scan, work), np.load(mask_file).astype(np.float32), LAMBDAS)
        for lam, volume in images.items():
            for ref, image in zip(reference, np.abs(volume)):
                scores[lam].append((peak_signal_noise_ratio(ref, image, data_range=ref.max()),
                                    structural_similarity(ref, image, data_range=ref.max())))
    result = {lam: tuple(np.mean(v, axis=0)) for lam, v in scores.items()}
    cache.write_text(json.dumps({str(k): v for k, v in result.items()}))
    return result


def uncertainty_rank_correlation(ambient, slices, run_dir):
    """Mean over slices of Spearman's rank correlation between the samples' std and the mean's
    absolute error over the object, and its ceiling (results_common.uncertainty_scores)."""
    draws = np.random.default_rng(0)
    scores = [uncertainty_scores(reference_of(ambient, scan, run_dir)[0], np.load(run_dir / f"{scan.stem}.npy")[0],
                                 np.load(run_dir / f"{scan.stem}-std.npy")[0], draws)
              for scan in sorted(slices.glob("*.h5"))]
    return statistics.mean(s[0] for s in scores), statistics.mean(s[1] for s in scores)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "data-samples" / "generated" / "corpus")
    ap.add_argument("--split", default="test", choices=["val", "test"])
    ap.add_argument("--out", type=Path)
    ap.add_argument("--accel", type=float, nargs="+", default=[4, 8])
    ap.add_argument("--anatomy", nargs="*", help="only these anatomies")
    ap.add_argument("--method", action="append", default=[], help="NAME=ARGS of `ambient recon`")
    ap.add_argument("--fine", action="store_true",
                    help="the split's fine twins (the field of view at 224 x 224, finer pixels) in place of its files")
    ap.add_argument("--no-cs-sweep", action="store_true")
    ap.add_argument("--dataset", action="append", default=[],
                    help="NAME=FOLDER: another column, the one-slice k-space files in FOLDER (real scans, ...)")
    ap.add_argument("--bart", action="store_true", help="add bart pics at its best lambda of the cs sweep")
    ap.add_argument("--doc", type=Path, help="also write the tables as a Markdown page here")
    ap.add_argument("--title", default="Cross-subject results", help="the page's title (--doc)")
    ap.add_argument("--ambient", default=os.environ.get("AMBIENT", str(ROOT / "build" / "ambient")))
    args = ap.parse_args()
    out = args.out or ROOT / "results" / f"corpus-{args.split}{'-fine' if args.fine else ''}"
    manifest = args.corpus / "manifest.csv"
    if not manifest.exists():
        sys.exit(f"error: {manifest}: no corpus there (data-samples/make-training-corpus.py builds it)")
    variant = "fine" if args.fine else "full"
    picks = [p for p in evaluation_slices(manifest, args.split, variant) if not args.anatomy or p[0] in args.anatomy]
    inputs = evaluation_inputs(args, picks, out)
    anatomies = list(inputs)
    methods = method_options(args)
    table = {}
    for accel in args.accel:
        for name, options in methods.items():
            for kind in anatomies:
                table[(accel, name, kind)] = evaluate(args, options, inputs[kind], out / f"r{accel:g}" / name / kind, accel)
        if args.bart:
            for kind in anatomies:
                sweep = bart_best(args.ambient, inputs[kind], accel, out / f"r{accel:g}" / "bart" / kind)
                lam = max(sweep, key=lambda k: sweep[k][0])
                table[(accel, "bart-best", kind)] = {"psnr": sweep[lam][0], "ssim": sweep[lam][1], "lambda": lam}
    text = write_summary(out, table, args.accel, list(methods), anatomies)
    if args.doc:
        write_doc(args, methods, picks, text + "\n" + standing(table, args.accel, list(methods), anatomies))


def evaluation_inputs(args, picks, out):
    """{column: folder of one-slice k-space files}: each anatomy's picked slices (written once
    with `ambient convert --slices`), then each --dataset."""
    for kind, output, s in picks:
        target = out / "slices" / kind / f"{Path(output).stem}-s{s}.h5"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            run([args.ambient, "-q", "convert", str(args.corpus / output), str(target), "--slices", f"{s}:{s + 1}"])
    inputs = {kind: out / "slices" / kind for kind in sorted({p[0] for p in picks})}
    for spec in args.dataset:
        name, _, folder = spec.partition("=")
        if not sorted(Path(folder).glob("*.h5")):
            sys.exit(f"error: --dataset {spec}: no .h5 k-space files in {folder}")
        inputs[name] = Path(folder)
    return inputs


def method_options(args):
    """{name: `ambient recon` options}: zf, the cs sweep (unless --no-cs-sweep) and cs-auto (cs's
    default), then --method's."""
    methods = {"zf": "--method zf"}
    if not args.no_cs_sweep:
        methods.update({f"cs-l{lam:g}": f"--method cs --lambda {lam:g}" for lam in LAMBDAS})
    methods["cs-auto"] = "--method cs --lambda auto"
    for m in args.method:
        name, _, rest = m.partition("=")
        methods[name] = rest
    return methods


def report_rows(report):
    with open(report, newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


def evaluate(args, options, slices, run_dir, accel):
    """One method on one folder at one R (run once: a report that exists is read), its means."""
    report = run_dir / "report.csv"
    sampling = any(f"--method {m}" in options for m in ("adps", "dps"))
    # A report with fewer rows than slices is the trace of a run that was stopped: run it again.
    if not report.exists() or report_rows(report) < len(list(slices.glob("*.h5"))):
        run_dir.mkdir(parents=True, exist_ok=True)
        extra = ["--uncertainty", str(run_dir / "{name}-std.npy")] if sampling else []
        run([args.ambient, "-q", "recon", str(slices), "-o", str(run_dir / "{name}.npy"), "--report", str(report),
             "--mask", "random", "--accel", f"{accel:g}", "--acs", "12", "--reference", "auto", "--force"]
            + extra + shlex.split(options))
    result = mean_metrics(report)
    if sampling:
        result["spearman"], result["spearman_ceiling"] = uncertainty_rank_correlation(args.ambient, slices, run_dir)
    return result


def standing(table, accels, methods, anatomies):
    """Where each prior method beats cs at its best lambda and where it loses, in words."""
    sweep = [m for m in methods if m.startswith("cs-l")]
    if not sweep:
        return ""
    lines = ["### Where the priors win and lose", ""]
    for m in methods:
        if m == "zf" or m.startswith("cs-"):
            continue
        wins, losses = [], []
        for accel in accels:
            for k in anatomies:
                best = max(table[(accel, c, k)]["psnr"] for c in sweep)
                delta = table[(accel, m, k)]["psnr"] - best
                (wins if delta > 0 else losses).append(f"{k} at R = {accel:g} ({delta:+.2f} dB)")
        lines.append(f"- {m} beats cs at its best lambda on " + (", ".join(wins) or "nothing") +
                     "; it loses on " + (", ".join(losses) or "nothing") + ".")
    return "\n".join(lines) + "\n"


def write_doc(args, methods, picks, text):
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    subjects = len({p[1] for p in picks})
    lines = [f"# {args.title}", "",
             f"Written by `{' '.join(map(shlex.quote, ['scripts/corpus-eval.py'] + sys.argv[1:]))}` "
             f"(do not edit by hand; rerun it) at commit {commit}, {datetime.date.today().isoformat()}.", "",
             f"Data: the {args.split} split of the training corpus (data-samples/make-training-corpus.py, "
             "data-samples/README.md): subjects no prior was trained on, simulated with 8 random-position coils "
             f"and noise 0.005, {'their fine twins, the whole field of view at 224 x 224' if args.fine else '128 x 128'}; "
             f"{len(picks)} slices of {subjects} files. Masks: random lines with "
             "12 ACS lines. Metrics: fastMRI's PSNR and SSIM of the magnitude against the noise-free image, "
             "per slice (its own maximum as range), mean over slices. Methods:", ""]
    lines += [f"- {name}: `ambient recon {options}`" for name, options in methods.items()
              if not name.startswith("cs-l")]
    lines += ["- cs-best: cs at the lambda of the sweep " + ", ".join(f"{lam:g}" for lam in LAMBDAS) +
              " with the best mean PSNR for that anatomy and R; cs-0.005: cs at the fixed lambda "
              f"{FORMER_CS_DEFAULT:g} (the sweep's run; cs's default until 2026-12-04, since then `--lambda auto`, "
              "the cs-auto row)"]
    if args.bart:
        lines += ["- bart-best: `bart ecalib -m1` maps and `bart pics -S -l1 -i 100` on the same undersampled "
                  "k-space at the lambda of the same sweep with the best mean PSNR (scikit-image's PSNR and SSIM, "
                  "each slice's reference maximum as range)"]
    for spec in args.dataset:
        name, _, folder = spec.partition("=")
        lines += [f"- column {name}: the k-space files of {folder}, against their own reference image or, "
                  "where they have none, the root-sum-of-squares image of the fully sampled k-space"]
    lines += ["", text]
    args.doc.write_text("\n".join(lines) + "\n")


def write_summary(out, table, accels, methods, anatomies):
    lines = []
    for accel in accels:
        sweep = [m for m in methods if m.startswith("cs-l")]
        best = {k: max(sweep, key=lambda m: table[(accel, m, k)]["psnr"]) for k in anatomies} if sweep else {}
        lines += [f"### R = {accel:g}", "", "| method | " + " | ".join(anatomies) + " |",
                  "|---|" + "---|" * len(anatomies)]
        shown = [m for m in methods if not m.startswith("cs-l")]
        bart = ["bart-best"] if (accel, "bart-best", anatomies[0]) in table else []
        for m in shown[:1] + (["cs-best", FORMER_CS_ROW] + bart if best else []) + shown[1:]:
            cells = []
            for k in anatomies:
                if m == "cs-best":
                    r = table[(accel, best[k], k)]
                elif m == FORMER_CS_ROW:
                    r = table[(accel, f"cs-l{FORMER_CS_DEFAULT:g}", k)]
                else:
                    r = table[(accel, m, k)]
                text = f"{r['psnr']:.2f} / {r['ssim']:.4f}"
                if m == "cs-best":
                    text += f" (λ {best[k][4:]})"
                elif m == "bart-best":
                    text += f" (λ {r['lambda']:g}; {r['psnr'] - table[(accel, best[k], k)]['psnr']:+.2f})"
                elif best and m not in ("zf", FORMER_CS_ROW):
                    text += f" ({r['psnr'] - table[(accel, best[k], k)]['psnr']:+.2f})"
                if "spearman" in r:
                    text += f", ρ {r['spearman']:.2f} (≤ {r['spearman_ceiling']:.2f})"
                cells.append(text)
            lines.append(f"| {m} | " + " | ".join(cells) + " |")
        n = {k: table[(accel, methods[0], k)]["n"] for k in anatomies}
        lines += ["", "PSNR dB / SSIM, mean over slices (" + ", ".join(f"{k}: {n[k]}" for k in anatomies) +
                  "); in brackets: PSNR against cs at its best lambda; ρ: Spearman correlation of the samples' std "
                  "and the absolute error inside the object (≤: what it would be were the std exact, each pixel's "
                  "error drawn as std · |N(0, 1)|).", ""]
    (out / "summary.md").write_text("\n".join(lines))
    print("\n".join(lines))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
