// Dates, sex, nationality, ID-number checks, expiry rules and the vendor JSON shapes for them.
// Domain rules (ID-number structure, renewal ages, card types) are summarised in docs/vn.md.
#include <algorithm>
#include <cstdio>

#include "vn/internal.h"
#include "vn/vn.h"

namespace ekyc::vn {

// ---------------------------------------------------------------------------------------------
// Dates

bool IsLeapYear(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

std::optional<Date> MakeDate(int y, int m, int d) {
  if (y < 1800 || y > 2399 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m))
    return std::nullopt;
  Date out;
  out.year = y;
  out.month = m;
  out.day = d;
  return out;
}

std::string Date::ToString() const {
  if (no_expiry) return "Không thời hạn";
  if (!valid()) return "N/A";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", day, month, year);
  return buf;
}

int64_t Date::DayNumber() const {
  // Howard Hinnant's days_from_civil.
  int64_t y = year - (month <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = (month + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

namespace {

// OCR look-alikes inside a date token.
char RepairDigit(char c) {
  switch (c) {
    case 'o':
    case 'q':
    case 'd':
      return '0';
    case 'i':
    case 'l':
    case '|':
    case '!':
    case 'j':
      return '1';
    case 'z':
      return '2';
    case 's':
      return '5';
    case 'b':
      return '8';
    case 'g':
      return '6';
    default:
      return c;
  }
}

bool IsSep(char c) {
  return c == '/' || c == '-' || c == '.' || c == ',' || c == '\\';
}

int ExpandYear(const std::string& y, int pivot) {
  int v = std::stoi(y);
  if (y.size() == 4) return v;
  if (y.size() == 2) return v < pivot ? 2000 + v : 1900 + v;
  return -1;
}

}  // namespace

std::optional<Date> ParseDate(std::string_view text, const DateParseOptions& opt) {
  std::string folded = TextTools::Fold(TextTools::Nfc(text));
  std::string key = MatchKeyFolded(folded);
  if (key.find("thoihan") != std::string::npos &&
      (key.rfind("khong", 0) == 0 || key.rfind("vo", 0) == 0 || key.rfind("kh", 0) == 0)) {
    Date d;
    d.no_expiry = true;
    return d;
  }
  // Keep only tokens that look like part of a date; repair letters inside them.
  std::string s;
  size_t i = 0;
  while (i < folded.size()) {
    if (folded[i] == ' ') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < folded.size() && folded[j] != ' ') ++j;
    std::string tok = folded.substr(i, j - i);
    i = j;
    bool has_digit =
        std::any_of(tok.begin(), tok.end(), [](char c) { return c >= '0' && c <= '9'; });
    std::string rep;
    for (char c : tok) rep.push_back(IsSep(c) ? '/' : RepairDigit(c));
    bool all_date = std::all_of(rep.begin(), rep.end(),
                                [](char c) { return (c >= '0' && c <= '9') || c == '/'; });
    if (!all_date) {
      if (!has_digit) continue;  // a label ("Ngày", "sinh:") or noise
      // Digits glued to a label ("sinh:15/05/1990"): keep the date-like tail.
      size_t k = rep.size();
      while (k > 0 && ((rep[k - 1] >= '0' && rep[k - 1] <= '9') || rep[k - 1] == '/')) --k;
      rep = rep.substr(k);
    }
    if (!s.empty()) s.push_back(' ');
    s += rep;
  }
  // Spaces are either separators ("15 05 1990") or splits inside a group ("1 5/05/1990").
  std::vector<std::string> groups;
  {
    bool has_slash = s.find('/') != std::string::npos;
    std::string g;
    for (char c : s) {
      if (c == '/' || (c == ' ' && !has_slash)) {
        if (!g.empty()) groups.push_back(g);
        g.clear();
      } else if (c != ' ') {
        g.push_back(c);
      }
    }
    if (!g.empty()) groups.push_back(g);
  }
  int d = -1, m = -1, y = -1;
  auto digits_ok = [](const std::string& x) { return !x.empty() && x.size() <= 8; };
  if (groups.size() == 3 && digits_ok(groups[0]) && groups[0].size() <= 2 &&
      groups[1].size() <= 2 && (groups[2].size() == 4 || groups[2].size() == 2)) {
    d = std::stoi(groups[0]);
    m = std::stoi(groups[1]);
    y = ExpandYear(groups[2], opt.two_digit_year_pivot);
  } else if (groups.size() == 1 && (groups[0].size() == 8 || groups[0].size() == 6)) {
    const std::string& g = groups[0];
    d = std::stoi(g.substr(0, 2));
    m = std::stoi(g.substr(2, 2));
    y = ExpandYear(g.substr(4), opt.two_digit_year_pivot);
  } else if (groups.size() == 2 && groups[0].size() <= 2 && groups[1].size() == 6) {  // "15/051990"
    d = std::stoi(groups[0]);
    m = std::stoi(groups[1].substr(0, 2));
    y = ExpandYear(groups[1].substr(2), opt.two_digit_year_pivot);
  } else if (groups.size() == 2 && groups[0].size() == 4 && groups[1].size() == 4) {  // "1505/1990"
    d = std::stoi(groups[0].substr(0, 2));
    m = std::stoi(groups[0].substr(2));
    y = std::stoi(groups[1]);
  } else {
    return std::nullopt;
  }
  return MakeDate(y, m, d);
}

// ---------------------------------------------------------------------------------------------
// Sex, nationality

int ParseSex(std::string_view text) {
  std::string k = MatchKey(text);
  if (k.empty()) return -1;
  if (k == "f" || k == "nu" || k == "female" || k.rfind("nu", 0) == 0 ||
      k.find("female") != std::string::npos)
    return 1;
  if (k == "m" || k == "nam" || k == "male" || k.rfind("nam", 0) == 0 ||
      k.find("male") != std::string::npos)
    return 0;
  return -1;
}

namespace {
struct Country {
  const char* name;  // Vietnamese, NFC
  int numeric;
  const char* alpha3;
  std::initializer_list<const char*> keys;  // MatchKey forms (Vietnamese, English, demonyms)
};
const Country kCountries[] = {
    {"Việt Nam", 704, "VNM", {"vietnam", "vietnamese", "vn", "vnm", "vietnamien"}},
    {"Trung Quốc", 156, "CHN", {"trungquoc", "china", "chinese", "chn"}},
    {"Đài Loan", 158, "TWN", {"dailoan", "taiwan", "twn"}},
    {"Hàn Quốc", 410, "KOR", {"hanquoc", "korea", "southkorea", "korean", "kor"}},
    {"Nhật Bản", 392, "JPN", {"nhatban", "japan", "japanese", "jpn"}},
    {"Hoa Kỳ",
     840,
     "USA",
     {"hoaky", "my", "usa", "unitedstates", "american", "unitedstatesofamerica"}},
    {"Lào", 418, "LAO", {"lao", "laos", "laopdr"}},
    {"Campuchia", 116, "KHM", {"campuchia", "cambodia", "cambodian", "khm"}},
    {"Thái Lan", 764, "THA", {"thailan", "thailand", "thai", "tha"}},
    {"Singapore", 702, "SGP", {"singapore", "sgp"}},
    {"Malaysia", 458, "MYS", {"malaysia", "mys"}},
    {"Philippines", 608, "PHL", {"philippines", "philippin", "phl", "filipino"}},
    {"Indonesia", 360, "IDN", {"indonesia", "idn"}},
    {"Ấn Độ", 356, "IND", {"ando", "india", "indian", "ind"}},
    {"Pháp", 250, "FRA", {"phap", "france", "french", "fra"}},
    {"Anh", 826, "GBR", {"anh", "vuonquocanh", "unitedkingdom", "uk", "british", "gbr"}},
    {"Đức", 276, "DEU", {"duc", "germany", "german", "deu"}},
    {"Nga", 643, "RUS", {"nga", "russia", "russian", "rus", "lienbangnga"}},
    {"Úc", 36, "AUS", {"uc", "australia", "australian", "aus"}},
    {"Canada", 124, "CAN", {"canada", "canadian", "can"}},
};
}  // namespace

Nationality ParseNationality(std::string_view text) {
  Nationality n;
  std::string k = MatchKey(text);
  if (k.empty()) return n;
  const Country* best = nullptr;
  int best_d = 99;
  for (const Country& c : kCountries) {
    for (const char* key : c.keys) {
      std::string_view kk(key);
      int allowed = kk.size() >= 7 ? 2 : kk.size() >= 5 ? 1 : 0;  // "Viet Nan", "Vietnamm"
      int d = BoundedEditDistance(k, kk, allowed);
      if (d <= allowed && d < best_d) {
        best = &c;
        best_d = d;
      }
    }
  }
  if (!best) return n;
  n.value = TextTools::Upper(best->name);
  n.code = best->numeric;
  n.code2 = best->alpha3;
  return n;
}

// ---------------------------------------------------------------------------------------------
// ID numbers

const char* IdLogicMessage(IdLogic l) {
  switch (l) {
    case IdLogic::kOk:
      return "OK";
    case IdLogic::kBadLength:
      return "ID LENGTH IS NOT VALID";
    case IdLogic::kNotDigits:
      return "ID CONTAINS NON-DIGIT CHARACTERS";
    case IdLogic::kBadProvince:
      return "ID PROVINCE CODE IS NOT VALID";
    case IdLogic::kSexMismatch:
      return "ID SEX DIGIT DOES NOT MATCH SEX";
    case IdLogic::kBirthYearMismatch:
      return "ID BIRTH YEAR DOES NOT MATCH DATE OF BIRTH";
    case IdLogic::kCenturyInvalid:
      return "ID CENTURY DIGIT IS NOT VALID";
    case IdLogic::kCmndBadPrefix:
      return "CMND PREFIX IS NOT KNOWN";
  }
  return "";
}

namespace {
// Birth-registration province codes (Circular 07/2016/TT-BCA appendix 1): "0" + old GSO code.
constexpr int kIdProvinces[] = {1,  2,  4,  6,  8,  10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25,
                                26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48,
                                49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75,
                                77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96};
}  // namespace

int IdBirthProvince(std::string_view id) {
  if (id.size() < 3 || id[0] != '0' || !std::isdigit(static_cast<unsigned char>(id[1])) ||
      !std::isdigit(static_cast<unsigned char>(id[2])))
    return -1;
  int p = (id[1] - '0') * 10 + (id[2] - '0');
  return std::find(std::begin(kIdProvinces), std::end(kIdProvinces), p) != std::end(kIdProvinces)
             ? p
             : -1;
}

int IdSex(std::string_view id) {
  if (id.size() != 12 ||
      !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return -1;
  return (id[3] - '0') % 2;
}

IdCheck ValidateId(std::string_view id_in, const std::optional<Date>& dob, int sex,
                   std::vector<double> idconf) {
  IdCheck out;
  out.idconf = std::move(idconf);
  std::string id;
  for (char c : id_in)
    if (c != ' ' && c != '.' && c != '-') id.push_back(c);
  auto fail = [&](IdLogic l) {
    out.real = false;
    out.logic = l;
    return out;
  };
  if (id.size() != 12 && id.size() != 9) return fail(IdLogic::kBadLength);
  if (!std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return fail(IdLogic::kNotDigits);
  if (id.size() == 9) {
    // Old CMND: the first 2 digits (095 for Bắc Kạn) name the issuing provincial police, 01..38.
    int p2 = (id[0] - '0') * 10 + (id[1] - '0');
    bool known = (p2 >= 1 && p2 <= 38) || id.rfind("095", 0) == 0;
    if (!known) return fail(IdLogic::kCmndBadPrefix);
    out.real = true;
    return out;
  }
  // PPP: a province code, or (first digit != 0) possibly a country code for births abroad whose
  // numbering is not published: not rejected.
  if (id[0] == '0' && IdBirthProvince(id) < 0) return fail(IdLogic::kBadProvince);
  int g = id[3] - '0';
  int century = 1900 + (g / 2) * 100;
  if (g >= 4) return fail(IdLogic::kCenturyInvalid);  // born 2100 or later: not yet possible
  if (sex == 0 || sex == 1) {
    if (g % 2 != sex) return fail(IdLogic::kSexMismatch);
  }
  if (dob && dob->valid()) {
    int yy = (id[4] - '0') * 10 + (id[5] - '0');
    if (century + yy != dob->year) return fail(IdLogic::kBirthYearMismatch);
  }
  out.real = true;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Expiry

namespace {

// The holder's birthday in `year`; 29/02 births use 28/02 in non-leap years (1/3 also accepted by
// the callers' tolerance check).
Date BirthdayIn(const Date& dob, int year) {
  Date d;
  d.year = year;
  d.month = dob.month;
  d.day = std::min(dob.day, DaysInMonth(year, dob.month));
  return d;
}

Date AddYears(const Date& d, int years) {
  Date out = d;
  out.year += years;
  out.day = std::min(d.day, DaysInMonth(out.year, d.month));
  return out;
}

bool Near(const Date& a, const Date& b, int tolerance_days) {
  return std::llabs(a.DayNumber() - b.DayNumber()) <= tolerance_days;
}

// 29/02 births: 28/02 or 01/03 in non-leap years.
bool BirthdayNear(const Date& expiry, const Date& expected) {
  if (Near(expiry, expected, 1)) return true;
  return false;
}

}  // namespace

std::optional<Date> ExpectedExpiry(const Date& dob, const Date& issue, bool* lifetime) {
  *lifetime = false;
  if (!dob.valid() || !issue.valid()) return std::nullopt;
  const Date limit = AddYears(issue, 2);
  for (int age : {14, 25, 40, 60}) {
    Date b = BirthdayIn(dob, dob.year + age);
    if (b.DayNumber() > limit.DayNumber()) return b;
  }
  *lifetime = true;
  return std::nullopt;
}

ExpiryCheck CheckExpiry(const Date& expiry, const std::optional<Date>& dob,
                        const std::optional<Date>& issue, CardKind kind, const Date& today) {
  ExpiryCheck out;
  auto invalid = [&](const char* reason) {
    out.is_valid = false;
    out.reason = reason;
    return out;
  };
  if (!today.valid()) return invalid("expiry.no_today");
  if (kind == CardKind::kCmnd) {
    // Law 26/2023: every CMND stopped being valid after 31/12/2024.
    if (today.DayNumber() > Date{2024, 12, 31}.DayNumber()) return invalid("expiry.cmnd_void");
    Date exp = expiry;
    if (!exp.valid() && issue && issue->valid())
      exp = AddYears(*issue, 15);  // CMND 9 prints no expiry
    if (!exp.valid()) return invalid("expiry.unknown");
    if (issue && issue->valid() && expiry.valid() && !Near(expiry, AddYears(*issue, 15), 1))
      return invalid("expiry.inconsistent");
    if (today.DayNumber() > exp.DayNumber()) return invalid("expiry.expired");
    out.expected =
        AddYears(issue && issue->valid() ? *issue : exp, issue && issue->valid() ? 15 : 0);
    out.is_valid = true;
    return out;
  }
  bool have_rule = dob && dob->valid() && issue && issue->valid();
  if (have_rule) out.expected = ExpectedExpiry(*dob, *issue, &out.expected_lifetime);
  if (expiry.no_expiry) {
    if (have_rule && !out.expected_lifetime) return invalid("expiry.inconsistent");
    if (!have_rule && dob && dob->valid()) {
      // Lifetime cards are issued from age 58: the holder must be at least that old now.
      if (today.DayNumber() < BirthdayIn(*dob, dob->year + 58).DayNumber())
        return invalid("expiry.inconsistent");
    }
    out.is_valid = true;
    return out;
  }
  if (!expiry.valid()) return invalid("expiry.unknown");
  if (today.DayNumber() > expiry.DayNumber()) return invalid("expiry.expired");
  if (have_rule) {
    if (out.expected_lifetime) return invalid("expiry.inconsistent");
    if (out.expected && !BirthdayNear(expiry, *out.expected)) {
      bool leap_birth = dob->month == 2 && dob->day == 29;
      bool ok =
          leap_birth && expiry.month == 3 && expiry.day == 1 && expiry.year == out.expected->year;
      if (!ok) return invalid("expiry.inconsistent");
    }
  } else if (dob && dob->valid()) {
    // Without the issue date: the expiry must still fall on a birthday at a renewal age.
    bool ok = false;
    for (int age : {14, 25, 40, 60}) {
      Date b = BirthdayIn(*dob, dob->year + age);
      bool leap_alt = dob->month == 2 && dob->day == 29 && expiry.year == b.year &&
                      expiry.month == 3 && expiry.day == 1;
      if (Near(expiry, b, 1) || leap_alt) ok = true;
    }
    if (!ok) return invalid("expiry.inconsistent");
  }
  out.is_valid = true;
  return out;
}

// ---------------------------------------------------------------------------------------------
// JSON

nlohmann::json DateNormalizedJson(const std::optional<Date>& d, const TextTools& text) {
  Date v = d.value_or(Date{});
  std::string s = v.ToString();
  return {{"value", s},
          {"year", {{"value", v.no_expiry ? -1 : v.year}}},
          {"month", {{"value", v.no_expiry ? -1 : v.month}}},
          {"day", {{"value", v.no_expiry ? -1 : v.day}}},
          {"value_unidecode", text.Unidecode(s)}};
}

nlohmann::json SexNormalizedJson(int sex) {
  return {{"value", sex == 0 || sex == 1 ? sex : -1}};
}

nlohmann::json NationalityNormalizedJson(const Nationality& n, const TextTools& text) {
  nlohmann::json code2 = n.code2.empty() ? nlohmann::json(-1) : nlohmann::json(n.code2);
  return {{"value", n.value},
          {"code", n.code},
          {"code2", code2},
          {"value_unidecode", text.Unidecode(n.value)}};
}

nlohmann::json IdValidateJson(const IdCheck& c) {
  return {{"id_check", c.real ? "REAL" : "FAKE"},
          {"id_logic", static_cast<int>(c.logic)},
          {"id_logic_message", IdLogicMessage(c.logic)},
          {"idconf", c.idconf}};
}

}  // namespace ekyc::vn
