#!/bin/sh
# Replays of genuine recordings (the `reencode_sharp` clips of gen_attacks.py) checked against
# challenges: every 2- and 3-turn challenge and `blink`. Prints one line per check:
#   CLIP CHALLENGE live observed-actions
# A replay passes a challenge only if the recording happens to contain exactly those turns
# (docs/liveness.md, "Challenge-response").
# Usage: tools/live/challenge_replay.sh [BUILD_DIR] [ATTACKS_DIR]
#   (defaults: build, BUILD_DIR/live-attacks; needs the ekyc-live target and converted models)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
ATTACKS=${2:-$BUILD/live-attacks}
export EKYC_MODEL_DIR=${EKYC_MODEL_DIR:-$BUILD/models}
CHALLENGES="blink"
for a in left right; do
  for b in left right; do
    CHALLENGES="$CHALLENGES $a,$b"
    for c in left right; do CHALLENGES="$CHALLENGES $a,$b,$c"; done
  done
done
for f in "$ATTACKS"/reencode_sharp_*.mp4; do
  for c in $CHALLENGES; do
    r=$("$BUILD/ekyc-live" live check "$f" --challenge "$c" 2>/dev/null |
      /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("live"), d.get("challenge",{}).get("observed"))' || true)
    echo "$(basename "$f") $c $r"
  done
done
