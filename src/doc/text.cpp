#include "doc/text.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>

#include "vn/vn.h"

namespace ekyc::doc {

namespace {

// Lower-case minus upper-case letters.
int CaseBalance(std::string_view utf8) {
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  int balance = 0;
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    balance += (u_islower(c) ? 1 : 0) - (u_isupper(c) ? 1 : 0);
    i += U16_LENGTH(c);
  }
  return balance;
}

}  // namespace

bool MostlyLowercase(std::string_view utf8) {
  return CaseBalance(utf8) > 0;
}
bool MostlyUppercase(std::string_view utf8) {
  return CaseBalance(utf8) < 0;
}

bool HasLetterOrDigit(std::string_view utf8) {
  return std::any_of(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0x80) != 0 ||
           std::isalnum(static_cast<unsigned char>(c)) != 0;
  });
}

bool StartsLowercase(std::string_view utf8) {
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    if (u_isalpha(c)) return u_islower(c) != 0;
    i += U16_LENGTH(c);
  }
  return false;
}

std::string FoldKey(std::string_view utf8) {
  std::string s = vn::TextTools::Fold(utf8);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return CollapseSpaces(s);
}

std::string FoldLetters(std::string_view utf8) {
  std::string out;
  for (char c : FoldKey(utf8))
    if (c >= 'A' && c <= 'Z') out += c;
  return out;
}

std::string OtherTonePlacement(const std::string& upper) {
  static const char* const kPairs[][2] = {{"OÀ", "ÒA"}, {"OÁ", "ÓA"}, {"OẢ", "ỎA"}, {"OÃ", "ÕA"},
                                          {"OẠ", "ỌA"}, {"OÈ", "ÒE"}, {"OÉ", "ÓE"}, {"OẺ", "ỎE"},
                                          {"OẼ", "ÕE"}, {"OẸ", "ỌE"}, {"UỲ", "ÙY"}, {"UÝ", "ÚY"},
                                          {"UỶ", "ỦY"}, {"UỸ", "ŨY"}, {"UỴ", "ỤY"}};
  std::string out;
  for (size_t at = 0; at < upper.size();) {
    bool swapped = false;
    for (const auto& pair : kPairs) {
      for (int from = 0; from < 2 && !swapped; ++from) {
        const std::string_view a = pair[from];
        if (upper.compare(at, a.size(), a) != 0) continue;
        out += pair[1 - from];
        at += a.size();
        swapped = true;
      }
      if (swapped) break;
    }
    if (!swapped) out += upper[at++];
  }
  return out;
}

std::string StripAccents(std::string_view utf8) {
  // One transliterator for the process: vn::TextTools guards it with a mutex.
  static const std::unique_ptr<vn::TextTools> tools = [] {
    auto t = vn::TextTools::Create();
    return t.ok() ? std::move(t).value() : nullptr;
  }();
  if (tools == nullptr) return std::string(utf8);
  return tools->Unidecode(utf8);
}

std::string CollapseSpaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string InCaseOf(std::string_view read, const std::string& lower) {
  if (MostlyUppercase(read)) return vn::TextTools::Upper(lower);
  if (StartsLowercase(read) || lower.empty()) return lower;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(lower);
  u.replace(0, u.moveIndex32(0, 1), icu::UnicodeString(u_toupper(u.char32At(0))));
  std::string out;
  u.toUTF8String(out);
  return out;
}

std::string RewriteLetterRuns(std::string_view utf8,
                              const std::function<std::string(const std::string&)>& rewrite) {
  std::string out, run;
  auto flush = [&] {
    if (!run.empty()) out += rewrite(run);
    run.clear();
  };
  for (unsigned char c : utf8) {
    if (c >= 0x80 || std::isalpha(c)) {
      run += static_cast<char>(c);
    } else {
      flush();
      out += static_cast<char>(c);
    }
  }
  flush();
  return out;
}

std::string KeepLetters(std::string_view utf8) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString out;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    bool mark = u_getCombiningClass(c) != 0 || u_charType(c) == U_NON_SPACING_MARK;
    out.append(u_isalpha(c) || mark ? c : static_cast<UChar32>(' '));
  }
  std::string s;
  out.toUTF8String(s);
  return s;
}

std::string Trim(std::string_view s, std::string_view extra) {
  auto is_trim = [&](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || extra.find(c) != std::string_view::npos;
  };
  size_t b = 0, e = s.size();
  while (b < e && is_trim(s[b])) ++b;
  while (e > b && is_trim(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

int BestSubstringDistance(std::string_view hay, std::string_view needle, size_t* end_pos) {
  // Sellers' algorithm: free start position in `hay`.
  std::vector<int> prev(needle.size() + 1), cur(needle.size() + 1);
  for (size_t j = 0; j <= needle.size(); ++j) prev[j] = static_cast<int>(j);
  int best = prev[needle.size()];
  size_t best_end = 0;
  for (size_t i = 1; i <= hay.size(); ++i) {
    cur[0] = 0;
    for (size_t j = 1; j <= needle.size(); ++j) {
      cur[j] = std::min(
          {prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (hay[i - 1] == needle[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
    if (prev[needle.size()] < best) {
      best = prev[needle.size()];
      best_end = i;
    }
  }
  if (end_pos) *end_pos = best_end;
  return best;
}

bool IsValidDmy(std::string_view s) {
  if (s.size() != 10 || s[2] != '/' || s[5] != '/') return false;
  for (size_t i : {0, 1, 3, 4, 6, 7, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  int d = std::stoi(std::string(s.substr(0, 2)));
  int m = std::stoi(std::string(s.substr(3, 2)));
  int y = std::stoi(std::string(s.substr(6, 4)));
  return vn::MakeDate(y, m, d).has_value();
}

}  // namespace ekyc::doc
