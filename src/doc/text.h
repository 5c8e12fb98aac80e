// Internal matching helpers for the doc module: the folded key OCR text is matched on, edit
// distances, and small string utilities. Unicode normalisation, upper-casing and accent removal
// are vn::TextTools' (src/vn/vn.h); these helpers only serve OCR matching inside doc.
//
// Thread-safety: free functions without shared mutable state; safe from any thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ekyc::doc {

// Accent-free, upper-case ASCII key with whitespace collapsed (vn::TextTools::Fold, upper-cased):
// the key labels and keywords are matched on.
std::string FoldKey(std::string_view utf8);
// FoldKey's letters only, without spaces, digits or punctuation: a key that word breaks and
// apostrophes cannot disturb ("CAAN GIANG" and "CA AN GIANG", "N'Dung" and "NDung" are one key).
std::string FoldLetters(std::string_view utf8);
// Capitals (vn::TextTools::Upper) with the tone of "OA", "OE", "UY" moved to the other vowel
// ("HOÀ" <-> "HÒA"): both placements are correct Vietnamese and both are printed.
std::string OtherTonePlacement(const std::string& upper);
// Accent-free form for `value_unidecode` (case kept; đ→d as in ICAO transliteration).
std::string StripAccents(std::string_view utf8);
// Trims ASCII whitespace and a set of punctuation often produced by OCR at line ends.
std::string Trim(std::string_view s, std::string_view extra = "");
std::string CollapseSpaces(std::string_view s);
// More lower-case than upper-case letters (any script); false without letters.
bool MostlyLowercase(std::string_view utf8);
// More upper-case than lower-case letters; false without letters.
bool MostlyUppercase(std::string_view utf8);
// The first letter (any script) is lower-case; false without letters.
bool StartsLowercase(std::string_view utf8);
// `lower` (a word or words in lower case: a list's spelling) in the case `read` was printed in:
// capitals when mostly capitals, capitalised when it starts with a capital, else as it is.
std::string InCaseOf(std::string_view read, const std::string& lower);
// Holds a letter or a digit (any non-ASCII character counts as a letter): not punctuation only.
bool HasLetterOrDigit(std::string_view utf8);
// Keeps letters (any script) and replaces everything else by spaces.
std::string KeepLetters(std::string_view utf8);
// `utf8` with each run of letters (ASCII letters and any non-ASCII character) replaced by
// `rewrite(run)`; digits, spaces and ASCII punctuation pass through.
std::string RewriteLetterRuns(std::string_view utf8,
                              const std::function<std::string(const std::string&)>& rewrite);
std::vector<std::string> Split(std::string_view s, char sep);
// Levenshtein distance on bytes (callers pass folded ASCII keys).
int EditDistance(std::string_view a, std::string_view b);
// Smallest edit distance between `needle` and any substring of `hay` (approximate search).
int BestSubstringDistance(std::string_view hay, std::string_view needle, size_t* end_pos = nullptr);
// True when `s` is a real calendar date written dd/mm/yyyy (vn::MakeDate).
bool IsValidDmy(std::string_view s);

}  // namespace ekyc::doc
