#!/bin/sh
# Video liveness speed on the production path (input::DecodeVideo + LivenessChecker::CheckVideo,
# bench/live_bench.cpp) for a 5 s 1280x720 30 fps H.264 selfie clip made from a dev clip, with the
# CNN signals on. Prints the machine's load average before and after, since on a shared machine
# wall times mostly measure the queue for a core (CPU times are steadier).
# Usage: tools/live/speed.sh [BUILD_DIR] [RUNS]   (needs the live_bench target, ffmpeg, models)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
RUNS=${2:-5}
SHARED=${EKYC_SHARED_DATA:-$ROOT/../shared/data}
CLIP=$BUILD/live-speed/d10_720p_5s.mp4
mkdir -p "$BUILD/live-speed"
if [ ! -s "$CLIP" ]; then
  # The 512x512 clip scaled to 720 px high and centred on a 1280x720 frame, first 5 s.
  ffmpeg -nostdin -loglevel error -y -i "$SHARED/face-videos-dev/liveportrait_d10.mp4" -t 5 \
    -vf "scale=720:720,pad=1280:720:280:0" -r 30 -c:v libx264 -crf 20 -pix_fmt yuv420p -an "$CLIP"
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BUILD/bench/live_bench" "$CLIP" --runs "$RUNS" --model-dir "$BUILD/models"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
