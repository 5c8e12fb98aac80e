#include <cmath>
#include <opencv2/imgproc.hpp>

#include "face/face.h"

namespace ekyc::face {

const std::array<cv::Point2f, 5>& ArcFaceTemplate() {
  static const std::array<cv::Point2f, 5> kTemplate = {
      cv::Point2f(38.2946f, 51.6963f), cv::Point2f(73.5318f, 51.5014f),
      cv::Point2f(56.0252f, 71.7366f), cv::Point2f(41.5493f, 92.3655f),
      cv::Point2f(70.7299f, 92.2041f)};
  return kTemplate;
}

std::array<cv::Point2f, 5> ReduceTo5(const std::vector<cv::Point2f>& p) {
  std::array<cv::Point2f, 5> out{};
  if (p.size() < 68) return out;
  cv::Point2f left(0, 0), right(0, 0);
  for (int i = 36; i < 42; ++i) left += p[i];
  for (int i = 42; i < 48; ++i) right += p[i];
  out[0] = left / 6.0f;
  out[1] = right / 6.0f;
  out[2] = p[30];
  out[3] = p[48];
  out[4] = p[54];
  return out;
}

cv::Mat SimilarityTransform(const std::array<cv::Point2f, 5>& src,
                            const std::array<cv::Point2f, 5>& dst) {
  // Closed-form least squares for x' = a*x - b*y + tx, y' = b*x + a*y + ty (Umeyama in 2-D).
  cv::Point2d ms(0, 0), md(0, 0);
  for (int i = 0; i < 5; ++i) {
    ms += cv::Point2d(src[i]);
    md += cv::Point2d(dst[i]);
  }
  ms /= 5.0;
  md /= 5.0;
  double num_a = 0, num_b = 0, den = 0;
  for (int i = 0; i < 5; ++i) {
    const cv::Point2d s = cv::Point2d(src[i]) - ms, d = cv::Point2d(dst[i]) - md;
    num_a += s.x * d.x + s.y * d.y;
    num_b += s.x * d.y - s.y * d.x;
    den += s.x * s.x + s.y * s.y;
  }
  cv::Mat m = cv::Mat::zeros(2, 3, CV_64F);
  if (den <= 1e-12) return m;
  const double a = num_a / den, b = num_b / den;
  m.at<double>(0, 0) = a;
  m.at<double>(0, 1) = -b;
  m.at<double>(1, 0) = b;
  m.at<double>(1, 1) = a;
  m.at<double>(0, 2) = md.x - (a * ms.x - b * ms.y);
  m.at<double>(1, 2) = md.y - (b * ms.x + a * ms.y);
  return m;
}

int CvBorderType(CropBorder border) {
  switch (border) {
    case CropBorder::kReflect:
      return cv::BORDER_REFLECT_101;
    case CropBorder::kBlack:
    case CropBorder::kNeutral:
      return cv::BORDER_CONSTANT;
    case CropBorder::kReplicate:
      break;
  }
  return cv::BORDER_REPLICATE;
}

cv::Scalar BorderValue(CropBorder border, const cv::Scalar& neutral) {
  return border == CropBorder::kNeutral ? neutral : cv::Scalar::all(0);
}

cv::Mat AlignFace(const cv::Mat& bgr, const std::array<cv::Point2f, 5>& pts5, CropBorder border,
                  int size, double scale, const cv::Scalar& neutral) {
  // The template scaled to the crop size and shrunk about the crop centre.
  std::array<cv::Point2f, 5> dst = ArcFaceTemplate();
  const double k = size / 112.0;
  for (auto& p : dst)
    p = cv::Point2f(static_cast<float>(((p.x - 56.0) * scale + 56.0) * k),
                    static_cast<float>(((p.y - 56.0) * scale + 56.0) * k));
  cv::Mat m = SimilarityTransform(pts5, dst);
  cv::Mat out;
  // kNeutral: the network's input mean (128 is (x - 127.5) / 128 = 0 for MobileFaceNet).
  cv::warpAffine(bgr, out, m, cv::Size(size, size), cv::INTER_LINEAR, CvBorderType(border),
                 BorderValue(border, neutral));
  if (out.channels() == 1)
    cv::cvtColor(out, out, cv::COLOR_GRAY2BGR);
  else if (out.channels() == 4)
    cv::cvtColor(out, out, cv::COLOR_BGRA2BGR);
  return out;
}

}  // namespace ekyc::face
