// BlazeFace front decoding: the one implementation of the model's input and output conventions,
// used by the face engine's fallback detector and by the liveness tracker's.
#include <cmath>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "face/face.h"

namespace ekyc::face {

// MediaPipe short-range anchors: a 16x16 grid with 2 anchors per cell (512), then an 8x8 grid
// with 6 (384); input 128x128, letterboxed to a square so the face keeps its proportions.
Result<std::optional<BlazeFaceBox>> DetectBlazeFace(infer::Session& session,
                                                    const std::string& model_id,
                                                    const cv::Mat& bgr, double min_score,
                                                    double min_side) {
  cv::Mat bgr3 = bgr;
  if (bgr.channels() == 1)
    cv::cvtColor(bgr, bgr3, cv::COLOR_GRAY2BGR);
  else if (bgr.channels() == 4)
    cv::cvtColor(bgr, bgr3, cv::COLOR_BGRA2BGR);
  const int side = std::max(bgr3.cols, bgr3.rows);
  const int top = (side - bgr3.rows) / 2, left = (side - bgr3.cols) / 2;
  // Letterboxed in black; BORDER_ISOLATED because for a view (ROI) OpenCV would otherwise take the
  // border from the memory around it.
  cv::Mat square;
  cv::copyMakeBorder(bgr3, square, top, side - bgr3.rows - top, left, side - bgr3.cols - left,
                     cv::BORDER_CONSTANT | cv::BORDER_ISOLATED, cv::Scalar::all(0));
  cv::Mat blob = cv::dnn::blobFromImage(square, 1.0 / 127.5, cv::Size(128, 128),
                                        cv::Scalar::all(127.5), true, false);
  EKYC_ASSIGN_OR_RETURN(std::vector<cv::Mat> outs, session.Run(model_id, blob));
  if (outs.size() < 4 || outs[0].total() != 512 || outs[1].total() != 384 ||
      outs[2].total() != 512 * 16 || outs[3].total() != 384 * 16)
    return Internal("face.fallback_detector_failed", "unexpected BlazeFace output shapes");
  int best = -1;
  float best_logit = -1e30f;
  for (int i = 0; i < 896; ++i) {
    const float v = i < 512 ? outs[0].ptr<float>()[i] : outs[1].ptr<float>()[i - 512];
    if (v > best_logit) best_logit = v, best = i;
  }
  const double prob = 1.0 / (1.0 + std::exp(-static_cast<double>(best_logit)));
  if (prob < min_score) return std::optional<BlazeFaceBox>();
  const bool fine = best < 512;
  const int k = fine ? best : best - 512;
  const int grid = fine ? 16 : 8, per_cell = fine ? 2 : 6;
  const int cell = k / per_cell;
  const double ax = (cell % grid + 0.5) / grid, ay = (cell / grid + 0.5) / grid;
  const float* r = (fine ? outs[2].ptr<float>() : outs[3].ptr<float>()) + k * 16;
  const double cx = (ax + r[0] / 128.0) * side - left, cy = (ay + r[1] / 128.0) * side - top;
  const double w = r[2] / 128.0 * side, h = r[3] / 128.0 * side;
  if (w < min_side || h < min_side) return std::optional<BlazeFaceBox>();
  BlazeFaceBox out;
  out.cx = cx;
  out.cy = cy;
  out.width = w;
  out.height = h;
  out.score = prob;
  return std::optional<BlazeFaceBox>(out);
}

}  // namespace ekyc::face
