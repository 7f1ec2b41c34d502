"""The corpus's training files whose every slice has a licence that allows redistribution and
commercial use (the manifest's licence column): what a prior Ambient ships may learn from.
Used by scripts/reproduce-corpus-results.sh (`open`) and scripts/gpu-host/pack_corpus_stacks.py."""
import csv

OPEN_LICENCES = {"BSD-2-Clause", "BSD-3-Clause", "MIT", "CC BY 4.0", "CC BY-SA 3.0", "GPL-3.0"}


def open_training_files(manifest):
    """The manifest's training outputs (e.g. 'train/colin27-T1-axial.h5'), sorted, whose slices
    are all openly licensed; the others (non-commercial, research use only, unverified) stay out."""
    licences = {}
    with open(manifest, newline="") as f:
        for row in csv.DictReader(f):
            if row["split"] == "train":
                licences.setdefault(row["output"], set()).add(row["licence"])
    return sorted(output for output, found in licences.items() if found <= OPEN_LICENCES)
