#include "doc/words.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "doc/testing/word_fixtures.h"

namespace ekyc::doc {
namespace {

using testing::Page;

TEST(DocWords, WordsOfOneLineFormOneSegmentInReadingOrder) {
  auto segs =
      Page({{"Nguyễn", 360, 300, 90, 28}, {"Họ", 270, 302, 30, 24}, {"tên:", 305, 302, 40, 24}});
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(WordsText(segs[0], 0, 3), "Họ tên: Nguyễn");
  EXPECT_EQ(segs[0].key, "HO TEN NGUYEN");
}

TEST(DocWords, AWideGapSplitsALineIntoSegments) {
  // The portrait column's mark and the field column share a text line.
  auto segs = Page(
      {{"SYNTHETIC", 40, 400, 120, 20}, {"Quê", 270, 400, 40, 22}, {"quán:", 315, 400, 55, 22}});
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(segs[0].key, "SYNTHETIC");
  EXPECT_EQ(segs[1].key, "QUE QUAN");
}

TEST(DocWords, AColumnBreakAtThePortraitsEdgeSplitsASegment) {
  // The expiry under a portrait ending at x = 230 and an address line beside it, one word space
  // plus a little apart: too close for the general gap rule, a column break at the edge.
  auto segs = Page({{"Có", 40, 600, 30, 24},
                    {"giá", 74, 600, 36, 24},
                    {"trị", 114, 600, 30, 24},
                    {"đến:", 148, 600, 40, 24},
                    {"11/02/2028", 120, 630, 110, 26},
                    {"Số", 250, 630, 30, 26},
                    {"177", 285, 630, 40, 26},
                    {"Hai", 330, 630, 40, 26}});
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(segs[1].key, "11 02 2028 SO 177 HAI");
  SplitAtColumn(&segs, 230, 300);
  ASSERT_EQ(segs.size(), 3u);
  EXPECT_EQ(segs[0].key, "CO GIA TRI DEN");
  EXPECT_EQ(segs[1].key, "11 02 2028");
  EXPECT_EQ(segs[2].key, "SO 177 HAI");
  EXPECT_EQ(WordsText(segs[2], 0, 3), "Số 177 Hai");
}

TEST(DocWords, AColumnBreakWiderThanTheLinesWordSpacesIsCut) {
  // "Không thời hạn" under a portrait ending at x = 230 and the value beside it: the gap at the
  // edge is narrower than the general rule's (a tall word box sets the height) but twice the
  // line's word spaces.
  auto segs = Page({{"Không", 100, 640, 60, 26},
                    {"thời", 166, 640, 40, 30},
                    {"hạn", 212, 640, 36, 40},
                    {"Xã", 268, 640, 30, 26},
                    {"Lam", 305, 640, 40, 26},
                    {"Sơn,", 352, 640, 44, 26}});
  ASSERT_EQ(segs.size(), 1u);
  SplitAtColumn(&segs, 250, 300);
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(segs[0].key, "KHONG THOI HAN");
  EXPECT_EQ(segs[1].key, "XA LAM SON");
  // The same gap between words spaced as widely stays whole.
  segs = Page({{"Không", 100, 640, 60, 26},
               {"thời", 180, 640, 40, 30},
               {"hạn", 240, 640, 36, 40},
               {"Xã", 296, 640, 30, 26},
               {"Lam", 346, 640, 40, 26}});
  ASSERT_EQ(segs.size(), 1u);
  SplitAtColumn(&segs, 250, 300);
  EXPECT_EQ(segs.size(), 1u);
}

TEST(DocWords, ALineCrossingThePortraitsEdgeWithWordSpacesStaysWhole) {
  // A header line across the column edge, above the portrait; and a line below it whose words
  // cross the edge at ordinary word spacing.
  auto segs = Page({{"CỘNG", 150, 40, 70, 26}, {"HÒA", 245, 40, 60, 26},
                    {"Thôn", 180, 640, 50, 26}, {"20,", 240, 640, 36, 26}});
  ASSERT_EQ(segs.size(), 2u);
  SplitAtColumn(&segs, 230, 300);
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(segs[0].key, "CONG HOA");
  EXPECT_EQ(segs[1].key, "THON 20");
}

TEST(DocWords, LinesAreSeparatedByTheirCentres) {
  auto segs = Page({{"Ngày", 270, 300, 50, 22},
                    {"sinh:", 325, 300, 50, 22},
                    {"Giới", 270, 340, 45, 22},
                    {"tính:", 320, 340, 50, 22}});
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(segs[0].key, "NGAY SINH");
  EXPECT_EQ(segs[1].key, "GIOI TINH");
}

TEST(DocWords, ALabelTailOnALineOfItsOwnIsJoined) {
  // `dạng:` has a descender and starts a line of its own under the neighbouring column's pull.
  auto segs = Page({{"Đặc", 250, 150, 40, 22},
                    {"điểm", 295, 150, 55, 22},
                    {"nhân", 355, 150, 50, 22},
                    {"dạng:", 410, 160, 55, 30}});
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(segs[0].key, "DAC DIEM NHAN DANG");
}

TEST(DocWords, ALoneWordInAGapIsJoined) {
  // A taller line (a larger value font pulls its centre) and `quán` on a line of its own.
  auto segs = Page({{"Quê", 270, 400, 40, 40},
                    {"/", 360, 400, 8, 40},
                    {"Place", 375, 400, 55, 40},
                    {"quán", 315, 428, 40, 20}});
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(segs[0].key, "QUE QUAN PLACE");
}

TEST(DocWords, ALineSplitByANeighbouringColumnsLineIsJoined) {
  // The expiry under a portrait ending at x = 322 is a little lower than the address beside it:
  // clustered by their centres, its first words fell to lines of their own, though they continue
  // each other one word space apart. Joined, the line is then cut at the portrait's edge.
  auto segs = Page({{"Dân", 758, 547, 45, 21},         {"tộc:", 811, 547, 41, 23},
                    {"Giới", 354, 550, 44, 18},        {"tính:", 407, 549, 49, 19},
                    {"Quê", 354, 599, 47, 23},         {"quán:", 410, 600, 63, 23},
                    {"Có", 62, 644, 28, 19},           {"giá", 96, 644, 32, 24},
                    {"trị", 135, 647, 23, 18},         {"đến:", 166, 643, 46, 20},
                    {"05/08/2027", 221, 635, 107, 18}, {"Phường", 356, 631, 112, 29},
                    {"Bạch", 479, 631, 67, 29},        {"Đằng,", 558, 626, 82, 34},
                    {"Quận", 649, 630, 79, 30},        {"Hai", 739, 630, 50, 24},
                    {"Bà", 801, 629, 36, 25},          {"Trưng,", 846, 630, 98, 29},
                    {"TP.", 953, 629, 50, 24},         {"Hà", 1014, 628, 41, 25},
                    {"Nội", 1066, 629, 47, 30},        {"Nơi", 356, 691, 37, 38},
                    {"thường", 402, 694, 83, 24},      {"trú:", 494, 694, 37, 18},
                    {"LALLA4u", 108, 572, 67, 24}});
  SplitAtColumn(&segs, 322, 256);
  std::vector<std::string> keys;
  for (const Segment& s : segs) keys.push_back(s.key);
  EXPECT_NE(std::find(keys.begin(), keys.end(), "CO GIA TRI DEN 05 08 2027"), keys.end());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "PHUONG BACH DANG QUAN HAI BA TRUNG TP HA NOI"),
            keys.end());
}

TEST(DocWords, SegmentsWithoutLettersOrDigitsAreDropped) {
  auto segs = Page({{"—", 40, 100, 20, 10}, {"Số:", 270, 260, 35, 22}});
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(segs[0].key, "SO");
}

TEST(DocWords, Confidences) {
  auto segs = Page({{"Số:", 270, 260, 35, 22, 0.8},
                    {"-", 310, 260, 8, 22, 0.2},
                    {"001", 330, 258, 60, 26, 1.0}});
  ASSERT_EQ(segs.size(), 1u);
  int n = 0;
  EXPECT_NEAR(AlnumConf(segs[0], 0, 3, &n), 0.9, 1e-9);
  EXPECT_EQ(n, 2);
  EXPECT_NEAR(WordsConf(segs[0], 0, 3), (0.8 + 0.2 + 1.0) / 3, 1e-9);
  EXPECT_EQ(AlnumWords("Số: - 001"), 2);
  EXPECT_EQ(SpanBox(segs, {0, 1, 3}), cv::Rect(310, 258, 80, 26));
}

TEST(DocWords, SpanLineBoxKeepsTheValuesOwnLine) {
  // A label and a small date, merged by the page pass with the line below ("Canh, Tỉnh ...") whose
  // last word's box spans both lines.
  Segment s;
  s.words = {{"đến:", {167, 641, 40, 18}, 0.9},   {"14/09/2027", {226, 638, 104, 19}, 0.5},
             {"Canh,", {353, 662, 60, 18}, 0.9},  {"Tỉnh", {447, 649, 68, 25}, 0.9},
             {"Định", {598, 628, 72, 57}, 0.9}};
  Finalize(&s);
  const std::vector<Segment> segs = {s};
  EXPECT_EQ(SpanLineBox(segs, {0, 1, 5}), cv::Rect(226, 638, 104, 19));
  EXPECT_EQ(SpanBox(segs, {0, 1, 5}).height, 57);
  // Without a word before it, the span's first word sets the line.
  EXPECT_EQ(SpanLineBox(segs, {0, 0, 5}), cv::Rect(167, 638, 163, 21));
  // A first word off the label's line, or spanning two lines: no line of its own.
  EXPECT_TRUE(SpanLineBox(segs, {0, 4, 5}).empty());
  Segment tall;
  tall.words = {{"đến:", {167, 641, 40, 18}, 0.9}, {"Định", {226, 628, 72, 57}, 0.9}};
  Finalize(&tall);
  EXPECT_TRUE(SpanLineBox({tall}, {0, 1, 2}).empty());
}

}  // namespace
}  // namespace ekyc::doc
