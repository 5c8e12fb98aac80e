// Lines the page pass missed. A page recogniser's layout analysis drops small, light print (a
// label printed in grey beside a large value, the issue date in words on a back), so the field
// it labels cannot be found. The text detector (line_finder.h) sees every line; those that the
// page's words cover less than half of are read by a line recogniser and put among the segments
// in place of the few words the page pass made of them.
//
// Thread-safety: MissedLineReader is NOT thread-safe (owns the detector's session); the free
// functions are pure.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <utility>
#include <vector>

#include "core/status.h"
#include "doc/line_finder.h"
#include "doc/recognizer.h"
#include "doc/words.h"
#include "infer/infer.h"

namespace ekyc::doc {

// The detected line boxes less than kMissedLine.max_covered of whose width lies under the words
// of `segs` centred in them.
std::vector<cv::Rect> UncoveredLines(const std::vector<cv::Rect>& detected,
                                     const std::vector<Segment>& segs, cv::Size page);

// `segs` regrouped with the recovered lines' words (boxes in page pixels) in place of the page
// words whose centre lies in a recovered line's box. Readings without letters or digits, or
// below kMissedLine.min_conf, are left out. Returns the number of lines added.
int AddRecoveredLines(const std::vector<std::pair<cv::Rect, LineReading>>& lines,
                      std::vector<Segment>* segs);

class MissedLineReader {
 public:
  static Result<std::unique_ptr<MissedLineReader>> Create(
      std::shared_ptr<const infer::ModelSet> models);
  ~MissedLineReader();
  // Finds the lines of `gray` (the page pass's image, in whose pixels `segs` are) that the
  // segments miss, reads each with `lines` and adds them (AddRecoveredLines). Returns the number
  // of lines added; 0 when the detector fails.
  int Recover(const cv::Mat& gray, LineRecognizer& lines, std::vector<Segment>* segs);

 private:
  MissedLineReader() = default;
  std::unique_ptr<LineFinder> finder_;
};

}  // namespace ekyc::doc
