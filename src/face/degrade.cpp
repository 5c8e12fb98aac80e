#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <vector>

#include "face/face.h"

namespace ekyc::face {

cv::Mat DegradeLikeCardPortrait(const cv::Mat& bgr_in, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  cv::Mat bgr;
  if (bgr_in.channels() == 1)
    cv::cvtColor(bgr_in, bgr, cv::COLOR_GRAY2BGR);
  else
    bgr = bgr_in.clone();

  // 1. The printed portrait is ~2x3 cm; a phone photo with the card filling a 720-1080p guide
  // frame holds ~200-330 px over its height. Go lower (120-220 px) to cover poor captures.
  const int target = 120 + static_cast<int>(u(rng) * 100);
  const double s = static_cast<double>(target) / std::max(bgr.cols, bgr.rows);
  cv::Mat small;
  cv::resize(bgr, small, cv::Size(), s, s, cv::INTER_AREA);

  // 2. Desaturate toward grey with a slight warm/cool print tint and lowered contrast.
  cv::Mat gray, gray3;
  cv::cvtColor(small, gray, cv::COLOR_BGR2GRAY);
  cv::cvtColor(gray, gray3, cv::COLOR_GRAY2BGR);
  const double keep = 0.15 + 0.25 * u(rng);
  cv::Mat mixed;
  cv::addWeighted(small, keep, gray3, 1.0 - keep, 0, mixed);
  const cv::Scalar tint(0.92 + 0.1 * u(rng), 0.97 + 0.05 * u(rng), 1.0 + 0.06 * u(rng));
  const double contrast = 0.7 + 0.2 * u(rng);
  mixed.convertTo(mixed, CV_32FC3);
  mixed = (mixed - cv::Scalar::all(128)) * contrast + cv::Scalar::all(128 + 10 * (u(rng) - 0.3));
  cv::multiply(mixed, tint, mixed);

  // 3. Halftone: a fine periodic dot screen (print) modulating intensity.
  const double period = 2.5 + u(rng);
  const double angle = 0.3 + 0.5 * u(rng);
  const double strength = 10 + 10 * u(rng);
  for (int y = 0; y < mixed.rows; ++y) {
    auto* row = mixed.ptr<cv::Vec3f>(y);
    for (int x = 0; x < mixed.cols; ++x) {
      const double xr = x * std::cos(angle) - y * std::sin(angle),
                   yr = x * std::sin(angle) + y * std::cos(angle);
      const double dot = std::cos(2 * CV_PI * xr / period) * std::cos(2 * CV_PI * yr / period);
      for (int c = 0; c < 3; ++c) row[x][c] += static_cast<float>(strength * dot);
    }
  }

  // 4. Sensor noise and slight defocus of the re-photographed print.
  cv::Mat noise(mixed.size(), CV_32FC3);
  cv::RNG cvrng(static_cast<uint64_t>(rng()));
  cvrng.fill(noise, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(4 + 6 * u(rng)));
  mixed += noise;
  cv::GaussianBlur(mixed, mixed, cv::Size(3, 3), 0.5 + 0.5 * u(rng));
  cv::Mat out8;
  mixed.convertTo(out8, CV_8UC3);

  // 5. Heavy JPEG.
  std::vector<uchar> jpg;
  cv::imencode(".jpg", out8, jpg, {cv::IMWRITE_JPEG_QUALITY, 15 + static_cast<int>(u(rng) * 20)});
  return cv::imdecode(jpg, cv::IMREAD_COLOR);
}

}  // namespace ekyc::face
