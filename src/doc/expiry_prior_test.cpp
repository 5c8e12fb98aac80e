#include "doc/expiry_prior.h"

#include <gtest/gtest.h>

namespace ekyc::doc {
namespace {

vn::Date D(int y, int m, int d) {
  return {y, m, d};
}

TEST(DocExpiryPrior, OnlyCardsWhoseExpiryFollowsTheBirthDateHaveAPeriod) {
  EXPECT_TRUE(IssuePeriodOf(DocType::kCccd2016));
  EXPECT_TRUE(IssuePeriodOf(DocType::kCccdChip));
  EXPECT_FALSE(IssuePeriodOf(DocType::kCmnd9));
  EXPECT_FALSE(IssuePeriodOf(DocType::kCmnd12));
  EXPECT_FALSE(IssuePeriodOf(DocType::kCanCuoc));  // expiry on the back, with the issue date
  EXPECT_FALSE(IssuePeriodOf(DocType::kPassport));
}

TEST(DocExpiryPrior, LawfulExpiriesFollowTheRenewalAges) {
  bool lifetime = true;
  // Born 1988: a 2016-2021 card is issued at 27-33, valid to the 40th birthday.
  auto e = LawfulExpiries(D(1988, 6, 1), *IssuePeriodOf(DocType::kCccd2016), &lifetime);
  EXPECT_EQ(e, std::vector<vn::Date>{D(2028, 6, 1)});
  EXPECT_FALSE(lifetime);
  // Born 2000: a chip card issued at 21-24; within two years of 25 it is valid to 40.
  e = LawfulExpiries(D(2000, 3, 10), *IssuePeriodOf(DocType::kCccdChip), &lifetime);
  EXPECT_NE(std::find(e.begin(), e.end(), D(2025, 3, 10)), e.end());
  EXPECT_NE(std::find(e.begin(), e.end(), D(2040, 3, 10)), e.end());
  EXPECT_EQ(e.size(), 2u);
  // Born 1960: 58 or older at issue, a card without expiry; 56-57 at issue: to the 60th birthday.
  e = LawfulExpiries(D(1960, 1, 10), *IssuePeriodOf(DocType::kCccd2016), &lifetime);
  EXPECT_TRUE(lifetime);
  EXPECT_EQ(e, std::vector<vn::Date>{D(2020, 1, 10)});
  // Too young for any card of the period: none.
  e = LawfulExpiries(D(2015, 1, 1), *IssuePeriodOf(DocType::kCccd2016), &lifetime);
  EXPECT_TRUE(e.empty());
  EXPECT_TRUE(LawfulExpiries(vn::Date{}, *IssuePeriodOf(DocType::kCccd2016), &lifetime).empty());
}

TEST(DocExpiryPrior, AMisreadYearIsCorrectedOnlyToOneCloseLawfulYear) {
  const std::vector<vn::Date> lawful = {D(2025, 3, 10), D(2040, 3, 10)};
  EXPECT_EQ(NearestLawfulExpiry(D(2015, 3, 10), lawful, 2), D(2025, 3, 10));  // one digit
  EXPECT_EQ(NearestLawfulExpiry(D(2046, 3, 10), lawful, 2), D(2040, 3, 10));
  EXPECT_FALSE(NearestLawfulExpiry(D(2025, 3, 10), lawful, 2));  // lawful: left alone
  EXPECT_FALSE(NearestLawfulExpiry(D(2025, 3, 11), lawful, 2));  // a day off: lawful too
  EXPECT_FALSE(NearestLawfulExpiry(D(2015, 8, 10), lawful, 2));  // another month: not a year slip
  EXPECT_FALSE(NearestLawfulExpiry(D(2915, 3, 10), lawful, 1));  // too far
  // 2020 is one digit from 2025 and one from 2040: two lawful years equally close.
  EXPECT_FALSE(NearestLawfulExpiry(D(2020, 3, 10), lawful, 2));
  EXPECT_FALSE(NearestLawfulExpiry(vn::Date{}, lawful, 2));
  // 29/02 births: the common-year birthday may be printed 28/02 or 01/03.
  EXPECT_EQ(NearestLawfulExpiry(D(2015, 2, 28), {D(2025, 3, 1)}, 2), D(2025, 3, 1));
}

TEST(DocExpiryPrior, TheFieldIsCorrectedInPlaceAndTrustedLess) {
  Field f{"01/06/2035", 0.5, "ocr", {}};
  EXPECT_TRUE(CorrectExpiryYear(DocType::kCccd2016, D(1988, 6, 1), &f));
  EXPECT_EQ(f.value, "01/06/2028");
  EXPECT_LT(f.confidence, 0.5);
  Field cmnd{"27/01/2022", 0.5, "ocr", {}};
  EXPECT_FALSE(CorrectExpiryYear(DocType::kCmnd12, D(1990, 1, 27), &cmnd));
  EXPECT_EQ(cmnd.value, "27/01/2022");
  Field none;
  EXPECT_FALSE(CorrectExpiryYear(DocType::kCccd2016, D(1988, 6, 1), &none));
  Field life{"Không thời hạn", 0.9, "ocr", {}};
  EXPECT_FALSE(CorrectExpiryYear(DocType::kCccd2016, D(1950, 6, 1), &life));
  EXPECT_FALSE(CorrectExpiryYear(DocType::kCccd2016, D(1988, 6, 1), nullptr));
}

TEST(DocExpiryPrior, AnExpiryWhoseDayWasLostTakesTheLawfulDayOfItsMonthAndYear) {
  // Born 13/01/1970, a 2016-2021 card is issued at 46-51: valid to the 60th birthday.
  const vn::Date dob = D(1970, 1, 13);
  EXPECT_EQ(LawfulExpiryInMonth(DocType::kCccd2016, dob, "L01/2030"), D(2030, 1, 13));
  EXPECT_EQ(LawfulExpiryInMonth(DocType::kCccd2016, dob, "Có giá trị đến: 1 01 / 2030 "),
            D(2030, 1, 13));
  EXPECT_FALSE(LawfulExpiryInMonth(DocType::kCccd2016, dob, "L02/2030"));  // no lawful date
  EXPECT_FALSE(LawfulExpiryInMonth(DocType::kCccd2016, dob, "L01/2031"));
  EXPECT_FALSE(LawfulExpiryInMonth(DocType::kCccd2016, dob, "13/01/20"));  // no year
  EXPECT_FALSE(LawfulExpiryInMonth(DocType::kCccd2016, dob, ""));
  EXPECT_FALSE(LawfulExpiryInMonth(DocType::kCccd2016, dob, "01/2030 Nơi"));  // not at the end
  EXPECT_FALSE(LawfulExpiryInMonth(DocType::kCmnd12, dob, "L01/2030"));       // no renewal law
  // 29/02 births: two lawful days (28/02, 01/03) are not in one month, so each month has one.
  EXPECT_EQ(LawfulExpiryInMonth(DocType::kCccd2016, D(1988, 2, 29), "x02/2028"), D(2028, 2, 29));
}

}  // namespace
}  // namespace ekyc::doc
