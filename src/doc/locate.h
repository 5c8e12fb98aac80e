// Card location and rectification (internal to doc).
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "core/status.h"

namespace ekyc::doc {

struct CardQuad {
  std::vector<cv::Point2f> corners;  // TL, TR, BR, BL in image coordinates, long side first
  bool located = false;              // false when the whole image is taken as the card
  double aspect = 0;                 // long side / short side of the quad
  // The image itself has a card's aspect and the outline found is clearly smaller: it may be an
  // inner box of a cropped card (MRZ band, fingerprint frame) – the caller should try both.
  bool maybe_crop = false;
};

// Finds the largest plausible card quadrilateral (ID-1 85.6×54 or passport page 125×88 aspect).
// Corners are ordered so that TL→TR is a long side; whether the card is then upside down is for
// the caller to find out. Falls back to the whole image when it already has a card's aspect.
Result<CardQuad> LocateCard(const cv::Mat& bgr);

// The image's own corners in the same order convention (long side first).
std::vector<cv::Point2f> WholeImageCorners(const cv::Mat& bgr);

// Perspective-warps the quad to `width` × round(width / aspect_target).
cv::Mat Rectify(const cv::Mat& bgr, const std::vector<cv::Point2f>& corners, int width,
                double aspect);

}  // namespace ekyc::doc
