// Vietnamese syllable check from the rules of the orthography (onset + optional medial + vowel
// nucleus + optional coda, one tone mark at most, stop codas c/ch/p/t only with the sắc or nặng
// tone). Built from those rules, not from any list of names or places, so it cannot learn a
// vocabulary: it only says whether a word could be one written Vietnamese syllable. Used to drop
// OCR noise glued to the end of a value ("Tỉnh Thanh Hóa Iriiễn").
//
// Thread-safety: pure functions over immutable tables built on first use (thread-safe static
// initialisation); safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace ekyc::doc {

// True when `word` (letters only, any case, NFC or NFD) spells one Vietnamese syllable.
// Words of other writing traditions used in place names (`Krông`, `Păh`) are not syllables by
// these rules; the place-name spellings `k` before any vowel (`Kạn`) and the coda `k` (`Lắk`)
// are accepted.
bool IsVietnameseSyllable(std::string_view word);

// True when an accent-free upper-case word, as the MRZ writes names (every diacritic dropped, Đ
// written D), could be a Vietnamese syllable once its diacritics are put back: `NGUYEN`, `QUOC`,
// `DUONG` are; `KLY`, `NGUYYEN` (OCR inserted a letter) are not. Names of minority peoples (`KSOR`)
// are not either, so callers may only use it to prefer one reading over another.
// With `personal_name`, the loan-word rhymes `oong`/`oóc` (`xoong`, `soóc`), which no personal
// name uses, count as impossible, so an OCR-doubled `QUOOC` is caught too, and so does the coda `k`
// of place names (`VUK`: a filler read as K).
bool CouldBeAccentFreeSyllable(std::string_view word, bool personal_name = false);

// `text` with each word that is not a Vietnamese syllable but holds one glyph read twice
// repaired: a letter next to the same letter (tone and case aside: "Kẩần", "LỘộc", "BôiI"), a
// horned vowel next to another ("Trơưng"), or an `r` between vowels, which Vietnamese never writes
// ("Trưrớc", the horn read as a letter). The glyph is dropped when that, and nothing else, leaves
// a syllable, and its case follows the word's; "oo" (`xoong`) is a rhyme, not an echo. A word with
// two ways to repair it ("Cùủ": `Cù` or `Củ`) stays as read for a vocabulary to decide, and so
// does a word the rules cannot judge (names of minority peoples: `Jút`, `Krông`). Words are runs of
// letters; digits, apostrophes and punctuation pass through.
std::string RepairEchoedLetters(const std::string& text);

// Drops trailing words of an address that are neither numbers nor Vietnamese syllables (OCR
// noise after the last real word: specks, seal edges, a neighbouring line), at most two words
// and only when the word left at the end is a syllable. Punctuation at the new end is trimmed.
std::string DropTrailingNoise(const std::string& address);

}  // namespace ekyc::doc
