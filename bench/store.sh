#!/usr/bin/env bash
# Face store benchmark: builds store_bench and runs it for the given sizes and dimensions.
# Usage: bench/store.sh [build_dir] [sizes] [dims]   e.g. bench/store.sh build "100000 1000000" "192 512"
# Extra store_bench options via STORE_BENCH_ARGS (e.g. "--threads 2 --ef 128").
set -euo pipefail
BUILD=${1:-build}
SIZES=${2:-100000}
DIMS=${3:-"192 512"}
cd "$(dirname "$0")/.."
cmake --build "$BUILD" --target store_bench -j "${JOBS:-1}" >/dev/null
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for n in $SIZES; do
  for d in $DIMS; do
    queries=1000
    brute=1000
    if [ "$n" -ge 1000000 ]; then brute=200; fi
    "$BUILD/bench/store_bench" --n "$n" --dim "$d" --queries "$queries" --brute "$brute" ${STORE_BENCH_ARGS:-}
  done
done
