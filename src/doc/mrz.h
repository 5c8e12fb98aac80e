// ICAO 9303 machine-readable zone parsing for Vietnamese documents: TD1 (3×30, chip CCCD and
// the 2024 Căn cước) and TD3 (2×44, passport), with position-aware repair of OCR confusions.
// A repair is kept only when the check digits it affects then validate.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "vn/vn.h"

namespace ekyc::doc {

// Value of one MRZ character for the check digit (0-9, A-Z → 10-35, '<' → 0); -1 if not allowed.
int MrzCharValue(char c);
// ICAO 9303 check digit (weights 7,3,1) of `field`; -1 if it holds a character not allowed.
int MrzCheckDigit(std::string_view field);

struct MrzData {
  std::string format;              // "TD1" or "TD3"
  std::vector<std::string> lines;  // after repair
  std::string document_code;       // "ID", "P" ...
  std::string issuing_state;       // "VNM"
  std::string
      document_number;  // fillers removed (TD1 VN: last 9 digits of the ID; TD3: passport no.)
  std::string personal_number;  // optional data without fillers (VN: the 12-digit ID)
  std::string birth_date;       // dd/mm/yyyy, century resolved; empty if unreadable
  std::string expiry_date;      // dd/mm/yyyy; empty when the field is fillers (no expiry)
  std::string sex;              // "M", "F" or "" (unspecified)
  std::string nationality;      // "VNM"
  std::string surname;          // MRZ transliteration, words separated by spaces
  std::string given_names;
  bool checks_ok = false;                  // every check digit (incl. composite) validates
  std::vector<std::string> failed_checks;  // names of the checks that failed
  int repaired_chars = 0;                  // characters changed from the OCR input
};

// Parses 3 lines (TD1) or 2 lines (TD3) of OCR text. Spaces are ignored, lower case is
// upper-cased, '«' is read as '<', and a line off by a few fillers is re-padded. Returns an error
// when the shape is not an MRZ at all; check-digit failures are reported in MrzData.
// Two-digit years: a birth date is never in the future nor more than 120 years back, and the ID's
// century digit picks between the centuries left; an expiry date is put in the century nearest to
// today. "Today" is the clock's, or `today`.
// For a Vietnamese citizen, fillers read as look-alike letters are taken out of the name field.
Result<MrzData> ParseMrz(const std::vector<std::string>& lines);
Result<MrzData> ParseMrz(const std::vector<std::string>& lines, const vn::Date& today);

// Whether `d` can be the birth date of a card holder with personal number `vn_id` (empty when
// unknown): not in the future, at most 120 years back, and in the century the number's century
// digit names (a Vietnamese personal number: digit 4 = (century - 19) × 2 + sex). The clock's
// today.
bool PlausibleBirthDate(const vn::Date& d, const std::string& vn_id);

// Picks the MRZ lines out of free OCR lines (the last run of 3 TD1-like or 2 TD3-like lines).
// Returns an empty vector when none look like an MRZ.
std::vector<std::string> FindMrzLines(const std::vector<std::string>& ocr_lines);

// Words of a Vietnamese citizen's MRZ name (nationality VNM; surname and given names) that no
// Vietnamese name syllable strips down to: an OCR letter inserted or doubled (`THU<KLY`, `QUOOC`).
// 0 for other nationalities. Minority names (`KSOR`) count too, so use it only to prefer one
// reading.
int ImplausibleNameWords(const MrzData& m);

// OCR doubles letters of the fixed-pitch name field (`QUOOC`, `VOO`, `CUOONG`), which no check
// digit covers. In a Vietnamese citizen's name (nationality VNM), a doubled vowel is dropped when
// its word cannot be a name syllable and exactly one de-doubled spelling can (the field keeps its
// length: a filler is added at its end). Consonants are left alone: Ede names keep a real double
// letter once the MRZ drops their apostrophe (H'Hen → `HHEN`). Returns the re-parsed MRZ, or
// nullopt when nothing changes.
std::optional<MrzData> UndoubleNameVowels(const MrzData& m);

}  // namespace ekyc::doc
