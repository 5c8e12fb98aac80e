#include "doc/missed_lines.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "doc/params.h"

namespace ekyc::doc {

std::vector<cv::Rect> UncoveredLines(const std::vector<cv::Rect>& detected,
                                     const std::vector<Segment>& segs, cv::Size page) {
  const cv::Rect frame(cv::Point(0, 0), page);
  std::vector<cv::Rect> out;
  for (const cv::Rect& d : detected) {
    const cv::Rect b = d & frame;
    if (b.height < kMissedLine.min_height || b.width < b.height) continue;
    // The share of the line's width under page words centred in it: the detector's box is
    // grown around the ink, word boxes are tight, so areas would undercount a line read well.
    std::vector<uchar> under(static_cast<size_t>(b.width), 0);
    double conf = 0;
    int alnum = 0;
    for (const auto& s : segs)
      for (const auto& w : s.words) {
        if (!b.contains(cv::Point(w.box.x + w.box.width / 2, w.box.y + w.box.height / 2)))
          continue;
        for (int x = std::max(w.box.x, b.x); x < std::min(w.box.br().x, b.br().x); ++x)
          under[static_cast<size_t>(x - b.x)] = 1;
        if (HasAlnum(w.text)) {
          conf += w.conf;
          ++alnum;
        }
      }
    const double share =
        static_cast<double>(std::count(under.begin(), under.end(), 1)) / b.width;
    // Read, but unsure of it: a small label beside a large value, or a light line the page
    // pass made guesses of.
    const bool doubtful = alnum > 0 && conf / alnum < kMissedLine.min_page_conf;
    if (share < kMissedLine.max_covered || doubtful) out.push_back(b);
  }
  return out;
}

int AddRecoveredLines(const std::vector<std::pair<cv::Rect, LineReading>>& lines,
                      std::vector<Segment>* segs) {
  std::vector<const std::pair<cv::Rect, LineReading>*> kept;
  for (const auto& line : lines)
    if (HasAlnum(line.second.text) && line.second.conf >= kMissedLine.min_conf)
      kept.push_back(&line);
  if (kept.empty()) return 0;
  auto inside_kept = [&](const cv::Rect& w) {
    const cv::Point c(w.x + w.width / 2, w.y + w.height / 2);
    return std::any_of(kept.begin(), kept.end(), [&](auto* l) { return l->first.contains(c); });
  };
  std::vector<Word> words;
  for (auto& s : *segs)
    for (auto& w : s.words)
      if (!inside_kept(w.box)) words.push_back(std::move(w));
  for (const auto* l : kept)
    for (const Word& w : l->second.words)
      words.push_back({w.text, cv::Rect(l->first.x + w.box.x, l->first.y, w.box.width,
                                        l->first.height),
                       w.conf});
  *segs = BuildSegments(std::move(words));
  return static_cast<int>(kept.size());
}

MissedLineReader::~MissedLineReader() = default;

Result<std::unique_ptr<MissedLineReader>> MissedLineReader::Create(
    std::shared_ptr<const infer::ModelSet> models) {
  std::unique_ptr<MissedLineReader> r(new MissedLineReader());
  EKYC_ASSIGN_OR_RETURN(r->finder_, LineFinder::Create(std::move(models)));
  return r;
}

int MissedLineReader::Recover(const cv::Mat& gray, LineRecognizer& lines,
                              std::vector<Segment>* segs) {
  if (gray.empty()) return 0;
  cv::Mat bgr;
  cv::cvtColor(gray, bgr, cv::COLOR_GRAY2BGR);
  auto found = finder_->Find(bgr);
  if (!found.ok()) return 0;
  std::vector<cv::Rect> boxes;
  for (const TextLineBox& l : *found) boxes.push_back(l.box);
  std::vector<std::pair<cv::Rect, LineReading>> read;
  for (const cv::Rect& b : UncoveredLines(boxes, *segs, gray.size())) {
    LineReading r = lines.ReadLine(gray(b));
    if (!r.text.empty()) read.emplace_back(b, std::move(r));
  }
  return AddRecoveredLines(read, segs);
}

}  // namespace ekyc::doc
