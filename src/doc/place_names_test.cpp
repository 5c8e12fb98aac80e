#include "doc/place_names.h"

#include <gtest/gtest.h>

#include "doc/text.h"

namespace ekyc::doc {
namespace {

TEST(DocPlaceNames, MarksAndApostrophesFromTheMatchedUnits) {
  const std::vector<std::string> units = {"Bà Rịa - Vũng Tàu", "Đất Đỏ", "Long Tân"};
  EXPECT_EQ(RespellUnits("Xã Long Tân, Huyện Đất Đồ, Tỉnh Bà Rịa - Vũng Tàu", units),
            "Xã Long Tân, Huyện Đất Đỏ, Tỉnh Bà Rịa - Vũng Tàu");
  EXPECT_EQ(RespellUnits("Xã Đắk NDung, Huyện Đắk Song, Tỉnh Đắk Nông",
                         {"Đắk Nông", "Đắk Song", "Đắk N'Dung"}),
            "Xã Đắk N'Dung, Huyện Đắk Song, Tỉnh Đắk Nông");
  EXPECT_EQ(RespellUnits("Phường Cái Vồn, Thị xã Bình Minh, Tỉnh Vinh Long",
                         {"Vĩnh Long", "Bình Minh", "Cái Vồn"}),
            "Phường Cái Vồn, Thị xã Bình Minh, Tỉnh Vĩnh Long");
  // Capitals stay capitals.
  EXPECT_EQ(RespellUnits("XÃ MƯỜNG NHÉ, HUYỆN MƯỜNG NHẾ", {"Mường Nhé", "Mường Nhé"}),
            "XÃ MƯỜNG NHÉ, HUYỆN MƯỜNG NHÉ");
}

TEST(DocPlaceNames, LettersTonePlacementAndStreetsKept) {
  const std::vector<std::string> units = {"Hoà Bình", "Cao Phong", "Bắc Phong"};
  // A wrong letter is not a mark: left as read.
  EXPECT_EQ(RespellUnits("Xã Bắc Phong, Huyện Cao Phonq, Tỉnh Hoà Bình", units),
            "Xã Bắc Phong, Huyện Cao Phonq, Tỉnh Hoà Bình");
  // Either tone placement is correct print.
  EXPECT_EQ(RespellUnits("Xã Bắc Phong, Huyện Cao Phong, Tỉnh Hòa Bình", units),
            "Xã Bắc Phong, Huyện Cao Phong, Tỉnh Hòa Bình");
  // A street before the units keeps its spelling even with a unit's letters.
  EXPECT_EQ(RespellUnits("Số 5 Bac Phong, Xã Bắc Phong, Huyện Cao Phong, Tỉnh Hoà Bình", units),
            "Số 5 Bac Phong, Xã Bắc Phong, Huyện Cao Phong, Tỉnh Hoà Bình");
  // Numbered units, nothing matched, empty input.
  EXPECT_EQ(RespellUnits("Phường 1, Quận 3", {"1", "3"}), "Phường 1, Quận 3");
  EXPECT_EQ(RespellUnits("Tinh Vinh Long", {}), "Tinh Vinh Long");
  EXPECT_EQ(RespellUnits("", units), "");
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
