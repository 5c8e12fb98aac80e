#include "doc/labels.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "doc/params.h"
#include "doc/text.h"

namespace ekyc::doc {
namespace {

std::string WithoutSpaces(std::string s) {
  std::erase(s, ' ');
  return s;
}

int WordCount(const std::string& folded) {
  return static_cast<int>(std::count(folded.begin(), folded.end(), ' ')) + 1;
}

// A bilingual label's English part is printed small (often italic) and read worse than its
// Vietnamese part: it gets a looser tolerance of its own on top of the Vietnamese part's.
int Tolerance(const std::string& label, const FieldSpec& spec) {
  if (spec.english == nullptr) return LabelTolerance(label.size());
  const std::string en = spec.english;
  if (label.size() <= en.size() + 1 || label.compare(label.size() - en.size(), en.size(), en) != 0)
    return LabelTolerance(label.size());
  const size_t vn = label.size() - en.size() - 1;
  return LabelTolerance(vn) +
         static_cast<int>(static_cast<double>(en.size()) * kLabels.english_part_tolerance);
}

}  // namespace

int LabelTolerance(size_t len) {
  const LabelParams& p = kLabels;
  return len < p.exact_below_chars ? 0 : static_cast<int>(len / p.chars_per_edit);
}

bool MatchIn(const Segment& seg, int si, const std::string& label, bool at_start, Match* out,
             int tolerance) {
  if (tolerance < 0) tolerance = LabelTolerance(label.size());
  bool found = false;
  const int n = static_cast<int>(seg.tokens.size());
  const int label_words = WordCount(label);
  const std::string glued_label = WithoutSpaces(label);
  for (int i = 0; i < (at_start ? std::min(n, 1) : n); ++i) {
    std::string joined;
    for (int j = i; j < n && j < i + label_words + kLabels.extra_tokens; ++j) {
      joined += (j > i ? " " : "") + seg.tokens[j].key;
      if (joined.size() > label.size() + kLabels.extra_chars) break;
      int d = EditDistance(joined, label);
      if (label_words > 1 && j - i + 1 < label_words)
        d = std::min(d, EditDistance(WithoutSpaces(joined), glued_label) + kLabels.glued_cost);
      if (d <= tolerance && (!found || d < out->dist)) {
        *out = {si, i, j + 1, d, label.size()};
        found = true;
      }
    }
  }
  return found;
}

std::string PageText(const std::vector<Segment>& segs) {
  std::string page;
  for (const auto& sg : segs) page += sg.key + " | ";
  return page;
}

cv::Rect LabelBox(const std::vector<Segment>& segs, const Match& m) {
  const Segment& s = segs[m.seg];
  cv::Rect box = s.words[s.tokens[m.first_tok].word].box;
  for (int t = m.first_tok; t < m.end_tok; ++t) box |= s.words[s.tokens[t].word].box;
  return box;
}

bool PageHas(const std::string& page, const std::string& key) {
  return BestSubstringDistance(page, key) <= LabelTolerance(key.size());
}

LabelMap::LabelMap(const std::vector<Segment>& segs, const std::vector<FieldSpec>& specs)
    : segs_(segs), specs_(specs) {
  // Best match per field (lower distance, then longer label); every label start is then a value
  // boundary.
  for (const FieldSpec& spec : specs_) {
    Match best;
    bool found = false;
    for (const char* label : spec.labels) {
      const int tolerance = Tolerance(label, spec);
      for (size_t si = 0; si < segs_.size(); ++si) {
        Match m;
        if (!MatchIn(segs_[si], static_cast<int>(si), label, spec.at_start, &m, tolerance))
          continue;
        // Inside a line a short label must be read exactly: with one edit allowed, `QUE QUAN` was
        // found in a residence's `…, Phường Tân Quý, Quận …` (`QUY QUAN`).
        if (m.first_tok > 0 && m.dist > 0 && std::strlen(label) < kLabels.short_label_chars)
          continue;
        if (!found || m.dist < best.dist || (m.dist == best.dist && m.len > best.len)) {
          best = m;
          found = true;
        }
      }
      if (found && best.dist == 0) break;
    }
    if (found) matches_[spec.field] = best;
  }
  DropOutOfOrderShortLabels();
  InferMissingLabels();
  FindPartialLabels();
  FindEnglishLabels();
}

// The table lists a side's fields in reading order within a column. A short label ("Số", "Họ
// tên") is also the first word of other lines ("Số 12 Lê Lợi, ..."); matched wholly below the
// label of a field the table puts after it, in the same column, it is such a line, not the label
// (the label itself went unread). Labels in another column (an expiry under the portrait) do not
// count.
void LabelMap::DropOutOfOrderShortLabels() {
  for (size_t f = 0; f < specs_.size(); ++f) {
    auto it = matches_.find(specs_[f].field);
    if (it == matches_.end() || it->second.len >= kLabels.short_label_chars) continue;
    const cv::Rect box = LabelBox(segs_, it->second);
    for (size_t g = f + 1; g < specs_.size(); ++g) {
      auto later = matches_.find(specs_[g].field);
      if (later == matches_.end()) continue;
      const cv::Rect other = LabelBox(segs_, later->second);
      const bool same_column =
          std::min(box.br().x, other.br().x) > std::max(box.x, other.x);
      if (same_column && other.br().y < box.y) {
        matches_.erase(it);
        break;
      }
    }
  }
}

// A short label the page pass garbled ("Họ tên:" read as "nọ te:") leaves its value unread. When
// the next field's label was found, one of the lines above it in the same column (at most the
// field's line count) is this field's first line: the nearest that starts with a garbled label
// (GarbledLabelAt). A wrapped address puts its last line in between; marks read on the portrait
// are not in the column. Failing that, the lines under the previous field's label are searched
// the same way.
void LabelMap::InferMissingLabels() {
  for (size_t f = 0; f + 1 < specs_.size(); ++f) {
    const FieldSpec& spec = specs_[f];
    if (matches_.count(spec.field) || spec.below) continue;
    auto next = matches_.find(specs_[f + 1].field);
    if (next == matches_.end()) continue;
    if (auto m = GarbledLabelInColumn(spec, next->second.seg, -1, spec.max_lines))
      matches_[spec.field] = *m;
  }
  // The same from the other side, for a field with no label after it (the last of its column) or
  // none found: when the previous field's label was found, one of the lines under it in the same
  // column (at most that field's line count, and its label's line) starts with this field's
  // garbled label.
  for (size_t f = 1; f < specs_.size(); ++f) {
    const FieldSpec& spec = specs_[f];
    if (matches_.count(spec.field) || spec.below) continue;
    auto prev = matches_.find(specs_[f - 1].field);
    if (prev == matches_.end()) continue;
    if (auto m = GarbledLabelInColumn(spec, prev->second.seg, 1, specs_[f - 1].max_lines + 1))
      matches_[spec.field] = *m;
  }
}

std::optional<Match> LabelMap::GarbledLabelInColumn(const FieldSpec& spec, int anchor, int step,
                                                    int max_lines) const {
  const LabelParams& p = kLabels;
  const cv::Rect a = segs_[anchor].box;
  const int h = std::max(p.min_line_height_px, a.height);
  const bool up = step < 0;
  int edge = up ? a.y : a.br().y;  // the far edge of the last line passed
  int lines = 0;
  for (int si = anchor + step; si >= 0 && si < static_cast<int>(segs_.size()) && lines < max_lines;
       si += step) {
    const cv::Rect& b = segs_[si].box;
    // On the label's own line: above its top quarter, below its top three quarters.
    if (up ? b.br().y > a.y + a.height / 4 : b.y < a.y + a.height * 3 / 4) continue;
    if (std::abs(b.x - a.x) > p.column_tolerance * h) continue;
    const int gap = up ? edge - b.br().y : b.y - edge;
    if (IsLabelSegment(si) || gap > p.max_line_gap * h) break;
    ++lines;
    edge = up ? b.y : b.br().y;
    if (auto m = GarbledLabelAt(si, spec)) return m;
  }
  return std::nullopt;
}

// A label the page pass read only in part: its first word lost at the line's start (into the
// portrait column's text, under glare) or its last words garbled. For a field whose label was not
// found, at the start of a line not taken by another label:
// - the label's last words, ending at a colon ("…thường trú:" read "tường trụ:");
// - its first words (only this field's label starts with them), followed by at most as many words
//   as the label has left, each ending at a colon or in lower case (a value starts with a capital
//   or a digit), which are the rest of the label however garbled; a short first part (a
//   two-word label's first word) only when exactly the label's remaining word count follows,
//   the last ending at a colon ("Giới tính:" read "Giới nh:").
void LabelMap::FindPartialLabels() {
  for (const FieldSpec& spec : specs_) {
    if (matches_.count(spec.field)) continue;
    std::optional<Match> best;
    for (const char* label : spec.labels) {
      for (int si = 0; si < static_cast<int>(segs_.size()); ++si) {
        if (IsLabelSegment(si)) continue;
        std::optional<Match> m = HeadOfLabel(si, label, spec);
        if (!m) m = TailOfLabel(si, label);
        if (m && (!best || m->dist < best->dist)) best = m;
      }
    }
    if (best) matches_[spec.field] = *best;
  }
}

// A bilingual label whose Vietnamese part was garbled past matching ("ng ký khai sinh") still has
// its English part, printed on a line of its own under it or after a slash: a line that starts with
// it is the label when no other field of the side has that English label.
void LabelMap::FindEnglishLabels() {
  for (const FieldSpec& spec : specs_) {
    if (matches_.count(spec.field) || spec.english == nullptr) continue;
    const std::string en = spec.english;
    const bool unique = std::none_of(specs_.begin(), specs_.end(), [&](const FieldSpec& other) {
      return other.field != spec.field && other.english != nullptr && en == other.english;
    });
    if (!unique) continue;
    std::optional<Match> best;
    for (int si = 0; si < static_cast<int>(segs_.size()); ++si) {
      if (IsLabelSegment(si)) continue;
      Match m;
      if (!MatchIn(segs_[si], si, en, true, &m)) continue;
      if (!best || m.dist < best->dist) best = m;
    }
    if (!best) continue;
    best->dist += LabelTolerance(en.size()) + 1;  // weaker than a whole label
    matches_[spec.field] = *best;
  }
}

std::optional<Match> LabelMap::HeadOfLabel(int si, const std::string& label,
                                           const FieldSpec& spec) const {
  const Segment& seg = segs_[si];
  const std::vector<std::string> words = Split(label, ' ');
  const int n = static_cast<int>(seg.tokens.size());
  for (int k = static_cast<int>(words.size()) - 1; k >= 1; --k) {
    std::string head;
    for (int i = 0; i < k; ++i) head += (i ? " " : "") + words[i];
    if (head.size() < kLabels.partial_head_closed_chars) break;
    const bool short_head = head.size() < kLabels.partial_label_chars;
    bool unique = true;
    for (const FieldSpec& other : specs_) {
      if (other.field == spec.field) continue;
      for (const char* l : other.labels)
        if (std::string_view(l).starts_with(head)) unique = false;
    }
    if (!unique) continue;
    Match m;
    if (!MatchIn(seg, si, head, true, &m)) continue;
    // The rest of the label: words ending at a colon (inclusive) or in lower case.
    const int rest = static_cast<int>(words.size()) - k;
    int end = m.end_tok;
    bool closed = false;
    for (int t = m.end_tok; t < n && t < m.end_tok + rest; ++t) {
      const std::string& text = seg.words[seg.tokens[t].word].text;
      if (text.ends_with(':')) {
        end = t + 1;
        closed = end - m.end_tok == rest;
        break;
      }
      if (!StartsLowercase(text)) break;
      end = t + 1;
    }
    if (short_head && !closed) continue;
    m.end_tok = end;
    m.dist += LabelTolerance(label.size()) + 1;  // weaker than any whole label
    m.len = label.size();
    return m;
  }
  return std::nullopt;
}

std::optional<Match> LabelMap::TailOfLabel(int si, const std::string& label) const {
  const Segment& seg = segs_[si];
  const std::vector<std::string> words = Split(label, ' ');
  const int n = static_cast<int>(seg.tokens.size());
  for (int k = static_cast<int>(words.size()) - 1; k >= 1; --k) {
    std::string tail;
    for (int i = static_cast<int>(words.size()) - k; i < static_cast<int>(words.size()); ++i)
      tail += (tail.empty() ? "" : " ") + words[i];
    if (tail.size() < kLabels.partial_label_chars) break;
    Match m;
    if (!MatchIn(seg, si, tail, true, &m) || m.end_tok >= n) continue;
    if (!seg.words[seg.tokens[m.end_tok - 1].word].text.ends_with(':')) continue;
    m.dist += LabelTolerance(label.size()) + 1;
    m.len = label.size();
    return m;
  }
  return std::nullopt;
}

std::optional<Match> LabelMap::GarbledLabelAt(int si, const FieldSpec& spec) const {
  const Segment& seg = segs_[si];
  const int n = static_cast<int>(seg.words.size());
  std::string shortest = spec.labels.back();
  const int label_words = WordCount(shortest);
  // The label's last word: the first ending at a colon within the label's word count (and one
  // more for a word split in two)...
  int last = -1;
  for (int w = 0; w <= label_words && w < n - 1; ++w) {
    if (seg.words[w].text.back() == ':') {
      last = w;
      break;
    }
  }
  // ...or, for a value printed in capitals, the last of at most the label's word count of words
  // in lower case that a word in capitals follows.
  if (last < 0 && spec.capitals) {
    int w = 0;
    while (w < label_words && w < n - 1 && StartsLowercase(seg.words[w].text)) ++w;
    if (w > 0 && MostlyUppercase(seg.words[w].text)) last = w - 1;
  }
  if (last < 0) return std::nullopt;
  Match m;
  m.seg = si;
  m.first_tok = 0;
  m.end_tok = static_cast<int>(seg.tokens.size());
  for (int t = 0; t < static_cast<int>(seg.tokens.size()); ++t) {
    if (seg.tokens[t].word > last) {
      m.end_tok = t;
      break;
    }
  }
  m.dist = LabelTolerance(shortest.size()) + 1;
  m.len = shortest.size();
  if (m.end_tok > 0 && m.end_tok < static_cast<int>(seg.tokens.size())) return m;
  return std::nullopt;
}

std::optional<Match> LabelMap::LabelOf(const std::string& field) const {
  auto it = matches_.find(field);
  if (it == matches_.end()) return std::nullopt;
  return it->second;
}

bool LabelMap::IsLabelSegment(int si) const {
  for (const auto& [f, m] : matches_)
    if (m.seg == si) return true;
  return false;
}

}  // namespace ekyc::doc
