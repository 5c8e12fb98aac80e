#include "doc/mrz.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <functional>
#include <numeric>
#include <optional>
#include <set>

#include "doc/syllable.h"
#include "doc/text.h"
#include "vn/vn.h"

namespace ekyc::doc {
namespace {

// Position classes of an MRZ layout.
enum Cls : char {
  kDigit = 'D',   // 0-9 only
  kCheck = 'C',   // check digit: 0-9 (or '<' if its field is all fillers)
  kAlpha = 'A',   // A-Z or '<'
  kAlnum = 'X',   // A-Z, 0-9 or '<'
  kFiller = 'F',  // expected '<' (OCR often reads it as K, S, E, C)
  kName = 'N',    // A-Z or '<'
  kSex = 'S',     // M, F or '<'
};

char LetterToDigit(char c) {
  switch (c) {
    case 'O':
    case 'Q':
    case 'D':
    case 'U':
      return '0';
    case 'I':
    case 'L':
    case 'J':
      return '1';
    case 'Z':
      return '2';
    case 'S':
      return '5';
    case 'G':
      return '6';
    case 'T':
      return '7';
    case 'B':
      return '8';
    default:
      return c;
  }
}
char DigitToLetter(char c) {
  switch (c) {
    case '0':
      return 'O';
    case '1':
      return 'I';
    case '2':
      return 'Z';
    case '5':
      return 'S';
    case '6':
      return 'G';
    case '8':
      return 'B';
    case '4':
      return 'A';
    default:
      return c;
  }
}
// Letter/digit confusions that are ambiguous in alphanumeric fields.
char AmbiguousPartner(char c) {
  switch (c) {
    case 'O':
      return '0';
    case '0':
      return 'O';
    case 'I':
      return '1';
    case '1':
      return 'I';
    case 'B':
      return '8';
    case '8':
      return 'B';
    case 'S':
      return '5';
    case '5':
      return 'S';
    case 'Z':
      return '2';
    case '2':
      return 'Z';
    case 'G':
      return '6';
    case '6':
      return 'G';
    default:
      return 0;
  }
}
bool LooksLikeFiller(char c) {
  return c == '<' || c == 'K' || c == 'S' || c == 'E' || c == 'C' || c == 'X';
}

std::string CleanLine(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (std::isspace(c)) continue;
    if (c == 0xC2 && i + 1 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0xAB) {  // «
      out.push_back('<');
      ++i;
      continue;
    }
    if (c >= 0x80) continue;  // other non-ASCII OCR noise
    if (std::isalnum(c)) {
      out.push_back(static_cast<char>(std::toupper(c)));
    } else if (c == '<' || c == '(' || c == '[' || c == '{') {
      out.push_back('<');
    }
  }
  return out;
}

// Brings a line to `len` by adding/removing fillers in its longest '<' run (OCR often merges or
// splits fillers), else padding/cutting at the end.
std::string FixLength(std::string s, size_t len) {
  while (s.size() != len) {
    size_t best_start = std::string::npos, best_len = 0;
    for (size_t i = 0; i < s.size();) {
      if (s[i] != '<') {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < s.size() && s[j] == '<') ++j;
      if (j - i > best_len) {
        best_len = j - i;
        best_start = i;
      }
      i = j;
    }
    if (s.size() > len) {
      if (best_len >= 2)
        s.erase(best_start, 1);
      else
        s.pop_back();
    } else {
      if (best_len >= 1 && best_start + best_len < s.size())
        s.insert(best_start, 1, '<');
      else
        s.push_back('<');
    }
  }
  return s;
}

// The name line ends in a run of fillers whose length OCR gets wrong by many characters (a long
// '<' run is hard to count): pad or trim at the end only, never inside the '<<' separators.
std::string FixNameLength(std::string s, size_t len) {
  while (s.size() > len && s.back() == '<') s.pop_back();
  if (s.size() > len) return FixLength(s, len);
  if (s.size() < len) s.resize(len, '<');
  return s;
}

struct Range {
  int line, start, len;
};
struct Check {
  std::string name;
  std::vector<Range> ranges;
  int line, pos;
};

class Repairer {
 public:
  Repairer(std::vector<std::string> lines, std::vector<std::string> layout)
      : orig_(lines), cur_(std::move(lines)), layout_(std::move(layout)) {
    alts_.resize(cur_.size());
    for (size_t l = 0; l < cur_.size(); ++l) {
      alts_[l].resize(cur_[l].size());
      for (size_t i = 0; i < cur_[l].size(); ++i) InitPosition(l, i);
    }
  }

  // Tries alternatives (fewest changes first, at most `max_changes`) until `check` validates.
  bool Satisfy(const Check& check, int max_changes) {
    std::vector<std::pair<int, int>> amb;
    auto add_range = [&](const Range& r) {
      for (int i = r.start; i < r.start + r.len; ++i) {
        if (alts_[r.line][i].size() > 1) amb.emplace_back(r.line, i);
      }
    };
    for (const Range& r : check.ranges) add_range(r);
    if (alts_[check.line][check.pos].size() > 1) amb.emplace_back(check.line, check.pos);
    if (amb.size() > 16) amb.resize(16);
    if (Valid(check)) {
      Freeze(check);
      return true;
    }
    for (int k = 1; k <= max_changes && k <= static_cast<int>(amb.size()); ++k) {
      std::vector<int> idx(k);
      std::function<bool(int, int)> rec = [&](int depth, int from) -> bool {
        if (depth == k) return Valid(check);
        for (int j = from; j < static_cast<int>(amb.size()); ++j) {
          auto [l, i] = amb[j];
          char keep = cur_[l][i];
          for (size_t a = 1; a < alts_[l][i].size(); ++a) {
            cur_[l][i] = alts_[l][i][a];
            if (rec(depth + 1, j + 1)) return true;
          }
          cur_[l][i] = keep;
        }
        return false;
      };
      if (rec(0, 0)) {
        Freeze(check);
        return true;
      }
    }
    return false;
  }

  bool Valid(const Check& check) const {
    std::string field;
    for (const Range& r : check.ranges) field += cur_[r.line].substr(r.start, r.len);
    char c = cur_[check.line][check.pos];
    if (c == '<') return field.find_first_not_of('<') == std::string::npos;
    int d = MrzCheckDigit(field);
    return d >= 0 && c == static_cast<char>('0' + d);
  }

  // Whether every character fits its position's class: the alternatives tried while repairing may
  // keep an OCR letter in a filler position or a filler in a digit position when that happens to
  // satisfy a check digit (1 in 10 for a wrong field).
  bool FitsLayout() const {
    for (size_t l = 0; l < cur_.size(); ++l) {
      for (size_t i = 0; i < cur_[l].size() && i < layout_[l].size(); ++i) {
        const char c = cur_[l][i];
        const bool digit = c >= '0' && c <= '9', letter = c >= 'A' && c <= 'Z', fill = c == '<';
        bool ok = true;
        switch (layout_[l][i]) {
          case kDigit:
            ok = digit || (fill && DigitRunEmpty(l, i));
            break;
          case kCheck:
            ok = digit || fill;
            break;
          case kAlpha:
          case kName:
            ok = letter || fill;
            break;
          case kFiller:
            ok = fill;
            break;
          case kSex:
            ok = c == 'M' || c == 'F' || fill;
            break;
          default:
            ok = digit || letter || fill;
        }
        if (!ok) return false;
      }
    }
    return true;
  }

  // A digit field may be all fillers (no expiry date on cards for people over 60), never partly.
  bool DigitRunEmpty(size_t l, size_t i) const {
    size_t from = i, to = i;
    while (from > 0 && layout_[l][from - 1] == kDigit) --from;
    while (to + 1 < layout_[l].size() && layout_[l][to + 1] == kDigit) ++to;
    for (size_t k = from; k <= to; ++k)
      if (cur_[l][k] != '<') return false;
    return true;
  }

  const std::vector<std::string>& lines() const { return cur_; }
  int Changed() const {
    int n = 0;
    for (size_t l = 0; l < cur_.size(); ++l)
      for (size_t i = 0; i < cur_[l].size(); ++i) n += cur_[l][i] != orig_[l][i];
    return n;
  }

 private:
  void InitPosition(size_t l, size_t i) {
    char c = cur_[l][i];
    std::string& alt = alts_[l][i];
    switch (layout_[l][i]) {
      case kDigit:
      case kCheck:
        c = LetterToDigit(c);
        alt = std::string(1, c);
        break;
      case kAlpha:
      case kName:
      case kSex:
        c = DigitToLetter(c);
        alt = std::string(1, c);
        break;
      case kFiller:
        alt = "<";
        if (c != '<') alt.push_back(c);
        c = '<';
        break;
      default: {
        alt = std::string(1, c);
        if (char p = AmbiguousPartner(c)) alt.push_back(p);
        if (c != '<' && LooksLikeFiller(c)) alt.push_back('<');
      }
    }
    cur_[l][i] = c;
  }
  // Once a check validates, its positions stop being candidates for later (composite) repairs.
  void Freeze(const Check& check) {
    for (const Range& r : check.ranges)
      for (int i = r.start; i < r.start + r.len; ++i)
        alts_[r.line][i] = std::string(1, cur_[r.line][i]);
    alts_[check.line][check.pos] = std::string(1, cur_[check.line][check.pos]);
  }

  std::vector<std::string> orig_, cur_, layout_;
  std::vector<std::vector<std::string>> alts_;
};

// "Today" for the century of two-digit years: the clock, unless the caller passed a date.
thread_local std::optional<vn::Date> tl_today;

vn::Date Today() {
  if (tl_today) return *tl_today;
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  vn::Date d;
  d.year = tm.tm_year + 1900;
  d.month = tm.tm_mon + 1;
  d.day = tm.tm_mday;
  return d;
}

// YYMMDD as three numbers; false when not six digits.
bool SplitYymmdd(std::string_view yymmdd, int* yy, int* mm, int* dd) {
  if (yymmdd.size() != 6) return false;
  for (char c : yymmdd)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  *yy = std::stoi(std::string(yymmdd.substr(0, 2)));
  *mm = std::stoi(std::string(yymmdd.substr(2, 2)));
  *dd = std::stoi(std::string(yymmdd.substr(4, 2)));
  return true;
}

std::string Dmy(const vn::Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%02d/%02d/%04d", d.day, d.month, d.year);
  return buf;
}

// A birth date is never in the future, and nobody holding a card was born more than this long ago.
constexpr int kMaxAgeYears = 120;

bool InLifetime(const vn::Date& d) {
  const vn::Date today = Today();
  return d.DayNumber() <= today.DayNumber() && today.year - d.year <= kMaxAgeYears;
}

// The century a Vietnamese personal number's century digit names; 0 when it names none.
int IdCentury(const std::string& vn_id) {
  if (vn_id.size() != 12 || !std::isdigit(static_cast<unsigned char>(vn_id[3]))) return 0;
  return 19 + (vn_id[3] - '0') / 2;
}

// Birth: of the two centuries that keep YY in the past and within a lifetime, the one the ID's
// century digit names (a Vietnamese personal number: digit 4 = century × 2 + sex), else the later.
std::string MrzBirthDate(std::string_view yymmdd, const std::string& vn_id) {
  int yy = 0, mm = 0, dd = 0;
  if (!SplitYymmdd(yymmdd, &yy, &mm, &dd)) return {};
  std::vector<vn::Date> possible;  // latest first
  for (int century : {20, 19, 18}) {
    auto d = vn::MakeDate(century * 100 + yy, mm, dd);
    if (d && InLifetime(*d)) possible.push_back(*d);
  }
  if (possible.empty()) return {};
  if (const int id_century = IdCentury(vn_id); id_century != 0) {
    for (const vn::Date& d : possible)
      if (d.year / 100 == id_century) return Dmy(d);
  }
  return Dmy(possible.front());
}

// Expiry: the century that puts the date nearest to today (cards run 5-25 years; an expired card
// may be photographed years later).
std::string MrzExpiryDate(std::string_view yymmdd) {
  int yy = 0, mm = 0, dd = 0;
  if (!SplitYymmdd(yymmdd, &yy, &mm, &dd)) return {};
  const int year_now = Today().year;
  int y = year_now / 100 * 100 + yy;
  if (y > year_now + 50) y -= 100;
  if (y < year_now - 50) y += 100;
  auto d = vn::MakeDate(y, mm, dd);
  return d ? Dmy(*d) : std::string();
}

std::string StripFillers(std::string_view s) {
  std::string out(s);
  while (!out.empty() && out.back() == '<') out.pop_back();
  std::replace(out.begin(), out.end(), '<', ' ');
  return out;
}

// A trailing run of '<'/'K' (3+ chars) in a name field is fillers misread as K.
void FixNameFillers(std::string& s, size_t from) {
  size_t end = s.size();
  while (end > from && (s[end - 1] == '<' || s[end - 1] == 'K')) --end;
  if (s.size() - end >= 3) std::fill(s.begin() + static_cast<long>(end), s.end(), '<');
}

// The syllables a name word read from OCR-B stands for, when a Q read as O, or fillers read as
// look-alike letters (`K`, `S`, `E`, `C`, `X`), explain why it is not one: glued to its ends
// (`VUK`, `KLOC`) or taking the place of the `<` between two syllables (`KHANHCVY`). Empty when the
// word cannot be explained so (minority names such as `KSOR` are left as read by the caller).
std::vector<std::string> ExplainNameWord(const std::string& w, int depth = 0) {
  if (CouldBeAccentFreeSyllable(w, /*personal_name=*/true)) return {w};
  if (depth > 3 || w.size() < 2) return {};
  // OCR-B's Q is its O with a short tail, which blur takes away: a word that is no syllable with
  // an O where a syllable has its Q (`OUACH`, `OUOC`) is that syllable.
  for (size_t i = 0; i < w.size(); ++i) {
    if (w[i] != 'O') continue;
    std::string q = w;
    q[i] = 'Q';
    if (CouldBeAccentFreeSyllable(q, /*personal_name=*/true)) return {q};
  }
  // Look-alikes at the ends, fewest first.
  std::string best;
  size_t best_cut = w.size();
  for (size_t a = 0; a < w.size() && (a == 0 || LooksLikeFiller(w[a - 1])); ++a) {
    for (size_t b = 0; a + b < w.size() && (b == 0 || LooksLikeFiller(w[w.size() - b])); ++b) {
      std::string core = w.substr(a, w.size() - a - b);
      if (a + b > 0 && a + b < best_cut && CouldBeAccentFreeSyllable(core, true)) {
        best = core;
        best_cut = a + b;
      }
    }
  }
  if (!best.empty()) return {best};
  // A look-alike inside the word standing for the separator.
  for (size_t i = 1; i + 1 < w.size(); ++i) {
    if (!LooksLikeFiller(w[i])) continue;
    std::vector<std::string> left = ExplainNameWord(w.substr(0, i), depth + 1);
    if (left.empty()) continue;
    std::vector<std::string> right = ExplainNameWord(w.substr(i + 1), depth + 1);
    if (right.empty()) continue;
    left.insert(left.end(), right.begin(), right.end());
    return left;
  }
  return {};
}

// A Vietnamese citizen's name field as OCR reads OCR-B: fillers read as look-alike letters glued to
// or inside name words (ExplainNameWord), or left as words of their own after the name
// (`S<KKSKKESEEEEE`). The field is then written again in its one shape: the one-word surname, `<<`,
// given names separated by `<`, fillers to the end. Unchanged when nothing needs it or the result
// would not fit.
std::string RepairVnNameField(const std::string& field, int* changed) {
  *changed = 0;
  std::vector<std::string> words;
  int surname_words = 0;  // words before the first `<<` that separates two words
  for (size_t i = 0; i < field.size();) {
    if (field[i] == '<') {
      size_t j = i;
      while (j < field.size() && field[j] == '<') ++j;
      if (j - i >= 2 && surname_words == 0 && !words.empty() && j < field.size())
        surname_words = static_cast<int>(words.size());
      i = j;
      continue;
    }
    size_t j = i;
    while (j < field.size() && field[j] != '<') ++j;
    words.push_back(field.substr(i, j - i));
    i = j;
  }
  bool repaired = false;
  std::vector<std::string> kept;
  for (const std::string& w : words) {
    const bool all_fillers =
        std::all_of(w.begin(), w.end(), [](char c) { return c != '<' && LooksLikeFiller(c); });
    // Look-alikes alone after the name are fillers (a single one too: no name word is `E` or `K`).
    if (all_fillers && !kept.empty() && (w.size() == 1 || !CouldBeAccentFreeSyllable(w, true))) {
      repaired = true;
      continue;
    }
    std::vector<std::string> parts = ExplainNameWord(w);
    if (parts.empty()) {
      kept.push_back(w);
      continue;
    }
    repaired |= parts.size() != 1 || parts[0] != w;
    kept.insert(kept.end(), parts.begin(), parts.end());
  }
  // Every name has its surname and given names apart: a field of several words without `<<` lost
  // one of its fillers.
  // Vietnamese surnames are one word: `<<` after a later word is a filler read in the wrong place.
  if ((surname_words == 0 || surname_words > 1) && kept.size() >= 2) repaired = true;
  if (!repaired || kept.empty()) return field;
  surname_words = 1;
  std::string out;
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out += static_cast<int>(i) == surname_words ? "<<" : "<";
    out += kept[i];
  }
  if (out.size() > field.size()) return field;
  out.resize(field.size(), '<');
  for (size_t i = 0; i < field.size(); ++i) *changed += out[i] != field[i];
  return out;
}

// Name field: trailing K/< runs are fillers read wrongly; '<<' separates surname and given names.
void ParseName(std::string field, MrzData* out) {
  size_t end = field.size();
  while (end > 0 && (field[end - 1] == '<' || field[end - 1] == 'K')) --end;
  if (field.size() - end >= 3) std::fill(field.begin() + end, field.end(), '<');
  size_t sep = field.find("<<");
  std::string surname = sep == std::string::npos ? field : field.substr(0, sep);
  std::string given = sep == std::string::npos ? "" : field.substr(sep + 2);
  out->surname = CollapseSpaces(StripFillers(surname));
  out->given_names = CollapseSpaces(StripFillers(given));
}

std::string SexOf(char c) {
  return c == 'M' ? "M" : c == 'F' ? "F" : "";
}

MrzData Finish(const Repairer& rep, const std::vector<Check>& checks, const char* format) {
  MrzData d;
  d.format = format;
  d.lines = rep.lines();
  d.repaired_chars = rep.Changed();
  d.checks_ok = true;
  for (const Check& c : checks) {
    if (!rep.Valid(c)) {
      d.checks_ok = false;
      d.failed_checks.push_back(c.name);
    }
  }
  if (!rep.FitsLayout()) {
    d.checks_ok = false;
    d.failed_checks.push_back("layout");
  }
  return d;
}

// A Vietnamese ID card or passport is only issued to a Vietnamese citizen: another nationality code
// is a misread (a dropped and an inserted character shift `VNM` to `NMO`), which no check digit
// covers.
void CheckVietnameseNationality(MrzData& d, bool vn) {
  if (vn && d.nationality != "VNM") {
    d.checks_ok = false;
    d.failed_checks.push_back("nationality");
  }
}

MrzData ParseTd1Fixed(std::vector<std::string> lines) {
  FixNameFillers(lines[2], 0);
  // The issuing state decides the VN-specific layout (numeric document number and ID).
  std::string state = lines[0].substr(2, 3);
  for (char& c : state) c = DigitToLetter(c);
  bool vn = state == "VNM";
  std::string l1 = "AAAAA" + std::string(9, kAlnum) + "C" + std::string(15, kAlnum);
  std::string l2 = "DDDDDDCSDDDDDDCAAAXXXXXXXXXXXC";
  std::string l3(30, kName);
  if (vn) {
    l1 = "AAAAADDDDDDDDDCDDDDDDDDDDDDFFC";
    l2 = "DDDDDDCSDDDDDDCAAAFFFFFFFFFFFC";
  }
  Repairer rep(lines, {l1, l2, l3});
  std::vector<Check> checks = {
      {"document_number", {{0, 5, 9}}, 0, 14},
      {"birth_date", {{1, 0, 6}}, 1, 6},
      {"expiry_date", {{1, 8, 6}}, 1, 14},
  };
  if (vn) checks.push_back({"personal_number", {{0, 15, 12}}, 0, 29});
  checks.push_back({"composite", {{0, 5, 25}, {1, 0, 7}, {1, 8, 7}, {1, 18, 11}}, 1, 29});
  for (const Check& c : checks) rep.Satisfy(c, c.name == "composite" ? 2 : 3);
  MrzData d = Finish(rep, checks, "TD1");
  if (vn) {
    int changed = 0;
    d.lines[2] = RepairVnNameField(d.lines[2], &changed);
    d.repaired_chars += changed;
  }
  const auto& L = d.lines;
  d.document_code = StripFillers(L[0].substr(0, 2));
  d.issuing_state = L[0].substr(2, 3);
  d.document_number = StripFillers(L[0].substr(5, 9));
  d.personal_number = StripFillers(L[0].substr(15, vn ? 12 : 15));
  d.birth_date = MrzBirthDate(L[1].substr(0, 6), d.personal_number);
  d.sex = SexOf(L[1][7]);
  d.expiry_date = MrzExpiryDate(L[1].substr(8, 6));
  d.nationality = StripFillers(L[1].substr(15, 3));
  CheckVietnameseNationality(d, vn);
  ParseName(L[2], &d);
  return d;
}

MrzData ParseTd3Fixed(std::vector<std::string> lines) {
  FixNameFillers(lines[0], 5);
  std::string state = lines[0].substr(2, 3);
  for (char& c : state) c = DigitToLetter(c);
  bool vn = state == "VNM";
  std::string l1 = "AAAAA" + std::string(39, kName);
  std::string l2 = "XXXXXXXXXCAAADDDDDDCSDDDDDDCXXXXXXXXXXXXXXCC";
  if (vn) l2 = "ADDDDDDDFCAAADDDDDDCSDDDDDDCDDDDDDDDDDDDFFCC";
  Repairer rep(lines, {l1, l2});
  std::vector<Check> checks = {
      {"document_number", {{1, 0, 9}}, 1, 9},
      {"birth_date", {{1, 13, 6}}, 1, 19},
      {"expiry_date", {{1, 21, 6}}, 1, 27},
      {"personal_number", {{1, 28, 14}}, 1, 42},
      {"composite", {{1, 0, 10}, {1, 13, 7}, {1, 21, 22}}, 1, 43},
  };
  for (const Check& c : checks) rep.Satisfy(c, c.name == "composite" ? 2 : 3);
  MrzData d = Finish(rep, checks, "TD3");
  if (vn) {
    int changed = 0;
    d.lines[0] = d.lines[0].substr(0, 5) + RepairVnNameField(d.lines[0].substr(5), &changed);
    d.repaired_chars += changed;
  }
  const auto& L = d.lines;
  d.document_code = StripFillers(L[0].substr(0, 2));
  d.issuing_state = L[0].substr(2, 3);
  d.document_number = StripFillers(L[1].substr(0, 9));
  d.nationality = StripFillers(L[1].substr(10, 3));
  d.personal_number = StripFillers(L[1].substr(28, 14));
  d.birth_date = MrzBirthDate(L[1].substr(13, 6), d.personal_number);
  d.sex = SexOf(L[1][20]);
  d.expiry_date = MrzExpiryDate(L[1].substr(21, 6));
  CheckVietnameseNationality(d, vn);
  ParseName(L[0].substr(5), &d);
  return d;
}

// OCR sometimes inserts one character (a doubled digit): besides re-padding fillers, try every
// single deletion and keep the variant with the fewest failed check digits.
MrzData ParseWithLengthRepair(std::vector<std::string> lines, size_t len,
                              MrzData (*parse)(std::vector<std::string>)) {
  std::vector<std::string> fixed;
  const size_t name_line = len == 30 ? 2 : 0;
  for (size_t li = 0; li < lines.size(); ++li) {
    fixed.push_back(li == name_line ? FixNameLength(lines[li], len) : FixLength(lines[li], len));
  }
  MrzData best = parse(fixed);
  for (size_t li = 0; li < lines.size(); ++li) {
    if (lines[li].size() != len + 1 || best.checks_ok) continue;
    // Only where check digits can confirm the deletion: not in the TD1 header or name lines.
    size_t from = len == 30 ? (li == 0   ? 5
                               : li == 1 ? 0
                                         : std::string::npos)
                            : (li == 1 ? 0 : std::string::npos);
    for (size_t i = from; i < lines[li].size(); ++i) {
      std::vector<std::string> cand = fixed;
      cand[li] = lines[li].substr(0, i) + lines[li].substr(i + 1);
      MrzData d = parse(cand);
      // Check digits do not cover the header; a deletion must not break it.
      const std::string& h = d.lines[0];
      bool header_ok = len == 30 ? (h[0] == 'I' || h[0] == 'A' || h[0] == 'C') &&
                                       std::isalpha(static_cast<unsigned char>(h[2]))
                                 : h[0] == 'P';
      if (header_ok && d.failed_checks.size() < best.failed_checks.size()) {
        d.repaired_chars += 1;
        best = d;
        fixed = cand;
      }
    }
  }
  return best;
}

Result<MrzData> ParseTd1(std::vector<std::string> lines) {
  return ParseWithLengthRepair(lines, 30, ParseTd1Fixed);
}
Result<MrzData> ParseTd3(std::vector<std::string> lines) {
  return ParseWithLengthRepair(lines, 44, ParseTd3Fixed);
}

}  // namespace

int MrzCharValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  if (c == '<') return 0;
  return -1;
}

int MrzCheckDigit(std::string_view field) {
  static const int kWeights[] = {7, 3, 1};
  int sum = 0;
  for (size_t i = 0; i < field.size(); ++i) {
    int v = MrzCharValue(field[i]);
    if (v < 0) return -1;
    sum += v * kWeights[i % 3];
  }
  return sum % 10;
}

Result<MrzData> ParseMrz(const std::vector<std::string>& raw, const vn::Date& today) {
  tl_today = today;
  auto r = ParseMrz(raw);
  tl_today.reset();
  return r;
}

Result<MrzData> ParseMrz(const std::vector<std::string>& raw) {
  std::vector<std::string> lines;
  for (const auto& r : raw) {
    std::string c = CleanLine(r);
    if (!c.empty()) lines.push_back(c);
  }
  auto near = [](size_t n, size_t target) { return n + 10 >= target && n <= target + 6; };
  // Name lines may lose most of their trailing fillers (re-padded at the end).
  auto name_like = [](size_t n, size_t target) { return n >= 8 && n <= target + 6; };
  if (lines.size() == 3 && near(lines[0].size(), 30) && near(lines[1].size(), 30) &&
      name_like(lines[2].size(), 30)) {
    return ParseTd1(lines);
  }
  if (lines.size() == 2 && near(lines[1].size(), 44) &&
      (near(lines[0].size(), 44) || (name_like(lines[0].size(), 44) && lines[0][0] == 'P'))) {
    return ParseTd3(lines);
  }
  return InvalidArgument("mrz.shape",
                         "the text is not a machine-readable zone (expected 3 lines of 30 or "
                         "2 lines of 44 characters)");
}

std::vector<std::string> FindMrzLines(const std::vector<std::string>& ocr_lines) {
  std::vector<std::string> clean;
  for (const auto& l : ocr_lines) clean.push_back(CleanLine(l));
  auto td1_like = [](const std::string& s) { return s.size() >= 24 && s.size() <= 36; };
  auto td3_like = [](const std::string& s) { return s.size() >= 34 && s.size() <= 50; };
  auto has_fill = [](const std::string& s) { return s.find('<') != std::string::npos; };
  // Name lines (TD3 first, TD1 last) may have lost most of their trailing fillers.
  auto name_like = [](const std::string& s, size_t max) {
    return s.size() >= 8 && s.size() <= max;
  };
  for (int i = static_cast<int>(clean.size()) - 2; i >= 0; --i) {
    if (name_like(clean[i], 50) && td3_like(clean[i + 1]) && has_fill(clean[i]) &&
        clean[i][0] == 'P') {
      return {clean[i], clean[i + 1]};
    }
  }
  for (int i = static_cast<int>(clean.size()) - 3; i >= 0; --i) {
    if (td1_like(clean[i]) && td1_like(clean[i + 1]) && name_like(clean[i + 2], 36) &&
        (has_fill(clean[i]) || has_fill(clean[i + 1]) || has_fill(clean[i + 2]))) {
      return {clean[i], clean[i + 1], clean[i + 2]};
    }
  }
  return {};
}

int ImplausibleNameWords(const MrzData& m) {
  if (m.nationality != "VNM") return 0;
  int bad = 0;
  for (const std::string* part : {&m.surname, &m.given_names}) {
    for (const std::string& w : Split(*part, ' ')) {
      if (!w.empty() && !CouldBeAccentFreeSyllable(w, /*personal_name=*/true)) ++bad;
    }
  }
  return bad;
}

std::optional<MrzData> UndoubleNameVowels(const MrzData& m) {
  if (m.nationality != "VNM") return std::nullopt;
  const bool td1 = m.format == "TD1";
  const size_t li = td1 ? 2 : 0, from = td1 ? 0 : 5;
  if (m.lines.size() <= li || m.lines[li].size() <= from) return std::nullopt;
  std::string line = m.lines[li];
  int fixed = 0;
  for (size_t i = from; i < line.size();) {
    if (line[i] < 'A' || line[i] > 'Z') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < line.size() && line[j] >= 'A' && line[j] <= 'Z') ++j;
    const std::string word = line.substr(i, j - i);
    if (!CouldBeAccentFreeSyllable(word, /*personal_name=*/true)) {
      std::set<std::string> fixes;
      size_t at = 0;
      for (size_t k = 0; k + 1 < word.size(); ++k) {
        if (word[k] != word[k + 1] || std::string("AEIOUY").find(word[k]) == std::string::npos)
          continue;
        std::string w = word;
        w.erase(k, 1);
        if (CouldBeAccentFreeSyllable(w, /*personal_name=*/true)) {
          fixes.insert(w);
          at = i + k;
        }
      }
      if (fixes.size() == 1) {
        line.erase(at, 1);
        line.push_back('<');
        ++fixed;
        --j;
      }
    }
    i = j;
  }
  if (fixed == 0) return std::nullopt;
  std::vector<std::string> lines = m.lines;
  lines[li] = line;
  auto parsed = ParseMrz(lines);
  if (!parsed.ok() || parsed->failed_checks.size() != m.failed_checks.size()) return std::nullopt;
  parsed->repaired_chars = m.repaired_chars + fixed;
  return parsed.value();
}

bool PlausibleBirthDate(const vn::Date& d, const std::string& vn_id) {
  const int id_century = IdCentury(vn_id);
  return InLifetime(d) && (id_century == 0 || d.year / 100 == id_century);
}

}  // namespace ekyc::doc
