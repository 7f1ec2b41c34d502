#!/usr/bin/env python3
"""On the GPU host: writes each packed stack (pack_corpus_stacks.py) as a float32 .npy in
STACKS and prints one line per k-space file to simulate: NPY COILS NOISE SEED OUTPUT.

Usage: unpack_corpus_stacks.py PACK.npz JOBS.json STACKS OUT_DIR [COUNT]
"""
import json
import sys
from pathlib import Path

import numpy as np

npz, jobs, stacks_dir, out_dir = sys.argv[1:5]
count = int(sys.argv[5]) if len(sys.argv) > 5 else None
stacks = np.load(npz)
Path(stacks_dir).mkdir(parents=True, exist_ok=True)
for job in json.loads(Path(jobs).read_text())[:count]:
    npy = Path(stacks_dir) / f"{job['key']}.npy"
    np.save(npy, stacks[job["key"]].astype(np.float32))
    print(npy, job["coils"], job["noise"], job["seed"], Path(out_dir) / Path(job["output"]).name)
