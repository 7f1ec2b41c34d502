#!/usr/bin/python3
"""Packs the corpus's open-licence training slices for a GPU host that cannot read
../shared/data-raw/: the image stacks that make-training-corpus.py hands to `ambient simulate`
(float16, compressed: about 32 MB for 1354 slices) and each file's simulate arguments, so that
the host simulates the same k-space files (up to float16 rounding of the images).

Usage: pack_corpus_stacks.py OUT.npz OUT.json [--raw ../shared/data-raw]
"""
import argparse
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from open_licences import open_training_files  # noqa: E402


def corpus_recipe():
    spec = importlib.util.spec_from_file_location("corpus", ROOT / "data-samples" / "make-training-corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("npz", type=Path)
    ap.add_argument("jobs", type=Path)
    ap.add_argument("--raw", type=Path, default=ROOT.parent / "shared" / "data-raw")
    args = ap.parse_args()
    recipe = corpus_recipe()
    settings = argparse.Namespace(raw=args.raw, matrix=128, seed=2026, min_side=96)  # the recipe's defaults
    _, jobs = recipe.plan(recipe.discover(args.raw), settings)
    wanted = set(open_training_files(ROOT / "data-samples" / "corpus-manifest.csv"))
    chosen = [j for j in jobs if j[0] in wanted]
    stacks, meta = {}, []
    for i, (output, stack, coils, noise, seed) in enumerate(chosen):
        if np.iscomplexobj(stack):
            raise SystemExit(f"error: {output}: complex stacks are not packed (no open-licence source has them)")
        stacks[f"s{i}"] = stack.astype(np.float16)
        meta.append({"key": f"s{i}", "output": output, "coils": coils, "noise": f"{noise:.5f}", "seed": seed})
    np.savez_compressed(args.npz, **stacks)
    args.jobs.write_text(json.dumps(meta, indent=1))
    print(f"{len(chosen)} files, {sum(len(j[1]) for j in chosen)} slices -> {args.npz}, {args.jobs}")


if __name__ == "__main__":
    main()
