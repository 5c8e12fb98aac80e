// Card liveness on committed fixtures (tests/data/cardlive: made by tools/cardattack with its
// fixture seed, see the README there) and the abstention rules.
#include "cardlive/cardlive.h"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "cardlive/signals.h"
#include "doc/locate.h"

namespace ekyc::cardlive {
namespace {

const std::string kDir = std::string(EKYC_SOURCE_DIR) + "/tests/data/cardlive/";

CardLivenessInput Rectified(const std::string& name) {
  cv::Mat img = cv::imread(kDir + name, cv::IMREAD_COLOR);
  EXPECT_FALSE(img.empty()) << name;
  CardLivenessInput in;
  auto q = doc::LocateCard(img);
  EXPECT_TRUE(q.ok()) << name;
  if (!q.ok()) return in;
  in.card = doc::Rectify(img, q->corners, 1000, 85.6 / 53.98);
  in.source_width_px = cv::norm(q->corners[1] - q->corners[0]);
  in.class_code = "CCCD_CHIP";  // the fixtures are chip CCCD sides
  return in;
}

TEST(CardLiveness, RealCardIsLive) {
  const CardLivenessResult r = CheckCardLiveness(Rectified("genuine_phone.jpg"));
  EXPECT_TRUE(r.live) << ToJson(r).dump();
  EXPECT_GE(r.score, r.threshold);
}

TEST(CardLiveness, GreyPhotocopyIsNotLive) {
  const CardLivenessResult r = CheckCardLiveness(Rectified("copy_grey.jpg"));
  EXPECT_FALSE(r.live) << ToJson(r).dump();
  EXPECT_FALSE(r.reasons.empty());
}

TEST(CardLiveness, ScreenRecaptureIsNotLive) {
  const CardLivenessResult r = CheckCardLiveness(Rectified("screen.jpg"));
  EXPECT_FALSE(r.live) << ToJson(r).dump();
  EXPECT_FALSE(r.reasons.empty());
}

TEST(CardLiveness, ColourCuesAbstainOnCardsPrintedWithoutColour) {
  CardLivenessInput in = Rectified("genuine_phone.jpg");
  in.class_code = "CMND";
  const CardLivenessResult r = CheckCardLiveness(in);
  for (const Cue& c : r.cues) {
    if (c.name == "chroma_p90" || c.name == "chroma_fraction") {
      EXPECT_FALSE(c.measured) << c.name;
      EXPECT_EQ(c.contribution, 0.0);
    }
  }
  EXPECT_TRUE(ToJson(r)["cues"]["chroma_p90"].is_null());
}

TEST(CardLiveness, TextureCuesAbstainOnATinyCard) {
  CardLivenessInput in = Rectified("genuine_phone.jpg");
  in.source_width_px = 300;
  const CardLivenessResult r = CheckCardLiveness(in);
  int measured = 0;
  for (const Cue& c : r.cues) measured += c.measured ? 1 : 0;
  EXPECT_EQ(measured, 4);  // colour and tone only
}

TEST(CardLiveness, BadInputMeasuresNothing) {
  const SignalVector s = MeasureSignals(cv::Mat(), {});
  for (double v : s) EXPECT_TRUE(std::isnan(v));
  const SignalVector g = MeasureSignals(cv::Mat(100, 100, CV_8UC1, cv::Scalar(128)), {});
  for (double v : g) EXPECT_TRUE(std::isnan(v));
  const CardLivenessResult r = CheckCardLiveness({});
  for (const Cue& c : r.cues) EXPECT_FALSE(c.measured);
}

TEST(CardLiveness, ColourOfClassCodes) {
  EXPECT_TRUE(ColourCard("CCCD_CHIP"));
  EXPECT_TRUE(ColourCard("CAN_CUOC"));
  EXPECT_FALSE(ColourCard("CMND"));
  EXPECT_FALSE(ColourCard(""));
}

}  // namespace
}  // namespace ekyc::cardlive
