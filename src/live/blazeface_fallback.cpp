// A LandmarkDetector that asks a second detector when dlib's frontal HOG finds no face: BlazeFace
// (MediaPipe's short-range selfie detector, converted model `blazeface-front`), whose box dlib's
// shape predictor then fits. HOG misses dark, low-contrast and partly covered faces (a face mask
// hides the mouth and chin its template expects); BlazeFace, a CNN, finds many of them.
#include <cmath>
#include <mutex>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "infer/infer.h"
#include "live/landmarks.h"
#include "live/thresholds.h"

namespace ekyc::live {
namespace {

class FallbackDetector final : public LandmarkDetector {
 public:
  FallbackDetector(std::unique_ptr<LandmarkDetector> primary,
                   std::shared_ptr<const infer::ModelSet> models, std::string model_id)
      : primary_(std::move(primary)),
        models_(std::move(models)),
        session_(models_),
        model_id_(std::move(model_id)) {}

  std::unique_ptr<LandmarkDetector> Clone() const override {
    auto p = primary_->Clone();
    if (!p) return nullptr;
    return std::make_unique<FallbackDetector>(std::move(p), models_, model_id_);
  }

  Result<std::vector<FaceLandmarks>> Detect(const cv::Mat& img, float min_face_width,
                                            int full_frame_rows) override {
    EKYC_ASSIGN_OR_RETURN(auto faces, primary_->Detect(img, min_face_width, full_frame_rows));
    // Only whole frames (a crop around the previous face is searched again as a whole frame when
    // it finds nothing) and only when HOG found nothing.
    if (!faces.empty() || full_frame_rows > 0 || img.channels() != 3) return faces;
    EKYC_ASSIGN_OR_RETURN(auto box, BlazeFace(img));
    if (box.area() <= 0 || box.width < min_face_width) return faces;
    EKYC_ASSIGN_OR_RETURN(FaceLandmarks f, primary_->Fit(img, box));
    f.from_fallback = true;
    faces.push_back(f);
    return faces;
  }

  Result<FaceLandmarks> Fit(const cv::Mat& img, const cv::Rect2f& box) override {
    return primary_->Fit(img, box);
  }

 private:
  // Best anchor of BlazeFace front (128x128 input, letterboxed; MediaPipe anchors: a 16x16 grid
  // with 2 anchors per cell, an 8x8 grid with 6). Empty box when its score is under
  // thresholds::kFallbackMinScore.
  Result<cv::Rect2f> BlazeFace(const cv::Mat& bgr) {
    const int side = std::max(bgr.cols, bgr.rows);
    const int top = (side - bgr.rows) / 2, left = (side - bgr.cols) / 2;
    cv::Mat square;
    cv::copyMakeBorder(bgr, square, top, side - bgr.rows - top, left, side - bgr.cols - left,
                       cv::BORDER_CONSTANT, cv::Scalar::all(0));
    cv::Mat blob = cv::dnn::blobFromImage(square, 1.0 / 127.5, cv::Size(128, 128),
                                          cv::Scalar::all(127.5), true, false);
    EKYC_ASSIGN_OR_RETURN(std::vector<cv::Mat> outs, session_.Run(model_id_, blob));
    if (outs.size() < 4 || outs[0].total() != 512 || outs[1].total() != 384 ||
        outs[2].total() != 512 * 16 || outs[3].total() != 384 * 16)
      return Internal("live.fallback_detector", "unexpected BlazeFace output shapes");
    int best = -1;
    float best_logit = -1e30f;
    for (int i = 0; i < 896; ++i) {
      const float v = i < 512 ? outs[0].ptr<float>()[i] : outs[1].ptr<float>()[i - 512];
      if (v > best_logit) best_logit = v, best = i;
    }
    const double prob = 1.0 / (1.0 + std::exp(-static_cast<double>(best_logit)));
    if (prob < thresholds::kFallbackMinScore) return cv::Rect2f();
    const bool fine = best < 512;
    const int k = fine ? best : best - 512;
    const int grid = fine ? 16 : 8, per_cell = fine ? 2 : 6;
    const int cell = k / per_cell;
    const double ax = (cell % grid + 0.5) / grid, ay = (cell / grid + 0.5) / grid;
    const float* r = (fine ? outs[2].ptr<float>() : outs[3].ptr<float>()) + k * 16;
    const double cx = (ax + r[0] / 128.0) * side - left, cy = (ay + r[1] / 128.0) * side - top;
    const double w = r[2] / 128.0 * side, h = r[3] / 128.0 * side;
    if (w < 16 || h < 16) return cv::Rect2f();
    return cv::Rect2f(static_cast<float>(cx - w / 2), static_cast<float>(cy - h / 2),
                      static_cast<float>(w), static_cast<float>(h));
  }

  std::unique_ptr<LandmarkDetector> primary_;
  std::shared_ptr<const infer::ModelSet> models_;
  infer::Session session_;  // one per detector (sessions are not thread-safe), like the detector
  std::string model_id_;
};

}  // namespace

std::unique_ptr<LandmarkDetector> WithFallbackDetector(
    std::unique_ptr<LandmarkDetector> primary, std::shared_ptr<const infer::ModelSet> models,
    const std::string& model_id) {
  if (!models || !models->Has(model_id)) return primary;
  return std::make_unique<FallbackDetector>(std::move(primary), std::move(models), model_id);
}

}  // namespace ekyc::live
