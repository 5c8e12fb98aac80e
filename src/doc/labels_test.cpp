#include "doc/labels.h"

#include <gtest/gtest.h>

#include "doc/layout.h"
#include "doc/testing/word_fixtures.h"

namespace ekyc::doc {
namespace {

using testing::OriginAndResidence;
using testing::Page;

TEST(DocLabels, ToleranceGrowsWithLength) {
  EXPECT_EQ(LabelTolerance(2), 0);  // "SO"
  EXPECT_EQ(LabelTolerance(9), 1);  // "HO VA TEN"
  EXPECT_EQ(LabelTolerance(24), 4);
}

TEST(DocLabels, MatchesWholeTokensWithinTolerance) {
  auto segs = Page(
      {{"Ngàv", 270, 300, 50, 22}, {"sinh:", 325, 300, 50, 22}, {"01/02/1990", 385, 298, 120, 26}});
  Match m;
  ASSERT_TRUE(MatchIn(segs[0], 0, "NGAY SINH", false, &m));
  EXPECT_EQ(m.first_tok, 0);
  EXPECT_EQ(m.end_tok, 2);
  EXPECT_EQ(m.dist, 1);
  // A short label is matched exactly.
  EXPECT_FALSE(MatchIn(segs[0], 0, "NGAY", false, &m));
}

TEST(DocLabels, GluedWordsMatchOneEditDearer) {
  auto segs = Page({{"Nơithườngtrú:", 270, 500, 140, 22}, {"Xã", 420, 500, 30, 22}});
  Match m;
  ASSERT_TRUE(MatchIn(segs[0], 0, "NOI THUONG TRU", false, &m));
  EXPECT_EQ(m.dist, 1);
  EXPECT_EQ(m.end_tok, 1);
}

TEST(DocLabels, AtStartOnlyMatchesTheFirstToken) {
  auto segs = Page({{"Mã", 270, 260, 30, 22}, {"số:", 305, 260, 30, 22}});
  Match m;
  EXPECT_FALSE(MatchIn(segs[0], 0, "SO", true, &m));
  EXPECT_TRUE(MatchIn(segs[0], 0, "SO", false, &m));
}

TEST(DocLabels, PageHasIsFuzzy) {
  auto segs = Page({{"CĂN", 400, 100, 60, 30},
                    {"CUỚC", 465, 100, 80, 30},
                    {"CÔNG", 550, 100, 80, 30},
                    {"DÂN", 635, 100, 60, 30}});
  const std::string page = PageText(segs);
  EXPECT_TRUE(PageHas(page, "CAN CUOC CONG DAN"));
  EXPECT_FALSE(PageHas(page, "CHUNG MINH NHAN DAN"));
}

std::vector<FieldSpec> TwoFields() {
  FieldSpec name{"ho_ten", FieldKind::kName, {"HO TEN"}};
  FieldSpec dob{"ngay_sinh", FieldKind::kDate, {"SINH NGAY"}};
  return {name, dob};
}

TEST(DocLabels, LabelMapFindsEachField) {
  auto segs = Page({{"Họ", 250, 250, 30, 22},
                    {"tên:", 285, 250, 45, 22},
                    {"TRẦN", 340, 246, 80, 30},
                    {"Sinh", 250, 300, 45, 22},
                    {"ngày:", 300, 300, 60, 22},
                    {"01-02-1990", 370, 298, 130, 26}});
  const auto specs = TwoFields();
  LabelMap labels(segs, specs);
  ASSERT_TRUE(labels.LabelOf("ho_ten"));
  ASSERT_TRUE(labels.LabelOf("ngay_sinh"));
  EXPECT_EQ(labels.LabelOf("ho_ten")->seg, 0);
  EXPECT_EQ(labels.LabelOf("ngay_sinh")->seg, 1);
  EXPECT_TRUE(labels.IsLabelSegment(1));
}

TEST(DocLabels, AGarbledBilingualLabelIsFoundByItsEnglishLine) {
  // A Căn cước back: the Vietnamese part of the second label lost its first words, its English
  // line under it is whole.
  auto segs = Page({{"Nơi", 48, 54, 40, 30},
                    {"cư", 92, 54, 30, 30},
                    {"trú", 126, 54, 40, 30},
                    {"Place", 49, 90, 60, 24},
                    {"of", 113, 90, 20, 24},
                    {"residence", 137, 90, 100, 24},
                    {"Tổ", 47, 125, 30, 34},
                    {"3,", 80, 125, 20, 34},
                    {"Xã", 104, 125, 30, 34},
                    {"ng", 126, 226, 30, 30},
                    {"ký", 160, 226, 30, 30},
                    {"khai", 194, 226, 50, 30},
                    {"sinh", 248, 226, 50, 30},
                    {"Place", 46, 264, 60, 24},
                    {"of", 110, 264, 20, 24},
                    {"birth", 134, 264, 60, 24},
                    {"Phường", 46, 300, 90, 34},
                    {"Ba", 140, 300, 30, 34},
                    {"Đồn", 174, 300, 50, 34}});
  const SideLayout& layout = LayoutOf(DocType::kCanCuoc, Side::kBack);
  LabelMap labels(segs, layout.fields);
  const auto birth = labels.LabelOf("noi_dang_ky_khai_sinh");
  ASSERT_TRUE(birth);
  EXPECT_EQ(segs[birth->seg].key, "PLACE OF BIRTH");
  const auto residence = labels.LabelOf("ho_khau_thuong_tru");
  ASSERT_TRUE(residence);
  EXPECT_EQ(segs[residence->seg].key, "NOI CU TRU");
}

TEST(DocLabels, AGarbledShortLabelIsInferredFromTheNextLabel) {
  // "Họ tên:" read "nọ te:": the line above the next label, in its column, ending at a colon.
  auto segs = Page({{"nọ", 250, 250, 30, 22},
                    {"te:", 285, 250, 35, 22},
                    {"TRẦN", 340, 246, 80, 30},
                    {"Sinh", 250, 300, 45, 22},
                    {"ngày:", 300, 300, 60, 22},
                    {"01-02-1990", 370, 298, 130, 26}});
  const auto specs = TwoFields();
  LabelMap labels(segs, specs);
  auto m = labels.LabelOf("ho_ten");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->seg, 0);
  EXPECT_EQ(m->end_tok, 2);  // the value starts at TRẦN
}

TEST(DocLabels, AGarbledLastLabelIsInferredFromThePreviousLabel) {
  // The residence (no label after it) read ";„ị tyờng trụ:": under the origin's label and its
  // wrapped line, in its column, ending at a colon.
  auto segs = Page({{"Quê", 270, 400, 40, 22},
                    {"quán:", 315, 400, 55, 22},
                    {"Xã", 380, 398, 30, 26},
                    {"An", 415, 398, 30, 26},
                    {"Huyện", 270, 436, 60, 26},
                    {"Yên", 335, 436, 45, 26},
                    {";„ị", 270, 474, 20, 22},
                    {"tyờng", 295, 474, 60, 22},
                    {"trụ:", 360, 474, 40, 22},
                    {"Tổ", 410, 472, 30, 26},
                    {"10", 445, 472, 25, 26}});
  const auto specs = OriginAndResidence();
  auto m = LabelMap(segs, specs).LabelOf("ho_khau_thuong_tru");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->seg, 2);
  EXPECT_EQ(m->end_tok, 3);  // the value starts at "Tổ"
  // A wrapped line without a colon in the label's place is the origin's, not a label.
  auto no_colon = Page({{"Quê", 270, 400, 40, 22},
                        {"quán:", 315, 400, 55, 22},
                        {"Xã", 380, 398, 30, 26},
                        {"Huyện", 270, 436, 60, 26},
                        {"Yên", 335, 436, 45, 26},
                        {"Bình", 385, 436, 45, 26}});
  EXPECT_FALSE(LabelMap(no_colon, specs).LabelOf("ho_khau_thuong_tru"));
  // A line in another column is not searched.
  auto other_column = Page({{"Quê", 270, 400, 40, 22},
                            {"quán:", 315, 400, 55, 22},
                            {"Xã", 380, 398, 30, 26},
                            {"tyờng", 40, 436, 60, 22},
                            {"trụ:", 105, 436, 40, 22},
                            {"Tổ", 150, 434, 30, 26}});
  EXPECT_FALSE(LabelMap(other_column, specs).LabelOf("ho_khau_thuong_tru"));
}

TEST(DocLabels, AGarbledLabelWithoutItsColonBeforeANameInCapitals) {
  // "Họ tên" read "nọ se", no colon: words in lower case, then the name in capitals.
  auto specs = TwoFields();
  specs[0].capitals = true;
  auto segs = Page({{"nọ", 250, 250, 30, 22},
                    {"se", 285, 250, 25, 22},
                    {"TRẦN", 340, 246, 80, 30},
                    {"VĂN", 425, 246, 60, 30},
                    {"Sinh", 250, 300, 45, 22},
                    {"ngày:", 300, 300, 60, 22},
                    {"01-02-1990", 370, 298, 130, 26}});
  LabelMap labels(segs, specs);
  auto m = labels.LabelOf("ho_ten");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->end_tok, 2);  // the value starts at TRẦN
  // More lower-case words than the label has: not its label.
  auto long_lower = Page({{"nọ", 250, 250, 30, 22},
                          {"se", 285, 250, 25, 22},
                          {"và", 315, 250, 25, 22},
                          {"TRẦN", 345, 246, 80, 30},
                          {"Sinh", 250, 300, 45, 22},
                          {"ngày:", 300, 300, 60, 22},
                          {"01-02-1990", 370, 298, 130, 26}});
  EXPECT_FALSE(LabelMap(long_lower, specs).LabelOf("ho_ten"));
  // A value not printed in capitals takes no such label.
  specs[0].capitals = false;
  EXPECT_FALSE(LabelMap(segs, specs).LabelOf("ho_ten"));
}

TEST(DocLabels, ALabelsLastWordsEndingAtAColonAreItsLabel) {
  // "Nơi" lost: "thường trú:" read "tường trụ:" at the start of the residence's line.
  auto segs = Page({{"Quê", 270, 400, 40, 22},
                    {"quán:", 315, 400, 55, 22},
                    {"Xã", 380, 398, 30, 26},
                    {"An", 415, 398, 30, 26},
                    {"tường", 315, 436, 60, 22},
                    {"trụ:", 380, 436, 40, 22},
                    {"Xóm", 430, 434, 45, 26},
                    {"20", 480, 434, 25, 26}});
  const auto specs = OriginAndResidence();
  LabelMap labels(segs, specs);
  auto m = labels.LabelOf("ho_khau_thuong_tru");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->seg, 1);
  EXPECT_EQ(m->end_tok, 2);
  // Without the colon the same words could be a value's: no label.
  auto no_colon = Page({{"Quê", 270, 400, 40, 22},
                        {"quán:", 315, 400, 55, 22},
                        {"Xã", 380, 398, 30, 26},
                        {"tường", 315, 436, 60, 22},
                        {"trụ", 380, 436, 40, 22},
                        {"Xóm", 430, 434, 45, 26}});
  EXPECT_FALSE(LabelMap(no_colon, specs).LabelOf("ho_khau_thuong_tru"));
}

TEST(DocLabels, ALabelsFirstWordsWithTheRestGarbledAreItsLabel) {
  // "Nơi thường trú:" read "Nơi thườne óc": the rest in lower case, then the value's capital.
  auto segs = Page({{"Nơi", 270, 436, 40, 22},
                    {"thườne", 315, 436, 70, 22},
                    {"óc", 390, 436, 25, 22},
                    {"Ấp", 425, 434, 30, 26},
                    {"18", 460, 434, 25, 26}});
  const auto specs = OriginAndResidence();
  LabelMap labels(segs, specs);
  auto m = labels.LabelOf("ho_khau_thuong_tru");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->end_tok, 3);  // the value starts at "Ấp"
  // First words that another field's label also starts with say nothing.
  std::vector<FieldSpec> dates = {{"ngay_sinh", FieldKind::kDate, {"NGAY THANG NAM SINH"}},
                                  {"ngay_cap", FieldKind::kDate, {"NGAY THANG NAM CAP"}}};
  auto both =
      Page({{"Ngày,", 270, 436, 50, 22}, {"tháng,", 325, 436, 60, 22}, {"năm", 390, 436, 40, 22}});
  LabelMap date_labels(both, dates);
  EXPECT_FALSE(date_labels.LabelOf("ngay_sinh"));
  EXPECT_FALSE(date_labels.LabelOf("ngay_cap"));
}

TEST(DocLabels, AShortFirstWordIsTheLabelOnlyWhenTheRestClosesItAtAColon) {
  const std::vector<FieldSpec> specs = {{"gioi_tinh", FieldKind::kSex, {"GIOI TINH"}},
                                        {"quoc_tich", FieldKind::kNationality, {"QUOC TICH"}}};
  // "Giới tính: Nam" read "Giới nh: Nam": the first word, then one garbled word at its colon.
  auto garbled =
      Page({{"Giới", 353, 497, 50, 27}, {"nh:", 408, 497, 40, 27}, {"Nam", 455, 497, 50, 27}});
  LabelMap labels(garbled, specs);
  auto m = labels.LabelOf("gioi_tinh");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->end_tok, 2);  // the value starts at "Nam"
  // Without the colon closing the label at its word count, a short first word says nothing.
  auto no_colon =
      Page({{"Giới", 353, 497, 50, 27}, {"nh", 408, 497, 30, 27}, {"Nam", 445, 497, 50, 27}});
  EXPECT_FALSE(LabelMap(no_colon, specs).LabelOf("gioi_tinh"));
  auto late_colon = Page({{"Giới", 353, 497, 50, 27},
                          {"xa", 408, 497, 20, 27},
                          {"yb:", 433, 497, 40, 27},
                          {"Nam", 480, 497, 50, 27}});
  EXPECT_FALSE(LabelMap(late_colon, specs).LabelOf("gioi_tinh"));
}

TEST(DocLabels, AShortLabelInsideALineMustBeExact) {
  FieldSpec origin{"nguyen_quan", FieldKind::kAddress, {"QUE QUAN"}, nullptr, 2};
  std::vector<FieldSpec> specs = {origin};
  auto segs = Page({{"Phường", 270, 500, 80, 22},
                    {"Tân", 355, 500, 40, 22},
                    {"Quý,", 400, 500, 45, 22},
                    {"Quận", 450, 500, 50, 22}});
  LabelMap labels(segs, specs);
  EXPECT_FALSE(labels.LabelOf("nguyen_quan"));
}

TEST(DocLabels, AShortLabelBelowALaterFieldsLabelIsAnotherLinesFirstWord) {
  // "Số:" above the number went unread; "Số 12 Lê Lợi" starts the residence, below "Họ tên".
  auto segs = Page({{"145669907", 270, 240, 150, 24},
                    {"Họ", 270, 290, 30, 22},
                    {"tên:", 305, 290, 45, 22},
                    {"TẠ", 360, 290, 40, 22},
                    {"Số", 270, 600, 30, 22},
                    {"12", 305, 600, 30, 22},
                    {"Lê", 340, 600, 30, 22},
                    {"Lợi", 375, 600, 40, 22}});
  std::vector<FieldSpec> specs = {{"id", FieldKind::kId, {"SO"}},
                                  {"ho_ten", FieldKind::kName, {"HO TEN"}}};
  specs[0].at_start = true;
  LabelMap labels(segs, specs);
  EXPECT_FALSE(labels.LabelOf("id"));
  EXPECT_TRUE(labels.LabelOf("ho_ten"));
  // Where it belongs, above the next field's label, it is the label.
  auto ok = Page({{"Số:", 270, 240, 30, 22},
                  {"145669907", 305, 240, 150, 24},
                  {"Họ", 270, 290, 30, 22},
                  {"tên:", 305, 290, 45, 22}});
  EXPECT_TRUE(LabelMap(ok, specs).LabelOf("id"));
  // A later field's label in another column (an expiry under the portrait) does not count.
  std::vector<FieldSpec> two = {{"nguyen_quan", FieldKind::kAddress, {"QUE QUAN"}},
                                {"ngay_het_han", FieldKind::kDate, {"CO GIA TRI DEN"}}};
  auto columns = Page({{"Có", 60, 620, 30, 22},
                       {"giá", 95, 620, 40, 22},
                       {"trị", 140, 620, 30, 22},
                       {"đến:", 175, 620, 45, 22},
                       {"Quê", 354, 680, 45, 22},
                       {"quán:", 404, 680, 60, 22}});
  EXPECT_TRUE(LabelMap(columns, two).LabelOf("nguyen_quan"));
}

}  // namespace
}  // namespace ekyc::doc
