#include "doc/extract.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "doc/testing/word_fixtures.h"

namespace ekyc::doc {
namespace {

using testing::OriginAndResidence;
using testing::Page;

TEST(DocExtract, ValueAfterTheLabelOnItsLine) {
  auto segs = Page(
      {{"Ngày", 270, 300, 50, 22}, {"sinh:", 325, 300, 50, 22}, {"01/02/1990", 385, 298, 120, 26}});
  std::vector<FieldSpec> specs = {{"ngay_sinh", FieldKind::kDate, {"NGAY SINH"}}};
  LabelMap labels(segs, specs);
  Extracted e = ValueExtractor(segs, labels).Value(specs[0]);
  EXPECT_EQ(e.text, "01/02/1990");
  ASSERT_EQ(e.spans.size(), 1u);
  EXPECT_EQ(e.spans[0].from_word, 2);
}

// "Họ, chữ đệm và tên khai sinh" (its last word `last`, with or without a colon) at x 270..550,
// followed on its line by `rest`.
std::vector<testing::W> NameLabelThen(const char* last, std::vector<testing::W> rest) {
  std::vector<testing::W> ws = {{"Họ,", 270, 300, 30, 22}, {"chữ", 305, 300, 40, 22},
                                {"đệm", 350, 300, 40, 22}, {"và", 395, 300, 25, 22},
                                {"tên", 425, 300, 35, 22}, {"khai", 465, 300, 40, 22},
                                {last, 510, 300, 45, 22}};
  ws.insert(ws.end(), rest.begin(), rest.end());
  return ws;
}

// A bilingual label matched only on its Vietnamese part: its English part, garbled, is not the
// start of the value, so the re-read span begins at the name.
TEST(DocExtract, TheEnglishPartOfTheLabelIsNotTheValue) {
  auto segs = Page(NameLabelThen("sinh", {{"/Ful", 560, 300, 40, 22},
                                          {"name:", 605, 300, 55, 22},
                                          {"HOÀÀNG", 670, 298, 90, 26},
                                          {"NGỌC", 765, 298, 70, 26},
                                          {"AN", 840, 298, 40, 26}}));
  std::vector<FieldSpec> specs = {
      {"ho_ten", FieldKind::kName, {"HO CHU DEM VA TEN KHAI SINH"}, "FULL NAME"}};
  LabelMap labels(segs, specs);
  Extracted e = ValueExtractor(segs, labels).Value(specs[0]);
  EXPECT_EQ(e.text, "HOÀÀNG NGỌC AN");
  ASSERT_EQ(e.spans.size(), 1u);
  EXPECT_EQ(e.spans[0].from_word, 9);
  // A name is never taken for the English label, even a short one after a clean label.
  auto plain = Page(NameLabelThen("sinh:", {{"LÊ", 565, 298, 40, 26}, {"NAM", 610, 298, 60, 26}}));
  LabelMap plain_labels(plain, specs);
  EXPECT_EQ(ValueExtractor(plain, plain_labels).Value(specs[0]).text, "LÊ NAM");
  // Only the English part, split in two words, after the label: the value is on the next line.
  auto split = Page({{"Quốc", 270, 300, 50, 22},
                     {"tịch", 325, 300, 40, 22},
                     {"/Nationalit", 370, 300, 110, 22},
                     {"y", 482, 300, 10, 22},
                     {"VIỆT", 270, 332, 60, 26},
                     {"NAM", 335, 332, 50, 26}});
  std::vector<FieldSpec> nat = {
      {"quoc_tich", FieldKind::kNationality, {"QUOC TICH"}, "NATIONALITY"}};
  LabelMap split_labels(split, nat);
  EXPECT_EQ(ValueExtractor(split, split_labels).Value(nat[0]).text, "VIỆT NAM");
}

// A value printed in capitals (names, a passport's texts): the label's English part in lower
// case, too garbled to match, is not the value, on the label's line or under it.
TEST(DocExtract, LowerCaseWordsAreNotAValuePrintedInCapitals) {
  FieldSpec name{"ho_ten", FieldKind::kName, {"HO CHU DEM VA TEN KHAI SINH"}, "FULL NAME"};
  name.capitals = true;
  std::vector<FieldSpec> specs = {name};
  auto same_line = Page(NameLabelThen("sinh", {{"rui", 560, 300, 30, 22},
                                               {"nane-", 595, 300, 55, 22},
                                               {"NGÔ", 660, 298, 50, 26},
                                               {"MINH", 715, 298, 60, 26}}));
  LabelMap l1(same_line, specs);
  EXPECT_EQ(ValueExtractor(same_line, l1).Value(specs[0]).text, "NGÔ MINH");
  auto below = Page(NameLabelThen("sinh:", {{"all", 270, 330, 30, 20},
                                            {"ngược", 305, 330, 60, 20},
                                            {"PHẠM", 270, 362, 70, 28},
                                            {"CHÂU", 345, 362, 70, 28}}));
  specs[0].below = true;
  LabelMap l2(below, specs);
  EXPECT_EQ(ValueExtractor(below, l2).Value(specs[0]).text, "PHẠM CHÂU");
  // Without the layout's word that the value is in capitals, the lower-case line is taken.
  specs[0].capitals = false;
  LabelMap l3(below, specs);
  EXPECT_EQ(ValueExtractor(below, l3).Value(specs[0]).text, "all ngược");
  // A passport's place of birth: only the English part after the label, the value under it.
  FieldSpec place{
      "noi_sinh", FieldKind::kText, {"NOI SINH PLACE OF BIRTH", "NOI SINH"}, "PLACE OF BIRTH"};
  place.capitals = true;
  std::vector<FieldSpec> pspecs = {place};
  auto passport = Page({{"Nơi", 270, 300, 30, 16},
                        {"sinh/Place", 305, 300, 80, 16},
                        {"cế", 390, 300, 20, 16},
                        {"bưrth", 415, 300, 45, 16},
                        {"NINH", 270, 322, 60, 26},
                        {"THUẬN", 335, 322, 80, 26}});
  LabelMap l4(passport, pspecs);
  EXPECT_EQ(ValueExtractor(passport, l4).Value(pspecs[0]).text, "NINH THUẬN");
  // The value on the label's line after its garbled English part: more letters in lower case
  // than in capitals, but a word in capitals, so the value is there.
  auto inline_value = Page({{"Nơi", 270, 300, 30, 16},
                            {"sinh", 305, 300, 35, 16},
                            {"/", 345, 300, 8, 16},
                            {"Piace", 358, 300, 45, 16},
                            {"of", 408, 300, 15, 16},
                            {"binh:", 428, 300, 40, 16},
                            {"HẢI", 475, 298, 40, 22},
                            {"PHÒNG", 520, 298, 70, 22}});
  LabelMap l5(inline_value, pspecs);
  EXPECT_EQ(ValueExtractor(inline_value, l5).Value(pspecs[0]).text, "HẢI PHÒNG");
}

TEST(DocExtract, ValueBelowItsLabel) {
  auto segs = Page({{"Họ", 270, 300, 30, 22},
                    {"và", 305, 300, 30, 22},
                    {"tên:", 340, 300, 45, 22},
                    {"NGUYỄN", 270, 334, 110, 30},
                    {"VĂN", 390, 334, 60, 30},
                    {"AN", 460, 334, 40, 30},
                    {"Ngày", 270, 376, 50, 22},
                    {"sinh:", 325, 376, 50, 22},
                    {"01/02/1990", 385, 374, 120, 26}});
  FieldSpec name{"ho_ten", FieldKind::kName, {"HO VA TEN"}};
  name.below = true;
  std::vector<FieldSpec> specs = {name, {"ngay_sinh", FieldKind::kDate, {"NGAY SINH"}}};
  LabelMap labels(segs, specs);
  ValueExtractor ex(segs, labels);
  EXPECT_EQ(ex.Value(specs[0]).text, "NGUYỄN VĂN AN");
  EXPECT_EQ(ex.Value(specs[1]).text, "01/02/1990");
}

// A place the table puts under its label printed beside it, in larger type (a line group of its
// own, starting higher than the label): taken when it is shaped like the value (capitals); a
// garbled neighbouring label in lower case is not.
TEST(DocExtract, AValueBesideItsLabelWhereTheTableSaysBelow) {
  FieldSpec place{"noi_sinh", FieldKind::kText, {"NOI SINH PLACE OF BIRTH", "NOI SINH"}};
  place.below = true;
  std::vector<FieldSpec> specs = {place, {"gioi_tinh", FieldKind::kSex, {"GIOI TINH"}}};
  auto segs = Page({{"HÀ", 632, 473, 50, 30},
                    {"TĨNH", 690, 473, 80, 30},
                    {"Nơi", 370, 486, 40, 18},
                    {"sinh", 415, 486, 45, 18},
                    {"/", 465, 486, 8, 18},
                    {"Place", 478, 486, 50, 18},
                    {"of", 532, 486, 20, 18},
                    {"birth:", 556, 486, 58, 18},
                    {"Giới", 369, 529, 45, 25},
                    {"tính:", 420, 529, 50, 25},
                    {"NAM", 480, 529, 50, 25}});
  LabelMap labels(segs, specs);
  EXPECT_EQ(ValueExtractor(segs, labels).Value(specs[0]).text, "HÀ TĨNH");
  segs = Page({{"Nơi", 370, 486, 40, 18},
               {"sinh", 415, 486, 45, 18},
               {"/", 465, 486, 8, 18},
               {"Place", 478, 486, 50, 18},
               {"of", 532, 486, 20, 18},
               {"birth:", 556, 486, 58, 18},
               {"Ngàv", 680, 486, 50, 18},
               {"cấp", 735, 486, 40, 18},
               {"Giới", 369, 529, 45, 25},
               {"tính:", 420, 529, 50, 25},
               {"NAM", 480, 529, 50, 25}});
  LabelMap labels2(segs, specs);
  EXPECT_EQ(ValueExtractor(segs, labels2).Value(specs[0]).text, "");
}

// A bilingual label matched by its Vietnamese part, its English part ("Place of bính:") left as the
// rest of its segment: the value beside it is measured from the end of that English part.
TEST(DocExtract, AValueBesideAGarbledEnglishLabelPart) {
  const std::vector<FieldSpec>& specs = LayoutOf(DocType::kPassport, Side::kFront).fields;
  auto segs = Page({{"HÀ", 632, 473, 50, 30},
                    {"TĨNH", 690, 473, 80, 30},
                    {"Nơi", 370, 486, 37, 18},
                    {"sinh", 414, 487, 40, 17},
                    {"/", 465, 490, 3, 5},
                    {"Place", 476, 486, 52, 18},
                    {"of", 535, 487, 20, 17},
                    {"bính:", 563, 487, 51, 17},
                    {"Giới", 369, 536, 44, 18},
                    {"tính", 421, 536, 37, 18},
                    {"/Sex:", 463, 536, 50, 18},
                    {"NAM/M", 520, 536, 70, 18}});
  LabelMap labels(segs, specs);
  const FieldSpec* place = nullptr;
  for (const FieldSpec& f : specs)
    if (std::string(f.field) == "noi_sinh") place = &f;
  ASSERT_NE(place, nullptr);
  const Extracted e = ValueExtractor(segs, labels).Value(*place);
  EXPECT_EQ(e.text, "HÀ TĨNH") << e.label_text;
}

// A tone mark read apart from the name's line lands on the label's line: far lower than the
// label, it is not a value beside it; the name is the line below.
TEST(DocExtract, AFragmentBesideTheLabelIsNotTheValue) {
  auto segs = Page({{"Họ", 354, 363, 40, 43},
                    {"tên:", 398, 363, 44, 43},
                    {"Ệ", 647, 395, 9, 6},
                    {"BÙI", 355, 403, 80, 28},
                    {"THANH", 445, 403, 130, 28},
                    {"CƯỜNG", 585, 403, 140, 28}});
  std::vector<FieldSpec> specs = {{"ho_ten", FieldKind::kName, {"HO TEN"}}};
  LabelMap labels(segs, specs);
  EXPECT_EQ(ValueExtractor(segs, labels).Value(specs[0]).text, "BÙI THANH CƯỜNG");
}

// A name printed far right on its label's line, its first words lost by the page pass: the words
// read are the value, and its line reaches back to the label for the re-read.
TEST(DocExtract, ANameReadInPartFarRightOfItsLabel) {
  auto segs = Page({{"Họ", 355, 309, 30, 27},
                    {"và", 390, 309, 30, 27},
                    {"tên", 425, 309, 40, 27},
                    {"khai", 470, 309, 50, 27},
                    {"sinh:", 525, 309, 79, 27},
                    {"TRANG", 846, 304, 137, 30},
                    {"Họ", 355, 359, 30, 29},
                    {"và", 390, 359, 30, 29},
                    {"tên", 425, 359, 40, 29},
                    {"gọi", 470, 359, 40, 29},
                    {"khác:", 515, 359, 77, 29}});
  FieldSpec name_spec{"ho_ten", FieldKind::kName, {"HO VA TEN KHAI SINH"}};
  name_spec.capitals = true;
  std::vector<FieldSpec> specs = {name_spec,
                                  {"ten_khac", FieldKind::kText, {"HO VA TEN GOI KHAC"}}};
  LabelMap labels(segs, specs);
  Extracted e = ValueExtractor(segs, labels).Value(specs[0]);
  EXPECT_EQ(e.text, "TRANG");
  EXPECT_GT(e.line_from_x, 604);
  EXPECT_LT(e.line_from_x, 846);
  // A line without a word in capitals under the label (another field's date) is not the name.
  auto dated = Page({{"Họ", 355, 309, 30, 27},
                     {"và", 390, 309, 30, 27},
                     {"tên", 425, 309, 40, 27},
                     {"khai", 470, 309, 50, 27},
                     {"sinh:", 525, 309, 79, 27},
                     {"TRANG", 846, 304, 137, 30},
                     {"11/01/1990", 355, 346, 173, 31}});
  LabelMap dated_labels(dated, specs);
  EXPECT_EQ(ValueExtractor(dated, dated_labels).Value(specs[0]).text, "TRANG");
  // A value found the usual way reaches no further left.
  auto after = Page({{"Họ", 355, 309, 30, 27},
                     {"tên:", 390, 309, 45, 27},
                     {"LÊ", 445, 305, 40, 30},
                     {"AN", 490, 305, 40, 30}});
  std::vector<FieldSpec> name = {{"ho_ten", FieldKind::kName, {"HO TEN"}}};
  LabelMap after_labels(after, name);
  Extracted usual = ValueExtractor(after, after_labels).Value(name[0]);
  EXPECT_EQ(usual.text, "LÊ AN");
  EXPECT_EQ(usual.line_from_x, -1);
}

// A nationality label garbled past matching ("Quốc §ch"): the one line that is a nationality and
// nothing else, never the national title or an address starting "Việt Yên".
TEST(DocExtract, TheOnlyNationalityOnThePage) {
  auto segs = Page({{"CỘNG", 500, 40, 90, 30},
                    {"HÒA", 595, 40, 70, 30},
                    {"VIỆT", 670, 40, 70, 30},
                    {"NAM", 745, 40, 70, 30},
                    {"Quốc", 782, 695, 60, 26},
                    {"§ch", 846, 695, 52, 26},
                    {"Việt", 788, 730, 50, 30},
                    {"Nam", 842, 730, 50, 30},
                    {"Việt", 380, 800, 50, 30},
                    {"Yên,", 434, 800, 55, 30},
                    {"Tỉnh", 494, 800, 50, 30},
                    {"Bắc", 548, 800, 45, 30},
                    {"Giang", 598, 800, 70, 30}});
  std::vector<FieldSpec> specs = {{"quoc_tich", FieldKind::kNationality, {"QUOC TICH"}}};
  LabelMap labels(segs, specs);
  ValueExtractor ex(segs, labels);
  EXPECT_TRUE(ex.Value(specs[0]).spans.empty());
  EXPECT_EQ(ex.OnlyNationality().text, "Việt Nam");
  // Two such lines: none.
  auto two = Page({{"Việt", 788, 730, 50, 30},
                   {"Nam", 842, 730, 50, 30},
                   {"VIỆT", 380, 900, 60, 30},
                   {"NAM", 444, 900, 60, 30}});
  LabelMap two_labels(two, specs);
  EXPECT_TRUE(ValueExtractor(two, two_labels).OnlyNationality().spans.empty());
}

// A passport's place of birth under a label garbled past matching: the one line that is one of
// the given names (provinces), accents, case and hyphens aside; a name line is not.
TEST(DocExtract, TheOnlyLineAmongNames) {
  const std::vector<std::string> provinces = {"Khánh Hòa", "Bà Rịa - Vũng Tàu", "Hà Nội"};
  auto segs = Page({{"HOÀNG", 376, 349, 110, 41},
                    {"THỊNH", 490, 349, 100, 41},
                    {"Nơi", 866, 465, 40, 15},
                    {"InI/1/4", 910, 465, 60, 15},
                    {"KHÁNH", 867, 490, 100, 32},
                    {"HÒA", 971, 490, 80, 32}});
  std::vector<FieldSpec> specs = {{"noi_sinh", FieldKind::kText, {"NOI SINH PLACE OF BIRTH"}}};
  LabelMap labels(segs, specs);
  ValueExtractor ex(segs, labels);
  EXPECT_EQ(ex.OnlyLineAmong(provinces).text, "KHÁNH HÒA");
  auto hyphen = Page({{"BÀ", 867, 490, 40, 32},
                      {"RỊA", 911, 490, 60, 32},
                      {"VŨNG", 975, 490, 70, 32},
                      {"TÀU", 1049, 490, 60, 32}});
  LabelMap hyphen_labels(hyphen, specs);
  EXPECT_EQ(ValueExtractor(hyphen, hyphen_labels).OnlyLineAmong(provinces).text, "BÀ RỊA VŨNG TÀU");
  // Two such lines: none.
  auto two = Page({{"HÀ", 376, 349, 50, 41},
                   {"NỘI", 430, 349, 60, 41},
                   {"KHÁNH", 867, 490, 100, 32},
                   {"HÒA", 971, 490, 80, 32}});
  LabelMap two_labels(two, specs);
  EXPECT_TRUE(ValueExtractor(two, two_labels).OnlyLineAmong(provinces).spans.empty());
}

TEST(DocExtract, AClosedVocabularyValueUnderAGarbledSubLabel) {
  FieldSpec sex{"gioi_tinh", FieldKind::kSex, {"GIOI TINH"}};
  sex.english = "SEX";
  std::vector<FieldSpec> specs = {sex};
  // The English sub-label "Sex" read "Kói", then the value's line.
  auto with_value = [](const char* value) {
    return Page({{"Giới", 366, 727, 45, 17},
                 {"tính:", 415, 727, 45, 17},
                 {"Kói", 367, 758, 28, 15},
                 {value, 368, 790, 50, 26}});
  };
  // "Kói" is not a sex, so the line under it is the value.
  auto segs = with_value("Nữ");
  LabelMap labels(segs, specs);
  EXPECT_EQ(ValueExtractor(segs, labels).Value(specs[0]).text, "Nữ");
  // No line under the label is a sex: the first is taken, as for any value.
  auto none = with_value("Mừ");
  LabelMap none_labels(none, specs);
  EXPECT_EQ(ValueExtractor(none, none_labels).Value(specs[0]).text, "Kói");
  // Nationality: the sub-label garbled before the value.
  FieldSpec nat{"quoc_tich", FieldKind::kNationality, {"QUOC TICH"}};
  nat.english = "NATIONALITY";
  std::vector<FieldSpec> nat_specs = {nat};
  auto nsegs = Page({{"Quốc", 783, 689, 50, 24},
                     {"tịch", 838, 689, 45, 24},
                     {"Naweme(fv", 786, 720, 100, 16},
                     {"Việt", 784, 756, 60, 33},
                     {"Nam", 850, 756, 60, 33}});
  LabelMap nat_labels(nsegs, nat_specs);
  EXPECT_EQ(ValueExtractor(nsegs, nat_labels).Value(nat_specs[0]).text, "Việt Nam");
}

TEST(DocExtract, AWrappedValuesWordsAfterItsSubLabelOnOneSegment) {
  FieldSpec marks{"di_hinh", FieldKind::kText, {"DAC DIEM NHAN DANG"}, "PERSONAL IDENTIFICATION"};
  marks.max_lines = 3;
  marks.below = true;
  std::vector<FieldSpec> specs = {marks};
  // The value wraps under its label; the English sub-label is read on the next line.
  std::vector<testing::W> words = {
      {"Đặc", 48, 48, 40, 30},       {"điểm", 93, 48, 55, 30},
      {"nhân", 153, 48, 50, 30},     {"dạng:", 208, 48, 60, 30},
      {"Sẹo", 280, 48, 45, 30},      {"chấm", 330, 48, 60, 30},
      {"Personal", 48, 96, 100, 28}, {"identjfication", 153, 96, 160, 28}};
  // The sub-label alone on its line is passed over.
  auto alone = Page(words);
  LabelMap alone_labels(alone, specs);
  EXPECT_EQ(ValueExtractor(alone, alone_labels).Value(specs[0]).text, "Sẹo chấm");
  // The value's last word read into the sub-label's segment, after it: the value's next line.
  words.push_back({"phải", 320, 96, 46, 28});
  auto segs = Page(words);
  LabelMap labels(segs, specs);
  EXPECT_EQ(ValueExtractor(segs, labels).Value(specs[0]).text, "Sẹo chấm phải");
}

TEST(DocExtract, AWrappedAddressStopsAtTheNextLabel) {
  auto segs = Page({{"Quê", 270, 400, 40, 22},
                    {"quán:", 315, 400, 55, 22},
                    {"Xã", 380, 398, 30, 26},
                    {"Tịnh", 415, 398, 50, 26},
                    {"Kỳ,", 470, 398, 40, 26},
                    {"Tỉnh", 270, 434, 50, 26},
                    {"Quảng", 325, 434, 70, 26},
                    {"Ngãi", 400, 434, 55, 26},
                    {"Nơi", 270, 470, 40, 22},
                    {"thường", 315, 470, 70, 22},
                    {"trú:", 390, 470, 40, 22},
                    {"Thôn", 440, 468, 55, 26},
                    {"3", 500, 468, 15, 26}});
  const std::vector<FieldSpec> specs = OriginAndResidence();
  LabelMap labels(segs, specs);
  ValueExtractor ex(segs, labels);
  EXPECT_EQ(ex.Value(specs[0]).text, "Xã Tịnh Kỳ, Tỉnh Quảng Ngãi");
  EXPECT_EQ(ex.Value(specs[1]).text, "Thôn 3");
}

TEST(DocExtract, AWrappedAddressStopsAtALineBesideTheNextLabel) {
  // The next value, in larger type, sits a little above its label: it is not this value's second
  // line.
  auto segs = Page({{"Xã", 380, 395, 30, 30},
                    {"Tịnh", 415, 395, 50, 30},
                    {"Quê", 270, 402, 40, 22},
                    {"quán:", 315, 402, 55, 22},
                    {"Khu", 380, 440, 45, 30},
                    {"phố", 430, 440, 45, 30},
                    {"7", 480, 440, 15, 30},
                    {"Nơi", 270, 450, 40, 22},
                    {"thường", 315, 450, 60, 22},
                    {"trú:", 380, 450, 40, 22}});
  const std::vector<FieldSpec> specs = OriginAndResidence();
  LabelMap labels(segs, specs);
  ASSERT_TRUE(labels.LabelOf("ho_khau_thuong_tru"));
  EXPECT_EQ(ValueExtractor(segs, labels).Value(specs[0]).text, "Xã Tịnh");
}

TEST(DocExtract, SmallPrintAfterAValueIsNotItsNextLine) {
  // The English sub-label printed under the value, half its size.
  auto segs = Page({{"Nơi", 270, 360, 40, 20},
                    {"sinh", 315, 360, 45, 20},
                    {"Thị", 270, 390, 40, 34},
                    {"trấn", 315, 390, 50, 34},
                    {"Sông", 370, 390, 55, 34},
                    {"Vệ", 430, 390, 35, 34},
                    {"Place", 270, 432, 45, 14},
                    {"of", 320, 432, 15, 14},
                    {"birth", 340, 432, 40, 14},
                    {"Huyện", 270, 454, 65, 34},
                    {"Tư", 340, 454, 30, 34}});
  FieldSpec birth{"noi_dang_ky_khai_sinh", FieldKind::kAddress, {"NOI SINH"}, nullptr, 2};
  birth.below = true;
  std::vector<FieldSpec> specs = {birth};
  LabelMap labels(segs, specs);
  EXPECT_EQ(ValueExtractor(segs, labels).Value(specs[0]).text, "Thị trấn Sông Vệ Huyện Tư");
}

TEST(DocExtract, AnAddressStartsWithACapitalOrADigit) {
  // "Nơi ĐKHK thường" / "trú:" glued to the value beside it, in larger type.
  auto segs = Page({{"Nơi", 270, 452, 40, 22},
                    {"ĐKHK", 315, 452, 55, 22},
                    {"thường", 375, 452, 60, 22},
                    {"trú:", 445, 440, 40, 40},
                    {"Số", 490, 440, 30, 40},
                    {"54", 525, 440, 30, 40}});
  std::vector<FieldSpec> specs = {
      {"ho_khau_thuong_tru", FieldKind::kAddress, {"NOI DKHK THUONG TRU", "NOI DKHK"}, nullptr, 2}};
  LabelMap labels(segs, specs);
  ASSERT_TRUE(labels.LabelOf("ho_khau_thuong_tru"));
  EXPECT_EQ(ValueExtractor(segs, labels).Value(specs[0]).text, "Số 54");
}

TEST(DocExtract, TheOnlyDateInAColumn) {
  // The expiry's label garbled ("có gá vị đến"), its date under the portrait.
  auto segs = Page({{"có", 40, 630, 25, 22},
                    {"gá", 70, 630, 25, 22},
                    {"vị", 100, 630, 20, 22},
                    {"đến", 125, 630, 35, 22},
                    {"30/11/2027", 165, 628, 110, 24},
                    {"21/02/1962", 350, 440, 120, 26}});
  std::vector<FieldSpec> specs = {{"ngay_het_han", FieldKind::kDate, {"CO GIA TRI DEN"}}};
  LabelMap labels(segs, specs);
  ValueExtractor ex(segs, labels);
  EXPECT_TRUE(ex.Value(specs[0]).spans.empty());
  const Extracted e = ex.OnlyDateIn(cv::Rect(20, 300, 300, 500));
  EXPECT_EQ(e.text, "30/11/2027");
  // Two dates in the column: neither is taken.
  EXPECT_TRUE(ex.OnlyDateIn(cv::Rect(20, 300, 500, 500)).text.empty());
}

TEST(DocExtract, WordsLeftOfTheColumnAreNotPartOfAValueLine) {
  // A mark read on the portrait glued to the value's last line.
  auto segs = Page({{"Quê", 270, 400, 40, 22},
                    {"quán:", 315, 400, 55, 22},
                    {"Xã", 380, 398, 30, 26},
                    {"Tịnh", 415, 398, 50, 26},
                    {"Kỳ,", 470, 398, 40, 26},
                    {"à.", 230, 434, 25, 26},
                    {"Ngãi", 270, 434, 55, 26}});
  std::vector<FieldSpec> specs = {{"nguyen_quan", FieldKind::kAddress, {"QUE QUAN"}, nullptr, 2}};
  LabelMap labels(segs, specs);
  EXPECT_EQ(ValueExtractor(segs, labels).Value(specs[0]).text, "Xã Tịnh Kỳ, Ngãi");
}

TEST(DocExtract, FixedTextsOfBacks) {
  auto segs = Page({{"Ngày", 300, 300, 50, 22},
                    {"12", 355, 300, 25, 22},
                    {"tháng", 385, 300, 60, 22},
                    {"03", 450, 300, 25, 22},
                    {"năm", 480, 300, 45, 22},
                    {"2010", 530, 300, 50, 22},
                    {"GIÁM", 450, 340, 60, 22},
                    {"ĐỐC", 515, 340, 50, 22},
                    {"CA", 570, 340, 30, 22},
                    {"HÀ", 605, 340, 30, 22},
                    {"NỘI", 640, 340, 45, 22}});
  EXPECT_EQ(FindVietnameseIssueDate(segs), "12/03/2010");
}

TEST(DocExtract, IssueDateInWordsAndItsLine) {
  EXPECT_EQ(ParseVietnameseIssueDate("Ngày 24 tháng 08 năm 2013"), "24/08/2013");
  EXPECT_EQ(ParseVietnameseIssueDate("Ngày 25 tháng 01 nã 2019"), "25/01/2019");  // mark lost
  EXPECT_EQ(ParseVietnameseIssueDate("Ngày 01 tháng 07 năm 201 1"), "01/07/2011");
  EXPECT_EQ(ParseVietnameseIssueDate(": 24 tháng 09 năm 2014"), "24/09/2014");  // "Ngày" lost
  EXPECT_EQ(ParseVietnameseIssueDate("Ngày 28 tháng 10 năm 201"), "");          // year cut
  EXPECT_EQ(ParseVietnameseIssueDate("Ngày sinh: 01/02/1990"), "");
  // A slanted line falls apart: its parts, left to right, each a little higher than the last.
  auto segs = Page({{"Dấu", 30, 300, 60, 30},
                    {"năm", 600, 352, 60, 30},
                    {"2007", 665, 352, 60, 30},
                    {"03", 450, 368, 40, 30},
                    {"tháng", 495, 368, 80, 30},
                    {"Ngày", 388, 384, 57, 30},
                    {"GIÁM", 400, 430, 80, 30}});
  TextLine line = IssueDateLine(segs);
  EXPECT_EQ(line.text, "Ngày 03 tháng năm 2007");
  EXPECT_GE(line.parts.size(), 2u);
  EXPECT_TRUE(
      IssueDateLine(Page({{"Ngày", 30, 300, 60, 30}, {"sinh:", 95, 300, 60, 30}})).box.empty());
}

TEST(DocExtract, WholeIssueDateLineTowardsTheMissingWords) {
  const cv::Size card(1400, 880);
  auto line_of = [](const std::string& text, cv::Rect box) { return TextLine{box, text, {box}}; };
  // "Ngày 27 thá": the rest is to the right.
  EXPECT_EQ(WholeIssueDateLine(line_of("Ngày 27 thá", {354, 332, 123, 29}), 16, card),
            cv::Rect(354, 332, 464, 29));
  // "năm 2015": to the left.
  EXPECT_EQ(WholeIssueDateLine(line_of("năm 2015", {583, 331, 118, 19}), 16, card),
            cv::Rect(397, 331, 304, 19));
  // The middle: both sides, clipped to the card.
  EXPECT_EQ(WholeIssueDateLine(line_of("tháng 07", {20, 300, 100, 20}), 16, card),
            cv::Rect(0, 300, 230, 20));
  // Already a whole line's width, or no line.
  EXPECT_TRUE(
      WholeIssueDateLine(line_of("Ngày 27 tháng 07 năm 2014", {354, 332, 480, 29}), 16, card)
          .empty());
  EXPECT_TRUE(WholeIssueDateLine(TextLine{}, 16, card).empty());
}

TEST(DocExtract, SpelledFindsAMachineNameWhereverThePagePassPutIt) {
  auto segs = Page({{"Số", 600, 100, 30, 16},
                    {"hộ", 635, 100, 30, 16},
                    {"chiếu", 670, 100, 60, 16},
                    {"QUÁCH", 270, 200, 110, 30},
                    {"Given", 270, 250, 60, 16},
                    {"XUÂN", 340, 250, 80, 30},
                    {"PHÚC", 430, 250, 80, 30}});
  std::vector<FieldSpec> specs = {{"id", FieldKind::kId, {"SO HO CHIEU"}}};
  LabelMap labels(segs, specs);
  ValueExtractor x(segs, labels);
  // A whole segment, up to the misread letters allowed.
  Extracted surname = x.Spelled("QUACH", 1);
  EXPECT_EQ(surname.text, "QUÁCH");
  EXPECT_EQ(x.Spelled("QUACK", 1).text, "QUÁCH");
  EXPECT_TRUE(x.Spelled("QUOCK", 1).spans.empty());
  // Exact words inside a segment (a sub-label read beside them).
  Extracted given = x.Spelled("XUAN PHUC", 1);
  EXPECT_EQ(given.text, "XUÂN PHÚC");
  ASSERT_EQ(given.spans.size(), 1u);
  EXPECT_EQ(given.spans[0].from_word, 1);
  // A label's words are never a name ("Số hộ chiếu" holds "HỘ").
  EXPECT_TRUE(x.Spelled("HO", 0).spans.empty());
  // A name whose words were read as segments of their own on one text line: joined.
  std::vector<Segment> apart = Page({{"VĂN", 702, 324, 67, 28}});
  for (const Segment& sg : Page({{"TÙNG", 781, 330, 93, 22}})) apart.push_back(sg);
  LabelMap apart_labels(apart, specs);
  Extracted joined = ValueExtractor(apart, apart_labels).Spelled("VAN TUNG", 1);
  EXPECT_EQ(joined.text, "VĂN TÙNG");
  EXPECT_EQ(joined.spans.size(), 2u);
  EXPECT_TRUE(ValueExtractor(apart, apart_labels).Spelled("VAN TRUNG HIEU", 1).spans.empty());
}

}  // namespace
}  // namespace ekyc::doc
