#include "doc/reread.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "doc/labels.h"
#include "doc/params.h"
#include "doc/text.h"
#include "vn/vn.h"

namespace ekyc::doc {
namespace {

cv::Rect PadLineBox(cv::Rect box, double top_pad, cv::Size bounds) {
  const RereadParams& p = kReread;
  int pad_top = std::max(p.min_pad_px, static_cast<int>(box.height * top_pad));
  int pad_y = std::max(p.min_pad_px, static_cast<int>(box.height * p.pad_bottom));
  int pad_x = std::max(p.min_side_pad_px, static_cast<int>(box.height * p.pad_side));
  return cv::Rect(box.x - pad_x, box.y - pad_top, box.width + 2 * pad_x,
                  box.height + pad_top + pad_y) &
         cv::Rect(0, 0, bounds.width, bounds.height);
}

// "Không thời hạn" (no expiry) or a complete date; `*short_read` when a part lost a digit.
std::string DateOrNoExpiry(const std::string& text, bool* short_read) {
  std::string d = CleanDate(text, short_read);
  if (d.empty() && SaysNoExpiry(text)) d = "Không thời hạn";
  return d;
}

// A name line whose end the page pass lost ("MINH TU" where the checked MRZ spells "MINH TUAN"):
// the box read on to the right by the missing letters' width (at the read letters' pitch, with
// room to spare), at most to `max_x`. Unchanged unless the reading is a proper start of the
// spelling.
cv::Rect ReadOnForSpelling(cv::Rect box, const std::string& read, const std::string& accent_free,
                           int max_x) {
  const std::string got = FoldKey(CleanName(read));
  const std::string want = FoldKey(accent_free);
  if (got.empty() || got.size() >= want.size() || !want.starts_with(got)) return box;
  const double pitch = static_cast<double>(box.width) / static_cast<double>(got.size());
  const double more =
      pitch * static_cast<double>(want.size() - got.size()) * (1.0 + kReread.read_on_slack);
  box.width = std::min(max_x - box.x, box.width + static_cast<int>(std::lround(more)));
  return box;
}

}  // namespace

const cv::Mat& FieldRereader::Plain() {
  if (plain_.empty()) cv::cvtColor(card_, plain_, cv::COLOR_BGR2GRAY);
  return plain_;
}

LineReading FieldRereader::ReadLine(cv::Rect box, FieldKind kind, double top_pad, bool plain) {
  return ReadLineWith(rec_.LineFor(kind), box, top_pad, plain);
}

LineReading FieldRereader::ReadLineWith(LineRecognizer& recognizer, cv::Rect box, double top_pad,
                                        bool plain) {
  const cv::Mat& img = plain ? Plain() : gray_;
  box = PadLineBox(box, top_pad, img.size());
  if (box.width < kReread.min_side_pad_px || box.height < kReread.min_side_pad_px) return {};
  return recognizer.ReadLine(img(box));
}

std::vector<Reading> FieldRereader::ReadBlock(cv::Rect box, double scale) {
  box &= cv::Rect(0, 0, gray_.cols, gray_.rows);
  if (box.width < 2 * kReread.min_side_pad_px || box.height < 2 * kReread.min_side_pad_px)
    return {};
  cv::Mat up;
  cv::resize(gray_(box), up, {}, scale, scale, cv::INTER_CUBIC);
  std::vector<Reading> out;
  for (const Segment& sg : BuildSegments(rec_.page->Words(up, PageRecognizer::Layout::kBlock))) {
    int n = static_cast<int>(sg.words.size());
    out.push_back({WordsText(sg, 0, n), WordsConf(sg, 0, n)});
  }
  return out;
}

void FieldRereader::RereadText(const FieldSpec& spec, const std::string& accent_free,
                               Extracted* e) {
  const RereadParams& p = kReread;
  std::string text;
  double conf_sum = 0;
  for (const Span& sp : e->spans) {
    const Segment& sg = segs_[sp.seg];
    cv::Rect box = SpanBox(segs_, sp);
    // A name read in part: its line from the label's end (ValueExtractor::Value).
    const bool in_part = e->line_from_x >= 0 && e->line_from_x < box.x && &sp == &e->spans[0];
    if (in_part) box = cv::Rect(e->line_from_x, box.y, box.br().x - e->line_from_x, box.height);
    int n_orig = 0;
    double c = AlnumConf(sg, sp.from_word, sp.to_word, &n_orig);
    std::string t = WordsText(sg, sp.from_word, sp.to_word);
    if (spec.kind == FieldKind::kName && e->spans.size() == 1 && !accent_free.empty())
      box = ReadOnForSpelling(box, t, accent_free, gray_.cols);
    // Hypotheses: the page pass and the line alone (seen larger, without neighbours). Names also
    // get the line on the plain grey card and a per-word vote; other values keep the most
    // confident reading that lost no word (the re-read wins near-ties).
    if (spec.kind == FieldKind::kName) {
      std::vector<Reading> hyps = {{t, c}};
      const std::pair<bool, double> reads[] = {
          {false, p.pad_name}, {true, p.pad_name}, {false, p.pad_name_low}};
      for (const auto& [plain, top] : reads) {
        LineReading lr = ReadLine(box, spec.kind, top, plain);
        hyps.push_back({lr.text, lr.conf});
      }
      const std::string page_part = t;
      t = VoteName(hyps, &c, accent_free);
      // The whole line must end with the words the page read, or it read something else.
      if (in_part && !FoldKey(t).ends_with(FoldKey(CleanName(page_part)))) t = page_part;
    } else {
      LineReading lr = ReadLine(box, spec.kind, p.pad_default);
      if (!Trim(lr.text).empty() && AlnumWords(lr.text) >= n_orig &&
          lr.conf + p.reread_wins_margin >= c) {
        t = lr.text;
        c = lr.conf;
      }
    }
    text += (text.empty() ? "" : " ") + t;
    conf_sum += c;
  }
  e->text = text;
  e->conf = conf_sum / static_cast<double>(e->spans.size());
}

void FieldRereader::ReadBesideLabel(const std::string& accent_free, Extracted* e) {
  const RereadParams& p = kReread;
  const int h = e->label_line.height;
  const int bottom = e->label_line.br().y + h / p.surname_below_div;
  const int top = bottom - (h * p.surname_height_num) / p.surname_height_den;
  cv::Rect box(e->label_line.br().x + h / p.surname_gap_div, top, p.surname_width * h,
               bottom - top);
  box &= cv::Rect(0, 0, gray_.cols, gray_.rows);
  if (box.width <= h || box.height <= p.min_side_pad_px) return;
  // Several crops: the line above a short surname sits close, and with the usual room for stacked
  // tone marks its strokes can spoil the reading.
  std::vector<Reading> hyps;
  for (double pad : {p.pad_name, p.pad_template, 0.0}) {
    LineReading lr = ReadLine(box, FieldKind::kName, pad);
    hyps.push_back({lr.text, lr.conf});
  }
  double c = 0;
  std::string t = VoteName(hyps, &c, accent_free);
  if (FoldKey(t) == FoldKey(accent_free)) {  // kept only when it spells the MRZ's letters
    e->text = t;
    e->conf = c;
  }
}

cv::Rect FieldRereader::GapUnderLabel(const cv::Rect& lab, double max_heights,
                                      double widths) const {
  int bottom = lab.br().y + static_cast<int>(max_heights * lab.height);
  for (const Segment& s : segs_) {
    const bool same_column = s.box.x < lab.br().x && s.box.br().x > lab.x;
    if (same_column && s.box.y >= lab.br().y) bottom = std::min(bottom, s.box.y);
  }
  cv::Rect gap(lab.x, lab.br().y, static_cast<int>(widths * lab.width), bottom - lab.br().y);
  gap &= cv::Rect(0, 0, gray_.cols, gray_.rows);
  if (gap.height <= kReread.min_side_pad_px || gap.width <= gap.height) return {};
  return gap;
}

void FieldRereader::ReadUnderLabel(const std::string& accent_free, Extracted* e) {
  const RereadParams& p = kReread;
  const cv::Rect gap =
      GapUnderLabel(e->label_line, p.name_under_label_max_heights, p.under_label_widths);
  if (gap.empty()) return;
  std::vector<Reading> hyps;
  for (const auto& [plain, pad] :
       {std::pair{false, p.pad_template}, {true, p.pad_template}, {false, 0.0}}) {
    LineReading lr = ReadLine(gap, FieldKind::kName, pad, plain);
    hyps.push_back({lr.text, lr.conf});
  }
  double c = 0;
  std::string t = VoteName(hyps, &c, accent_free);
  // Kept only when it spells the MRZ's letters, up to a misread letter or two, which the MRZ then
  // settles.
  const int d = EditDistance(FoldKey(t), FoldKey(accent_free));
  if (!t.empty() && d <= MrzNameEdits(accent_free)) {
    e->text = d == 0 ? t : SpellWithMarks(t, accent_free);
    e->conf = d == 0 ? c : c * p.respelled_name_conf;
    e->spans.clear();
  }
}

cv::Rect FieldRereader::DateLineBox(const Extracted& e) const {
  if (e.spans.empty()) return {};
  // The page pass may have merged the date's line with the line below or cut a word short.
  cv::Rect line = SpanLineBox(segs_, e.spans.front());
  if (line.empty()) return {};
  line.width = std::max(line.width, static_cast<int>(kReread.date_min_width_heights * line.height));
  return line & cv::Rect(0, 0, gray_.cols, gray_.rows);
}

std::string FieldRereader::ConfirmDate(const Extracted& e, const std::string& page_date,
                                       double* conf) {
  const cv::Rect line = DateLineBox(e);
  LineRecognizer& date_reader = rec_.LineFor(FieldKind::kDate);
  if (line.empty() || !rec_.line || rec_.line.get() == &date_reader) return page_date;
  auto read = [&](LineRecognizer& reader) {
    bool short_read = false;
    std::string d = CleanDate(ReadLineWith(reader, line, kReread.pad_name).text, &short_read);
    return short_read || d.size() != page_date.size() ? std::string() : d;
  };
  // The cheap reading first: most page dates are right, and a reading that agrees ends here.
  const std::string second = read(*rec_.line);
  if (second.empty() || second == page_date) return page_date;
  const std::string third = read(date_reader);
  if (third.empty()) return page_date;
  std::string voted = page_date;
  for (size_t i = 0; i < voted.size(); ++i)
    if (second[i] == third[i]) voted[i] = second[i];
  if (voted == page_date || !vn::ParseDate(voted)) return page_date;
  *conf *= kReread.date_reread_conf;
  return voted;
}

std::string FieldRereader::RereadDate(const Extracted& e, cv::Rect template_box,
                                      const std::string& padded, double* conf) {
  const RereadParams& p = kReread;
  // Candidate boxes with the room above each: the value's own words get the name padding; the
  // gap under a label and the layout's template box are tight (a label line sits above them).
  std::vector<std::pair<cv::Rect, double>> boxes;
  if (!e.spans.empty()) {
    // A date is one line: first the value's own line (see DateLineBox), then the words as found.
    const cv::Rect whole = SpanBox(segs_, e.spans.front());
    const cv::Rect line = DateLineBox(e);
    if (!line.empty() && line != whole) boxes.push_back({line, p.pad_name});
    boxes.push_back({whole, p.pad_name});
  }
  if (e.spans.empty() && !e.label_line.empty()) {
    cv::Rect gap = GapUnderLabel(e.label_line, p.under_label_max_heights, p.under_label_widths);
    if (!gap.empty()) boxes.push_back({gap, p.pad_template});
  }
  if (!template_box.empty()) boxes.push_back({template_box, p.pad_template});
  // Every box by the date recogniser; when the page pass found no date at all, then by the general
  // line recogniser too if it is another one (they fail on different small prints; a page value
  // with a slash read as a digit is more often right than the second recogniser's full reading).
  std::vector<LineRecognizer*> readers = {&rec_.LineFor(FieldKind::kDate)};
  if (padded.empty() && rec_.line && rec_.line.get() != readers.front())
    readers.push_back(rec_.line.get());
  for (LineRecognizer* reader : readers) {
    for (const auto& [box, pad] : boxes) {
      LineReading lr = ReadLineWith(*reader, box, pad);
      bool short_read = false;
      std::string d = DateOrNoExpiry(lr.text, &short_read);
      if (!d.empty() && !short_read) {
        *conf = lr.conf * p.date_reread_conf;
        return d;
      }
    }
  }
  if (!padded.empty()) {
    *conf *= p.padded_date_conf;
    return padded;
  }
  return {};
}

}  // namespace ekyc::doc
