#include "doc/extract.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <optional>
#include <regex>
#include <set>

#include "doc/fields.h"
#include "doc/params.h"
#include "doc/text.h"
#include "vn/vn.h"

namespace ekyc::doc {

namespace {

// Whether a word of [from, to) is in capitals (more upper-case letters than lower-case).
bool HasWordInCapitals(const Segment& s, int from, int to) {
  for (int w = from; w < to && w < static_cast<int>(s.words.size()); ++w) {
    if (MostlyUppercase(s.words[w].text)) return true;
  }
  return false;
}

// Where the words after `spec`'s English label start on a line of segment `s` that starts with it
// at word `from`: the end of the run of words that reads most like the label (the segment's end
// when that is the whole line).
int AfterOwnEnglishLabel(const Segment& s, int from, const FieldSpec& spec) {
  const int n = static_cast<int>(s.words.size());
  if (spec.english == nullptr) return n;
  const std::string en = spec.english;
  // The run of words from `from` that reads most like the label; ties go to the longer run.
  int best_end = n;
  int best = EditDistance(KeyFrom(s, from), en);
  std::string key;
  for (int end = from + 1; end < n; ++end) {
    for (const auto& t : s.tokens)
      if (t.word == end - 1) key += (key.empty() ? "" : " ") + t.key;
    const int d = EditDistance(key, en);
    if (d < best) {
      best = d;
      best_end = end;
    }
  }
  return best_end;
}

}  // namespace

// Segments below the label box `lab` (in segment `ref`) and roughly left-aligned with it or with
// the value's first line. Words lying wholly left of the label's column are dropped first: the page
// pass glues marks read on the portrait to a wrapped value's last line ("à. Ngãi"), which would
// otherwise shift that line out of the column and lose it, or add their text to the value. A
// bilingual print run may put the field's English sub-label on a line of its own, before or after
// the value: such a line is passed over.
std::vector<ValueExtractor::Line> ValueExtractor::Below(int ref, cv::Rect lab, int value_x,
                                                        int count, const FieldSpec& spec) const {
  const ExtractParams& p = kExtract;
  std::vector<Line> out;
  int x = lab.x;
  int last_bottom = lab.br().y;  // lines whose centre is above this are not below
  int gap_from = last_bottom;    // the next line must start within a line gap of this
  int h = std::max(p.min_line_height_px, lab.height);
  for (size_t i = 0; i < segs_.size() && static_cast<int>(out.size()) < count; ++i) {
    const Segment& s = segs_[i];
    if (static_cast<int>(i) == ref) continue;
    int from = 0;
    const int n = static_cast<int>(s.words.size());
    while (from < n && s.words[from].box.br().x <= x) ++from;
    if (from == n) continue;
    cv::Rect box = s.words[from].box;
    for (int w = from; w < n; ++w) box |= s.words[w].box;
    if (box.y + box.height / 2 <= last_bottom) continue;
    if (box.y - gap_from > p.below_max_gap * h) break;
    const int tolerance = static_cast<int>(p.below_column_tolerance * h);
    if (std::abs(box.x - x) > tolerance && (value_x < 0 || std::abs(box.x - value_x) > tolerance))
      continue;
    // A line in lower case under the label of a value printed in capitals (names, a passport's
    // texts) is the label's English sub-label, however garbled.
    const bool not_the_value = spec.capitals && MostlyLowercase(WordsText(s, from, n));
    if (IsEnglishLabel(KeyFrom(s, from), &spec) || not_the_value) {
      // The value's next words may be read into the sub-label's segment, after it: they are the
      // value's next line.
      const int after = not_the_value ? n : AfterOwnEnglishLabel(s, from, spec);
      if (after < n && HasLetterOrDigit(WordsText(s, after, n))) {
        last_bottom = box.br().y;
        gap_from = last_bottom;
        out.push_back({static_cast<int>(i), after});
        continue;
      }
      // Passed over, but the rest of its text line may hold the value (the sub-label printed under
      // the label, the value's next line beside it).
      last_bottom = std::max(last_bottom, box.y);
      gap_from = std::max(gap_from, box.br().y);
      continue;
    }
    last_bottom = box.br().y;
    gap_from = last_bottom;
    out.push_back({static_cast<int>(i), from});
  }
  return out;
}

bool ValueExtractor::BesideOtherLabel(int si, int from, const FieldSpec& spec,
                                      cv::Rect own_label) const {
  const ExtractParams& p = kExtract;
  const Segment& s = segs_[si];
  const cv::Rect line = SpanBox(segs_, {si, from, static_cast<int>(s.words.size())});
  const double cy = line.y + line.height / 2.0;
  const int h = std::max(p.min_line_height_px, own_label.height);
  for (const auto& [field, m] : labels_.matches()) {
    if (field == spec.field) continue;
    const cv::Rect lb = LabelBox(segs_, m);
    if (lb.br().x > line.x + p.overlap_slack_px) continue;  // the label starts its text line
    if (std::abs(lb.x - own_label.x) > p.below_column_tolerance * h) continue;  // another column
    if (std::abs(lb.y + lb.height / 2.0 - cy) <= p.beside_centre * std::max(lb.height, line.height))
      return true;
  }
  return false;
}

bool ValueExtractor::IsEnglishLabel(const std::string& key, const FieldSpec* spec) const {
  auto near = [&](const char* english) {
    if (english == nullptr || key.empty()) return false;
    const std::string en = english;
    const int tolerance = std::max(
        1, static_cast<int>(static_cast<double>(en.size()) * kCleaning.english_label_tolerance));
    return EditDistance(key, en) <= tolerance;
  };
  if (spec != nullptr) return near(spec->english);
  for (const FieldSpec& f : labels_.specs())
    if (near(f.english)) return true;
  return false;
}

// Segments continuing segment `si`'s text line to its right, in order; none that is a label or
// starts a block.
std::vector<int> ValueExtractor::SameLineRight(int si) const {
  const ExtractParams& p = kExtract;
  const Segment& s = segs_[si];
  double cy = s.box.y + s.box.height / 2.0;
  std::vector<int> cand;
  for (size_t j = 0; j < segs_.size(); ++j) {
    const Segment& t = segs_[j];
    if (static_cast<int>(j) == si || t.box.x < s.box.br().x - p.overlap_slack_px) continue;
    if (std::abs(t.box.y + t.box.height / 2.0 - cy) >
        p.same_line_centre * std::max(s.box.height, t.box.height))
      continue;
    cand.push_back(static_cast<int>(j));
  }
  std::sort(cand.begin(), cand.end(),
            [&](int a, int b) { return segs_[a].box.x < segs_[b].box.x; });
  std::vector<int> out;
  int right = s.box.br().x;
  for (int j : cand) {
    const Segment& t = segs_[j];
    if (t.box.x - right > p.same_line_max_gap * std::max(p.min_line_height_px, s.box.height) ||
        labels_.IsLabelSegment(j) || StartsBlock(t.key)) {
      break;
    }
    out.push_back(j);
    right = t.box.br().x;
  }
  return out;
}

Extracted ValueExtractor::Value(const FieldSpec& spec) const {
  const ExtractParams& p = kExtract;
  auto lm = labels_.LabelOf(spec.field);
  if (!lm) return {};
  const Segment& seg = segs_[lm->seg];
  // Value words: after the label up to the next label in the same segment.
  int from_word = lm->end_tok < static_cast<int>(seg.tokens.size())
                      ? seg.tokens[lm->end_tok].word
                      : static_cast<int>(seg.words.size());
  if (lm->end_tok > 0 && lm->end_tok < static_cast<int>(seg.tokens.size()) &&
      seg.tokens[lm->end_tok].word == seg.tokens[lm->end_tok - 1].word) {
    from_word = seg.tokens[lm->end_tok].word + 1;  // label glued to the value: drop that word
  }
  int to_word = static_cast<int>(seg.words.size());
  for (const auto& [f, m] : labels_.matches()) {
    if (m.seg == lm->seg && m.first_tok >= lm->end_tok) {
      to_word = std::min(to_word, seg.tokens[m.first_tok].word);
    }
  }
  Extracted e;
  int lines = 0;
  double conf_sum = 0;
  int conf_n = 0;
  // Words after the label that are only its English part (garbled, or its tail), for a date words
  // without a digit, for a value printed in capitals words in lower case: the value is elsewhere,
  // under the label or between it and its English sub-label.
  bool no_value_here = false;
  if (from_word < to_word) {
    const std::string rest = WordsText(seg, from_word, to_word);
    const bool digits = std::any_of(rest.begin(), rest.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
    no_value_here =
        IsEnglishTail(rest, spec.english) ||
        (spec.kind == FieldKind::kDate && !digits && !SaysNoExpiry(rest)) ||
        (spec.capitals && !HasWordInCapitals(seg, from_word, to_word));
  }
  // The English part of a bilingual label ("/ Full name:") read as words of the value when the
  // label match stopped at its Vietnamese part: the value starts after it. It has no more words
  // than the English label, ends at a colon when one is read, and at least one value word must
  // be left after it.
  if (spec.english != nullptr && from_word < to_word && !no_value_here) {
    const int limit = std::min(static_cast<int>(Split(spec.english, ' ').size()),
                               to_word - from_word - 1);
    int skip = 0;
    for (int k = 1; k <= limit; ++k) {
      if (IsEnglishTail(WordsText(seg, from_word, from_word + k), spec.english)) skip = k;
      const std::string& last = seg.words[from_word + k - 1].text;
      if (!last.empty() && last.back() == ':') break;
    }
    from_word += skip;
  }
  // A value printed in capitals: leading words in lower case after its label are the rest of the
  // label (its English part read too garbled to match), when a word in capitals follows.
  if (spec.capitals && from_word < to_word && !no_value_here) {
    int first = from_word;
    while (first < to_word && MostlyLowercase(seg.words[first].text)) ++first;
    if (first < to_word) from_word = first;
  }
  // An address starts with a capital or a digit (a unit's name, a house number): leading words in
  // lower case after its label are the rest of the label (its last words read apart from its
  // first, a colon lost); only such words, and the value is elsewhere (beside, in larger type).
  if (spec.kind == FieldKind::kAddress && from_word < to_word && !no_value_here) {
    int first = from_word;
    while (first < to_word && StartsLowercase(seg.words[first].text)) ++first;
    if (first == to_word) no_value_here = true;
    from_word = first;
  }
  if (from_word < to_word && !no_value_here) {
    e.spans.push_back({lm->seg, from_word, to_word});
    e.text = WordsText(seg, from_word, to_word);
    conf_sum += WordsConf(seg, from_word, to_word);
    ++conf_n;
    ++lines;
  }
  const cv::Rect label_box = LabelBox(segs_, *lm);
  e.label_line = label_box;
  for (int w = seg.tokens[lm->first_tok].word; w < to_word; ++w) e.label_line |= seg.words[w].box;
  e.label_text = WordsText(seg, seg.tokens[lm->first_tok].word, to_word);
  // Segment `i` stands on the label's text line, right of it, at text size (a fragment lower than
  // that is a tone mark read apart or a speck), and is not a label.
  auto beside_label = [&](size_t i) {
    const cv::Rect& b = segs_[i].box;
    const double label_cy = label_box.y + label_box.height / 2.0;
    return static_cast<int>(i) != lm->seg && !labels_.IsLabelSegment(static_cast<int>(i)) &&
           b.x - label_box.br().x >= -p.overlap_slack_px &&
           std::abs(b.y + b.height / 2.0 - label_cy) <=
               p.beside_centre * std::max(label_box.height, b.height) &&
           b.height >= p.beside_min_height * label_box.height;
  };
  // A value the table places under its label may be printed beside it in another print run; on
  // the label's line only a segment shaped like the field's value (a date, a sex, a nationality,
  // capitals) is taken for it, not a neighbouring column's label read past recognition. (A name
  // there is the in-part reading's, below: the page pass may have read only its last words.)
  auto beside_value_shape = [&](const Segment& s) {
    if (!spec.below) return true;
    if (spec.kind == FieldKind::kName) return false;
    const std::string text = WordsText(s, 0, static_cast<int>(s.words.size()));
    switch (spec.kind) {
      case FieldKind::kDate:
        return !CleanDate(text).empty();
      case FieldKind::kSex:
        return IsSexValue(text);
      case FieldKind::kNationality:
        return IsNationalityValue(text);
      default:
        return MostlyUppercase(text);
    }
  };
  if (lines == 0 && (to_word == static_cast<int>(seg.words.size()) || no_value_here)) {
    // A value in a larger font than its label can land in a line group of its own: take the
    // segment just right of the label on the same text line.
    for (size_t i = 0; i < segs_.size(); ++i) {
      const Segment& s = segs_[i];
      // The gap is measured from the label line's end: its English part, read as the rest of its
      // segment, is part of the label.
      if (!beside_label(i) ||
          s.box.x - e.label_line.br().x >
              p.same_line_max_gap * std::max(p.min_line_height_px, label_box.height) ||
          !beside_value_shape(s))
        continue;
      int n = static_cast<int>(s.words.size());
      int from = 0;
      if (spec.kind == FieldKind::kAddress) {  // the label's last words, read beside it
        while (from + 1 < n && (StartsLowercase(s.words[from].text) ||
                                s.words[from].text.ends_with(':')))
          ++from;
      }
      e.spans.push_back({static_cast<int>(i), from, n});
      e.text = WordsText(s, from, n);
      conf_sum += WordsConf(s, from, n);
      ++conf_n;
      ++lines;
      break;
    }
  }
  if (lines < spec.max_lines &&
      (spec.below || lines > 0 || spec.kind == FieldKind::kAddress || e.text.empty())) {
    int want = spec.max_lines - lines;
    if (spec.kind == FieldKind::kDate && e.text.empty()) want = std::max(want, p.date_lines_below);
    const int value_x = e.spans.empty() ? -1 : SpanBox(segs_, e.spans.front()).x;
    // A value of a closed vocabulary (sex, nationality) under a bilingual label may sit under its
    // English sub-label, which the page pass can garble past recognition: a line that is none of
    // the vocabulary's values is passed over for one below it that is, and taken when none is.
    auto closed_value = [&](const std::string& line) {
      return spec.kind == FieldKind::kSex           ? IsSexValue(line)
             : spec.kind == FieldKind::kNationality ? IsNationalityValue(line)
                                                    : true;
    };
    std::optional<Line> unrecognised;
    // One line more than wanted: a line of small print among them is passed over.
    const int ask = spec.kind == FieldKind::kDate ? want : want + 1;
    int taken = 0;
    for (const Line& below : Below(lm->seg, label_box, value_x, ask, spec)) {
      if (taken == want) break;
      const int si = below.seg;
      const Segment& s = segs_[si];
      const int n = static_cast<int>(s.words.size());
      std::string line = WordsText(s, below.from_word, n);
      if (spec.kind == FieldKind::kDate) {
        if (CleanDate(line).empty() && !SaysNoExpiry(line)) continue;
      } else if (labels_.IsLabelSegment(si) || StartsBlock(KeyFrom(s, below.from_word)) ||
                 IsEnglishLabel(KeyFrom(s, below.from_word), nullptr) ||
                 BesideOtherLabel(si, below.from_word, spec, label_box)) {
        break;
      }
      if (e.spans.empty() && !closed_value(line)) {
        if (!unrecognised) unrecognised = below;
        continue;
      }
      // A value printed in capitals has a word in capitals: a line without one (another field's
      // date) is not it.
      if (spec.capitals && !HasWordInCapitals(s, below.from_word, n)) continue;
      int from = below.from_word;
      if (!e.spans.empty() && spec.kind != FieldKind::kDate) {
        const double min_h = p.small_print_ratio * SpanBox(segs_, e.spans.front()).height;
        if (SpanBox(segs_, {si, from, n}).height < min_h) continue;
        if (spec.kind == FieldKind::kAddress) {
          // Punctuation ("-") is small in any type size: only letters and digits tell.
          auto small_print = [&](const Word& w) {
            return HasLetterOrDigit(w.text) && w.box.height < min_h;
          };
          while (from < n && small_print(s.words[from])) ++from;
          if (from == n) continue;
          line = WordsText(s, from, n);
        }
      }
      ++taken;
      e.spans.push_back({si, from, n});
      e.text += (e.text.empty() ? "" : " ") + line;
      conf_sum += WordsConf(s, from, n);
      ++conf_n;
      if (spec.kind == FieldKind::kAddress) {
        // A wrapped line can fall apart into segments at wide word gaps ("Tỉnh Bà" | "Rịa - Vũng"
        // | "Tàu"): the rest of that text line, left to right.
        for (int j : SameLineRight(si)) {
          const Segment& sj = segs_[j];
          int nj = static_cast<int>(sj.words.size());
          e.spans.push_back({j, 0, nj});
          e.text += ' ';
          e.text += WordsText(sj, 0, nj);
          conf_sum += WordsConf(sj, 0, nj);
          ++conf_n;
        }
      }
      if (spec.kind == FieldKind::kDate || spec.kind == FieldKind::kName ||
          spec.kind == FieldKind::kId)
        break;
    }
    if (e.spans.empty() && unrecognised) {
      const Segment& s = segs_[unrecognised->seg];
      const int n = static_cast<int>(s.words.size());
      e.spans.push_back({unrecognised->seg, unrecognised->from_word, n});
      e.text = WordsText(s, unrecognised->from_word, n);
      conf_sum += WordsConf(s, unrecognised->from_word, n);
      ++conf_n;
    }
  }
  if (e.spans.empty() && spec.kind == FieldKind::kName) {
    // A name printed on its label's line far to its right, the page pass having read only its last
    // words: words in capitals beside the label at any distance; the re-read takes the line from
    // the label's end.
    for (size_t i = 0; i < segs_.size(); ++i) {
      const Segment& s = segs_[i];
      const int n = static_cast<int>(s.words.size());
      if (!beside_label(i) || !MostlyUppercase(WordsText(s, 0, n))) continue;
      e.spans.push_back({static_cast<int>(i), 0, n});
      e.text = WordsText(s, 0, n);
      e.line_from_x = label_box.br().x + label_box.height / 2;
      conf_sum += WordsConf(s, 0, n);
      ++conf_n;
      break;
    }
  }
  e.conf = conf_n ? conf_sum / conf_n : 0;
  return e;
}

Extracted ValueExtractor::Spelled(const std::string& accent_free, int max_edits) const {
  const std::string want = FoldKey(accent_free);
  Extracted e;
  if (want.empty()) return e;
  auto folded = [&](const Segment& s, int from, int to) {
    return FoldKey(CleanName(WordsText(s, from, to)));
  };
  int best = max_edits + 1;
  for (size_t i = 0; i < segs_.size(); ++i) {
    if (labels_.IsLabelSegment(static_cast<int>(i))) continue;  // "Số hộ chiếu" is not "HỒ"
    const Segment& s = segs_[i];
    const int n = static_cast<int>(s.words.size());
    const int d = EditDistance(folded(s, 0, n), want);
    if (d < best) {
      best = d;
      e.spans = {{static_cast<int>(i), 0, n}};
    }
  }
  if (e.spans.empty()) {
    // A value glued to other words of its text line (a sub-label read beside it).
    for (size_t i = 0; i < segs_.size() && e.spans.empty(); ++i) {
      if (labels_.IsLabelSegment(static_cast<int>(i))) continue;
      const Segment& s = segs_[i];
      const int n = static_cast<int>(s.words.size());
      for (int from = 0; from < n && e.spans.empty(); ++from)
        for (int to = from + 1; to <= n; ++to)
          if (folded(s, from, to) == want) {
            e.spans = {{static_cast<int>(i), from, to}};
            break;
          }
    }
  }
  if (e.spans.empty()) {
    // A value that fell apart into segments at a wide word gap: a segment and the ones continuing
    // its text line, joined.
    best = max_edits + 1;
    for (size_t i = 0; i < segs_.size(); ++i) {
      if (labels_.IsLabelSegment(static_cast<int>(i))) continue;
      std::vector<Span> spans = {{static_cast<int>(i), 0, static_cast<int>(segs_[i].words.size())}};
      std::string text = WordsText(segs_[i], 0, spans.front().to_word);
      for (int j : SameLineRight(static_cast<int>(i))) {
        const int n = static_cast<int>(segs_[j].words.size());
        spans.push_back({j, 0, n});
        text += ' ';
        text += WordsText(segs_[j], 0, n);
        const int d = EditDistance(FoldKey(CleanName(text)), want);
        if (d < best) {
          best = d;
          e.spans = spans;
        }
      }
    }
  }
  if (e.spans.empty()) return e;
  double conf = 0;
  for (const Span& sp : e.spans) {
    const Segment& s = segs_[sp.seg];
    if (!e.text.empty()) e.text += ' ';
    e.text += WordsText(s, sp.from_word, sp.to_word);
    conf += WordsConf(s, sp.from_word, sp.to_word);
  }
  e.conf = conf / static_cast<double>(e.spans.size());
  return e;
}

Extracted ValueExtractor::OnlyDateIn(cv::Rect column) const {
  Extracted e;
  int found = 0;
  for (size_t i = 0; i < segs_.size(); ++i) {
    const Segment& s = segs_[i];
    for (int w = 0; w < static_cast<int>(s.words.size()); ++w) {
      const Word& word = s.words[w];
      const cv::Point centre(word.box.x + word.box.width / 2, word.box.y + word.box.height / 2);
      if (!column.contains(centre) || CleanDate(word.text).empty()) continue;
      if (++found > 1) return {};
      e.spans = {{static_cast<int>(i), w, w + 1}};
      e.text = word.text;
      e.conf = word.conf;
    }
  }
  return e;
}

Extracted ValueExtractor::OnlyLine(const std::function<bool(const Segment&)>& is_value) const {
  Extracted e;
  for (size_t i = 0; i < segs_.size(); ++i) {
    const Segment& s = segs_[i];
    const int n = static_cast<int>(s.words.size());
    if (labels_.IsLabelSegment(static_cast<int>(i)) || !is_value(s)) continue;
    if (!e.spans.empty()) return {};
    e.spans = {{static_cast<int>(i), 0, n}};
    e.text = WordsText(s, 0, n);
    e.conf = WordsConf(s, 0, n);
  }
  return e;
}

Extracted ValueExtractor::OnlyNationality() const {
  return OnlyLine([](const Segment& s) {
    return IsNationalityOnly(WordsText(s, 0, static_cast<int>(s.words.size())));
  });
}

Extracted ValueExtractor::OnlyLineAmong(const std::vector<std::string>& names) const {
  std::set<std::string> folded;
  for (const std::string& name : names) folded.insert(FoldLetters(name));
  return OnlyLine([&](const Segment& s) { return folded.count(FoldLetters(s.key)) > 0; });
}

cv::Rect PortraitColumn(const SideLayout& layout, const FieldSpec& spec, cv::Size card) {
  if (layout.portrait.empty()) return {};
  const cv::Rect box = spec.value_box.On(card);
  const cv::Rect portrait = layout.portrait.On(card);
  const int cx = box.x + box.width / 2;
  if (box.empty() || cx < portrait.x || cx >= portrait.br().x) return {};
  const int slack = static_cast<int>(kExtract.portrait_column_slack * card.width);
  return {portrait.x - slack, portrait.y, portrait.width + 2 * slack, card.height - portrait.y};
}

std::string ParseVietnameseIssueDate(const std::string& text) {
  // The year may be read with a space in it ("201 1"); "Ngày" may be lost at the line's start.
  static const std::regex kRe(
      R"((?:NGAY\s*)?(\S{1,2})\s*THANG\s*(\S{1,2})\s*(?:NAM|NA|AM|NM)\s*(\S\s?\S\s?\S\s?\S))");
  std::smatch m;
  const std::string key = FoldKey(text);
  if (!std::regex_search(key, m, kRe)) return {};
  std::string year = m[3].str();
  std::erase(year, ' ');
  return CleanDate(m[1].str() + "/" + m[2].str() + "/" + year);
}

std::string FindVietnameseIssueDate(const std::vector<Segment>& segs) {
  for (const auto& s : segs) {
    std::string d = ParseVietnameseIssueDate(s.key);
    if (!d.empty()) return d;
  }
  return {};
}

TextLine IssueDateLine(const std::vector<Segment>& segs) {
  const ExtractParams& p = kExtract;
  static const std::regex kPart(R"((^|\s)(NGAY\s+\d|NGAY$|THANG|NAM\s+\d))");
  for (size_t i = 0; i < segs.size(); ++i) {
    if (!std::regex_search(segs[i].key, kPart)) continue;
    // The anchor's text line, followed segment by segment to either side: the next part starts
    // within a line's spacing of words and its centre is within a slanted line's rise of the
    // part before it.
    const int h = std::max(p.min_line_height_px, segs[i].box.height);
    auto next = [&](int from, bool right) {
      const cv::Rect& a = segs[from].box;
      int best = -1;
      for (size_t j = 0; j < segs.size(); ++j) {
        const cv::Rect& b = segs[j].box;
        const int gap = right ? b.x - a.br().x : a.x - b.br().x;
        const int rise = std::abs((b.y + b.height / 2) - (a.y + a.height / 2));
        if (static_cast<int>(j) == from || gap < -p.overlap_slack_px ||
            gap > p.same_line_max_gap * h || rise > p.issue_date_line_rise * h)
          continue;
        if (best < 0 || (right ? b.x < segs[best].box.x : b.x > segs[best].box.x))
          best = static_cast<int>(j);
      }
      return best;
    };
    std::vector<int> parts = {static_cast<int>(i)};
    for (int j = next(i, false); j >= 0 && parts.size() < segs.size(); j = next(j, false))
      parts.insert(parts.begin(), j);
    for (int j = next(parts.back(), true); j >= 0 && parts.size() < segs.size(); j = next(j, true))
      parts.push_back(j);
    TextLine line;
    for (int j : parts) {
      const Segment& s = segs[j];
      line.box = line.box.empty() ? s.box : (line.box | s.box);
      line.parts.push_back(s.box);
      if (!line.text.empty()) line.text += ' ';
      line.text += WordsText(s, 0, static_cast<int>(s.words.size()));
    }
    return line;
  }
  return {};
}

cv::Rect WholeIssueDateLine(const TextLine& line, int heights, cv::Size card) {
  const int full = heights * line.box.height;
  if (line.box.empty() || line.box.width >= full) return {};
  static const std::regex kEndsWithYear(R"(NAM\s*\d[\d\s]*$)");
  const std::string key = FoldKey(line.text);
  const int missing = full - line.box.width;
  int left = missing / 2;
  if (key.rfind("NGAY", 0) == 0)
    left = 0;
  else if (std::regex_search(key, kEndsWithYear))
    left = missing;
  return cv::Rect(line.box.x - left, line.box.y, full, line.box.height) &
         cv::Rect(0, 0, card.width, card.height);
}

}  // namespace ekyc::doc
