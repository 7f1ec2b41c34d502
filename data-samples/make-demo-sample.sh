#!/usr/bin/env bash
# Rebuilds dcmqa-t1-axial-8ch.h5, the scan scripts/demo.sh reconstructs: 3 axial slices
# (corpus slices 42, 45, 48: the lateral ventricles up to the vertex) of a real T1 MPRAGE head
# (neurolabusc/dcm_qa_xa30, BSD-2-Clause, see dcmqa-t1-axial-8ch.LICENSE) as the training
# corpus simulates its test subjects: 128 x 128, 8 coils of a random array per slice, smooth
# random phase, noise 0.005, noise scans and the magnitude reference. This subject is in the
# corpus's test split: no prior Ambient ships was trained on it.
# Needs the corpus (data-samples/make-training-corpus.py, from ../shared/data-raw/).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ambient=${AMBIENT:-$here/../build/ambient}
source_file=$here/generated/corpus/test/dcmqa-xa30-T1-axial.h5
[ -f "$source_file" ] || { echo "error: $source_file missing: run data-samples/make-training-corpus.py first" >&2; exit 1; }
"$ambient" convert "$source_file" "$here/dcmqa-t1-axial-8ch.h5" --slices 42:49:3 --force
