#include <cmath>
#include <opencv2/imgproc.hpp>

#include "face/face.h"

namespace ekyc::face {
namespace {

constexpr double kPi = 3.14159265358979323846;

double Dist(cv::Point2f a, cv::Point2f b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

// Eye aspect ratio (Soukupova & Cech 2016) over the six points of one eye.
double Ear(const std::vector<cv::Point2f>& p, int s) {
  const double w = Dist(p[s], p[s + 3]);
  if (w < 1e-6) return 0;
  return (Dist(p[s + 1], p[s + 5]) + Dist(p[s + 2], p[s + 4])) / (2.0 * w);
}

}  // namespace

QualityThresholds DefaultThresholds(Source source) {
  // Selfies: eye distance, sharpness and brightness at the level where degraded copies of the
  // East-Asian fit photos stop being matched at 90 % (below 12 px: 86 %; sharpness under 30:
  // 59-88 %; brightness under 25: 88 % and falling). Turned faces up to the landmark estimate's
  // 45 / 40 degrees and faces with closed eyes were matched in that set, so they pass.
  if (source == Source::kSelfie) return {12.0, 30.0, 25.0, 0.0, 45.0, 40.0};
  // The printed card portrait is small, soft and flat-lit: only what no network can use.
  return {12.0, 8.0, 25.0, 0.0, 45.0, 40.0};
}

nlohmann::json Quality::ToJson() const {
  return {{"eye_distance_px", eye_distance_px},
          {"blur_variance", blur_variance},
          {"sharpness", sharpness},
          {"brightness", brightness},
          {"eye_aspect_ratio", eye_aspect_ratio},
          {"yaw_deg", yaw_deg},
          {"pitch_deg", pitch_deg}};
}

Quality MeasureQuality(const std::vector<cv::Point2f>& p, const cv::Mat& aligned_bgr) {
  Quality q;
  if (!aligned_bgr.empty()) {
    cv::Mat gray, lap;
    cv::cvtColor(aligned_bgr, gray, cv::COLOR_BGR2GRAY);
    cv::Laplacian(gray, lap, CV_64F);
    cv::Scalar mean, stddev;
    cv::meanStdDev(lap, mean, stddev);
    q.blur_variance = stddev[0] * stddev[0];
    q.brightness = cv::mean(gray)[0];
    const double k = 128.0 / std::max(q.brightness, 1.0);
    q.sharpness = q.blur_variance * k * k;
  }
  if (p.size() < 68) return q;
  const auto five = ReduceTo5(p);
  q.eye_distance_px = Dist(five[0], five[1]);
  q.eye_aspect_ratio = (Ear(p, 36) + Ear(p, 42)) / 2.0;
  // Pose from landmarks, in a frame rotated so the eyes are level. Approximate: the nose tip
  // sits about 0.55 inter-ocular distances in front of the eye plane, so its sideways offset is
  // ~0.55*tan(yaw); the eye-to-nose / eye-to-mouth height ratio is ~0.5 on frontal faces.
  const cv::Point2f eye_mid = (five[0] + five[1]) * 0.5f, mouth_mid = (five[3] + five[4]) * 0.5f;
  const double roll = std::atan2(five[1].y - five[0].y, five[1].x - five[0].x);
  const double c = std::cos(-roll), s = std::sin(-roll);
  auto rot = [&](cv::Point2f v) { return cv::Point2d(c * v.x - s * v.y, s * v.x + c * v.y); };
  const cv::Point2d nose = rot(five[2] - eye_mid), mouth = rot(mouth_mid - eye_mid);
  if (q.eye_distance_px > 1e-6)
    q.yaw_deg = std::atan(nose.x / q.eye_distance_px / 0.55) * 180.0 / kPi;
  if (mouth.y > 1e-6) {
    const double ratio = nose.y / mouth.y;  // ~0.5 frontal; smaller when looking up
    q.pitch_deg = std::asin(std::clamp((0.5 - ratio) / 0.5, -1.0, 1.0)) * 180.0 / kPi;
  }
  return q;
}

Status CheckQuality(const Quality& q, Source source) {
  const QualityThresholds t = DefaultThresholds(source);
  const std::string where = source == Source::kSelfie ? "selfie" : "card portrait";
  auto fail = [&](const char* reason, const std::string& msg) {
    return InvalidArgument(reason, where + ": " + msg);
  };
  if (q.eye_distance_px < t.min_eye_distance_px)
    return fail("face.too_small", "face too small (eye distance " +
                                      std::to_string(static_cast<int>(q.eye_distance_px)) +
                                      " px, need " +
                                      std::to_string(static_cast<int>(t.min_eye_distance_px)) +
                                      "); move closer or use a higher-resolution image");
  if (q.brightness < t.min_brightness)
    return fail("face.too_dark", "face too dark; use more light");
  if (q.sharpness < t.min_sharpness)
    return fail("face.blurred", "face too blurred; hold the camera still and refocus");
  if (std::abs(q.yaw_deg) > t.max_abs_yaw_deg || std::abs(q.pitch_deg) > t.max_abs_pitch_deg)
    return fail("face.pose", "face not frontal enough; look straight at the camera");
  if (q.eye_aspect_ratio < t.min_eye_aspect_ratio)
    return fail("face.eyes_closed", "eyes appear closed; open your eyes");
  return Status::Ok();
}

}  // namespace ekyc::face
