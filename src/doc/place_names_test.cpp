#include "doc/place_names.h"

#include <gtest/gtest.h>

#include "doc/text.h"

namespace ekyc::doc {
namespace {

TEST(DocPlaceNames, MarksAndApostrophesFromTheMatchedUnits) {
  // The matched units in the address's order: commune, district, province.
  const std::vector<std::string> units = {"Long Tân", "Đất Đỏ", "Bà Rịa - Vũng Tàu"};
  EXPECT_EQ(RespellUnits("Xã Long Tân, Huyện Đất Đồ, Tỉnh Bà Rịa - Vũng Tàu", units),
            "Xã Long Tân, Huyện Đất Đỏ, Tỉnh Bà Rịa - Vũng Tàu");
  EXPECT_EQ(RespellUnits("Xã Đắk NDung, Huyện Đắk Song, Tỉnh Đắk Nông",
                         {"Đắk N'Dung", "Đắk Song", "Đắk Nông"}),
            "Xã Đắk N'Dung, Huyện Đắk Song, Tỉnh Đắk Nông");
  EXPECT_EQ(RespellUnits("Phường Cái Vồn, Thị xã Bình Minh, Tỉnh Vinh Long",
                         {"Cái Vồn", "Bình Minh", "Vĩnh Long"}),
            "Phường Cái Vồn, Thị xã Bình Minh, Tỉnh Vĩnh Long");
  // Capitals stay capitals.
  EXPECT_EQ(RespellUnits("XÃ MƯỜNG NHÉ, HUYỆN MƯỜNG NHẾ", {"Mường Nhé", "Mường Nhé"}),
            "XÃ MƯỜNG NHÉ, HUYỆN MƯỜNG NHÉ");
}

TEST(DocPlaceNames, OneLetterOffAMatchedUnit) {
  const std::vector<std::string> units = {"Bắc Phong", "Cao Phong", "Hoà Bình"};
  // A letter misread, doubled or dropped in a matched unit's name: the official name.
  EXPECT_EQ(RespellUnits("Xã Bắc Phong, Huyện Cao Phonq, Tỉnh Hoà Bình", units),
            "Xã Bắc Phong, Huyện Cao Phong, Tỉnh Hoà Bình");
  EXPECT_EQ(RespellUnits("Xã Bắc Phongg, Huyện Cao Phng, Tỉnh Hoà Bìnhh", units),
            "Xã Bắc Phong, Huyện Cao Phong, Tỉnh Hoà Bình");
  EXPECT_EQ(RespellUnits("Thị trấn Plei Kẩần, Huyện Ngọc Hồi", {"Plei Kần", "Ngọc Hồi"}),
            "Thị trấn Plei Kần, Huyện Ngọc Hồi");
  // Two letters off, or a short name (one edit makes another name): left as read.
  EXPECT_EQ(RespellUnits("Xã Bắc Phoqq, Huyện Cao Phong", {"Bắc Phong", "Cao Phong"}),
            "Xã Bắc Phoqq, Huyện Cao Phong");
  EXPECT_EQ(RespellUnits("Phường An Lạc, Quận Bìn", {"An Lạc", "Bình"}), "Phường An Lạc, Quận Bìn");
  // The type words take their spelling, in their printed case, when the unit matched.
  EXPECT_EQ(
      RespellUnits("Phuông Tấn Tài, Thị Trấn Ái Tử, THANH PHÔ Huế", {"Tấn Tài", "Ái Tử", "Huế"}),
      "Phường Tấn Tài, Thị Trấn Ái Tử, THÀNH PHỐ Huế");
}

TEST(DocPlaceNames, LettersTonePlacementAndStreetsKept) {
  const std::vector<std::string> units = {"Bắc Phong", "Cao Phong", "Hoà Bình"};
  // Spelled right: as printed, in its case, unless that is mixed within a word.
  EXPECT_EQ(RespellUnits("Xã Na Ư, Huyện Điện Biên", {"Na Ư", "Điện Biên"}),
            "Xã Na Ư, Huyện Điện Biên");
  EXPECT_EQ(RespellUnits("Thị Trấn ÁI Tử, HUYỆN TRIỆU PHONG", {"Ái Tử", "Triệu Phong"}),
            "Thị Trấn Ái Tử, HUYỆN TRIỆU PHONG");
  // Either tone placement is correct print.
  EXPECT_EQ(RespellUnits("Xã Bắc Phong, Huyện Cao Phong, Tỉnh Hòa Bình", units),
            "Xã Bắc Phong, Huyện Cao Phong, Tỉnh Hòa Bình");
  // A street before the units keeps its spelling even with a unit's letters.
  EXPECT_EQ(RespellUnits("Số 5 Bac Phong, Xã Bắc Phong, Huyện Cao Phong, Tỉnh Hoà Bình", units),
            "Số 5 Bac Phong, Xã Bắc Phong, Huyện Cao Phong, Tỉnh Hoà Bình");
  // Numbered units, nothing matched, empty input.
  EXPECT_EQ(RespellUnits("Phường 1, Quận 3", {"1", "3"}), "Phường 1, Quận 3");
  // A level not matched is left as read.
  EXPECT_EQ(RespellUnits("Xã Long Tân, Huyện Đất Đồ", {"", ""}), "Xã Long Tân, Huyện Đất Đồ");
  EXPECT_EQ(RespellUnits("Tinh Vinh Long", {}), "Tinh Vinh Long");
  EXPECT_EQ(RespellUnits("", units), "");
}

// A commune and its district can share letters with other marks: each part is compared with its
// own level's unit only.
TEST(DocPlaceNames, EachPartIsItsOwnLevelsUnit) {
  const std::vector<std::string> units = {"Cẩm Giang", "Cẩm Giàng", "Hải Dương"};
  EXPECT_EQ(
      RespellUnits("Số 80 Lê Lợi, Thị trấn Cẩm Giang, Huyện Cẩm Giàng, Tỉnh Hải Dương", units),
      "Số 80 Lê Lợi, Thị trấn Cẩm Giang, Huyện Cẩm Giàng, Tỉnh Hải Dương");
  EXPECT_EQ(RespellUnits("Thị trấn Cẩm Giàng, Huyện Cẩm Giang, Tỉnh Hải Duong", units),
            "Thị trấn Cẩm Giang, Huyện Cẩm Giàng, Tỉnh Hải Dương");
}

TEST(DocPlaceNames, OneNameAsOneOfAList) {
  const std::vector<std::string> provinces = {"Bắc Giang", "Đồng Tháp", "Hà Tĩnh", "Hà Tĩnh"};
  EXPECT_EQ(RespellAsOneOf("BÃC GIANG", provinces), "BẮC GIANG");
  EXPECT_EQ(RespellAsOneOf("ĐÕNG THAP", provinces), "ĐỒNG THÁP");
  EXPECT_EQ(RespellAsOneOf("HÀ TĨNH", provinces), "HÀ TĨNH");
  EXPECT_EQ(RespellAsOneOf("LIÊN BANG NGA", provinces), "LIÊN BANG NGA");
  // Two names with the same letters: as read.
  EXPECT_EQ(RespellAsOneOf("Cẩm Giảng", {"Cẩm Giang", "Cẩm Giàng"}), "Cẩm Giảng");
}

TEST(DocText, FoldLettersAndTonePlacement) {
  EXPECT_EQ(FoldLetters("Đắk N'Dung"), "DAKNDUNG");
  EXPECT_EQ(FoldLetters("CAAN GIANG"), FoldLetters("CA AN GIANG"));
  EXPECT_EQ(FoldLetters("12 - ,"), "");
  EXPECT_EQ(OtherTonePlacement("HOÀ BÌNH"), "HÒA BÌNH");
  EXPECT_EQ(OtherTonePlacement("KHÁNH HÒA"), "KHÁNH HOÀ");
  EXPECT_EQ(OtherTonePlacement("THỦY"), "THUỶ");
  EXPECT_EQ(OtherTonePlacement("HÀ NỘI"), "HÀ NỘI");
}

}  // namespace
}  // namespace ekyc::doc
