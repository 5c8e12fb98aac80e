// Cue "motion_3d": does the face move like a 3D, living face or like a flat picture?
//
// A photo or screen moved in front of the camera moves as one plane: one homography explains both
// its landmarks (up to landmark noise) and its dense image motion (up to codec noise). A live face
// that talks, blinks or turns does not (its mouth and eyes deform, its nose shows parallax against
// its cheeks).
//  live:    the landmarks leave the plane by more than their own noise AND the dense flow leaves it
//           too (re-detected landmarks on a blurred or re-encoded screen jitter, the flow does
//           not);
//  spoof:   the face's image shape clearly changed as a tilted plane's does (the picture or head
//           was tilted or turned; one homography explains the landmarks' change), over enough
//           pixels for parallax to show, and the dense flow still follows one plane;
//  abstain: anything else. A face that kept still, or only moved in its own plane (shifted, turned
//           about the lens axis, zoomed), looks the same live or printed; on a dark, soft or tiny
//           face the landmarks can be as noisy as the motion; a small face that tilts a little
//           moves too few pixels for the flow to show parallax; and when landmarks and flow
//           disagree (including landmarks that change shape in a way no plane explains while the
//           flow stays planar) the cue does not pick one.
#include <cmath>

#include "live/cues.h"
#include "live/thresholds.h"
#include "live/util.h"

namespace ekyc::live {

CueResult MotionCue(const ClipMeasurements& m) {
  using namespace thresholds;
  CueResult c;
  c.name = "motion_3d";
  const double ratio = m.nonrigid_residual / std::max(m.landmark_noise, 0.005);
  const bool flow_ok = std::isfinite(m.flow_residual);
  const double landmarks = std::min(Ramp(m.nonrigid_residual, kNonRigidLow, kNonRigidHigh),
                                    Ramp(ratio, kNoiseRatioLow, kNoiseRatioHigh));
  const double flow = flow_ok ? Ramp(m.flow_residual, kFlowLow, kFlowHigh) : 0.0;
  const std::string measured = "landmark residual " + Fmt(m.nonrigid_residual) + " (" +
                               Fmt(ratio, 1) + "x landmark noise), dense-flow residual " +
                               Fmt(m.flow_residual, 4) + ", shape change " + Fmt(m.shape_change);
  const double live = std::min(landmarks, flow);
  if (live >= 0.5) {
    c.vote = Vote::kLive;
    c.strength = live;
    c.detail = "the face deforms or shows parallax like a live 3D face (" + measured + ")";
    return c;
  }
  if (!flow_ok) {
    c.vote = Vote::kAbstain;
    c.detail = "the face's image motion could not be measured";
    return c;
  }
  const bool judgeable =
      m.shape_change >= kShapeJudgeMin && m.shape_change >= kShapeToNoise * m.landmark_noise;
  if (!judgeable) {
    c.vote = Vote::kAbstain;
    c.detail = "the face barely changed shape beyond landmark noise (" + Fmt(m.landmark_noise) +
               "): it kept still, or the video is too dark, soft or small to judge its motion (" +
               measured + ")";
    return c;
  }
  if (m.nonrigid_residual > kPlanarShareMax * m.shape_change) {
    c.vote = Vote::kAbstain;
    c.detail = "the face's change of shape is not that of a tilted plane (blinks, expressions or "
               "landmark slips), so its flat image motion does not show a picture (" +
               measured + ")";
    return c;
  }
  if (m.face_iod_px > 0 && m.shape_change * m.face_iod_px < kShapeJudgeMinPx) {
    c.vote = Vote::kAbstain;
    c.detail = "the face's tilt spans " + Fmt(m.shape_change * m.face_iod_px, 1) +
               " px, too few for the image motion to show a 3D face's parallax (" + measured +
               ")";
    return c;
  }
  if (flow < 0.5) {
    c.vote = Vote::kSpoof;
    c.strength = 1.0 - flow;
    c.detail =
        "the face was tilted or turned but its image moved like a flat picture, as one plane (" +
        measured + ")";
    return c;
  }
  c.vote = Vote::kAbstain;
  c.detail = "the image motion leaves the plane but the landmarks hardly do (" + measured + ")";
  return c;
}

}  // namespace ekyc::live
