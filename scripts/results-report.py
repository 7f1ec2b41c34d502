#!/usr/bin/python3
"""Writes docs/results-colin27.md and its figures from what scripts/reproduce-results.sh left in
RESULTS: the per-slice reports of `ambient recon --report` (fastMRI's PSNR, SSIM and NRMSE,
each slice's own maximum as range), the priors' `evaluate-prior` JSON, the reconstructed
arrays (figures) and the finished priors (--prior: their steps). Only numbers found in those
files are printed; a missing run shows as "-". Needs numpy, h5py, Pillow and scikit-image
(Debian's python3-numpy, python3-h5py, python3-pil, python3-skimage)."""
import argparse
import datetime
import json
import os
import platform
import subprocess

import numpy as np
from scipy.ndimage import binary_dilation
from skimage.metrics import structural_similarity

from results_common import cell, comparison_figure, metric_table, read_rows, reference_slice, summary

AMBIENT_PRIORS = ["ambient-r2", "ambient-r4", "ambient-r8"]
CLEAN_PRIORS = ["fs", "l1"]
PRIOR_TEXT = {
    "fs": "clean objective, fully sampled data (FS)",
    "ambient-r2": "ambient objective, R = 2 data only",
    "ambient-r4": "ambient objective, R = 4 data only",
    "ambient-r8": "ambient objective, R = 8 data only",
    "l1": "clean objective on CS reconstructions of the R = 4 data (L1)",
    "tweedie": "Tweedie objective, noisy fully sampled data",
    "noisy-clean": "clean objective on the same noisy data (naive)",
}


def method_names():
    names = ["zf", "sense", "cs"]
    names += [f"aos-{p}" for p in AMBIENT_PRIORS] + [f"adps-{p}" for p in AMBIENT_PRIORS]
    return names + [f"dps-{p}" for p in CLEAN_PRIORS]


def prior_step(ambient, path):
    if path is None:
        return None
    info = json.loads(subprocess.run([ambient, "--json", "info", path], check=True, capture_output=True,
                                     text=True).stdout)
    return info.get("step")


def unequal_steps(steps, a, b):
    """A note for a comparison of two priors trained for different steps, else nothing."""
    if steps.get(a) == steps.get(b):
        return ""
    return f"; {a} trained {steps.get(a) or '-'} steps, {b} {steps.get(b) or '-'}: not equal"


def ssim_inside_outside(results, slices, accel, methods):
    """Each method's SSIM map (fastMRI's: scikit-image, 7 x 7 windows, each slice's own maximum as
    range) averaged inside the head (reference above 5 % of its maximum, grown by 3 pixels) and
    outside it (the 3-pixel border left out, as scikit-image's mean does), mean over slices; a
    method not run is left out."""
    ref_path = f"{results}/data/heldout-{slices}.h5"
    if not os.path.exists(ref_path):
        return {}
    refs = [reference_slice(ref_path, i) for i in range(slices)]
    out = {}
    for name in methods:
        path = f"{results}/recon/R{accel}/{name}.npy"
        if not os.path.exists(path):
            continue
        images = np.abs(np.load(path)).reshape(len(refs), *refs[0].shape)
        inside, outside = [], []
        for ref, image in zip(refs, images):
            _, ssim_map = structural_similarity(ref, image, data_range=ref.max(), full=True)
            head = binary_dilation(ref > 0.05 * ref.max(), iterations=3)
            ssim_map, head = ssim_map[3:-3, 3:-3], head[3:-3, 3:-3]
            inside.append(ssim_map[head].mean())
            outside.append(ssim_map[~head].mean())
        out[name] = (float(np.mean(inside)), float(np.mean(outside)))
    return out


def adps_against_dps(runs, steps, accel, prior, baseline, baseline_text):
    """Whether adps with ambient `prior` beats dps with clean `baseline` at `accel`, in PSNR."""
    amb, base = runs.get((f"adps-{prior}", accel)), runs.get((f"dps-{baseline}", accel))
    if not (amb and base):
        return None
    d = amb["psnr_db"][0] - base["psnr_db"][0]
    return (f"- R = {accel}: adps-{prior} {'beats' if d > 0 else 'does not beat'} dps with {baseline_text} "
            f"({d:+.2f} dB{unequal_steps(steps, prior, baseline)}).")


def high_r_prior_note(runs, denoise, steps):
    """Whether the prior trained on R = 8 data beats the FS prior at R = 6 and 8 and, where it
    does not, the measured reason: its held-out denoising error against the others'."""
    pairs = [(r, runs.get(("adps-ambient-r8", r)), runs.get(("dps-fs", r))) for r in (6, 8)]
    gaps = [(r, amb["psnr_db"][0] - fs["psnr_db"][0]) for r, amb, fs in pairs if amb and fs]
    if not gaps:
        return ""
    if all(d > 0 for _, d in gaps):
        return "- The prior trained on R = 8 data beats the FS prior at high inference R, as Aali et al. (2024) report."
    error = {p: denoise[p][0.2]["prior_nmse"] for p in ("ambient-r8", "ambient-r4", "fs") if 0.2 in denoise.get(p, {})}
    text = ("- **The prior trained on R = 8 data does not beat the FS prior at high inference R** (" +
            ", ".join(f"R = {r}: {d:+.2f} dB" for r, d in gaps) + "), unlike in Aali et al. (2024). Why: "
            "each training slice shows it 16 of 128 k-space lines, 12 of them the ACS block, so 4 lines per "
            "slice (2 once Ã drops more) teach it the image outside the centre of k-space, and in the same "
            "steps it learns a weaker prior")
    if len(error) == 3:
        text += (f": its held-out denoising error at σ = 0.2 is {error['ambient-r8']:.4f} ({steps.get('ambient-r8')} "
                 f"steps), against {error['ambient-r4']:.4f} for the R = 4 prior ({steps.get('ambient-r4')} steps) and "
                 f"{error['fs']:.4f} for the FS prior ({steps.get('fs')} steps; below)")
    return text + "."


def best_of(rows, names, accel, what):
    """Which of the table rows `names` scores the highest mean PSNR at `accel`, against the others."""
    scored = {n: rows[f"{n} R = {accel}"]["psnr_db"][0] for n in names if rows.get(f"{n} R = {accel}")}
    if len(scored) < 2:
        return None
    best = max(scored, key=scored.get)
    others = ", ".join(f"{n} {v:.2f}" for n, v in scored.items() if n != best)
    return f"- R = {accel}: of {what}, {best} does best ({scored[best]:.2f} dB; {others})."


def heldout_figure(results, slices, accel, slice_index, prior, out):
    ref_path = f"{results}/data/heldout-{slices}.h5"
    recon = f"{results}/recon/R{accel}"
    names = {"zf": "zero-filled", "cs": "CS", f"adps-{prior}": "A-DPS"}
    if not os.path.exists(ref_path) or not all(os.path.exists(f"{recon}/{n}.npy") for n in names):
        return False
    images = [(title, np.load(f"{recon}/{n}.npy")[slice_index]) for n, title in names.items()]
    std_path = f"{recon}/adps-{prior}-std.npy"
    std = np.load(std_path)[slice_index] if os.path.exists(std_path) else None
    comparison_figure(out, reference_slice(ref_path, slice_index), images, std)
    return True


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--results", required=True)
    p.add_argument("--doc", required=True)
    p.add_argument("--slices", type=int, required=True)
    p.add_argument("--samples", type=int, required=True)
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--default-steps", type=int, required=True)
    p.add_argument("--finetune-steps", type=int, required=True)
    p.add_argument("--accels", required=True)
    p.add_argument("--ambient", required=True)
    p.add_argument("--default-prior", required=True, choices=AMBIENT_PRIORS,
                   help="the prior `ambient recon --method adps` uses without --prior")
    p.add_argument("--prior", action="append", default=[], metavar="NAME=FILE",
                   help="a finished prior and the file the runs used (its training checkpoint or export)")
    return p.parse_args()


def header(a):
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.machine())
    return [
        "# Results on Colin27: the small in-distribution experiment\n",
        "**The main results, on subjects the priors never saw, are in** [results.md](results.md) "
        "(the held-out test subjects of the varied corpus per anatomy, written by "
        "`scripts/reproduce-corpus-results.sh`). This page is the small in-distribution experiment: "
        "priors trained on one simulated subject (Colin27) and judged on other slices of it, the real "
        "8-coil brain and the knees.\n",
        "Written by `bash scripts/reproduce-results.sh` (do not edit by hand; rerun it). "
        f"Settings: {a.steps} steps of 8 slices per prior ({a.default_steps} for {a.default_prior}, the default "
        f"prior), {a.samples} posterior samples per slice, "
        f"{a.slices} held-out slices, fine-tuning {a.finetune_steps} steps. Report written at commit {commit} "
        "(runs are redone only when missing or older than their prior), "
        f"{os.cpu_count()} CPUs ({cpu}), {datetime.date.today().isoformat()}.\n",
        "Data: the simulated Colin27 sets of `data-samples/make-colin27-training-set.sh` (380 training "
        "slices in three orientations; held out: axial slices of a slab no training slice comes within "
        "5 mm of), 128 x 128, 8 coils. Undersampling: random lines with 12 ACS lines, mask seed 7. "
        "Metrics: fastMRI's PSNR, SSIM and NRMSE of the magnitude per slice (its own maximum as range) "
        "against the noise-free image, mean ± std over slices.\n",
    ]


def priors_section(steps):
    w = ["## Priors\n",
         "A prior is used once it has its steps; until then its rows show \"-\" (the "
         "script resumes its training on the next run), as do the runs a stage has not reached yet "
         "(`reproduce-results.sh recon` redoes only what is missing).\n",
         "| prior | trained on | steps |",
         "|---|---|---|"]
    w += [f"| {name} | {text} | {steps[name] or '-'} |" for name, text in PRIOR_TEXT.items()]
    return w + [""]


def heldout_section(runs, accels):
    w = ["## Held-out simulated slices\n",
         "PSNR dB by method and inference acceleration:\n",
         "| method | " + " | ".join(f"R = {r}" for r in accels) + " |",
         "|---|" + "---|" * len(accels)]
    for name in method_names():
        w.append(f"| {name} | " + " | ".join(cell(runs[(name, r)], "psnr_db", 2) for r in accels) + " |")
    w.append("")
    for r in accels:
        w.append(f"### R = {r}\n")
        w.append(metric_table([(n, runs[(n, r)]) for n in method_names()], "method"))
        w.append("")
    return w


def denoising_errors(res):
    denoise = {}
    for name in PRIOR_TEXT:
        path = f"{res}/denoising/{name}.json"
        if os.path.exists(path):
            denoise[name] = {e["sigma"]: e for e in json.load(open(path))["errors"]}
    return denoise


def findings_section(runs, steps, denoise, default):
    w = ["## What the numbers say\n"]
    # The goal is set for the R = 4 prior; the default prior, when another, is measured beside it.
    for prior in dict.fromkeys(["ambient-r4", default]):
        for r in (8, 4):
            adps, cs = runs.get((f"adps-{prior}", r)), runs.get(("cs", r))
            if adps and cs:
                gain = adps["psnr_db"][0] - cs["psnr_db"][0]
                goal = "goal: at least +1 dB" if r == 8 else "goal: not worse"
                met = gain >= 1 if r == 8 else gain >= 0
                w.append(f"- R = {r}: adps-{prior} minus cs: {gain:+.2f} dB ({goal}: {'met' if met else 'not met'}).")
    w += filter(None, (adps_against_dps(runs, steps, r, prior, "fs", "the FS prior")
                       for r in (6, 8) for prior in AMBIENT_PRIORS))
    if any(runs.get(("dps-fs", r)) for r in (6, 8)):
        # adps refuses a clean prior and dps an ambient one, so each prior runs with its own sampler.
        line = ("- These rows compare prior and sampler together: an ambient prior runs with adps, the FS "
                "prior with dps, as in Aali et al. (2024)")
        ambient_errors = {p: d[0.2]["prior_nmse"] for p, d in denoise.items() if p.startswith("ambient") and 0.2 in d}
        if ambient_errors and 0.2 in denoise.get("fs", {}):
            fs_error = denoise["fs"][0.2]["prior_nmse"]
            best = min(ambient_errors, key=ambient_errors.get)
            line += (f"; the priors alone, by held-out denoising error at σ = 0.2 (below), rank FS "
                     f"{'first' if fs_error < ambient_errors[best] else 'behind ' + best} ({fs_error:.4f} against "
                     f"{ambient_errors[best]:.4f} for {best}, the best ambient prior)")
        w.append(line + ".")
    # The L1 baseline of Aali et al. (2024): a clean prior learned from CS reconstructions of the
    # same R = 4 data the ambient prior learned from directly.
    w += filter(None, (adps_against_dps(runs, steps, r, "ambient-r4", "l1",
                                        "the L1 prior, learned from CS reconstructions of the same R = 4 data")
                       for r in (4, 8)))
    note = high_r_prior_note(runs, denoise, steps)
    if note:
        w.append(note)
    return w + [""]


def regions_section(res, slices, default):
    regions = [(name, r, inside, outside) for r in (4, 8)
               for name, (inside, outside) in ssim_inside_outside(res, slices, r, ["cs", f"adps-{default}", "dps-fs"]).items()]
    if not regions:
        return []
    w = ["SSIM inside and outside the head (why SSIM can rank cs above a method with lower error: "
         "outside the head the reference is nearly zero, so the SSIM map there scores how flat the faint "
         "residuals are rather than how large):\n",
         "| method | R | SSIM inside | SSIM outside |",
         "|---|---|---|---|"]
    w += [f"| {name} | {r} | {inside:.4f} | {outside:.4f} |" for name, r, inside, outside in regions]
    return w + [""]


def denoising_section(denoise, steps):
    w = ["## Held-out denoising error of each prior\n",
         "`ambient evaluate-prior` on the held-out slices: ||D(x + σn) − x||² / ||x||² (an ambient prior "
         "sees the noisy image only through its masks Ã: it is run on 8 draws of Ã, and each k-space line of "
         "its estimate comes from the draws whose Ã kept that line; about a third of the lines no draw keeps "
         "are inpainted, a floor a clean prior does not have, visible at σ = 0.05).\n"]
    if not denoise:
        return w
    sigmas = sorted({s for d in denoise.values() for s in d})
    w.append("| prior | " + " | ".join(f"σ = {s:g}" for s in sigmas) + " |")
    w.append("|---|" + "---|" * len(sigmas))
    first = next(iter(denoise.values()))
    w.append("| noisy input | " + " | ".join(f"{first[s]['input_nmse']:.4f}" for s in sigmas) + " |")
    for name, d in denoise.items():
        w.append(f"| {name} | " + " | ".join(f"{d[s]['prior_nmse']:.4f}" if s in d else "-" for s in sigmas) + " |")
    w.append("")
    if "ambient-r4" in denoise and "fs" in denoise and 0.2 in denoise["fs"]:
        ratio = denoise["ambient-r4"][0.2]["prior_nmse"] / denoise["fs"][0.2]["prior_nmse"]
        w.append(f"Ambient R = 4 over clean (FS) at σ = 0.2: {ratio:.2f} (goal: at most 1.2, for priors of equal "
                 f"steps{unequal_steps(steps, 'ambient-r4', 'fs')}).\n")
    if "tweedie" in denoise and "noisy-clean" in denoise:
        both = [s for s in sigmas if s in denoise["tweedie"] and s in denoise["noisy-clean"]]
        wins = [s for s in both if denoise["tweedie"][s]["prior_nmse"] < denoise["noisy-clean"][s]["prior_nmse"]]
        losses = [s for s in both if s not in wins]
        line = (f"Tweedie against the naive prior on the same noisy data: lower error at σ = "
                f"{', '.join(f'{s:g}' for s in wins) or 'none'}")
        if losses:
            worst = max(denoise["tweedie"][s]["prior_nmse"] / denoise["noisy-clean"][s]["prior_nmse"] - 1
                        for s in losses)
            line += (f"; not lower at σ = {', '.join(f'{s:g}' for s in losses)} (at most {100 * worst:.0f} % "
                     f"higher). The naive prior learned to reproduce its data's noise, which costs it most "
                     f"at small σ")
        w.append(line + ".\n")
    return w


def figures_section(res, slices, default, images_dir):
    w = []
    for r in (8, 4):
        name = f"results-heldout-R{r}.png"
        if heldout_figure(res, slices, r, slices // 2, default, os.path.join(images_dir, name)):
            w.append(f"Held-out slice {slices // 2} at R = {r}, A-DPS with {default} (error maps windowed 2x, "
                     "the std map 4x brighter):\n")
            w.append(f"![held-out R = {r}](images/{name})\n")
    return w


def real_section(res, default):
    w = ["## Real data: the fully sampled 8-coil brain\n"]
    real = [(f"{m} R = {r}", summary(read_rows(f"{res}/recon/real/{m}-R{r}.csv")))
            for r in (4, 8) for m in ["zf", "cs"] + [f"adps-{p}" for p in AMBIENT_PRIORS]]
    if not any(s for _, s in real):
        return w + ["Skipped: `../shared/data-raw/autoespirit-brain-8ch` was absent or the stage did not run.", ""]
    w.append("`../shared/data-raw/autoespirit-brain-8ch/brain_clean` (230 x 180, not in this repository), "
             "retrospectively undersampled; adps with each ambient prior, all trained on Colin27 only "
             f"({default} is the default).\n")
    w.append(metric_table(real, "method"))
    w.append("")
    w += filter(None, (best_of(dict(real), [f"adps-{p}" for p in AMBIENT_PRIORS], r, "the ambient priors")
                       for r in (4, 8)))
    return w + [""]


def knee_section(res, default, finetune_steps):
    w = ["## Fine-tuning on knees\n"]
    knee = [(f"{'adps-' if m in AMBIENT_PRIORS else ''}{m} R = {r}", summary(read_rows(f"{res}/recon/knee/R{r}-{m}.csv")))
            for r in (4, 8) for m in ["zf", "cs"] + AMBIENT_PRIORS + ["tuned"]]
    if not any(s for _, s in knee):
        return w + ["Skipped: `../shared/data-raw/dnlinv-knee-refs` was absent or the stage did not run.", ""]
    w.append("The 20 real knee slices of `../shared/data-raw/dnlinv-knee-refs` resampled to 128 x 128 and "
             f"simulated as 8-coil k-space; the default brain prior ({default}) fine-tuned (`ambient finetune`, ambient "
             f"objective, {finetune_steps} steps) on knees 1-16 at R = 4 (never fully sampled), evaluated on "
             "knees 17-20. adps-ambient-r*: adps with each brain prior, un-tuned; tuned: adps with the fine-tuned default.\n")
    w.append(metric_table(knee, "method"))
    found = dict(knee)
    w.append("")
    w += filter(None, (best_of(found, [f"adps-{p}" for p in AMBIENT_PRIORS], r, "the un-tuned brain priors")
                       for r in (4, 8)))
    for r in (4, 8):
        tuned, brain = found.get(f"tuned R = {r}"), found.get(f"adps-{default} R = {r}")
        if tuned and brain:
            w.append(f"- R = {r}: fine-tuned minus un-tuned: {tuned['psnr_db'][0] - brain['psnr_db'][0]:+.2f} dB "
                     f"(goal: the fine-tuned prior is better: {'met' if tuned['psnr_db'][0] > brain['psnr_db'][0] else 'not met'}).")
    return w + [""]


def main():
    a = parse_args()
    res, default = a.results, a.default_prior
    accels = [int(r) for r in a.accels.split()]
    images_dir = os.path.join(os.path.dirname(os.path.abspath(a.doc)), "images")
    os.makedirs(images_dir, exist_ok=True)
    runs = {(name, r): summary(read_rows(f"{res}/recon/R{r}/{name}.csv")) for name in method_names() for r in accels}
    files = dict(item.split("=", 1) for item in a.prior)
    steps = {name: prior_step(a.ambient, files.get(name)) for name in PRIOR_TEXT}
    denoise = denoising_errors(res)
    w = (header(a) + priors_section(steps) + heldout_section(runs, accels)
         + findings_section(runs, steps, denoise, default) + regions_section(res, a.slices, default)
         + denoising_section(denoise, steps) + figures_section(res, a.slices, default, images_dir)
         + real_section(res, default) + knee_section(res, default, a.finetune_steps))
    with open(a.doc + ".tmp", "w") as f:
        f.write("\n".join(w))
    os.replace(a.doc + ".tmp", a.doc)
    print(f"wrote {a.doc}")


if __name__ == "__main__":
    main()
