// Date, sex, nationality, ID-number and expiry validators, on text as OCR or a client gives it.
// The input is up to four '|'-separated fields: date of birth, ID number, sex, expiry date (a
// missing one is empty), plus a first byte choosing the two-digit-year pivot.
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_target.h"
#include "vn/vn.h"

EKYC_FUZZ_TARGET(vn_fields) {
  using namespace ekyc::vn;
  static const std::unique_ptr<TextTools> text = [] {
    auto t = TextTools::Create();
    if (!t.ok()) std::abort();
    return std::move(*t);
  }();
  if (size == 0) return 0;
  DateParseOptions opt;
  opt.two_digit_year_pivot = data[0] % 101;
  std::string_view rest = ekyc::fuzz::AsView(data + 1, size - 1);
  std::vector<std::string_view> f;
  while (f.size() < 3) {
    size_t bar = rest.find('|');
    if (bar == std::string_view::npos) break;
    f.push_back(rest.substr(0, bar));
    rest.remove_prefix(bar + 1);
  }
  f.push_back(rest);
  f.resize(4);

  std::optional<Date> dob = ParseDate(f[0], opt);
  if (dob && !dob->no_expiry && !MakeDate(dob->year, dob->month, dob->day)) __builtin_trap();
  const int sex = ParseSex(f[2]);
  (void)ParseNationality(f[2]);
  IdCheck id = ValidateId(f[1], dob, sex, {0.5, 0.9});
  (void)IdBirthProvince(f[1]);
  (void)IdLogicMessage(id.logic);
  std::optional<Date> expiry = ParseDate(f[3], opt);
  const Date today{2026, 11, 1};
  if (expiry) {
    for (CardKind kind : {CardKind::kUnknown, CardKind::kCmnd, CardKind::kCccd, CardKind::kCanCuoc})
      (void)CheckExpiry(*expiry, dob, dob, kind, today);
  }
  if (dob && expiry && dob->valid() && expiry->valid()) {
    bool lifetime = false;
    (void)ExpectedExpiry(*dob, *expiry, &lifetime);
  }
  (void)DateNormalizedJson(dob, *text).dump();
  (void)SexNormalizedJson(sex).dump();
  (void)NationalityNormalizedJson(ParseNationality(f[2]), *text).dump();
  (void)IdValidateJson(id).dump();
  (void)TextTools::Nfc(f[0]);
  (void)TextTools::Fold(f[0]);
  (void)TextTools::Upper(f[0]);
  return 0;
}
