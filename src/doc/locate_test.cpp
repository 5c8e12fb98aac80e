#include "doc/locate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace ekyc::doc {
namespace {

// A card crop (the image is the card, ID-1 aspect) whose strongest inner outline is the portrait.
cv::Mat CropWithPortrait(cv::Size size, cv::Rect portrait) {
  cv::Mat img(size, CV_8UC3, cv::Scalar(235, 238, 240));
  cv::rectangle(img, portrait, cv::Scalar(120, 140, 170), cv::FILLED);
  cv::rectangle(img, portrait, cv::Scalar(40, 40, 40), 3);
  return img;
}

TEST(DocLocate, CropWhosePortraitIsTheOnlyOutlineIsReadWhole) {
  // As seed 53 `0009` clean: in a 1000x630 crop the portrait box (here 265x350 px) was taken as a
  // card too small to read (doc.card_too_small) before.
  const cv::Mat img = CropWithPortrait({1000, 630}, {40, 240, 265, 350});
  auto q = LocateCard(img);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_FALSE(q->located);
  EXPECT_NEAR(q->aspect, 1000.0 / 630.0, 1e-6);
  EXPECT_NEAR(q->corners[1].x - q->corners[0].x, 999.0, 1.0);
}

TEST(DocLocate, SmallCardInALargePhotoIsStillTooSmall) {
  // A 4:3 photo (not a card's aspect) with a 330-px card in it: the error stays.
  cv::Mat img(600, 800, CV_8UC3, cv::Scalar(60, 60, 60));
  cv::rectangle(img, cv::Rect(235, 196, 330, 208), cv::Scalar(230, 230, 230), cv::FILLED);
  auto q = LocateCard(img);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().reason(), "doc.card_too_small");
}

// A tilted card (1.42:1, as a passport page) on a background, its corners for the checks below.
std::vector<cv::Point> TiltedCard(cv::Mat& img, cv::Scalar colour) {
  const cv::RotatedRect rr({470, 340}, {500, 352}, -8);
  cv::Point2f p[4];
  rr.points(p);
  std::vector<cv::Point> pts(p, p + 4);
  cv::fillConvexPoly(img, pts, colour, cv::LINE_AA);
  return pts;
}

void ExpectCorners(const CardQuad& q, const std::vector<cv::Point>& truth, double tolerance) {
  ASSERT_TRUE(q.located);
  ASSERT_EQ(q.corners.size(), 4u);
  for (const cv::Point& t : truth) {
    double nearest = 1e9;
    for (const cv::Point2f& c : q.corners)
      nearest = std::min(nearest, static_cast<double>(std::hypot(c.x - t.x, c.y - t.y)));
    EXPECT_LT(nearest, tolerance) << "corner " << t;
  }
}

TEST(DocLocate, AFingerTouchingTheCardAtItsTipIsCutAway) {
  // The finger's outline joins the card's at one point and is about as wide as the disc that
  // opens the outline: its core survives the erosion beside the card's.
  cv::Mat img(720, 960, CV_8UC3, cv::Scalar(170, 40, 40));
  const auto card = TiltedCard(img, cv::Scalar(235, 225, 230));
  const cv::Point corner = *std::min_element(card.begin(), card.end(),
                                             [](auto a, auto b) { return a.x + a.y < b.x + b.y; });
  cv::line(img, corner + cv::Point(-150, -140), corner + cv::Point(20, -5),
           cv::Scalar(120, 200, 210), 60, cv::LINE_AA);
  auto q = LocateCard(img);
  ASSERT_TRUE(q.ok()) << q.status().message();
  ExpectCorners(*q, card, 0.02 * 960);
}

TEST(DocLocate, APaleCardOnAPaleBackgroundIsFoundByItsColour) {
  // Light green under bands of light and shade; the card as bright on average, only its colour
  // differs, its edge soft.
  cv::Mat img(720, 960, CV_8UC3);
  for (int y = 0; y < img.rows; ++y) {
    const double shade = 170 + 30 * std::sin(y / 25.0);
    img.row(y).setTo(cv::Scalar(shade * 0.75, shade, shade * 0.8));
  }
  const auto card = TiltedCard(img, cv::Scalar(172, 150, 162));  // the mean luminance, pinker
  cv::GaussianBlur(img, img, {7, 7}, 0);
  auto q = LocateCard(img);
  ASSERT_TRUE(q.ok()) << q.status().message();
  ExpectCorners(*q, card, 0.02 * 960);
}

TEST(DocLocate, ACardWhoseCornerLeavesTheFrameIsFoundWhole) {
  // The top corner lies just outside the image: the card's two sides meet the border a few pixels
  // apart and the edge map alone leaves its outline open there. The background's broad bands of
  // light and shade defeat a segmentation by brightness.
  cv::Mat img(720, 960, CV_8UC3);
  for (int y = 0; y < img.rows; ++y) {
    const double shade = 160 + 70 * std::sin(y / 40.0);
    img.row(y).setTo(cv::Scalar(shade * 0.75, shade, shade * 0.8));
  }
  const cv::RotatedRect rr({470, 207}, {500, 352}, -8);
  cv::Point2f p[4];
  rr.points(p);
  const std::vector<cv::Point> card(p, p + 4);
  cv::fillConvexPoly(img, card, cv::Scalar(215, 225, 220), cv::LINE_AA);
  cv::GaussianBlur(img, img, {9, 9}, 0);
  auto q = LocateCard(img);
  ASSERT_TRUE(q.ok()) << q.status().message();
  ExpectCorners(*q, card, 0.02 * 960);
}

}  // namespace
}  // namespace ekyc::doc
