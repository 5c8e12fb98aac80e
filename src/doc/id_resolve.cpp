#include "doc/id_resolve.h"

#include <algorithm>

#include "doc/params.h"

namespace ekyc::doc {

std::string IdResolver::AddPageValue(const Extracted& e, double conf,
                                     const std::vector<Segment>& segs, bool reread_lines) {
  const IdParams& p = kId;
  wanted_ = true;
  std::string v = CleanId(e.text, len_);
  // A short label such as "Số" also starts other lines ("Số 12 Lê Lợi, ..."): what follows a
  // label is a hypothesis only when it is mostly digits, as for unlabelled lines (Resolve).
  const bool value_numeric = LooksLikeIdLine(e.text, len_);
  const bool label_numeric =
      !e.label_text.empty() && (value_numeric || LooksLikeIdLine(e.label_text, len_));
  if (value_numeric) cands_.push_back({v, conf});
  if (label_numeric) cands_.push_back({CleanId(e.label_text, len_), conf});
  for (const auto& [t, numeric] : {std::pair{&e.text, value_numeric}, {&e.label_text, label_numeric}}) {
    if (!numeric) continue;
    for (auto& w : IdWindows(*t, len_)) cands_.push_back({w, conf * p.window_factor, true});
  }
  // More hypotheses, each line re-read alone: the value words and the label line (a value glued
  // to "Số:" is dropped with the label word). (A digits-only whitelist restricts the LSTM output,
  // but on bold card digits it read 7 as 2 and 3 as 5 far more often than the plain model.)
  if (reread_lines) {
    if (!e.spans.empty() && value_numeric) lines_.push_back(SpanBox(segs, e.spans.front()));
    if (label_numeric) lines_.push_back(e.label_line);
  }
  return value_numeric ? v : std::string();
}

void IdResolver::AddReading(const std::string& text, double conf, double window_factor) {
  cands_.push_back({CleanId(text, len_), conf});
  for (auto& w : IdWindows(text, len_)) cands_.push_back({w, conf * window_factor, true});
}

// A number whose prefix could only be a country code passes the rules, but a 0 misread as 5 gives
// the same: it is not valid enough to stop re-reading, so that a reading of the province code can
// be found (PickId prefers it).
bool IdResolver::ValidPick(const std::optional<vn::Date>& dob, int sex) const {
  int k = PickId(cands_, len_, dob, sex);
  return k >= 0 && !cands_[k].window && !ForeignIdPrefix(cands_[k].value) &&
         vn::ValidateId(cands_[k].value, dob, sex).real;
}

// A valid number from one low-confidence reading is not settled: a digit misread as another digit
// keeps the rules (only the province, century/sex and year digits are checked), so more readings
// are made and PickId counts them.
bool IdResolver::Settled(const std::optional<vn::Date>& dob, int sex) const {
  if (!ValidPick(dob, sex)) return false;
  return cands_[PickId(cands_, len_, dob, sex)].conf >= kId.settled_conf;
}

std::optional<IdCandidate> IdResolver::Resolve(const std::vector<Segment>& segs, FieldRereader& rr,
                                               cv::Rect template_box,
                                               const std::optional<vn::Date>& dob, int sex,
                                               bool* rules_ok) {
  const IdParams& p = kId;
  const RereadParams& rp = kReread;
  // Lines that are mostly digits (the label unread, or the value in a line group of its own) are
  // ID lines too. Letters of other lines map to look-alike digits ("SOCIALIST" -> 12 "digits"), so
  // lines of words are never taken as numbers.
  for (const auto& sg : segs) {
    std::string line = WordsText(sg, 0, static_cast<int>(sg.words.size()));
    if (line.find_first_of("/-") != std::string::npos || !LooksLikeIdLine(line, len_)) continue;
    const double c = WordsConf(sg, 0, static_cast<int>(sg.words.size())) * p.unchecked_factor;
    cands_.push_back({CleanId(line, len_), c});
    for (auto& w : IdWindows(line, len_)) cands_.push_back({w, c * p.window_factor, true});
    if (std::find(lines_.begin(), lines_.end(), sg.box) == lines_.end()) lines_.push_back(sg.box);
  }
  auto reread = [&](const cv::Rect& box) {
    LineReading lr = rr.ReadLine(box, FieldKind::kId, rp.pad_default);
    AddReading(lr.text, lr.conf, p.window_factor);
  };
  // The page hypotheses come first and the first valid one wins: re-reads cannot change a valid
  // pick, so they are made only when none is.
  if (!ValidPick(dob, sex)) {
    for (const cv::Rect& box : lines_) reread(box);
  }
  // A digit at either end of the number is often outside the page pass's word box (the box ends
  // where that reading stopped): the lines again, one line height wider on each side.
  if (!ValidPick(dob, sex)) {
    for (const cv::Rect& box : lines_)
      reread(cv::Rect(box.x - box.height, box.y, box.width + 2 * box.height, box.height));
  }
  // Last, the layout's box (the number missed by the page layout analysis, or its line garbled
  // next to the label): read as one line, then as a block at three scales (the generous box also
  // holds parts of the lines above and below, which a single-line reading turns into noise). On
  // 9-digit CMNDs, whose rules check only the prefix, the block readings are always made and
  // PickId counts them as independent readings.
  if (!template_box.empty()) {
    const bool weak_rules = len_ == 9;
    if (!ValidPick(dob, sex)) {
      LineReading lr = rr.ReadLine(template_box, FieldKind::kId, rp.pad_template);
      if (LooksLikeIdLine(lr.text, len_))
        cands_.push_back({CleanId(lr.text, len_), lr.conf * p.unchecked_factor});
    }
    for (double scale : {1.0, 2.0, 1.5}) {
      if (!weak_rules && Settled(dob, sex)) break;
      for (const Reading& line : rr.ReadBlock(template_box, scale)) {
        if (!LooksLikeIdLine(line.text, len_)) continue;
        cands_.push_back({CleanId(line.text, len_), line.conf * p.unchecked_factor});
        for (auto& w : IdWindows(line.text, len_))
          cands_.push_back({w, line.conf * p.block_window_factor, true});
      }
    }
  }
  const int k = PickId(cands_, len_, dob, sex);
  if (k < 0) return std::nullopt;
  *rules_ok = vn::ValidateId(cands_[k].value, dob, sex).real;
  return cands_[k];
}

}  // namespace ekyc::doc
