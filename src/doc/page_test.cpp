#include "doc/page.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

namespace ekyc::doc {
namespace {

// Labels a card's back prints, one per line, each counted once by the orientation score.
const std::vector<std::string> kLabels = {"Nơi cư trú", "Ngày, tháng, năm cấp", "Bộ Công an",
                                          "Date of expiry", "Place of birth"};

// A page recogniser that reads `card_labels` labels from the rectified card and `whole_labels`
// from the whole image. It tells them apart by a dark mark printed on the background, which only
// the whole image shows, near one of its corners.
class FakePage : public PageRecognizer {
 public:
  FakePage(int card_labels, int whole_labels, bool card_mrz = false)
      : card_labels_(card_labels), whole_labels_(whole_labels), card_mrz_(card_mrz) {}

  std::vector<Word> Words(const cv::Mat& gray, Layout) override {
    const bool whole = ShowsBackgroundMark(gray);
    const int n = whole ? whole_labels_ : card_labels_;
    std::vector<Word> words;
    if (card_mrz_ && !whole)
      words.push_back({"IDVNM0941266068<<9", cv::Rect(100, 700, 900, 40), 0.9});
    for (int i = 0; i < 10; ++i) {  // enough confident words to look upright
      const int y = 60 + 60 * i;
      const std::string text = i < n ? kLabels[i] : std::to_string(1000 + 37 * i);
      words.push_back({text, cv::Rect(100, y, 300, 30), 0.95});
    }
    return words;
  }
  std::vector<LineReading> Lines(const cv::Mat&) override { return {}; }

 private:
  static bool ShowsBackgroundMark(const cv::Mat& gray) {
    const int s = std::max(4, gray.cols / 40);
    for (cv::Point p : {cv::Point(0, 0), cv::Point(gray.cols - s, 0), cv::Point(0, gray.rows - s),
                        cv::Point(gray.cols - s, gray.rows - s)})
      if (cv::mean(gray(cv::Rect(p, cv::Size(s, s))))[0] < 128) return true;
    return false;
  }
  int card_labels_, whole_labels_;
  bool card_mrz_;
};

// A pale card on a mid-grey background with room on every side, a dark mark in the background's
// top-left corner.
cv::Mat FramedCard() {
  cv::Mat img(900, 1200, CV_8UC3, cv::Scalar(90, 90, 90));
  cv::rectangle(img, cv::Rect(150, 160, 900, 567), cv::Scalar(235, 238, 240), cv::FILLED);
  cv::rectangle(img, cv::Rect(0, 0, 30, 30), cv::Scalar(0, 0, 0), cv::FILLED);
  return img;
}

TEST(DocPage, FramedCardOutlineOutlivesAWholeImageReadingOneLabelMore) {
  // The card's own reading finds few labels (a back prints few), the whole image one more by
  // chance: the outline, with background all round, stays.
  FakePage page(/*card_labels=*/2, /*whole_labels=*/3);
  auto r = ReadCardPage(FramedCard(), page, 1400, /*check_rotate=*/true);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->located);
  EXPECT_EQ(r->score, 2);
}

TEST(DocPage, WholeImageReadingClearlyMoreLabelsReplacesTheOutline) {
  FakePage page(/*card_labels=*/2, /*whole_labels=*/4);
  auto r = ReadCardPage(FramedCard(), page, 1400, /*check_rotate=*/true);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->located);
  EXPECT_EQ(r->score, 4);
}

TEST(DocPage, AWholeImageReadingThatLosesTheMrzDoesNotWinOnLabels) {
  FakePage page(/*card_labels=*/2, /*whole_labels=*/4, /*card_mrz=*/true);
  auto r = ReadCardPage(FramedCard(), page, 1400, /*check_rotate=*/true);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->located);
  EXPECT_EQ(r->score, 2);
}

TEST(DocPage, ConfidentOutlineReadingIsNotDoubted) {
  FakePage page(/*card_labels=*/4, /*whole_labels=*/5);
  auto r = ReadCardPage(FramedCard(), page, 1400, /*check_rotate=*/true);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->located);
  EXPECT_EQ(r->score, 4);
}

}  // namespace
}  // namespace ekyc::doc
