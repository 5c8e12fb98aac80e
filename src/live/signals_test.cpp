#include "live/signals.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string>

namespace ekyc::live {
namespace {

// A plausible frontal 68-point layout (iBUG order), inter-ocular distance ~60 px.
Landmarks68 MakeFace(double eye_open = 1.0) {
  Landmarks68 p;
  const cv::Point2f c(200, 200);
  for (int i = 0; i < 17; ++i) {  // jaw: from the left ear down round the chin to the right ear
    const double a = CV_PI * (1.0 - i / 16.0);
    p[i] = c + cv::Point2f(static_cast<float>(75 * std::cos(a)),
                           static_cast<float>(-20 + 110 * std::sin(CV_PI * i / 16.0)));
  }
  for (int i = 0; i < 5; ++i) {  // brows
    p[17 + i] = c + cv::Point2f(-65.f + 11.f * i, -55.f - (i == 2 ? 6.f : 0.f));
    p[22 + i] = c + cv::Point2f(21.f + 11.f * i, -55.f - (i == 2 ? 6.f : 0.f));
  }
  for (int i = 0; i < 4; ++i) p[27 + i] = c + cv::Point2f(0.f, -35.f + 12.f * i);  // nose bridge
  for (int i = 0; i < 5; ++i) p[31 + i] = c + cv::Point2f(-14.f + 7.f * i, 20.f);  // nostrils
  auto eye = [&](int at, float cx) {
    const float h = static_cast<float>(6.0 * eye_open);
    p[at + 0] = c + cv::Point2f(cx - 15, -30);
    p[at + 1] = c + cv::Point2f(cx - 5, -30 - h);
    p[at + 2] = c + cv::Point2f(cx + 5, -30 - h);
    p[at + 3] = c + cv::Point2f(cx + 15, -30);
    p[at + 4] = c + cv::Point2f(cx + 5, -30 + h);
    p[at + 5] = c + cv::Point2f(cx - 5, -30 + h);
  };
  eye(36, -30);
  eye(42, 30);
  for (int i = 0; i < 12; ++i) {  // outer lip
    const double a = 2 * CV_PI * i / 12.0;
    p[48 + i] = c + cv::Point2f(static_cast<float>(-25 * std::cos(a)),
                                static_cast<float>(50 - 10 * std::sin(a)));
  }
  for (int i = 0; i < 8; ++i) {  // inner lip
    const double a = 2 * CV_PI * i / 8.0;
    p[60 + i] = c + cv::Point2f(static_cast<float>(-16 * std::cos(a)),
                                static_cast<float>(50 - 4 * std::sin(a)));
  }
  return p;
}

std::vector<cv::Point2f> Vec(const Landmarks68& p) {
  return {p.begin(), p.end()};
}

TEST(EyeAspectRatio, OpenVersusClosed) {
  const Landmarks68 open = MakeFace(1.0), closed = MakeFace(0.15);
  EXPECT_NEAR(EyeAspectRatio(&open[36]), 0.4, 1e-6);  // (12+12)/(2*30)
  EXPECT_LT(MeanEyeAspectRatio(closed), 0.1);
  EXPECT_NEAR(InterOcular(open), 60.0, 1e-3);
}

TEST(DetectBlinks, CountsOneClearBlink) {
  std::vector<double> ear(20, 0.30);
  ear[9] = 0.12;
  ear[10] = 0.15;
  const BlinkStats s = DetectBlinks(ear, 0.3, 3);
  EXPECT_EQ(s.blinks, 1);
  EXPECT_NEAR(s.baseline, 0.30, 1e-9);
  EXPECT_EQ(s.closed_frames, (std::vector<int>{9, 10}));
}

TEST(DetectBlinks, BlinksFromLandmarkSequence) {
  // Open, close, open, close, open: two blinks computed from synthetic landmark frames.
  const double openness[] = {1, 1, 1, 0.1, 1, 1, 1, 1, 0.2, 0.3, 1, 1};
  std::vector<double> ear;
  for (double o : openness) ear.push_back(MeanEyeAspectRatio(MakeFace(o)));
  EXPECT_EQ(DetectBlinks(ear, 0.3, 3).blinks, 2);
}

TEST(DetectBlinks, IgnoresNoiseClosedEndAndSlowClosure) {
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0.0, 0.01);
  std::vector<double> ear(30);
  for (auto& e : ear) e = 0.30 + noise(rng);
  EXPECT_EQ(DetectBlinks(ear, 0.3, 3).blinks, 0);

  std::vector<double> end_closed(20, 0.3);
  end_closed[18] = end_closed[19] = 0.1;  // eyes shut at the end, never reopened
  EXPECT_EQ(DetectBlinks(end_closed, 0.3, 3).blinks, 0);

  std::vector<double> slow(20, 0.3);
  for (int i = 5; i < 12; ++i) slow[i] = 0.1;  // closed for 7 frames > max_run
  EXPECT_EQ(DetectBlinks(slow, 0.3, 3).blinks, 0);

  std::vector<double> gaps(12, 0.3);
  gaps[4] = std::nan("");
  gaps[6] = 0.1;
  EXPECT_EQ(DetectBlinks(gaps, 0.3, 3).blinks, 1);
}

TEST(PlanarResidual, HomographyWarpedSetIsPlanar) {
  const auto a = Vec(MakeFace());
  // Tilt + pan + zoom as when a printed photo is moved in front of the camera.
  const cv::Matx33d h(1.1, 0.08, 12, -0.05, 0.95, 30, 0.0004, -0.0003, 1);
  std::vector<cv::Point2f> b;
  cv::perspectiveTransform(a, b, h);
  std::mt19937 rng(3);
  std::normal_distribution<float> jitter(0.f, 0.4f);  // sub-pixel landmark noise
  for (auto& q : b) q += cv::Point2f(jitter(rng), jitter(rng));
  EXPECT_LT(PlanarResidual(a, b, 60.0), 0.03);
}

TEST(PlanarResidual, NonRigidlyPerturbedSetIsNot) {
  const auto a = Vec(MakeFace());
  Landmarks68 moved = MakeFace(0.2);  // blink
  for (int i = 48; i < 68; ++i)
    moved[i].y += (i == 57 || i == 58 || i == 56 || i >= 65) ? 14.f : 6.f;  // mouth opens
  for (int i = 27; i < 36; ++i) moved[i].x += 8.f;  // nose parallax of a small head turn
  std::vector<cv::Point2f> b;
  cv::perspectiveTransform(Vec(moved), b, cv::Matx33d(1.0, 0.0, 5, 0.0, 1.0, -3, 0, 0, 1));
  EXPECT_GT(PlanarResidual(a, b, 60.0), 0.085);
}

TEST(PlanarResidual, SlidingJawContourCanBeLeftOutOfTheScore) {
  const auto a = Vec(MakeFace());
  auto b = a;
  for (int i = 0; i < 17; ++i)
    b[i].y += (i % 2 ? 5.f : -5.f);  // contour points slide along the cheek edge
  EXPECT_GT(PlanarResidual(a, b, 60.0), 0.05);
  EXPECT_LT(PlanarResidual(a, b, 60.0, 17), 0.01);
}

TEST(HeadPose, YawSignFollowsNoseShift) {
  const Landmarks68 front = MakeFace();
  Landmarks68 turned = front;
  for (int i = 27; i < 36; ++i) turned[i].x += 15.f;
  const HeadPose p0 = EstimateHeadPose(front, {400, 400});
  const HeadPose p1 = EstimateHeadPose(turned, {400, 400});
  ASSERT_TRUE(p0.ok && p1.ok);
  EXPECT_GT(std::abs(p1.yaw_deg - p0.yaw_deg), 5.0);
}

TEST(NoseTurn, SignFollowsTheNoseInTheImage) {
  const Landmarks68 front = MakeFace();
  EXPECT_NEAR(NoseTurn(front), 0.0, 1e-6);
  Landmarks68 to_left = front, to_right = front;
  for (int i = 27; i < 36; ++i) {
    to_left[i].x -= 25.f;  // the nose moves toward the left edge of the image
    to_right[i].x += 25.f;
  }
  EXPECT_LT(NoseTurn(to_left), -0.1);
  EXPECT_GT(NoseTurn(to_right), 0.1);
  // In-plane rotation of the whole face is not a turn.
  Landmarks68 rolled = front;
  const cv::Point2f c(200, 200);
  for (auto& q : rolled) {
    const cv::Point2f d = q - c;
    q = c + cv::Point2f(0.94f * d.x - 0.34f * d.y, 0.34f * d.x + 0.94f * d.y);
  }
  EXPECT_NEAR(NoseTurn(rolled), 0.0, 1e-3);
}

TEST(DetectTurns, HysteresisBaselineAndMinimumRun) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // Camera off-axis: facing it reads 0.07. Left turn, back, right turn (with a missing sample).
  const std::vector<double> seq = {0.07, 0.08, 0.06, -0.10, -0.20, -0.15,
                                   0.07, 0.06, 0.25, nan,   0.22,  0.07};
  auto ev = DetectTurns(seq, 0.07, 0.10, 0.05, 2);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].dir, -1);
  EXPECT_EQ(ev[0].start, 3);
  EXPECT_EQ(ev[1].dir, 1);
  EXPECT_EQ(ev[1].start, 8);
  // Without the baseline the off-axis camera would read as turns to the right, never to the left.
  EXPECT_TRUE(DetectTurns({0.07, 0.08, 0.06, 0.07}, 0.07, 0.10, 0.05, 2).empty());
  // One noisy sample is not a turn; a dip inside the hysteresis band does not end one.
  EXPECT_TRUE(DetectTurns({0.0, -0.2, 0.0, 0.0}, 0.0, 0.10, 0.05, 2).empty());
  EXPECT_EQ(DetectTurns({0.0, 0.2, 0.2, 0.08, 0.2, 0.0}, 0.0, 0.10, 0.05, 2).size(), 1u);
  // Flipping straight from one side to the other is two turns.
  auto flip = DetectTurns({0.0, -0.2, -0.2, 0.2, 0.2}, 0.0, 0.10, 0.05, 2);
  ASSERT_EQ(flip.size(), 2u);
  EXPECT_EQ(flip[1].dir, 1);
}

TEST(ChallengeMatches, TurnsExactBlinksInPlace) {
  using V = std::vector<std::string>;
  EXPECT_TRUE(ChallengeMatches({}, {"left"}));
  EXPECT_TRUE(ChallengeMatches(V{"left", "right"}, V{"blink", "left", "right"}));
  EXPECT_FALSE(ChallengeMatches(V{"left", "right"}, V{"right", "left"}));
  EXPECT_FALSE(
      ChallengeMatches(V{"left"}, V{"left", "right", "left"}));  // extra turns: a generic recording
  EXPECT_TRUE(ChallengeMatches(V{"left", "blink"}, V{"blink", "left", "blink", "blink"}));
  EXPECT_FALSE(
      ChallengeMatches(V{"left", "blink"}, V{"blink", "left"}));  // the blink must follow the turn
  EXPECT_FALSE(ChallengeMatches(V{"blink", "blink"}, V{"blink"}));
}

TEST(EdgeSharpness, ScalingDownAndUpSoftensEveryEdge) {
  // A textured scene with hard edges, then the same scaled to 0.7x and back three times, as a
  // re-encoded copy is.
  cv::Mat img(360, 480, CV_8U, cv::Scalar(90));
  cv::RNG rng(5);
  for (int i = 0; i < 60; ++i) {
    const cv::Point a(rng.uniform(0, 480), rng.uniform(0, 360));
    cv::rectangle(img, a, a + cv::Point(rng.uniform(10, 80), rng.uniform(10, 80)),
                  cv::Scalar(rng.uniform(0, 255)), -1);
  }
  cv::Mat noise(img.size(), CV_8U);
  rng.fill(noise, cv::RNG::NORMAL, 0, 3);
  img += noise;
  cv::Mat copy = img.clone();
  for (int g = 0; g < 3; ++g) {
    cv::Mat small;
    cv::resize(copy, small, cv::Size(), 0.7, 0.7, cv::INTER_AREA);
    cv::resize(small, copy, img.size(), 0, 0, cv::INTER_LINEAR);
  }
  const double sharp = EdgeSharpness(img), soft = EdgeSharpness(copy);
  EXPECT_GT(sharp, 0.02);
  EXPECT_LT(soft, 0.5 * sharp);
  EXPECT_EQ(EdgeSharpness(cv::Mat()), 0.0);
}

TEST(MoirePeak, GratingScoresAboveSmoothTexture) {
  cv::Mat noise(200, 200, CV_32F);
  cv::RNG rng(11);
  rng.fill(noise, cv::RNG::NORMAL, 0, 40);
  cv::GaussianBlur(noise, noise, cv::Size(0, 0), 1.5);
  cv::Mat smooth;
  noise.convertTo(smooth, CV_8U, 1, 128);
  cv::Mat grating = noise.clone();
  for (int y = 0; y < grating.rows; ++y)
    for (int x = 0; x < grating.cols; ++x)
      grating.at<float>(y, x) +=
          static_cast<float>(25 * std::sin(2 * CV_PI * (0.23 * x + 0.17 * y)));
  cv::Mat screen;
  grating.convertTo(screen, CV_8U, 1, 128);
  const double s = MoirePeak(smooth), g = MoirePeak(screen);
  EXPECT_LT(s, 2.0);
  EXPECT_GT(g, 3.5);
}

// A 400x400 textured "face" image (smoothed noise: every region has some structure, as skin, hair
// and features do at 40 px inter-ocular distance) and its MakeFace() landmarks.
cv::Mat TexturedFrame(unsigned seed) {
  cv::Mat noise(400, 400, CV_32F);
  std::mt19937 rng(seed);
  std::normal_distribution<float> n01(0.f, 1.f);
  for (auto it = noise.begin<float>(); it != noise.end<float>(); ++it) *it = n01(rng);
  cv::Mat coarse, fine, img;
  cv::GaussianBlur(noise, coarse, cv::Size(), 6.0);
  cv::GaussianBlur(noise, fine, cv::Size(), 1.5);
  img = 128 + 400 * coarse + 60 * fine;
  img.convertTo(img, CV_8U);
  cv::Mat bgr;
  cv::cvtColor(img, bgr, cv::COLOR_GRAY2BGR);
  return bgr;
}

// What a phone's encoder does to a frame: JPEG at low quality (8x8 blocks, lost detail).
cv::Mat Compress(const cv::Mat& bgr, int quality) {
  std::vector<uchar> buf;
  cv::imencode(".jpg", bgr, buf, {cv::IMWRITE_JPEG_QUALITY, quality});
  return cv::imdecode(buf, cv::IMREAD_COLOR);
}

cv::Mat Warp(const cv::Mat& img, const cv::Matx33d& h) {
  cv::Mat out;
  cv::warpPerspective(img, out, cv::Mat(h), img.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
  return out;
}

const cv::Matx33d kSheetMotion(1.04, 0.03, 6, -0.02, 0.98, 4, 0.00012, -0.00008, 1);

TEST(FlowPlanarResidual, PlaneWithJitteringLandmarksAndCompressionStaysPlanar) {
  const cv::Mat a = TexturedFrame(1);
  const Landmarks68 la = MakeFace();
  // The same picture moved as a plane, compressed; its re-detected landmarks jitter by ~2 px (5 %
  // of the inter-ocular distance), as dlib's do on a re-encoded screen.
  const cv::Mat b = Compress(Warp(a, kSheetMotion), 30);
  std::vector<cv::Point2f> pb;
  cv::perspectiveTransform(Vec(la), pb, kSheetMotion);
  std::mt19937 rng(7);
  std::normal_distribution<float> jitter(0.f, 2.0f);
  Landmarks68 lb;
  for (int i = 0; i < 68; ++i) lb[i] = pb[i] + cv::Point2f(jitter(rng), jitter(rng));
  const double flow = FlowPlanarResidual(Compress(a, 30), la, b, lb);
  // The landmark statistic reads that jitter as deformation; the flow does not.
  EXPECT_GT(PlanarResidual(Vec(la), Vec(lb), InterOcular(la), 17), 0.06);
  RecordProperty("flow_residual", std::to_string(flow));
  ASSERT_TRUE(std::isfinite(flow));
  EXPECT_LT(flow, 0.006);
}

TEST(FlowPlanarResidual, LocalDeformationIsNotPlanar) {
  const cv::Mat a = TexturedFrame(2);
  const Landmarks68 la = MakeFace();
  // The mouth region (centre 200,250) opens: pixels there move down by up to 5 px (about 0.08
  // inter-ocular distances) with a smooth fall-off, the rest of the face does not deform.
  cv::Mat mx(a.size(), CV_32F), my(a.size(), CV_32F);
  for (int y = 0; y < a.rows; ++y)
    for (int x = 0; x < a.cols; ++x) {
      const double d =
          5.0 * std::exp(-(std::pow((x - 200) / 28.0, 2) + std::pow((y - 255) / 14.0, 2)));
      mx.at<float>(y, x) = static_cast<float>(x);
      my.at<float>(y, x) = static_cast<float>(y - d);
    }
  cv::Mat deformed;
  cv::remap(a, deformed, mx, my, cv::INTER_LINEAR, cv::BORDER_REFLECT);
  const cv::Mat b = Compress(Warp(deformed, kSheetMotion), 30);
  std::vector<cv::Point2f> pb;
  cv::perspectiveTransform(Vec(la), pb, kSheetMotion);
  Landmarks68 lb;
  std::copy(pb.begin(), pb.end(), lb.begin());
  const double flow = FlowPlanarResidual(Compress(a, 30), la, b, lb);
  RecordProperty("flow_residual", std::to_string(flow));
  ASSERT_TRUE(std::isfinite(flow));
  EXPECT_GT(flow, 0.02);
}

TEST(FlowPlanarResidual, UnmeasurableInputIsNaN) {
  Landmarks68 degenerate{};  // all points at the origin: no inter-ocular distance
  EXPECT_TRUE(
      std::isnan(FlowPlanarResidual(TexturedFrame(3), degenerate, TexturedFrame(3), degenerate)));
  EXPECT_TRUE(std::isnan(FlowPlanarResidual(cv::Mat(), MakeFace(), TexturedFrame(3), MakeFace())));
}

TEST(GlareFraction, CountsBrightUnsaturatedPixels) {
  cv::Mat img(100, 100, CV_8UC3, cv::Scalar(90, 120, 170));  // skin-ish
  EXPECT_EQ(GlareFraction(img), 0.0);
  img(cv::Rect(0, 0, 50, 40)).setTo(cv::Scalar(255, 255, 255));
  EXPECT_NEAR(GlareFraction(img), 0.2, 1e-9);
}

// Only the pixels of the mask count: glare confined to an excluded band (eyeglasses) is not seen.
TEST(GlareFraction, CountsOnlyInsideTheMask) {
  cv::Mat img(100, 100, CV_8UC3, cv::Scalar(90, 110, 150));
  img(cv::Rect(0, 20, 100, 20)).setTo(cv::Scalar(250, 250, 250));  // a bright horizontal band
  cv::Mat mask(img.size(), CV_8UC1, cv::Scalar(255));
  EXPECT_NEAR(GlareFraction(img, mask), 0.2, 1e-9);
  mask(cv::Rect(0, 15, 100, 30)).setTo(0);
  EXPECT_EQ(GlareFraction(img, mask), 0.0);
  img(cv::Rect(0, 60, 100, 14)).setTo(cv::Scalar(250, 250, 250));  // glare on the cheeks
  EXPECT_NEAR(GlareFraction(img, mask), 14.0 / 70.0, 1e-9);
}

// The scene is the frame outside the enlarged face box: a white wall beside a small face counts;
// as the face comes closer, a smaller enlargement keeps some scene; a face filling the frame
// leaves none, which is "cannot judge" (NaN), not "no glare".
TEST(SceneGlareFraction, FallsBackToSmallerRingsThenGivesUp) {
  const double ladder[] = {2.0, 1.5, 1.25};
  cv::Mat frame(240, 320, CV_8UC3, cv::Scalar(255, 255, 255));  // an overexposed room
  // Small face: the 2x box (80..240 x 60..180) leaves 75 % of the frame, all of it clipped.
  EXPECT_NEAR(SceneGlareFraction(frame, cv::Rect(120, 80, 80, 80), ladder, 0.15), 1.0, 1e-9);
  // Dark hair and ears just outside the face box must not count as scene at 2x.
  frame(cv::Rect(100, 60, 120, 120)).setTo(cv::Scalar(30, 30, 40));
  EXPECT_NEAR(SceneGlareFraction(frame, cv::Rect(120, 80, 80, 80), ladder, 0.15), 1.0, 1e-9);
  // Close face (180 px): 2x covers the frame, 1.5x (270 x 270) leaves 320x240 - 270x240 = 16 %.
  cv::Mat close(240, 320, CV_8UC3, cv::Scalar(255, 255, 255));
  const double share = SceneGlareFraction(close, cv::Rect(70, 30, 180, 180), ladder, 0.15);
  EXPECT_NEAR(share, 1.0, 1e-9);
  // Face filling the frame: no enlargement leaves 15 %.
  EXPECT_TRUE(std::isnan(SceneGlareFraction(close, cv::Rect(20, 0, 280, 240), ladder, 0.15)));
  // Grey frames carry no colour to judge.
  cv::Mat grey(240, 320, CV_8UC1, cv::Scalar(255));
  EXPECT_TRUE(std::isnan(SceneGlareFraction(grey, cv::Rect(120, 80, 80, 80), ladder, 0.15)));
}

// The band spans the brows to below the eyes and the jaw's width, in crop coordinates.
TEST(EyeglassesBand, CoversBrowsToBelowTheEyes) {
  Landmarks68 p{};
  for (int k = 0; k < 17; ++k) p[k] = {100.0f + 12.5f * k, 150.0f + 4.0f * k};  // jaw 100..300
  for (int k = 17; k < 27; ++k) p[k] = {120.0f + 16.0f * (k - 17), 110.0f};      // brows y 110
  for (int k = 27; k < 36; ++k) p[k] = {200.0f, 140.0f + 5.0f * (k - 27)};       // nose
  for (int k = 36; k < 42; ++k) p[k] = {140.0f + 8.0f * (k - 36), 130.0f};       // left eye
  for (int k = 42; k < 48; ++k) p[k] = {220.0f + 8.0f * (k - 42), 130.0f};       // right eye
  for (int k = 48; k < 68; ++k) p[k] = {200.0f, 220.0f};
  const double iod = InterOcular(p);
  const cv::Rect crop(90, 90, 230, 200);
  const cv::Rect band = EyeglassesBand(p, crop, 0.35);
  EXPECT_EQ(band.x, 100 - crop.x);
  EXPECT_EQ(band.y, 110 - crop.y);
  EXPECT_NEAR(band.br().x, 300 - crop.x + 1, 1);
  EXPECT_NEAR(band.br().y, 130 + 0.35 * iod - crop.y + 1, 1.5);
  // Clipped to the crop.
  const cv::Rect small(150, 120, 50, 50);
  const cv::Rect clipped = EyeglassesBand(p, small, 0.35);
  EXPECT_EQ(clipped & cv::Rect(0, 0, 50, 50), clipped);
  EXPECT_EQ(clipped.x, 0);
  EXPECT_EQ(clipped.y, 0);
}

// A room-like scene: smooth gradient with noise, a face-coloured blob with dark hair around the
// box.
cv::Mat Scene(std::mt19937& rng) {
  cv::Mat g(480, 640, CV_8U);
  std::normal_distribution<double> n(0, 4);
  for (int y = 0; y < g.rows; ++y)
    for (int x = 0; x < g.cols; ++x)
      g.at<uchar>(y, x) = cv::saturate_cast<uchar>(90 + 0.12 * x + 0.05 * y + n(rng));
  cv::ellipse(g, {320, 215}, {95, 125}, 0, 0, 360, cv::Scalar(25), cv::FILLED);  // hair
  cv::ellipse(g, {320, 250}, {70, 95}, 0, 0, 360, cv::Scalar(170), cv::FILLED);  // face
  return g;
}

TEST(ScreenBorderMask, BezelAroundTheFaceMarksItsSides) {
  std::mt19937 rng(7);
  const cv::Rect2f face(260, 190, 120, 130);
  cv::Mat room = Scene(rng);
  EXPECT_EQ(ScreenBorderMask(room, face), 0u) << "hair and face outlines are not borders";

  // The same scene shown on a display: a dark bezel band, slightly rotated, around the picture.
  cv::Mat screen = room.clone();
  const cv::RotatedRect outer({322, 242}, {560, 420}, 3.0f), inner({322, 242}, {520, 380}, 3.0f);
  cv::Point2f po[4], pi[4];
  outer.points(po);
  inner.points(pi);
  std::vector<cv::Point> o(po, po + 4), in(pi, pi + 4);
  cv::Mat mask(screen.size(), CV_8U, cv::Scalar(0));
  cv::fillConvexPoly(mask, o, cv::Scalar(255));
  cv::fillConvexPoly(mask, in, cv::Scalar(0));
  screen.setTo(cv::Scalar(14), mask);
  EXPECT_EQ(ScreenBorderMask(screen, face),
            kBorderLeft | kBorderRight | kBorderAbove | kBorderBelow);

  // Only the left and top of the bezel in view (the display drifted out of the frame).
  cv::Mat partial = screen.clone();
  partial(cv::Rect(480, 0, 160, 480)).setTo(cv::Scalar(120));
  partial(cv::Rect(0, 400, 640, 80)).setTo(cv::Scalar(120));
  EXPECT_EQ(ScreenBorderMask(partial, face), kBorderLeft | kBorderAbove);

  // A dark vertical bar that runs behind the head (a door edge) is not a frame around the face.
  cv::Mat door = Scene(rng);
  door(cv::Rect(300, 0, 30, 480)).setTo(cv::Scalar(20));
  EXPECT_EQ(ScreenBorderMask(door, face), 0u);

  EXPECT_EQ(ScreenBorderMask(cv::Mat(), face), 0u);
}

}  // namespace
}  // namespace ekyc::live
