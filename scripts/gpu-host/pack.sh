#!/usr/bin/env bash
# Packs into .gpu/ what a GPU host without network needs to build Ambient and train on the
# open-licence corpus (the device tool's hosts: Ubuntu 24.04, CUDA 13, a pip PyTorch 2.11):
#   devroot.tar.xz          Debian's libraries, headers, CMake configs, pkg-config and h5cc that
#                           such an image lacks (about 13 MB: no docs, no static libraries but
#                           bart's and pugixml's, which CMake configs name)
#   corpus.npz, corpus.json the open-licence training slices and their simulate arguments
# .gpu/ is git-ignored; carry it (device `run` with carry [".gpu"]), then run there
#   bash scripts/gpu-host/train.sh            (docs/training.md, "On a GPU host")
# The working tree that travels must stay under 64 MiB: move every prior but
# corpus-open-ambient-r2.pt and the sample scans (data-samples/*.h5) aside for the call (the
# tracked tree is 89 MB with them, 13 MB without; .gpu/ adds 45 MB).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/.gpu
mkdir -p "$out"
grep -qx "/.gpu/" "$root/.git/info/exclude" 2>/dev/null || echo "/.gpu/" >> "$root/.git/info/exclude"
packages=(
  # what Ambient builds against (cmake/AmbientDependencies.cmake), and the runtime libraries they need
  libhdf5-dev libhdf5-103-1 libhdf5-cpp-103-1 libhdf5-hl-100 libhdf5-hl-cpp-100 hdf5-helpers libaec-dev libaec0 libsz2
  libismrmrd-dev libismrmrd1.8 libpugixml-dev libpugixml1v5
  libfftw3-dev libfftw3-single3 libfftw3-double3 libfftw3-bin
  libspdlog-dev libspdlog1.10 libfmt-dev libfmt9 libcli11-dev nlohmann-json3-dev
  libnifti2-dev libnifti2-2 libnifticdf-dev libniftiio-dev libznz-dev libznz3 libnifticdf2 libniftiio2
  libpng-dev libpng16-16 zlib1g-dev libjpeg-dev libjpeg62-turbo-dev libjpeg62-turbo
  libbart-dev libblas-dev libblas3 libgfortran5 libquadmath0
  libcurl4-openssl-dev libcurl4 libssl-dev libssl3 libbrotli1 libffi8 libgmp10 libgnutls30 libgssapi-krb5-2
  libhogweed6 libidn2-0 libk5crypto3 libkrb5-3 libkrb5support0 libldap-2.5-0 libnettle8 libnghttp2-14
  libp11-kit0 libpsl5 librtmp1 libsasl2-2 libssh2-1 libtasn1-6 libunistring2 libzstd1
  pkgconf pkgconf-bin pkg-config libpkgconf3
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "${packages[@]}" > /dev/null)
mkdir "$work/root"
for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/root"; done
rm -rf "$work"/root/usr/share/{doc,man,locale,lintian,info}
find "$work/root" -name '*.a' ! -path '*/bart/*' ! -name 'libpugixml.a' -delete
tar -cJf "$out/devroot.tar.xz" -C "$work/root" .
/usr/bin/python3 "$root/scripts/gpu-host/pack_corpus_stacks.py" "$out/corpus.npz" "$out/corpus.json"
du -sh "$out"/*
