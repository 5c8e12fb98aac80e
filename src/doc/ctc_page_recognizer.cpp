#include "doc/ctc_page_recognizer.h"

#include <opencv2/imgproc.hpp>

namespace ekyc::doc {

CtcPageRecognizer::~CtcPageRecognizer() = default;

Result<std::unique_ptr<CtcPageRecognizer>> CtcPageRecognizer::Create(
    std::shared_ptr<const infer::ModelSet> models) {
  std::unique_ptr<CtcPageRecognizer> p(new CtcPageRecognizer());
  EKYC_ASSIGN_OR_RETURN(p->finder_, LineFinder::Create(models));
  EKYC_ASSIGN_OR_RETURN(p->lines_, CtcLineRecognizer::Create(models));
  return p;
}

std::vector<std::pair<cv::Rect, LineReading>> CtcPageRecognizer::ReadAll(const cv::Mat& gray) {
  std::vector<std::pair<cv::Rect, LineReading>> out;
  if (gray.empty()) return out;
  cv::Mat bgr;
  cv::cvtColor(gray, bgr, cv::COLOR_GRAY2BGR);
  auto boxes = finder_->Find(bgr);
  if (!boxes.ok()) return out;
  for (const TextLineBox& line : *boxes) {
    LineReading r = lines_->ReadLine(gray(line.box));
    if (!r.text.empty()) out.emplace_back(line.box, std::move(r));
  }
  return out;
}

std::vector<Word> CtcPageRecognizer::Words(const cv::Mat& gray, Layout /*layout*/) {
  std::vector<Word> words;
  for (auto& [box, reading] : ReadAll(gray)) {
    for (Word& w : reading.words) {
      w.box = cv::Rect(w.box.x + box.x, box.y, w.box.width, box.height);
      words.push_back(std::move(w));
    }
  }
  return words;
}

std::vector<LineReading> CtcPageRecognizer::Lines(const cv::Mat& gray) {
  std::vector<LineReading> lines;
  for (auto& [box, reading] : ReadAll(gray)) {
    for (float& x : reading.char_x) x += static_cast<float>(box.x);
    for (Word& w : reading.words) w.box = cv::Rect(w.box.x + box.x, box.y, w.box.width, box.height);
    lines.push_back(std::move(reading));
  }
  return lines;
}

}  // namespace ekyc::doc
