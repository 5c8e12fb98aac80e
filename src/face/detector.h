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
  // Longer side (px) selfies are scaled down to for HOG detection (cost ~ its square).
  void set_selfie_detect_side(int px) { selfie_side_ = px; }
  // Longer side of the first (padded) card-portrait pass; later passes are 800 and 1100 px.
  void set_card_detect_side(int px) { card_side_ = px; }
  // 68 landmarks for a face box found by another detector (original-image coordinates).
  Face FitLandmarks(const cv::Mat& bgr, const cv::Rect& box);

 private:
  DlibFaceDetector();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int selfie_side_ = 640;
  int card_side_ = 480;
};

// dlib's own face chip (get_face_chip_details + extract_image_chip: similarity fit of the 68
// points to dlib's mean face, `padding` of the face size on each side), size x size BGR. This is
// the crop dlib's ResNet face descriptor was trained on. Outside the image dlib fills black
// (CropBorder::kBlack); the other borders pad the image first (same resampling, only the fill
// differs). Pure; safe to call from any thread.
cv::Mat DlibFaceChip(const cv::Mat& bgr, const std::vector<cv::Point2f>& pts68, int size,
                     double padding, CropBorder border = CropBorder::kBlack);

}  // namespace ekyc::face
