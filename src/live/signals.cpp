#include "live/signals.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

namespace ekyc::live {
namespace {

double Dist(cv::Point2f a, cv::Point2f b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const size_t k = static_cast<size_t>(std::clamp(q, 0.0, 1.0) * (v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

cv::Point2f Centre(const Landmarks68& p, int from) {
  cv::Point2f c(0, 0);
  for (int i = from; i < from + 6; ++i) c += p[i];
  return c * (1.0f / 6.0f);
}

}  // namespace

double EyeAspectRatio(const cv::Point2f* e) {
  const double w = Dist(e[0], e[3]);
  if (w <= 1e-6) return 0.0;
  return (Dist(e[1], e[5]) + Dist(e[2], e[4])) / (2.0 * w);
}

double MeanEyeAspectRatio(const Landmarks68& p) {
  return 0.5 * (EyeAspectRatio(&p[36]) + EyeAspectRatio(&p[42]));
}

double InterOcular(const Landmarks68& p) {
  return Dist(Centre(p, 36), Centre(p, 42));
}

BlinkStats DetectBlinks(const std::vector<double>& ear, double drop, int max_run) {
  BlinkStats s;
  std::vector<double> valid;
  for (double e : ear)
    if (std::isfinite(e)) valid.push_back(e);
  if (valid.size() < 3) return s;
  s.baseline = Percentile(valid, 0.75);
  if (s.baseline <= 1e-6) return s;
  for (double e : valid) s.min_ratio = std::min(s.min_ratio, e / s.baseline);
  const double closed = s.baseline * (1.0 - drop);
  const double open = s.baseline * (1.0 - drop / 2.0);

  bool seen_open = false;  // eyes were open since the last blink
  size_t i = 0;
  while (i < ear.size()) {
    const double e = ear[i];
    if (!std::isfinite(e)) {
      ++i;
      continue;
    }
    if (e >= open) {
      seen_open = true;
      ++i;
      continue;
    }
    if (e >= closed) {
      ++i;
      continue;
    }
    // Start of a closed run: extend over closed/in-between frames.
    size_t j = i;
    while (j < ear.size() && std::isfinite(ear[j]) && ear[j] < open) ++j;
    const bool open_after = j < ear.size() && std::isfinite(ear[j]) && ear[j] >= open;
    const int run = static_cast<int>(j - i);
    if (seen_open && open_after && run <= max_run) {
      ++s.blinks;
      for (size_t k = i; k < j; ++k) s.closed_frames.push_back(static_cast<int>(k));
    }
    seen_open = false;
    i = j;
  }
  return s;
}

double PlanarResidual(const std::vector<cv::Point2f>& a, const std::vector<cv::Point2f>& b,
                      double norm, size_t first_scored, cv::Mat* h_out) {
  if (a.size() != b.size() || a.size() < 8 || norm <= 0 || first_scored >= a.size()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  // RANSAC threshold: 3% of the inter-ocular distance, about dlib's landmark jitter.
  cv::Mat h = cv::findHomography(a, b, cv::RANSAC, 0.03 * norm, cv::noArray(), 500, 0.995);
  if (h.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::vector<cv::Point2f> proj;
  cv::perspectiveTransform(a, proj, h);
  std::vector<double> r;
  for (size_t i = first_scored; i < a.size(); ++i) r.push_back(Dist(proj[i], b[i]) / norm);
  if (h_out) *h_out = h;
  return Percentile(std::move(r), 0.9);
}

double SimilarityResidual(const std::vector<cv::Point2f>& a, const std::vector<cv::Point2f>& b,
                          double norm, size_t first) {
  if (a.size() != b.size() || a.size() < first + 3 || norm <= 0)
    return std::numeric_limits<double>::quiet_NaN();
  const size_t n = a.size() - first;
  cv::Point2d ca(0, 0), cb(0, 0);
  for (size_t i = first; i < a.size(); ++i) {
    ca += cv::Point2d(a[i].x, a[i].y);
    cb += cv::Point2d(b[i].x, b[i].y);
  }
  ca *= 1.0 / n;
  cb *= 1.0 / n;
  // As complex numbers, b' = z a' with z = sum(conj(a') b') / sum(|a'|^2) (Procrustes).
  double re = 0, im = 0, aa = 0;
  for (size_t i = first; i < a.size(); ++i) {
    const double ax = a[i].x - ca.x, ay = a[i].y - ca.y, bx = b[i].x - cb.x, by = b[i].y - cb.y;
    re += ax * bx + ay * by;
    im += ax * by - ay * bx;
    aa += ax * ax + ay * ay;
  }
  if (aa <= 1e-9) return std::numeric_limits<double>::quiet_NaN();
  re /= aa;
  im /= aa;
  std::vector<double> r;
  r.reserve(n);
  for (size_t i = first; i < a.size(); ++i) {
    const double ax = a[i].x - ca.x, ay = a[i].y - ca.y;
    const double px = re * ax - im * ay + cb.x, py = im * ax + re * ay + cb.y;
    r.push_back(std::hypot(px - b[i].x, py - b[i].y) / norm);
  }
  return Percentile(std::move(r), 0.9);
}

HeadPose EstimateHeadPose(const Landmarks68& p, cv::Size size) {
  // Generic face, x right, y down, z away from the camera (mm-ish units); identity rotation =
  // frontal.
  static const std::vector<cv::Point3f> kModel = {
      {0.f, 0.f, 0.f},          // 30 nose tip
      {0.f, 330.f, 65.f},       // 8 chin
      {-225.f, -170.f, 135.f},  // 36 left eye outer corner (image left)
      {225.f, -170.f, 135.f},   // 45 right eye outer corner
      {-150.f, 150.f, 125.f},   // 48 mouth left
      {150.f, 150.f, 125.f}};   // 54 mouth right
  const std::vector<cv::Point2f> img = {p[30], p[8], p[36], p[45], p[48], p[54]};
  const double f = size.width;
  cv::Matx33d k(f, 0, size.width / 2.0, 0, f, size.height / 2.0, 0, 0, 1);
  cv::Mat rvec, tvec;
  HeadPose out;
  // Start from a frontal pose in front of the camera so the solver does not flip behind it.
  rvec = cv::Mat::zeros(3, 1, CV_64F);
  tvec = (cv::Mat_<double>(3, 1) << 0, 0, f * 500.0 / std::max(1.0, InterOcular(p)));
  if (!cv::solvePnP(kModel, img, k, cv::noArray(), rvec, tvec, true, cv::SOLVEPNP_ITERATIVE))
    return out;
  cv::Mat r;
  cv::Rodrigues(rvec, r);
  cv::Mat mtxR, mtxQ;
  cv::Vec3d euler = cv::RQDecomp3x3(r, mtxR, mtxQ);
  out.pitch_deg = euler[0];
  out.yaw_deg = euler[1];
  out.roll_deg = euler[2];
  out.ok = std::isfinite(out.yaw_deg) && std::isfinite(out.pitch_deg);
  return out;
}

double MoirePeak(const cv::Mat& gray_crop, double* isolation) {
  if (isolation != nullptr) *isolation = 0.0;
  if (gray_crop.empty() || gray_crop.rows < 32 || gray_crop.cols < 32) return 0.0;
  // Native resolution (resampling would move codec block-grid frequencies off their known bins):
  // a centred square whose side is a multiple of 8, at most 256.
  const int kN = std::min(256, std::min(gray_crop.rows, gray_crop.cols) / 8 * 8);
  const cv::Mat g =
      gray_crop(cv::Rect((gray_crop.cols - kN) / 2, (gray_crop.rows - kN) / 2, kN, kN));
  cv::Mat f;
  g.convertTo(f, CV_32F);
  f -= cv::mean(f)[0];
  cv::Mat win;
  cv::createHanningWindow(win, f.size(), CV_32F);
  f = f.mul(win);
  cv::Mat spec;
  cv::dft(f, spec, cv::DFT_COMPLEX_OUTPUT);
  cv::Mat planes[2];
  cv::split(spec, planes);
  cv::Mat power = planes[0].mul(planes[0]) + planes[1].mul(planes[1]);
  // Average 3x3 bins (with wrap-around) so single-bin speckle of a smooth spectrum does not look
  // like a peak.
  cv::Mat padded;
  cv::copyMakeBorder(power, padded, 1, 1, 1, 1, cv::BORDER_WRAP);
  cv::blur(padded, padded, cv::Size(3, 3));
  power = padded(cv::Rect(1, 1, kN, kN)).clone();
  cv::Mat logp;
  cv::log(power + 1e-6f, logp);
  logp *= 0.5f;  // log magnitude

  // Ring statistics over the band 0.12..0.48 of the sampling rate, excluding the two axes
  // (row/column structure such as borders and block edges) and the exact 8-pixel block-grid
  // frequencies of JPEG/video codecs.
  const int rmin = static_cast<int>(0.12 * kN), rmax = static_cast<int>(0.48 * kN);
  std::vector<std::vector<float>> ring(rmax + 1);
  std::vector<std::tuple<int, int, int>> bins;
  const int grid = kN / 8;  // bins per 8-pixel period
  auto on_grid = [grid](int k) {
    const int m = std::abs(k) % grid;
    return m <= 1 || m >= grid - 1;
  };
  for (int v = -kN / 2; v < kN / 2; ++v) {
    for (int u = 0; u < kN / 2; ++u) {  // half plane: the spectrum of a real image is symmetric
      if (std::abs(u) <= 2 || std::abs(v) <= 2) continue;
      if (on_grid(u) || on_grid(v)) continue;
      const int r = static_cast<int>(std::lround(std::hypot(u, v)));
      if (r < rmin || r > rmax) continue;
      ring[r].push_back(logp.at<float>((v + kN) % kN, u));
      bins.emplace_back(u, v, r);
    }
  }
  std::vector<float> med(rmax + 1, 0.f);
  for (int r = rmin; r <= rmax; ++r) {
    auto& v = ring[r];
    if (v.empty()) continue;
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    med[r] = v[v.size() / 2];
  }
  double best = 0.0;
  std::vector<std::pair<float, int>> ranked;  // (height over the ring median, index in bins)
  ranked.reserve(bins.size());
  for (size_t k = 0; k < bins.size(); ++k) {
    const auto& [u, v, r] = bins[k];
    const float h = logp.at<float>((v + kN) % kN, u) - med[r];
    best = std::max(best, static_cast<double>(h));
    ranked.emplace_back(h, static_cast<int>(k));
  }
  if (isolation != nullptr) {
    // Height over the median of the surrounding 9x9 bins (the 3x3 centre left out), for the 64
    // highest bins: a display's moire is an isolated spike; a broad ridge (e.g. the spectrum of a
    // directional motion blur, which also lowers the ring median) is not.
    *isolation = 0.0;
    const size_t top = std::min<size_t>(64, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + top, ranked.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<float> around;
    for (size_t q = 0; q < top; ++q) {
      const auto& [u, v, r] = bins[ranked[q].second];
      around.clear();
      for (int dv = -4; dv <= 4; ++dv)
        for (int du = -4; du <= 4; ++du) {
          if (std::abs(du) <= 1 && std::abs(dv) <= 1) continue;
          around.push_back(logp.at<float>(((v + dv) % kN + kN) % kN, ((u + du) % kN + kN) % kN));
        }
      std::nth_element(around.begin(), around.begin() + around.size() / 2, around.end());
      *isolation = std::max(*isolation, static_cast<double>(logp.at<float>((v + kN) % kN, u) -
                                                            around[around.size() / 2]));
    }
  }
  return best;
}

double GlareFraction(const cv::Mat& bgr_crop, const cv::Mat& mask) {
  if (bgr_crop.empty() || bgr_crop.channels() != 3) return 0.0;
  cv::Mat hsv;
  cv::cvtColor(bgr_crop, hsv, cv::COLOR_BGR2HSV);
  cv::Mat glare;
  cv::inRange(hsv, cv::Scalar(0, 0, 240), cv::Scalar(180, 60, 255), glare);
  if (mask.empty()) return static_cast<double>(cv::countNonZero(glare)) / glare.total();
  if (mask.size() != bgr_crop.size() || mask.type() != CV_8UC1) return 0.0;
  const int counted = cv::countNonZero(mask);
  if (counted == 0) return 0.0;
  cv::Mat inside;
  cv::bitwise_and(glare, mask, inside);
  return static_cast<double>(cv::countNonZero(inside)) / counted;
}

double SceneGlareFraction(const cv::Mat& bgr_frame, const cv::Rect& face,
                          std::span<const double> enlarge, double min_share) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (bgr_frame.empty() || bgr_frame.channels() != 3 || face.area() <= 0) return kNaN;
  const cv::Rect frame_rect(0, 0, bgr_frame.cols, bgr_frame.rows);
  const double total = static_cast<double>(bgr_frame.total());
  for (const double k : enlarge) {
    const double grow = 0.5 * (k - 1.0);
    const cv::Rect big =
        cv::Rect(cv::Point(static_cast<int>(std::floor(face.x - grow * face.width)),
                           static_cast<int>(std::floor(face.y - grow * face.height))),
                 cv::Point(static_cast<int>(std::ceil(face.br().x + grow * face.width)),
                           static_cast<int>(std::ceil(face.br().y + grow * face.height)))) &
        frame_rect;
    const double rest = total - big.area();
    if (rest < min_share * total) continue;
    cv::Mat outside(bgr_frame.size(), CV_8UC1, cv::Scalar(255));
    outside(big).setTo(0);
    return GlareFraction(bgr_frame, outside);
  }
  return kNaN;
}

cv::Rect EyeglassesBand(const Landmarks68& p, const cv::Rect& crop, double below_eyes) {
  float x0 = std::min(p[0].x, p[16].x), x1 = std::max(p[0].x, p[16].x);
  float y0 = p[17].y, y1 = p[36].y;
  for (int k = 17; k <= 26; ++k) y0 = std::min(y0, p[k].y);
  for (int k = 36; k <= 47; ++k) {
    x0 = std::min(x0, p[k].x);
    x1 = std::max(x1, p[k].x);
    y1 = std::max(y1, p[k].y);
  }
  y1 += static_cast<float>(below_eyes * InterOcular(p));
  const cv::Rect band(cv::Point(static_cast<int>(std::floor(x0)) - crop.x,
                                static_cast<int>(std::floor(y0)) - crop.y),
                      cv::Point(static_cast<int>(std::ceil(x1)) - crop.x + 1,
                                static_cast<int>(std::ceil(y1)) - crop.y + 1));
  return band & cv::Rect(0, 0, crop.width, crop.height);
}

double NoiseSigma(const cv::Mat& gray_crop) {
  if (gray_crop.empty() || gray_crop.rows < 8 || gray_crop.cols < 8) return 0.0;
  cv::Mat f;
  gray_crop.convertTo(f, CV_32F);
  const cv::Matx33f kMask(1, -2, 1, -2, 4, -2, 1, -2, 1);
  cv::Mat r, gx, gy;
  cv::filter2D(f, r, CV_32F, kMask, cv::Point(-1, -1), 0, cv::BORDER_REFLECT);
  cv::Sobel(f, gx, CV_32F, 1, 0);
  cv::Sobel(f, gy, CV_32F, 0, 1);
  cv::Mat g = gx.mul(gx) + gy.mul(gy);
  const cv::Rect inner(1, 1, f.cols - 2, f.rows - 2);
  std::vector<float> grad;
  grad.reserve(inner.area());
  for (int y = inner.y; y < inner.br().y; ++y)
    for (int x = inner.x; x < inner.br().x; ++x) grad.push_back(g.at<float>(y, x));
  std::nth_element(grad.begin(), grad.begin() + grad.size() / 2, grad.end());
  const float cut = grad[grad.size() / 2];
  double sum = 0.0;
  int n = 0;
  for (int y = inner.y; y < inner.br().y; ++y)
    for (int x = inner.x; x < inner.br().x; ++x)
      if (g.at<float>(y, x) <= cut) {
        sum += std::abs(r.at<float>(y, x));
        ++n;
      }
  // sqrt(pi/2) / 6 turns the mean absolute mask response of Gaussian noise into its sigma.
  return n > 0 ? std::sqrt(CV_PI / 2.0) / 6.0 * sum / n : 0.0;
}

double Sharpness(const cv::Mat& gray_crop) {
  if (gray_crop.empty()) return 0.0;
  cv::Mat g;
  const double s = 128.0 / gray_crop.rows;
  cv::resize(gray_crop, g, cv::Size(), s, s, s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::Mat lap;
  cv::Laplacian(g, lap, CV_64F);
  cv::Scalar mean, sd;
  cv::meanStdDev(lap, mean, sd);
  return sd[0] * sd[0];
}

}  // namespace ekyc::live

namespace ekyc::live {

double EdgeSharpness(const cv::Mat& gray) {
  if (gray.empty() || gray.rows < 8 || gray.cols < 8) return 0.0;
  cv::Mat g;
  gray.convertTo(g, CV_32F);
  cv::Mat gx, gy, lap;
  cv::Sobel(g, gx, CV_32F, 1, 0);
  cv::Sobel(g, gy, CV_32F, 0, 1);
  cv::Laplacian(g, lap, CV_32F);
  cv::Mat g2 = gx.mul(gx) + gy.mul(gy);
  if (!g2.isContinuous()) g2 = g2.clone();
  std::vector<float> sorted(g2.begin<float>(), g2.end<float>());
  const size_t k = static_cast<size_t>(0.95 * (sorted.size() - 1));
  std::nth_element(sorted.begin(), sorted.begin() + k, sorted.end());
  const float cut = sorted[k];
  double lap2 = 0.0, grad2 = 0.0;
  for (int y = 0; y < g2.rows; ++y) {
    const float* gr = g2.ptr<float>(y);
    const float* lr = lap.ptr<float>(y);
    for (int x = 0; x < g2.cols; ++x) {
      if (gr[x] >= cut) {
        lap2 += static_cast<double>(lr[x]) * lr[x];
        grad2 += gr[x];
      }
    }
  }
  return grad2 > 0 ? lap2 / grad2 : 0.0;
}

unsigned ScreenBorderMask(const cv::Mat& gray, const cv::Rect2f& face) {
  if (gray.empty() || gray.cols < 64 || gray.rows < 64 || face.width <= 0 || face.height <= 0)
    return 0;
  // Fixed working width, so lengths and offsets below mean the same share of the frame for any
  // capture resolution.
  const double s = 320.0 / gray.cols;
  cv::Mat g;
  cv::resize(gray, g, cv::Size(320, std::max(1, static_cast<int>(std::lround(gray.rows * s)))), 0,
             0, cv::INTER_AREA);
  const int w = g.cols, h = g.rows;
  // The head (hair, ears) and the neck surround the detector's box; their outlines are not borders.
  const double fx = face.x * s, fy = face.y * s, fw = face.width * s, fh = face.height * s;
  const double left = fx - 0.5 * fw, right = fx + 1.5 * fw, top = fy - 0.7 * fh,
               bottom = fy + 1.5 * fh;
  cv::Mat blurred, edges;
  cv::GaussianBlur(g, blurred, cv::Size(3, 3), 0);
  cv::Canny(blurred, edges, 40, 100);
  std::vector<cv::Vec4i> segs;
  cv::HoughLinesP(edges, segs, 1, CV_PI / 180, 40, 0.3 * std::min(w, h), 4);
  // Mean brightness of a strip 2..5 px to one side of the segment (middle 80 % of its length).
  auto strip = [&](const cv::Vec4i& l, double nx, double ny, int sign) {
    double sum = 0;
    int n = 0;
    for (int k = 0; k < 15; ++k) {
      const double t = 0.1 + 0.8 * k / 14.0;
      const double px = l[0] + (l[2] - l[0]) * t, py = l[1] + (l[3] - l[1]) * t;
      for (int o = 2; o <= 5; ++o) {
        const int qx = static_cast<int>(std::lround(px + sign * nx * o));
        const int qy = static_cast<int>(std::lround(py + sign * ny * o));
        if (qx < 0 || qy < 0 || qx >= w || qy >= h) continue;
        sum += g.at<uchar>(qy, qx);
        ++n;
      }
    }
    return n > 20 ? sum / n : -1.0;
  };
  bool side[4] = {false, false, false, false};  // left, right, top, bottom of the face
  for (const cv::Vec4i& l : segs) {
    const double dx = l[2] - l[0], dy = l[3] - l[1], len = std::hypot(dx, dy);
    if (len < 1) continue;
    const double nx = -dy / len, ny = dx / len;
    const double a = strip(l, nx, ny, 1), b = strip(l, nx, ny, -1);
    if (a < 0 || b < 0) continue;
    // A bezel is dark (an unlit frame) next to something lit (the picture or the room).
    if (std::min(a, b) > kScreenBorderDarkMax || std::abs(a - b) < kScreenBorderContrastMin)
      continue;
    const double x0 = std::min(l[0], l[2]), x1 = std::max(l[0], l[2]);
    const double y0 = std::min(l[1], l[3]), y1 = std::max(l[1], l[3]);
    if (std::abs(dx) < 0.5 * std::abs(dy)) {  // near-vertical
      if (x1 < left) side[0] = true;
      if (x0 > right) side[1] = true;
    } else if (std::abs(dy) < 0.5 * std::abs(dx)) {  // near-horizontal
      if (y1 < top) side[2] = true;
      if (y0 > bottom) side[3] = true;
    }
  }
  return (side[0] ? kBorderLeft : 0u) | (side[1] ? kBorderRight : 0u) |
         (side[2] ? kBorderAbove : 0u) | (side[3] ? kBorderBelow : 0u);
}

}  // namespace ekyc::live

namespace ekyc::live {

double NoseTurn(const Landmarks68& p) {
  cv::Point2f left(0, 0), right(0, 0);
  for (int i = 36; i < 42; ++i) left += p[i];
  for (int i = 42; i < 48; ++i) right += p[i];
  cv::Point2f u = (right - left) * (1.0f / 6.0f);
  const double ul = cv::norm(u);
  const double width = cv::norm(p[16] - p[0]);
  if (ul < 1e-6 || width < 1e-6) return std::numeric_limits<double>::quiet_NaN();
  u *= static_cast<float>(1.0 / ul);
  const cv::Point2f mid = 0.5f * (p[0] + p[16]);
  return (p[30] - mid).dot(u) / width;
}

std::vector<TurnEvent> DetectTurns(const std::vector<double>& turn, double baseline, double enter,
                                   double exit, int min_run) {
  std::vector<TurnEvent> out;
  int state = 0;    // direction of the turn in progress, 0 = facing the camera
  int pending = 0;  // side of the current candidate run
  int run = 0, run_start = 0;
  for (size_t i = 0; i < turn.size(); ++i) {
    if (!std::isfinite(turn[i])) continue;  // a missing face neither starts nor ends a turn
    const double v = turn[i] - baseline;
    const int side = v > enter ? 1 : v < -enter ? -1 : 0;
    if (state != 0 && (std::abs(v) < exit || (side != 0 && side != state))) state = 0;
    if (state != 0 || side == 0) {
      run = 0;
      pending = 0;
      continue;
    }
    if (side != pending) {
      pending = side;
      run = 0;
      run_start = static_cast<int>(i);
    }
    if (++run >= min_run) {
      state = side;
      out.push_back({run_start, side});
      run = 0;
      pending = 0;
    }
  }
  return out;
}

bool ChallengeMatches(const std::vector<std::string>& requested,
                      const std::vector<std::string>& observed) {
  if (requested.empty()) return true;
  auto turns = [](const std::vector<std::string>& v) {
    std::vector<std::string> t;
    for (const auto& a : v)
      if (a != "blink") t.push_back(a);
    return t;
  };
  if (turns(requested) != turns(observed)) return false;
  size_t k = 0;
  for (const auto& a : observed) {
    if (k < requested.size() && a == requested[k]) ++k;
  }
  return k == requested.size();
}

}  // namespace ekyc::live

namespace ekyc::live {
namespace {

// Face crop scale for the flow: inter-ocular distance in crop pixels, and crop side.
constexpr double kFlowIod = 40.0;
constexpr int kFlowCrop = 160;

// Flow input: blurred (screen moire and sensor noise are finer than facial detail) and locally
// contrast-normalised (lighting changes, refresh banding and glare are smooth and must not read as
// motion), back to 8 bits for DIS.
cv::Mat FlowPrep(const cv::Mat& crop_bgr_or_gray) {
  cv::Mat g;
  if (crop_bgr_or_gray.channels() == 3)
    cv::cvtColor(crop_bgr_or_gray, g, cv::COLOR_BGR2GRAY);
  else
    g = crop_bgr_or_gray;
  cv::Mat f, m, d2, s;
  g.convertTo(f, CV_32F);
  cv::GaussianBlur(f, f, cv::Size(), 1.5);
  cv::GaussianBlur(f, m, cv::Size(), 4.0);
  f -= m;
  cv::GaussianBlur(f.mul(f), d2, cv::Size(), 8.0);
  cv::sqrt(d2, s);
  s += 2.0;
  cv::Mat out;
  cv::divide(f, s, f, 40.0);
  f.convertTo(out, CV_8U, 1.0, 128.0);
  return out;
}

}  // namespace

double FlowPlanarResidual(const cv::Mat& frame_a, const Landmarks68& a, const cv::Mat& frame_b,
                          const Landmarks68& b, std::vector<double>* per_landmark) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (per_landmark != nullptr) per_landmark->clear();
  const double iod = InterOcular(a);
  if (frame_a.empty() || frame_b.empty() || !(iod > 1.0)) return nan;
  // Rough pre-alignment of b onto a: a similarity on the interior landmarks, least-median so a
  // few badly placed landmarks do not matter (the flow does the rest).
  std::vector<cv::Point2f> ia(a.begin() + 17, a.end()), ib(b.begin() + 17, b.end());
  cv::Mat sim = cv::estimateAffinePartial2D(ib, ia, cv::noArray(), cv::LMEDS);
  if (sim.empty()) return nan;
  cv::Matx33d A = cv::Matx33d::eye();
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 3; ++c) A(r, c) = sim.at<double>(r, c);
  cv::Point2d centre(0, 0);
  for (const auto& p : ia) centre += cv::Point2d(p.x, p.y);
  centre *= 1.0 / ia.size();
  const double s = kFlowIod / iod;
  const int W = kFlowCrop;
  const cv::Matx33d S(s, 0, W / 2.0 - s * centre.x, 0, s, W / 2.0 - s * centre.y, 0, 0, 1);

  cv::Mat crop;
  cv::warpPerspective(frame_a, crop, cv::Mat(S), cv::Size(W, W), cv::INTER_LINEAR);
  const cv::Mat pa = FlowPrep(crop);
  cv::Mat eig;
  cv::cornerMinEigenVal(pa, eig, 7, 3);

  // Face region (jaw contour and brows) and its landmark sites, in crop coordinates.
  std::vector<cv::Point2f> la(a.begin(), a.end()), qa;
  cv::perspectiveTransform(la, qa, cv::Mat(S));
  std::vector<cv::Point> hull_in, hull;
  for (int i = 0; i < 27; ++i) hull_in.emplace_back(cvRound(qa[i].x), cvRound(qa[i].y));
  cv::convexHull(hull_in, hull);
  cv::Mat mask = cv::Mat::zeros(W, W, CV_8U);
  cv::fillConvexPoly(mask, hull, 1);

  // Flow vectors for the fit: grid points inside the face with at least median texture.
  std::vector<cv::Point> grid;
  std::vector<float> tex;
  for (int y = 2; y < W; y += 4)
    for (int x = 2; x < W; x += 4)
      if (mask.at<uchar>(y, x)) {
        grid.emplace_back(x, y);
        tex.push_back(eig.at<float>(y, x));
      }
  if (grid.size() < 40) return nan;
  std::vector<float> sorted = tex;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  const float tex_cut = sorted[sorted.size() / 2];
  std::vector<cv::Point2f> P;
  for (size_t k = 0; k < grid.size(); ++k)
    if (tex[k] >= tex_cut) P.emplace_back(static_cast<float>(grid[k].x), grid[k].y);

  // A fresh flow object (see the header): spatial propagation off, since it runs within stripes
  // whose number is OpenCV's thread count; after the pre-alignment the remaining motion is small.
  auto dis = cv::DISOpticalFlow::create(cv::DISOpticalFlow::PRESET_MEDIUM);
  dis->setUseSpatialPropagation(false);
  // Two passes: the first homography from the flow refines the landmark pre-alignment, so the
  // second flow only has to find what is left (sub-pixel for a plane).
  cv::Matx33d G = cv::Matx33d::eye();
  cv::Mat flow, hf;
  for (int pass = 0; pass < 2; ++pass) {
    cv::warpPerspective(frame_b, crop, cv::Mat(G.inv() * S * A), cv::Size(W, W), cv::INTER_LINEAR);
    const cv::Mat pb = FlowPrep(crop);
    dis->calc(pa, pb, flow);
    std::vector<cv::Point2f> Q(P.size());
    for (size_t k = 0; k < P.size(); ++k) {
      const cv::Point2f f = flow.at<cv::Point2f>(cvRound(P[k].y), cvRound(P[k].x));
      Q[k] = P[k] + f;
    }
    // RANSAC threshold 0.5 px = 1.25 % of the inter-ocular distance.
    hf = cv::findHomography(P, Q, cv::RANSAC, 0.5, cv::noArray(), 200, 0.995);
    if (hf.empty()) return nan;
    if (pass == 0) G = G * cv::Matx33d(hf);
  }

  // Residual flow field (what the homography does not explain), texture-weighted local mean.
  const cv::Matx33d H(hf);
  cv::Mat res(W, W, CV_32FC2);
  for (int y = 0; y < W; ++y) {
    const cv::Point2f* fr = flow.ptr<cv::Point2f>(y);
    cv::Point2f* rr = res.ptr<cv::Point2f>(y);
    const float* er = eig.ptr<float>(y);
    for (int x = 0; x < W; ++x) {
      const double w = H(2, 0) * x + H(2, 1) * y + H(2, 2);
      const double hx = (H(0, 0) * x + H(0, 1) * y + H(0, 2)) / w;
      const double hy = (H(1, 0) * x + H(1, 1) * y + H(1, 2)) / w;
      rr[x] = cv::Point2f(static_cast<float>((x + fr[x].x - hx) * er[x]),
                          static_cast<float>((y + fr[x].y - hy) * er[x]));
    }
  }
  cv::Mat num, den;
  cv::blur(res, num, cv::Size(7, 7));
  cv::blur(eig, den, cv::Size(7, 7));
  std::vector<double> r;
  for (int i = 17; i < 68; ++i) {
    const int x = std::clamp(cvRound(qa[i].x), 0, W - 1),
              y = std::clamp(cvRound(qa[i].y), 0, W - 1);
    const cv::Point2f v = num.at<cv::Point2f>(y, x) * (1.0f / (den.at<float>(y, x) + 1e-9f));
    r.push_back(std::hypot(v.x, v.y) / kFlowIod);
  }
  if (per_landmark != nullptr) *per_landmark = r;
  return Percentile(std::move(r), 0.9);
}

}  // namespace ekyc::live
