// Finding the card and reading its page: the card's outline located and rectified, the page read
// by the page recogniser, turned 180° when the reading does not look upright, and the whole image
// read instead when the outline found looks like an inner box (MRZ band, portrait frame,
// background curves) or contradicts the document read inside it.
//
// Thread-safety: not thread-safe (uses the page recogniser); one call at a time per recogniser.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "core/status.h"
#include "doc/recognizer.h"
#include "doc/words.h"

namespace ekyc::doc {

struct PageReading {
  std::vector<cv::Point2f> corners;  // of the card in the input image, TL TR BR BL upright
  double aspect = 0;                 // of the rectified card: ID-1 or passport page
  bool located = false;              // false: the whole image was taken as the card
  cv::Mat card, gray;                // rectified card (BGR) and its text image (TextGray)
  std::vector<Segment> segs;
  int score = -1;   // known labels read (OrientationScore)
  double conf = 0;  // mean confidence of the words with letters or digits, [0, 1]
  int words = 0;    // number of those words
  bool LooksUpright() const;
};

// Grey image for OCR: the darkest channel keeps coloured ink (red ID numbers, blue titles) dark
// and pastel backgrounds and guilloche light; dividing by a blurred background evens out lighting.
cv::Mat TextGray(const cv::Mat& bgr);

// Locates, rectifies (`width` px wide) and reads the card in `bgr`. Errors: doc.card_not_found,
// doc.card_too_small (from LocateCard).
Result<PageReading> ReadCardPage(const cv::Mat& bgr, PageRecognizer& page, int width,
                                 bool check_rotate);

// Degrees clockwise the card was turned, from its upright corners in the image.
int RotationOf(const std::vector<cv::Point2f>& corners);

}  // namespace ekyc::doc
