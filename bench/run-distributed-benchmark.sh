#!/usr/bin/env bash
# Data-parallel training throughput on this machine: `ambient train` (CPU preset, ambient
# objective, global batch 8, 16 simulated Colin27 slices) as one process and as two
# processes on loopback (Gloo), the same machine's cores split between them, and one
# process on one thread for reference. Prints a
# markdown table of images/s (the global batch's, from rank 0's log) for docs/benchmarks.md.
# Usage: bench/run-distributed-benchmark.sh [BUILD_DIR] (default build/); STEPS (default 40).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
ambient=$build/ambient
steps=${STEPS:-40}
colin=/usr/share/mricron/templates/ch2better.nii.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$ambient" -q simulate "$colin" --matrix 128 --coils 8 --noise 0.005 --orientation axial --slices 150:182:2 \
  -o "$work/data.h5"
train=("$ambient" -q train "$work/data.h5" --cache "$work/cache" --mask random --accel 4 --acs 12 --batch 8
       --log-every 1 --checkpoint-every 100000 --sample-count 1)
"${train[@]}" --run "$work/warm" --steps 1 >/dev/null  # fills the coil-map cache
# images/s over the second half of the run (the first steps warm up allocators and caches)
rate() {
  /usr/bin/python3 -c "
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
tail = lines[len(lines) // 2:]
print('%.2f' % (8 * len(tail) / sum(8 / l['images_per_second'] for l in tail)))" "$1"
}
"${train[@]}" --run "$work/one" --steps "$steps"
OMP_NUM_THREADS=1 "${train[@]}" --run "$work/one-thread" --steps "$steps"
port=$((20000 + RANDOM % 20000))
export MASTER_ADDR=127.0.0.1 MASTER_PORT=$port WORLD_SIZE=2 LOCAL_WORLD_SIZE=2
RANK=0 "${train[@]}" --run "$work/two" --steps "$steps" &
RANK=1 "${train[@]}" --run "$work/two" --steps "$steps"
wait
one=$(rate "$work/one/log.jsonl")
two=$(rate "$work/two/log.jsonl")
single_thread=$(rate "$work/one-thread/log.jsonl")
cores=$(nproc)
echo "| processes | threads each | images/s | vs one process |"
echo "|---|---|---|---|"
echo "| 1 | $cores | $one | 1.00x |"
echo "| 1 | 1 | $single_thread | $(/usr/bin/python3 -c "print('%.2fx' % ($single_thread / $one))") |"
echo "| 2 (Gloo, loopback) | $((cores / 2 > 0 ? cores / 2 : 1)) | $two | $(/usr/bin/python3 -c "print('%.2fx' % ($two / $one))") |"
