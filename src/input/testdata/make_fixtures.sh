#!/bin/sh
# Regenerates the small video fixtures of input_test with Debian's ffmpeg (5.1). Not run by the
# build: the outputs are committed. Every clip is 64x48 stored, 10 fps, 2 s (20 frames): the left
# half red, the right half green, so the orientation a decoder shows can be read from the colours.
#   rotate-cw90.mp4   display matrix "rotation of -90": shown turned 90° clockwise (how phones
#                     store portrait video); red ends up on top
#   rotate-ccw90.mp4  display matrix "rotation of 90": turned 90° counter-clockwise; red at the bottom
#   rotate-180.mp4    turned upside down; red on the right
#   plain-vp8.webm    the same picture, VP8 in WebM, no rotation
#   plain-mp4v.mp4    the same picture, MPEG-4 part 2 in MP4
set -eu
cd "$(dirname "$0")"
SRC="color=c=red:s=32x48:r=10:d=2[l];color=c=lime:s=32x48:r=10:d=2[r];[l][r]hstack"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ffmpeg -hide_banner -loglevel error -y -filter_complex "$SRC" -c:v libx264 -pix_fmt yuv420p \
  -crf 30 -bitexact "$tmp/plain.mp4"
# ffmpeg 5.1's stream-copy "rotate" value sets the display matrix's counter-clockwise angle.
ffmpeg -hide_banner -loglevel error -y -i "$tmp/plain.mp4" -c copy -metadata:s:v:0 rotate=270 rotate-cw90.mp4
ffmpeg -hide_banner -loglevel error -y -i "$tmp/plain.mp4" -c copy -metadata:s:v:0 rotate=90 rotate-ccw90.mp4
ffmpeg -hide_banner -loglevel error -y -i "$tmp/plain.mp4" -c copy -metadata:s:v:0 rotate=180 rotate-180.mp4
ffmpeg -hide_banner -loglevel error -y -filter_complex "$SRC" -c:v libvpx -b:v 50k -bitexact plain-vp8.webm
# MPEG-4 part 2 ("mp4v"), as OpenCV's writer makes the synthetic liveness attacks (tools/live).
ffmpeg -hide_banner -loglevel error -y -filter_complex "$SRC" -c:v mpeg4 -tag:v mp4v -q:v 8 \
  -bitexact plain-mp4v.mp4
