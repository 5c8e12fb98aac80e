// Pure signal functions used by the liveness checker (internal header; kept separate so the
// unit tests can drive them with synthetic landmarks and images).
//
// Thread-safety: all functions are pure; safe from any thread.
#pragma once

#include <array>
#include <opencv2/core.hpp>
#include <span>
#include <string>
#include <vector>

namespace ekyc::live {

using Landmarks68 = std::array<cv::Point2f, 68>;

// Eye aspect ratio (Soukupova & Cech 2016) of one eye given its 6 iBUG points (p1..p6):
// (|p2-p6| + |p3-p5|) / (2 |p1-p4|). About 0.25-0.35 open, < 0.15 closed.
double EyeAspectRatio(const cv::Point2f* eye6);
// Mean EAR of both eyes (points 36-41 and 42-47).
double MeanEyeAspectRatio(const Landmarks68& p);
// Distance between the two eye centres: the scale every geometric residual is divided by.
double InterOcular(const Landmarks68& p);

struct BlinkStats {
  int blinks = 0;
  double baseline = 0.0;           // open-eye EAR (75th percentile of the sequence)
  double min_ratio = 1.0;          // smallest EAR / baseline seen
  std::vector<int> closed_frames;  // frames counted inside a blink
};
// Counts blinks in an EAR sequence (NaN = no face that frame). A blink is a run of at most
// `max_run` frames whose EAR falls below baseline*(1-drop), with open eyes (above
// baseline*(1-drop/2)) before and after it, so closing the eyes at the end of a clip or a
// slow squint is not counted.
BlinkStats DetectBlinks(const std::vector<double>& ear, double drop, int max_run);

// Fits a homography from `a` to `b` with RANSAC on all points and returns the 90th percentile of
// the residuals of points [first_scored, end), divided by `norm` (inter-ocular distance). For the
// 68-point layout pass 17 to skip the jaw contour, whose points slide along the cheek edge and
// make even a flat photo look non-rigid. A flat photo moved in front of the camera
// moves as one plane, so its residual stays at landmark-noise level; a live face that talks, blinks
// or turns (parallax of nose vs. cheeks) does not. `h_out` receives the homography when non-null.
double PlanarResidual(const std::vector<cv::Point2f>& a, const std::vector<cv::Point2f>& b,
                      double norm, size_t first_scored = 0, cv::Mat* h_out = nullptr);

// Least-squares similarity (shift, rotation, uniform scale) from `a` to `b` on points
// [first, end), and the 90th percentile of its residuals over those points divided by `norm`:
// how much the shape changed beyond what moving the same picture in its plane does. NaN when the
// sets do not match.
double SimilarityResidual(const std::vector<cv::Point2f>& a, const std::vector<cv::Point2f>& b,
                          double norm, size_t first = 0);

// Planarity of the face's image motion from frame `a` to frame `b`, measured on dense optical flow
// instead of on re-detected landmarks. Landmarks of `a` only place and scale the face (crop with an
// inter-ocular distance of 40 px, the jaw contour as the region) and mark where faces deform
// (brows, eyes, nose, mouth); those of `b` give only a rough similarity pre-alignment. A homography
// is fitted by RANSAC on the flow of the more textured half of a 4-px grid over the face (a few
// hundred vectors), refined once (re-warp, flow again), and the residual flow field is averaged
// around each interior landmark (7x7 px, weighted by texture, so flat skin, whose flow is
// interpolated, does not vote). Returns the 90th percentile of those residuals over the 51 interior
// landmarks, in inter-ocular distances; NaN when it cannot be measured.
// Why: codec noise and landmark jitter are per-frame errors of a few landmarks; the motion of a
// flat photo or screen is exactly a homography for every textured pixel, so averaging hundreds of
// flow vectors separates "moved as one plane" from "deformed" where 68 re-detected landmarks
// cannot (docs/history/liveness.md, "Dense-flow planarity").
// The flow is DIS (OpenCV's "medium" preset without spatial propagation), created per call: a DIS
// object carries state from one call to the next, and its spatial propagation depends on OpenCV's
// thread count, either of which would make the result depend on the order and the machine.
// `per_landmark`, when given, receives the residual at each interior landmark (17..67 -> index
// 0..50, in IOD; empty when not measurable): where on the face the motion left the plane.
double FlowPlanarResidual(const cv::Mat& frame_a, const Landmarks68& a, const cv::Mat& frame_b,
                          const Landmarks68& b, std::vector<double>* per_landmark = nullptr);

// Head-turn measure for challenges: offset of the nose tip (point 30) from the middle of the face
// contour (points 0 and 16), along the eye line, over the contour width. About 0 for a frontal
// face, negative when the face turns toward the left edge of the image, positive toward the
// right; about +-0.15 at a clear (~30 degree) turn. Purely 2D, so its sign does not depend on a
// 3D model's conventions.
double NoseTurn(const Landmarks68& p);

struct TurnEvent {
  int start = 0;  // index of the first sample of the turn
  int dir = 0;    // -1 left, +1 right (as seen in the image)
};
// Turns in a NoseTurn sequence (NaN = no face that sample) relative to `baseline` (the value when
// facing the camera, which an off-axis camera shifts), with hysteresis: a turn starts when the
// offset stays beyond `enter` on one side for `min_run` samples (one noisy sample is not a turn)
// and ends when it falls below `exit` or flips to the other side.
std::vector<TurnEvent> DetectTurns(const std::vector<double>& turn, double baseline, double enter,
                                   double exit, int min_run);

// Whether the observed actions (time order; "left", "right", "blink") satisfy the requested ones:
// the turns must be exactly the requested turns in order (a generic recording with many head
// movements does not pass), and the requested sequence must appear in order within the observed
// one (so blinks sit between the right turns); extra blinks are allowed (people blink anyway).
bool ChallengeMatches(const std::vector<std::string>& requested,
                      const std::vector<std::string>& observed);

struct HeadPose {
  double yaw_deg = 0.0;
  double pitch_deg = 0.0;
  double roll_deg = 0.0;
  bool ok = false;
};
// Head pose from 6 landmarks and a generic 3D face, pinhole camera with focal = image width.
HeadPose EstimateHeadPose(const Landmarks68& p, cv::Size image_size);

// Largest isolated peak in the face crop's spectrum, in natural-log units above the median of its
// frequency ring (mid/high frequencies only, axes excluded). Screen moire and halftone print give
// sharp peaks; skin gives a smooth 1/f spectrum. Input: 8-bit gray crop.
// `isolation`, when given, receives the largest height of a high bin over the median of its
// 9x9-bin neighbourhood (3x3 centre excluded), in the same units: a display's moire is an isolated
// spike, while a directional blur or a fabric's folds lift broad ridges that also score on the
// ring median.
double MoirePeak(const cv::Mat& gray_crop, double* isolation = nullptr);
// Share of face-crop pixels that are specular glare (very bright and unsaturated). Input: BGR crop.
// With `mask` (8-bit, the crop's size), only the pixels where it is non-zero are counted.
double GlareFraction(const cv::Mat& bgr_crop, const cv::Mat& mask = cv::Mat());
// GlareFraction of the scene around a face: the whole BGR frame outside the face box enlarged by
// the largest of `enlarge` (tried in order) that still leaves at least `min_share` of the frame.
// NaN when even the last leaves less: the face fills the frame and there is no scene to compare
// its exposure with.
double SceneGlareFraction(const cv::Mat& bgr_frame, const cv::Rect& face,
                          std::span<const double> enlarge, double min_share);
// The band of the face where eyeglasses sit, as a rectangle in the coordinates of `crop` (clipped
// to it): from the jaw's left to its right end (frames reach the temples), from the top of the
// brows to `below_eyes` inter-ocular distances under the lowest eye point (the lenses' lower rims).
// Lenses and frames reflect lamps and screens while the skin around them does not.
cv::Rect EyeglassesBand(const Landmarks68& p, const cv::Rect& crop, double below_eyes);
// Sharpness of the strongest edges relative to their contrast: mean squared Laplacian over mean
// squared Sobel gradient on the 5 % of pixels with the largest gradient (full frame, 8-bit gray).
// About 1/width^2 of those edges, independent of scene contrast. A video scaled down and up again
// (re-encoded copies, docs/history/liveness.md) has every edge widened: about 0.004-0.005 there
// against 0.013-0.059 for camera captures, including low-resolution and once-compressed ones.
double EdgeSharpness(const cv::Mat& gray);
// Screen border (bezel) cue, after Komulainen et al. 2013 ("Context based face anti-spoofing"): a
// photo or video replayed on a display is framed by the display's border, a dark straight band that
// surrounds the face. Returns on which sides of the face (kBorderLeft/Right/Above/Below) a long
// straight edge (>= 30 % of the frame's smaller side, slope under 1:2) with an unlit side (mean <=
// kScreenBorderDarkMax, >= kScreenBorderContrastMin darker than its other side) lies clear of the
// head. Input: the 8-bit gray frame and the face box in its pixels. A dark door, window or
// monitor behind a live person shows the same edges (docs/history/liveness.md, "Screen border"), so
// callers must not decide on it alone.
inline constexpr double kScreenBorderDarkMax = 40.0, kScreenBorderContrastMin = 15.0;
inline constexpr unsigned kBorderLeft = 1, kBorderRight = 2, kBorderAbove = 4, kBorderBelow = 8;
unsigned ScreenBorderMask(const cv::Mat& gray, const cv::Rect2f& face);
// Noise level of an 8-bit gray crop, in grey levels (Immerkaer 1996, "Fast noise variance
// estimation"): the mean absolute response to a 3x3 mask that cancels locally linear intensity,
// on the flatter half of the pixels (below the median gradient) so that edges do not count as
// noise. Sensor gain in dim light and heavy compression both change it.
double NoiseSigma(const cv::Mat& gray_crop);
// Variance of the Laplacian of the gray crop resized to 128 px high (sharpness, scale-normalised).
double Sharpness(const cv::Mat& gray_crop);

}  // namespace ekyc::live
