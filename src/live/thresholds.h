// Every threshold of the video and photo liveness decision, grouped by stage and cue, each
// explained once (internal header). Values were chosen on the development part of the split
// (tools/live/split.csv) only; docs/liveness.md gives the figures and the commands that measure
// them. Units: IOD = inter-ocular distance of the face in that frame.
#pragma once

namespace ekyc::live::thresholds {

// ---- Stage 1: tracking and refusals --------------------------------------------------------
// A second face at least this wide relative to the applicant's counts as another person.
inline constexpr double kOtherFaceMinWidth = 0.5;
// live.multiple_faces: another person in this share of the full-frame searches (at least 2).
inline constexpr double kMultiFaceShare = 0.2;
inline constexpr int kMultiFaceMinFrames = 2;
// live.no_face: the face is found in fewer than this share of the samples (at least 3 needed).
inline constexpr double kNoFaceShare = 0.3;
// live.face_lost: found in fewer than this share, or missing longer than max(1 s, 30 % of the
// clip) in a row: too little of the clip shows the face to judge it.
inline constexpr double kFaceLostShare = 0.6;
inline constexpr double kFaceLostMinGapSeconds = 1.0;
inline constexpr double kFaceLostGapShare = 0.3;
// Fallback face detector (BlazeFace) when HOG finds no face in a frame: the MediaPipe score it must
// reach (the face module's fallback uses the same).
inline constexpr double kFallbackMinScore = 0.5;

// ---- Eyes ------------------------------------------------------------------------------------
// A blink: the eye aspect ratio (after removing the face's planar motion) drops this share below
// the open-eye level, for at most this long, with open eyes before and after.
inline constexpr double kBlinkDrop = 0.30;
inline constexpr double kBlinkMaxSeconds = 0.7;

// ---- Cue: 3D motion (the face deforms or shows parallax, unlike a flat picture) --------------
// Landmark residual of one homography over frame pairs (90th pct): below kNonRigidLow the face
// moved like a flat picture, above kNonRigidHigh it clearly deformed or showed parallax.
inline constexpr double kNonRigidLow = 0.050, kNonRigidHigh = 0.066;
// ...and it must exceed the face's own landmark noise (refit from a shifted box) by this factor:
// blurry or low-resolution pictures have noisy landmarks that would otherwise pass as deformation.
inline constexpr double kNoiseRatioLow = 2.2, kNoiseRatioHigh = 2.6;
// Dense-flow planarity residual (median over pairs): a picture's image motion is one homography up
// to codec noise (prints <= 0.005); a talking face's is not (>= 0.013 on the dev clips).
inline constexpr double kFlowLow = 0.008, kFlowHigh = 0.012;
// The cue judges "flat picture" only when the face's image shape changed clearly (similarity
// residual at least kShapeJudgeMin and kShapeToNoise times the landmark noise), i.e. the picture
// or head was tilted or turned: a face that only moved in its plane, or barely moved, looks the
// same live or printed, and the cue abstains.
inline constexpr double kShapeJudgeMin = 0.04;
inline constexpr double kShapeToNoise = 3.0;
// ...and only when one plane explains that shape change: the landmarks' homography residual is at
// most this share of their similarity residual. A tilted picture's shape change is perspective,
// which a homography absorbs (0.36-0.67 on the development prints); a still person's shape change
// is blinks, expressions and landmark slips, which it does not (about 0.9-1.9 on the development
// genuine clips), and then the cue abstains rather than calling the person flat.
inline constexpr double kPlanarShareMax = 0.7;
// ...and only when that shape change spans enough pixels for the dense flow to show a 3D face's
// parallax: shape change x inter-ocular distance in pixels. Below it (a small face that barely
// tilted, e.g. a 320x240 webcam) a live face's flow is planar within the flow's own precision.
inline constexpr double kShapeJudgeMinPx = 2.0;

// ---- Cue: blink --------------------------------------------------------------------------------
// A blink counts when the dense flow from an open to the closed sample leaves the face's plane at
// the upper eyelids by at least kEyelidFlowMin and kEyelidToNose times as much as at the nose.
inline constexpr double kEyelidFlowMin = 0.006;
inline constexpr double kEyelidToNose = 3.0;

// ---- Cue: screen (moire pattern, confirmed by a bezel) ----------------------------------------
// Moire peak (ln units over its frequency ring): screens and halftone raise it; once-encoded
// MPEG-4 part 2 phone clips reach ~1.46 from block artefacts.
inline constexpr double kMoireLow = 1.40, kMoireHigh = 1.60;
// Video: the peak's height over its own 9x9-bin neighbourhood (MoirePeak's isolation) must also
// pass this ramp: motion blur and cloth folds raise the ring-median peak with broad ridges.
inline constexpr double kMoireIsolationLow = 0.80, kMoireIsolationHigh = 0.90;
// Single photo (passive only, not enforced by the API): only a strong peak votes; flash-lit studio
// portraits reach 1.49.
inline constexpr double kPhotoMoireLow = 1.55, kPhotoMoireHigh = 1.75;
// Screen border: share of sampled frames with dark straight edges on >= kBorderMinSides sides of
// the face. A dark door, window or switched-off monitor behind a live person draws the same
// edges, so it only turns moire evidence that is inside its ramp into a decision.
inline constexpr int kBorderMinSides = 2;
inline constexpr double kBorderLow = 0.3, kBorderHigh = 0.5;
inline constexpr int kBorderFrames = 10;
// Faces with a smaller inter-ocular distance (pixels) are too small for the spectrum: abstain.
inline constexpr double kMoireMinIodPx = 20.0;

// ---- Cue: glare ------------------------------------------------------------------------------
// Share of face pixels that are bright and unsaturated (specular reflection of a screen or glossy
// print).
inline constexpr double kGlareLow = 0.04, kGlareHigh = 0.12;
// ...counted only when the face is at least this many times as clipped as the scene around it.
inline constexpr double kGlareOverScene = 2.0;
// The scene is the frame outside the face box enlarged 2x (hair and ears left out); when the face
// is so close that this leaves under kSceneMinShare of the frame (phone selfies at arm's length),
// smaller enlargements are tried; when none leaves enough, exposure cannot be judged and the cue
// abstains rather than read clipped skin as a reflection.
inline constexpr double kSceneEnlarge[] = {2.0, 1.5, 1.25};
inline constexpr double kSceneMinShare = 0.15;
// The share is taken outside the band where eyeglasses sit (EyeglassesBand): from the brows to this
// many inter-ocular distances below the eyes, jaw end to jaw end. Lenses and frames reflect lamps
// and the screen the user looks at; a screen's or print's glare covers the face wherever it falls.
inline constexpr double kGlassesBelowEyes = 0.35;

// ---- Cue: rescaled copy (edge sharpness) -------------------------------------------------------
// Sharpness of the strongest edges for their contrast. A copy scaled down and up again reads
// 0.004-0.006, and so do soft camera recordings (motion blur, beauty filters, shallow depth of
// field); below kEdgeSoft the cue abstains, it never votes spoof.
inline constexpr double kEdgeSoft = 0.010;

// ---- Challenge head turns ------------------------------------------------------------------
// NoseTurn (share of the face width): a turn starts beyond kTurnEnter and ends inside kTurnExit
// (about 0.15 at a clear 30-degree turn; frontal faces stay within ~0.05), held for
// kTurnMinSamples samples (>= 1 s at the sparsest sampling, 30 over 15 s).
inline constexpr double kTurnEnter = 0.10, kTurnExit = 0.05;
inline constexpr int kTurnMinSamples = 2;

}  // namespace ekyc::live::thresholds
