#include "doc/page.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "doc/classify.h"
#include "doc/labels.h"
#include "doc/locate.h"
#include "doc/params.h"

namespace ekyc::doc {
namespace {

constexpr double kId1Aspect = 85.6 / 53.98;
constexpr double kPassportAspect = 125.0 / 88.0;

PageReading Attempt(const cv::Mat& bgr, PageRecognizer& page, std::vector<cv::Point2f> corners,
                    double aspect, int width) {
  PageReading a;
  a.corners = std::move(corners);
  a.aspect = aspect;
  a.card = Rectify(bgr, a.corners, width, aspect);
  a.gray = TextGray(a.card);
  a.segs = BuildSegments(page.Words(a.gray, PageRecognizer::Layout::kPage));
  a.score = OrientationScore(a.segs);
  a.conf = ReadingConfidence(a.segs, &a.words);
  return a;
}

std::vector<cv::Point2f> Turned(const std::vector<cv::Point2f>& c) {
  return {c[2], c[3], c[0], c[1]};
}

bool HasMrzText(const PageReading& a) {
  return std::any_of(a.segs.begin(), a.segs.end(), [](const Segment& sg) {
    return std::any_of(sg.words.begin(), sg.words.end(),
                       [](const Word& w) { return w.text.find("<<") != std::string::npos; });
  });
}

}  // namespace

bool PageReading::LooksUpright() const {
  return score >= 1 && words >= kPage.upright_min_words && conf >= kPage.upright_min_conf;
}

cv::Mat TextGray(const cv::Mat& bgr) {
  std::vector<cv::Mat> ch;
  cv::split(bgr, ch);
  cv::Mat m = cv::min(cv::min(ch[0], ch[1]), ch[2]);
  cv::Mat bg;
  const int k = kPage.background_kernel_px | 1;
  cv::morphologyEx(m, bg, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {k, k}));
  cv::GaussianBlur(bg, bg, {0, 0}, kPage.background_blur_px);
  cv::Mat out;
  cv::divide(m, bg, out, 255.0);
  return out;
}

Result<PageReading> ReadCardPage(const cv::Mat& bgr, PageRecognizer& page, int width,
                                 bool check_rotate) {
  const PageParams& p = kPage;
  EKYC_ASSIGN_OR_RETURN(CardQuad quad, LocateCard(bgr));
  const double aspect = quad.aspect < p.passport_aspect_below ? kPassportAspect : kId1Aspect;
  PageReading best = Attempt(bgr, page, quad.corners, aspect, width);
  best.located = quad.located;
  if (check_rotate && best.score < p.confident_labels && !best.LooksUpright()) {
    PageReading other = Attempt(bgr, page, Turned(quad.corners), aspect, width);
    other.located = quad.located;
    if (other.score > best.score) best = std::move(other);
  }
  // The outline found may be an inner box (MRZ band, photo frame, background curves): try the
  // whole image as the card when the reading found few labels, or whenever the image has a card's
  // aspect (a crop). Confident readings of an inner box happen (a quad of guilloche curves can cut
  // the label column off a clean card). The whole image wins on more labels only (a phone photo's
  // whole image is a scene), by a clear margin when the outline has background all round. The
  // outline is also doubted when its shape contradicts the document read inside it and the image
  // itself may be the document: a passport page read from an ID-1-shaped box (the page above its
  // MRZ band) or a card read from a passport-shaped one; the whole image then wins ties.
  const std::string text = PageText(best.segs);
  const bool reads_passport = PageHas(text, "PASSPORT") || PageHas(text, "HO CHIEU");
  const bool shape_mismatch = quad.maybe_crop && best.score >= p.doubtful_labels &&
                              reads_passport != (best.aspect < p.passport_aspect_below);
  // A card photographed on a background has a margin on every side; an inner box of a crop shares
  // at least one of the crop's edges. Only such outlines cost a second page pass when their
  // reading is confident (a 7:5 phone photo has a passport page's aspect).
  const float edge =
      static_cast<float>(p.edge_margin) * static_cast<float>(std::max(bgr.cols, bgr.rows));
  const bool touches_edge =
      std::any_of(quad.corners.begin(), quad.corners.end(), [&](const cv::Point2f& c) {
        return c.x < edge || c.y < edge || c.x > static_cast<float>(bgr.cols) - edge ||
               c.y > static_cast<float>(bgr.rows) - edge;
      });
  const bool doubt_outline = best.score < p.doubtful_labels ||
                             (quad.maybe_crop && (best.conf < p.inner_box_conf || touches_edge));
  if (doubt_outline && quad.located) {
    // The whole image is rectified at its own aspect class, not the doubted outline's (a false
    // outline of background curves has any aspect).
    const double image_aspect = static_cast<double>(std::max(bgr.cols, bgr.rows)) /
                                std::max(1, std::min(bgr.cols, bgr.rows));
    const double whole_aspect =
        std::abs(image_aspect - kPassportAspect) < std::abs(image_aspect - kId1Aspect)
            ? kPassportAspect
            : kId1Aspect;
    // Same orientation as the best reading so far (the whole image's corners start top-left),
    // when that reading found any label; a reading with none says nothing about orientation, so
    // the image is read upright and, if still unsure, turned 180 degrees.
    std::vector<cv::Point2f> whole_corners = WholeImageCorners(bgr);
    const std::vector<cv::Point2f> turned = Turned(whole_corners);
    const bool orientation_known = best.score > 0;
    if (orientation_known &&
        cv::norm(whole_corners[0] - best.corners[0]) > cv::norm(whole_corners[2] - best.corners[0]))
      whole_corners = turned;
    // On a shape mismatch only an image shaped like the document read is worth a reading, and it
    // wins ties: the outline's labels are inside it too, and the outline cut the rest.
    const bool whole_fits =
        !shape_mismatch || reads_passport == (whole_aspect < p.passport_aspect_below);
    if (whole_fits) {
      PageReading whole = Attempt(bgr, page, whole_corners, whole_aspect, width);
      if (!orientation_known && check_rotate && whole.score < p.confident_labels &&
          !whole.LooksUpright()) {
        PageReading other = Attempt(bgr, page, turned, whole_aspect, width);
        if (other.score > whole.score) whole = std::move(other);
      }
      // An MRZ band that only the whole image shows (an inner box of a passport page or a chip
      // card back that stops above it) is worth as much as a label: the MRZ is the side's
      // strongest evidence.
      // For the same reason a reading that loses the outline's MRZ does not win on labels.
      const bool adds_mrz = whole.score >= best.score && !HasMrzText(best) && HasMrzText(whole);
      const bool loses_mrz = HasMrzText(best) && !HasMrzText(whole);
      const int margin = touches_edge ? 1 : p.framed_outline_label_margin;
      if ((!loses_mrz &&
           (whole.score >= best.score + margin || (shape_mismatch && whole.score == best.score))) ||
          adds_mrz) {
        best = std::move(whole);
        best.located = false;
      }
    }
  }
  return best;
}

int RotationOf(const std::vector<cv::Point2f>& c) {
  double ang = std::atan2(c[1].y - c[0].y, c[1].x - c[0].x) * 180.0 / CV_PI;
  int r = static_cast<int>(std::lround(ang / 90.0)) * 90;
  return ((r % 360) + 360) % 360;
}

}  // namespace ekyc::doc
