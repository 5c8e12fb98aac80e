#include "live/track.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <thread>

#include "live/thresholds.h"
#include "live/util.h"

namespace ekyc::live {
namespace {

float IoU(const cv::Rect2f& a, const cv::Rect2f& b) {
  const float inter = (a & b).area();
  const float uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0.f;
}

struct TrackPart {
  int full_frames = 0;
  int multi = 0;
  int with_face = 0;
};

// Tracks the main face over samples [k0, k1), filling t.has[k] / t.face[k].
Result<TrackPart> TrackRange(LandmarkDetector& detector, const std::vector<cv::Mat>& frames,
                             FaceTrack& t, int k0, int k1) {
  using thresholds::kOtherFaceMinWidth;
  TrackPart part;
  std::optional<cv::Rect2f> prev;
  bool lost = false;  // the previous sample had no face: search the whole next frame
  for (int k = k0; k < k1; ++k) {
    // Full-frame detection on every fourth sample (and whenever the face was lost) is what finds a
    // second person; in between, the face is re-detected only near where it was, which is far
    // cheaper on 720p frames. Once a face is tracked, only faces at least half its width matter.
    const cv::Mat& frame = frames[t.frame_of[k]];
    const bool full = !prev || lost || k % 4 == 0;
    std::vector<FaceLandmarks> faces;
    if (!full) {
      const cv::Rect roi = ClipRect(cv::Rect2f(prev->x - prev->width, prev->y - prev->height,
                                               3 * prev->width, 3 * prev->height),
                                    frame.size());
      if (roi.width >= 32 && roi.height >= 32) {
        EKYC_ASSIGN_OR_RETURN(
            faces, detector.Detect(frame(roi), kOtherFaceMinWidth * prev->width, frame.rows));
        for (auto& f : faces) {
          f.box.x += roi.x;
          f.box.y += roi.y;
          for (auto& q : f.pts)
            q += cv::Point2f(static_cast<float>(roi.x), static_cast<float>(roi.y));
        }
      }
    }
    if (full || faces.empty()) {
      const float min_w = prev ? kOtherFaceMinWidth * prev->width : 0.f;
      EKYC_ASSIGN_OR_RETURN(faces, detector.Detect(frame, min_w));
      ++part.full_frames;
    }
    if (faces.empty()) {
      lost = true;
      continue;
    }
    lost = false;
    size_t main = 0;  // largest, or the one overlapping the previous main face
    if (prev) {
      float best = -1.f;
      for (size_t i = 0; i < faces.size(); ++i) {
        const float o = IoU(faces[i].box, *prev);
        if (o > best) {
          best = o;
          main = i;
        }
      }
      if (best < 0.05f) main = 0;
    }
    int others = 0;
    for (size_t i = 0; i < faces.size(); ++i) {
      if (i != main && faces[i].box.width >= kOtherFaceMinWidth * faces[main].box.width) ++others;
    }
    if (others > 0) ++part.multi;
    t.has[k] = 1;
    t.face[k] = faces[main];
    prev = faces[main].box;
    ++part.with_face;
  }
  return part;
}

}  // namespace

Result<FaceTrack> TrackFace(const std::vector<cv::Mat>& frames, double fps, int max_frames,
                            int motion_frames, LandmarkDetector& detector,
                            LandmarkDetector* helper) {
  if (frames.size() < 5) {
    return InvalidArgument("live.too_few_frames",
                           "the selfie video has " + std::to_string(frames.size()) +
                               " frames; at least 5 are needed (record 2-5 s)");
  }
  if (!(fps > 0.0) || !std::isfinite(fps)) {
    return InvalidArgument("live.bad_fps", "the video frame rate must be positive");
  }
  FaceTrack t;
  auto spread = [](int n, int m) {
    std::vector<int> out(m);
    for (int k = 0; k < m; ++k)
      out[k] = m == 1 ? 0 : static_cast<int>(std::lround(k * (n - 1.0) / (m - 1.0)));
    return out;
  };
  const int n = static_cast<int>(frames.size());
  const int u = std::min(n, std::max(5, max_frames));
  t.used = spread(n, u);
  t.used_fps = n > 1 ? fps * (u - 1.0) / (n - 1.0) : fps;
  const int m = std::min(u, std::max(5, motion_frames));
  t.used_pos = spread(u, m);
  t.frame_of.resize(m);
  for (int k = 0; k < m; ++k) t.frame_of[k] = t.used[t.used_pos[k]];
  t.fps = u > 1 ? t.used_fps * (m - 1.0) / (u - 1.0) : t.used_fps;
  t.has.assign(m, 0);  // char, not bool: the two halves write disjoint elements concurrently
  t.face.resize(m);

  // Two fixed halves (the second on the helper thread when there is one): the split does not
  // depend on the thread count, so neither does the result.
  const int split = m >= 12 ? static_cast<int>(std::lround(m / 8.0)) * 4 : m;
  Result<TrackPart> second = TrackPart{};
  {
    std::jthread worker;
    if (helper != nullptr && split < m)
      worker = std::jthread([&] { second = TrackRange(*helper, frames, t, split, m); });
    auto first = TrackRange(detector, frames, t, 0, split);
    if (worker.joinable())
      worker.join();
    else if (split < m)
      second = TrackRange(detector, frames, t, split, m);
    EKYC_RETURN_IF_ERROR(first.status());
    EKYC_RETURN_IF_ERROR(second.status());
    t.searched_full = first->full_frames + second->full_frames;
    t.multi_face = first->multi + second->multi;
    t.with_face = first->with_face + second->with_face;
  }
  for (int k = 0; k < m; ++k)
    if (t.has[k]) t.tracked.push_back(k);
  return t;
}

Status FollowBetweenSamples(const std::vector<cv::Mat>& frames, FaceTrack& t,
                            LandmarkDetector& detector, LandmarkDetector* helper) {
  const int u = static_cast<int>(t.used.size());
  t.dense_has.assign(u, 0);
  t.dense.assign(u, FaceLandmarks{});
  // For each used frame: the motion samples at or before and at or after it.
  std::vector<int> todo;  // positions in `used` to fit
  std::vector<std::pair<int, int>> around(u, {-1, -1});
  for (int k = 0; k < t.samples(); ++k) {
    if (t.has[k]) {
      t.dense_has[t.used_pos[k]] = 1;
      t.dense[t.used_pos[k]] = t.face[k];
    }
  }
  for (int k = 0; k + 1 < t.samples(); ++k) {
    // Only between two samples that both have the face: a gap means the face may have left.
    if (!t.has[k] || !t.has[k + 1]) continue;
    for (int p = t.used_pos[k] + 1; p < t.used_pos[k + 1]; ++p) {
      around[p] = {k, k + 1};
      todo.push_back(p);
    }
  }
  auto fit = [&](LandmarkDetector& det, size_t i0, size_t i1) -> Status {
    for (size_t i = i0; i < i1; ++i) {
      const int p = todo[i];
      const auto [a, b] = around[p];
      const double w = static_cast<double>(p - t.used_pos[a]) / (t.used_pos[b] - t.used_pos[a]);
      const cv::Rect2f& ba = t.face[a].box;
      const cv::Rect2f& bb = t.face[b].box;
      const auto mix = [w](float x, float y) { return static_cast<float>((1 - w) * x + w * y); };
      const cv::Rect2f box(mix(ba.x, bb.x), mix(ba.y, bb.y), mix(ba.width, bb.width),
                           mix(ba.height, bb.height));
      EKYC_ASSIGN_OR_RETURN(t.dense[p], det.Fit(frames[t.used[p]], box));
      t.dense_has[p] = 1;
    }
    return Status::Ok();
  };
  const size_t half = helper != nullptr ? todo.size() / 2 : todo.size();
  Status second = Status::Ok();
  {
    std::jthread worker;
    if (helper != nullptr) worker = std::jthread([&] { second = fit(*helper, half, todo.size()); });
    EKYC_RETURN_IF_ERROR(fit(detector, 0, half));
  }
  return second;
}

Status RefuseUnusableTrack(const FaceTrack& t) {
  using namespace thresholds;
  const int m = t.samples();
  if (t.multi_face >= std::max(kMultiFaceMinFrames,
                               static_cast<int>(std::ceil(kMultiFaceShare * t.searched_full)))) {
    return InvalidArgument("live.multiple_faces",
                           "more than one face is visible in " + std::to_string(t.multi_face) +
                               " of " + std::to_string(t.searched_full) +
                               " searched frames; only the applicant may be in the video");
  }
  if (t.with_face < std::max(3, static_cast<int>(std::ceil(kNoFaceShare * m)))) {
    return InvalidArgument(
        "live.no_face", "no face was found in " + std::to_string(m - t.with_face) + " of " +
                            std::to_string(m) + " sampled frames; face the camera in good light");
  }
  int gap = 0, longest_gap = 0;
  for (int k = 0; k < m; ++k) {
    gap = t.has[k] ? 0 : gap + 1;
    longest_gap = std::max(longest_gap, gap);
  }
  const double duration = m / t.fps;
  const double gap_s = longest_gap / t.fps;
  if (t.with_face < static_cast<int>(std::ceil(kFaceLostShare * m)) ||
      gap_s > std::max(kFaceLostMinGapSeconds, kFaceLostGapShare * duration)) {
    return InvalidArgument("live.face_lost", "the face left the frame for " + Fmt(gap_s, 1) +
                                                 " s (found in " + std::to_string(t.with_face) +
                                                 " of " + std::to_string(m) +
                                                 " sampled frames); keep the face in view");
  }
  return Status::Ok();
}

}  // namespace ekyc::live
