#include "doc/missed_lines.h"

#include <gtest/gtest.h>

#include "doc/testing/word_fixtures.h"

namespace ekyc::doc {
namespace {

using testing::Page;

const cv::Size kPage(1400, 900);

TEST(DocMissedLines, ALineWithoutPageWordsIsMissed) {
  auto segs = Page({{"TRỊNH", 356, 357, 120, 37}, {"MAI", 490, 357, 70, 37}});
  // The detector's boxes: the name line (read) and the small label above it (not read).
  auto missed = UncoveredLines({{350, 352, 220, 46}, {360, 312, 80, 34}}, segs, kPage);
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0], cv::Rect(360, 312, 80, 34));
}

TEST(DocMissedLines, ALinePartlyReadOrReadUnsureIsMissed) {
  // One short word read of a long line; then a line read whole but with low confidence.
  auto partly = Page({{"Ngày", 352, 328, 60, 28}});
  EXPECT_EQ(UncoveredLines({{345, 322, 420, 40}}, partly, kPage).size(), 1u);
  auto unsure = Page({{"Họtê\"", 356, 364, 80, 40, 0.4}, {"TA", 440, 364, 50, 40, 0.5},
                      {"MINH", 495, 364, 90, 40, 0.6}});
  EXPECT_EQ(UncoveredLines({{350, 358, 250, 52}}, unsure, kPage).size(), 1u);
  auto sure = Page({{"Họ", 356, 364, 40, 40}, {"tên:", 400, 364, 50, 40},
                    {"TẠ", 460, 364, 50, 40}, {"MINH", 515, 364, 80, 40}});
  EXPECT_TRUE(UncoveredLines({{350, 358, 250, 52}}, sure, kPage).empty());
}

TEST(DocMissedLines, SpecksAndVerticalBoxesAreNotLines) {
  std::vector<Segment> none;
  EXPECT_TRUE(UncoveredLines({{100, 100, 40, 6}, {100, 100, 20, 60}}, none, kPage).empty());
}

TEST(DocMissedLines, RecoveredWordsReplaceThePagesWordsInTheirLine) {
  auto segs = Page({{"Ngày", 352, 328, 60, 28}, {"II", 416, 328, 20, 28},
                    {"Nốt", 350, 260, 50, 30}, {"ruồi", 405, 260, 60, 30}});
  LineReading r;
  r.text = "Ngày 11 tháng 02 năm 2013";
  r.conf = 0.9;
  const char* words[] = {"Ngày", "11", "tháng", "02", "năm", "2013"};
  int x = 4;
  for (const char* w : words) {
    r.words.push_back({w, cv::Rect(x, 0, 50, 40), 0.9});
    x += 60;
  }
  LineReading noise;
  noise.text = "~~";
  noise.conf = 0.9;
  LineReading unsure;
  unsure.text = "xyz";
  unsure.conf = 0.3;
  unsure.words = {{"xyz", cv::Rect(0, 0, 30, 20), 0.3}};
  const int added = AddRecoveredLines(
      {{cv::Rect(348, 322, 380, 40), r}, {cv::Rect(600, 600, 80, 30), noise},
       {cv::Rect(700, 700, 80, 30), unsure}},
      &segs);
  EXPECT_EQ(added, 1);
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(segs[0].key, "NOT RUOI");
  EXPECT_EQ(segs[1].key, "NGAY 11 THANG 02 NAM 2013");
  EXPECT_EQ(segs[1].words[0].box, cv::Rect(352, 322, 50, 40));
}

}  // namespace
}  // namespace ekyc::doc
