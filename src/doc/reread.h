// Per-field re-reading: a value's line cut out of the card and read alone, larger and without its
// neighbours, by the line recogniser set for the field's kind. Names are read several ways and
// voted word by word (their errors are tone marks that confidences do not reveal); other text
// keeps the re-read when it is as confident and lost no word; a date with no complete reading on
// the page is re-read on its label's line, in its box, then in the layout's fixed box.
//
// Thread-safety: not thread-safe (uses the reader's recognisers); one per Read call.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "doc/extract.h"
#include "doc/fields.h"
#include "doc/layout.h"
#include "doc/recognizer.h"
#include "doc/words.h"

namespace ekyc::doc {

class FieldRereader {
 public:
  // `gray`: the text image of the card (TextGray); `card`: the rectified colour card.
  FieldRereader(const Recognizers& rec, const cv::Mat& gray, const cv::Mat& card,
                const std::vector<Segment>& segs)
      : rec_(rec), gray_(gray), card_(card), segs_(segs) {}

  // `box` padded (`top_pad` × its height above, a little on the other sides) and read as one line
  // by the recogniser for `kind`; `plain` reads the plain grey card instead of the text image.
  LineReading ReadLine(cv::Rect box, FieldKind kind, double top_pad, bool plain = false);
  // The same with a given recogniser.
  LineReading ReadLineWith(LineRecognizer& recognizer, cv::Rect box, double top_pad,
                           bool plain = false);
  // A region of a few lines, upscaled by `scale`, read as one block: one reading per line.
  std::vector<Reading> ReadBlock(cv::Rect box, double scale);

  // Names, addresses and free text: the value's lines re-read and chosen (see the header); names
  // of a passport vote with the checked MRZ spelling `accent_free` when known.
  void RereadText(const FieldSpec& spec, const std::string& accent_free, Extracted* e);
  // A passport name the page pass missed (label read, nothing after it): the box right of the label
  // on its baseline, read three ways and kept only when it spells `accent_free`.
  void ReadBesideLabel(const std::string& accent_free, Extracted* e);
  // A passport name whose line the page pass did not read (or read as its label's English
  // words): the gap under its label, read three ways and kept only when it spells `accent_free`.
  void ReadUnderLabel(const std::string& accent_free, Extracted* e);
  // A complete date for `spec` from its value's own line (SpanLineBox, a date's width at least),
  // its value box (with none, from the gap under its label down to the next line of the label's
  // column), then `template_box`, by the date recogniser and, when there is no `padded` value, by
  // the general one; `padded` (a page value with a lost digit) when nothing better. Empty when
  // none.
  std::string RereadDate(const Extracted& e, cv::Rect template_box, const std::string& padded,
                         double* conf);
  // A complete page date `page_date` checked on its value's own line: read by the general line
  // recogniser and, when that reading is another complete date, by the date recogniser too; each
  // character is the one at least two of the three readings share (the page's when none agree).
  // The page date when the readings cannot outvote it; `*conf` lowered when a character changed.
  std::string ConfirmDate(const Extracted& e, const std::string& page_date, double* conf);

 private:
  const cv::Mat& Plain();
  // The line of a value's first words, at least a date's width wide; empty without words.
  cv::Rect DateLineBox(const Extracted& e) const;
  // The box under a label down to the next line of its column (at most `max_heights` label
  // heights), `widths` label widths wide; empty when too small to hold a line.
  cv::Rect GapUnderLabel(const cv::Rect& lab, double max_heights, double widths) const;

  const Recognizers& rec_;
  const cv::Mat& gray_;
  const cv::Mat& card_;
  const std::vector<Segment>& segs_;
  cv::Mat plain_;  // plain grey card, made on first use
};

}  // namespace ekyc::doc
