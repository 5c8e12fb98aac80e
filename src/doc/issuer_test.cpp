#include "doc/issuer.h"

#include <gtest/gtest.h>

#include "doc/testing/word_fixtures.h"

namespace ekyc::doc {
namespace {

using testing::Page;

// A few provinces as the official list spells them, with look-alikes of one another.
const ProvinceNames kProvinces = {"Gia Lai", "An Giang",          "Long An", "Hoà Bình",
                                  "Hà Nam",  "Bà Rịa - Vũng Tàu", "Bắc Kạn", "Cao Bằng",
                                  "Hà Nội",  "Hồ Chí Minh",       "Huế",     "Đắk Nông"};

TEST(DocIssuer, ProvinceSpelledAsTheListSpellsIt) {
  EXPECT_EQ(ParseProvincialIssuer("GIÁM ĐỐC CÔNG AN TÍNH GIÁ LAI", kProvinces),
            "GIÁM ĐỐC CÔNG AN TỈNH GIA LAI");
  EXPECT_EQ(ParseProvincialIssuer("GIÁM ĐỐC CÔNG AN TĨNH BÁC KAN", kProvinces),
            "GIÁM ĐỐC CÔNG AN TỈNH BẮC KẠN");
  EXPECT_EQ(ParseProvincialIssuer("GIÁM ĐỐC CA BÀ RỊA - VỮNG TÀU", kProvinces),
            "GIÁM ĐỐC CA BÀ RỊA - VŨNG TÀU");
  EXPECT_EQ(ParseProvincialIssuer("GIÁM ĐỐC CÔNG AN TP. HỒ CHÍ MINH", kProvinces),
            "GIÁM ĐỐC CÔNG AN TP. HỒ CHÍ MINH");
  EXPECT_EQ(ParseProvincialIssuer("GIÁM ĐỐC CÔNG AN THÀNH PHỐ HÀ NỘI", kProvinces),
            "GIÁM ĐỐC CÔNG AN THÀNH PHỐ HÀ NỘI");
  // Words the page pass glued together, and a misread letter in a long name.
  EXPECT_EQ(ParseProvincialIssuer("GIÁM ĐỐC CAAN GIANG", kProvinces), "GIÁM ĐỐC CA AN GIANG");
  EXPECT_EQ(ParseProvincialIssuer("GIAM DOC CONG AN TINH DAK N0NG", kProvinces),
            "GIÁM ĐỐC CÔNG AN TỈNH ĐẮK NÔNG");
}

TEST(DocIssuer, PrintedTonePlacementKept) {
  EXPECT_EQ(ParseProvincialIssuer("GIÁM ĐỐC CA HÒA BÌNH", kProvinces), "GIÁM ĐỐC CA HÒA BÌNH");
  EXPECT_EQ(ParseProvincialIssuer("GIÁM ĐỐC CA HOÀ BÌNH", kProvinces), "GIÁM ĐỐC CA HOÀ BÌNH");
  EXPECT_EQ(ParseProvincialIssuer("GIÁM ĐỐC CA HOA BINH", kProvinces), "GIÁM ĐỐC CA HOÀ BÌNH");
}

TEST(DocIssuer, NoProvinceInventedOrCompleted) {
  // A title without its province, a province cut short, a name not in the list.
  EXPECT_EQ(ParseProvincialIssuer("GIÁM ĐỐC CÔNG AN", kProvinces), "");
  EXPECT_EQ(ParseProvincialIssuer("GIÁM ĐỐC CÔNG AN TỈNH", kProvinces), "");
  EXPECT_EQ(ParseProvincialIssuer("GIÁM ĐỐC CÔNG AN TỈNH BÀ", kProvinces), "");
  EXPECT_EQ(ParseProvincialIssuer("GIÁM ĐỐC CÔNG AN TỈNH CAO", kProvinces), "");
  EXPECT_EQ(ParseProvincialIssuer("GIÁM ĐỐC CÔNG AN TỈNH SÓC TRĂNG", kProvinces), "");
  EXPECT_EQ(ParseProvincialIssuer("GIÁM ĐỐC CA HÀ NAM", {}), "");
  EXPECT_EQ(ParseProvincialIssuer("", kProvinces), "");
  EXPECT_EQ(ParseProvincialIssuer("NGÓN TRỎ PHẢI", kProvinces), "");
}

TEST(DocIssuer, TwoLineTitleJoinsItsNextLineLeftToRight) {
  // The province's line read in pieces, not in reading order.
  auto segs = Page({{"GIÁM", 725, 337, 70, 28},
                    {"ĐỐC", 800, 337, 55, 28},
                    {"CÔNG", 860, 337, 70, 28},
                    {"AN", 935, 337, 40, 28},
                    {"TỈNH", 696, 376, 60, 28},
                    {"BÀ", 762, 376, 40, 28},
                    {"VŨNG", 891, 378, 70, 25},
                    {"TÀU", 966, 378, 60, 25},
                    {"RỊA", 822, 384, 40, 25},
                    {"-", 866, 384, 15, 25},
                    {"Ngón", 56, 544, 60, 17},
                    {"trỏ", 120, 544, 40, 17}});
  EXPECT_EQ(FindIssuer(segs, DocType::kCmnd12, kProvinces),
            "GIÁM ĐỐC CÔNG AN TỈNH BÀ RỊA - VŨNG TÀU");
  // Without the list of provinces: as read.
  EXPECT_EQ(FindIssuer(segs, DocType::kCmnd12, {}), "GIÁM ĐỐC CÔNG AN TỈNH BÀ RỊA - VŨNG TÀU");
}

TEST(DocIssuer, OneLineTitleAndCutProvinceAsRead) {
  auto one = Page({{"GIÁM", 450, 340, 60, 22},
                   {"ĐỐC", 515, 340, 50, 22},
                   {"CA", 570, 340, 30, 22},
                   {"HÀ", 605, 340, 30, 22},
                   {"NỘI", 640, 340, 45, 22}});
  EXPECT_EQ(FindIssuer(one, DocType::kCmnd9, kProvinces), "GIÁM ĐỐC CA HÀ NỘI");
  EXPECT_EQ(FindIssuer(one, DocType::kPassport, kProvinces), "");
  auto cut = Page({{"GIÁM", 720, 374, 70, 27},
                   {"ĐỐC", 795, 374, 55, 27},
                   {"CÔNG", 855, 374, 70, 27},
                   {"AN", 930, 374, 40, 27},
                   {"TỈNH", 749, 414, 60, 26},
                   {"CAO", 815, 414, 60, 26}});
  EXPECT_EQ(FindIssuer(cut, DocType::kCmnd12, kProvinces), "GIÁM ĐỐC CÔNG AN TỈNH CAO");
}

TEST(DocIssuer, NationalAuthoritiesByTheirWords) {
  // A passport's value read in two pieces with a word lost between them.
  auto passport = Page({{"Nơi", 367, 681, 40, 20},
                        {"cấp", 410, 681, 40, 20},
                        {"LÝ", 562, 702, 40, 43},
                        {"XUẤT", 606, 702, 90, 43},
                        {"NHẬP", 700, 702, 90, 43},
                        {"CẢNH", 794, 702, 90, 43},
                        {"CỤC", 366, 711, 68, 34}});
  EXPECT_EQ(FindIssuer(passport, DocType::kPassport, kProvinces), "CỤC QUẢN LÝ XUẤT NHẬP CẢNH");
  auto chip = Page({{"CỤC", 500, 400, 50, 22},
                    {"TRƯỞNG", 555, 400, 90, 22},
                    {"CỤC", 650, 400, 50, 22},
                    {"CẢNH", 705, 400, 60, 22},
                    {"SÁT", 770, 400, 50, 22},
                    {"QUẢN", 480, 430, 60, 22},
                    {"LÝ", 545, 430, 30, 22},
                    {"HÀNH", 580, 430, 60, 22},
                    {"CHÍNH", 645, 430, 70, 22},
                    {"VỀ", 720, 430, 30, 22},
                    {"TRẬT", 755, 430, 55, 22},
                    {"TỰ", 815, 430, 30, 22},
                    {"XÃ", 850, 430, 30, 22},
                    {"HỘI", 885, 430, 40, 22}});
  EXPECT_EQ(FindIssuer(chip, DocType::kCccdChip, kProvinces),
            "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI");
  EXPECT_EQ(FindIssuer(Page({{"Nơi", 50, 58, 40, 19}, {"cư", 95, 58, 30, 19}}), DocType::kCanCuoc,
                       kProvinces),
            "");
}

TEST(DocIssuer, AuthorityOfTheDocumentType) {
  EXPECT_EQ(IssuerOfDocumentType(DocType::kCanCuoc, ""), "BỘ CÔNG AN");
  EXPECT_EQ(IssuerOfDocumentType(DocType::kCccdChip, "01/02/2022"),
            "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI");
  EXPECT_EQ(IssuerOfDocumentType(DocType::kCccd2016, "09/10/2018"),
            "CỤC TRƯỞNG CỤC CẢNH SÁT ĐKQL CƯ TRÚ VÀ DLQG VỀ DÂN CƯ");
  EXPECT_EQ(IssuerOfDocumentType(DocType::kCccd2016, "11/10/2018"),
            "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI");
  // The day of the change, no valid date, provincial and several-authority types: none.
  EXPECT_EQ(IssuerOfDocumentType(DocType::kCccd2016, "10/10/2018"), "");
  EXPECT_EQ(IssuerOfDocumentType(DocType::kCccd2016, "N/A"), "");
  EXPECT_EQ(IssuerOfDocumentType(DocType::kCccd2016, "31/02/2017"), "");
  EXPECT_EQ(IssuerOfDocumentType(DocType::kCmnd9, "01/02/2010"), "");
  EXPECT_EQ(IssuerOfDocumentType(DocType::kPassport, "01/02/2020"), "");
}

}  // namespace
}  // namespace ekyc::doc
