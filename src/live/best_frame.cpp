#include "live/best_frame.h"

#include <cmath>

#include "live/signals.h"
#include "live/util.h"

namespace ekyc::live {

BestFrame PickBestFrame(const std::vector<cv::Mat>& frames, const FaceTrack& t,
                        const std::vector<double>& ear, double open_ear) {
  BestFrame out;
  double best = -1.0;
  const int nt = static_cast<int>(t.tracked.size());
  for (int i = 0; i < nt; ++i) {
    const int k = t.tracked[i];
    const double e = ear[t.used_pos[k]];
    if (std::isfinite(e) && open_ear > 0 && e < 0.85 * open_ear) continue;
    const cv::Mat& frame = frames[t.frame_of[k]];
    const cv::Rect r = ClipRect(t.face[k].box, frame.size());
    if (r.area() <= 0) continue;
    const HeadPose pose = EstimateHeadPose(t.face[k].pts, frame.size());
    const double frontal =
        pose.ok ? std::exp(-(std::abs(pose.yaw_deg) + std::abs(pose.pitch_deg)) / 20.0) : 0.1;
    const double q = Sharpness(Gray(frame(r))) * frontal;
    if (q > best) {
      best = q;
      out.frame_index = t.frame_of[k];
      out.box = r;
    }
  }
  if (out.frame_index < 0 && nt > 0) {
    const int k = t.tracked[nt / 2];
    out.frame_index = t.frame_of[k];
    out.box = ClipRect(t.face[k].box, frames[out.frame_index].size());
  }
  return out;
}

}  // namespace ekyc::live
