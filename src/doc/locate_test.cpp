#include "doc/locate.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ekyc::doc
