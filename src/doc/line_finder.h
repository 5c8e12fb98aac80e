// Finds the text lines of a rectified card with the PP-OCRv4 text detector (DB: a per-pixel
// text probability map, from the pinned `ppocr-det` model of the model set), so that the line
// recogniser reads each line on its own.
//
// DB predicts a shrunk core of every text region; a connected region of the thresholded map is
// grown back by the detector's own "unclip" rule (offset = area x ratio / perimeter) to cover the
// line's ink. Regions whose mean probability is low (background texture, seals, the portrait's
// edges) are dropped.
//
// Thread-safety: NOT thread-safe (it owns an infer::Session); one per worker.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <vector>

#include "core/status.h"
#include "infer/infer.h"

namespace ekyc::doc {

struct TextLineBox {
  cv::Rect box;        // in the input image's pixels
  double score = 0.0;  // mean text probability inside the detected core
};

struct LineFinderOptions {
  std::string model_id = "ppocr-det";
  // PP-OCR's published defaults for DB post-processing.
  double pixel_threshold = 0.3;  // a pixel is text above this probability
  double box_threshold = 0.6;    // a region is kept when its mean probability reaches this
  double unclip_ratio = 1.5;     // growth of the core back to the text's extent
  int min_core_side = 2;         // px in the detector's map; smaller regions are noise
};

class LineFinder {
 public:
  static Result<std::unique_ptr<LineFinder>> Create(std::shared_ptr<const infer::ModelSet> models,
                                                    const LineFinderOptions& options = {});
  ~LineFinder();
  // Line boxes, top to bottom then left to right.
  Result<std::vector<TextLineBox>> Find(const cv::Mat& bgr);

 private:
  LineFinder() = default;
  LineFinderOptions options_;
  std::unique_ptr<infer::Session> session_;
  cv::Size input_size_;
  cv::Scalar mean_, std_;
};

}  // namespace ekyc::doc
