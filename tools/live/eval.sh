#!/bin/sh
# Liveness evaluation: generate the synthetic attacks (once; deterministic) and report APCER per
# attack type and BPCER on the genuine dev clips at the built-in threshold.
# Usage: tools/live/eval.sh [BUILD_DIR]   (default build-live; needs target ekyc-live built)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build-live}
SHARED=${EKYC_SHARED_DATA:-$ROOT/../shared/data}
OUT=$BUILD/live-attacks
/usr/bin/python3 "$ROOT/tools/live/gen_attacks.py" --shared "$SHARED" --out "$OUT" >/dev/null
"$BUILD/ekyc-live" live eval "$OUT/list.csv" --details "$OUT/details.jsonl"
# The two real screen-replay clips of the dev set, reported apart from the synthetic types.
awk -F, -v d="$SHARED/face-videos-dev" 'NR>1 && $2=="replay" {print d"/"$1",replay,real_replay"}' \
  "$SHARED/face-videos-dev/labels.csv" > "$OUT/real_replays.csv"
"$BUILD/ekyc-live" live eval "$OUT/real_replays.csv"
