#!/usr/bin/env bash
# On a GPU host, with .gpu/ from scripts/gpu-host/pack.sh beside the repository: installs the
# carried Debian libraries (never over the image's own files), builds Ambient with CUDA
# (scripts/build-cuda.sh), simulates the open-licence training files from the packed stacks,
# and trains until DEADLINE seconds after the start: the default prior
# (data-samples/priors/corpus-open-ambient-r2.pt) continued with its own objective and masks, or
# with NETWORK a new network from scratch with the same. The prior and the training log are
# written to OUT. Every stage a warm host has already done is kept (the build, the corpus, the
# coil-map cache, the run, which resumes): calling it again on the same machine trains on.
# Environment: OUT (results; the device tool sets it), DEADLINE (540), BATCH (32), LR (2e-4 for the
#   default prior, 1e-3 for a new network), NETWORK (cpu, gpu or a UNetConfig JSON: train that
#   from scratch), AMBIENT (an ambient binary to use instead of building one), DEVICE (cuda),
#   PYTHON (python3), COUNT (only the first COUNT training files: a quick check).
# Measured on an H200 (16 cores, docs/benchmarks-gpu.md): build 77-117 s, corpus 11 s, coil maps
# 48 s; ambient objective, batch 32, bfloat16: 315-336 images/s with the CPU preset, 172 with the
# GPU preset.
set -uo pipefail
cd "$(dirname "$0")/../.."
t0=$SECONDS
deadline=${DEADLINE:-540}
out=${OUT:?OUT: the folder for results}
say() { echo "[$((SECONDS - t0)) s] $*"; }
left() { echo $((deadline - (SECONDS - t0))); }
say "host: $(nvidia-smi -L 2>/dev/null | head -1); $(g++ --version | head -1)"
A=${AMBIENT:-/tmp/build-cuda/ambient}
if [ ! -x "$A" ]; then
  say "libraries"
  mkdir -p /tmp/devroot && tar -xJf .gpu/devroot.tar.xz -C /tmp/devroot || exit 1
  cp -rn /tmp/devroot/usr/. /usr/ 2>/dev/null; ldconfig
  # spdlog 1.10 is built on fmt 9; the pip LibTorch ships newer fmt headers, which -isystem
  # would put first: -I puts Debian's ahead of them.
  mkdir -p /tmp/fmt9 && cp -r /tmp/devroot/usr/include/fmt /tmp/fmt9/
  say "build"
  if ! BUILD_DIR=/tmp/build-cuda bash scripts/build-cuda.sh -DAMBIENT_BUILD_TESTS=OFF \
       -DAMBIENT_BUILD_BENCHMARKS=OFF -DCMAKE_CXX_FLAGS=-I/tmp/fmt9 > "$out/build.txt" 2>&1; then
    cmake --build /tmp/build-cuda -- -k 0 >> "$out/build.txt" 2>&1
    grep -m 30 -A4 "error" "$out/build.txt" | cut -c1-400; say "build failed"; exit 1
  fi
fi
data=/tmp/corpus
masks=(--objective ambient --mask random --accel 2 --acs 12)   # the default prior's own
if [ ! -f /tmp/corpus.done ]; then
  say "corpus"
  mkdir -p $data
  "${PYTHON:-python3}" scripts/gpu-host/unpack_corpus_stacks.py .gpu/corpus.npz .gpu/corpus.json /tmp/stacks $data \
    ${COUNT:-} > /tmp/simulate.txt || exit 1
  # One thread each: 16 processes of 16 OpenMP threads took 322 s instead of seconds.
  OMP_NUM_THREADS=1 xargs -P "$(nproc)" -L 1 sh -c \
    "$A --quiet simulate \$0 --coils \$1 --random-coils --noise \$2 --seed \$3 -o \$4" < /tmp/simulate.txt || exit 1
  say "coil maps"   # the trainer prepares files one after another: one process per file fills the cache
  ls $data/*.h5 | OMP_NUM_THREADS=1 xargs -P "$(nproc)" -I{} sh -c \
    "$A --quiet train {} --run /tmp/maps/\$(basename {}) --steps 1 --batch 1 ${masks[*]} --sample-count 1 > /dev/null 2>&1"
  touch /tmp/corpus.done
fi
T=$(( $(left) - 30 ))
[ "$T" -gt 20 ] || { say "no time left to train"; exit 1; }
run=/tmp/run
common=(--run $run "${masks[@]}" --device "${DEVICE:-cuda}" --precision bfloat16 --batch "${BATCH:-32}"
        --steps 10000000 --log-every 100 --checkpoint-every 2000 --sample-every 0)
if [ -n "${NETWORK:-}" ]; then
  train=(train $data --network "$NETWORK")
else
  train=(finetune $data --from data-samples/priors/corpus-open-ambient-r2.pt)
fi
[ -f $run/checkpoint.pt ] && train+=(--resume)   # a second call on a warm host (same NETWORK)
lr=${LR:-$([ -n "${NETWORK:-}" ] && echo 1e-3 || echo 2e-4)}
say "training for $T s: ${train[*]}"
timeout -s INT "$T" $A "${train[@]}" "${common[@]}" --lr "$lr"
cp $run/log.jsonl "$out/log.jsonl"
$A export-prior $run/checkpoint.pt -o "$out/gpu-open-ambient-r2.pt" --force
say "done"
