// Classification and orientation: which document type and side a page reading shows, how many
// known labels it holds (the orientation score), and whether the side may carry an MRZ.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "doc/doc.h"
#include "doc/words.h"

namespace ekyc::doc {

struct Signals {
  std::string page;  // folded keys of all segments, " | "-joined (PageText)
  bool mrz_td1 = false, mrz_td3 = false, qr = false;
  int qr_fields = 0;
};

// Type and side from the strongest signals first (MRZ, QR, titles), then back-side labels and
// English labels; `conf` gets 0.99 / 0.95 / 0.5 (weak evidence) or 0 for kUnknown.
std::pair<DocType, Side> Classify(const Signals& s, double* conf);

// Number of known title/label keywords read on the page: an upright card reads several.
int OrientationScore(const std::vector<Segment>& segs);

// Whether the page's text says the side may carry an MRZ (worth reading its band).
bool MrzLikely(const std::string& page);

}  // namespace ekyc::doc
