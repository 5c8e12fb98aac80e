#include "doc/text.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>

namespace ekyc::doc {
namespace {

icu::UnicodeString FromUtf8(std::string_view s) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}
std::string ToUtf8(const icu::UnicodeString& u) {
  std::string out;
  u.toUTF8String(out);
  return out;
}

}  // namespace

std::string ToNfc(std::string_view utf8) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  if (U_FAILURE(err)) return std::string(utf8);
  icu::UnicodeString out = nfc->normalize(FromUtf8(utf8), err);
  if (U_FAILURE(err)) return std::string(utf8);
  return ToUtf8(out);
}

std::string ToUpper(std::string_view utf8) {
  icu::UnicodeString u = FromUtf8(utf8);
  u.toUpper(icu::Locale("vi"));
  return ToNfc(ToUtf8(u));
}

std::string StripAccents(std::string_view utf8) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
  if (U_FAILURE(err)) return std::string(utf8);
  icu::UnicodeString d = nfd->normalize(FromUtf8(utf8), err);
  if (U_FAILURE(err)) return std::string(utf8);
  icu::UnicodeString out;
  for (int32_t i = 0; i < d.length();) {
    UChar32 c = d.char32At(i);
    i += U16_LENGTH(c);
    if (u_getCombiningClass(c) != 0 || u_charType(c) == U_NON_SPACING_MARK) continue;
    if (c == 0x0111) c = 'd';
    if (c == 0x0110) c = 'D';
    out.append(c);
  }
  return ToUtf8(out);
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

std::string KeepLetters(std::string_view utf8) {
  icu::UnicodeString u = FromUtf8(utf8), out;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    bool mark = u_getCombiningClass(c) != 0 || u_charType(c) == U_NON_SPACING_MARK;
    out.append(u_isalpha(c) || mark ? c : static_cast<UChar32>(' '));
  }
  return ToUtf8(out);
}

std::string FoldKey(std::string_view utf8) {
  std::string s = StripAccents(utf8);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return CollapseSpaces(s);
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

bool IsValidDate(int y, int m, int d) {
  if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int dim = kDays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) dim = 29;
  return d <= dim;
}

bool IsValidDmy(std::string_view s) {
  if (s.size() != 10 || s[2] != '/' || s[5] != '/') return false;
  for (size_t i : {0, 1, 3, 4, 6, 7, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  int d = std::stoi(std::string(s.substr(0, 2)));
  int m = std::stoi(std::string(s.substr(3, 2)));
  int y = std::stoi(std::string(s.substr(6, 4)));
  return IsValidDate(y, m, d);
}

}  // namespace ekyc::doc
