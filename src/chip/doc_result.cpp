// The chip's fields in the card reader's shape (doc::DocResult), so the API attaches the same
// `normalized` / `validate` blocks as for a read card.
#include "chip/chip.h"
#include "doc/mrz.h"
#include "vn/vn.h"

namespace ekyc::chip {

doc::DocResult ChipDocResult(const ChipReport& report) {
  doc::DocResult d;
  d.side = doc::Side::kFront;
  d.type = doc::DocType::kCccdChip;
  const double confidence = report.Proven(13) ? 1.0 : 0.0;
  d.class_confidence = confidence;
  if (report.dg13) {
    // The Căn cước replaced the chip CCCD on 2024-07-01 (Law 26/2023): the issue date tells them
    // apart, as on printed cards.
    if (const std::string* issued = report.dg13->Get("ngay_cap")) {
      auto date = vn::ParseDate(*issued);
      if (date && date->valid() && date->year * 10000 + date->month * 100 + date->day >= 20240701)
        d.type = doc::DocType::kCanCuoc;
    }
    for (const auto& spec : Dg13Layout()) {
      for (const auto& name : spec.names) {
        const std::string* v = report.dg13->Get(name);
        if (v == nullptr) continue;
        doc::Field f;
        f.value = v->empty() ? "N/A" : *v;
        f.confidence = v->empty() ? 0.0 : confidence;
        f.source = "chip";
        // The ID number's per-digit confidences (validate.idconf, as predict gives them): the
        // chip proves every digit as much as the whole.
        if (name == "id" && f.present()) f.char_confidences.assign(f.value.size(), f.confidence);
        d.fields.emplace_back(name, f);
      }
    }
  }
  if (report.dg1) {
    auto mrz = doc::ParseMrz(report.dg1->lines);
    if (mrz.ok()) d.mrz = *mrz;
  }
  return d;
}

}  // namespace ekyc::chip
