#!/bin/sh
# Liveness evaluation: generate the synthetic attacks and bona fide variants (once; deterministic),
# report APCER per attack type and BPCER on the genuine dev clips (and their low-quality variants)
# at the built-in threshold, then the single-photo (passive) check, then the two real replays.
# Usage: tools/live/eval.sh [BUILD_DIR]   (default build-live; needs target ekyc-live built)
# The re-encoding trace study (tools/live/reencode_study.py) runs on the same list.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build-live}
SHARED=${EKYC_SHARED_DATA:-$ROOT/../shared/data}
OUT=$BUILD/live-attacks
PHOTO=$BUILD/live-photo
/usr/bin/python3 "$ROOT/tools/live/gen_attacks.py" --shared "$SHARED" --out "$OUT" --photo-out "$PHOTO" >/dev/null
"$BUILD/ekyc-live" live eval "$OUT/list.csv" --details "$OUT/details.jsonl"
"$BUILD/ekyc-live" live eval "$PHOTO/list.csv" --details "$PHOTO/details.jsonl"
# The two real screen-replay clips of the dev set, reported apart from the synthetic types.
awk -F, -v d="$SHARED/face-videos-dev" 'NR>1 && $2=="replay" {print d"/"$1",replay,real_replay"}' \
  "$SHARED/face-videos-dev/labels.csv" > "$OUT/real_replays.csv"
"$BUILD/ekyc-live" live eval "$OUT/real_replays.csv"
