// Value extraction: the words that make up each field's value, found from its label by the layout
// table's rules (after the label on its line, the line(s) below it in its column, a larger value
// in a line group of its own beside it), and the issue date in words of back sides (the issuer is
// issuer.h's).
//
// Thread-safety: ValueExtractor is immutable after construction; free functions are pure.
#pragma once

#include <functional>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "doc/labels.h"
#include "doc/layout.h"
#include "doc/words.h"

namespace ekyc::doc {

struct Extracted {
  std::string text;
  double conf = 0;          // [0, 1]
  std::vector<Span> spans;  // where the value's words are, for re-reading
  cv::Rect label_line;      // the label and whatever follows it on its segment (empty: no label)
  std::string label_text;   // the words of label_line as read by the page pass
  // A name found in part far right of its label on the label's line (the page pass lost its first
  // words): its line reaches left to here, for the re-read; -1 otherwise.
  int line_from_x = -1;
};

class ValueExtractor {
 public:
  ValueExtractor(const std::vector<Segment>& segs, const LabelMap& labels)
      : segs_(segs), labels_(labels) {}

  Extracted Value(const FieldSpec& spec) const;
  // The words spelling `accent_free` (a checked MRZ's name part) once accents are folded away:
  // a segment that is that text up to `max_edits`, else a run of words inside a segment that is
  // exactly it, else a segment joined with those continuing its text line (SameLineRight) up to
  // `max_edits`. Found by its text, wherever the page pass put it, for when its label was not read
  // or its value fell apart. Empty when none.
  Extracted Spelled(const std::string& accent_free, int max_edits) const;
  // The one word of the page inside `column` (by its centre) that is a valid date, for a date
  // field whose label was not read and whose column holds no other date; empty otherwise.
  Extracted OnlyDateIn(cv::Rect column) const;
  // The one segment of the page, not a label's, that is a nationality and nothing else
  // (IsNationalityOnly), for a nationality whose label was not read; empty when none or several.
  Extracted OnlyNationality() const;
  // The one segment (not a label) whose text, accents and case aside, is one of `names` (a
  // passport's place of birth is a province's name); empty when none or several are.
  Extracted OnlyLineAmong(const std::vector<std::string>& names) const;

 private:
  // The one segment, not a label's, that `is_value` accepts; empty when none or several.
  Extracted OnlyLine(const std::function<bool(const Segment&)>& is_value) const;
  // A line below a label, from its first word in the label's column on.
  struct Line {
    int seg;
    int from_word;
  };
  // Up to `count` lines below the label box `lab` (segment `ref`) in the label's column, or in
  // the value's when it starts further right (`value_x`, wrapped lines indented under the value);
  // the field's own English sub-label lines are passed over, uncounted.
  std::vector<Line> Below(int ref, cv::Rect lab, int value_x, int count,
                          const FieldSpec& spec) const;
  // True when line `si` from word `from` lies on the text line of another field's label printed in
  // the column of `own_label`: that line is the other field's value, not a continuation.
  bool BesideOtherLabel(int si, int from, const FieldSpec& spec, cv::Rect own_label) const;
  // True when the line's key is an English label part: of `spec` (own), or of any field (any).
  bool IsEnglishLabel(const std::string& key, const FieldSpec* spec) const;
  std::vector<int> SameLineRight(int si) const;

  const std::vector<Segment>& segs_;
  const LabelMap& labels_;
};

// The portrait's column of `layout` on a card of `card` size, from the portrait's top to the card's
// bottom, when `spec`'s layout box lies in it (a front's expiry under the portrait); empty
// otherwise.
cv::Rect PortraitColumn(const SideLayout& layout, const FieldSpec& spec, cv::Size card);

// "Ngày 12 tháng 03 năm 2010" → 12/03/2010 in one line of text (a mark lost from "năm" is
// tolerated); empty when the text holds no complete date in words.
std::string ParseVietnameseIssueDate(const std::string& text);
// The same, in the page's segments; empty when no such line.
std::string FindVietnameseIssueDate(const std::vector<Segment>& segs);
// Where "Ngày .. tháng .. năm .." is printed, for when the page pass broke it: the segments of
// its text line (one holding "Ngày" with a day or "tháng", or "tháng", or "năm" and a year; a
// slanted line falls apart into several), their box and their text left to right. Empty when
// there is none.
struct TextLine {
  cv::Rect box;
  std::string text;
  std::vector<cv::Rect> parts;  // the segments' boxes, left to right
};
TextLine IssueDateLine(const std::vector<Segment>& segs);
// The box `line` would have at its full width (`heights` times its height) when the page pass saw
// only part of it: from a part that starts with "Ngày" the rest is to its right, from one that ends
// with the year to its left, otherwise on both sides. Clipped to `card`; empty when `line` is
// empty or already that wide.
cv::Rect WholeIssueDateLine(const TextLine& line, int heights, cv::Size card);

}  // namespace ekyc::doc
