#include "doc/fields.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <map>
#include <regex>

#include "doc/params.h"
#include "doc/syllable.h"
#include "doc/text.h"

namespace ekyc::doc {

char ToDigit(char c) {
  switch (c) {
    case 'O':
    case 'o':
    case 'D':
    case 'Q':
    case 'U':
      return '0';
    case 'I':
    case 'l':
    case 'i':
    case '|':
    case 'L':
    case 'T':
    case 'J':
      return '1';
    case 'Z':
    case 'z':
      return '2';
    case 'S':
    case 's':
      return '5';
    case 'G':
    case 'b':
      return '6';
    case 'B':
      return '8';
    case 'g':
    case 'q':
      return '9';
    case 'A':
      return '4';
    default:
      return c;
  }
}

std::string CleanId(const std::string& raw, int expected_len) {
  // Digit groups (letters mapped to look-alike digits), split where OCR put spaces or other marks.
  std::vector<std::string> groups;
  std::string cur;
  for (char c : raw + " ") {
    char d = ToDigit(c);
    if (std::isdigit(static_cast<unsigned char>(d))) {
      cur.push_back(d);
    } else if (!cur.empty()) {
      groups.push_back(cur);
      cur.clear();
    }
  }
  // Consecutive groups of exactly the expected length; the rightmost wins (label noise is left).
  for (int j = static_cast<int>(groups.size()) - 1; j >= 0; --j) {
    std::string acc;
    for (int i = j; i >= 0; --i) {
      acc = groups[i] + acc;
      if (static_cast<int>(acc.size()) == expected_len) return acc;
      if (static_cast<int>(acc.size()) > expected_len) break;
    }
  }
  std::string best;
  for (auto& g : groups)
    if (g.size() > best.size()) best = g;
  return best;
}

bool LooksLikeIdLine(const std::string& line, int len) {
  int digits = 0, alnum = 0;
  for (char c : FoldKey(line)) {
    if (std::isdigit(static_cast<unsigned char>(c))) ++digits;
    if (std::isalnum(static_cast<unsigned char>(c))) ++alnum;
  }
  return digits >= len - 3 && 4 * digits >= 3 * alnum;
}

// Marks a date's slash is read as on card print ("10!09/2027", "10|09|2027").
constexpr char kDateSeparators[] = "/-.!|\\";

std::string CleanDate(const std::string& raw, bool* incomplete) {
  if (incomplete != nullptr) *incomplete = false;
  std::string s;
  for (char c : raw) {
    char d = ToDigit(c);
    s.push_back(std::isdigit(static_cast<unsigned char>(d))
                    ? d
                    : (std::strchr(kDateSeparators, c) != nullptr && c != '\0' ? '/' : ' '));
  }
  static const std::regex kSep(R"((\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4}))");
  std::smatch m;
  int d = 0, mo = 0, y = 0;
  bool short_part = false;
  if (std::regex_search(s, m, kSep)) {
    d = std::stoi(m[1]);
    mo = std::stoi(m[2]);
    y = std::stoi(m[3]);
    short_part = m[1].length() < 2 || m[2].length() < 2;
  } else {
    std::string digits;
    for (char c : s)
      if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
    // A slash can be read as a stroke digit (`1`, `7`): ddSmmSyyyy with both separators read so,
    // or one (the other lost). Taken only when exactly one reading is a real date, and reported
    // as incomplete so that a cleaner reading is looked for first.
    auto slash_digit = [](char c) { return c == '1' || c == '7'; };
    std::vector<std::array<int, 3>> found;
    auto try_parts = [&](size_t dd_at, size_t mm_at, size_t yy_at) {
      const int dd = std::stoi(digits.substr(dd_at, 2)), mm = std::stoi(digits.substr(mm_at, 2));
      const int yy = std::stoi(digits.substr(yy_at, 4));
      if (vn::MakeDate(yy, mm, dd)) found.push_back({dd, mm, yy});
    };
    if (digits.size() == 8) {
      try_parts(0, 2, 4);
    } else if (digits.size() == 10 && slash_digit(digits[2]) && slash_digit(digits[5])) {
      try_parts(0, 3, 6);
      short_part = true;
    } else if (digits.size() == 9) {
      if (slash_digit(digits[2])) try_parts(0, 3, 5);
      if (slash_digit(digits[4])) try_parts(0, 2, 5);
      short_part = true;
    }
    if (found.size() != 1) return {};
    d = found[0][0];
    mo = found[0][1];
    y = found[0][2];
  }
  if (!vn::MakeDate(y, mo, d)) return {};
  if (incomplete != nullptr) *incomplete = short_part;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%02d/%02d/%04d", d, mo, y);
  return buf;
}

// Digit runs of an over-long group whose ends may be label residue ("Số:" read as 5 or 50) or a
// neighbour's digit: every `len`-digit window, for the ID-rule check to choose from.
std::vector<std::string> IdWindows(const std::string& raw, int len) {
  std::string digits;
  for (char c : raw) {
    char d = ToDigit(c);
    if (std::isdigit(static_cast<unsigned char>(d))) digits.push_back(d);
  }
  std::vector<std::string> out;
  if (static_cast<int>(digits.size()) < len || static_cast<int>(digits.size()) > len + 2)
    return out;
  for (size_t i = 0; i + len <= digits.size(); ++i) out.push_back(digits.substr(i, len));
  return out;
}

std::string CleanName(const std::string& raw) {
  std::string out = KeepLetters(vn::TextTools::Upper(raw));
  // Drop stray 1-letter tokens at the ends (borders, photo edge).
  std::vector<std::string> parts;
  for (auto& p : Split(CollapseSpaces(out), ' '))
    if (!p.empty()) parts.push_back(p);
  while (parts.size() > 1 && parts.back().size() == 1) parts.pop_back();
  while (parts.size() > 1 && parts.front().size() == 1) parts.erase(parts.begin());
  std::string r;
  for (auto& p : parts) r += (r.empty() ? "" : " ") + p;
  return r;
}

std::string FixLookAlikeLetters(std::string text) {
  static const std::pair<std::string, std::string> kMap[] = {{"\xC3\x90", "\xC4\x90"},
                                                             {"\xC3\xB0", "\xC4\x91"}};
  for (const auto& [from, to] : kMap) {
    for (size_t pos = text.find(from); pos != std::string::npos;
         pos = text.find(from, pos + to.size())) {
      text.replace(pos, from.size(), to);
    }
  }
  return text;
}

std::string StripLabelTail(const std::string& text, const std::string& english_label) {
  std::vector<std::string> words;
  for (auto& w : Split(CollapseSpaces(text), ' '))
    if (!w.empty()) words.push_back(w);
  std::vector<std::string> label;
  for (auto& w : Split(english_label, ' '))
    if (!w.empty()) label.push_back(w);
  // Two words at least: a one-word tail ("NAME", "SEX") is too easily a real value's first word.
  for (size_t k = std::min(label.size(), words.size() - std::min<size_t>(words.size(), 1)); k >= 2;
       --k) {
    if (words[k - 1].back() != ':') continue;
    std::string head, tail;
    for (size_t i = 0; i < k; ++i) {
      for (char c : FoldKey(words[i])) {
        if (std::isalnum(static_cast<unsigned char>(c))) head.push_back(c);
      }
      if (i + 1 < k) head.push_back(' ');
      tail += (i ? " " : "") + label[label.size() - k + i];
    }
    if (EditDistance(head, tail) <= std::max<int>(1, static_cast<int>(tail.size() * 0.3))) {
      std::string rest;
      for (size_t i = k; i < words.size(); ++i) rest += (rest.empty() ? "" : " ") + words[i];
      return rest;
    }
  }
  return text;
}

std::string DropSpeckTokens(const std::string& text) {
  std::string out;
  for (const auto& w : Split(CollapseSpaces(text), ' ')) {
    if (w.empty()) continue;
    bool alnum = false;
    for (char c : FoldKey(w)) alnum |= std::isalnum(static_cast<unsigned char>(c)) != 0;
    // A comma read apart from its word (" , " or ",Xã") is the printed separator: it goes back to
    // the end of the word before it.
    if (w[0] == ',' && !out.empty() && out.back() != ',' && out.back() != '-') out.push_back(',');
    if (!alnum && (w != "-" || out.empty() || out.back() == '-')) continue;  // one hyphen
    // Symbols glued to the front of a word ("†18" for "18"): no address word starts with one.
    icu::UnicodeString u =
        icu::UnicodeString::fromUTF8(icu::StringPiece(w.data(), static_cast<int32_t>(w.size())));
    int32_t start = 0;
    while (alnum && start < u.length() && !u_isalnum(u.char32At(start)))
      start += U16_LENGTH(u.char32At(start));
    std::string word;
    u.tempSubString(start).toUTF8String(word);
    out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

std::string CapitalizeAddress(const std::string& text) {
  auto first_len = [](unsigned char c) { return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; };
  std::vector<std::string> words = Split(text, ' ');
  std::string prev_key;
  bool part_start = true;
  std::string out;
  for (auto& w : words) {
    if (w.empty()) continue;
    std::string key = FoldKey(w);
    bool lower_unit_word = (prev_key == "THI" && (key == "TRAN" || key == "XA")) ||
                           ((prev_key == "THANH" || prev_key == "KHU") && key == "PHO") ||
                           (prev_key == "KHU" && key == "VUC") ||
                           (prev_key == "TO" && key == "DAN") ||
                           (prev_key == "DAN" && key == "PHO");
    if (!lower_unit_word || part_start) {
      size_t n = std::min<size_t>(first_len(static_cast<unsigned char>(w[0])), w.size());
      w = vn::TextTools::Upper(w.substr(0, n)) + w.substr(n);
    }
    part_start = w.back() == ',';
    prev_key = key;
    out += (out.empty() ? "" : " ") + w;
  }
  return out;
}

std::string RestoreUnitCommas(const std::string& text) {
  // Unit words as CapitalizeAddress leaves them; two-word units are matched on both words so
  // that a place name that merely contains one of the words ("Xã Thành Công") is left alone.
  static const char* const kSingle[] = {"Phường", "Xã", "Quận", "Huyện", "Tỉnh", "TP."};
  static const std::pair<const char*, const char*> kDouble[] = {
      {"Thị", "trấn"}, {"Thị", "xã"}, {"Thành", "phố"}, {"Thành", "Phố"}};
  std::vector<std::string> words;
  for (auto& w : Split(text, ' '))
    if (!w.empty()) words.push_back(w);
  // An abbreviated unit ("TP.", "TX.") is never followed by a comma: it is the start of the
  // name after it. A recogniser that reads the period's ink twice writes "TP.,".
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    std::string& w = words[i];
    const bool abbrev = w.size() >= 3 && w.size() <= 5 && w.compare(w.size() - 2, 2, ".,") == 0 &&
                        std::all_of(w.begin(), w.end() - 2,
                                    [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
    if (abbrev) w.pop_back();
  }
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    bool unit = false;
    if (i > 0 && i + 1 < words.size()) {
      for (const char* u : kSingle) unit = unit || words[i] == u;
      for (const auto& [a, b] : kDouble)
        unit = unit || (words[i] == a && words[i + 1] == b && i + 2 < words.size());
    }
    const char last = out.empty() ? ',' : out.back();
    if (unit && last != ',' && last != '-' && words[i - 1] != "-") out += ",";
    out += (out.empty() ? "" : " ") + words[i];
  }
  return out;
}

std::string VoteName(const std::vector<Reading>& readings, double* conf,
                     const std::string& accent_free) {
  std::vector<std::string> want;  // folded words of the machine-readable name, if any
  for (auto& p : Split(CollapseSpaces(FoldKey(accent_free)), ' ')) {
    if (!p.empty()) want.push_back(p);
  }
  *conf = 0;
  std::vector<std::vector<std::string>> words;
  std::vector<double> confs;
  for (const auto& r : readings) {
    std::vector<std::string> w;
    for (auto& p : Split(CleanName(r.text), ' ')) {
      if (!p.empty()) w.push_back(p);
    }
    if (w.empty()) continue;
    words.push_back(std::move(w));
    confs.push_back(r.conf);
  }
  if (words.empty()) return {};
  // The word count most readings agree on (ties: the most confident reading's count).
  std::map<size_t, std::pair<int, double>> counts;  // count -> (readings, best conf)
  for (size_t i = 0; i < words.size(); ++i) {
    auto& [n, best] = counts[words[i].size()];
    ++n;
    best = std::max(best, confs[i]);
  }
  size_t len = 0;
  std::pair<int, double> top{-1, -1.0};
  for (const auto& [k, v] : counts) {
    if (v > top) {
      top = v;
      len = k;
    }
  }
  if (!want.empty() && counts.count(want.size())) len = want.size();
  std::vector<size_t> used;
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i].size() == len) used.push_back(i);
  }
  std::string out;
  int agreeing = 0;
  double conf_sum = 0;
  for (size_t i : used) conf_sum += confs[i];
  // The machine-readable words guide the vote only when the readings have as many words.
  const bool guided = want.size() == len;
  for (size_t pos = 0; pos < len; ++pos) {
    std::map<std::string, std::pair<int, double>> votes;  // word -> (readings, best conf)
    // Readings whose letters match the machine-readable word vote alone, when there are any.
    bool any_match = false;
    for (size_t i : used) any_match |= guided && FoldKey(words[i][pos]) == want[pos];
    for (size_t i : used) {
      if (any_match && FoldKey(words[i][pos]) != want[pos]) continue;
      auto& [n, best] = votes[words[i][pos]];
      ++n;
      best = std::max(best, confs[i]);
    }
    std::string word;
    std::pair<int, double> win{-1, -1.0};
    for (const auto& [w, v] : votes) {
      if (v > win) {
        win = v;
        word = w;
      }
    }
    agreeing += win.first;
    out += (out.empty() ? "" : " ") + word;
  }
  double share = static_cast<double>(agreeing) / static_cast<double>(len * used.size());
  *conf = share * conf_sum / static_cast<double>(used.size());
  return out;
}

int PickId(const std::vector<IdCandidate>& candidates, int len, const std::optional<vn::Date>& dob,
           int sex) {
  std::map<std::string, int> support;
  for (const auto& c : candidates) {
    if (!c.window && static_cast<int>(c.value.size()) == len) ++support[c.value];
  }
  int best = -1, first_window = -1, first = -1;
  // Domestic before foreign prefix, then the count of readings.
  auto rank = [&](int i) {
    return std::pair{!ForeignIdPrefix(candidates[i].value), support[candidates[i].value]};
  };
  for (int i = 0; i < static_cast<int>(candidates.size()); ++i) {
    const IdCandidate& c = candidates[i];
    if (static_cast<int>(c.value.size()) != len) continue;
    if (first < 0) first = i;
    if (!vn::ValidateId(c.value, dob, sex).real) continue;
    if (c.window) {
      if (first_window < 0) first_window = i;
    } else if (best < 0 || rank(i) > rank(best)) {
      best = i;
    }
  }
  return best >= 0 ? best : first_window >= 0 ? first_window : first;
}

bool ForeignIdPrefix(const std::string& id) { return id.size() == 12 && id[0] != '0'; }

std::string CleanText(const std::string& raw) {
  return Trim(CollapseSpaces(raw), ",.:;-_|/\\'\"`~!*");
}

std::string StripEnglishLabel(const std::string& text, const std::string& eng) {
  std::vector<std::string> words;
  for (auto& w : Split(CollapseSpaces(text), ' '))
    if (!w.empty()) words.push_back(w);
  int eng_words = static_cast<int>(std::count(eng.begin(), eng.end(), ' ')) + 1;
  for (int k = std::min<int>(static_cast<int>(words.size()) - 1, eng_words + 1); k >= 1; --k) {
    std::string prefix;
    for (int i = 0; i < k; ++i) {
      for (char c : FoldKey(words[i])) {
        if (std::isalnum(static_cast<unsigned char>(c))) prefix.push_back(c);
      }
      if (i + 1 < k) prefix.push_back(' ');
    }
    const int tolerance = std::max<int>(
        1, static_cast<int>(static_cast<double>(eng.size()) * kCleaning.english_label_tolerance));
    if (EditDistance(prefix, eng) <= tolerance) {
      std::string rest;
      for (size_t i = k; i < words.size(); ++i) rest += (rest.empty() ? "" : " ") + words[i];
      return Trim(rest, ":/.,");
    }
  }
  return text;
}

std::string StripLabelBeforeColon(const std::string& text, size_t max_prefix) {
  size_t colon = text.find(':');
  if (colon == std::string::npos || colon >= max_prefix) return text;
  std::string before = FoldKey(text.substr(0, colon));
  bool digits = std::any_of(before.begin(), before.end(),
                            [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  return digits ? text : text.substr(colon + 1);
}

std::string FixMarkHead(const std::string& v) {
  std::vector<std::string> words = Split(v, ' ');
  if (words.empty()) return v;
  std::string k = FoldKey(words[0]);
  if (k == "SEO" && words[0] != "Sẹo" && words[0] != "SẸO") words[0] = "Sẹo";
  std::string out;
  for (auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string NormalizeMarkDistances(const std::string& v) {
  static const std::regex kCach(R"(\b([Cc])\s*[:.;]\s*(\d))");
  static const std::regex kCachNoColon(R"(\b([Cc])(\d))");
  // A length right after "C:" or "cách" and before its unit: letters shaped like digits there
  // are digits ("C:Iem" -> "C:1em").
  static const std::regex kLength(R"(\b([Cc]:|cách )([0-9IlOo|,]+)(\s*[ce]?m)(?=[\s,.;]|$))");
  static const std::regex kDecimal(R"((\d)\s*[.,]+\s*(\d+\s*[cm]m\b))");
  static const std::regex kUnit(R"((\d)(?:\s*e|)m(?=[\s,.;]|$))");
  std::string out = std::regex_replace(v, kCach, "$1:$2");
  out = std::regex_replace(out, kCachNoColon, "$1:$2");
  std::string digits;
  size_t last = 0;
  for (auto it = std::sregex_iterator(out.begin(), out.end(), kLength);
       it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    std::string length = m[2].str();
    for (char& c : length) {
      if (c == 'I' || c == 'l' || c == '|') c = '1';
      if (c == 'O' || c == 'o') c = '0';
    }
    digits += out.substr(last, m.position(0) - last) + m[1].str() + length + m[3].str();
    last = m.position(0) + m.length(0);
  }
  out = digits + out.substr(last);
  out = std::regex_replace(out, kDecimal, "$1,$2");
  // The unit of a distance on a face is the centimetre; "em" is its "c" blurred, a bare "m" its
  // "c" lost.
  return std::regex_replace(out, kUnit, "$1cm");
}

std::string CleanSex(const std::string& raw, bool passport) {
  std::string k = FoldKey(raw);
  if (k.rfind("NAM", 0) == 0 || (passport && k.find("/M") != std::string::npos))
    return passport ? "NAM" : "Nam";
  if (k.rfind("NU", 0) == 0 || k.rfind("N", 0) == 0) return passport ? "NỮ" : "Nữ";
  return {};
}

bool IsSexValue(const std::string& line) {
  const std::string k = FoldKey(line);
  const std::string first = k.substr(0, k.find_first_of(" /"));
  return first == "NAM" || first == "NU";
}

bool IsNationalityValue(const std::string& line) {
  if (FoldKey(line).starts_with("VIET")) return true;
  // One letter misread in "Việt Nam" ("VHẸT NAM"), or the Vietnamese words lost and the passport's
  // English one read ("NAM/VIETNAMESE").
  const std::string letters = FoldLetters(line);
  return (letters.size() >= 6 && EditDistance(letters.substr(0, 7), "VIETNAM") <= 1) ||
         (letters.size() >= 9 && BestSubstringDistance(letters, "VIETNAMESE") <= 1);
}

bool IsNationalityOnly(const std::string& line) {
  const size_t slash = line.find('/');
  const std::string vietnamese = FoldLetters(line.substr(0, slash));
  if (EditDistance(vietnamese, "VIETNAM") > 1) return false;
  return slash == std::string::npos ||
         EditDistance(FoldLetters(line.substr(slash + 1)), "VIETNAMESE") <= 2;
}

std::string CleanNationality(const std::string& raw, bool passport) {
  if (IsNationalityValue(raw)) return passport ? "VIỆT NAM" : "Việt Nam";
  return CleanText(raw);
}

std::string CleanAddress(const std::string& raw) {
  return DropTrailingNoise(
      RestoreUnitCommas(CapitalizeAddress(RepairEchoedLetters(CleanText(DropSpeckTokens(raw))))));
}

std::string CleanPassportNumber(const std::string& raw) {
  std::string t;
  for (char c : FoldKey(raw))
    if (std::isalnum(static_cast<unsigned char>(c))) t.push_back(c);
  std::string v;
  if (t.size() >= 8) {
    v = std::string(1, t[0]);
    for (size_t i = 1; i < 8; ++i) v.push_back(ToDigit(t[i]));
  }
  if (v.size() != 8 || !std::isalpha(static_cast<unsigned char>(v[0]))) v.clear();
  return v;
}

bool IsEnglishTail(const std::string& text, const char* english_label) {
  if (english_label == nullptr) return false;
  std::string key;
  for (const auto& w : Split(FoldKey(text), ' ')) {
    std::string t;
    for (char c : w)
      if (std::isalnum(static_cast<unsigned char>(c))) t.push_back(c);
    if (!t.empty()) key += (key.empty() ? "" : " ") + t;
  }
  if (key.size() < 3) return false;
  const std::vector<std::string> words = Split(english_label, ' ');
  for (size_t from = 0; from < words.size(); ++from) {
    std::string tail;
    for (size_t i = from; i < words.size(); ++i) tail += (tail.empty() ? "" : " ") + words[i];
    const int tolerance = std::max(
        1, static_cast<int>(static_cast<double>(tail.size()) * kCleaning.english_label_tolerance));
    if (EditDistance(key, tail) <= tolerance) return true;
  }
  return false;
}

std::string SpellWithMarks(const std::string& reading, const std::string& accent_free) {
  // Code points of the reading, upper-cased, and their accent-free letters.
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(CleanName(reading));
  std::vector<std::string> r, rf;
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    std::string one;
    icu::UnicodeString(c).toUpper().toUTF8String(one);
    r.push_back(one);
    const std::string f = FoldKey(one);
    rf.push_back(f.empty() ? std::string(" ") : f);
    i += U16_LENGTH(c);
  }
  std::string m;
  for (char c : accent_free) m.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  const size_t n = r.size(), k = m.size();
  // Levenshtein table, then the alignment back from the end.
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(k + 1, 0));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= k; ++j) d[0][j] = static_cast<int>(j);
  auto same = [&](size_t i, size_t j) { return rf[i].size() == 1 && rf[i][0] == m[j]; };
  for (size_t i = 1; i <= n; ++i)
    for (size_t j = 1; j <= k; ++j)
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (same(i - 1, j - 1) ? 0 : 1)});
  std::vector<std::string> out(k);
  for (size_t j = 0; j < k; ++j) out[j] = std::string(1, m[j]);
  for (size_t i = n, j = k; i > 0 && j > 0;) {
    if (d[i][j] == d[i - 1][j - 1] + (same(i - 1, j - 1) ? 0 : 1)) {
      if (same(i - 1, j - 1)) out[j - 1] = r[i - 1];
      --i;
      --j;
    } else if (d[i][j] == d[i - 1][j] + 1) {
      --i;
    } else {
      --j;
    }
  }
  std::string s;
  for (const auto& c : out) s += c;
  return s;
}

int MrzNameEdits(const std::string& accent_free) {
  return std::min(kExtract.mrz_name_max_edits,
                  static_cast<int>(FoldKey(accent_free).size()) / kExtract.mrz_name_chars_per_edit);
}

bool SaysNoExpiry(const std::string& text) {
  const std::string key = FoldKey(text);
  return BestSubstringDistance(key, "KHONG THOI HAN") <= kCleaning.no_expiry_edits ||
         key.find("KHONG THOI") != std::string::npos;
}

}  // namespace ekyc::doc
