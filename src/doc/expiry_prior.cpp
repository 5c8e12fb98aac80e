#include "doc/expiry_prior.h"

#include <algorithm>
#include <cstdlib>
#include <regex>

#include "doc/params.h"

namespace ekyc::doc {
namespace {

// Issue periods (docs/vn-identity-reference): CCCD with barcode from 1/1/2016 until chip cards
// replaced it (2020, a few offices into 2021); chip CCCD from Circular 06/2021 until Căn cước
// replaced it on 1/7/2024. Each period runs to the end of its last year: a card issued late from
// stock must not be "corrected".
struct TypePeriod {
  DocType type;
  IssuePeriod period;
};
const TypePeriod kIssuePeriods[] = {
    {DocType::kCccd2016, {{2016, 1, 1}, {2021, 12, 31}}},
    {DocType::kCccdChip, {{2021, 1, 1}, {2024, 12, 31}}},
};

constexpr int kAdultCardAge = 14;  // the youngest age a CCCD is issued at

int YearDigitsApart(int a, int b) {
  int n = 0;
  for (int i = 0; i < 4; ++i, a /= 10, b /= 10) n += (a % 10) != (b % 10);
  return n;
}

// Same day and month; a 29/02 birthday is printed 28/02 or 01/03 in common years.
bool SameDayMonth(const vn::Date& a, const vn::Date& b) {
  auto leap_day = [](const vn::Date& d) {
    return (d.month == 2 && d.day >= 28) || (d.month == 3 && d.day == 1);
  };
  return (a.month == b.month && a.day == b.day) || (leap_day(a) && leap_day(b));
}

}  // namespace

std::optional<IssuePeriod> IssuePeriodOf(DocType type) {
  for (const TypePeriod& t : kIssuePeriods)
    if (t.type == type) return t.period;
  return std::nullopt;
}

std::vector<vn::Date> LawfulExpiries(const vn::Date& dob, const IssuePeriod& period,
                                     bool* lifetime) {
  *lifetime = false;
  std::vector<vn::Date> out;
  if (!dob.valid()) return out;
  const int adult_year = dob.year + kAdultCardAge;
  const vn::Date adult{adult_year, dob.month,
                       std::min(dob.day, vn::DaysInMonth(adult_year, dob.month))};
  // The rule's result is a step function of the issue date, with steps years apart: the first of
  // every month, the period's last day and the 14th birthday find every value it takes.
  std::vector<vn::Date> issues = {period.to, adult};
  for (int y = period.from.year; y <= period.to.year; ++y)
    for (int m = 1; m <= 12; ++m) issues.push_back({y, m, 1});
  for (const vn::Date& issue : issues) {
    const int64_t day = issue.DayNumber();
    if (day < period.from.DayNumber() || day > period.to.DayNumber() || day < adult.DayNumber())
      continue;
    bool life = false;
    auto e = vn::ExpectedExpiry(dob, issue, &life);
    if (life) *lifetime = true;
    if (e && std::find(out.begin(), out.end(), *e) == out.end()) out.push_back(*e);
  }
  return out;
}

std::optional<vn::Date> NearestLawfulExpiry(const vn::Date& read,
                                            const std::vector<vn::Date>& lawful,
                                            int max_year_digits) {
  if (!read.valid()) return std::nullopt;
  for (const vn::Date& d : lawful)
    if (std::llabs(d.DayNumber() - read.DayNumber()) <= 1) return std::nullopt;  // lawful
  std::optional<vn::Date> best;
  int best_apart = max_year_digits + 1, ties = 0;
  for (const vn::Date& d : lawful) {
    if (!SameDayMonth(d, read)) continue;
    const int apart = YearDigitsApart(d.year, read.year);
    if (apart < best_apart) {
      best = d;
      best_apart = apart;
      ties = 0;
    } else if (apart == best_apart) {
      ++ties;
    }
  }
  if (!best || ties > 0) return std::nullopt;
  return best;
}

bool CorrectExpiryYear(DocType type, const vn::Date& dob, Field* expiry) {
  const auto period = IssuePeriodOf(type);
  if (!period || expiry == nullptr || !expiry->present()) return false;
  const auto read = vn::ParseDate(expiry->value);
  if (!read) return false;
  bool lifetime = false;
  const auto fixed = NearestLawfulExpiry(*read, LawfulExpiries(dob, *period, &lifetime),
                                         kExpiryPrior.max_year_digits);
  if (!fixed) return false;
  expiry->value = fixed->ToString();
  expiry->confidence *= kExpiryPrior.corrected_conf;
  return true;
}

std::optional<vn::Date> LawfulExpiryInMonth(DocType type, const vn::Date& dob,
                                            const std::string& read) {
  const auto period = IssuePeriodOf(type);
  if (!period) return std::nullopt;
  // Month and year at the end: 1-2 digits, a separator, 4 digits, nothing but spaces after.
  static const std::regex kMonthYear(R"((\d{1,2})\s*[/.\-]\s*(\d{4})\s*$)");
  std::smatch m;
  if (!std::regex_search(read, m, kMonthYear)) return std::nullopt;
  const int month = std::stoi(m[1].str()), year = std::stoi(m[2].str());
  bool lifetime = false;
  std::optional<vn::Date> found;
  for (const vn::Date& d : LawfulExpiries(dob, *period, &lifetime)) {
    if (d.month != month || d.year != year) continue;
    if (found) return std::nullopt;  // two lawful days in one month: the day decides
    found = d;
  }
  return found;
}

}  // namespace ekyc::doc
