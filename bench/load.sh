#!/usr/bin/env bash
# Load benchmark of `ekyc serve` on /call/register_ekyc_front_back_face (docs/api.md, "Load
# benchmark"). Self-contained: builds the ekyc target, generates fixed-seed inputs (tools/cardgen
# cards with faces-dev portraits + selfies), starts the server on loopback over HTTPS with a temp
# data dir and fresh API keys, runs bench/load/load.py, stops the server and removes the temp files.
#
# Usage: bench/load.sh [build_dir] [--soak SECONDS]
#   CLIENTS="1 5 10 20"  concurrency levels (closed loop; --soak uses the first, default 5)
#   DURATION=60          seconds per level           WARMUP=10  seconds at 2 clients first
#   EKYC_WORKERS, EKYC_QUEUE, EKYC_OCR_THREADS, ... are passed to the server unchanged
#   EKYC_MODEL_DIR       converted models (default <build>/models, else build/models)
#   SEED=7               input seed                  JSON=FILE  also write the results as JSON
#   INPUTS=DIR           reuse generated inputs      NO_BUILD=1 skip the build   KEEP=1 keep temp dir
#   SERVER_CPUS="0"      pin the server with taskset (e.g. to compare settings on a busy machine)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
shift || true
SOAK=0
if [ "${1:-}" = "--soak" ]; then SOAK=${2:?--soak needs seconds}; fi
PY=/usr/bin/python3

if [ -z "${NO_BUILD:-}" ]; then
  cmake --build "$BUILD" --target ekyc -j "${JOBS:-2}" >/dev/null
fi
BIN=$(realpath "$BUILD/ekyc")
if [ -z "${EKYC_MODEL_DIR:-}" ]; then
  EKYC_MODEL_DIR=$BUILD/models
  [ -d "$EKYC_MODEL_DIR" ] || EKYC_MODEL_DIR=build/models
fi
export EKYC_MODEL_DIR=$(realpath "$EKYC_MODEL_DIR")
[ -d "$EKYC_MODEL_DIR" ] || { echo "load.sh: no models in $EKYC_MODEL_DIR (make models)" >&2; exit 1; }
export EKYC_VN_INDEX=${EKYC_VN_INDEX:-$(realpath "$BUILD/data/vn-admin.tsv")}

WORK=$(mktemp -d /tmp/ekyc-load.XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else echo "load.sh: kept $WORK" >&2; fi
}
trap cleanup EXIT

INPUTS=${INPUTS:-}
if [ -z "$INPUTS" ]; then
  INPUTS=$WORK/inputs
  $PY bench/load/load.py inputs --out "$INPUTS" --seed "${SEED:-7}"
fi

# Fresh data dir and keys: one key per client (the per-key rate limit stays at its default, as
# for separate customers), the first also used for setup.
export EKYC_DATA_DIR=$WORK/data EKYC_HOST=127.0.0.1 EKYC_PORT=0
mkdir -p "$EKYC_DATA_DIR"
chmod 700 "$EKYC_DATA_DIR"
CLIENTS=${CLIENTS:-"1 5 10 20"}
max=0
for c in $CLIENTS; do [ "$c" -gt "$max" ] && max=$c; done
for i in $(seq 1 "$max"); do "$BIN" keys add "load-$i" | tail -n 1; done > "$WORK/keys.txt"

PIN=()
if [ -n "${SERVER_CPUS:-}" ]; then PIN=(taskset -c "$SERVER_CPUS"); fi
"${PIN[@]}" "$BIN" serve > "$WORK/server.out" 2> "$WORK/server.log" &
SERVER_PID=$!
URL=""
for _ in $(seq 1 600); do
  URL=$(sed -n 's/^ekyc .* serving \(https\?:\/\/[^ ]*\).*/\1/p' "$WORK/server.out" | head -n 1)
  [ -n "$URL" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.5
done
[ -n "$URL" ] || { echo "load.sh: the server did not start" >&2; exit 1; }
CERT=$EKYC_DATA_DIR/tls/server.crt
for _ in $(seq 1 120); do
  curl -s -o /dev/null -w '%{http_code}' --cacert "$CERT" "$URL/readyz" | grep -q 200 && break
  sleep 0.5
done
curl -sf --cacert "$CERT" "$URL/readyz" >/dev/null || {
  curl -s --cacert "$CERT" "$URL/readyz" >&2
  exit 1
}
# The re-exec'd server keeps the shell's child pid (execv), so $SERVER_PID is the server.
echo "# server: $(head -n 1 "$WORK/server.out")"
echo "# env: EKYC_WORKERS=${EKYC_WORKERS:-default} EKYC_QUEUE=${EKYC_QUEUE:-default}" \
  "EKYC_OCR_THREADS=${EKYC_OCR_THREADS:-default} SERVER_CPUS=${SERVER_CPUS:-all}" \
  "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src 2>/dev/null || echo '+dirty')"

ARGS=(--url "$URL" --cacert "$CERT" --keys "$WORK/keys.txt" --inputs "$INPUTS" --server-pid "$SERVER_PID"
      --warmup "${WARMUP:-10}")
if [ "$SOAK" != 0 ]; then
  first=$(echo "${CLIENTS_SOAK:-5}" | awk '{print $1}')
  ARGS+=(--soak "$SOAK" --clients "$first")
else
  ARGS+=(--clients "$(echo "$CLIENTS" | tr ' ' ',')" --duration "${DURATION:-60}")
fi
[ -n "${JSON:-}" ] && ARGS+=(--json "$JSON")
$PY bench/load/load.py run "${ARGS[@]}"
