#include "doc/mark_words.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <cctype>
#include <map>
#include <vector>

#include "doc/text.h"

namespace ekyc::doc {

namespace {

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

// Characters in which two words of one fold (hence one length) differ.
int CharDiffs(const icu::UnicodeString& a, const icu::UnicodeString& b) {
  if (a.countChar32() != b.countChar32()) return INT32_MAX;
  int diffs = 0;
  for (int32_t i = 0, j = 0; i < a.length() && j < b.length();
       i = a.moveIndex32(i, 1), j = b.moveIndex32(j, 1))
    diffs += a.char32At(i) != b.char32At(j);
  return diffs;
}

// One word respelled; `word` holds letters only.
std::string RespellWord(const std::string& word) {
  const auto it = ByLetters().find(FoldLetters(word));
  if (it == ByLetters().end()) return word;
  const icu::UnicodeString lower = Lower(word);
  const std::string* best = nullptr;
  int best_diffs = INT32_MAX;
  bool tie = false;
  for (const std::string& v : it->second) {
    const int d = CharDiffs(lower, icu::UnicodeString::fromUTF8(v));
    if (d < best_diffs) {
      best = &v;
      best_diffs = d;
      tie = false;
    } else if (d == best_diffs) {
      tie = true;
    }
  }
  if (best == nullptr || tie) return word;
  icu::UnicodeString out = icu::UnicodeString::fromUTF8(*best);
  const icu::UnicodeString original = icu::UnicodeString::fromUTF8(word);
  if (out.length() > 1 && MostlyUppercase(word)) {
    out.toUpper();
  } else if (u_isupper(original.char32At(0))) {
    out.replace(0, out.moveIndex32(0, 1), icu::UnicodeString(u_toupper(out.char32At(0))));
  }
  std::string s;
  out.toUTF8String(s);
  return s;
}

}  // namespace

std::string RespellMarkWords(const std::string& marks) {
  std::string out, word;
  auto flush = [&] {
    out += word.empty() ? "" : RespellWord(word);
    word.clear();
  };
  // Words are runs of letters (any non-ASCII byte belongs to a letter); digits, "C:" and
  // punctuation pass through.
  for (unsigned char c : marks) {
    if (c >= 0x80 || std::isalpha(c)) {
      word += static_cast<char>(c);
    } else {
      flush();
      out += static_cast<char>(c);
    }
  }
  flush();
  return out;
}

}  // namespace ekyc::doc
