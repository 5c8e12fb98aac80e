// Word-box fixtures for the reader's stage tests: a page as the page recogniser would return it.
#pragma once

#include <string>
#include <vector>

#include "doc/layout.h"
#include "doc/recognizer.h"
#include "doc/words.h"

namespace ekyc::doc::testing {

// One word: text, left, top, width, height (pixels on a 1000 px card), confidence [0, 1].
struct W {
  const char* text;
  int x, y, w, h;
  double conf = 0.9;
};

inline std::vector<Word> Words(const std::vector<W>& ws) {
  std::vector<Word> out;
  for (const W& w : ws) out.push_back({w.text, cv::Rect(w.x, w.y, w.w, w.h), w.conf});
  return out;
}

inline std::vector<Segment> Page(const std::vector<W>& ws) {
  return BuildSegments(Words(ws));
}

// A side's two address fields in table order, each up to two lines.
inline std::vector<FieldSpec> OriginAndResidence() {
  return {{"nguyen_quan", FieldKind::kAddress, {"QUE QUAN"}, nullptr, 2},
          {"ho_khau_thuong_tru", FieldKind::kAddress, {"NOI THUONG TRU"}, nullptr, 2}};
}

// A line recogniser that answers from a script and records what it was asked.
class ScriptedLines : public LineRecognizer {
 public:
  explicit ScriptedLines(std::vector<LineReading> answers) : answers_(std::move(answers)) {}
  LineReading ReadLine(const cv::Mat& gray_line) override {
    sizes.push_back(gray_line.size());
    if (answers_.empty()) return {};
    LineReading r = answers_[std::min(next_, answers_.size() - 1)];
    ++next_;
    return r;
  }
  std::vector<cv::Size> sizes;

 private:
  std::vector<LineReading> answers_;
  size_t next_ = 0;
};

// A page recogniser that returns fixed words for blocks.
class ScriptedPage : public PageRecognizer {
 public:
  explicit ScriptedPage(std::vector<Word> words = {}) : words_(std::move(words)) {}
  std::vector<Word> Words(const cv::Mat&, Layout) override {
    ++calls;
    return words_;
  }
  std::vector<LineReading> Lines(const cv::Mat&) override { return lines; }
  std::vector<LineReading> lines;
  int calls = 0;

 private:
  std::vector<Word> words_;
};

}  // namespace ekyc::doc::testing
