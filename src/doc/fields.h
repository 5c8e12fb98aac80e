// Internal value cleaning and hypothesis choice for the doc module: OCR text → ID numbers and
// dates, and the choice between several readings of an ID by the ID rules of src/vn.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vn/vn.h"

namespace ekyc::doc {

// Maps letters OCR confuses with digits (O→0, I/l→1, S→5, B→8 ...) in numeric fields.
char ToDigit(char c);

// The ID number in `raw`: digit groups (look-alike letters mapped) joined to `expected_len`, the
// rightmost such run winning (label noise is on the left); else the longest group.
std::string CleanId(const std::string& raw, int expected_len);

// Every `len`-digit window of a run that is 1–2 digits too long (label residue such as "Số:" read
// as 5, or a neighbour's digit); empty when the digits are not len..len+2 long.
std::vector<std::string> IdWindows(const std::string& raw, int len);

// True when `line` reads as an ID number line: at least `len` - 3 real digits (look-alike
// letters not counted), and digits make up at least 3/4 of its letters and digits. Lines of words
// are excluded because CleanId maps letters to digits ("SOCIALIST" would give 12 "digits").
bool LooksLikeIdLine(const std::string& line, int len);

// dd/mm/yyyy from OCR text (also dd-mm-yyyy, dd.mm.yyyy, ddmmyyyy); empty when not a real date.
// Cards always print two-digit days and months, so a one-digit part means OCR lost a digit
// (`13/07` read `3/07`): it is zero-padded and `*incomplete` (when given) set, so that callers
// can look for a complete reading before trusting it. A run of 9 or 10 digits whose separators
// were read as `1` or `7` (`260712021`) is taken when exactly one split is a real date, and also
// flagged incomplete.
std::string CleanDate(const std::string& raw, bool* incomplete = nullptr);

// True when `text` says "Không thời hạn" (no expiry), also with its last word lost ("Không thời").
bool SaysNoExpiry(const std::string& text);
// Upper-case letters only (any script), stray 1-letter tokens at the ends dropped (borders, photo
// edge, background specks).
std::string CleanName(const std::string& raw);
// A name read with a letter wrong, lost or added, and the checked machine-readable spelling of it
// (accent-free MRZ letters): the machine's letters, each carrying the printed letter's marks where
// the two line up ("HẾU" and "HIEU" → "HIẾU"). Letters the reading lacks stay bare.
std::string SpellWithMarks(const std::string& reading, const std::string& accent_free);
// Misread letters a reading may have and still be taken for the machine-readable name
// `accent_free` (doc/params.h, ExtractParams::mrz_name_*).
int MrzNameEdits(const std::string& accent_free);

// Letters OCR takes from other alphabets: the Icelandic eth Ð/ð (U+00D0/U+00F0) for the
// Vietnamese Đ/đ (U+0110/U+0111), which look the same.
std::string FixLookAlikeLetters(std::string text);

// Removes tokens without a letter or digit, except one hyphen of compound names ("Bà Rịa - Vũng
// Tàu", also when both halves of a split line kept theirs): specks a short segment re-read alone
// turns into "¡" or "ˆ"; and symbols glued to the front of a word ("Xóm †18" → "Xóm 18"). A comma
// read apart from its word goes back to the word before it ("Yên Hoà ,Liên" → "Yên Hoà, Liên").
std::string DropSpeckTokens(const std::string& text);

// Address words as printed: every syllable of a place name starts upper case ("xã cam Thủy" →
// "Xã Cam Thủy"), except the second word of the unit types written in lower case ("Thị trấn",
// "Thị xã", "Thành phố", "Khu phố", "Khu vực", "Tổ dân phố"); words starting with a digit are kept.
std::string CapitalizeAddress(const std::string& text);

// Puts back the comma that separates the administrative units of a printed address before a
// unit word read without it ("Phường Tân Quang Thành phố Tuyên Quang" -> "Phường Tân Quang,
// Thành phố Tuyên Quang"): cards print one between every two units, and a thin comma is what a
// blurred line loses first. Only the unit words as CapitalizeAddress writes them count, never at
// the start or the end, and never after a hyphen ("Bà Rịa - Vũng Tàu").
std::string RestoreUnitCommas(const std::string& text);

// Drops the last words of a bilingual label left garbled in front of the value when the label
// match ended early ("of birt: HƯNG YÊN" for "Nơi sinh / Place of birth"): the value's first 2+
// words match the end of `english_label` (upper case, e.g. "PLACE OF BIRTH") within OCR
// tolerance and the last of them ends with ':'. Anything else is returned unchanged.
std::string StripLabelTail(const std::string& text, const std::string& english_label);

// A passport number (a capital letter and 7 digits, look-alike letters mapped in the digits) from
// the first 8 letters and digits of `raw`; empty when it has no such shape.
std::string CleanPassportNumber(const std::string& raw);

// Whitespace collapsed and OCR punctuation trimmed from both ends.
std::string CleanText(const std::string& raw);

// Drops a garbled English label half left in front of a value ("Place øf origin Xã ..."): the
// value's first words match `english_label` (folded, upper case) within OCR tolerance.
std::string StripEnglishLabel(const std::string& text, const std::string& english_label);

// True when `text` is nothing but the English label `english_label` (folded, upper case) or its
// last words, within OCR tolerance: what a page pass leaves after a matched Vietnamese label.
bool IsEnglishTail(const std::string& text, const char* english_label);

// A garbled label part left in front of the value and ended by its colon ("Natiooaty: Việt Nam"):
// the text after the first colon when it comes early and nothing digit-like precedes it.
// `max_prefix`: how far into the text the colon may be.
std::string StripLabelBeforeColon(const std::string& text, size_t max_prefix);

// Identifying marks start with one of a few standard words; the tone mark under "Sẹo" is often
// lost by OCR ("Seo" is not a word used there).
std::string FixMarkHead(const std::string& v);

// Writes the distances in an identifying mark the way cards print them: the abbreviation of
// "cách" as "C:" directly before the number ("C: 1cm", "C.1cm", "C2cm" -> "C:1cm"), digits where
// letters shaped like them stand for a length ("C:Icm" -> "C:1cm"), the Vietnamese decimal comma
// between the digits of a length ("1.5cm", "1.,5cm" -> "1,5cm") and the unit "cm" where a blurred
// "c" was read as "e" or lost after a digit ("2em", "2m" -> "2cm"; a distance on a face is never
// in metres). Only digits, separators and the unit are touched; words are left as read.
std::string NormalizeMarkDistances(const std::string& v);

// "Nam"/"Nữ" (passports: "NAM"/"NỮ") from a sex value as read; empty when neither.
std::string CleanSex(const std::string& raw, bool passport);
// "Việt Nam" (passports: "VIỆT NAM") for a reading IsNationalityValue accepts, else the cleaned
// text.
std::string CleanNationality(const std::string& raw, bool passport);
// Whether a line reads as a value of these closed vocabularies: its first word (accents folded,
// up to a slash) is NAM or NU; it starts with VIET, or VIETNAM with one letter misread, or holds
// the passport's VIETNAMESE. Stricter than the Clean* functions, which
// make the best of the line already chosen; these choose among lines.
bool IsSexValue(const std::string& line);
bool IsNationalityValue(const std::string& line);
// A line that is a nationality value and nothing else: "Việt Nam" (a letter misread allowed), or a
// passport's "VIỆT NAM/VIETNAMESE". Strict enough to find the value with no label to go by: an
// address line starting "Việt Yên" is not one.
bool IsNationalityOnly(const std::string& line);
// An address as printed: specks dropped, capitalisation restored, trailing noise dropped.
std::string CleanAddress(const std::string& raw);

struct Reading {
  std::string text;
  double conf = 0;  // [0, 1]
};

// Per-word majority vote between readings of one name line (cleaned by CleanName first): the
// word count most readings agree on, then at each position the word most readings agree on; ties
// go to the more confident reading. `conf` gets the share of agreeing words times the mean
// confidence of the readings used. Empty when no reading has letters.
// `accent_free`: the same name from a checked MRZ (passport), when known: at each position only
// the readings whose accent-free letters match it vote, when any does (the MRZ fixes the letters,
// the readings the tone marks).
std::string VoteName(const std::vector<Reading>& readings, double* conf,
                     const std::string& accent_free = "");

struct IdCandidate {
  std::string value;
  double conf = 0;
  bool window = false;  // a `len`-digit window of a longer run (IdWindows): weaker evidence
};

// The candidate of length `len` that follows the ID rules (province code, century/sex digit,
// birth year against `dob` and `sex` when known: vn::ValidateId) and was read most often
// (windows not counted; ties: the first); else the first valid window; else the first candidate
// of length `len`; -1 when none has that length. An inserted digit can leave a window that still
// passes the rules (the year digits come before it), and on 9-digit CMNDs the rules only check
// the prefix, hence the count of independent readings. A 12-digit number whose prefix is a
// province code (first digit 0) is preferred to one whose prefix could only be a country code
// (births registered abroad, rare; a 0 misread as 5 or lost gives the same shape).
int PickId(const std::vector<IdCandidate>& candidates, int len, const std::optional<vn::Date>& dob,
           int sex);
// A 12-digit number whose prefix is not a province code (first digit other than 0).
bool ForeignIdPrefix(const std::string& id);

}  // namespace ekyc::doc
