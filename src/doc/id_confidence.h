// Per-character confidences of an ID number (the vendor's `validate.idconf`: one value per digit).
//
// The reader settles an ID from several readings (the page pass, lines re-read alone, the value
// box at several scales) and from the QR code or MRZ when the card has one. A digit is as certain
// as the readings that agree on it: each character gets the field's confidence times the share
// (weighted by reading confidence) of the full-length readings that read that same character at
// that position. When the value rests on the QR code or the MRZ (error-corrected or check-digit
// protected), or when only one reading had the full length, every character gets the field's
// confidence: there is no per-character evidence beyond it.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "doc/fields.h"

namespace ekyc::doc {

// `value`: the ID as settled; `confidence`: the field's; `source`: the field's source ("ocr",
// "ocr+qr", ...); `readings`: the reader's ID hypotheses (windows of longer runs are not counted).
// Returns value.size() entries (IDs are ASCII), empty when `value` is empty.
std::vector<double> IdCharConfidences(const std::string& value, double confidence,
                                      const std::string& source,
                                      const std::vector<IdCandidate>& readings);

}  // namespace ekyc::doc
