// The reader's page recogniser built from the project's own parts: the text detector finds the
// lines (line_finder.h) and the trained line recogniser reads each of them (ctc_recognizer.h),
// which cuts it into words at its spaces. A PageRecognizer (recognizer.h), so the stages that
// group words, match labels and extract values do not know which recogniser read the page.
//
// Thread-safety: NOT thread-safe (owns model sessions); one per worker, like DocReader.
#pragma once

#include <memory>

#include "core/status.h"
#include "doc/ctc_recognizer.h"
#include "doc/line_finder.h"
#include "doc/recognizer.h"

namespace ekyc::doc {

class CtcPageRecognizer final : public PageRecognizer {
 public:
  static Result<std::unique_ptr<CtcPageRecognizer>> Create(
      std::shared_ptr<const infer::ModelSet> models);
  ~CtcPageRecognizer() override;

  // Words of every line found in `gray` (kPage and kBlock alike: the detector finds the lines of a
  // block as it does those of a page), boxes in `gray`'s pixels.
  std::vector<Word> Words(const cv::Mat& gray, Layout layout) override;
  // One reading per line found, top to bottom, with per-character x in `gray`'s pixels.
  std::vector<LineReading> Lines(const cv::Mat& gray) override;

  CtcLineRecognizer& line_recognizer() { return *lines_; }

 private:
  CtcPageRecognizer() = default;
  // Each detected line's box and its reading (positions still in the line crop's pixels).
  std::vector<std::pair<cv::Rect, LineReading>> ReadAll(const cv::Mat& gray);
  std::unique_ptr<LineFinder> finder_;
  std::unique_ptr<CtcLineRecognizer> lines_;
};

}  // namespace ekyc::doc
