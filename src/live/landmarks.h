// Face detection + 68-point landmarks behind one small interface, so the liveness code does not
// depend on which detector produced them (the dlib implementation lives in dlib_landmarks.cpp;
// the face module's detector can be plugged in by implementing LandmarkDetector).
//
// Thread-safety: a LandmarkDetector instance is NOT thread-safe; use one per worker.
#pragma once

#include <array>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "infer/infer.h"

namespace ekyc::live {

// One detected face in full-frame pixel coordinates, landmarks in the iBUG 68-point order.
struct FaceLandmarks {
  cv::Rect2f box;
  double score = 0.0;  // detector confidence (dlib HOG margin; larger is surer)
  std::array<cv::Point2f, 68> pts{};
  bool from_fallback = false;  // found by the fallback detector, not dlib's HOG
};

class LandmarkDetector {
 public:
  virtual ~LandmarkDetector() = default;
  // Every face found in `bgr_or_gray` (8-bit, 1 or 3 channels), largest first. When
  // `min_face_width` > 0, faces narrower than that (pixels) may be missed, which lets the detector
  // work on a smaller copy (much faster on 720p selfies where the face is large). `full_frame_rows`
  // (when `bgr_or_gray` is a crop) makes the crop use the same detection scale as its full frame,
  // so boxes, and the landmarks fitted from them, do not jump between crop and full detections.
  virtual Result<std::vector<FaceLandmarks>> Detect(const cv::Mat& bgr_or_gray,
                                                    float min_face_width = 0.f,
                                                    int full_frame_rows = 0) = 0;
  // Landmarks for a given face box (no detection). Used to measure how much the landmarks move
  // when only the starting box changes: the landmark noise floor of that frame.
  virtual Result<FaceLandmarks> Fit(const cv::Mat& bgr_or_gray, const cv::Rect2f& box) = 0;
  // An independent detector over the same (read-only) models, for a second analysis thread; null
  // when the implementation cannot be cloned (the checker then runs single-threaded).
  virtual std::unique_ptr<LandmarkDetector> Clone() const { return nullptr; }
};

// dlib HOG frontal detector + shape_predictor_68. Detection runs on a copy scaled so that its
// height is at most `detect_height` (HOG cost grows with pixels), and further down so that a face
// of `min_face_width` still spans the detector's 80-px window; landmarks run at full resolution.
Result<std::unique_ptr<LandmarkDetector>> MakeDlibLandmarkDetector(
    const std::string& shape_predictor_path, int detect_height);

// `primary`, and when it finds no face in a whole frame, BlazeFace (model `model_id` of `models`,
// MediaPipe score >= thresholds::kFallbackMinScore) with `primary`'s landmarks fitted in its box.
// Returns `primary` unchanged when the model set does not hold the model.
std::unique_ptr<LandmarkDetector> WithFallbackDetector(
    std::unique_ptr<LandmarkDetector> primary, std::shared_ptr<const infer::ModelSet> models,
    const std::string& model_id);

}  // namespace ekyc::live
