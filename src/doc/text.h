// Internal text helpers for the doc module: Unicode NFC, accent folding for fuzzy label matching,
// and small string utilities. The official Vietnamese normalisation (unidecode for output, dates,
// addresses) belongs to src/vn; these helpers only serve OCR matching inside doc.
//
// Thread-safety: free functions without shared mutable state; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ekyc::doc {

// Unicode NFC; invalid UTF-8 is replaced by U+FFFD.
std::string ToNfc(std::string_view utf8);
// Upper-case (full Unicode, Vietnamese-aware) in NFC.
std::string ToUpper(std::string_view utf8);
// Removes diacritics (NFD, drops combining marks, đ→d, Đ→D), keeps case.
std::string StripAccents(std::string_view utf8);
// StripAccents + upper-case + collapses whitespace: the key used for fuzzy label matching.
std::string FoldKey(std::string_view utf8);
// Trims ASCII whitespace and a set of punctuation often produced by OCR at line ends.
std::string Trim(std::string_view s, std::string_view extra = "");
std::string CollapseSpaces(std::string_view s);
// Keeps letters (any script) and replaces everything else by spaces.
std::string KeepLetters(std::string_view utf8);
std::vector<std::string> Split(std::string_view s, char sep);
// Levenshtein distance on bytes (callers pass folded ASCII keys).
int EditDistance(std::string_view a, std::string_view b);
// Smallest edit distance between `needle` and any substring of `hay` (approximate search).
int BestSubstringDistance(std::string_view hay, std::string_view needle, size_t* end_pos = nullptr);
// True when `s` is a real calendar date written dd/mm/yyyy.
bool IsValidDmy(std::string_view s);
bool IsValidDate(int y, int m, int d);

}  // namespace ekyc::doc
