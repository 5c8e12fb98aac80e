// Label matching: finds each field's label among the segments (accent-folded, whole tokens, within
// an edit tolerance that grows with the label's length), and infers the label line of a field whose
// short label was garbled from the next field's label.
//
// Thread-safety: LabelMap is immutable after construction; free functions are pure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "doc/layout.h"
#include "doc/words.h"

namespace ekyc::doc {

struct Match {
  int seg = -1;
  int first_tok = 0, end_tok = 0;  // token range [first, end)
  int dist = 0;
  size_t len = 0;
};

// Edits allowed when matching a folded label or keyword of `len` characters.
int LabelTolerance(size_t len);

// Finds `label` (folded, space-separated) as a run of whole tokens in `seg` (its index `si`).
// Words the page pass glued together ("Nơithườngtrú:") also match, one edit dearer.
// `at_start`: only at the segment's first token.
// `tolerance`: edits allowed (default LabelTolerance of the label's length).
bool MatchIn(const Segment& seg, int si, const std::string& label, bool at_start, Match* out,
             int tolerance = -1);

// The folded keys of all segments, " | "-joined, and fuzzy search in it.
std::string PageText(const std::vector<Segment>& segs);
// The box of a label's own words (not the rest of its segment).
cv::Rect LabelBox(const std::vector<Segment>& segs, const Match& m);
bool PageHas(const std::string& page, const std::string& key);

// The label of each field of a side found on the page.
class LabelMap {
 public:
  LabelMap(const std::vector<Segment>& segs, const std::vector<FieldSpec>& specs);
  std::optional<Match> LabelOf(const std::string& field) const;
  bool IsLabelSegment(int si) const;
  const std::map<std::string, Match>& matches() const { return matches_; }
  const std::vector<FieldSpec>& specs() const { return specs_; }

 private:
  void DropOutOfOrderShortLabels();
  void InferMissingLabels();
  void FindPartialLabels();
  void FindEnglishLabels();
  std::optional<Match> HeadOfLabel(int si, const std::string& label, const FieldSpec& spec) const;
  std::optional<Match> TailOfLabel(int si, const std::string& label) const;
  // The start of segment `si` read as `spec`'s label however garbled: words up to one ending at a
  // colon within the label's word count, or, for a value printed in capitals, up to the label's
  // word count of words in lower case before a word in capitals ("nọ se TRẦN VĂN TÂM").
  std::optional<Match> GarbledLabelAt(int si, const FieldSpec& spec) const;
  // Walking from the label in segment `anchor` up (`step` -1) or down (`step` +1) its column, past
  // lines on the label's own line, the first of at most `max_lines` lines that starts with `spec`'s
  // garbled label; the walk stops at another label or a gap of more than a line.
  std::optional<Match> GarbledLabelInColumn(const FieldSpec& spec, int anchor, int step,
                                            int max_lines) const;

  const std::vector<Segment>& segs_;
  const std::vector<FieldSpec>& specs_;
  std::map<std::string, Match> matches_;
};

}  // namespace ekyc::doc
