// A LandmarkDetector that asks a second detector when dlib's frontal HOG finds no face: BlazeFace
// (MediaPipe's short-range selfie detector, converted model `blazeface-front`), whose box dlib's
// shape predictor then fits. HOG misses dark, low-contrast and partly covered faces (a face mask
// hides the mouth and chin its template expects); BlazeFace, a CNN, finds many of them. The
// model's decoding lives in the face module (face::DetectBlazeFace), shared with the face engine.
#include "face/face.h"
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
  // Empty box when BlazeFace finds no face with thresholds::kFallbackMinScore.
  Result<cv::Rect2f> BlazeFace(const cv::Mat& bgr) {
    EKYC_ASSIGN_OR_RETURN(std::optional<face::BlazeFaceBox> b,
                          face::DetectBlazeFace(session_, model_id_, bgr,
                                                thresholds::kFallbackMinScore, /*min_side=*/16));
    if (!b) return cv::Rect2f();
    return cv::Rect2f(static_cast<float>(b->cx - b->width / 2),
                      static_cast<float>(b->cy - b->height / 2), static_cast<float>(b->width),
                      static_cast<float>(b->height));
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
