#include "doc/mark_words.h"

#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include "doc/syllable.h"
#include "doc/text.h"

namespace ekyc::doc {

namespace {

// A word that is no Vietnamese syllable and has at least this many letters may be one letter off
// a vocabulary word ("tvên", "dưei"); shorter words have too many neighbours.
constexpr size_t kMinLettersOff = 3;
// A syllable of one letter (a vowel alone, read apart from its word) is no word to respell.
constexpr int32_t kMinVowelOffChars = 2;
// A word with at least this many letters, none of whose letter runs is a Vietnamese syllable or
// a vocabulary word, is no part of a description: a label in another language read into the
// value, or a smear read as letters. Shorter ones may be abbreviations and stay.
constexpr size_t kMinForeignLetters = 4;

// The vocabulary of marks descriptions, lower case: kinds of mark, their shapes, parts of the face
// and body, and positions (relative to a part, and the side).
constexpr const char* kMarkWords[] = {
    // kinds and shapes
    "nốt", "ruồi", "sẹo", "chấm", "vết", "bớt", "lồi", "lõm", "xăm", "tàn", "nhang", "hình",
    "thẳng", "ngang", "dọc", "dài", "cong", "tròn", "đen", "nâu", "đỏ",
    // parts of the face and body
    "mày", "lông", "mắt", "mũi", "cánh", "mép", "môi", "cằm", "má", "gò", "trán", "tai", "vành",
    "dái", "thái", "dương", "nhân", "trung", "cổ", "gáy", "khóe", "đuôi", "đầu", "chân", "tóc",
    "hàm", "quai", "sống", "lưng", "tay", "ngực", "vai", "mặt", "mi", "mí",
    // positions
    "cách", "trên", "dưới", "trước", "sau", "giữa", "trong", "ngoài", "bên", "gần", "phía", "góc",
    "cạnh", "trái", "phải", "và", "ở"};

// Vocabulary words that stand only in a compound ("tàn nhang", "thái dương", "dái tai"): a vowel
// misread is not taken for one of them alone.
constexpr std::string_view kCompoundOnly[] = {"tàn",   "nhang", "thái", "dương", "nhân",
                                              "trung", "quai",  "dái",  "gò",    "vành"};

// Folded letters → vocabulary words with them.
const std::map<std::string, std::vector<std::string>>& ByLetters() {
  static const std::map<std::string, std::vector<std::string>> k = [] {
    std::map<std::string, std::vector<std::string>> m;
    for (const char* w : kMarkWords) m[FoldLetters(w)].push_back(w);
    return m;
  }();
  return k;
}

icu::UnicodeString Lower(const std::string& utf8) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(utf8);
  u.toLower();
  return u;
}

// Levenshtein distance between two words' characters.
int CharEdits(const icu::UnicodeString& a, const icu::UnicodeString& b) {
  std::vector<UChar32> x, y;
  for (int32_t i = 0; i < a.length(); i = a.moveIndex32(i, 1)) x.push_back(a.char32At(i));
  for (int32_t i = 0; i < b.length(); i = b.moveIndex32(i, 1)) y.push_back(b.char32At(i));
  std::vector<int> row(y.size() + 1);
  for (size_t j = 0; j <= y.size(); ++j) row[j] = static_cast<int>(j);
  for (size_t i = 1; i <= x.size(); ++i) {
    int diag = row[0];
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= y.size(); ++j) {
      const int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (x[i - 1] != y[j - 1])});
      diag = up;
    }
  }
  return row[y.size()];
}

bool InVocabulary(const std::string& word) {
  const std::string lower = [&] {
    std::string out;
    Lower(word).toUTF8String(out);
    return out;
  }();
  return std::find(std::begin(kMarkWords), std::end(kMarkWords), lower) != std::end(kMarkWords);
}

// Vocabulary words one letter (folded) off `letters`: a glyph misread, doubled or dropped.
std::vector<std::string> OneLetterOff(const std::string& letters) {
  std::vector<std::string> out;
  for (const auto& [key, words] : ByLetters())
    if (EditDistance(key, letters) == 1) out.insert(out.end(), words.begin(), words.end());
  return out;
}

// A word's consonants: its folded letters without the vowels, which blur changes far more often
// than the consonants around them.
std::string Consonants(const std::string& word) {
  std::string out;
  for (char c : FoldLetters(word))
    if (std::string_view("AEIOUY").find(c) == std::string_view::npos) out.push_back(c);
  return out;
}

// Vocabulary words with the consonants of `word` and one character (a vowel or its marks) other.
std::vector<std::string> OneVowelOff(const std::string& word) {
  std::vector<std::string> out;
  const icu::UnicodeString lower = Lower(word);
  if (lower.countChar32() < kMinVowelOffChars) return out;
  const std::string consonants = Consonants(word);
  for (const char* v : kMarkWords) {
    if (std::find(std::begin(kCompoundOnly), std::end(kCompoundOnly), v) != std::end(kCompoundOnly))
      continue;
    if (Consonants(v) == consonants && CharEdits(lower, icu::UnicodeString::fromUTF8(v)) == 1)
      out.emplace_back(v);
  }
  return out;
}

// One word respelled; `word` holds letters only.
std::string RespellWord(const std::string& word) {
  const std::string letters = FoldLetters(word);
  const auto it = ByLetters().find(letters);
  std::vector<std::string> candidates;
  if (it != ByLetters().end())
    candidates = it->second;
  else if (!IsVietnameseSyllable(word) && letters.size() >= kMinLettersOff)
    candidates = OneLetterOff(letters);
  else if (IsVietnameseSyllable(word) && !InVocabulary(word))
    candidates = OneVowelOff(word);
  if (candidates.empty()) return word;
  const icu::UnicodeString lower = Lower(word);
  const std::string* best = nullptr;
  int best_diffs = INT32_MAX;
  bool tie = false;
  for (const std::string& v : candidates) {
    const int d = CharEdits(lower, icu::UnicodeString::fromUTF8(v));
    if (d < best_diffs) {
      best = &v;
      best_diffs = d;
      tie = false;
    } else if (d == best_diffs) {
      tie = true;
    }
  }
  if (best == nullptr || tie) return word;
  return InCaseOf(word, *best);
}

bool HasDigit(const std::string& s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool Foreign(const std::string& token) {
  // A token ending in the unit is a distance whose number was misread: it stays, as read.
  if (HasDigit(token) || token.ends_with("cm") || FoldLetters(token).size() < kMinForeignLetters)
    return false;
  bool word = false;
  RewriteLetterRuns(token, [&](const std::string& run) {
    word = word || IsVietnameseSyllable(run) || InVocabulary(run);
    return run;
  });
  return !word;
}

// `token` repeats the last letters of the word before it ("Sẹo ẹo", "mày y"): the same glyphs
// read twice by overlapping passes.
bool Echoes(const std::string& before, const std::string& token) {
  if (HasDigit(token) || InVocabulary(token)) return false;
  const icu::UnicodeString prev = Lower(before), tail = Lower(token);
  return !tail.isEmpty() && tail.length() < prev.length() && prev.endsWith(tail);
}

}  // namespace

std::string DropMarkNoise(const std::string& marks) {
  std::string out, previous;
  for (const std::string& token : Split(CollapseSpaces(marks), ' ')) {
    if (token.empty() || Foreign(token) || (!previous.empty() && Echoes(previous, token))) continue;
    out += (out.empty() ? "" : " ") + token;
    previous = token;
  }
  return out;
}

std::string RespellMarkWords(const std::string& marks) {
  // Digits, "C:" and punctuation pass through.
  return RewriteLetterRuns(marks, RespellWord);
}

}  // namespace ekyc::doc
