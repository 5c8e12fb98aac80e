#include "doc/locate.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "doc/params.h"

namespace ekyc::doc {
namespace {

constexpr double kId1Aspect = 85.6 / 53.98;
constexpr double kPassportAspect = 125.0 / 88.0;

double Dist(cv::Point2f a, cv::Point2f b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

// Orders 4 points clockwise starting at the top-left, then rotates so TL→TR is a long side.
std::vector<cv::Point2f> OrderCorners(std::vector<cv::Point2f> p) {
  cv::Point2f c(0, 0);
  for (auto& q : p) c += q;
  c *= 0.25f;
  std::sort(p.begin(), p.end(), [&](cv::Point2f a, cv::Point2f b) {
    return std::atan2(a.y - c.y, a.x - c.x) < std::atan2(b.y - c.y, b.x - c.x);
  });
  // atan2 order from -pi: TL-ish first (upper-left quadrant), then TR, BR, BL (clockwise in image
  // coords).
  int tl = 0;
  double best = 1e18;
  for (int i = 0; i < 4; ++i) {
    double s = p[i].x + p[i].y;
    if (s < best) {
      best = s;
      tl = i;
    }
  }
  std::rotate(p.begin(), p.begin() + tl, p.end());
  double top = Dist(p[0], p[1]) + Dist(p[2], p[3]);
  double side = Dist(p[1], p[2]) + Dist(p[3], p[0]);
  if (side > top) std::rotate(p.begin(), p.begin() + 3, p.end());  // portrait: BL becomes "TL"
  return p;
}

double QuadAspect(const std::vector<cv::Point2f>& p) {
  double a = (Dist(p[0], p[1]) + Dist(p[2], p[3])) / 2;
  double b = (Dist(p[1], p[2]) + Dist(p[3], p[0])) / 2;
  return b > 0 ? std::max(a, b) / std::min(a, b) : 0;
}

// Share of the contour's length (segments by their midpoints) within `tolerance` px of the
// quad's boundary.
double OutlineOnQuad(const std::vector<cv::Point>& contour, const std::vector<cv::Point2f>& quad,
                     double tolerance) {
  double on = 0, total = 0;
  for (size_t i = 0; i < contour.size(); ++i) {
    const cv::Point2f a = contour[i], b = contour[(i + 1) % contour.size()];
    const double len = Dist(a, b);
    total += len;
    if (std::abs(cv::pointPolygonTest(quad, (a + b) * 0.5f, true)) <= tolerance) on += len;
  }
  return total > 0 ? on / total : 0;
}

// The quad's sides fitted to the outline's points along their middle (away from the corners,
// which a card's cut and an opening round): the corners of a simplified hull lie on those arcs,
// inside the true corners, and tilt the sides. Empty when a side has too few points.
std::vector<cv::Point2f> FitQuadSides(const std::vector<cv::Point>& contour,
                                      const std::vector<cv::Point2f>& quad, double band_px) {
  std::array<cv::Vec4f, 4> lines;
  for (int i = 0; i < 4; ++i) {
    const cv::Point2f a = quad[i], b = quad[(i + 1) % 4];
    const double len = Dist(a, b);
    if (len <= 0) return {};
    const cv::Point2f u = (b - a) * static_cast<float>(1.0 / len), n(-u.y, u.x);
    std::vector<cv::Point2f> side;
    for (const cv::Point& c : contour) {
      const cv::Point2f d = cv::Point2f(c) - a;
      const double t = d.dot(u), off = std::abs(d.dot(n));
      if (t > kLocate.side_fit_margin * len && t < (1 - kLocate.side_fit_margin) * len &&
          off < band_px)
        side.push_back(c);
    }
    if (side.size() < 5) return {};
    cv::fitLine(side, lines[i], cv::DIST_HUBER, 0, 0.01, 0.01);
  }
  std::vector<cv::Point2f> out;
  for (int i = 0; i < 4; ++i) {  // corner i: sides i-1 and i
    const cv::Vec4f& l1 = lines[(i + 3) % 4];
    const cv::Vec4f& l2 = lines[i];
    const double det = l1[0] * (-l2[1]) - l1[1] * (-l2[0]);
    if (std::abs(det) < 1e-6) return {};
    const double dx = l2[2] - l1[2], dy = l2[3] - l1[3];
    const double s1 = (dx * (-l2[1]) - dy * (-l2[0])) / det;
    out.emplace_back(static_cast<float>(l1[2] + s1 * l1[0]),
                     static_cast<float>(l1[3] + s1 * l1[1]));
  }
  return out;
}

// Each pixel's distance in Lab from the background's colour (the median of the image's border,
// where a card photographed whole is not), colour (a, b) and lightness, scaled to 8 bits and
// smoothed.
cv::Mat BackgroundColourDistance(const cv::Mat& bgr) {
  cv::Mat lab;
  cv::cvtColor(bgr, lab, cv::COLOR_BGR2Lab);
  const int m = std::max(2, static_cast<int>(kLocate.border_share * std::min(lab.cols, lab.rows)));
  std::array<std::vector<uchar>, 3> border;
  for (int y = 0; y < lab.rows; ++y)
    for (int x = 0; x < lab.cols; ++x) {
      if (y >= m && y < lab.rows - m && x >= m && x < lab.cols - m) continue;
      const cv::Vec3b v = lab.at<cv::Vec3b>(y, x);
      for (int c = 0; c < 3; ++c) border[c].push_back(v[c]);
    }
  cv::Vec3f bg;
  for (int c = 0; c < 3; ++c) {
    auto mid = border[c].begin() + static_cast<std::ptrdiff_t>(border[c].size() / 2);
    std::nth_element(border[c].begin(), mid, border[c].end());
    bg[c] = *mid;
  }
  cv::Mat labf, dist;
  lab.convertTo(labf, CV_32FC3);
  labf -= cv::Scalar(bg[0], bg[1], bg[2]);
  std::vector<cv::Mat> ch;
  cv::split(labf, ch);
  cv::magnitude(ch[1], ch[2], dist);  // colour (a, b) first,
  cv::magnitude(dist, ch[0], dist);   // then lightness
  cv::Mat dist8;
  cv::normalize(dist, dist8, 0, 255, cv::NORM_MINMAX, CV_8U);
  cv::GaussianBlur(dist8, dist8, {5, 5}, 0);
  return dist8;
}

// Fills gaps of at most `max_gap` px between set pixels along the `depth` outermost rows and
// columns of a binary map, each row and column on its own.
void BridgeAlongBorder(cv::Mat& bin, int max_gap, int depth) {
  auto bridge = [&](auto at, int length) {
    int last = -1;
    for (int i = 0; i < length; ++i) {
      if (!at(i)) continue;
      if (last >= 0 && i - last > 1 && i - last <= max_gap)
        for (int j = last + 1; j < i; ++j) at(j) = 255;
      last = i;
    }
  };
  depth = std::min({depth, bin.rows / 2, bin.cols / 2});
  for (int d = 0; d < depth; ++d) {
    for (int y : {d, bin.rows - 1 - d})
      bridge([&](int x) -> uchar& { return bin.at<uchar>(y, x); }, bin.cols);
    for (int x : {d, bin.cols - 1 - d})
      bridge([&](int y) -> uchar& { return bin.at<uchar>(y, x); }, bin.rows);
  }
}

bool PlausibleAspect(double a) {
  return a > 1.25 && a < 1.85;
}

}  // namespace

Result<CardQuad> LocateCard(const cv::Mat& bgr) {
  double scale = 640.0 / std::max(bgr.cols, bgr.rows);
  cv::Mat small, gray;
  cv::resize(bgr, small, {}, scale, scale, cv::INTER_AREA);
  cv::cvtColor(small, gray, cv::COLOR_BGR2GRAY);
  const double img_area = static_cast<double>(small.cols) * small.rows;

  std::vector<cv::Point2f> best;
  double best_score = 0;
  // True when the contour passed as a card outline (whether or not it is the best so far).
  // `fit_sides`: the outline was opened (rounded corners): its quad is fitted to its sides.
  auto consider = [&](const std::vector<cv::Point>& contour, bool fit_sides = false) -> bool {
    double area = cv::contourArea(contour);
    if (area < 0.12 * img_area || area > 0.985 * img_area) return false;
    std::vector<cv::Point> hull, approx;
    cv::convexHull(contour, hull);
    double peri = cv::arcLength(hull, true);
    for (double eps : {0.015, 0.025, 0.04}) {
      cv::approxPolyDP(hull, approx, eps * peri, true);
      if (approx.size() == 4) break;
    }
    std::vector<cv::Point2f> quad;
    if (approx.size() == 4) {
      for (auto& q : approx) quad.emplace_back(static_cast<float>(q.x), static_cast<float>(q.y));
    } else {
      cv::RotatedRect rr = cv::minAreaRect(hull);
      if (cv::contourArea(hull) < 0.85 * rr.size.area()) return false;
      cv::Point2f pts[4];
      rr.points(pts);
      quad.assign(pts, pts + 4);
    }
    if (fit_sides) {
      auto fitted =
          FitQuadSides(contour, quad, kLocate.side_fit_band * std::max(small.cols, small.rows));
      if (!fitted.empty()) quad = std::move(fitted);
    }
    quad = OrderCorners(quad);
    // The outline must run along the quad's sides: a finger across the card's edge pulls a
    // corner of the simplified hull out, and the card's own sides then stray from the quad.
    if (OutlineOnQuad(contour, quad, kLocate.side_tolerance * std::max(small.cols, small.rows)) <
        kLocate.min_outline_on_sides)
      return false;
    double aspect = QuadAspect(quad);
    if (!PlausibleAspect(aspect)) return false;
    double fill = cv::contourArea(hull) / std::max(1.0, cv::contourArea(quad));
    double score =
        cv::contourArea(quad) * std::min(1.0, fill) *
        (1.0 - 0.5 * std::min(std::abs(aspect - kId1Aspect), std::abs(aspect - kPassportAspect)));
    if (score > best_score) {
      best_score = score;
      best = quad;
    }
    return true;
  };
  // A finger or strap across the card's edge joins the card's outline: the contour, filled and
  // opened with a disc wider than a finger, is the card without it. The opening is taken per
  // core (what is left after the erosion), so that a finger touching the card at its tip, whose
  // core survives beside the card's, is not joined to it again by the dilation.
  auto consider_without_protrusions = [&](const std::vector<cv::Point>& contour) {
    if (cv::contourArea(contour) < 0.12 * img_area) return;
    cv::Mat filled = cv::Mat::zeros(small.size(), CV_8U);
    cv::drawContours(filled, std::vector<std::vector<cv::Point>>{contour}, 0, 255, cv::FILLED);
    const int k = static_cast<int>(kLocate.protrusion_width * std::max(small.cols, small.rows)) | 1;
    const cv::Mat disc = cv::getStructuringElement(cv::MORPH_ELLIPSE, {k, k});
    cv::Mat eroded;
    cv::erode(filled, eroded, disc);
    std::vector<std::vector<cv::Point>> cores;
    cv::findContours(eroded, cores, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    for (size_t i = 0; i < cores.size(); ++i) {
      cv::Mat part = cv::Mat::zeros(small.size(), CV_8U);
      cv::drawContours(part, cores, static_cast<int>(i), 255, cv::FILLED);
      cv::dilate(part, part, disc);
      std::vector<std::vector<cv::Point>> parts;
      cv::findContours(part, parts, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
      for (const auto& p : parts) consider(p, true);
    }
  };
  // Every outer outline of a binary image, as it is or without what sticks out of it.
  auto consider_outlines = [&](const cv::Mat& bin) {
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(bin, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    for (const auto& c : contours)
      if (!consider(c)) consider_without_protrusions(c);
  };

  cv::Mat blurred;
  cv::GaussianBlur(gray, blurred, {5, 5}, 0);
  // Edges first as they are, then bridged along the image border (a corner at the frame).
  const int bridge_gap =
      static_cast<int>(kLocate.border_bridge_gap * std::max(small.cols, small.rows));
  for (bool bridged : {false, true}) {
    for (auto [lo, hi] : {std::pair{30, 90}, std::pair{10, 40}, std::pair{60, 160}}) {
      cv::Mat edges;
      cv::Canny(blurred, edges, lo, hi);
      cv::dilate(edges, edges, cv::getStructuringElement(cv::MORPH_RECT, {5, 5}));
      if (bridged) BridgeAlongBorder(edges, bridge_gap, kLocate.border_bridge_px);
      consider_outlines(edges);
      if (!best.empty()) break;
    }
    if (!best.empty()) break;
  }
  if (best.empty()) {
    // Card brighter/darker than the background: Otsu segmentation.
    cv::Mat bin;
    cv::threshold(blurred, bin, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    for (int inv = 0; inv < 2 && best.empty(); ++inv) {
      cv::Mat b = inv ? 255 - bin : bin;
      cv::morphologyEx(b, b, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {15, 15}));
      consider_outlines(b);
    }
  }
  if (best.empty()) {
    // A pale card on a pale background under uneven light: neither its edges nor its brightness
    // stand out, its colour does.
    cv::Mat bin;
    cv::threshold(BackgroundColourDistance(small), bin, 0, 255,
                  cv::THRESH_BINARY | cv::THRESH_OTSU);
    cv::morphologyEx(bin, bin, cv::MORPH_CLOSE,
                     cv::getStructuringElement(cv::MORPH_RECT, {15, 15}));
    consider_outlines(bin);
  }

  // An image that already has a card's aspect and no clear card outline filling it is a crop of
  // the card: inner boxes (MRZ band, photo frame) must not be taken for the card.
  const double img_aspect =
      static_cast<double>(std::max(bgr.cols, bgr.rows)) / std::min(bgr.cols, bgr.rows);
  const bool crop_like =
      std::abs(img_aspect - kId1Aspect) < 0.06 || std::abs(img_aspect - kPassportAspect) < 0.05;
  CardQuad out;
  out.maybe_crop = !best.empty() && crop_like && cv::contourArea(best) < 0.85 * img_area;
  if (!best.empty()) {
    for (auto& p : best)
      out.corners.emplace_back(p.x / static_cast<float>(scale), p.y / static_cast<float>(scale));
    out.located = true;
    out.aspect = QuadAspect(out.corners);
    // Contours from a dilated edge map sit slightly outside the card; that margin is harmless.
  } else {
    double a = static_cast<double>(std::max(bgr.cols, bgr.rows)) / std::min(bgr.cols, bgr.rows);
    if (!PlausibleAspect(a)) {
      return NotFound("doc.card_not_found",
                      "no ID card found in the image: photograph the whole card on a plain, "
                      "contrasting background, or crop the image to the card");
    }
    float w = static_cast<float>(bgr.cols - 1), h = static_cast<float>(bgr.rows - 1);
    out.corners = OrderCorners({{0, 0}, {w, 0}, {w, h}, {0, h}});
    out.aspect = a;
  }
  double long_side =
      (Dist(out.corners[0], out.corners[1]) + Dist(out.corners[2], out.corners[3])) / 2;
  const int image_long = std::max(bgr.cols, bgr.rows);
  if (long_side < 400 && out.located && crop_like && image_long >= 400) {
    // A crop of a card whose only outline found is an inner box (the portrait): the card is the
    // image, not a too-small card inside it.
    out = CardQuad{};
    out.corners = WholeImageCorners(bgr);
    out.aspect = img_aspect;
    long_side = image_long - 1;
  }
  if (long_side < 400) {
    return InvalidArgument("doc.card_too_small",
                           "the card is too small in the image (" +
                               std::to_string(static_cast<int>(long_side)) +
                               " px wide; at least 400 px, ideally 900+, are needed to read it)");
  }
  return out;
}

std::vector<cv::Point2f> WholeImageCorners(const cv::Mat& bgr) {
  float w = static_cast<float>(bgr.cols - 1), h = static_cast<float>(bgr.rows - 1);
  return OrderCorners({{0, 0}, {w, 0}, {w, h}, {0, h}});
}

cv::Mat Rectify(const cv::Mat& bgr, const std::vector<cv::Point2f>& corners, int width,
                double aspect) {
  int height = static_cast<int>(std::lround(width / aspect));
  std::vector<cv::Point2f> dst = {{0, 0},
                                  {static_cast<float>(width - 1), 0},
                                  {static_cast<float>(width - 1), static_cast<float>(height - 1)},
                                  {0, static_cast<float>(height - 1)}};
  cv::Mat m = cv::getPerspectiveTransform(corners, dst);
  cv::Mat out;
  cv::warpPerspective(bgr, out, m, {width, height}, cv::INTER_AREA, cv::BORDER_REPLICATE);
  return out;
}

}  // namespace ekyc::doc
