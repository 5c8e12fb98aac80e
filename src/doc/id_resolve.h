// ID resolution: the personal number chosen among every hypothesis of it by the ID rules of
// src/vn (province code, century/sex digit, birth year against the date of birth and sex read on
// the same side) and by how often independent readings agree. Hypotheses come from the page pass
// (value, label line, digit windows of over-long runs), then, only while none is settled, from the
// number's lines re-read alone, the lines widened, lines that are mostly digits, and the layout's
// fixed box read as a line and as a block at several scales.
//
// Thread-safety: not thread-safe (re-reads through the reader's recognisers); one per Read call.
#pragma once

#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "doc/extract.h"
#include "doc/fields.h"
#include "doc/reread.h"
#include "vn/vn.h"

namespace ekyc::doc {

class IdResolver {
 public:
  explicit IdResolver(int digits) : len_(digits) {}

  // The page pass's hypotheses for an ID field; `reread_lines`: its lines may be re-read (not when
  // the QR settles the number anyway). Returns the cleaned page value.
  std::string AddPageValue(const Extracted& e, double conf, const std::vector<Segment>& segs,
                           bool reread_lines);
  // True once a side's ID field was given (AddPageValue), with or without a hypothesis.
  bool wanted() const { return wanted_; }
  // Every hypothesis weighed so far (page pass and re-reads).
  const std::vector<IdCandidate>& candidates() const { return cands_; }

  // The chosen number, or nullopt when no hypothesis has the right length. `*rules_ok`: it passes
  // the ID rules.
  std::optional<IdCandidate> Resolve(const std::vector<Segment>& segs, FieldRereader& rr,
                                     cv::Rect template_box, const std::optional<vn::Date>& dob,
                                     int sex, bool* rules_ok);

 private:
  void AddReading(const std::string& text, double conf, double window_factor);
  bool ValidPick(const std::optional<vn::Date>& dob, int sex) const;
  bool Settled(const std::optional<vn::Date>& dob, int sex) const;

  int len_;
  bool wanted_ = false;
  std::vector<IdCandidate> cands_;
  std::vector<cv::Rect> lines_;  // lines to re-read alone, only if no page hypothesis is valid
};

}  // namespace ekyc::doc
