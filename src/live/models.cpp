#include "live/models.h"

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

namespace ekyc::live {
namespace {

Result<double> RunOne(infer::Session& s, const infer::ModelInfo& info, const cv::Mat& bgr,
                      const cv::Rect2f& box) {
  const float cx = box.x + box.width / 2, cy = box.y + box.height / 2,
              side = 1.3f * std::max(box.width, box.height);
  cv::Rect r(static_cast<int>(cx - side / 2), static_cast<int>(cy - side / 2),
             static_cast<int>(side), static_cast<int>(side));
  cv::Mat padded;  // pad with edge pixels when the enlarged box leaves the frame
  const int pad = static_cast<int>(side);
  cv::copyMakeBorder(bgr, padded, pad, pad, pad, pad, cv::BORDER_REPLICATE);
  r.x += pad;
  r.y += pad;
  r &= cv::Rect(0, 0, padded.cols, padded.rows);
  const int h = info.input_shape[2], w = info.input_shape[3];
  cv::Mat blob =
      cv::dnn::blobFromImage(padded(r), 1.0 / 255.0, cv::Size(w, h), cv::Scalar(), /*swapRB=*/true,
                             /*crop=*/false, CV_32F);
  EKYC_ASSIGN_OR_RETURN(auto outs, s.Run(info.id, blob));
  if (outs.empty() || outs[0].total() < 1)
    return Internal("live.model_output", "model " + info.id + " returned no output");
  return static_cast<double>(outs[0].ptr<float>()[0]);
}

}  // namespace

SpoofModels::SpoofModels(std::shared_ptr<const infer::ModelSet> set) : set_(set), session_(set) {
  has_antispoof_ = set_ && set_->Has("antispoof");
  has_liveness_ = set_ && set_->Has("liveness");
}

Result<ModelScores> SpoofModels::Score(const cv::Mat& bgr, const cv::Rect2f& box) {
  ModelScores out;
  if (bgr.channels() != 3) return out;
  if (has_antispoof_) {
    EKYC_ASSIGN_OR_RETURN(auto info, set_->Info("antispoof"));
    EKYC_ASSIGN_OR_RETURN(double v, RunOne(session_, info, bgr, box));
    out.antispoof_real = v;
  }
  if (has_liveness_) {
    EKYC_ASSIGN_OR_RETURN(auto info, set_->Info("liveness"));
    EKYC_ASSIGN_OR_RETURN(double v, RunOne(session_, info, bgr, box));
    out.liveness_live = v;
  }
  return out;
}

}  // namespace ekyc::live
