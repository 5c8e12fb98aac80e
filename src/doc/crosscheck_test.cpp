#include "doc/crosscheck.h"

#include <gtest/gtest.h>

#include "doc/result_fields.h"

namespace ekyc::doc {
namespace {

TEST(DocCrossCheck, AgreementTakesTheMachineSpelling) {
  DocResult r;
  SetField(&r, "ho_ten", MakeField("NGUYÊN VĂN AN", 0.7, "ocr"));
  CrossCheck(&r, "ho_ten", "NGUYỄN VĂN AN", "qr", true);
  // Same letters: the QR also settles the tone mark.
  EXPECT_EQ(r.Get("ho_ten")->value, "NGUYỄN VĂN AN");
  EXPECT_EQ(r.Get("ho_ten")->source, "ocr+qr");
  EXPECT_DOUBLE_EQ(r.Get("ho_ten")->confidence, 0.99);
}

TEST(DocCrossCheck, DisagreementTakesTheCheckedValue) {
  DocResult r;
  SetField(&r, "id", MakeField("001090123457", 0.9, "ocr"));
  CrossCheck(&r, "id", "001090123456", "mrz", true);
  EXPECT_EQ(r.Get("id")->value, "001090123456");
  EXPECT_EQ(r.Get("id")->source, "mrz");
  // An unchecked machine value changes nothing.
  CrossCheck(&r, "id", "999999999999", "mrz", false);
  EXPECT_EQ(r.Get("id")->value, "001090123456");
}

TEST(DocCrossCheck, AccentFreeNamesNeverVouchForToneMarks) {
  DocResult r;
  SetField(&r, "ho_ten", MakeField("ĐẶNG NGỌC ANH", 0.6, "ocr"));
  CrossCheck(&r, "ho_ten", "DANG NGOC ANH", "mrz", true, true);
  EXPECT_EQ(r.Get("ho_ten")->value, "ĐẶNG NGỌC ANH");
  EXPECT_DOUBLE_EQ(r.Get("ho_ten")->confidence, 0.85);
  // Alone, the accent-free name stands in at low confidence.
  DocResult empty;
  CrossCheck(&empty, "ho_ten", "DANG NGOC ANH", "mrz", true, true);
  EXPECT_EQ(empty.Get("ho_ten")->value, "DANG NGOC ANH");
  EXPECT_DOUBLE_EQ(empty.Get("ho_ten")->confidence, 0.3);
}

TEST(DocCrossCheck, MachineReadableZonesOfASide) {
  DocResult r;
  r.type = DocType::kCccdChip;
  r.side = Side::kBack;
  MrzData m;
  m.checks_ok = true;
  m.personal_number = "001090123456";
  m.birth_date = "01/05/1990";
  m.sex = "M";
  m.expiry_date = "01/05/2030";
  m.surname = "NGUYEN";
  m.given_names = "VAN AN";
  r.mrz = m;
  CrossCheckMachineReadable(&r, false);
  EXPECT_EQ(r.Get("id")->value, "001090123456");
  EXPECT_EQ(r.Get("gioi_tinh")->value, "Nam");
  EXPECT_EQ(r.Get("ho_ten")->value, "NGUYEN VAN AN");
  EXPECT_EQ(r.Get("ngay_het_han")->value, "01/05/2030");
}

// A passport front whose page reads `printed` as the birth date and whose checked MRZ gives
// `mrz` (its century guessed), cross-checked.
DocResult PassportBirthDates(const char* printed, const char* mrz,
                             const char* personal_number = "") {
  DocResult r;
  r.type = DocType::kPassport;
  r.side = Side::kFront;
  SetField(&r, "ngay_sinh", MakeField(printed, 0.9, "ocr"));
  MrzData m;
  m.checks_ok = true;
  m.birth_date = mrz;
  m.personal_number = personal_number;
  r.mrz = m;
  CrossCheckMachineReadable(&r, false);
  return r;
}

TEST(DocCrossCheck, APrintedBirthDateSettlesTheMrzCentury) {
  const DocResult r = PassportBirthDates("06/09/2001", "06/09/1901");
  EXPECT_EQ(r.Get("ngay_sinh")->value, "06/09/2001");
  EXPECT_EQ(r.Get("ngay_sinh")->source, "ocr+mrz");
  EXPECT_EQ(r.mrz->birth_date, "06/09/2001");
}

TEST(DocCrossCheck, AnImpossiblePrintedCenturyDoesNotOverrideTheMrz) {
  // A page year misread by its century digit (1990 read as 1890): more than a lifetime ago, and
  // the personal number's century digit (0: born 1900-1999) says otherwise.
  const DocResult r = PassportBirthDates("17/05/1890", "17/05/1990", "024090113452");
  EXPECT_EQ(r.Get("ngay_sinh")->value, "17/05/1990");
  EXPECT_EQ(r.mrz->birth_date, "17/05/1990");
}

}  // namespace
}  // namespace ekyc::doc
