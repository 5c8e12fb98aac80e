// The chip's fields in the card reader's shape, and a printed card compared with them.
#include <gtest/gtest.h>

#include "chip/chip.h"
#include "chip/testkit.h"

namespace ekyc::chip {
namespace {

doc::DocResult Printed(std::vector<std::pair<std::string, std::string>> fields) {
  doc::DocResult d;
  d.type = doc::DocType::kCccdChip;
  d.side = doc::Side::kFront;
  for (auto& [n, v] : fields) {
    doc::Field f;
    f.value = v;
    f.confidence = 0.9;
    f.source = "ocr";
    d.fields.emplace_back(n, f);
  }
  return d;
}

doc::DocResult ChipFields(const testkit::Person& p) {
  ChipReport r;
  auto dg13 = ParseDg13(testkit::Dg13For(p));
  EXPECT_TRUE(dg13.ok());
  r.dg13 = *dg13;
  return ChipDocResult(r);
}

TEST(ChipDocResultTest, FieldsInReaderShapeWithoutProofHaveConfidenceZero) {
  const auto p = testkit::MakePerson(50);
  doc::DocResult d = ChipFields(p);
  ASSERT_NE(d.Get("ho_ten"), nullptr);
  EXPECT_EQ(d.Get("ho_ten")->value, p.name);
  EXPECT_EQ(d.Get("ho_ten")->confidence, 0.0);  // not proven: no passive authentication ran
  EXPECT_EQ(d.Get("ho_ten")->source, "chip");
  EXPECT_EQ(d.type, doc::DocType::kCccdChip);
  auto p2 = p;
  p2.issued = "15/08/2024";
  EXPECT_EQ(ChipFields(p2).type, doc::DocType::kCanCuoc);
}

TEST(CrossCheck, MatchesFoldedMatchesAndMismatches) {
  const auto p = testkit::MakePerson(51);
  doc::DocResult chip = ChipFields(p);
  std::string ocr_name = p.name;
  doc::DocResult front = Printed({{"id", p.id},
                                  {"ho_ten", doc::Unidecode(p.name)},  // tone marks lost by OCR
                                  {"ngay_sinh", p.dob},
                                  {"gioi_tinh", p.sex},
                                  {"quoc_tich", "Việt Nam"},
                                  {"ngay_het_han", "01/01/2099"}});
  doc::DocResult back = Printed({{"noi_cap", "CỤC TRƯỞNG"}, {"ngay_cap", p.issued}});
  CardCrossCheck c = CrossCheckCard(chip, {front, back});
  auto outcome = [&](const std::string& f) {
    for (const auto& x : c.fields)
      if (x.field == f) return x.outcome;
    return std::string("<absent>");
  };
  EXPECT_EQ(outcome("id"), "match");
  EXPECT_EQ(outcome("ho_ten"), "match_folded");
  EXPECT_EQ(outcome("ngay_sinh"), "match");
  EXPECT_EQ(outcome("gioi_tinh"), "match");
  EXPECT_EQ(outcome("quoc_tich"), "match");
  EXPECT_EQ(outcome("ngay_het_han"), "mismatch");
  EXPECT_EQ(outcome("ngay_cap"), "match");
  EXPECT_EQ(outcome("noi_cap"), "not_on_chip");
  EXPECT_EQ(outcome("ho_khau_thuong_tru"), "not_printed");
  EXPECT_TRUE(c.id_matches);
  EXPECT_EQ(c.mismatched, 1);
  EXPECT_FALSE(c.ToJson()["consistent"].get<bool>());
  // Another card's ID.
  doc::DocResult other = Printed({{"id", "001099000001"}});
  EXPECT_FALSE(CrossCheckCard(chip, {other}).id_matches);
}

}  // namespace
}  // namespace ekyc::chip
