// Video bytes: container sniffing, then probing and decoding in memory with libavformat /
// libavcodec / libswscale (input::VideoDecoder) under the size, duration, frame-size and
// frame-count limits (tighter than the server's defaults, so that each input costs little; the
// checks are the same code).
#include "fuzz/fuzz_target.h"
#include "input/input.h"

EKYC_FUZZ_TARGET(video) {
  ekyc::input::VideoPolicy policy;
  policy.max_bytes = 1 << 20;
  policy.max_duration_s = 2.0;
  policy.max_frames = 4;
  policy.max_frame_pixels = 640 * 480;
  auto clip = ekyc::input::DecodeVideo(ekyc::fuzz::AsView(data, size), policy);
  // The decode pass stops one frame past the limit, and a usable frame rate is above 0.5 fps.
  if (clip.ok() && (clip->frames.size() > 4 || clip->duration_s > policy.max_duration_s + 2.0)) {
    __builtin_trap();
  }
  // Every frame is whole, BGR, within the pixel limit, and all share the clip's size.
  if (clip.ok()) {
    for (const cv::Mat& f : clip->frames) {
      if (f.type() != CV_8UC3 || f.cols != clip->width || f.rows != clip->height ||
          int64_t{f.cols} * f.rows > policy.max_frame_pixels) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
