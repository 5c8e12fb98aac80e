#include "doc/words.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "doc/params.h"
#include "doc/text.h"

namespace ekyc::doc {
namespace {

std::vector<Token> Tokenize(const std::vector<Word>& words) {
  std::vector<Token> out;
  for (int i = 0; i < static_cast<int>(words.size()); ++i) {
    std::string f = FoldKey(words[i].text);
    std::string cur;
    for (char c : f) {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        cur.push_back(c);
      } else if (!cur.empty()) {
        out.push_back({cur, i});
        cur.clear();
      }
    }
    if (!cur.empty()) out.push_back({cur, i});
  }
  return out;
}

// Words clustered into text lines by their vertical centre against the line's running centre.
std::vector<std::vector<Word>> ClusterLines(std::vector<Word> words) {
  const GroupingParams& p = kGrouping;
  std::sort(words.begin(), words.end(), [](const Word& a, const Word& b) {
    return a.box.y + a.box.height / 2 < b.box.y + b.box.height / 2;
  });
  std::vector<std::vector<Word>> lines;
  std::vector<std::pair<double, double>> centre;  // (centre y, typical height) per line
  for (auto& w : words) {
    double cy = w.box.y + w.box.height / 2.0;
    int target = -1;
    for (int i = static_cast<int>(lines.size()) - 1; i >= 0; --i) {
      auto [lcy, lh] = centre[i];
      if (std::abs(lcy - cy) < p.same_line_centre * std::min<double>(lh, w.box.height)) {
        target = i;
        break;
      }
      if (lcy < cy - p.line_search_depth * std::max<double>(lh, w.box.height)) break;
    }
    if (target < 0) {
      lines.push_back({w});
      centre.emplace_back(cy, w.box.height);
    } else {
      auto& c = centre[target];
      double n = static_cast<double>(lines[target].size());
      c.first = (c.first * n + cy) / (n + 1);
      c.second = (c.second * n + w.box.height) / (n + 1);
      lines[target].push_back(w);
    }
  }
  return lines;
}

bool IsLabelTail(const Segment& s) {
  return s.words.size() == 1 && !s.words.front().text.empty() && s.words.front().text.back() == ':';
}

bool HasColon(const Segment& s) {
  return std::any_of(s.words.begin(), s.words.end(),
                     [](const Word& w) { return w.text.find(':') != std::string::npos; });
}

// A word whose box is taller (a descender: `dạng:`) can start a line of its own when the line
// before it was pulled up by a neighbouring column: a label's last word, alone with its colon,
// that continues a segment on the right and overlaps it vertically by half a line is joined to it,
// and so is a lone word that fills a gap between two words of a segment at its height. (Joining
// any continuation on the right also merged wrapped values with their neighbours.) Segments of any
// length that continue each other one word space apart at the same height are one line too.
void JoinStrayWords(std::vector<Segment>* segs_ptr) {
  const GroupingParams& p = kGrouping;
  std::vector<Segment>& segs = *segs_ptr;
  for (bool merged = true; merged;) {
    merged = false;
    for (size_t i = 0; i < segs.size() && !merged; ++i) {
      for (size_t j = 0; j < segs.size() && !merged; ++j) {
        if (i == j) continue;
        const cv::Rect& a = segs[i].box;
        const cv::Rect& b = segs[j].box;
        const int h = std::min(a.height, b.height);
        const int gap = b.x - a.br().x;
        const int overlap = std::min(a.br().y, b.br().y) - std::max(a.y, b.y);
        const bool adjacent =
            gap >= 0 && gap <= p.adjacent_join_gap * h && overlap >= p.adjacent_min_overlap * h;
        const bool lone = segs[j].words.size() == 1;
        const bool tail = lone && IsLabelTail(segs[j]) && !HasColon(segs[i]) &&
                          gap >= -p.tail_overlap_x * h &&
                          gap <= p.segment_gap * std::max(a.height, b.height) &&
                          overlap >= p.tail_min_overlap * h;
        bool in_gap = false;
        const auto& ws = segs[i].words;
        for (size_t k = 0; lone && k + 1 < ws.size() && !in_gap; ++k) {
          const double slack = p.gap_word_slack * h;
          in_gap = ws[k].box.br().x <= b.x + slack && b.br().x <= ws[k + 1].box.x + slack &&
                   overlap >= p.gap_word_min_overlap * h;
        }
        if (!adjacent && !tail && !in_gap) continue;
        for (auto& w : segs[j].words) segs[i].words.push_back(std::move(w));
        std::sort(segs[i].words.begin(), segs[i].words.end(),
                  [](const Word& x, const Word& y) { return x.box.x < y.box.x; });
        Finalize(&segs[i]);
        segs.erase(segs.begin() + static_cast<std::ptrdiff_t>(j));
        merged = true;
      }
    }
  }
}

// Top to bottom, then left to right.
void SortReadingOrder(std::vector<Segment>* segs) {
  std::sort(segs->begin(), segs->end(), [](const Segment& a, const Segment& b) {
    return a.box.y != b.box.y ? a.box.y < b.box.y : a.box.x < b.box.x;
  });
}

}  // namespace

void Finalize(Segment* s) {
  s->box = s->words.front().box;
  for (const auto& w : s->words) s->box |= w.box;
  s->tokens = Tokenize(s->words);
  s->key.clear();
  for (const auto& t : s->tokens) s->key += (s->key.empty() ? "" : " ") + t.key;
}

std::vector<Segment> BuildSegments(std::vector<Word> words) {
  std::vector<Segment> segs;
  for (auto& line : ClusterLines(std::move(words))) {
    std::sort(line.begin(), line.end(),
              [](const Word& a, const Word& b) { return a.box.x < b.box.x; });
    int h = 0;
    for (auto& w : line) h = std::max(h, w.box.height);
    Segment cur;
    for (auto& w : line) {
      if (!cur.words.empty() && w.box.x - cur.words.back().box.br().x > kGrouping.segment_gap * h) {
        Finalize(&cur);
        segs.push_back(std::move(cur));
        cur = Segment();
      }
      cur.words.push_back(w);
    }
    if (!cur.words.empty()) {
      Finalize(&cur);
      segs.push_back(std::move(cur));
    }
  }
  JoinStrayWords(&segs);
  segs.erase(
      std::remove_if(segs.begin(), segs.end(), [](const Segment& s) { return s.key.empty(); }),
      segs.end());
  SortReadingOrder(&segs);
  return segs;
}

namespace {

// The median of `gaps` without gap `skip`; infinite when fewer than `min_count` remain (a line's
// word space cannot be measured on them).
double SpacesOtherThan(const std::vector<int>& gaps, size_t skip, size_t min_count) {
  std::vector<int> other;
  for (size_t i = 0; i < gaps.size(); ++i)
    if (i != skip) other.push_back(gaps[i]);
  if (other.size() < min_count) return std::numeric_limits<double>::infinity();
  std::nth_element(other.begin(), other.begin() + static_cast<std::ptrdiff_t>(other.size() / 2),
                   other.end());
  return other[other.size() / 2];
}

}  // namespace

void SplitAtColumn(std::vector<Segment>* segs, int column_x, int below_y) {
  const GroupingParams& p = kGrouping;
  std::vector<Segment> out;
  bool split = false;
  for (auto& s : *segs) {
    int h = 0;
    for (const auto& w : s.words) h = std::max(h, w.box.height);
    size_t cut = 0;
    if (s.box.y + s.box.height / 2 >= below_y) {
      std::vector<int> gaps;
      for (size_t i = 0; i + 1 < s.words.size(); ++i)
        gaps.push_back(s.words[i + 1].box.x - s.words[i].box.br().x);
      for (size_t i = 0; i + 1 < s.words.size() && cut == 0; ++i) {
        const cv::Rect& a = s.words[i].box;
        const cv::Rect& b = s.words[i + 1].box;
        if (a.x + a.width / 2 >= column_x || b.x < column_x - p.column_edge_slack * h) continue;
        const int gap = gaps[i];
        if (gap > p.column_gap * h ||
            (gap > p.column_gap_min * h &&
             gap > p.column_gap_vs_spaces * SpacesOtherThan(gaps, i, p.column_spaces_min)))
          cut = i + 1;
      }
    }
    if (cut == 0) {
      out.push_back(std::move(s));
      continue;
    }
    Segment left, right;
    left.words.assign(s.words.begin(), s.words.begin() + static_cast<std::ptrdiff_t>(cut));
    right.words.assign(s.words.begin() + static_cast<std::ptrdiff_t>(cut), s.words.end());
    Finalize(&left);
    Finalize(&right);
    for (Segment* part : {&left, &right})
      if (!part->key.empty()) out.push_back(std::move(*part));
    split = true;
  }
  if (split) SortReadingOrder(&out);
  *segs = std::move(out);
}

std::string WordsText(const Segment& s, int from_word, int to_word) {
  std::string t;
  for (int i = from_word; i < to_word && i < static_cast<int>(s.words.size()); ++i)
    t += (t.empty() ? "" : " ") + s.words[i].text;
  return t;
}

std::string KeyFrom(const Segment& s, int from_word) {
  std::string key;
  for (const auto& t : s.tokens)
    if (t.word >= from_word) key += (key.empty() ? "" : " ") + t.key;
  return key;
}

bool HasAlnum(const std::string& text) {
  for (char c : FoldKey(text)) {
    if (std::isalnum(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

int AlnumWords(const std::string& text) {
  int n = 0;
  for (const auto& w : Split(CollapseSpaces(text), ' ')) n += HasAlnum(w) ? 1 : 0;
  return n;
}

double WordsConf(const Segment& s, int from_word, int to_word) {
  double sum = 0;
  int n = 0;
  for (int i = from_word; i < to_word && i < static_cast<int>(s.words.size()); ++i, ++n)
    sum += s.words[i].conf;
  return n ? sum / n : 0;
}

double AlnumConf(const Segment& s, int from_word, int to_word, int* count) {
  double sum = 0;
  int n = 0;
  for (int i = from_word; i < to_word && i < static_cast<int>(s.words.size()); ++i) {
    if (!HasAlnum(s.words[i].text)) continue;
    sum += s.words[i].conf;
    ++n;
  }
  *count = n;
  return n ? sum / n : 0;
}

double ReadingConfidence(const std::vector<Segment>& segs, int* words) {
  double sum = 0;
  int n = 0;
  for (const auto& sg : segs) {
    for (const auto& w : sg.words) {
      if (!HasAlnum(w.text)) continue;
      sum += w.conf;
      ++n;
    }
  }
  *words = n;
  return n ? sum / n : 0;
}

cv::Rect SpanBox(const std::vector<Segment>& segs, const Span& sp) {
  const Segment& sg = segs[sp.seg];
  cv::Rect box = sg.words[sp.from_word].box;
  for (int w = sp.from_word; w < sp.to_word; ++w) box |= sg.words[w].box;
  return box;
}

cv::Rect SpanLineBox(const std::vector<Segment>& segs, const Span& sp) {
  const Segment& sg = segs[sp.seg];
  const cv::Rect band = sg.words[sp.from_word > 0 ? sp.from_word - 1 : sp.from_word].box;
  // The words from the span's start while they stay on the band's line; a word box much taller
  // than the band spans two lines.
  cv::Rect box;
  for (int w = sp.from_word; w < sp.to_word; ++w) {
    const cv::Rect& b = sg.words[w].box;
    const int centre = b.y + b.height / 2;
    if (centre < band.y || centre >= band.br().y || 2 * b.height > 3 * band.height) break;
    box = box.empty() ? b : (box | b);
  }
  return box;
}

}  // namespace ekyc::doc
