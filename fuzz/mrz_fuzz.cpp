// OCR text lines (one per '\n') through the MRZ line finder, parser and name repairs.
#include <string>
#include <vector>

#include "doc/mrz.h"
#include "fuzz/fuzz_target.h"

EKYC_FUZZ_TARGET(mrz) {
  std::vector<std::string> lines;
  std::string cur;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') {
      lines.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(static_cast<char>(data[i]));
    }
  }
  lines.push_back(std::move(cur));
  (void)ekyc::doc::FindMrzLines(lines);
  auto parsed = ekyc::doc::ParseMrz(lines);
  if (parsed.ok()) {
    (void)ekyc::doc::ImplausibleNameWords(*parsed);
    (void)ekyc::doc::UndoubleNameVowels(*parsed);
  }
  for (const auto& l : lines) (void)ekyc::doc::MrzCheckDigit(l);
  return 0;
}
