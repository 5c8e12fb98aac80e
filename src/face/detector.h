// Internal: dlib HOG frontal face detector + 68-point shape predictor, behind a pimpl so that
// only detector_dlib.cpp compiles dlib's heavy headers.
// Thread-safety: not thread-safe (dlib's detector keeps scratch buffers); one per FaceEngine.
#pragma once

#include <memory>
#include <string>

#include "face/face.h"

namespace ekyc::face {

class DlibFaceDetector {
 public:
  static Result<std::unique_ptr<DlibFaceDetector>> Create(const std::string& shape_predictor_path);
  ~DlibFaceDetector();
  // Faces with landmarks in original-image coordinates, largest first.
  Detection Detect(const cv::Mat& bgr, Source source);
  // 68 landmarks for a face box found by another detector (original-image coordinates).
  Face FitLandmarks(const cv::Mat& bgr, const cv::Rect& box);

 private:
  DlibFaceDetector();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ekyc::face
