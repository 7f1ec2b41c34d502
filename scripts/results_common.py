"""What the results report and the demo share: per-slice reports of `ambient recon --report`
summarised as mean ± std, Markdown tables, and rows of magnitude panels as PNG."""
import csv
import os
import statistics

import h5py
import numpy as np
from PIL import Image, ImageDraw
from scipy.stats import spearmanr


def uncertainty_scores(reference, mean, std, draws):
    """How well one slice's std map says where its mean image is wrong, over the object (reference
    above 5 % of its maximum): Spearman's rank correlation of std and absolute error; its ceiling,
    the correlation were the std exact (each error drawn as std * |N(0, 1)| from `draws`, a numpy
    Generator: a pixel's error is one draw, so even an exact std cannot rank errors perfectly); the
    median ratio of error to std (0.67 for an exact std); the fraction of errors within 2 std (0.95)."""
    inside = reference > 0.05 * reference.max()
    error = np.abs(np.abs(mean) - reference)[inside]
    std = std[inside]
    exact = std * np.abs(draws.standard_normal(std.size))
    return (spearmanr(std, error).correlation, spearmanr(std, exact).correlation,
            float(np.median(error / np.maximum(std, 1e-12))), float(np.mean(error <= 2 * std)))


def read_rows(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return [r for r in csv.DictReader(f) if r["status"] == "done" and r["psnr_db"]]


def summary(rows):
    """Mean ± std of the per-slice metrics, seconds and network evaluations per slice."""
    if not rows:
        return None
    out = {"n": len(rows)}
    for key in ("psnr_db", "ssim", "nrmse"):
        v = [float(r[key]) for r in rows]
        out[key] = (statistics.mean(v), statistics.stdev(v) if len(v) > 1 else 0.0)
    files = {r["input"]: float(r["seconds"]) for r in rows}  # seconds are per file
    out["seconds"] = sum(files.values()) / len(rows)
    out["evaluations"] = int(float(rows[0]["network_evaluations"] or 0))
    return out


def cell(s, key, digits):
    if s is None:
        return "-"
    m, d = s[key]
    return f"{m:.{digits}f} ± {d:.{digits}f}"


def metric_table(runs, label):
    lines = [f"| {label} | PSNR dB | SSIM | NRMSE | s / slice | network evaluations / slice |",
             "|---|---|---|---|---|---|"]
    for name, s in runs:
        if s is None:
            lines.append(f"| {name} | - | - | - | - | - |")
            continue
        lines.append(f"| {name} | {cell(s, 'psnr_db', 2)} | {cell(s, 'ssim', 4)} | {cell(s, 'nrmse', 4)} | "
                     f"{s['seconds']:.1f} | {s['evaluations']} |")
    return "\n".join(lines)


def to_gray(a, high):
    return Image.fromarray((np.clip(a / high, 0, 1) * 255).astype(np.uint8))


def reference_slice(scan, index):
    """The magnitude reference image `ambient simulate` stores in an ISMRMRD file."""
    with h5py.File(scan) as f:
        return np.abs(f["dataset/reference/data"][index, 0, 0])


def comparison_figure(path, reference, images, std=None):
    """Reference, each (title, image), the std map (x4) and each image's |error| (x2) in one row."""
    high = np.percentile(reference, 99.5)
    panels, titles = [(reference, high)], ["reference"]
    panels += [(np.abs(im), high) for _, im in images]
    titles += [t for t, _ in images]
    if std is not None:
        panels.append((np.abs(std), high / 4))
        titles.append("A-DPS std (x4)")
    panels += [(np.abs(np.abs(im) - reference), high / 2) for _, im in images]
    titles += [f"|error| {t} (x2)" for t, _ in images]
    figure(path, panels, titles)


def figure(path, panels, titles, size=160):
    """One row of magnitude panels, each [H, W] with its own (image, high) window."""
    strip = Image.new("L", (size * len(panels), size + 18), 0)
    draw = ImageDraw.Draw(strip)
    for i, ((image, high), title) in enumerate(zip(panels, titles)):
        strip.paste(to_gray(image, high).resize((size, size), Image.NEAREST), (i * size, 18))
        draw.text((i * size + 4, 3), title, fill=255)
    strip.save(path)
