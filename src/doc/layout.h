// Layout knowledge as data: one table per document type and side. Each printed field has its
// labels (accent-folded, both languages, longest first, then common misreadings), its kind, how
// many lines its value may take, where the value sits relative to the label, and, for a few
// fields, the box where the value is printed when its label cannot be read. A new print run is a
// table edit here, not a code path.
//
// Thread-safety: immutable tables; safe from any thread.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "doc/doc.h"
#include "doc/recognizer.h"

namespace ekyc::doc {

// A box in fractions of the upright, rectified card.
struct RelRect {
  double x = 0, y = 0, w = 0, h = 0;
  bool empty() const { return w <= 0 || h <= 0; }
  cv::Rect On(cv::Size card) const;
};

struct FieldSpec {
  const char* field;  // vendor field name
  FieldKind kind;
  std::vector<const char*> labels;  // folded label forms, longest first
  const char* english = nullptr;    // folded English label part, stripped when left before a value
  int max_lines = 1;                // value lines (addresses wrap)
  bool below = false;               // the value starts on the line below the label
  bool at_start = false;            // a short label: must be the first token of its segment
  RelRect value_box = {};  // where the value is printed, used only when the label pass gave nothing
  bool capitals = false;  // the value is printed in capitals (names; a passport's texts): words in
                          // lower case next to the label are the label's English part
};

struct SideLayout {
  std::vector<FieldSpec> fields;  // in output order
  RelRect portrait;               // empty on sides without a portrait
  int id_digits = 12;             // length of the personal number printed on the side
  bool bilingual = false;         // labels carry an English part
  bool qr_side = false;           // the side carries the QR code, whose values replace OCR
};

// The layout of one side; an empty layout for unknown types.
const SideLayout& LayoutOf(DocType type, Side side);

// True when a line's folded key starts another block (a label or a fixed heading): never a
// continuation of the value above it.
bool StartsBlock(std::string_view key);

}  // namespace ekyc::doc
