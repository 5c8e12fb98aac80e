#include <gtest/gtest.h>

#include "vn/vn.h"

namespace ekyc::vn {
namespace {

Date D(int y, int m, int d) {
  return *MakeDate(y, m, d);
}

TEST(VnDate, ParsesCardFormatAndOcrVariants) {
  EXPECT_EQ(*ParseDate("25/08/1990"), D(1990, 8, 25));
  EXPECT_EQ(*ParseDate("25-08-1990"), D(1990, 8, 25));
  EXPECT_EQ(*ParseDate("25.08.1990"), D(1990, 8, 25));
  EXPECT_EQ(*ParseDate("25081990"), D(1990, 8, 25));  // QR payload form
  EXPECT_EQ(*ParseDate(" 25 / 08 / 1990 "), D(1990, 8, 25));
  EXPECT_EQ(*ParseDate("25 08 1990"), D(1990, 8, 25));
  EXPECT_EQ(*ParseDate("2 5/08/1990"), D(1990, 8, 25));  // OCR split inside a group
  EXPECT_EQ(*ParseDate("25/O8/199O"), D(1990, 8, 25));   // O for 0
  EXPECT_EQ(*ParseDate("I5/08/l990"), D(1990, 8, 15));   // I and l for 1
  EXPECT_EQ(*ParseDate("Ngày sinh: 25/08/1990"), D(1990, 8, 25));
  EXPECT_EQ(*ParseDate("5/8/1990"), D(1990, 8, 5));
}

TEST(VnDate, TwoDigitYearsUseThePivot) {
  EXPECT_EQ(ParseDate("25/08/90")->year, 1990);
  EXPECT_EQ(ParseDate("25/08/30")->year, 2030);
  EXPECT_EQ(ParseDate("250849")->year, 2049);
  EXPECT_EQ(ParseDate("250850")->year, 1950);
  DateParseOptions opt;
  opt.two_digit_year_pivot = 26;  // e.g. a birth date read in 2026
  EXPECT_EQ(ParseDate("25/08/30", opt)->year, 1930);
  EXPECT_EQ(ParseDate("25/08/05", opt)->year, 2005);
}

TEST(VnDate, RejectsImpossibleDates) {
  EXPECT_FALSE(ParseDate("31/02/2000"));
  EXPECT_FALSE(ParseDate("29/02/2023"));
  EXPECT_FALSE(ParseDate("29/02/1900"));  // century rule
  EXPECT_TRUE(ParseDate("29/02/2000"));   // 400-year rule
  EXPECT_TRUE(ParseDate("29/02/2024"));
  EXPECT_FALSE(ParseDate("31/04/2020"));
  EXPECT_FALSE(ParseDate("00/01/2020"));
  EXPECT_FALSE(ParseDate("12/13/2020"));
  EXPECT_FALSE(ParseDate("N/A"));
  EXPECT_FALSE(ParseDate(""));
  EXPECT_FALSE(ParseDate("1990"));
}

TEST(VnDate, NoExpiry) {
  for (const char* s : {"Không thời hạn", "KHÔNG THỜI HẠN", "Khong thoi han", "Không  thời hạn."}) {
    auto d = ParseDate(s);
    ASSERT_TRUE(d) << s;
    EXPECT_TRUE(d->no_expiry) << s;
    EXPECT_EQ(d->ToString(), "Không thời hạn");
  }
}

TEST(VnDate, DayNumberAndToString) {
  EXPECT_EQ(D(1970, 1, 1).DayNumber(), 0);
  EXPECT_EQ(D(2000, 3, 1).DayNumber() - D(2000, 2, 28).DayNumber(), 2);
  EXPECT_EQ(D(2021, 4, 25).ToString(), "25/04/2021");
  EXPECT_EQ(Date{}.ToString(), "N/A");
}

TEST(VnSex, Variants) {
  for (const char* s : {"Nam", "NAM", "nam", "Male", "M", "Nam/Male"})
    EXPECT_EQ(ParseSex(s), 0) << s;
  for (const char* s : {"Nữ", "NỮ", "Nu", "NU", "Female", "F", "Nữ/Female", "Nử"})
    EXPECT_EQ(ParseSex(s), 1) << s;
  for (const char* s : {"", "N/A", "X"}) EXPECT_EQ(ParseSex(s), -1) << s;
}

TEST(VnNationality, VietNamAndOthers) {
  for (const char* s :
       {"Việt Nam", "VIỆT NAM", "Viet Nam", "Việt nam", "VIETNAM", "Vietnamese", "Viet Nan"}) {
    Nationality n = ParseNationality(s);
    EXPECT_EQ(n.code, 704) << s;
    EXPECT_EQ(n.code2, "VNM") << s;
    EXPECT_EQ(n.value, "VIỆT NAM") << s;
  }
  EXPECT_EQ(ParseNationality("Trung Quốc").code, 156);
  EXPECT_EQ(ParseNationality("Hàn Quốc").code2, "KOR");
  EXPECT_EQ(ParseNationality("N/A").code, -1);
  EXPECT_EQ(ParseNationality("Xyzzy").code, -1);
}

TEST(VnId, TwelveDigitRules) {
  auto dob = MakeDate(1990, 8, 25);
  IdCheck ok = ValidateId("035090001704", dob, 0);
  EXPECT_TRUE(ok.real);
  EXPECT_EQ(ok.logic, IdLogic::kOk);
  EXPECT_EQ(ValidateId("035090001704", dob, 1).logic, IdLogic::kSexMismatch);
  EXPECT_EQ(ValidateId("035091001704", dob, 1).logic, IdLogic::kSexMismatch);  // digit 1 = female
  EXPECT_EQ(ValidateId("035191001704", MakeDate(1991, 1, 1), 1).logic, IdLogic::kOk);
  EXPECT_EQ(ValidateId("035089001704", dob, 0).logic, IdLogic::kBirthYearMismatch);
  EXPECT_EQ(ValidateId("035290001704", dob, 0).logic, IdLogic::kBirthYearMismatch);  // 2090 != 1990
  EXPECT_EQ(ValidateId("035205001704", MakeDate(2005, 1, 1), 0).logic, IdLogic::kOk);
  EXPECT_EQ(ValidateId("003090001704", dob, 0).logic, IdLogic::kBadProvince);  // 003 unused
  EXPECT_EQ(ValidateId("099090001704", dob, 0).logic, IdLogic::kBadProvince);
  EXPECT_EQ(ValidateId("035490001704", std::nullopt, -1).logic, IdLogic::kCenturyInvalid);
  // 074 (Bình Dương) stays valid after the 2025 merge into TP. Hồ Chí Minh.
  EXPECT_TRUE(ValidateId("074190001234", MakeDate(1990, 1, 1), 1).real);
  // Unknown sex / DOB: only structural checks.
  EXPECT_TRUE(ValidateId("001200012345", std::nullopt, -1).real);
}

TEST(VnId, LengthDigitsAndCmnd) {
  IdCheck c = ValidateId("00130003", std::nullopt, -1, std::vector<double>(8, 0.8));
  EXPECT_FALSE(c.real);
  EXPECT_EQ(c.logic, IdLogic::kBadLength);
  nlohmann::json j = IdValidateJson(c);
  EXPECT_EQ(j["id_check"], "FAKE");
  EXPECT_EQ(j["id_logic"], 1);
  EXPECT_EQ(j["id_logic_message"], "ID LENGTH IS NOT VALID");
  EXPECT_EQ(j["idconf"].size(), 8u);
  EXPECT_EQ(ValidateId("03509O001704", std::nullopt, -1).logic, IdLogic::kNotDigits);
  EXPECT_TRUE(ValidateId("012345678", std::nullopt, -1).real);
  EXPECT_TRUE(ValidateId("095123456", std::nullopt, -1).real);
  EXPECT_EQ(ValidateId("991234567", std::nullopt, -1).logic, IdLogic::kCmndBadPrefix);
  EXPECT_EQ(IdBirthProvince("079190001234"), 79);
  EXPECT_EQ(IdBirthProvince("003190001234"), -1);
}

TEST(VnId, SexDigit) {
  EXPECT_EQ(IdSex("079090001234"), 0);  // 1900s, male
  EXPECT_EQ(IdSex("079190001234"), 1);  // 1900s, female
  EXPECT_EQ(IdSex("079205001234"), 0);  // 2000s, male
  EXPECT_EQ(IdSex("079305001234"), 1);  // 2000s, female
  EXPECT_EQ(IdSex("012345678"), -1);    // CMND 9: no sex digit
  EXPECT_EQ(IdSex("07919O001234"), -1);
  EXPECT_EQ(IdSex(""), -1);
}

TEST(VnExpiry, RenewalMilestones) {
  bool life = false;
  // Born 15/05/1990, issued 2021 (age 31) -> 40th birthday.
  EXPECT_EQ(*ExpectedExpiry(D(1990, 5, 15), D(2021, 6, 1), &life), D(2030, 5, 15));
  // Issued within 2 years of 25 -> valid until 40.
  EXPECT_EQ(*ExpectedExpiry(D(1990, 5, 15), D(2014, 1, 1), &life), D(2030, 5, 15));
  EXPECT_EQ(*ExpectedExpiry(D(1990, 5, 15), D(2012, 1, 1), &life), D(2015, 5, 15));
  // Under 14 (2024 card on request) -> 14th birthday.
  EXPECT_EQ(*ExpectedExpiry(D(2015, 3, 1), D(2024, 8, 1), &life), D(2029, 3, 1));
  // Issued at 58 or later -> no expiry.
  EXPECT_FALSE(ExpectedExpiry(D(1960, 1, 10), D(2018, 2, 1), &life));
  EXPECT_TRUE(life);
  EXPECT_FALSE(ExpectedExpiry(D(1950, 1, 10), D(2021, 2, 1), &life));
  EXPECT_TRUE(life);
}

TEST(VnExpiry, IsValidAgainstInjectedToday) {
  const Date today = D(2026, 11, 25);
  auto dob = MakeDate(1990, 8, 25);
  auto issue = MakeDate(2021, 4, 25);
  EXPECT_TRUE(CheckExpiry(D(2030, 8, 25), dob, issue, CardKind::kCccd, today).is_valid);
  EXPECT_EQ(CheckExpiry(D(2030, 8, 25), dob, issue, CardKind::kCccd, D(2030, 8, 26)).reason,
            "expiry.expired");
  EXPECT_TRUE(CheckExpiry(D(2030, 8, 25), dob, issue, CardKind::kCccd, D(2030, 8, 25)).is_valid);
  EXPECT_EQ(CheckExpiry(D(2031, 8, 25), dob, issue, CardKind::kCccd, today).reason,
            "expiry.inconsistent");
  // Without the issue date: expiry must be a milestone birthday.
  EXPECT_TRUE(CheckExpiry(D(2030, 8, 25), dob, std::nullopt, CardKind::kCccd, today).is_valid);
  EXPECT_TRUE(
      CheckExpiry(D(2030, 8, 24), dob, std::nullopt, CardKind::kCccd, today).is_valid);  // +-1 day
  EXPECT_EQ(CheckExpiry(D(2030, 8, 20), dob, std::nullopt, CardKind::kCccd, today).reason,
            "expiry.inconsistent");
  EXPECT_EQ(CheckExpiry(D(2032, 8, 25), dob, std::nullopt, CardKind::kCccd, today).reason,
            "expiry.inconsistent");
  // Lifetime.
  Date none;
  none.no_expiry = true;
  EXPECT_TRUE(CheckExpiry(none, MakeDate(1960, 1, 10), MakeDate(2018, 2, 1), CardKind::kCccd, today)
                  .is_valid);
  EXPECT_EQ(CheckExpiry(none, dob, issue, CardKind::kCccd, today).reason, "expiry.inconsistent");
  EXPECT_EQ(CheckExpiry(none, dob, std::nullopt, CardKind::kCccd, today).reason,
            "expiry.inconsistent");
}

TEST(VnExpiry, CmndVoidAfter2024) {
  auto issue = MakeDate(2015, 3, 1);
  EXPECT_TRUE(CheckExpiry(Date{}, std::nullopt, issue, CardKind::kCmnd, D(2024, 12, 31)).is_valid);
  EXPECT_EQ(CheckExpiry(Date{}, std::nullopt, issue, CardKind::kCmnd, D(2025, 1, 1)).reason,
            "expiry.cmnd_void");
  EXPECT_EQ(CheckExpiry(Date{}, std::nullopt, MakeDate(2005, 3, 1), CardKind::kCmnd, D(2024, 1, 1))
                .reason,
            "expiry.expired");
}

TEST(VnExpiry, LeapDayBirth) {
  auto dob = MakeDate(2000, 2, 29);
  auto issue = MakeDate(2024, 6, 1);  // age 24: within 2 years of 25 -> valid to 40
  const Date today = D(2026, 1, 1);
  EXPECT_TRUE(CheckExpiry(D(2025, 2, 28), dob, MakeDate(2016, 6, 1), CardKind::kCccd, D(2024, 1, 1))
                  .is_valid);
  EXPECT_TRUE(CheckExpiry(D(2025, 3, 1), dob, MakeDate(2016, 6, 1), CardKind::kCccd, D(2024, 1, 1))
                  .is_valid);
  EXPECT_TRUE(CheckExpiry(D(2040, 2, 29), dob, issue, CardKind::kCccd, today).is_valid);
  EXPECT_FALSE(CheckExpiry(D(2040, 3, 5), dob, issue, CardKind::kCccd, today).is_valid);
}

TEST(VnJson, DateSexShapes) {
  auto text = TextTools::Create();
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  nlohmann::json j = DateNormalizedJson(MakeDate(2021, 4, 25), **text);
  EXPECT_EQ(j["value"], "25/04/2021");
  EXPECT_EQ(j["year"]["value"], 2021);
  EXPECT_EQ(j["month"]["value"], 4);
  EXPECT_EQ(j["day"]["value"], 25);
  EXPECT_EQ(j["value_unidecode"], "25/04/2021");
  nlohmann::json na = DateNormalizedJson(std::nullopt, **text);
  EXPECT_EQ(na["value"], "N/A");
  EXPECT_EQ(na["year"]["value"], -1);
  Date none;
  none.no_expiry = true;
  EXPECT_EQ(DateNormalizedJson(none, **text)["value_unidecode"], "Khong thoi han");
  EXPECT_EQ(SexNormalizedJson(1)["value"], 1);
  EXPECT_EQ(SexNormalizedJson(-5)["value"], -1);
  nlohmann::json n = NationalityNormalizedJson(ParseNationality("Việt Nam"), **text);
  EXPECT_EQ(n["code"], 704);
  EXPECT_EQ(n["code2"], "VNM");
  EXPECT_EQ(n["value_unidecode"], "VIET NAM");
  EXPECT_EQ(NationalityNormalizedJson(Nationality{}, **text)["code2"], -1);
}

}  // namespace
}  // namespace ekyc::vn
