// The cues' votes and abstentions, and the three-way decision, on synthetic measurements: each
// test puts a measurement on one side of a named threshold and checks what the cue says.
#include "live/cues.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "live/decision.h"
#include "live/thresholds.h"

namespace ekyc::live {
namespace {

using namespace thresholds;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A clip of a talking face: non-rigid well above landmark noise, flow off the plane.
ClipMeasurements Talking() {
  ClipMeasurements m;
  m.landmark_noise = 0.02;
  m.nonrigid_residual = 0.12;
  m.shape_change = 0.08;
  m.motion = 0.15;
  m.flow_residual = 0.03;
  m.face_iod_px = 60;
  m.edge_sharpness = 0.03;
  m.moire_peak = 0.9;
  return m;
}

// A printed photo tilted in front of the camera: its shape changes, one plane explains it.
ClipMeasurements TiltedPicture() {
  ClipMeasurements m = Talking();
  m.nonrigid_residual = 0.03;
  m.shape_change = 4 * kShapeJudgeMin;
  m.flow_residual = 0.5 * kFlowLow;
  return m;
}

TEST(MotionCue, DeformingFaceVotesLive) {
  const CueResult c = MotionCue(Talking());
  EXPECT_EQ(c.vote, Vote::kLive) << c.detail;
  EXPECT_GE(c.strength, 0.5);
}

TEST(MotionCue, TiltedPlaneVotesSpoof) {
  const CueResult c = MotionCue(TiltedPicture());
  EXPECT_EQ(c.vote, Vote::kSpoof) << c.detail;
  EXPECT_GE(c.strength, 0.5);
}

// The same planar motion, but the shape barely changed: a still face or one moved in its own
// plane looks the same live or printed, so the cue must not call it a picture.
TEST(MotionCue, StillFaceAbstains) {
  ClipMeasurements m = TiltedPicture();
  m.shape_change = 0.5 * kShapeJudgeMin;
  const CueResult c = MotionCue(m);
  EXPECT_EQ(c.vote, Vote::kAbstain) << c.detail;
}

// Landmarks as noisy as the shape change (a dark or tiny face): abstain, not spoof.
TEST(MotionCue, NoisyLandmarksAbstain) {
  ClipMeasurements m = TiltedPicture();
  m.landmark_noise = m.shape_change / (0.8 * kShapeToNoise);
  const CueResult c = MotionCue(m);
  EXPECT_EQ(c.vote, Vote::kAbstain) << c.detail;
}

// A near-still person on a 320x240 webcam: blinks and landmark slips change the face's shape a
// little past the judging point, no plane explains that change, and the flow is planar within
// its precision. Not evidence of a picture: abstain (the decision then asks for a retry).
TEST(MotionCue, NearStillLowResolutionFaceAbstains) {
  ClipMeasurements m = Talking();
  m.face_iod_px = 30;
  m.landmark_noise = 0.012;
  m.shape_change = 1.2 * kShapeJudgeMin;
  m.nonrigid_residual = 1.3 * m.shape_change;
  m.flow_residual = 0.5 * kFlowLow;
  const CueResult c = MotionCue(m);
  EXPECT_EQ(c.vote, Vote::kAbstain) << c.detail;
  EXPECT_EQ(Decide({c, BlinkCue(m)}, 0.5).decision, Decision::kNotEnoughEvidence);
}

// The landmarks' shape change is not perspective (no homography explains it) while the flow is
// planar: the two measurements disagree, so the cue does not call it a picture, at any size.
TEST(MotionCue, ShapeChangeNoPlaneExplainsAbstains) {
  ClipMeasurements m = TiltedPicture();
  m.nonrigid_residual = 1.01 * kPlanarShareMax * m.shape_change;
  EXPECT_EQ(MotionCue(m).vote, Vote::kAbstain) << MotionCue(m).detail;
  m.nonrigid_residual = 0.99 * kPlanarShareMax * m.shape_change;
  EXPECT_EQ(MotionCue(m).vote, Vote::kSpoof) << MotionCue(m).detail;
}

// A planar tilt too small in pixels for the flow to show parallax (a tiny face) abstains; the
// same tilt on a larger face is judged.
TEST(MotionCue, TiltOfTooFewPixelsAbstains) {
  ClipMeasurements m = TiltedPicture();
  m.face_iod_px = 0.9 * kShapeJudgeMinPx / m.shape_change;
  EXPECT_EQ(MotionCue(m).vote, Vote::kAbstain) << MotionCue(m).detail;
  m.face_iod_px = 1.1 * kShapeJudgeMinPx / m.shape_change;
  EXPECT_EQ(MotionCue(m).vote, Vote::kSpoof) << MotionCue(m).detail;
}

TEST(MotionCue, UnmeasurableFlowAbstains) {
  ClipMeasurements m = TiltedPicture();
  m.flow_residual = kNaN;
  EXPECT_EQ(MotionCue(m).vote, Vote::kAbstain);
}

TEST(BlinkCue, NoBlinkIsNone) {
  EXPECT_EQ(BlinkCue(Talking()).vote, Vote::kNone);
}

TEST(BlinkCue, EyelidMotionConfirmsTheBlink) {
  ClipMeasurements m = TiltedPicture();
  m.blinks.blinks = 1;
  m.eyelid_flow = 2 * kEyelidFlowMin;
  m.eyelid_flow_nose = m.eyelid_flow / (2 * kEyelidToNose);
  const CueResult c = BlinkCue(m);
  EXPECT_EQ(c.vote, Vote::kLive) << c.detail;
  EXPECT_GE(c.strength, 0.5);
}

// A landmark dip whose eyelids did not move off the face's plane (as on a picture) abstains.
TEST(BlinkCue, UnconfirmedDipAbstains) {
  ClipMeasurements m = TiltedPicture();
  m.blinks.blinks = 2;
  m.eyelid_flow = 2 * kEyelidFlowMin;
  m.eyelid_flow_nose = m.eyelid_flow / (0.5 * kEyelidToNose);
  EXPECT_EQ(BlinkCue(m).vote, Vote::kAbstain);
  m.eyelid_flow = kNaN;
  EXPECT_EQ(BlinkCue(m).vote, Vote::kAbstain);
}

TEST(ScreenCue, StrongMoireVotesSpoofAndTinyFacesAbstain) {
  EXPECT_EQ(ScreenCue(kMoireHigh + 0.1, kMoireIsolationHigh + 0.1, 0.0, 60, false).vote,
            Vote::kSpoof);
  EXPECT_EQ(ScreenCue(kMoireLow - 0.1, kMoireIsolationHigh + 0.1, 0.0, 60, false).vote,
            Vote::kNone);
  EXPECT_EQ(
      ScreenCue(kMoireHigh + 0.1, kMoireIsolationHigh + 0.1, 0.0, 0.5 * kMoireMinIodPx, false).vote,
      Vote::kAbstain);
}

// The bezel never votes alone (doors and windows draw it too); it confirms weak moire.
TEST(ScreenCue, BorderOnlyConfirmsWeakMoire) {
  EXPECT_EQ(ScreenCue(kMoireLow - 0.1, kMoireIsolationHigh + 0.1, 1.0, 60, false).vote,
            Vote::kNone);
  const CueResult c = ScreenCue(kMoireLow + 0.02, kMoireIsolationHigh + 0.1, 1.0, 60, false);
  EXPECT_EQ(c.vote, Vote::kSpoof);
  EXPECT_GE(c.strength, 0.5);
}

TEST(Decide, ThreeOutcomes) {
  const CueResult live_motion = MotionCue(Talking());
  const CueResult planar = MotionCue(TiltedPicture());
  ClipMeasurements still = TiltedPicture();
  still.shape_change = 0.5 * kShapeJudgeMin;
  const CueResult abstain = MotionCue(still);
  const CueResult no_blink = BlinkCue(Talking());
  const CueResult moire = ScreenCue(kMoireHigh + 0.1, kMoireIsolationHigh + 0.1, 0.0, 60, false);
  const CueResult clean = ScreenCue(kMoireLow - 0.3, 0.5, 0.0, 60, false);

  DecisionResult d = Decide({live_motion, no_blink, clean}, 0.5);
  EXPECT_EQ(d.decision, Decision::kLive);
  EXPECT_TRUE(d.abstained.empty());

  d = Decide({planar, no_blink, clean}, 0.5);
  EXPECT_EQ(d.decision, Decision::kSpoof);

  // A live face in front of a screen pattern: the attack evidence wins.
  d = Decide({live_motion, no_blink, moire}, 0.5);
  EXPECT_EQ(d.decision, Decision::kSpoof);

  // Nothing either way: not enough evidence, and the reasons say which cue could not judge.
  d = Decide({abstain, no_blink, clean}, 0.5);
  EXPECT_EQ(d.decision, Decision::kNotEnoughEvidence);
  ASSERT_EQ(d.abstained.size(), 1u);
  EXPECT_EQ(d.abstained[0], "motion_3d");
  bool names_it = false;
  for (const auto& r : d.reasons) names_it |= r.find("motion_3d") != std::string::npos;
  EXPECT_TRUE(names_it);
  EXPECT_LT(d.score, 0.5);
}

// Glare on the face votes spoof when the scene around it is not clipped, abstains when the scene
// is clipped as much (overexposure), and abstains when there is no scene to compare (the face
// fills the frame): clipped skin alone is not evidence of a reflection.
TEST(GlareCue, VotesOnlyAgainstAnUnclippedScene) {
  const double face = 2 * kGlareHigh;
  EXPECT_EQ(GlareCue(face, 0.0).vote, Vote::kSpoof);
  EXPECT_EQ(GlareCue(face, face).vote, Vote::kAbstain);
  EXPECT_EQ(GlareCue(face, face / (2 * kGlareOverScene)).vote, Vote::kSpoof);
  EXPECT_EQ(GlareCue(face, kNaN).vote, Vote::kAbstain);
  EXPECT_EQ(GlareCue(face, -1.0).vote, Vote::kAbstain);
  EXPECT_EQ(GlareCue(0.5 * kGlareLow, kNaN).vote, Vote::kNone);
}

}  // namespace
}  // namespace ekyc::live
